package outbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/smtpsink"
)

func testMessage(t *testing.T) *Composed {
	t.Helper()
	c, err := compose("Atelier <factures@atelier.test>", 1, store.NewDraft{To: []string{"lea@studiokuma.fr"},
		Subject: "Facture F-1", Body: "Bonjour", MessageID: "m1@atelier.test"}, time.Date(2026, 9, 15, 9, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func tokenFile(t *testing.T, token string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The OAuth2 accounts of the tests: a Gmail address and a Microsoft 365
// user principal name, each with the kind of access token its provider
// issues.
const (
	gmailUser   = "atelier.moreau@gmail.com"
	gmailToken  = "ya29.a0AfB_byC-test-gmail-access-token"
	m365User    = "factures@ateliermoreau.onmicrosoft.com"
	m365Token   = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlLmNvbSJ9.c2lnbmF0dXJl"
	password    = "mot-de-passe-de-test"
	accountUser = "factures@atelier.test"
)

// Each RELANCE_SMTP_AUTH mode against a server that checks what it is
// given: the message goes, with the expected login (or none).
func TestSMTPAuthModes(t *testing.T) {
	all := []string{smtpsink.Plain, smtpsink.Login, smtpsink.XOAuth2}
	checking := func(mechs ...string) smtpsink.Options {
		return smtpsink.Options{Mechanisms: mechs, RequireAuth: true, Users: map[string]string{accountUser: password},
			Tokens: map[string]string{gmailUser: gmailToken, m365User: m365Token}}
	}
	cases := []struct {
		name     string
		server   smtpsink.Options
		cfg      SMTPConfig
		wantMech string
		wantUser string
	}{
		{"auto, relay without AUTH (Postfix on port 25)", smtpsink.Options{},
			SMTPConfig{Username: accountUser, Password: password}, "", ""},
		{"auto, relay without AUTH, OAuth2 account", smtpsink.Options{},
			SMTPConfig{Username: gmailUser, TokenFile: "gmail"}, "", ""},
		{"auto, password, PLAIN offered", checking(all...),
			SMTPConfig{Username: accountUser, Password: password}, smtpsink.Plain, accountUser},
		{"auto, password, only LOGIN offered", checking(smtpsink.Login),
			SMTPConfig{Username: accountUser, Password: password}, smtpsink.Login, accountUser},
		{"auto, Gmail token and no password: XOAUTH2, not PLAIN", checking(all...),
			SMTPConfig{Username: gmailUser, TokenFile: "gmail"}, smtpsink.XOAuth2, gmailUser},
		{"auto, no credentials, server offers AUTH but does not require it", smtpsink.Options{Mechanisms: all},
			SMTPConfig{}, "", ""},
		{"plain", checking(all...),
			SMTPConfig{Auth: AuthPlain, Username: accountUser, Password: password}, smtpsink.Plain, accountUser},
		{"login", checking(all...),
			SMTPConfig{Auth: AuthLogin, Username: accountUser, Password: password}, smtpsink.Login, accountUser},
		{"xoauth2, Gmail", checking(all...),
			SMTPConfig{Auth: AuthXOAuth2, Username: gmailUser, TokenFile: "gmail"}, smtpsink.XOAuth2, gmailUser},
		{"xoauth2, Microsoft 365", checking(smtpsink.Login, smtpsink.XOAuth2),
			SMTPConfig{Auth: AuthXOAuth2, Username: m365User, TokenFile: "m365"}, smtpsink.XOAuth2, m365User},
		{"none, relay", smtpsink.Options{},
			SMTPConfig{Auth: AuthNone, Username: accountUser, Password: password}, "", ""},
		{"none, AUTH offered but not required", smtpsink.Options{Mechanisms: all},
			SMTPConfig{Auth: AuthNone, Username: accountUser, Password: password}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sink := smtpsink.StartWith(t, c.server)
			cfg := c.cfg
			cfg.Addr, cfg.TLS, cfg.Timeout = sink.Addr, "none", 10*time.Second
			switch cfg.TokenFile {
			case "gmail":
				cfg.TokenFile = tokenFile(t, gmailToken)
			case "m365":
				cfg.TokenFile = tokenFile(t, m365Token)
			}
			s, err := NewSMTPSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(context.Background(), testMessage(t)); err != nil {
				t.Fatalf("send: %v (logins %+v)", err, sink.Logins())
			}
			msgs := sink.Messages()
			if len(msgs) != 1 {
				t.Fatalf("sink holds %d messages", len(msgs))
			}
			if msgs[0].AuthMech != c.wantMech || msgs[0].AuthUser != c.wantUser {
				t.Errorf("sent after login %q as %q, want %q as %q (logins %+v)", msgs[0].AuthMech, msgs[0].AuthUser, c.wantMech, c.wantUser, sink.Logins())
			}
			if c.wantMech == "" && len(sink.Logins()) != 0 {
				t.Errorf("logged in without need: %+v", sink.Logins())
			}
			if err := s.Check(context.Background(), "Atelier <factures@atelier.test>"); err != nil {
				t.Errorf("Check after a working send: %v", err)
			}
			if len(sink.Messages()) != 1 {
				t.Error("Check sent a message")
			}
		})
	}
}

// Failures that every message would meet stop sending (permanent, not the
// message's own) and say what to correct; a 4xx on the login is temporary.
func TestSMTPAuthFailures(t *testing.T) {
	all := []string{smtpsink.Plain, smtpsink.Login, smtpsink.XOAuth2}
	checking := smtpsink.Options{Mechanisms: all, RequireAuth: true, Users: map[string]string{accountUser: password},
		Tokens: map[string]string{gmailUser: gmailToken}}
	cases := []struct {
		name      string
		server    smtpsink.Options
		cfg       SMTPConfig
		temporary bool
		hint      string // a part of the error
	}{
		{"plain towards a relay without AUTH", smtpsink.Options{},
			SMTPConfig{Auth: AuthPlain, Username: accountUser, Password: password}, false, "offers no AUTH"},
		{"xoauth2 towards a server without XOAUTH2", smtpsink.Options{Mechanisms: []string{smtpsink.Plain}},
			SMTPConfig{Auth: AuthXOAuth2, Username: gmailUser, TokenFile: "gmail"}, false, "RELANCE_SMTP_AUTH"},
		{"wrong password", checking,
			SMTPConfig{Username: accountUser, Password: "wrong"}, false, "RELANCE_SMTP_PASSWORD"},
		{"expired token", checking,
			SMTPConfig{Auth: AuthXOAuth2, Username: gmailUser, TokenFile: "stale"}, false, "RELANCE_IMAP_TOKEN_FILE"},
		{"empty token file", checking,
			SMTPConfig{Auth: AuthXOAuth2, Username: gmailUser, TokenFile: "empty"}, false, "is empty"},
		{"no credentials, server requires a login", checking,
			SMTPConfig{}, false, "requires authentication"},
		{"password only, server offers XOAUTH2 only", smtpsink.Options{Mechanisms: []string{smtpsink.XOAuth2}, RequireAuth: true},
			SMTPConfig{Username: accountUser, Password: password}, false, "none of which works"},
		{"temporary authentication failure", smtpsink.Options{Mechanisms: all, TemporaryAuthFailure: true},
			SMTPConfig{Username: accountUser, Password: password}, true, "454"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sink := smtpsink.StartWith(t, c.server)
			cfg := c.cfg
			cfg.Addr, cfg.TLS, cfg.Timeout = sink.Addr, "none", 10*time.Second
			switch cfg.TokenFile {
			case "gmail":
				cfg.TokenFile = tokenFile(t, gmailToken)
			case "stale":
				cfg.TokenFile = tokenFile(t, "ya29.expired")
			case "empty":
				cfg.TokenFile = tokenFile(t, "")
			}
			s, err := NewSMTPSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(context.Background(), testMessage(t))
			if err == nil {
				t.Fatal("sent")
			}
			if IsTemporary(err) != c.temporary || IsStopping(err) == c.temporary {
				t.Errorf("temporary=%v stopping=%v, want temporary=%v: %v", IsTemporary(err), IsStopping(err), c.temporary, err)
			}
			if !strings.Contains(err.Error(), c.hint) {
				t.Errorf("error %q lacks %q", err, c.hint)
			}
			if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), gmailToken) {
				t.Errorf("error leaks a secret: %v", err)
			}
			if sink.Attempts() != 0 || len(sink.Messages()) != 0 {
				t.Errorf("DATA reached the server")
			}
			if err := s.Check(context.Background(), "Atelier <factures@atelier.test>"); err == nil || IsStopping(err) != !c.temporary {
				t.Errorf("Check = %v", err)
			}
		})
	}
}

