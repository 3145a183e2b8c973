package engine

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/store"
)

// LocalModel is the model that reads this installation's replies: the
// shipped one, with every correction the owner made (the latest per reply).
func LocalModel(ctx context.Context, st *store.Store) (*classify.Model, int64, error) {
	version, err := st.CorrectionsVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	if version == 0 {
		return classify.Shipped(), 0, nil
	}
	cs, err := st.Corrections(ctx)
	if err != nil {
		return nil, 0, err
	}
	// A reply corrected twice counts once, as last corrected.
	last := map[int64]int{}
	for i, c := range cs {
		if c.MessageID != 0 {
			last[c.MessageID] = i
		}
	}
	var ex []classify.Example
	for i, c := range cs {
		if c.MessageID != 0 && last[c.MessageID] != i {
			continue
		}
		e, ok := classify.NewExample(c.Text, c.Subject, c.ReplyDate, classify.Class(c.Class))
		if !ok {
			continue // bounce: read by rule, nothing to learn
		}
		ex = append(ex, e)
	}
	return classify.Shipped().WithCorrections(ex), version, nil
}

// RefreshModel rebuilds the engine's model when the owner's corrections
// changed since it was built (a correction made on the web page, or with
// `relance learn` while the daemon runs). Cheap when nothing changed.
func (e *Engine) RefreshModel(ctx context.Context) error {
	version, err := e.st.CorrectionsVersion(ctx)
	if err != nil {
		return fmt.Errorf("engine: corrections: %w", err)
	}
	e.modelMu.Lock()
	defer e.modelMu.Unlock()
	if version == e.modelVersion && e.model.Load() != nil {
		return nil
	}
	m, version, err := LocalModel(ctx, e.st)
	if err != nil {
		return fmt.Errorf("engine: local model: %w", err)
	}
	e.model.Store(m)
	if e.modelVersion >= 0 || version > 0 {
		e.log.Info("reply model updated", slog.String("model", m.Version), slog.Int("corrections", m.Corrections()))
	}
	e.modelVersion = version
	return nil
}
