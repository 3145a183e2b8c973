// Package corpus reads the labelled reply corpus, trains the reply model on
// it and measures the model the only way that predicts unseen mail: writer by
// writer, each writer's replies read by a model trained on all the others.
//
// The corpus lives in internal/classify/testdata/replies/<writer>/*.eml; the
// labels are X-Label* headers, which the classifier never reads (see the
// README there). `make train` and `make eval` run cmd/relance-model.
package corpus

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/message"
)

// Reply is one labelled reply.
type Reply struct {
	File      string // path relative to the corpus root
	Writer    string
	Msg       *message.Message
	Class     classify.Class
	Promise   string // YYYY-MM-DD or ""
	Return    string
	Objection string
	Language  string
	Hard      bool
	// Set is "reply" for a client's answer about paying, "inbox" for the
	// rest of a business's INBOX (measured apart).
	Set string
}

// Load reads every writer's folder under root.
func Load(root string) ([]Reply, error) {
	dirs, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("corpus: read %s: %w", root, err)
	}
	var out []Reply
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := filepath.Glob(filepath.Join(root, d.Name(), "*.eml"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("corpus: %w", err)
			}
			m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
			if err != nil {
				return nil, fmt.Errorf("corpus: %s: %w", f, err)
			}
			label := classify.Class(strings.TrimSpace(m.Get("X-Label")))
			if label == "" {
				return nil, fmt.Errorf("corpus: %s: no X-Label header", f)
			}
			rel, _ := filepath.Rel(root, f)
			out = append(out, Reply{File: rel, Writer: d.Name(), Msg: m, Class: label,
				Promise: strings.TrimSpace(m.Get("X-Label-Promise")), Return: strings.TrimSpace(m.Get("X-Label-Return")),
				Objection: strings.TrimSpace(m.Get("X-Label-Objection")), Language: strings.TrimSpace(m.Get("X-Label-Language")),
				Hard: strings.EqualFold(strings.TrimSpace(m.Get("X-Label-Hard")), "true"), Set: setOf(m.Get("X-Label-Set"))})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("corpus: no labelled reply under %s", root)
	}
	return out, nil
}

// Writers lists the writers of set, sorted.
func Writers(set []Reply) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range set {
		if !seen[r.Writer] {
			seen[r.Writer] = true
			out = append(out, r.Writer)
		}
	}
	sort.Strings(out)
	return out
}

// Examples turns replies into training examples (what the model would read
// of each).
func Examples(set []Reply) []classify.Example {
	out := make([]classify.Example, 0, len(set))
	for _, r := range set {
		if r.Class == classify.Bounce {
			continue
		}
		text, _ := classify.ReplyText(r.Msg.Text)
		if e, ok := classify.NewExample(text, r.Msg.Subject, r.Msg.Date, r.Class); ok {
			out = append(out, e)
		}
	}
	return out
}

// ObjectionExamples turns replies into examples for the objection model:
// every reply a person wrote, labelled with the objection it raises or with
// none.
func ObjectionExamples(set []Reply) []classify.Example {
	out := make([]classify.Example, 0, len(set))
	for _, r := range set {
		if r.Class == classify.Bounce || r.Class == classify.AutoReply {
			continue
		}
		text, _ := classify.ReplyText(r.Msg.Text)
		if e, ok := classify.NewObjectionExample(text, r.Msg.Subject, r.Msg.Date, classify.Objection(r.Objection)); ok {
			out = append(out, e)
		}
	}
	return out
}

func setOf(h string) string {
	if strings.TrimSpace(h) == "inbox" {
		return "inbox"
	}
	return "reply"
}

// Replies keeps the client's answers about paying (the set the targets are
// about); Inbox keeps the rest.
func Replies(preds []Prediction) []Prediction {
	return filter(preds, func(r *Reply) bool { return r.Set == "reply" })
}

// Inbox keeps the predictions of mail that is not a reply.
func Inbox(preds []Prediction) []Prediction {
	return filter(preds, func(r *Reply) bool { return r.Set == "inbox" })
}

func filter(preds []Prediction, keep func(*Reply) bool) []Prediction {
	var out []Prediction
	for _, p := range preds {
		if keep(p.Reply) {
			out = append(out, p)
		}
	}
	return out
}
