package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/text"
)

// digest mails the owner, once a business day at the review hour, what
// waits for them: drafts to reread, new flags with their first line of
// evidence, broken promises. It goes straight out (it is for the owner, not
// a client), and only when something waits.
func (x *Outbox) digest(ctx context.Context, now time.Time) error {
	if len(x.o.NotifyTo) == 0 || x.o.Mode == domain.ModeDryRun || x.o.Sender == nil || x.sendingStopped() {
		return nil
	}
	p := x.o.Policy
	today := policy.DateIn(now, p.Location)
	if !p.Calendar.IsBusinessDate(today) || now.Before(p.ReviewTime.On(today, p.Location)) {
		return nil
	}
	last, err := x.o.Store.LastEvent(ctx, domain.EventDigestSent)
	if err != nil {
		return err
	}
	if !last.IsZero() && policy.DateIn(last, p.Location) == today {
		return nil
	}
	drafts, err := x.o.Store.Drafts(ctx, domain.DraftHeld)
	if err != nil {
		return err
	}
	flags, err := x.o.Store.Flags(ctx, domain.FlagOpen)
	if err != nil {
		return err
	}
	var toReview []store.Draft
	endOfDay := p.ReviewTime.On(today.AddDays(1), p.Location)
	for _, d := range drafts {
		if !d.HoldUntil.After(endOfDay) {
			toReview = append(toReview, d)
		}
	}
	var fresh, broken []store.Flag
	for _, f := range flags {
		switch {
		case f.Kind == domain.FlagBrokenPromise:
			broken = append(broken, f)
		case f.CreatedAt.After(last):
			fresh = append(fresh, f)
		}
	}
	if len(toReview)+len(fresh)+len(broken) == 0 {
		return nil
	}
	fr := !strings.HasPrefix(p.DefaultLanguage, "en")
	subject, body := digestText(fr, today, toReview, fresh, broken)
	m := gomail.NewMsg()
	if err := m.From(x.o.From); err != nil {
		return fmt.Errorf("outbox: digest From: %w", err)
	}
	if err := m.To(x.o.NotifyTo...); err != nil {
		return fmt.Errorf("outbox: digest To (RELANCE_NOTIFY_TO): %w", err)
	}
	m.Subject(render.SafeHeader(subject))
	m.SetDateWithValue(now)
	msgID, err := newMessageID(x.o.From)
	if err != nil {
		return err
	}
	m.SetMessageIDWithValue(msgID)
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, body)
	if err := x.o.Sender.Send(ctx, &Composed{Msg: m, From: x.o.From, To: x.o.NotifyTo, MessageID: msgID}); err != nil {
		if IsStopping(err) {
			return x.stopSending(ctx, now, nil, err)
		}
		// Tried again on the next pass; the digest is a convenience.
		x.log.Warn("outbox: digest not sent", slog.Any("err", err))
		return nil
	}
	x.log.Info("digest sent", slog.Int("drafts", len(toReview)), slog.Int("flags", len(fresh)), slog.Int("broken_promises", len(broken)))
	return x.o.Store.AddEvent(ctx, now, store.Event{Kind: domain.EventDigestSent, Actor: domain.ActorDaemon,
		Detail: []byte(fmt.Sprintf(`{"date":%q,"drafts":%d,"flags":%d,"broken_promises":%d}`, today, len(toReview), len(fresh), len(broken)))})
}

// digestMessages are the digest's sentences; the owner reads them in the
// business's default language.
var digestMessages = text.Catalogue{
	"fr": {
		"digest.subject":  "relance : %d brouillon(s) à relire, %d signalement(s)",
		"digest.greeting": "Bonjour,\n\nVoici ce qui vous attend aujourd'hui (%s).",
		"digest.drafts":   "À relire et approuver :",
		"digest.flags":    "Nouveaux signalements :",
		"digest.evidence": " — « %s »",
		"digest.broken":   "Promesses non tenues :",
		"digest.footer":   "Tout est sur la page de relance, ou : relance drafts list · relance flags list\n",
	},
	"en": {
		"digest.subject":  "relance: %d draft(s) to reread, %d flag(s)",
		"digest.greeting": "Hello,\n\nHere is what waits for you today (%s).",
		"digest.drafts":   "To reread and approve:",
		"digest.flags":    "New flags:",
		"digest.evidence": ` — "%s"`,
		"digest.broken":   "Broken promises:",
		"digest.footer":   "Everything is on relance's page, or: relance drafts list · relance flags list\n",
	},
}

func digestText(fr bool, today policy.Date, drafts []store.Draft, flags, broken []store.Flag) (string, string) {
	var b strings.Builder
	line := func(s string) string {
		s = strings.Join(strings.Fields(s), " ")
		if r := []rune(s); len(r) > 140 {
			s = string(r[:137]) + "…"
		}
		return s
	}
	lang := "en"
	if fr {
		lang = "fr"
	}
	t := func(id string, args ...any) string { return digestMessages.T(lang, id, args...) }
	subject := t("digest.subject", len(drafts), len(flags)+len(broken))
	fmt.Fprintf(&b, "%s\n\n", t("digest.greeting", today.String()))
	if len(drafts) > 0 {
		fmt.Fprintf(&b, "%s\n", t("digest.drafts"))
		for _, d := range drafts {
			fmt.Fprintf(&b, "  - #%d %s · %s · %s\n", d.ID, d.Stage, d.ClientName, line(d.Subject))
		}
		b.WriteString("\n")
	}
	if len(flags) > 0 {
		fmt.Fprintf(&b, "%s\n", t("digest.flags"))
		for _, f := range flags {
			ev := ""
			if len(f.Evidence) > 0 {
				ev = t("digest.evidence", line(render.Evidence(lang, f.Evidence[0], nil)))
			}
			fmt.Fprintf(&b, "  - #%d %s · %s %s%s\n", f.ID, f.Kind, f.ClientName, f.InvoiceNum, ev)
		}
		b.WriteString("\n")
	}
	if len(broken) > 0 {
		fmt.Fprintf(&b, "%s\n", t("digest.broken"))
		for _, f := range broken {
			fmt.Fprintf(&b, "  - %s %s\n", f.ClientName, f.InvoiceNum)
		}
		b.WriteString("\n")
	}
	b.WriteString(t("digest.footer"))
	return subject, b.String()
}
