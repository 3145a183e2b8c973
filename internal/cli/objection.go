package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// setObjection is `relance drafts|flags set-objection ID KIND`: the owner
// corrects the stock objection a reply raised, from the answer draft or
// from the flag; the answer is drafted again at the next pass.
func setObjection(ctx context.Context, env *Env, st *store.Store, what string, pos []string) int {
	if len(pos) != 2 {
		fmt.Fprintf(env.Stderr, "relance %s set-objection: needs an ID and a kind (%s)\n", what, objectionList())
		return ExitUsage
	}
	id, ok := oneID(env, what+" set-objection", strings.TrimSuffix(what, "s"), pos[:1])
	if !ok {
		return ExitUsage
	}
	o := domain.Objection(pos[1])
	if !o.Valid() {
		fmt.Fprintf(env.Stderr, "relance %s set-objection: %q is not an objection (%s)\n", what, pos[1], objectionList())
		return ExitUsage
	}
	err := st.Update(ctx, env.Now(), func(tx *store.Tx) error {
		if what == "drafts" {
			return tx.SetDraftObjection(id, o, domain.ActorCLI)
		}
		return tx.SetObjection(id, o, domain.ActorCLI)
	})
	if errors.Is(err, store.ErrWrongStatus) {
		return errorf(env, "%s %d: %v", strings.TrimSuffix(what, "s"), id, err)
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "%s %d: objection %s; the answer is drafted again at the next pass\n", strings.TrimSuffix(what, "s"), id, o)
	return ExitOK
}

func objectionList() string {
	var names []string
	for _, o := range domain.Objections() {
		names = append(names, string(o))
	}
	return strings.Join(names, ", ")
}

// flagObjection is `relance flags set-objection FLAG KIND`.
func flagObjection(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "flags set-objection")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	return setObjection(ctx, env, st, "flags", pos)
}
