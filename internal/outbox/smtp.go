package outbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SendError says whether a failed submission may succeed if tried again
// (4xx, network) or not (5xx: a bad address, a refused message, a refused
// login), and whether it is about this message or about the way to the
// server (connection, TLS, login, settings), which every message would
// meet alike.
type SendError struct {
	Temporary bool
	// Transport: the failure is not this message's; a permanent one stops
	// all sending until the configuration is corrected.
	Transport bool
	// Hint tells the human what to check (set on permanent transport
	// failures).
	Hint string
	Err  error
}

func (e *SendError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	s := fmt.Sprintf("outbox: SMTP %s failure: %v", kind, e.Err)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *SendError) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying later.
func IsTemporary(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Temporary
	}
	return true // unknown errors (context, network) are retried
}

// IsStopping reports whether err is a permanent failure that is not the
// message's own: a refused login, a server without the AUTH or TLS the
// settings ask for, an untrusted certificate, a refused sender. Every
// message would fail alike, so sending stops until a human corrects it.
func IsStopping(err error) bool {
	var se *SendError
	return errors.As(err, &se) && !se.Temporary && se.Transport
}

// SMTP authentication modes (RELANCE_SMTP_AUTH).
const (
	// AuthAuto authenticates when credentials are set and the server
	// offers AUTH: with the password (PLAIN, else LOGIN) when there is
	// one, else with the OAuth2 token (XOAUTH2). A relay that offers no
	// AUTH (Postfix on port 25) is used without.
	AuthAuto    = "auto"
	AuthPlain   = "plain"
	AuthLogin   = "login"
	AuthXOAuth2 = "xoauth2" // the bearer token from TokenFile, as for IMAP
	AuthNone    = "none"
)

// SMTPConfig describes the submission server.
type SMTPConfig struct {
	Addr               string // host:port
	Username, Password string
	// Auth is one of the Auth* modes; empty means AuthAuto.
	Auth string
	// TokenFile holds the OAuth2 access token for XOAUTH2 (the IMAP
	// token file). It is read on every connection, since another process
	// refreshes it.
	TokenFile string
	TLS       string // implicit, starttls, none
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// SMTPSender submits through go-mail.
type SMTPSender struct {
	cfg  SMTPConfig
	host string
	port int
}

// NewSMTPSender validates the configuration.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	host, portStr, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("outbox: SMTP address %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("outbox: SMTP port %q: %w", portStr, err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.Auth = strings.ToLower(strings.TrimSpace(cfg.Auth))
	switch cfg.Auth {
	case "":
		cfg.Auth = AuthAuto
	case AuthAuto, AuthNone:
	case AuthPlain, AuthLogin:
		if cfg.Username == "" || cfg.Password == "" {
			return nil, fmt.Errorf("outbox: SMTP auth %s needs a username and a password", cfg.Auth)
		}
	case AuthXOAuth2:
		if cfg.Username == "" || cfg.TokenFile == "" {
			return nil, errors.New("outbox: SMTP auth xoauth2 needs a username and a token file")
		}
	default:
		return nil, fmt.Errorf("outbox: unknown SMTP auth %q (want auto, plain, login, xoauth2 or none)", cfg.Auth)
	}
	return &SMTPSender{cfg: cfg, host: host, port: port}, nil
}

// Send implements Sender: one connection per message.
func (s *SMTPSender) Send(ctx context.Context, c *Composed) error {
	client, sc, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer client.CloseWithSMTPClient(sc) //nolint:errcheck // the message is already accepted or refused
	if err := client.SendWithSMTPClient(sc, c.Msg); err != nil {
		if c.Msg.IsDelivered() {
			// Accepted; only the RSET after it failed. Reporting a failure
			// would send it again.
			return nil
		}
		return s.classifySend(err)
	}
	return nil
}

