package demo

import (
	"errors"
	"fmt"
	"io"
	"log"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	sinkMaxMessageBytes = 32 << 20
	sinkMaxRecipients   = 100
	// sinkMaxMessages bounds memory when a demo is left running for long in
	// auto mode; the oldest messages go first.
	sinkMaxMessages = 1000
	sinkIOTimeout   = time.Minute
)

// SinkMessage is one message accepted by the SMTP sink.
type SinkMessage struct {
	From string    // envelope sender (MAIL FROM)
	To   []string  // envelope recipients (RCPT TO)
	Data []byte    // the message as received, CRLF line ends
	At   time.Time // on the demo clock, which starts at the now given to Start
}

// Sink keeps the messages received over SMTP in memory. It delivers nothing.
type Sink struct {
	clock func() time.Time

	mu   sync.Mutex
	msgs []SinkMessage
}

func newSink(clock func() time.Time) *Sink {
	return &Sink{clock: clock}
}

// Messages returns a copy of the messages received so far, oldest first.
func (s *Sink) Messages() []SinkMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SinkMessage, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = SinkMessage{
			From: m.From,
			To:   append([]string(nil), m.To...),
			Data: append([]byte(nil), m.Data...),
			At:   m.At,
		}
	}
	return out
}

func (s *Sink) add(m SinkMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m.At = s.clock()
	if len(s.msgs) >= sinkMaxMessages {
		s.msgs = append(s.msgs[:0], s.msgs[1:]...)
	}
	s.msgs = append(s.msgs, m)
}

func newSMTPServer(sink *Sink, errorLog *log.Logger) *smtp.Server {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{sink: sink}, nil
	}))
	srv.Domain = "localhost"
	srv.MaxMessageBytes = sinkMaxMessageBytes
	srv.MaxRecipients = sinkMaxRecipients
	srv.ReadTimeout = sinkIOTimeout
	srv.WriteTimeout = sinkIOTimeout
	// The sink only listens on loopback; the daemon authenticates as it
	// would against a real relay, without TLS.
	srv.AllowInsecureAuth = true
	srv.ErrorLog = errorLog
	return srv
}

// smtpSession accepts any sender, any recipient and any credentials: the sink
// stands in for a relay, it does not judge what the daemon sends.
type smtpSession struct {
	sink *Sink
	from string
	to   []string
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error { return nil }), nil
	case sasl.Login:
		return &loginServer{}, nil
	default:
		return nil, smtp.ErrAuthUnknownMechanism
	}
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	s.to = nil
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("demo: sink: read message: %w", err)
	}
	s.sink.add(SinkMessage{From: s.from, To: append([]string(nil), s.to...), Data: data})
	return nil
}

func (s *smtpSession) Reset() {
	s.from = ""
	s.to = nil
}

func (s *smtpSession) Logout() error { return nil }

// loginServer is the server side of the obsolete but still common LOGIN
// mechanism (draft-murchison-sasl-login), which go-sasl only has as a client.
// Some mail libraries pick it before PLAIN.
type loginServer struct {
	step int
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		l.step = 1
		if response == nil {
			return []byte("Username:"), false, nil
		}
		// The client sent the user name as initial response.
		l.step = 2
		return []byte("Password:"), false, nil
	case 1:
		l.step = 2
		return []byte("Password:"), false, nil
	case 2:
		l.step = 3
		return nil, true, nil
	default:
		return nil, false, errors.New("demo: sink: unexpected LOGIN response")
	}
}
