// Command relance-model trains the reply model on the labelled corpus and
// measures it writer by writer.
//
//	relance-model train [-corpus DIR] [-out FILE]   (make train)
//	relance-model eval  [-corpus DIR] [-errors]     (make eval)
//
// Training is deterministic: the same corpus gives the same weights.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/classify/corpus"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "train" && os.Args[1] != "eval" {
		fmt.Fprintln(os.Stderr, "usage: relance-model train|eval [-corpus DIR] [-out FILE] [-errors]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("corpus", filepath.Join("internal", "classify", "testdata", "replies"), "the labelled corpus")
	out := fs.String("out", filepath.Join("internal", "classify", "model", "weights.bin.gz"), "where train writes the weights")
	objOut := fs.String("objections-out", filepath.Join("internal", "classify", "model", "objections.bin.gz"), "where train writes the objection model")
	showErrors := fs.Bool("errors", false, "eval: list every misread reply")
	def := classify.DefaultTrainOptions()
	epochs := fs.Int("epochs", def.Epochs, "training passes (eval: to try other settings; train keeps the defaults)")
	rate := fs.Float64("rate", def.Rate, "AdaGrad step")
	l2 := fs.Float64("l2", def.L2, "weight decay")
	_ = fs.Parse(os.Args[2:])
	opt := classify.TrainOptions{Epochs: *epochs, Rate: *rate, L2: *l2, Seed: def.Seed}
	if os.Args[1] == "train" && opt != def {
		fmt.Fprintln(os.Stderr, "relance-model: train uses the default settings (change DefaultTrainOptions to ship others)")
		os.Exit(2)
	}
	if err := run(os.Args[1], *dir, *out, *objOut, *showErrors, opt); err != nil {
		fmt.Fprintln(os.Stderr, "relance-model:", err)
		os.Exit(1)
	}
}

func run(cmd, dir, out, objOut string, showErrors bool, opt classify.TrainOptions) error {
	set, err := corpus.Load(dir)
	if err != nil {
		return err
	}
	progress := func(w string, i, n int) { fmt.Fprintf(os.Stderr, "\rfold %d/%d (%s held out)      ", i, n, w) }
	start := time.Now()
	switch cmd {
	case "train":
		m := corpus.TrainShipped(set, opt, progress)
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			return err
		}
		if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "\n")
		fmt.Printf("wrote %s (%d bytes) in %s: %s\n", out, buf.Len(), time.Since(start).Round(time.Millisecond), m.Version)
		om := corpus.TrainShippedObjections(set, opt)
		buf.Reset()
		if _, err := om.WriteTo(&buf); err != nil {
			return err
		}
		if err := os.WriteFile(objOut, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote %s (%d bytes): %s\n", objOut, buf.Len(), om.Version)
	case "eval":
		corpus.Counts(os.Stdout, set)
		if err := corpus.Agreement(os.Stdout, dir); err != nil {
			return err
		}
		_, preds := corpus.Evaluate(set, opt, progress)
		fmt.Fprintf(os.Stderr, "\n")
		fmt.Println()
		corpus.Report(os.Stdout, preds)
		w, r := corpus.WorstHumanRecall(corpus.Replies(preds))
		fmt.Printf("\nworst writer's needs-human recall: %.3f (%s)\n", r, w)
		if showErrors {
			for _, e := range corpus.Errors(preds) {
				fmt.Println(e)
			}
		}
		fmt.Printf("(%s)\n", time.Since(start).Round(time.Millisecond))
	}
	return nil
}
