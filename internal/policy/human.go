package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/relance/relance/internal/domain"
)

// Decisions a human takes on a draft, and what they mean for the ladder and
// for the moment a draft leaves.

// QuietKind says how long a "no new reminder" decision lasts. It is chosen
// when a draft is cancelled: the owner answers "until when?".
type QuietKind string

// Quiet kinds.
const (
	// QuietNone: no decision holds the invoice back.
	QuietNone QuietKind = ""
	// QuietUntilDate: no new reminder before Quiet.Until (a civil date in
	// the business's zone; the ladder resumes that day).
	QuietUntilDate QuietKind = "date"
	// QuietUntilReply: no new reminder until the client writes again.
	QuietUntilReply QuietKind = "reply"
	// QuietNever: never again for this invoice (until a human resumes it).
	QuietNever QuietKind = "never"
)

// DefaultQuietDays is how long a cancelled draft keeps its invoice quiet
// when the human did not say until when (a copy deleted from the Drafts
// folder, a command without --until): one week.
const DefaultQuietDays = 7

// Quiet is a human's "no new reminder for this invoice until …".
type Quiet struct {
	Kind  QuietKind
	Until Date      // QuietUntilDate: the first day a reminder may be drafted again
	Since time.Time // when it was decided
	// Wrote (QuietUntilReply) is when the client first wrote after Since,
	// an automatic reply or a bounce not counting; zero: not yet.
	Wrote time.Time
}

// ParseQuiet reads the answer to "until when?": a date (YYYY-MM-DD),
// "reply" (until the client writes) or "never". The empty string is the
// default: DefaultQuietDays after today.
func ParseQuiet(s string, today Date) (Quiet, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case "":
		return Quiet{Kind: QuietUntilDate, Until: today.AddDays(DefaultQuietDays)}, nil
	case "reply", "until-reply", "client-writes":
		return Quiet{Kind: QuietUntilReply}, nil
	case "never":
		return Quiet{Kind: QuietNever}, nil
	default:
		d, err := ParseDate(v)
		if err != nil {
			return Quiet{}, fmt.Errorf("policy: until %q: want a date (YYYY-MM-DD), \"reply\" or \"never\"", s)
		}
		if !d.After(today) {
			return Quiet{}, fmt.Errorf("policy: until %s: the date must be after today (%s)", d, today)
		}
		return Quiet{Kind: QuietUntilDate, Until: d}, nil
	}
}

// quietPause tells whether a human's "until when?" still holds inv back at
// today, and until when (zero: only an event or a human ends it).
func (p Policy) quietPause(today Date, inv *InvoiceState) (Reason, time.Time) {
	q := inv.Quiet
	switch q.Kind {
	case QuietUntilDate:
		if today.Before(q.Until) {
			return ReasonQuiet, p.Calendar.StartOfDay(q.Until)
		}
	case QuietUntilReply:
		if q.Wrote.IsZero() {
			return ReasonQuiet, time.Time{}
		}
	case QuietNever:
		return ReasonQuiet, time.Time{}
	}
	return ReasonUnknown, time.Time{}
}

// SendTime is when an approved draft leaves: the first instant at or after
// now that every timing rule allows: the end of the hold (unless a human
// lifted it), the minimum gap after the last message, the client's return
// from absence, and the send window. A draft the human chose to "send now"
// leaves now. The zero time means the window never opens (a hand-built
// Policy). ShouldSend applies exactly these rules, so a draft approved and
// still right to send goes on the first pass at or after this instant.
func (p Policy) SendTime(now time.Time, d DraftState, c ClientState) time.Time {
	if p.Calendar == nil || p.Location == nil {
		return time.Time{}
	}
	if d.SendNow {
		return now
	}
	t := now
	if !d.HoldLifted {
		t = laterOf(t, laterOf(d.HoldUntil, p.HoldUntil(d.CreatedAt)))
	}
	if d.Kind != domain.KindAnswer && !c.LastContact.IsZero() {
		t = laterOf(t, p.Calendar.AddBusinessDays(c.LastContact, p.MinGap))
	}
	t = laterOf(t, c.OutOfOfficeUntil)
	return p.NextSendTime(t)
}

// timingReason is the timing rule that keeps d from leaving at now
// (ReasonUnknown: none). It agrees with SendTime.
func (p Policy) timingReason(now time.Time, d DraftState, c ClientState) Reason {
	if d.SendNow {
		return ReasonUnknown
	}
	if c.OutOfOfficeUntil.After(now) {
		return ReasonOutOfOffice
	}
	if hold := laterOf(d.HoldUntil, p.HoldUntil(d.CreatedAt)); !d.HoldLifted && now.Before(hold) {
		return ReasonHeld
	}
	// An answer replies to what the client asked: the gap between our
	// reminders does not hold it back.
	if d.Kind != domain.KindAnswer && !c.LastContact.IsZero() && now.Before(p.Calendar.AddBusinessDays(c.LastContact, p.MinGap)) {
		return ReasonMinGap
	}
	if !p.InSendWindow(now) {
		return ReasonOutsideWindow
	}
	return ReasonUnknown
}

// OwnsDraftCopy tells whether a message of the Drafts folder is a copy of
// one of this installation's drafts. key is the installation's identifier,
// copyKey the one the copy carries. A copy without any (written before
// installations had one) is recognised only for a draft of that time
// (legacy), and then only by its recipients (see EditMatches): two
// installations on one mailbox number their drafts alike, and a bare number
// names nobody.
func OwnsDraftCopy(key, copyKey string, legacy bool) bool {
	if copyKey == "" {
		return legacy
	}
	return key != "" && copyKey == key
}

// EditMatches tells whether the text found in the Drafts folder may be
// adopted as the draft's: it goes to the same recipients, and still names
// every invoice the draft is about (in its subject or its text). Anything
// else is left alone and reported; the reason says what differs.
func EditMatches(draftTo, draftCc, copyTo, copyCc, numbers []string, subject, text string) (bool, string) {
	if !sameAddresses(draftTo, copyTo) || !sameAddresses(draftCc, copyCc) {
		return false, "recipients differ"
	}
	hay := strings.ToLower(subject + "\n" + text)
	for _, n := range numbers {
		if n != "" && !strings.Contains(hay, strings.ToLower(n)) {
			return false, "invoice " + n + " is not named"
		}
	}
	return true, ""
}

func sameAddresses(a, b []string) bool {
	set := map[string]bool{}
	for _, x := range a {
		set[strings.ToLower(strings.TrimSpace(x))] = true
	}
	seen := map[string]bool{}
	for _, x := range b {
		x = strings.ToLower(strings.TrimSpace(x))
		if !set[x] {
			return false
		}
		seen[x] = true
	}
	return len(seen) == len(set)
}
