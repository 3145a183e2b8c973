package web

import (
	"slices"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// The owner's word on a client's kind reads on the timeline in both
// languages, from what it was to what it is.
func TestTimelineClientKindSet(t *testing.T) {
	e := store.TimelineEntry{Event: store.Event{Kind: domain.EventClientKindSet, Actor: domain.ActorCLI, At: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC),
		Detail: store.EventDetail(map[string]any{"kind": domain.ClientConsumer, "was": domain.ClientBusiness})}}
	for lang, want := range map[string][2]string{
		"fr": {"Client déclaré entreprise ou particulier", "Entreprise → Particulier"},
		"en": {"Client marked as business or consumer", "Business → Consumer"},
	} {
		items := timelineItems(newLocale(lang, time.UTC), []store.TimelineEntry{e}, false)
		if len(items) != 1 || items[0].Title != want[0] || !slices.Equal(items[0].Lines, []string{want[1]}) {
			t.Errorf("%s: %+v, want %q", lang, items, want)
		}
	}
}