// Check connects, logs in and announces from (MAIL FROM) as Send would,
// then leaves (RSET, QUIT) without sending anything: it tells whether a
// corrected configuration works.
func (s *SMTPSender) Check(ctx context.Context, from string) error {
	client, sc, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer client.CloseWithSMTPClient(sc) //nolint:errcheck // nothing was sent
	addr := from
	if a, err := mail.ParseAddress(from); err == nil {
		addr = a.Address
	}
	if err := sc.Mail(addr); err != nil {
		se := &SendError{Transport: true, Err: fmt.Errorf("MAIL FROM: %w", err)}
		var te *textproto.Error
		switch {
		case !errors.As(err, &te) || te.Code < 500:
			se.Temporary = true
		case te.Code == 530 || strings.HasPrefix(te.Msg, "5.7.0"):
			se.Hint = hintAuthRequired
		default:
			se.Hint = hintSenderRefused
		}
		return se
	}
	if err := sc.Reset(); err != nil {
		return &SendError{Temporary: true, Transport: true, Err: err}
	}
	return nil
}

const (
	hintAuthRequired  = "the server requires authentication: set RELANCE_SMTP_USERNAME and a password or token, and RELANCE_SMTP_AUTH"
	hintSenderRefused = "the server refuses the sender: check RELANCE_FROM and that the account may send as it"
)

// connect dials, greets, starts TLS as configured and authenticates as
// RELANCE_SMTP_AUTH says, deciding from what the server offers.
func (s *SMTPSender) connect(ctx context.Context) (*gomail.Client, *smtp.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case "implicit":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.cfg.TLSConfig))
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return nil, nil, &SendError{Transport: true, Err: err, Hint: "check RELANCE_SMTP_ADDR and RELANCE_SMTP_TLS"}
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, nil, s.classifyDial(ctx, err)
	}
	if err := s.authenticate(sc); err != nil {
		_ = client.CloseWithSMTPClient(sc)
		return nil, nil, err
	}
	return client, sc, nil
}

// authenticate logs in with the configured mode.
func (s *SMTPSender) authenticate(sc *smtp.Client) error {
	offered, list := sc.Extension("AUTH")
	mechs := strings.Fields(strings.ToUpper(list))
	if !offered {
		mechs = nil
	}
	mech, err := s.mechanism(mechs)
	if err != nil || mech == "" {
		return err
	}
	var auth smtp.Auth
	plaintext := s.cfg.TLS == "none" // only ever configured towards loopback or with SMTP_INSECURE
	switch mech {
	case AuthPlain:
		auth = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.host, plaintext)
	case AuthLogin:
		auth = smtp.LoginAuth(s.cfg.Username, s.cfg.Password, s.host, plaintext)
	case AuthXOAuth2:
		token, err := readToken(s.cfg.TokenFile)
		if err != nil {
			return &SendError{Transport: true, Err: err, Hint: "check RELANCE_IMAP_TOKEN_FILE and the process that refreshes it"}
		}
		auth = smtp.XOAuth2Auth(s.cfg.Username, token)
	}
	if err := sc.Auth(auth); err != nil {
		se := &SendError{Transport: true, Err: fmt.Errorf("%s login as %s refused: %w", strings.ToUpper(mech), s.cfg.Username, err)}
		var te *textproto.Error
		switch {
		case errors.As(err, &te) && te.Code >= 400 && te.Code < 500:
			se.Temporary = true
		case mech == AuthXOAuth2:
			se.Hint = "check the access token in RELANCE_IMAP_TOKEN_FILE (expired? issued for SMTP?) and RELANCE_SMTP_USERNAME"
		default:
			se.Hint = "check RELANCE_SMTP_USERNAME and RELANCE_SMTP_PASSWORD"
		}
		return se
	}
	return nil
}

