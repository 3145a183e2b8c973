// Command relance chases unpaid invoices politely from a small business's
// own mailbox. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the business time zone must resolve in minimal images

	"github.com/relance/relance/internal/cli"
)

// Set with -ldflags "-X main.version=... -X main.revision=...".
var (
	version  = "dev"
	revision = ""
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin,
		Build: cli.Build{Version: version, Revision: revision}})
	stop()
	os.Exit(code)
}
