// Package smtpsink is an in-process SMTP server for tests (go-smtp): it keeps
// every accepted message and can be told to refuse with 4xx or 5xx replies.
// With Options it checks logins as a submission server does: PLAIN and LOGIN
// passwords, and XOAUTH2 strings as Gmail and Microsoft 365 read them.
package smtpsink

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SASL mechanism names the sink offers.
const (
	Plain   = "PLAIN"
	Login   = "LOGIN"
	XOAuth2 = "XOAUTH2"
)

// Message is one accepted submission.
type Message struct {
	From string
	To   []string
	Data []byte
	// AuthMech and AuthUser are the session's login ("" without one).
	AuthMech, AuthUser string
}

// LoginAttempt is one AUTH command the sink answered.
type LoginAttempt struct {
	Mech, User string
	OK         bool
}

// Options make the sink a server that checks who submits. The zero value is
// a relay: no AUTH offered, everything accepted.
type Options struct {
	// Mechanisms are offered in EHLO (Plain, Login, XOAuth2); none: the
	// server offers no AUTH.
	Mechanisms []string
	// Users maps a username to its password (PLAIN, LOGIN).
	Users map[string]string
	// Tokens maps a username to its OAuth2 access token (XOAUTH2).
	Tokens map[string]string
	// RequireAuth refuses MAIL FROM before a login, with 530 5.7.0.
	RequireAuth bool
	// TemporaryAuthFailure answers every login with 454 4.7.0.
	TemporaryAuthFailure bool
}

// Sink is a running SMTP server on 127.0.0.1.
type Sink struct {
	Addr string

	opts *Options // nil: Start's sink, PLAIN offered and any login accepted

	mu       sync.Mutex
	msgs     []Message
	logins   []LoginAttempt
	refuse   *smtp.SMTPError
	refuseN  int
	attempts int
	srv      *smtp.Server
}

// Start listens on a free loopback port; the server stops at test cleanup.
// It offers AUTH PLAIN and accepts any login, or none.
func Start(t testing.TB) *Sink {
	t.Helper()
	s, err := Listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// StartWith is Start with a server that checks logins as opts say.
func StartWith(t testing.TB, opts Options) *Sink {
	t.Helper()
	s, err := listen(&opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Listen starts a sink outside a test.
func Listen() (*Sink, error) { return listen(nil) }

func listen(opts *Options) (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{Addr: ln.Addr().String(), opts: opts}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "sink.test"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *Sink) Close() error { return s.srv.Close() }

// Messages returns a copy of what was accepted, in order.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Logins returns the AUTH commands answered, in order.
func (s *Sink) Logins() []LoginAttempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LoginAttempt(nil), s.logins...)
}

// SetOptions changes what the next sessions are checked against (a fixed
// password, a refreshed token).
func (s *Sink) SetOptions(opts Options) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts = &opts
}

// Attempts counts DATA commands received, accepted or not.
func (s *Sink) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Refuse makes the next n submissions fail with code (e.g. 451 or 550);
// n < 0 refuses until told otherwise (Refuse(0, 0)).
func (s *Sink) Refuse(code int, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n == 0 {
		s.refuse = nil
		return
	}
	s.refuse = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "refused by the test sink"}
	s.refuseN = n
}

type backend struct{ s *Sink }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s          *Sink
	from       string
	to         []string
	mech, user string // the login, once it succeeded
}

func (s *Sink) options() *Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts
}

func (se *session) AuthMechanisms() []string {
	o := se.s.options()
	if o == nil {
		return []string{sasl.Plain}
	}
	return o.Mechanisms
}

// errAuth is what Gmail and Microsoft 365 answer to wrong credentials.
var errAuth = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Username and Password not accepted"}

