package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/outbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/scorecard"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/text"
)

// funcs are the few template helpers that need no locale.
var funcs = template.FuncMap{
	"add":      func(a, b int) int { return a + b },
	"join":     strings.Join,
	"lines":    func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") },
	"id":       func(id int64) string { return strconv.FormatInt(id, 10) },
	"dict":     dict,
	"evidence": evidenceOf,
}

// dict builds a map for passing several values to a nested template.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

// pageData is what the layout needs; Body is the page's own data.
type pageData struct {
	L       *locale
	Nav     string
	Title   string
	CSRF    string
	Auth    bool
	Notice  string
	Error   string
	LangURL string
	Wide    bool
	Body    any
	// Switch lists the site's other mailboxes (nil alone).
	Switch *switcher
	// Who names the account logged in and its role here, on a site with
	// accounts.
	Who string
}

func (h *Handler) base(q *request, nav, title string) pageData {
	d := pageData{L: q.L, Nav: nav, Title: title, CSRF: q.auth.csrf, Auth: q.auth.loggedIn}
	if done := q.r.URL.Query().Get("done"); done != "" {
		if _, ok := messagesFR["done."+done]; ok {
			d.Notice = q.L.T("done." + done)
		}
	}
	if q.errKey != "" {
		d.Error = q.L.T(q.errKey)
	}
	u := *q.r.URL
	v := u.Query()
	v.Del("done")
	v.Set("lang", q.L.T("nav.lang.code"))
	u.RawQuery = v.Encode()
	if q.r.Method != http.MethodGet {
		u.RawQuery = "lang=" + q.L.T("nav.lang.code")
	}
	d.LangURL = u.RequestURI()
	return d
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (h *Handler) render(q *request, status int, name string, d pageData) {
	if d.L == nil {
		d.L = q.L
		d.CSRF = q.auth.csrf
		d.Auth = q.auth.loggedIn
	}
	if h.site != nil {
		d.Switch = h.site.switcher(q.r, h.name)
	}
	d.Who = q.who(h.name)
	var buf bytes.Buffer
	if err := h.pages[name].Execute(&buf, d); err != nil {
		h.opt.Logger.Error("web: render page", slog.String("page", name), slog.Any("err", err))
		http.Error(q.w, "internal error", http.StatusInternalServerError)
		return
	}
	if q.status != 0 && status == http.StatusOK {
		status = q.status
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.WriteHeader(status)
	_, _ = q.w.Write(buf.Bytes())
}

// who is what the header says of the account logged in on a site with
// accounts: its name and its role in mailbox ("" on the overview of all).
func (q *request) who(mailbox string) string {
	v := q.viewer
	if !v.accounts || !q.auth.loggedIn {
		return ""
	}
	name := q.L.T("role.operator")
	if v.account != nil {
		name = v.account.Name
		if name == "" {
			name = v.account.Login
		}
	}
	if role := v.role(mailbox); role != "" && v.account != nil {
		name += " · " + q.L.T(role)
	}
	return q.L.T("who.as", name)
}

// today is the business's calendar date, as the store's dates are.
func (q *request) today(loc *time.Location) time.Time {
	n := q.now.In(loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

func pathID(q *request) (int64, error) {
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}

// ---- overview ----

type overviewBody struct {
	O      store.Overview
	Health Health
	Drafts []draftCard
	Flags  []store.Flag
	Calm   bool
	Rates  *rateTableView
	Money  receivablesView
}

// rateTableView is the ECB rate table's age as the overview prints it.
type rateTableView struct {
	Known, OutOfDate    bool
	CheckedOn, HalfYear time.Time
	AgeDays             int
}

func (h *Handler) rateTable(now time.Time) *rateTableView {
	if h.opt.RateTable == nil {
		return nil
	}
	s := h.opt.RateTable(now)
	if !s.Used {
		return nil
	}
	return &rateTableView{Known: !s.CheckedOn.IsZero(), OutOfDate: s.OutOfDate, AgeDays: s.AgeDays,
		CheckedOn: s.CheckedOn.At(time.UTC, 0, 0), HalfYear: s.HalfYear.At(time.UTC, 0, 0)}
}

func (h *Handler) overview(q *request) error {
	o, err := h.opt.Store.Overview(q.ctx, q.now, q.today(h.opt.Location))
	if err != nil {
		return err
	}
	b := overviewBody{O: o}
	if h.opt.Health != nil {
		b.Health = h.opt.Health()
	}
	cards, err := h.draftCards(q, 3)
	if err != nil {
		return err
	}
	b.Drafts = cards
	flags, err := h.opt.Store.Flags(q.ctx, domain.FlagOpen, domain.FlagAcknowledged)
	if err != nil {
		return err
	}
	if len(flags) > 5 {
		flags = flags[:5]
	}
	b.Flags = flags
	b.Calm = o.DraftsHeld == 0 && o.FlagsOpen+o.FlagsSeen == 0
	b.Rates = h.rateTable(q.now)
	loc := h.zone()
	if b.Money, err = h.cachedReceivables(q.ctx, q.now, q.today(loc), loc); err != nil {
		return err
	}
	d := h.base(q, "overview", q.L.T("ov.title"))
	d.Body = b
	h.render(q, http.StatusOK, "overview", d)
	return nil
}

// ---- drafts to review ----

type draftCard struct {
	store.DraftDetail
	Ready     bool          // the hold has ended
	Remaining time.Duration // until the hold ends, or since it ended
	Warnings  []render.Warning
	Formal    bool
	// GoesAt is when the draft leaves once approved (zero: unknown);
	// GoesEarly when it would leave approved now with a reason.
	GoesAt, GoesEarly time.Time
	// QuietUntil is the default date of a cancel's "until when?".
	QuietUntil string
}

func (h *Handler) draftCards(q *request, limit int) ([]draftCard, error) {
	drafts, err := h.opt.Store.Drafts(q.ctx, domain.DraftHeld, domain.DraftApproved)
	if err != nil {
		return nil, err
	}
	// Oldest first: the one whose hold ends first is read first.
	sort.SliceStable(drafts, func(i, j int) bool { return drafts[i].HoldUntil.Before(drafts[j].HoldUntil) })
	if limit > 0 && len(drafts) > limit {
		drafts = drafts[:limit]
	}
	out := make([]draftCard, 0, len(drafts))
	for _, d := range drafts {
		det, err := h.opt.Store.DraftDetail(q.ctx, d.ID)
		if err != nil {
			return nil, err
		}
		c := draftCard{DraftDetail: det, Formal: det.Kind == domain.KindFormalNotice || det.Stage == render.StageFormalNotice}
		c.Ready = !q.now.Before(det.HoldUntil)
		c.Remaining = det.HoldUntil.Sub(q.now)
		if h.opt.Policy != nil {
			if c.GoesAt, err = outbox.GoesAt(q.ctx, h.opt.Store, *h.opt.Policy, d.ID, q.now, false); err != nil {
				return nil, err
			}
			if !c.Ready {
				if c.GoesEarly, err = outbox.GoesAt(q.ctx, h.opt.Store, *h.opt.Policy, d.ID, q.now, true); err != nil {
					return nil, err
				}
			}
		}
		c.QuietUntil = policy.DateIn(q.now, h.zone()).AddDays(policy.DefaultQuietDays).String()
		names := append(append([]string{det.ClientName}, det.InvoiceNumbers...), h.opt.Names...)
		c.Warnings = render.CalmCheckNames(det.Subject+"\n\n"+det.Body, det.Stage, q.L.Lang, names)
		out = append(out, c)
	}
	return out, nil
}

type reviewBody struct {
	Cards []draftCard
	Focus int64 // the draft an error is about
}

func (h *Handler) review(q *request) error {
	cards, err := h.draftCards(q, 0)
	if err != nil {
		return err
	}
	d := h.base(q, "review", q.L.T("review.title"))
	d.Body = reviewBody{Cards: cards, Focus: q.focus}
	h.render(q, http.StatusOK, "review", d)
	return nil
}

// ---- flags ----

type flagsBody struct {
	Flags []store.Flag
	All   bool
}

func (h *Handler) flags(q *request) error {
	all := q.r.URL.Query().Get("all") == "1"
	statuses := []domain.FlagStatus{domain.FlagOpen, domain.FlagAcknowledged}
	if all {
		statuses = nil
	}
	flags, err := h.opt.Store.Flags(q.ctx, statuses...)
	if err != nil {
		return err
	}
	d := h.base(q, "flags", q.L.T("flags.title"))
	d.Body = flagsBody{Flags: flags, All: all}
	h.render(q, http.StatusOK, "flags", d)
	return nil
}

type flagBody struct {
	F        store.FlagDetail
	Reply    []segment // the stripped reply, evidence marked
	Invoice  *store.Invoice
	Invoices []store.Invoice
	History  []timelineItem
	IsCall   bool
	// IsTask: a task whose outcome the human logs (a call, a hand-off, a
	// client's question).
	IsTask bool
	Plans  bool
	// Handover is the client's file for a third party, on the flags that
	// announce it (handover, hostile); nil when none was built.
	Handover *store.HandoverFile
	// IsBounce: the flag is a returned mail, explained in words first.
	IsBounce bool
	// Answer is the draft answering the reply's objection (HasAnswer
	// false when none was made); Objections are the kinds the owner may
	// choose from for a reply's flag about an invoice.
	Answer     store.Draft
	HasAnswer  bool
	Objections []domain.Objection
	// Card is the client's scorecard as of now, and Advice its advice in
	// the page's language: whoever handles a flag sees who the client is
	// before answering it (HasCard false for a flag without a client).
	Card    scorecard.Card
	HasCard bool
	Advice  []adviceLine
}

func (h *Handler) flagDetail(q *request) (flagBody, error) {
	id, err := pathID(q)
	if err != nil {
		return flagBody{}, err
	}
	f, err := h.opt.Store.Flag(q.ctx, id)
	if err != nil {
		return flagBody{}, err
	}
	b := flagBody{F: f, IsCall: f.Kind == domain.FlagCall, IsTask: policy.IsTaskFlag(f.Kind), IsBounce: f.Kind == domain.FlagBounce}
	if f.ReplyText != "" {
		b.Reply = highlight(f.ReplyText, evidenceSentences(f.Evidence))
	}
	if f.InvoiceID != 0 && (f.Kind == domain.FlagHandover || f.Kind == domain.FlagHostile) {
		switch file, err := h.opt.Store.HandoverFileOf(q.ctx, f.InvoiceID); {
		case err == nil:
			b.Handover = &file
		case !errors.Is(err, store.ErrNotFound):
			return b, err
		}
	}
	if f.MessageID != 0 && f.InvoiceID != 0 {
		b.Objections = domain.Objections()
		if b.Answer, b.HasAnswer, err = h.opt.Store.AnswerOfFlag(q.ctx, f.ID); err != nil {
			return b, err
		}
	}
	if f.InvoiceID != 0 {
		inv, err := h.opt.Store.InvoiceByID(q.ctx, f.InvoiceID)
		if err != nil {
			return b, err
		}
		b.Invoice = &inv
	}
	if f.ClientID != 0 {
		if b.Invoices, err = h.opt.Store.InvoicesOfClient(q.ctx, f.ClientID); err != nil {
			return b, err
		}
		hist, err := h.opt.Store.ClientHistory(q.ctx, f.ClientID, 30)
		if err != nil {
			return b, err
		}
		b.History = timelineItems(q.L, hist, true)
		if b.Card, err = h.opt.Store.ClientScorecard(q.ctx, f.ClientID, q.now.In(h.zone())); err != nil {
			return b, err
		}
		b.HasCard = true
		b.Advice = adviceIn(b.Card, q.L.Lang)
	}
	return b, nil
}

func (h *Handler) flag(q *request) error {
	b, err := h.flagDetail(q)
	if err != nil {
		return err
	}
	d := h.base(q, "flags", q.L.Label("kind", string(b.F.Kind)))
	d.Body = b
	h.render(q, http.StatusOK, "flag", d)
	return nil
}

// handoverFile serves the PDF or the ZIP of the file a flag announces, as
// a download.
func (h *Handler) handoverFile(zipped bool) func(*request) error {
	return func(q *request) error {
		b, err := h.flagDetail(q)
		if err != nil {
			return err
		}
		if b.Handover == nil {
			return store.ErrNotFound
		}
		name, data, ctype := b.Handover.PDFName, b.Handover.PDF, "application/pdf"
		if zipped {
			name, data, ctype = b.Handover.ZIPName, b.Handover.ZIP, "application/zip"
		}
		q.w.Header().Set("Content-Type", ctype)
		q.w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		q.w.Header().Set("X-Content-Type-Options", "nosniff")
		_, err = q.w.Write(data)
		return err
	}
}

// sheetBody is the call sheet: the flag, and the client's file read now
// (what changed since the task was opened counts for the call).
type sheetBody struct {
	flagBody
	File *store.CallFile
	Goal string
	// Callable are the numbers to call; Faxes are shown apart.
	Callable, Faxes []store.ClientPhone
}

func (h *Handler) sheet(q *request) error {
	fb, err := h.flagDetail(q)
	if err != nil {
		return err
	}
	b := sheetBody{flagBody: fb}
	if fb.F.ClientID != 0 {
		cf, err := h.opt.Store.CallFile(q.ctx, fb.F.ClientID, q.today(h.opt.Location))
		if err != nil {
			return err
		}
		b.File = &cf
		for _, p := range cf.Phones {
			if p.Kind.Callable() {
				b.Callable = append(b.Callable, p)
			} else {
				b.Faxes = append(b.Faxes, p)
			}
		}
		b.Goal = scorecard.CallGoal(fb.Card, cf.ComplaintOpen()).Reason.In(q.L.Lang)
	}
	d := h.base(q, "flags", q.L.T("sheet.title"))
	d.Body = b
	h.render(q, http.StatusOK, "sheet", d)
	return nil
}

// ---- invoices ----

type invoicesBody struct {
	Rep        store.AgingReport
	Buckets    []string
	Search     string
	Bucket     string
	Currency   string
	Settled    bool
	From, To   int
	PrevURL    string
	NextURL    string
	Currencies []string
	BucketURL  map[string]string
}

const invoicesPerPage = 50

func (h *Handler) invoices(q *request) error {
	v := q.r.URL.Query()
	f := store.AgingFilter{Today: q.today(h.opt.Location), Search: strings.TrimSpace(v.Get("q")),
		Bucket: domain.Bucket(v.Get("bucket")), Currency: strings.ToUpper(strings.TrimSpace(v.Get("currency"))),
		Settled: v.Get("settled") == "1", Limit: invoicesPerPage}
	if _, _, ok := f.Bucket.Bounds(); !ok {
		f.Bucket = ""
	}
	if len(f.Currency) != 3 {
		f.Currency = ""
	}
	if off, err := strconv.Atoi(v.Get("offset")); err == nil && off > 0 {
		f.Offset = off
	}
	rep, err := h.opt.Store.Aging(q.ctx, f)
	if err != nil {
		return err
	}
	b := invoicesBody{Rep: rep, Buckets: bucketNames(), Search: f.Search, Bucket: string(f.Bucket), Currency: f.Currency,
		Settled: f.Settled, From: f.Offset + 1, To: f.Offset + len(rep.Rows), BucketURL: map[string]string{}}
	for _, t := range rep.Totals {
		b.Currencies = append(b.Currencies, t.Currency)
	}
	link := func(mod func(url.Values)) string {
		w := url.Values{}
		if f.Search != "" {
			w.Set("q", f.Search)
		}
		if f.Bucket != "" {
			w.Set("bucket", string(f.Bucket))
		}
		if f.Currency != "" {
			w.Set("currency", f.Currency)
		}
		if f.Settled {
			w.Set("settled", "1")
		}
		mod(w)
		if len(w) == 0 {
			return q.L.Link("/invoices")
		}
		return q.L.Link("/invoices?" + w.Encode())
	}
	if f.Offset > 0 {
		b.PrevURL = link(func(w url.Values) {
			if p := f.Offset - invoicesPerPage; p > 0 {
				w.Set("offset", strconv.Itoa(p))
			}
		})
	}
	if f.Offset+len(rep.Rows) < rep.Matched {
		b.NextURL = link(func(w url.Values) { w.Set("offset", strconv.Itoa(f.Offset+invoicesPerPage)) })
	}
	for _, bk := range append([]string{""}, bucketNames()...) {
		b.BucketURL[bk] = link(func(w url.Values) {
			if bk == "" {
				w.Del("bucket")
			} else {
				w.Set("bucket", bk)
			}
		})
	}
	d := h.base(q, "invoices", q.L.T("inv.title"))
	d.Wide = true
	d.Body = b
	h.render(q, http.StatusOK, "invoices", d)
	return nil
}

// ---- documents set aside ----

type rejectedBody struct {
	Docs []store.RejectedDocument
}

func (h *Handler) rejected(q *request) error {
	docs, err := h.opt.Store.RejectedDocuments(q.ctx, true)
	if err != nil {
		return err
	}
	d := h.base(q, "invoices", q.L.T("rej.title"))
	d.Wide = true
	d.Body = rejectedBody{Docs: docs}
	h.render(q, http.StatusOK, "rejected", d)
	return nil
}

// bucketNames are the aging buckets as the page's links and labels write
// them.
func bucketNames() []string {
	out := make([]string, len(domain.Buckets))
	for i, b := range domain.Buckets {
		out[i] = string(b)
	}
	return out
}

type invoiceBody struct {
	Inv      store.Invoice
	Bucket   domain.Bucket
	DaysLate int
	Timeline []timelineItem
	Payments []store.Payment
	Flags    []store.Flag
	Settled  bool
	Paused   bool
	Today    string
	Plan     *store.Plan // the active payment plan, if any
	// Quiet is a cancelled draft's "no new reminder until …".
	Quiet store.Quiet
}

func (h *Handler) invoice(q *request) error {
	id, inv, err := h.pathInvoice(q)
	if err != nil {
		return err
	}
	tl, err := h.opt.Store.Timeline(q.ctx, id)
	if err != nil {
		return err
	}
	pays, err := h.opt.Store.Payments(q.ctx, id)
	if err != nil {
		return err
	}
	flags, err := h.opt.Store.FlagsOfInvoice(q.ctx, id)
	if err != nil {
		return err
	}
	today := q.today(h.opt.Location)
	b := invoiceBody{Inv: inv, Timeline: timelineItems(q.L, tl, false), Payments: pays, Flags: flags,
		Settled: inv.State.Settled(), Today: today.Format("2006-01-02")}
	if plan, err := h.opt.Store.ActivePlan(q.ctx, id); err == nil {
		b.Plan = &plan
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if b.Quiet, err = h.opt.Store.InvoiceQuiet(q.ctx, id); err != nil {
		return err
	}
	if b.Quiet.Kind != policy.QuietNone {
		b.Paused = true // resuming lifts it
	}
	b.Bucket, b.DaysLate = store.BucketOf(inv.DueDate, today)
	switch inv.State {
	case domain.StateOnHold, domain.StateDisputed, domain.StatePaidClaimed, domain.StatePromised:
		b.Paused = true
	}
	d := h.base(q, "invoices", inv.Number)
	d.Body = b
	h.render(q, http.StatusOK, "invoice", d)
	return nil
}

// ---- timeline ----

// timelineItem is an event put in words for the page. Every string is
// plain text; the template escapes it.
type timelineItem struct {
	At        time.Time
	Title     string
	Actor     string
	Invoice   string
	InvoiceID int64
	Lines     []string
	Quotes    []string
	Tone      string // "", "good", "warn": a quiet colour hint
	// ReplyID is the client's reply an event records (0 for others): its
	// reading can be corrected from the timeline. Class is that reading.
	ReplyID int64
	Class   string
}

func timelineItems(L *locale, evs []store.TimelineEntry, withInvoice bool) []timelineItem {
	out := make([]timelineItem, 0, len(evs))
	for _, e := range evs {
		var det map[string]any
		_ = json.Unmarshal(e.Detail, &det)
		str := func(k string) string {
			if s, ok := det[k].(string); ok {
				return s
			}
			return ""
		}
		it := timelineItem{At: e.At, Title: L.Label("event", string(e.Kind)), Actor: L.Label("actor", string(e.Actor))}
		if withInvoice {
			it.Invoice, it.InvoiceID = e.InvoiceNumber, e.InvoiceID
		}
		switch e.Kind {
		case domain.EventReplyReceived:
			if e.MessageID != 0 && classify.Class(str("class")) != classify.Bounce {
				it.ReplyID, it.Class = e.MessageID, e.Message.Class
			}
			if c := str("class"); c != "" {
				it.Title += " — " + L.Label("class", c)
			}
			subj := str("subject")
			if subj == "" {
				subj = e.Message.Subject
			}
			if subj != "" {
				it.Lines = append(it.Lines, L.T("flags.subject")+L.Colon()+subj)
			}
			if from := str("from"); from != "" {
				if det["unknown_sender"] == true {
					from += " (" + L.T("tl.unknown") + ")"
				}
				it.Lines = append(it.Lines, L.T("flags.from")+L.Colon()+from)
			}
			if route := str("thread_rule"); route != "" {
				// How the reply was tied to its invoice.
				it.Lines = append(it.Lines, L.T("tl.route")+L.Colon()+L.Label("route", route))
			}
			if evs, ok := det["evidence"].([]any); ok {
				for _, ev := range evs {
					if s, ok := ev.(string); ok {
						it.Quotes = append(it.Quotes, evidenceOf(s).Text)
					}
				}
			}
			switch classify.Class(str("class")) {
			case classify.Dispute, classify.Grievance, classify.Hardship, classify.Bounce:
				it.Tone = "warn"
			case classify.Paid, classify.Promise:
				it.Tone = "good"
			}
		case domain.EventManualReminder, domain.EventManualContact:
			if subj := str("subject"); subj != "" {
				it.Lines = append(it.Lines, L.T("flags.subject")+L.Colon()+subj)
			}
			if lvl := str("level"); lvl != "" {
				it.Lines = append(it.Lines, L.T("tl.level")+L.Colon()+lvl)
			}
			if route := str("thread_rule"); route != "" {
				it.Lines = append(it.Lines, L.T("tl.route")+L.Colon()+L.Label("route", route))
			}
		case domain.EventReadingCorrected:
			it.Lines = append(it.Lines, L.Label("class", str("from"))+" → "+L.Label("class", str("to")))
			if d := str("promise_date"); d != "" {
				it.Lines = append(it.Lines, L.T("correct.promise")+L.Colon()+d)
			}
		case domain.EventStateChanged:
			it.Lines = append(it.Lines, L.Label("state", str("from"))+" → "+L.Label("state", str("to")))
		case domain.EventClientKindSet:
			it.Lines = append(it.Lines, L.Label("clientkind", str("was"))+" → "+L.Label("clientkind", str("kind")))
		case domain.EventHandoverPrepared:
			it.Lines = append(it.Lines, L.Label("handover", str("reason")), str("pdf"))
		case domain.EventClientKindGuessed:
			it.Lines = append(it.Lines, L.Label("clientkind", str("kind")))
			if why := str("why_" + L.Lang); why != "" {
				it.Quotes = append(it.Quotes, why)
			}
		case domain.EventClientPhoneAdded, domain.EventClientPhoneRemoved:
			it.Lines = append(it.Lines, str("number"))
			if src := str("source"); src != "" {
				it.Lines = append(it.Lines, L.Label("contactkind", str("kind"))+" · "+L.Label("contactsource", src))
			}
		case domain.EventClientFileSet:
			if _, ok := det["address"]; ok {
				it.Lines = append(it.Lines, L.T("cl.address")+L.Colon()+str("address"))
			}
			if _, ok := det["not_before"]; ok {
				v := str("not_before")
				if d, err := time.Parse(time.DateOnly, v); err == nil {
					v = L.Date(d)
				}
				it.Lines = append(it.Lines, L.T("cl.notbefore")+L.Colon()+v)
			}
			if n := str("notes"); n != "" {
				it.Quotes = append(it.Quotes, n)
			}
		case domain.EventPaymentRecorded:
			if amt, err := text.ParseTypedAmount(str("amount")); err == nil {
				it.Lines = append(it.Lines, L.Money(amt, str("currency")))
			}
			it.Tone = "good"
		case domain.EventInvoicePaid:
			it.Tone = "good"
		case domain.EventDraftHeld, domain.EventDraftEdited, domain.EventDraftApproved, domain.EventDraftCancelled, domain.EventDraftSuperseded, domain.EventDraftSent, domain.EventReminderSent:
			if e.DraftStage != "" {
				it.Title += " — " + L.Label("stage", e.DraftStage)
			}
			if e.DraftSubject != "" {
				it.Lines = append(it.Lines, L.T("flags.subject")+L.Colon()+e.DraftSubject)
			}
			if r := str("reason"); r != "" {
				it.Lines = append(it.Lines, r)
			}
		case domain.EventDraftRewritten:
			// A formal notice re-dated for the day it goes: its new date
			// and deadline.
			if e.DraftStage != "" {
				it.Title += " — " + L.Label("stage", e.DraftStage)
			}
			for _, f := range []struct{ key, field string }{{"notice.dated", "dated"}, {"notice.deadline", "deadline"}} {
				if d, err := time.Parse(time.DateOnly, str(f.field)); err == nil {
					it.Lines = append(it.Lines, L.T(f.key)+L.Colon()+L.Date(d))
				}
			}
		case domain.EventChasingQuiet:
			switch str("until") {
			case "date":
				if d, err := time.Parse(time.DateOnly, str("date")); err == nil {
					it.Lines = append(it.Lines, L.T("quiet.until.date", L.Date(d)))
				}
			case "reply":
				it.Lines = append(it.Lines, L.T("quiet.until.reply"))
			case "never":
				it.Lines = append(it.Lines, L.T("quiet.until.never"))
			}
			if r := str("reason"); r != "" {
				it.Quotes = append(it.Quotes, r)
			}
		case domain.EventDraftEditRefused:
			if r := str("reason"); r != "" {
				it.Lines = append(it.Lines, r)
			}
			it.Tone = "warn"
		case domain.EventDraftSendNow, domain.EventChasingQuietLifted:
			if r := str("reason"); r != "" {
				it.Quotes = append(it.Quotes, r)
			}
		case domain.EventFlagResolved, domain.EventFlagAcknowledged, domain.EventChasingResumed, domain.EventChasingStopped:
			if n := str("note"); n != "" {
				it.Quotes = append(it.Quotes, n)
			}
			if r := str("reason"); r != "" {
				it.Quotes = append(it.Quotes, r)
			}
		case domain.EventSendFailed:
			it.Tone = "warn"
		}
		out = append(out, it)
	}
	return out
}

// evidenceItem is one line of a flag's evidence: the sentence, and the
// reading it supports when the model gave one ("[grievance] sentence").
type evidenceItem struct {
	Class, Text string
}

func evidenceOf(s string) evidenceItem {
	class, text := store.SplitEvidence(s)
	return evidenceItem{Class: class, Text: text}
}

func evidenceSentences(ev []string) []string {
	out := make([]string, 0, len(ev))
	for _, e := range ev {
		out = append(out, evidenceOf(e).Text)
	}
	return out
}

// zone is the business's time zone.
func (h *Handler) zone() *time.Location {
	if h.opt.Policy != nil && h.opt.Policy.Location != nil {
		return h.opt.Policy.Location
	}
	if h.opt.Location != nil {
		return h.opt.Location
	}
	return time.UTC
}
