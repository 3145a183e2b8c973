package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/text"
)

// Actions change the store through its use cases, one transaction each,
// then redirect (POST/redirect/GET). A refusal renders the page again with
// the reason and a 4xx status, so nothing is lost from the form's intent.

// done redirects to path (one of the mailbox's pages, under its prefix)
// with done=code, the page's "done.<code>" notice; an action that moves a
// draft, flag or invoice names the word of the vocabulary it moved to.
func (h *Handler) done(q *request, path, code string) error {
	path = h.prefix + path
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	frag := ""
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, frag = path[:i], path[i:]
	}
	http.Redirect(q.w, q.r, path+sep+"done="+code+frag, http.StatusSeeOther)
	return nil
}

// refuse renders page again with an error message.
func (h *Handler) refuse(q *request, status int, key string, page func(*request) error) error {
	q.status, q.errKey = status, key
	return page(q)
}

// statusRefusal maps the store's refusals to a message; other errors pass.
func statusRefusal(err error) (string, bool) {
	switch {
	case errors.Is(err, store.ErrHoldNotOver):
		return "err.hold", true
	case errors.Is(err, store.ErrReasonRequired):
		return "err.sendnow", true
	case errors.Is(err, store.ErrWrongStatus):
		return "err.status", true
	case errors.Is(err, store.ErrNotRejected):
		return "rej.err", true
	}
	return "", false
}

func (h *Handler) update(q *request, fn func(*store.Tx) error) error {
	return h.opt.Store.Update(q.ctx, q.now, fn)
}

func formText(q *request, name string, max int) string {
	s := strings.TrimSpace(q.r.PostFormValue(name))
	s = strings.ToValidUTF8(s, "")
	if len(s) > max {
		s = s[:max]
	}
	return s
}

// ---- drafts ----

func (h *Handler) approveDraft(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	override := formText(q, "override", 500)
	err = h.update(q, func(tx *store.Tx) error { return tx.ApproveDraft(id, domain.ActorWeb, override) })
	if key, ok := statusRefusal(err); ok {
		q.focus = id
		return h.refuse(q, http.StatusConflict, key, h.review)
	}
	if err != nil {
		return err
	}
	h.opt.Logger.Info("draft approved from the web page", slog.Int64("draft", id), slog.Bool("hold_overridden", override != ""))
	if h.opt.Poke != nil {
		h.opt.Poke() // an approval that may go now goes at once, not at the next tick
	}
	return h.done(q, "/review", string(domain.DraftApproved))
}

func (h *Handler) cancelDraft(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	reason := formText(q, "reason", 500)
	until := formText(q, "until", 20)
	if until == "date" {
		until = formText(q, "until_date", 20)
		if until == "" {
			q.focus = id
			return h.refuse(q, http.StatusUnprocessableEntity, "err.until", h.review)
		}
	}
	quiet, perr := policy.ParseQuiet(until, policy.DateIn(q.now, h.zone()))
	if perr != nil {
		q.focus = id
		return h.refuse(q, http.StatusUnprocessableEntity, "err.until", h.review)
	}
	err = h.update(q, func(tx *store.Tx) error { return tx.CancelDraftUntil(id, domain.ActorWeb, reason, quiet) })
	if key, ok := statusRefusal(err); ok {
		q.focus = id
		return h.refuse(q, http.StatusConflict, key, h.review)
	}
	if err != nil {
		return err
	}
	return h.done(q, "/review", string(domain.DraftCancelled))
}

// sendDraftNow is the explicit "send now": one action, with a reason kept
// in the history with who gave it. The draft leaves at the next pass.
func (h *Handler) sendDraftNow(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	reason := formText(q, "reason", 500)
	err = h.update(q, func(tx *store.Tx) error { return tx.SendDraftNow(id, domain.ActorWeb, reason) })
	if key, ok := statusRefusal(err); ok {
		q.focus = id
		return h.refuse(q, http.StatusConflict, key, h.review)
	}
	if err != nil {
		return err
	}
	h.opt.Logger.Info("send now asked from the web page", slog.Int64("draft", id))
	if h.opt.Poke != nil {
		h.opt.Poke()
	}
	return h.done(q, "/review#draft-"+strconv.FormatInt(id, 10), "sendnow")
}

