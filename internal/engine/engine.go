// Package engine is the pipeline between the mailbox and the store: each
// fetched message is parsed, recognised (invoice we sent, reply from a
// client, one of our drafts) and recorded with its events and flags, in the
// same transaction that advances the folder's cursor. That transaction is what
// makes ingestion exactly-once: a crash before it commits means the message is
// offered again; after it, never.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/store"
)

// Observer hears about each message recorded (metrics).
type Observer interface {
	Recorded(role string, class string)
}

type nopObserver struct{}

func (nopObserver) Recorded(string, string) {}

// Options configures the engine.
type Options struct {
	Store    *store.Store
	Logger   *slog.Logger
	Now      func() time.Time
	Own      []string // our own addresses (lower-case): never taken for a client
	Currency string   // the business's currency, for amounts stated without one
	Observer Observer
	// PaymentNotices recognise bank and payment-provider notifications.
	PaymentNotices []payment.NoticeRule
}

// Engine implements mailbox.Store.
type Engine struct {
	st     *store.Store
	log    *slog.Logger
	now    func() time.Time
	msgOpt message.Options
	invOpt invoice.Options
	obs    Observer
	notice []payment.NoticeRule
}

var _ mailbox.Store = (*Engine)(nil)

// New builds an engine.
func New(o Options) *Engine {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.Currency == "" {
		o.Currency = "EUR"
	}
	own := make([]string, 0, len(o.Own))
	for _, a := range o.Own {
		own = append(own, strings.ToLower(a))
	}
	return &Engine{
		st: o.Store, log: o.Logger, now: o.Now, obs: o.Observer, notice: o.PaymentNotices,
		msgOpt: message.DefaultOptions(),
		invOpt: invoice.Options{OwnAddresses: own, DefaultCurrency: o.Currency, DefaultLanguage: "fr"},
	}
}

// Cursor implements mailbox.Store.
func (e *Engine) Cursor(ctx context.Context, folder string) (mailbox.Cursor, error) {
	c, err := e.st.Cursor(ctx, folder)
	if err != nil {
		return mailbox.Cursor{}, err
	}
	return mailbox.Cursor{Folder: c.Folder, UIDValidity: c.UIDValidity, LastUID: c.LastUID, HighestModSeq: c.HighestModSeq}, nil
}

// ResetFolder implements mailbox.Store: the folder is read again from UID 1;
// messages already recorded are recognised by Message-ID.
func (e *Engine) ResetFolder(ctx context.Context, folder string, newValidity uint32) error {
	return e.st.Update(ctx, e.now(), func(tx *store.Tx) error {
		detail, _ := json.Marshal(map[string]any{"folder": folder, "uidvalidity": newValidity})
		if _, err := tx.AddEvent(store.Event{Kind: "folder_reset", Actor: store.ActorDaemon, Detail: detail}); err != nil {
			return err
		}
		return tx.SetCursor(store.Cursor{Folder: folder, UIDValidity: newValidity})
	})
}

