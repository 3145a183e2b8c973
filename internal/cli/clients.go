package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

func cmdClients(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "clients")
	kind := fs.String("kind", "", "set: business or consumer (a consumer owes no L441-10 penalties and no 40 € indemnity)")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	action := "list"
	if len(pos) > 0 {
		action, pos = pos[0], pos[1:]
	}
	switch action {
	case "set":
		if len(pos) != 1 || *kind == "" {
			fs.Usage()
			return ExitUsage
		}
		k := domain.ClientKind(*kind)
		if !k.Valid() {
			return errorf(env, "clients set: --kind is %q or %q, not %q", domain.ClientBusiness, domain.ClientConsumer, *kind)
		}
		return setClientKind(ctx, env, *db, pos[0], k)
	}
	fs.Usage()
	return ExitUsage
}

func setClientKind(ctx context.Context, env *Env, db, email string, k domain.ClientKind) int {
	st, code := openStore(ctx, env, db)
	if st == nil {
		return code
	}
	defer st.Close()
	var c store.Client
	var changed bool
	err := st.Update(ctx, env.Now(), func(tx *store.Tx) (err error) {
		c, changed, err = tx.SetClientKind(email, k, domain.ActorCLI)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return errorf(env, "no client with the address %q (see 'relance invoices')", email)
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	if !changed {
		fmt.Fprintf(env.Stdout, "%s is already a %s client\n", c.Email, k)
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "%s is now a %s client\n", c.Email, k)
	return ExitOK
}
