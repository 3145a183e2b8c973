package web

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// setFlagObjection is the flag page's "correct the objection" form: the
// same use case as `relance flags set-objection`.
func (h *Handler) setFlagObjection(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	return h.setObjection(q, id, h.flag, "/flags/"+strconv.FormatInt(id, 10), func(tx *store.Tx, o domain.Objection) error {
		return tx.SetObjection(id, o, domain.ActorWeb)
	})
}

// setDraftObjection is the review page's form on an answer: the same use
// case as `relance drafts set-objection`.
func (h *Handler) setDraftObjection(q *request) error {
	id, err := pathID(q)
	if err != nil {
		return err
	}
	q.focus = id
	return h.setObjection(q, id, h.review, "/review", func(tx *store.Tx, o domain.Objection) error {
		return tx.SetDraftObjection(id, o, domain.ActorWeb)
	})
}

// setObjection applies the objection the form names; the answer drafted
// again goes to the review page at the next pass, which it asks for.
func (h *Handler) setObjection(q *request, id int64, page func(*request) error, path string, set func(*store.Tx, domain.Objection) error) error {
	o := domain.Objection(q.r.PostFormValue("objection"))
	if !o.Valid() {
		return h.refuse(q, http.StatusUnprocessableEntity, "err.objection", page)
	}
	err := h.update(q, func(tx *store.Tx) error { return set(tx, o) })
	if err == nil {
		h.opt.Logger.Info("objection corrected from the web page", slog.Int64("id", id), slog.String("objection", string(o)))
		if h.opt.Poke != nil {
			h.opt.Poke()
		}
	}
	return h.settle(q, err, page, path, string(domain.EventObjectionSet))
}
