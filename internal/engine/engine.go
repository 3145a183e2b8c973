// Package engine is the pipeline between the mailbox and the store: each
// fetched message is parsed, recognised (invoice we sent, reply from a
// client, one of our drafts) and recorded with its events and flags, in the
// same transaction that advances the folder's cursor past it (during a scan,
// one transaction for the messages of a FETCH round). That transaction is
// what makes ingestion exactly-once: a crash before it commits means the
// messages are offered again; after it, never.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/invoice/legal"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/reply"
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
	// Identity is who the business is (configured name and registration
	// numbers), beside each mail's From.
	Identity invoice.Identity
	// StageOf is the ladder stage a reminder of this level, written by hand
	// to this client, amounts to (the policy's StageForLevel); nil records
	// such reminders as contacts only.
	StageOf func(clientEmail string, lvl policy.ReminderLevel) int
	// SelfCheck runs the legal self-check (internal/invoice/legal) on each
	// invoice we send, before its first reminder: its findings join the
	// invoice's self_check flag, which holds its chasing until the owner
	// accepts the invoice or sends a corrected one.
	SelfCheck bool
	// Language is the owner's language ("fr" or "en"), in which the
	// self-check's findings are written on the flag; French when empty.
	Language string
	// OwnPhones are the business's phone numbers: found in a client's
	// reply (quoted back) or on an invoice, they are never the client's.
	OwnPhones []string
	// Location is the business's time zone: a reply's "demain" or "le 5"
	// counts from the day the mail arrived there, whatever the sender's
	// zone. Nil reads each mail in its own zone.
	Location *time.Location
}

// Engine implements mailbox.Store.
type Engine struct {
	st      *store.Store
	log     *slog.Logger
	now     func() time.Time
	msgOpt  message.Options
	invOpt  invoice.Options
	obs     Observer
	notice  []payment.NoticeRule
	stageOf func(string, policy.ReminderLevel) int
	// selfCheck and lang are Options.SelfCheck and Options.Language.
	selfCheck bool
	lang      string
	ownPhones []string
	loc       *time.Location

	// model reads replies: the shipped one with the owner's corrections.
	// modelVersion is the corrections version it was built from; -1 until
	// the first build.
	modelMu      sync.Mutex
	model        atomic.Pointer[classify.Model]
	modelVersion int64
}

var _ mailbox.BatchStore = (*Engine)(nil)

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
	if o.Language != "en" {
		o.Language = "fr"
	}
	own := make([]string, 0, len(o.Own))
	for _, a := range o.Own {
		own = append(own, strings.ToLower(a))
	}
	return &Engine{
		st: o.Store, log: o.Logger, now: o.Now, obs: o.Observer, notice: o.PaymentNotices, modelVersion: -1, stageOf: o.StageOf,
		selfCheck: o.SelfCheck, lang: o.Language, ownPhones: ownPhones(o.OwnPhones), loc: o.Location,
		msgOpt: message.DefaultOptions(),
		invOpt: invoice.Options{OwnAddresses: own, DefaultCurrency: o.Currency, DefaultLanguage: "fr", Identity: o.Identity,
			PDFs: invoice.NewPDFs(0)},
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
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventFolderReset, Actor: domain.ActorDaemon, Detail: detail}); err != nil {
			return err
		}
		return tx.SetCursor(store.Cursor{Folder: folder, UIDValidity: newValidity})
	})
}

// Ingest implements mailbox.Store.
func (e *Engine) Ingest(ctx context.Context, f mailbox.Fetched, next mailbox.Cursor) error {
	return e.IngestBatch(ctx, []mailbox.Fetched{f}, next)
}

// prepared is a message read and recognised, ready to be recorded: the part
// of ingestion that needs no store, done beside the other messages of a
// batch.
type prepared struct {
	f     mailbox.Fetched
	msg   *message.Message
	msgID string
	det   *invoice.Result  // a mail we sent: what discovery found
	cls   *classify.Result // a received mail: what the client said
	// replyText is a received mail as its author wrote it, quotes and
	// signature stripped.
	replyText string
	// legal is what the self-check found in an invoice we sent (nil when
	// it is in order or was not checked).
	legal []legal.Finding
	// checked says the self-check read the invoice itself (no PDF of it
	// was left unfetched).
	checked bool
	// phones are the client's phone numbers the mail gives (an invoice's
	// buyer block, a reply's own words and signature).
	phones []contact.Phone
	// address is the postal address a reply's signature gives.
	address string
	// keys are the invoice-number keys a reply's subject and text hold
	// (invoice.NumberKeys), read here beside the other messages rather
	// than by the single recorder.
	keys []string
	// err is a temporary failure to read the message (its PDF could not be
	// fetched): the batch fails and is offered again.
	err error
}

