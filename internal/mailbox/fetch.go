package mailbox

import (
	"bytes"
	"fmt"
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// fetch runs one FETCH and reads every message of its answer into memory.
//
// It stands in for go-imap's FetchCommand.Collect, which has one flaw: when a
// literal fails to read (the connection was closed under it, on shutdown or
// a command timeout), Collect's deferred discard reads that literal again
// while the client's reader goroutine has already resumed on the same buffer,
// a data race on the connection's bufio.Reader. Here a literal that fails
// ends the command: the connection is closed, its reader goroutine waited
// for, and nothing of the command touched again. Every literal that does read
// is read to its end, so go-imap's own discards never reach the wire.
func (k *conn) fetch(set imap.NumSet, opts *imap.FetchOptions) ([]*imapclient.FetchMessageBuffer, error) {
	cmd := k.c.Fetch(set, opts)
	var out []*imapclient.FetchMessageBuffer
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		buf := &imapclient.FetchMessageBuffer{SeqNum: msg.SeqNum}
		for {
			item := msg.Next()
			if item == nil {
				break
			}
			if err := fill(buf, item); err != nil {
				// Close returns once the reader goroutine has exited, so
				// nothing reads the connection's buffer after this.
				k.c.Close()
				return out, fmt.Errorf("read literal of message %d: %w", msg.SeqNum, err)
			}
		}
		out = append(out, buf)
	}
	return out, cmd.Close()
}

// fill stores one FETCH data item in buf, as go-imap's Collect does.
func fill(buf *imapclient.FetchMessageBuffer, item imapclient.FetchItemData) error {
	switch item := item.(type) {
	case imapclient.FetchItemDataBodySection:
		b, err := readLiteral(item.Literal)
		if err != nil {
			return err
		}
		buf.BodySection = append(buf.BodySection, imapclient.FetchBodySectionBuffer{Section: item.Section, Bytes: b})
	case imapclient.FetchItemDataBinarySection:
		b, err := readLiteral(item.Literal)
		if err != nil {
			return err
		}
		buf.BinarySection = append(buf.BinarySection, imapclient.FetchBinarySectionBuffer{Section: item.Section, Bytes: b})
	case imapclient.FetchItemDataFlags:
		buf.Flags = item.Flags
	case imapclient.FetchItemDataEnvelope:
		buf.Envelope = item.Envelope
	case imapclient.FetchItemDataInternalDate:
		buf.InternalDate = item.Time
	case imapclient.FetchItemDataRFC822Size:
		buf.RFC822Size = item.Size
	case imapclient.FetchItemDataUID:
		buf.UID = item.UID
	case imapclient.FetchItemDataBodyStructure:
		buf.BodyStructure = item.BodyStructure
	case imapclient.FetchItemDataBinarySectionSize:
		buf.BinarySectionSize = append(buf.BinarySectionSize, item)
	case imapclient.FetchItemDataModSeq:
		buf.ModSeq = item.ModSeq
	}
	// An item this client never asks for is ignored rather than fatal.
	return nil
}

// readLiteral reads a literal to its end (the end is what lets go-imap's
// reader goroutine go on). The announced size sizes the buffer, within reason:
// a server's number is not trusted with an allocation.
func readLiteral(lit imap.LiteralReader) ([]byte, error) {
	if lit == nil {
		return nil, nil
	}
	size := min(max(lit.Size(), 0), maxLiteralPrealloc)
	b := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	if _, err := b.ReadFrom(lit); err != nil {
		return nil, err
	}
	// A peer that hangs up inside a literal reads as a clean io.EOF.
	if int64(b.Len()) != lit.Size() {
		return nil, fmt.Errorf("literal of %d bytes cut at %d: %w", lit.Size(), b.Len(), io.ErrUnexpectedEOF)
	}
	return b.Bytes(), nil
}

const maxLiteralPrealloc = 16 << 20
