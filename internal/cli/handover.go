package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/relance/relance/internal/app"
	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/outbox"
	"github.com/relance/relance/internal/store"
)

// cmdHandover (re)builds the file for a third party of an invoice's client
// (every invoice it still owes) and writes its PDF and ZIP into a folder.
// Originals the client's previous file holds are kept; others are rebuilt
// from what the store keeps (the daemon fetches them from the mailbox).
func cmdHandover(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "handover")
	out := fs.String("out", ".", "folder to write the PDF and the ZIP into")
	db := dbFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "relance handover: needs exactly one invoice number")
		fs.Usage()
		return ExitUsage
	}
	pol, err := businessPolicy(os.Getenv, env.zone())
	if err != nil {
		return errorf(env, "%v", err)
	}
	// The business's identity only: a mailbox need not be configured to
	// build the file, so the rest of the validation does not matter here.
	cfg, _, _ := config.Load(config.Overrides{})
	if cfg == nil {
		return errorf(env, "cannot read the RELANCE_BUSINESS_* settings")
	}
	st, inv, code := openInvoice(ctx, env, *db, pos[0])
	if st == nil {
		return code
	}
	defer st.Close()
	reason := domain.HandoverAsked
	if old, err := st.HandoverFileOf(ctx, inv.ID); err == nil {
		reason = domain.HandoverReason(old.Reason)
	}
	f, err := outbox.BuildHandover(ctx, outbox.HandoverOptions{Store: st, Policy: pol, Business: app.Business(cfg)}, env.Now(), inv.ID, reason)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(env, "%s owes nothing: there is no file to prepare", inv.Client.Email)
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return errorf(env, "%v", err)
	}
	for _, file := range []struct {
		name string
		data []byte
	}{{f.PDFName, f.PDF}, {f.ZIPName, f.ZIP}} {
		path := filepath.Join(*out, file.name)
		if err := os.WriteFile(path, file.data, 0o644); err != nil {
			return errorf(env, "%v", err)
		}
		fmt.Fprintln(env.Stdout, path)
	}
	return ExitOK
}