// A refused recipient or message is the message's own: permanent but not
// stopping (the draft is stopped and flagged, the others go).
func TestSMTPMessageRefusalIsNotStopping(t *testing.T) {
	sink := smtpsink.Start(t)
	sink.Refuse(550, 1)
	s, err := NewSMTPSender(SMTPConfig{Addr: sink.Addr, TLS: "none", Username: accountUser, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), testMessage(t))
	if err == nil || IsTemporary(err) || IsStopping(err) {
		t.Fatalf("550 on DATA: %v (temporary %v, stopping %v)", err, IsTemporary(err), IsStopping(err))
	}
}

func TestNewSMTPSenderModes(t *testing.T) {
	for _, c := range []struct {
		cfg SMTPConfig
		ok  bool
	}{
		{SMTPConfig{Addr: "127.0.0.1:25"}, true},
		{SMTPConfig{Addr: "127.0.0.1:25", Auth: "NONE"}, true},
		{SMTPConfig{Addr: "127.0.0.1:25", Auth: AuthPlain}, false},
		{SMTPConfig{Addr: "127.0.0.1:25", Auth: AuthXOAuth2, Username: "u"}, false},
		{SMTPConfig{Addr: "127.0.0.1:25", Auth: "cram-md5"}, false},
	} {
		if _, err := NewSMTPSender(c.cfg); (err == nil) != c.ok {
			t.Errorf("NewSMTPSender(%+v): %v", c.cfg, err)
		}
	}
}
