// Package message turns raw MIME mail into a normalized, decoded Message.
//
// It is the only package that understands MIME: charsets, transfer encodings,
// RFC 2047 headers, HTML to text, and the quoted history of replies. It never
// panics on hostile or broken input; what it cannot decode it reports in
// Message.Problems and keeps going.
package message

import "time"

// Address is one mailbox of a From/To/Cc header, decoded.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"` // lower-cased
}

// Attachment describes one non-body part. Data is kept only for XML and PDF
// parts up to Options.MaxAttachmentBytes; other parts keep their metadata.
type Attachment struct {
	Filename    string `json:"filename,omitempty"`
	ContentType string `json:"content_type"` // lower-case media type, e.g. "application/pdf"
	Size        int    `json:"size"`         // decoded size in bytes (or as announced when skipped)
	Data        []byte `json:"-"`
	Truncated   bool   `json:"truncated,omitempty"` // Data not kept because it exceeded the limit
	// Section is the IMAP section of the part ("2.1"), so a caller can fetch
	// bytes it was not given.
	Section string `json:"section,omitempty"`
	// Missing is set when the part's body was not fetched (Assemble given a
	// Part without Body): Size is the encoded size announced.
	Missing bool `json:"missing,omitempty"`
}

// Message is a parsed, normalized mail.
type Message struct {
	MessageID  string    `json:"message_id,omitempty"` // without angle brackets
	InReplyTo  []string  `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`
	From       Address   `json:"from"`
	ReplyTo    []Address `json:"reply_to,omitempty"`
	To         []Address `json:"to,omitempty"`
	Cc         []Address `json:"cc,omitempty"`
	Subject    string    `json:"subject"`
	Date       time.Time `json:"date"` // zero when missing or unparseable

	// Header holds every header field, decoded (RFC 2047), keyed by canonical
	// name (textproto.CanonicalMIMEHeaderKey), in order of appearance.
	Header map[string][]string `json:"-"`

	// Text is the readable body: the text/plain part, or the HTML part
	// converted to text when there is no plain part.
	Text string `json:"text"`
	// HTML is the raw HTML body when present (never shown unescaped).
	HTML string `json:"-"`

	Attachments []Attachment `json:"attachments,omitempty"`

	// Embedded holds the attached messages (message/rfc822 parts), parsed:
	// the original of a bounce, a forwarded mail.
	Embedded []*Message `json:"embedded,omitempty"`

	// Report is set for multipart/report messages (delivery status
	// notifications, disposition notifications).
	Report *Report `json:"report,omitempty"`

	// Problems lists what could not be decoded (unknown charset, missing
	// boundary, oversize body skipped...). Parsing goes on after each.
	Problems []string `json:"problems,omitempty"`
}

// Report is the machine-readable part of a multipart/report.
type Report struct {
	Type       string   `json:"type"` // report-type parameter: "delivery-status", "disposition-notification"
	Action     string   `json:"action,omitempty"`
	Status     string   `json:"status,omitempty"`
	Recipients []string `json:"recipients,omitempty"` // Final-Recipient / Original-Recipient addresses
	Diagnostic string   `json:"diagnostic,omitempty"`

	// OriginalMessageID and OriginalSubject identify the message the report
	// is about, taken from the attached original (message/rfc822 or
	// text/rfc822-headers) or an MDN's Original-Message-ID field.
	OriginalMessageID string `json:"original_message_id,omitempty"`
	OriginalSubject   string `json:"original_subject,omitempty"`
}

// Get returns the first value of a header field (case-insensitive name), or "".
func (m *Message) Get(name string) string {
	if m == nil || m.Header == nil {
		return ""
	}
	if v := m.Header[canonicalKey(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}
