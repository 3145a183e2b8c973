package message

// Options bounds the work and memory Parse and Assemble may spend on one
// mail. A zero field takes its value from DefaultOptions, so a caller can
// override a single limit without restating the others.
type Options struct {
	// MaxMessageBytes caps the raw mail read from the reader. A larger mail
	// keeps its header; its body is skipped and reported in Problems.
	MaxMessageBytes int64
	// MaxTextBytes caps the decoded text of the body (plain or converted
	// HTML). A larger body is skipped and reported in Problems.
	MaxTextBytes int
	// MaxAttachmentBytes caps the decoded bytes kept in Attachment.Data for
	// XML and PDF parts; a larger one keeps its metadata only.
	MaxAttachmentBytes int
	// MaxParts caps the number of leaf MIME parts examined.
	MaxParts int
	// MaxDepth caps multipart nesting plus attached message/rfc822 levels.
	MaxDepth int
	// MaxHeaderBytes caps one header block; the rest of an oversize header is
	// dropped and reported in Problems.
	MaxHeaderBytes int
}

// DefaultOptions returns limits suited to an invoice mailbox: generous for
// real mail, small enough that a hostile message cannot exhaust memory.
func DefaultOptions() Options {
	return Options{
		MaxMessageBytes:    50 << 20,
		MaxTextBytes:       1 << 20,
		MaxAttachmentBytes: 10 << 20,
		MaxParts:           1000,
		MaxDepth:           10,
		MaxHeaderBytes:     256 << 10,
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = d.MaxMessageBytes
	}
	if o.MaxTextBytes <= 0 {
		o.MaxTextBytes = d.MaxTextBytes
	}
	if o.MaxAttachmentBytes <= 0 {
		o.MaxAttachmentBytes = d.MaxAttachmentBytes
	}
	if o.MaxParts <= 0 {
		o.MaxParts = d.MaxParts
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = d.MaxDepth
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return o
}