func (h *Handler) editDraft(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	subject := formText(q, "subject", 998)
	// Textareas submit CRLF; drafts are stored with LF like rendered ones.
	body := strings.ReplaceAll(formText(q, "body", 200_000), "\r\n", "\n")
	q.focus = id
	if subject == "" || body == "" || strings.ContainsAny(subject, "\r\n") {
		return h.refuse(q, http.StatusUnprocessableEntity, "err.empty", h.review)
	}
	err = h.update(q, func(tx *store.Tx) error { return tx.ReviseDraft(id, subject, body, domain.ActorWeb) })
	return h.settle(q, err, h.review, "/review#draft-"+strconv.FormatInt(id, 10), "edited")
}

// ---- flags ----

func (h *Handler) acknowledgeFlag(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	err = h.update(q, func(tx *store.Tx) error { return tx.AcknowledgeFlag(id, domain.ActorWeb, "") })
	return h.settle(q, err, h.flag, "/flags/"+strconv.FormatInt(id, 10), string(domain.FlagAcknowledged))
}

func (h *Handler) resolveFlag(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	note := formText(q, "note", 2000)
	if note == "" {
		return h.refuse(q, http.StatusUnprocessableEntity, "err.note", h.flag)
	}
	// The form offers keep, resume and stop; anything else keeps the
	// invoice as it is.
	then, err := store.ParseFollowUp(q.r.PostFormValue("after"))
	if err != nil {
		then = store.FollowKeep
	}
	err = h.update(q, func(tx *store.Tx) error { return tx.ResolveFlagThen(id, domain.ActorWeb, note, then) })
	return h.settle(q, err, h.flag, "/flags", string(domain.FlagResolved))
}

// taskOutcome logs how a task went (the same use case as `relance flags
// outcome`): the task closes and the ladder carries on from the outcome.
func (h *Handler) taskOutcome(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	o := store.TaskOutcome{Outcome: policy.TaskOutcome(q.r.PostFormValue("outcome")), Note: formText(q, "note", 2000)}
	if d := strings.TrimSpace(q.r.PostFormValue("promise_date")); d != "" && o.Outcome == policy.OutcomePromise {
		if o.PromiseDate, err = time.Parse(time.DateOnly, d); err != nil {
			return h.refuse(q, http.StatusUnprocessableEntity, "err.date", h.flag)
		}
	}
	if in := formText(q, "instalments", 4000); in != "" && o.Outcome == policy.OutcomePlan {
		agreed, err := payment.ParseInstalments(in)
		if err != nil {
			return h.refuse(q, http.StatusUnprocessableEntity, "err.plan", h.flag)
		}
		for _, a := range agreed {
			o.Instalments = append(o.Instalments, store.NewInstalment{Due: a.Due, Amount: a.Amount})
		}
	}
	err = h.update(q, func(tx *store.Tx) error { return tx.LogTaskOutcome(id, o, domain.ActorWeb) })
	if errors.Is(err, store.ErrOutcomeIncomplete) {
		return h.refuse(q, http.StatusUnprocessableEntity, "err.outcome", h.flag)
	}
	if err != nil && !errors.Is(err, store.ErrWrongStatus) && !errors.Is(err, store.ErrNotFound) {
		h.opt.Logger.Warn("web: task outcome refused", slog.Int64("flag", id), slog.Any("err", err))
		return h.refuse(q, http.StatusUnprocessableEntity, "err.outcome", h.flag)
	}
	return h.settle(q, err, h.flag, "/flags/"+strconv.FormatInt(id, 10), string(domain.FlagResolved))
}

// ---- replies ----

// correctReading records the owner's reading of a client's reply: the reply
// changes at once (state, flags, event) and later replies worded like it are
// read the same way.
func (h *Handler) correctReading(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	// back is one of the mailbox's pages, written without its prefix.
	back := q.r.PostFormValue("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n") {
		back = "/flags"
	}
	class := q.r.PostFormValue("class")
	if !validReplyClass(class) {
		return h.refuse(q, http.StatusUnprocessableEntity, "err.class", h.flags)
	}
	var promise time.Time
	if d := strings.TrimSpace(q.r.PostFormValue("promise_date")); d != "" && class == string(classify.Promise) {
		if promise, err = time.Parse(time.DateOnly, d); err != nil {
			return h.refuse(q, http.StatusUnprocessableEntity, "err.date", h.flags)
		}
	}
	err = h.update(q, func(tx *store.Tx) error {
		_, err := tx.CorrectReading(id, classify.Class(class), promise, domain.ActorWeb)
		return err
	})
	if errors.Is(err, store.ErrNotAReply) {
		return store.ErrNotFound // only replies have a reading to correct
	}
	return h.settle(q, err, h.flags, back, "corrected")
}

