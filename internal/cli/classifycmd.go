package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/message"
)

func cmdClassify(_ context.Context, env *Env, args []string) int {
	fs := flagSet(env, "classify")
	fs.Bool("json", true, "one JSON object per line (the only output format)")
	files, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintln(env.Stderr, "relance classify: no file given")
		fs.Usage()
		return ExitUsage
	}
	exit := ExitOK
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance classify: %v\n", err)
			exit = ExitError
			continue
		}
		m, err := message.Parse(f, message.DefaultOptions())
		f.Close()
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance classify: %s: %v\n", name, err)
			exit = ExitError
			continue
		}
		line, err := classify.Classify(m, classify.Options{}).JSON(name)
		if err != nil {
			fmt.Fprintf(env.Stderr, "relance classify: %s: %v\n", name, err)
			exit = ExitError
			continue
		}
		fmt.Fprintf(env.Stdout, "%s\n", line)
	}
	return exit
}
