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

func digestText(fr bool, today policy.Date, drafts []store.Draft, flags, broken []store.Flag) (string, string) {
	var b strings.Builder
	line := func(s string) string {
		s = strings.Join(strings.Fields(s), " ")
		if r := []rune(s); len(r) > 140 {
			s = string(r[:137]) + "…"
		}
		return s
	}
	t := func(frText, enText string) string {
		if fr {
			return frText
		}
		return enText
	}
	subject := t(fmt.Sprintf("relance : %d brouillon(s) à relire, %d signalement(s)", len(drafts), len(flags)+len(broken)),
		fmt.Sprintf("relance: %d draft(s) to reread, %d flag(s)", len(drafts), len(flags)+len(broken)))
	fmt.Fprintf(&b, "%s\n\n", t("Bonjour,\n\nVoici ce qui vous attend aujourd'hui ("+today.String()+").",
		"Hello,\n\nHere is what waits for you today ("+today.String()+")."))
	if len(drafts) > 0 {
		fmt.Fprintf(&b, "%s\n", t("À relire et approuver :", "To reread and approve:"))
		for _, d := range drafts {
			fmt.Fprintf(&b, "  - #%d %s · %s · %s\n", d.ID, d.Stage, d.ClientName, line(d.Subject))
		}
		b.WriteString("\n")
	}
	if len(flags) > 0 {
		fmt.Fprintf(&b, "%s\n", t("Nouveaux signalements :", "New flags:"))
		for _, f := range flags {
			ev := ""
			if len(f.Evidence) > 0 {
				ev = " — « " + line(f.Evidence[0]) + " »"
				if !fr {
					ev = ` — "` + line(f.Evidence[0]) + `"`
				}
			}
			fmt.Fprintf(&b, "  - #%d %s · %s %s%s\n", f.ID, f.Kind, f.ClientName, f.InvoiceNum, ev)
		}
		b.WriteString("\n")
	}
	if len(broken) > 0 {
		fmt.Fprintf(&b, "%s\n", t("Promesses non tenues :", "Broken promises:"))
		for _, f := range broken {
			fmt.Fprintf(&b, "  - %s %s\n", f.ClientName, f.InvoiceNum)
		}
		b.WriteString("\n")
	}
	b.WriteString(t("Tout est sur la page de relance, ou : relance drafts list · relance flags list\n",
		"Everything is on relance's page, or: relance drafts list · relance flags list\n"))
	return subject, b.String()
}