// Ingest implements mailbox.Store.
func (e *Engine) Ingest(ctx context.Context, f mailbox.Fetched, next mailbox.Cursor) error {
	msg, parseErr := message.Assemble(f.Header, f.Parts, e.msgOpt)
	if parseErr != nil || msg == nil {
		msg = &message.Message{Problems: []string{fmt.Sprintf("unreadable: %v", parseErr)}}
	}
	role := string(f.Role)
	var det *invoice.Result
	var cls *classify.Result
	switch f.Role {
	case mailbox.RoleSent, mailbox.RoleExtra:
		if invoice.NeedsPDF(msg) && f.Load != nil {
			msg = e.withPDFs(ctx, f, msg)
		}
		r := invoice.Detect(msg, e.invOpt)
		det = &r
	case mailbox.RoleInbox:
		r := classify.Classify(msg, classify.Options{})
		cls = &r
	}
	msgID := msg.MessageID
	if msgID == "" {
		// A message without Message-ID still needs a stable identity for
		// de-duplication after a UIDVALIDITY change.
		sum := sha256.Sum256(f.Header)
		msgID = "sha256-" + hex.EncodeToString(sum[:12]) + "@relance.invalid"
	}
	cursor := store.Cursor{Folder: next.Folder, UIDValidity: next.UIDValidity, LastUID: next.LastUID, HighestModSeq: next.HighestModSeq}
	var class string
	err := e.st.Update(ctx, e.now(), func(tx *store.Tx) error {
		known, err := tx.MessageKnown(f.Folder, f.UIDValidity, f.UID, msgID)
		if err != nil {
			return err
		}
		if known {
			return tx.SetCursor(cursor)
		}
		rowID, err := tx.AddMessage(store.Message{Folder: f.Folder, UIDValidity: f.UIDValidity, UID: f.UID, Role: role,
			MessageID: msgID, From: msg.From.Email, Subject: msg.Subject, Date: msg.Date})
		if err != nil {
			return err
		}
		if f.Role == mailbox.RoleInbox || f.Role == mailbox.RoleExtra {
			isNotice, err := e.recordNotice(tx, rowID, msg, e.notice)
			if err != nil {
				return err
			}
			if isNotice {
				class = "payment_notice"
				return tx.SetCursor(cursor)
			}
		}
		switch {
		case det != nil:
			class, err = e.recordSent(tx, rowID, msg, msgID, *det)
		case cls != nil:
			class, err = e.recordReply(tx, rowID, msg, msgID, *cls)
		case f.Role == mailbox.RoleDrafts:
			class, err = e.recordDraftCopy(tx, rowID, f, msg)
		default:
			class = "other"
			_, err = tx.AddEvent(store.Event{Kind: "message_ingested", MessageID: rowID, Actor: store.ActorDaemon,
				Detail: mustJSON(map[string]any{"folder": f.Folder, "role": role})})
		}
		if err != nil {
			return err
		}
		for _, p := range msg.Problems {
			if _, err := tx.AddEvent(store.Event{Kind: "message_problem", MessageID: rowID, Actor: store.ActorDaemon,
				Detail: mustJSON(map[string]string{"problem": p})}); err != nil {
				return err
			}
		}
		return tx.SetCursor(cursor)
	})
	if err != nil {
		return fmt.Errorf("engine: ingest %s/%d: %w", f.Folder, f.UID, err)
	}
	if class != "" {
		e.obs.Recorded(role, class)
		e.log.Debug("message recorded", slog.String("folder", f.Folder), slog.Uint64("uid", uint64(f.UID)), slog.String("class", class))
	}
	return nil
}

// withPDFs fetches the PDF parts the scan left out and parses again.
func (e *Engine) withPDFs(ctx context.Context, f mailbox.Fetched, msg *message.Message) *message.Message {
	var paths [][]int
	for _, p := range f.Parts {
		if p.Body == nil && (p.MediaType == "application/pdf" || strings.HasSuffix(strings.ToLower(p.DispositionParams["filename"]), ".pdf")) {
			paths = append(paths, p.Path)
		}
	}
	if len(paths) == 0 {
		return msg
	}
	loaded, err := f.Load(ctx, paths...)
	if err != nil {
		e.log.Warn("engine: cannot fetch PDF part", slog.String("folder", f.Folder), slog.Uint64("uid", uint64(f.UID)), slog.Any("err", err))
		return msg
	}
	parts := make([]message.Part, len(f.Parts))
	copy(parts, f.Parts)
	for _, l := range loaded {
		for i := range parts {
			if samePath(parts[i].Path, l.Path) {
				parts[i] = l
			}
		}
	}
	m2, err := message.Assemble(f.Header, parts, e.msgOpt)
	if err != nil || m2 == nil {
		return msg
	}
	return m2
}

func samePath(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}
