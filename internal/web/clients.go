package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/scorecard"
	"github.com/relance/relance/internal/store"
)

// ---- clients ----

// clientRow is one client of the clients list.
type clientRow struct {
	store.ClientSummary
	Segment scorecard.Segment
}

type clientsBody struct {
	Clients []clientRow
}

func (h *Handler) clients(q *request) error {
	today := q.today(h.opt.Location)
	cs, err := h.opt.Store.ClientSummaries(q.ctx, today)
	if err != nil {
		return err
	}
	b := clientsBody{}
	for _, c := range cs {
		card, err := h.opt.Store.ClientScorecard(q.ctx, c.ID, q.now.In(h.zone()))
		if err != nil {
			return err
		}
		b.Clients = append(b.Clients, clientRow{ClientSummary: c, Segment: card.Segment})
	}
	d := h.base(q, "clients", q.L.T("cl.title"))
	d.Wide = true
	d.Body = b
	h.render(q, http.StatusOK, "clients", d)
	return nil
}

// adviceLine is one piece of the scorecard's advice, in the page's language.
type adviceLine struct {
	Code   scorecard.AdviceCode
	Reason string
}

// adviceIn is the scorecard's advice in lang.
func adviceIn(card scorecard.Card, lang string) []adviceLine {
	var out []adviceLine
	for _, a := range card.Advice {
		out = append(out, adviceLine{Code: a.Code, Reason: a.Reason.In(lang)})
	}
	return out
}

type clientBody struct {
	F        store.ClientFile
	Card     scorecard.Card
	Advice   []adviceLine
	Invoices []store.Invoice
	History  []timelineItem
	// GuessWhy is why the invoices suggest the kind, in the page's language.
	GuessWhy string
	// NotBefore is the "do not chase before" date as the form's value, and
	// Waiting says it is still ahead.
	NotBefore string
	Waiting   bool
	Kinds     []domain.ClientKind
}

// clientHistoryLimit is how far back the client page goes: its whole
// history, bounded only so that a page stays a page.
const clientHistoryLimit = 2000

func (h *Handler) clientPage(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	today := q.today(h.opt.Location)
	f, err := h.opt.Store.ClientFileByID(q.ctx, id, today)
	if err != nil {
		return err
	}
	b := clientBody{F: f, GuessWhy: f.GuessWhy[q.L.Lang], Kinds: domain.ClientKinds}
	if b.Card, err = h.opt.Store.ClientScorecard(q.ctx, id, q.now.In(h.zone())); err != nil {
		return err
	}
	b.Advice = adviceIn(b.Card, q.L.Lang)
	if b.Invoices, err = h.opt.Store.InvoicesOfClient(q.ctx, id); err != nil {
		return err
	}
	hist, err := h.opt.Store.ClientHistory(q.ctx, id, clientHistoryLimit)
	if err != nil {
		return err
	}
	b.History = timelineItems(q.L, hist, true)
	if !f.NotBefore.IsZero() {
		b.NotBefore = f.NotBefore.Format(time.DateOnly)
		b.Waiting = f.NotBefore.After(today)
	}
	name := f.Name
	if name == "" {
		name = f.Email
	}
	d := h.base(q, "clients", name)
	d.Body = b
	h.render(q, http.StatusOK, "client", d)
	return nil
}

// clientEmail is the address the client use cases know the client by.
func (h *Handler) clientEmail(q *request) (int64, string, error) {
	id, err := pathID(q)
	if err != nil {
		return 0, "", err
	}
	f, err := h.opt.Store.ClientFileByID(q.ctx, id, q.today(h.opt.Location))
	if err != nil {
		return 0, "", err
	}
	return id, f.Email, nil
}

// clientRefusal maps the client use cases' refusals to a message.
func clientRefusal(err error) (string, bool) {
	switch {
	case errors.Is(err, store.ErrBadPhone):
		return "cl.err.phone", true
	case errors.Is(err, store.ErrNoSuchPhone):
		return "cl.err.nophone", true
	}
	return "", false
}

// changeClient runs one of the owner's corrections through its use case,
// then shows the client page again.
func (h *Handler) changeClient(q *request, done string, fn func(tx *store.Tx, email string) error) error {
	id, email, err := h.clientEmail(q)
	if err != nil {
		return err
	}
	err = h.update(q, func(tx *store.Tx) error { return fn(tx, email) })
	if key, ok := clientRefusal(err); ok {
		return h.refuse(q, http.StatusUnprocessableEntity, key, h.clientPage)
	}
	if err != nil {
		return err
	}
	return h.done(q, "/clients/"+strconv.FormatInt(id, 10), done)
}

func (h *Handler) setClientKind(q *request) error {
	k := domain.ClientKind(q.r.PostFormValue("kind"))
	if !k.Valid() {
		return h.refuse(q, http.StatusUnprocessableEntity, "cl.err.kind", h.clientPage)
	}
	return h.changeClient(q, "client_kind", func(tx *store.Tx, email string) error {
		_, _, err := tx.SetClientKind(email, k, domain.ActorWeb)
		return err
	})
}

func (h *Handler) addClientPhone(q *request) error {
	phone := formText(q, "phone", 100)
	if phone == "" {
		return h.refuse(q, http.StatusUnprocessableEntity, "cl.err.phone", h.clientPage)
	}
	return h.changeClient(q, "client_file", func(tx *store.Tx, email string) error {
		_, err := tx.UpdateClientFile(email, store.ClientFileChange{AddPhones: []string{phone}}, domain.ActorWeb)
		return err
	})
}

func (h *Handler) removeClientPhone(q *request) error {
	phone := formText(q, "phone", 100)
	return h.changeClient(q, "client_file", func(tx *store.Tx, email string) error {
		_, err := tx.UpdateClientFile(email, store.ClientFileChange{RemovePhones: []string{phone}}, domain.ActorWeb)
		return err
	})
}

// setClientFile saves the file form: postal address, "do not chase
// before" (empty clears it) and notes.
func (h *Handler) setClientFile(q *request) error {
	address, notes := formText(q, "address", 500), formText(q, "notes", 4000)
	var nb time.Time
	if v := formText(q, "not_before", 20); v != "" {
		var err error
		if nb, err = time.Parse(time.DateOnly, v); err != nil {
			return h.refuse(q, http.StatusUnprocessableEntity, "cl.err.date", h.clientPage)
		}
	}
	return h.changeClient(q, "client_file", func(tx *store.Tx, email string) error {
		_, err := tx.UpdateClientFile(email, store.ClientFileChange{Address: &address, NotBefore: &nb, Notes: &notes}, domain.ActorWeb)
		return err
	})
}