// IngestBatch implements mailbox.BatchStore: the messages are read and
// recognised in parallel (parsing, invoice discovery and classification use
// no shared state), then recorded in UID order in one transaction that also
// moves the cursor past the last of them. A crash before the commit offers
// the whole batch again; after it, none of it.
func (e *Engine) IngestBatch(ctx context.Context, fs []mailbox.Fetched, next mailbox.Cursor) error {
	if len(fs) == 0 {
		return nil
	}
	if err := e.RefreshModel(ctx); err != nil {
		return err
	}
	// Workers read the messages while this goroutine records them in UID
	// order as each becomes ready: the store's single writer and the
	// parsing overlap.
	ps := make([]prepared, len(fs))
	ready := make([]chan struct{}, len(fs))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel: a failed batch stops its workers
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := min(runtime.GOMAXPROCS(0), len(fs))
	// Parsed messages (decoded text, a loaded PDF) weigh more than their
	// wire form: the workers stay at most a few messages ahead of the
	// recorder, so a batch never holds all of them at once.
	ahead := make(chan struct{}, 2*workers)
	var nextItem atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				select {
				case ahead <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(nextItem.Add(1)) - 1
				if i >= len(fs) || ctx.Err() != nil {
					return
				}
				ps[i] = e.prepare(ctx, fs[i])
				close(ready[i])
			}
		})
	}

	cursor := store.Cursor{Folder: next.Folder, UIDValidity: next.UIDValidity, LastUID: next.LastUID, HighestModSeq: next.HighestModSeq}
	classes := make([]string, len(ps))
	err := e.st.Update(ctx, e.now(), func(tx *store.Tx) error {
		for i := range ps {
			select {
			case <-ready[i]:
			case <-ctx.Done():
				return ctx.Err()
			}
			class, err := e.record(tx, &ps[i])
			if err != nil {
				return fmt.Errorf("engine: ingest %s/%d: %w", ps[i].f.Folder, ps[i].f.UID, err)
			}
			classes[i] = class
			ps[i] = prepared{f: ps[i].f} // the parsed message is no longer needed
			<-ahead
		}
		return tx.SetCursor(cursor)
	})
	if err != nil {
		if len(fs) > 1 {
			return fmt.Errorf("engine: ingest %d messages of %s up to UID %d: %w", len(fs), next.Folder, next.LastUID, err)
		}
		return err
	}
	for i, class := range classes {
		if class == "" {
			continue
		}
		e.obs.Recorded(string(ps[i].f.Role), class)
		e.log.Debug("message recorded", slog.String("folder", ps[i].f.Folder), slog.Uint64("uid", uint64(ps[i].f.UID)), slog.String("class", class))
	}
	return nil
}

// prepare reads one message and recognises it, without the store. A parser
// that panics on some hostile mail costs that mail only: it is recorded as
// unreadable, and the scan goes on instead of stopping on it at every start.
func (e *Engine) prepare(ctx context.Context, f mailbox.Fetched) (p prepared) {
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("engine: reading a message panicked; recorded as unreadable",
				slog.String("folder", f.Folder), slog.Uint64("uid", uint64(f.UID)), slog.Any("panic", r),
				slog.String("stack", string(debug.Stack())))
			p = prepared{f: f, msg: &message.Message{Problems: []string{fmt.Sprintf("unreadable: parser panic: %v", r)}}}
			p.msgID = headerMessageID(f.Header)
		}
	}()
	p.f = f
	msg, parseErr := message.Assemble(f.Header, f.Parts, e.msgOpt)
	if parseErr != nil || msg == nil {
		msg = &message.Message{Problems: []string{fmt.Sprintf("unreadable: %v", parseErr)}}
	}
	switch f.Role {
	case mailbox.RoleSent, mailbox.RoleExtra:
		r, needPDF := invoice.Inspect(msg, e.invOpt)
		// The self-check reads the invoice itself, the PDF, not the mail
		// announcing it: its bytes are fetched even when the mail alone
		// gave discovery what it needed.
		checked := e.selfCheck && r.Kind == invoice.KindInvoice
		if (needPDF || checked) && f.Load != nil {
			withPDF, err := e.withPDFs(ctx, f, msg)
			if err != nil {
				// The connection failed: recording the mail without its
				// PDF would keep the facts it holds out for good.
				p.err = err
				return p
			}
			if withPDF != msg {
				msg = withPDF
				r = invoice.Detect(msg, e.invOpt)
			}
		}
		var pdfText string
		if checked && r.Kind == invoice.KindInvoice {
			doc := legal.FromMessageWith(msg, r, e.invOpt.PDFs)
			pdfText = doc.PDFText
			// A PDF left on the server leaves the invoice unread: it
			// counts as not checked, so it does not replace a check made
			// on an earlier copy.
			p.checked = !doc.Unfetched
			p.legal = legal.Check(doc, buyer, "")
		}
		if r.Kind == invoice.KindInvoice {
			p.phones = e.invoicePhones(msg, r, pdfText)
		}
		p.det = &r
	case mailbox.RoleInbox:
		// The objection model reads the features the reply model already
		// built: a tenth of a reading more, for the answer to the excuse.
		r := classify.Classify(msg, classify.Options{Model: e.model.Load(), ReadObjection: true, Location: e.loc})
		p.cls = &r
		p.replyText = r.Reply
		if r.Class == classify.Bounce {
			p.replyText = reply.Strip(msg.Text).Body
		}
		if strings.TrimSpace(p.replyText) == "" {
			p.replyText = msg.Text
		}
		p.phones, p.address = e.replyContacts(r)
		p.keys = invoice.NumberKeys(msg.Subject + "\n" + msg.Text)
	}
	p.msg = msg
	p.msgID = msg.MessageID
	if p.msgID == "" {
		p.msgID = headerMessageID(f.Header)
	}
	return p
}