// mechanism picks the SASL mechanism for the mode and what the server
// offers; "" means no authentication.
func (s *SMTPSender) mechanism(offered []string) (string, error) {
	has := func(m string) bool { return slices.Contains(offered, strings.ToUpper(m)) }
	stop := func(format string, args ...any) (string, error) {
		return "", &SendError{Transport: true, Err: fmt.Errorf(format, args...), Hint: "set RELANCE_SMTP_AUTH to what the server offers (auto, plain, login, xoauth2 or none)"}
	}
	switch s.cfg.Auth {
	case AuthNone:
		return "", nil
	case AuthPlain, AuthLogin, AuthXOAuth2:
		if len(offered) == 0 {
			return stop("RELANCE_SMTP_AUTH=%s but the server offers no AUTH (a relay that needs none: set it to none or auto)", s.cfg.Auth)
		}
		if !has(s.cfg.Auth) {
			return stop("RELANCE_SMTP_AUTH=%s but the server offers AUTH %s", s.cfg.Auth, strings.Join(offered, " "))
		}
		return s.cfg.Auth, nil
	}
	// auto
	if len(offered) == 0 || s.cfg.Username == "" {
		return "", nil
	}
	switch {
	case s.cfg.Password != "" && has(AuthPlain):
		return AuthPlain, nil
	case s.cfg.Password != "" && has(AuthLogin):
		return AuthLogin, nil
	case s.cfg.TokenFile != "" && has(AuthXOAuth2):
		return AuthXOAuth2, nil
	case s.cfg.Password == "" && s.cfg.TokenFile == "":
		return "", nil
	}
	return stop("the server offers AUTH %s, none of which works with the credentials set", strings.Join(offered, " "))
}

func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read OAuth2 token file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("OAuth2 token file %s is empty", path)
	}
	return token, nil
}

// classifyDial sorts what went wrong before the login: the network and the
// server's 4xx are temporary; a server without the TLS the settings ask
// for, an untrusted certificate or a 5xx greeting are not.
func (s *SMTPSender) classifyDial(ctx context.Context, err error) error {
	se := &SendError{Transport: true, Err: err}
	var (
		te       *textproto.Error
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
	)
	switch {
	case ctx.Err() != nil:
		se.Temporary = true
	case errors.As(err, &te):
		se.Temporary = te.Code < 500
	case errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		se.Hint = "the server's certificate is not valid for " + s.host + ": check RELANCE_SMTP_ADDR"
	case errors.As(err, &record):
		se.Hint = "the server does not speak TLS on this port: check RELANCE_SMTP_TLS (implicit is for port 465, starttls for 587)"
	case strings.Contains(err.Error(), "does not support STARTTLS"):
		se.Hint = "the server offers no STARTTLS: check RELANCE_SMTP_TLS"
	default:
		se.Temporary = true // refused connection, timeout, DNS: the network
	}
	return se
}

// classifySend sorts a failure after the login. A refused sender (MAIL
// FROM) or a demand to authenticate concerns every message; a refused
// recipient or message concerns this one.
func (s *SMTPSender) classifySend(err error) error {
	var ge *gomail.SendError
	if !errors.As(err, &ge) {
		return &SendError{Temporary: true, Transport: true, Err: err}
	}
	se := &SendError{Temporary: ge.IsTemp(), Err: err}
	code := ge.ErrorCode()
	enhanced := ge.EnhancedStatusCode()
	switch {
	case ge.Reason == gomail.ErrConnCheck:
		se.Temporary, se.Transport = true, true
	case code == 0 && ge.Reason != gomail.ErrGetSender && ge.Reason != gomail.ErrGetRcpts && ge.Reason != gomail.ErrNoUnencoded:
		// No reply from the server: the connection failed mid-way.
		se.Temporary, se.Transport = true, true
	case se.Temporary:
	case code == 530 || strings.HasPrefix(enhanced, "5.7.0"):
		se.Transport = true
		se.Hint = hintAuthRequired
	case ge.Reason == gomail.ErrSMTPMailFrom:
		se.Transport = true
		se.Hint = hintSenderRefused
	}
	return se
}