// replyClasses are the readings an owner may choose for a reply, in the order
// of classify.Classes: every class but a bounce, which only a delivery
// report's headers tell.
var replyClasses = func() []string {
	var out []string
	for _, c := range classify.Classes() {
		if c != classify.Bounce {
			out = append(out, string(c))
		}
	}
	return out
}()

func validReplyClass(c string) bool {
	for _, k := range replyClasses {
		if k == c {
			return true
		}
	}
	return false
}

// ---- invoices ----

func (h *Handler) payInvoice(q *request) error {
	id, inv, err := h.pathInvoice(q)
	if err != nil {
		return err
	}
	amount := inv.Balance
	if s := formText(q, "amount", 64); s != "" {
		if amount, err = text.ParseTypedAmount(s); err != nil || !amount.IsPositive() {
			return h.refuse(q, http.StatusUnprocessableEntity, "err.amount", h.invoice)
		}
	}
	if !amount.IsPositive() {
		return h.refuse(q, http.StatusUnprocessableEntity, "err.amount", h.invoice)
	}
	paidOn := q.today(h.opt.Location)
	if s := formText(q, "date", 32); s != "" {
		if paidOn, err = time.Parse("2006-01-02", s); err != nil {
			return h.refuse(q, http.StatusUnprocessableEntity, "err.date", h.invoice)
		}
	}
	err = h.update(q, func(tx *store.Tx) error {
		_, err := tx.RecordOwnerPayment(store.Payment{InvoiceID: id, Amount: amount, Currency: inv.Currency, PaidOn: paidOn,
			Source: "manual", Reference: string(domain.ActorWeb)}, domain.ActorWeb)
		return err
	})
	if key, ok := statusRefusal(err); ok {
		return h.refuse(q, http.StatusConflict, key, h.invoice)
	}
	if err != nil {
		h.opt.Logger.Warn("web: payment refused", slog.Int64("invoice", id), slog.Any("err", err))
		return h.refuse(q, http.StatusUnprocessableEntity, "err.payment", h.invoice)
	}
	return h.done(q, "/invoices/"+strconv.FormatInt(id, 10), string(domain.StatePaid))
}

func (h *Handler) resumeChasing(q *request) error {
	return h.chasing(q, "resumed", func(tx *store.Tx, id int64, reason string) error {
		return tx.ResumeChasing(id, domain.ActorWeb, reason)
	})
}

func (h *Handler) stopChasing(q *request) error {
	return h.chasing(q, "stopped", func(tx *store.Tx, id int64, reason string) error {
		return tx.StopChasing(id, domain.ActorWeb, reason)
	})
}

func (h *Handler) chasing(q *request, code string, fn func(*store.Tx, int64, string) error) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	reason := formText(q, "reason", 500)
	err = h.update(q, func(tx *store.Tx) error { return fn(tx, id, reason) })
	if key, ok := statusRefusal(err); ok {
		return h.refuse(q, http.StatusConflict, key, h.invoice)
	}
	if err != nil {
		return err
	}
	return h.done(q, "/invoices/"+strconv.FormatInt(id, 10), code)
}

// ---- login ----

type loginBody struct {
	Next string
	// Accounts: ask for a login and a password; Token: the access token
	// logs in too (said under the form).
	Accounts, Token bool
	Login           string // as typed, after a failed try
}

// safeNext keeps a post-login redirect on this site.
func safeNext(s string) string {
	u, err := url.Parse(s)
	if err != nil || s == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(s, "//") ||
		strings.HasPrefix(s, "/\\") {
		return "/"
	}
	return u.RequestURI()
}

func (h *Handler) loginPage(q *request) error {
	if !h.loginRequired(q) || q.auth.loggedIn {
		http.Redirect(q.w, q.r, "/", http.StatusSeeOther)
		return nil
	}
	h.renderLogin(q, safeNext(q.r.URL.Query().Get("next")), "")
	return nil
}

// renderLogin shows the login form: login and password once the site has
// accounts, the access token alone before.
func (h *Handler) renderLogin(q *request, next, login string) {
	d := h.base(q, "", q.L.T("login.title"))
	d.Body = loginBody{Next: next, Accounts: q.viewer.accounts, Token: h.opt.Token != "", Login: login}
	h.render(q, http.StatusOK, "login", d)
}

