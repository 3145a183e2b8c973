package outbox

import (
	"bytes"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
)

// Composed is a reminder ready to submit: the go-mail message and its exact
// bytes (for the Drafts and Sent copies).
type Composed struct {
	Msg       *gomail.Msg
	Raw       []byte
	From      string
	To        []string
	MessageID string
}

// compose builds the MIME message of a draft. Every header value from the
// client's side (names, subjects) goes through render.SafeHeader; go-mail
// encodes non-ASCII per RFC 2047.
func compose(from string, draftID int64, d store.NewDraft, date time.Time, atts ...Attachment) (*Composed, error) {
	return composeFor(from, "", draftID, d, date, atts...)
}

// composeFor is compose for the installation key: the copy in Drafts is
// recognised as ours by the key and the draft number together.
func composeFor(from, key string, draftID int64, d store.NewDraft, date time.Time, atts ...Attachment) (*Composed, error) {
	m := gomail.NewMsg()
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("outbox: From %q: %w", from, err)
	}
	if err := m.To(d.To...); err != nil {
		return nil, fmt.Errorf("outbox: To %v: %w", d.To, err)
	}
	if len(d.Cc) > 0 {
		if err := m.Cc(d.Cc...); err != nil {
			return nil, fmt.Errorf("outbox: Cc %v: %w", d.Cc, err)
		}
	}
	m.Subject(render.SafeHeader(d.Subject))
	m.SetMessageIDWithValue(d.MessageID)
	m.SetDateWithValue(date)
	if d.InReplyTo != "" {
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+render.SafeHeader(d.InReplyTo)+">")
	}
	if len(d.References) > 0 {
		refs := ""
		for i, r := range d.References {
			if i > 0 {
				refs += " "
			}
			refs += "<" + render.SafeHeader(r) + ">"
		}
		m.SetGenHeader(gomail.HeaderReferences, refs)
	}
	m.SetGenHeader(gomail.Header(mailbox.DraftHeader), mailbox.DraftHeaderValue(draftID))
	if key != "" {
		m.SetGenHeader(gomail.Header(mailbox.InstallationHeader), render.SafeHeader(key))
	}
	// RFC 3834: this is not an automatic reply; but ask auto-responders to
	// stay quiet, and never offer read receipts.
	m.SetGenHeader(gomail.Header("X-Auto-Response-Suppress"), "OOF, AutoReply")
	m.SetBodyString(gomail.TypeTextPlain, d.Body)
	if d.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, d.HTML)
	}
	for _, a := range atts {
		m.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
	}
	for _, a := range d.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := m.AttachReader(render.SafeHeader(a.Filename), bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct))); err != nil {
			return nil, fmt.Errorf("outbox: attach %s: %w", a.Filename, err)
		}
	}
	// Sized for the message up front: with a few invoice PDFs it is
	// megabytes, and growing the buffer by doubling copied and cleared it
	// again and again.
	var buf bytes.Buffer
	buf.Grow(encodedSize(d, atts))
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("outbox: write message: %w", err)
	}
	return &Composed{Msg: m, Raw: buf.Bytes(), From: from, To: d.To, MessageID: d.MessageID}, nil
}

// encodedSize estimates the size of the composed message: its texts
// (quoted-printable at worst about a third larger), its files in base64
// with line breaks, and room for headers and MIME boundaries.
func encodedSize(d store.NewDraft, atts []Attachment) int {
	n := 4096 + (len(d.Body)+len(d.HTML))*4/3
	b64 := func(size int) int { return size/57*78 + 80 }
	for _, a := range atts {
		n += b64(len(a.Data)) + 512
	}
	for _, a := range d.Attachments {
		n += b64(len(a.Data)) + 512
	}
	return n
}

// composeStored rebuilds a stored draft for sending.
func composeStored(from, key string, d store.DraftDetail, date time.Time, atts ...Attachment) (*Composed, error) {
	return composeFor(from, key, d.ID, store.NewDraft{ClientID: d.ClientID, Stage: d.Stage, To: d.To, Cc: d.Cc, Subject: d.Subject,
		Body: d.Body, HTML: d.HTML, MessageID: d.MessageID, InReplyTo: d.InReplyTo, References: d.References, Attachments: d.Attachments}, date, atts...)
}