// headerMessageID is the identity of a message without Message-ID: it still
// needs one for de-duplication after a UIDVALIDITY change.
func headerMessageID(header []byte) string {
	sum := sha256.Sum256(header)
	return "sha256-" + hex.EncodeToString(sum[:12]) + "@relance.invalid"
}

// record writes one prepared message, its events and flags.
func (e *Engine) record(tx *store.Tx, p *prepared) (string, error) {
	if p.err != nil {
		return "", p.err
	}
	f, msg, msgID := p.f, p.msg, p.msgID
	role := string(f.Role)
	known, err := tx.MessageKnown(f.Folder, f.UIDValidity, f.UID, msgID)
	if err != nil || known {
		return "", err
	}
	rowID, err := tx.AddMessage(store.Message{Folder: f.Folder, UIDValidity: f.UIDValidity, UID: f.UID, Role: role,
		MessageID: msgID, From: msg.From.Email, Subject: msg.Subject, Date: msg.Date})
	if err != nil {
		return "", err
	}
	if f.Role == mailbox.RoleInbox || f.Role == mailbox.RoleExtra {
		isNotice, err := e.recordNotice(tx, rowID, msg, e.notice)
		if err != nil {
			return "", err
		}
		if isNotice {
			return "payment_notice", nil
		}
	}
	var class string
	switch {
	case p.det != nil:
		class, err = e.recordSent(tx, rowID, msg, msgID, *p.det, selfChecked{findings: p.legal, ran: p.checked}, p.phones)
	case p.cls != nil:
		class, err = e.recordReply(tx, rowID, msg, p.replyText, p.keys, *p.cls)
		if err == nil && len(p.phones) > 0 {
			err = tx.FoundPhonesOf(msg.From.Email, domain.ContactFromSignature, rowID, mailTime(tx, msg), p.phones)
		}
		if err == nil && p.address != "" {
			err = tx.FoundAddressOf(msg.From.Email, rowID, mailTime(tx, msg), p.address)
		}
	case f.Role == mailbox.RoleDrafts:
		class, err = e.recordDraftCopy(tx, rowID, f, msg)
	default:
		class = string(classify.Other)
		_, err = tx.AddEvent(store.Event{Kind: domain.EventMessageIngested, At: mailTime(tx, msg), MessageID: rowID, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(map[string]any{"folder": f.Folder, "role": role})})
	}
	if err != nil {
		return "", err
	}
	for _, problem := range msg.Problems {
		if _, err := tx.AddEvent(store.Event{Kind: domain.EventMessageProblem, At: mailTime(tx, msg), MessageID: rowID, Actor: domain.ActorDaemon,
			Detail: store.EventDetail(map[string]string{"problem": problem})}); err != nil {
			return "", err
		}
	}
	return class, nil
}

// withPDFs fetches the PDF parts the scan left out and parses again. A part
// the server cannot give (gone, not there) leaves the message as it is; any
// other failure is returned.
func (e *Engine) withPDFs(ctx context.Context, f mailbox.Fetched, msg *message.Message) (*message.Message, error) {
	var paths [][]int
	for _, p := range f.Parts {
		if p.Body == nil && (p.MediaType == "application/pdf" || strings.HasSuffix(strings.ToLower(p.DispositionParams["filename"]), ".pdf")) {
			paths = append(paths, p.Path)
		}
	}
	if len(paths) == 0 {
		return msg, nil
	}
	loaded, err := f.Load(ctx, paths...)
	if err != nil {
		if !errors.Is(err, mailbox.ErrPartUnavailable) {
			return nil, fmt.Errorf("engine: fetch PDF of %s/%d: %w", f.Folder, f.UID, err)
		}
		e.log.Warn("engine: cannot fetch PDF part", slog.String("folder", f.Folder), slog.Uint64("uid", uint64(f.UID)), slog.Any("err", err))
		return msg, nil
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
		return msg, nil
	}
	return m2, nil
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
