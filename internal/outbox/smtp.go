package outbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SendError says whether a failed submission may succeed if tried again
// (4xx, network) or not (5xx: a bad address, a refused message).
type SendError struct {
	Temporary bool
	Err       error
}

func (e *SendError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	return fmt.Sprintf("outbox: SMTP %s failure: %v", kind, e.Err)
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

// SMTPConfig describes the submission server.
type SMTPConfig struct {
	Addr               string // host:port
	Username, Password string
	TLS                string // implicit, starttls, none
	TLSConfig          *tls.Config
	Timeout            time.Duration
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
	return &SMTPSender{cfg: cfg, host: host, port: port}, nil
}

// Send implements Sender.
func (s *SMTPSender) Send(ctx context.Context, c *Composed) error {
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
	if s.cfg.Username != "" {
		auth := gomail.SMTPAuthPlain
		if s.cfg.TLS == "none" {
			// PLAIN over plaintext is only ever configured towards loopback
			// (config validation); go-mail refuses it otherwise.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return &SendError{Temporary: false, Err: err}
	}
	if err := client.DialAndSendWithContext(ctx, c.Msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) {
			return &SendError{Temporary: se.IsTemp(), Err: err}
		}
		return &SendError{Temporary: true, Err: err}
	}
	return nil
}