// login opens a session: the access token's (typed in the token field, or
// as the password with no login), or an account's.
func (h *Handler) login(q *request) error {
	if !h.loginRequired(q) {
		http.Redirect(q.w, q.r, "/", http.StatusSeeOther)
		return nil
	}
	next := safeNext(q.r.PostFormValue("next"))
	login, password := strings.TrimSpace(q.r.PostFormValue("login")), q.r.PostFormValue("password")
	token := q.r.PostFormValue("token")
	if token == "" && login == "" {
		token = password
	}
	account, ok := "", h.opt.Token != "" && tokenEqual(token, h.opt.Token)
	if !ok && q.viewer.accounts && login != "" {
		a, err := h.accounts.Authenticate(q.ctx, login, password)
		if err != nil && !errors.Is(err, store.ErrBadLogin) {
			return err
		}
		account, ok = a.Login, err == nil
	}
	if !ok {
		h.opt.Logger.Warn("web: failed login", slog.String("remote", q.r.RemoteAddr), slog.String("login", login))
		q.status, q.errKey = http.StatusUnauthorized, "login.bad"
		if q.viewer.accounts {
			q.errKey = "login.bad.accounts"
		}
		h.renderLogin(q, next, login)
		return nil
	}
	id, _, err := h.sessions.create(q.now, account)
	if err != nil {
		return err
	}
	h.setCookie(q.w, q.r, sessionCookie, id, int(h.opt.SessionTTL/time.Second))
	http.Redirect(q.w, q.r, next, http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(q *request) error {
	if q.auth.sessionID != "" {
		h.sessions.remove(q.auth.sessionID)
	}
	h.setCookie(q.w, q.r, sessionCookie, "", -1)
	http.Redirect(q.w, q.r, "/login", http.StatusSeeOther)
	return nil
}

// recordPlan records an agreed payment plan (échéancier); the outbox then
// drafts its written confirmation and follows each instalment.
func (h *Handler) recordPlan(q *request) error {
	id, inv, err := h.pathInvoice(q)
	if err != nil {
		return err
	}
	if inv.State.Settled() {
		return h.refuse(q, http.StatusConflict, "err.status", h.invoice)
	}
	agreed, err := payment.ParseInstalments(formText(q, "instalments", 4000))
	if err != nil {
		return h.refuse(q, http.StatusUnprocessableEntity, "err.plan", h.invoice)
	}
	inst := make([]store.NewInstalment, len(agreed))
	for i, a := range agreed {
		inst[i] = store.NewInstalment{Due: a.Due, Amount: a.Amount}
	}
	err = h.update(q, func(tx *store.Tx) error {
		_, err := tx.RecordPlan(id, inst, domain.ActorWeb)
		return err
	})
	if err != nil {
		h.opt.Logger.Warn("web: payment plan refused", slog.Int64("invoice", id), slog.Any("err", err))
		return h.refuse(q, http.StatusUnprocessableEntity, "err.plan", h.invoice)
	}
	return h.done(q, "/invoices/"+strconv.FormatInt(id, 10)+"#plan", string(domain.StatePlan))
}

// settle ends an action: a decision no longer possible (the draft or flag
// moved on) shows the page again with 409, another error fails, success
// redirects with its notice.
func (h *Handler) settle(q *request, err error, page func(*request) error, path, code string) error {
	if key, ok := statusRefusal(err); ok {
		return h.refuse(q, http.StatusConflict, key, page)
	}
	if err != nil {
		return err
	}
	return h.done(q, path, code)
}

// pathInvoice is the invoice the request's path names, with its id.
func (h *Handler) pathInvoice(q *request) (int64, store.Invoice, error) {
	id, err := pathID(q)
	if err != nil {
		return 0, store.Invoice{}, err
	}
	inv, err := h.opt.Store.InvoiceByID(q.ctx, id)
	return id, inv, err
}

// adoptDocument is the page's "adopt as an invoice" button: the same use
// case as `relance invoices adopt`.
func (h *Handler) adoptDocument(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	var inv store.Invoice
	err = h.update(q, func(tx *store.Tx) error {
		var err error
		inv, err = tx.AdoptDocument(strconv.FormatInt(id, 10), domain.ActorWeb)
		return err
	})
	if key, ok := statusRefusal(err); ok {
		return h.refuse(q, http.StatusConflict, key, h.rejected)
	}
	if err != nil {
		return err
	}
	return h.done(q, "/invoices/"+strconv.FormatInt(inv.ID, 10), "adopted")
}