func (se *session) note(mech, user string, err error) error {
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	se.s.logins = append(se.s.logins, LoginAttempt{Mech: mech, User: user, OK: err == nil})
	if err == nil {
		se.mech, se.user = mech, user
	}
	return err
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	o := se.s.options()
	offered := []string{sasl.Plain}
	if o != nil {
		offered = o.Mechanisms
	}
	found := false
	for _, m := range offered {
		found = found || strings.EqualFold(m, mech)
	}
	if !found {
		return nil, errors.New("unsupported mechanism")
	}
	password := func(user, pass string) error {
		switch {
		case o == nil:
			return nil
		case o.TemporaryAuthFailure:
			return &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure"}
		case o.Users == nil || o.Users[user] != pass || pass == "":
			return errAuth
		}
		return nil
	}
	switch strings.ToUpper(mech) {
	case Plain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			return se.note(Plain, user, password(user, pass))
		}), nil
	case Login:
		return &loginServer{check: func(user, pass string) error { return se.note(Login, user, password(user, pass)) }}, nil
	case XOAuth2:
		return &xoauth2Server{check: func(user, token string) error {
			var err error
			switch {
			case o == nil:
			case o.TemporaryAuthFailure:
				err = &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure"}
			case o.Tokens == nil || o.Tokens[user] != token || token == "":
				err = errAuth
			}
			return se.note(XOAuth2, user, err)
		}}, nil
	}
	return nil, errors.New("unsupported mechanism")
}

// loginServer is the LOGIN mechanism: the username, then the password, each
// asked for by a challenge (the username may come as the initial response).
type loginServer struct {
	step  int
	user  string
	check func(user, pass string) error
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		if resp == nil {
			l.step = 1
			return []byte("Username:"), false, nil
		}
		l.user, l.step = string(resp), 2
		return []byte("Password:"), false, nil
	case 1:
		l.user, l.step = string(resp), 2
		return []byte("Password:"), false, nil
	default:
		if err := l.check(l.user, string(resp)); err != nil {
			return nil, false, err
		}
		return nil, true, nil
	}
}

// xoauth2Server reads the XOAUTH2 initial response exactly as Gmail and
// Microsoft 365 do: "user=" USER ^A "auth=Bearer " TOKEN ^A ^A. A refused
// token is answered with a JSON status challenge, then 535 once the client
// sends its empty reply.
type xoauth2Server struct {
	check  func(user, token string) error
	failed error
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.failed != nil {
		return nil, false, x.failed
	}
	if resp == nil {
		return []byte{}, false, nil
	}
	user, token, ok := ParseXOAuth2(resp)
	if !ok {
		return nil, false, &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 5, 2}, Message: "Malformed XOAUTH2 string"}
	}
	if err := x.check(user, token); err != nil {
		x.failed = err
		return []byte(`{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	return nil, true, nil
}

// ParseXOAuth2 splits an XOAUTH2 initial response; ok is false unless it has
// exactly the form the mechanism defines.
func ParseXOAuth2(b []byte) (user, token string, ok bool) {
	parts := strings.Split(string(b), "\x01")
	if len(parts) != 4 || parts[2] != "" || parts[3] != "" {
		return "", "", false
	}
	user, ok1 := strings.CutPrefix(parts[0], "user=")
	token, ok2 := strings.CutPrefix(parts[1], "auth=Bearer ")
	if !ok1 || !ok2 || user == "" || token == "" {
		return "", "", false
	}
	return user, token, true
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if o := se.s.options(); o != nil && o.RequireAuth && se.mech == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	se.s.attempts++
	if se.s.refuse != nil {
		err := se.s.refuse
		if se.s.refuseN > 0 {
			se.s.refuseN--
			if se.s.refuseN == 0 {
				se.s.refuse = nil
			}
		}
		return err
	}
	se.s.msgs = append(se.s.msgs, Message{From: se.from, To: append([]string(nil), se.to...), Data: buf.Bytes(),
		AuthMech: se.mech, AuthUser: se.user})
	return nil
}

func (se *session) Reset() {
	se.from = ""
	se.to = nil
}

func (se *session) Logout() error { return nil }
