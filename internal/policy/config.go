package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// maxConfigBytes bounds what Parse reads; a policy file is a few kilobytes.
const maxConfigBytes = 4 << 20

// Config is the policy file as written by a human (JSON). Every field is
// optional; what is left out takes the default shown by DefaultConfig. Values
// with a syntax of their own (dates, times, amounts) are strings so that a
// mistake is reported with the name of the field that holds it.
type Config struct {
	// Comment is ignored; it lets the file explain itself (JSON has no comments).
	Comment string `json:"comment,omitempty"`
	// TimeZone is an IANA zone name; default "Europe/Paris".
	TimeZone string `json:"time_zone,omitempty"`
	// Holidays is "fr" (default), "fr-alsace-moselle" or "none".
	Holidays string `json:"holidays,omitempty"`
	// ClosedDays are extra non-working dates (YYYY-MM-DD).
	ClosedDays []string `json:"closed_days,omitempty"`
	// OpenDays are dates worked despite a weekend or holiday (YYYY-MM-DD).
	OpenDays []string `json:"open_days,omitempty"`
	// ReviewTime is when held drafts become sendable on the next working day.
	ReviewTime string `json:"review_time,omitempty"`
	// SendWindow limits when messages leave.
	SendWindow *WindowConfig `json:"send_window,omitempty"`
	// MinGapBusinessDays is the least number of working days between two
	// messages to one client.
	MinGapBusinessDays *int `json:"min_gap_business_days,omitempty"`
	// PromiseGraceBusinessDays is how long after a promised payment date
	// chasing stays paused.
	PromiseGraceBusinessDays *int `json:"promise_grace_business_days,omitempty"`
	// InboundQuietBusinessDays is how long after any message from the client
	// no new reminder is drafted, so a human can answer first.
	InboundQuietBusinessDays *int `json:"inbound_quiet_business_days,omitempty"`
	// PaymentClaimCheckBusinessDays is how long a "we have paid" stays
	// unconfirmed before the human is asked to check the bank.
	PaymentClaimCheckBusinessDays *int `json:"payment_claim_check_business_days,omitempty"`
	// DefaultLanguage is used for clients of unknown language ("fr" or "en").
	DefaultLanguage string `json:"default_language,omitempty"`
	// DefaultLadder names the ladder used by clients without an override.
	DefaultLadder string `json:"default_ladder,omitempty"`
	// Ladders replaces the built-in ladders when present.
	Ladders map[string]LadderConfig `json:"ladders,omitempty"`
	// Clients holds per-client overrides keyed by client id, e-mail address
	// or "@domain" (case-insensitive).
	Clients map[string]ClientOverride `json:"clients,omitempty"`
	// Penalties configures the late-payment penalty computation.
	Penalties *PenaltyConfig `json:"penalties,omitempty"`
	// FormalNoticeDeadlineDays is the period a formal notice gives to pay,
	// in calendar days from its date; a deadline falling on a non-working
	// day moves to the next working day. Default 8.
	FormalNoticeDeadlineDays *int `json:"formal_notice_deadline_days,omitempty"`
	// BehaviourSignals says, per behaviour signal ("silence", "slower",
	// "broken_promise", "partial", "suddenly_late"), whether its open flag
	// pauses chasing of the invoice. Left out, a signal only informs: the
	// human sees the flag and the next draft's wording reflects it.
	BehaviourSignals *SignalsConfig `json:"behaviour_signals,omitempty"`
}

// SignalsConfig holds the policy of each behaviour signal.
type SignalsConfig struct {
	Comment       string        `json:"comment,omitempty"`
	Silence       *SignalConfig `json:"silence,omitempty"`
	Slower        *SignalConfig `json:"slower,omitempty"`
	BrokenPromise *SignalConfig `json:"broken_promise,omitempty"`
	Partial       *SignalConfig `json:"partial,omitempty"`
	SuddenlyLate  *SignalConfig `json:"suddenly_late,omitempty"`
}

// SignalConfig is the policy for one behaviour signal.
type SignalConfig struct {
	Comment string `json:"comment,omitempty"`
	// Pause makes an open flag of this signal pause chasing of its invoice
	// until a human resolves it; default false.
	Pause *bool `json:"pause,omitempty"`
}

// RepeatConfig repeats a message stage after the ladder's last stage.
type RepeatConfig struct {
	Comment string `json:"comment,omitempty"`
	// EveryDays is the number of calendar days between two repeats, counted
	// from the last stage's offset.
	EveryDays int `json:"every_days"`
	// Times is the most repeats per invoice; 0 turns repeating off.
	Times int `json:"times"`
	// Stage names the message stage repeated; default the ladder's last
	// message or formal notice stage.
	Stage string `json:"stage,omitempty"`
}

// WindowConfig is the send window in the policy file.
type WindowConfig struct {
	Comment string `json:"comment,omitempty"`
	// Days are weekday names ("mon", "tuesday", "mer", "jeudi", …).
	Days []string `json:"days,omitempty"`
	// Start and End are HH:MM local time; End is exclusive.
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// LadderConfig is one ladder in the policy file.
type LadderConfig struct {
	Comment string        `json:"comment,omitempty"`
	Stages  []StageConfig `json:"stages"`
	// Repeat, when set, sends a message stage again after the last stage,
	// until the invoice is settled or handed off.
	Repeat *RepeatConfig `json:"repeat,omitempty"`
}

// StageConfig is one rung of a ladder in the policy file.
type StageConfig struct {
	Comment string           `json:"comment,omitempty"`
	Name    string           `json:"name"`
	Kind    domain.StageKind `json:"kind"`
	// OffsetDays counts calendar days from the due date (negative: before).
	OffsetDays *int `json:"offset_days"`
	// Enabled defaults to true.
	Enabled *bool `json:"enabled,omitempty"`
	// Template defaults to Name.
	Template         string `json:"template,omitempty"`
	OfferPaymentPlan bool   `json:"offer_payment_plan,omitempty"`
}

// ClientOverride changes the policy for one client. Unset fields keep the
// client's own data or the defaults.
type ClientOverride struct {
	Comment  string   `json:"comment,omitempty"`
	Excluded *bool    `json:"excluded,omitempty"`
	Ladder   string   `json:"ladder,omitempty"`
	Language string   `json:"language,omitempty"`
	To       []string `json:"to,omitempty"`
	Cc       []string `json:"cc,omitempty"`
	// B2C marks a consumer: no L441-10 penalties and no 40 € indemnity.
	B2C *bool `json:"b2c,omitempty"`
}

// PenaltyConfig configures LatePenalties from the policy file.
type PenaltyConfig struct {
	Comment string `json:"comment,omitempty"`
	// ECBRates lists the main refinancing rate changes (effective date,
	// percent). The built-in table is replaced, not merged, when present.
	ECBRates []RateConfig `json:"ecb_rates,omitempty"`
	// ECBRatesCheckedOn is the date the table was last checked; half-years
	// starting after it are computed with the last known rate and a warning.
	ECBRatesCheckedOn string `json:"ecb_rates_checked_on,omitempty"`
	// MarginPoints is added to the ECB rate; default "10" (L441-10).
	MarginPoints string `json:"margin_points,omitempty"`
	// ContractRate, a yearly percent, replaces ECB + margin when set.
	ContractRate string `json:"contract_rate,omitempty"`
	// Imputation is "principal_first" (default) or "interest_first"
	// (Code civil 1343-1).
	Imputation string `json:"imputation,omitempty"`
	// Indemnity is the fixed recovery indemnity in euros (D441-5); default "40".
	Indemnity string `json:"indemnity,omitempty"`
}

// RateConfig is one row of the ECB rate table.
type RateConfig struct {
	From string `json:"from"`
	Rate string `json:"rate"`
}

func validKind(k domain.StageKind) bool {
	switch k {
	case domain.KindMessage, domain.KindCallTask, domain.KindFormalNotice, domain.KindHandOff:
		return true
	}
	return false
}

// Stage is a compiled ladder stage.
type Stage struct {
	// Number is the 1-based position in the ladder; InvoiceState.LastStageSent
	// refers to it. Disabled stages keep their number.
	Number           int
	Name             string
	Kind             domain.StageKind
	OffsetDays       int
	Enabled          bool
	Template         string
	OfferPaymentPlan bool
	// RepeatOf is, for a repeat, the number of the stage it repeats (0: not
	// a repeat).
	RepeatOf int
}

// preDue reports whether the stage is meant for invoices not yet due (a
// courtesy notice); such a stage is skipped once the due date has passed.
func (s Stage) preDue() bool { return s.OffsetDays <= 0 }

// Ladder is a compiled ladder.
type Ladder struct {
	Name   string
	Stages []Stage
	Repeat Repeat
}

// Repeat is a compiled RepeatConfig. Repeat k (1…Times) counts as stage
// number len(Stages)+k, so an invoice's LastStageSent also counts repeats.
type Repeat struct {
	EveryDays int
	Times     int
	// Stage is the index in Stages of the stage repeated (-1: none).
	Stage int
}

// Stage returns stage number n; numbers past the ladder are its repeats.
func (l *Ladder) Stage(n int) (Stage, bool) {
	if l == nil || n < 1 {
		return Stage{}, false
	}
	if n > len(l.Stages) {
		return l.repeat(n - len(l.Stages))
	}
	return l.Stages[n-1], true
}

// repeat returns repeat k (1-based) as a stage: the repeated stage's kind
// and template, numbered after the ladder, EveryDays × k after the last
// stage's offset.
func (l *Ladder) repeat(k int) (Stage, bool) {
	r := l.Repeat
	if k < 1 || k > r.Times || r.EveryDays < 1 || r.Stage < 0 || r.Stage >= len(l.Stages) || len(l.Stages) == 0 {
		return Stage{}, false
	}
	s := l.Stages[r.Stage]
	s.Number = len(l.Stages) + k
	s.OffsetDays = l.Stages[len(l.Stages)-1].OffsetDays + k*r.EveryDays
	s.Enabled = true
	s.RepeatOf = r.Stage + 1
	return s, true
}

// next returns the first enabled stage after stage number last, skipping
// pre-due stages once the invoice is past due, then the repeats. Catch-up
// relies on this returning exactly one stage at a time.
func (l *Ladder) next(last int, pastDue bool) (Stage, bool) {
	if last < 0 {
		last = 0
	}
	for i := last; i < len(l.Stages); i++ {
		s := l.Stages[i]
		if !s.Enabled || (pastDue && s.preDue()) {
			continue
		}
		return s, true
	}
	return l.repeat(max(last-len(l.Stages), 0) + 1)
}

// offsetOf is the offset of stage number n (0 for none: the due date).
func (l *Ladder) offsetOf(n int) int {
	if s, ok := l.Stage(n); ok {
		return s.OffsetDays
	}
	return 0
}

// Imputation says how a partial payment is applied.
type Imputation string

// Imputation choices.
const (
	// PrincipalFirst reduces the unpaid principal first, so penalties stop
	// running on the paid part from the payment date (the default: simplest to
	// explain to a client).
	PrincipalFirst Imputation = "principal_first"
	// InterestFirst pays accrued penalties first (Code civil 1343-1), so the
	// principal shrinks less.
	InterestFirst Imputation = "interest_first"
)

// RateChange is one change of the ECB main refinancing rate.
type RateChange struct {
	From Date
	Rate decimal.Decimal // percent
}

// PenaltyPolicy is the compiled penalty configuration.
type PenaltyPolicy struct {
	ECBRates          []RateChange // sorted by From
	ECBRatesCheckedOn Date
	MarginPoints      decimal.Decimal
	ContractRate      decimal.NullDecimal
	Imputation        Imputation
	Indemnity         decimal.Decimal
}

// Policy is the validated, ready-to-use policy. Build it with Parse,
// Config.Compile or DefaultPolicy; treat it as read-only afterwards (it is
// shared by concurrent Decide calls).
type Policy struct {
	Location          *time.Location
	Calendar          *Calendar
	ReviewTime        Clock
	Window            SendWindow
	MinGap            int // working days
	PromiseGrace      int // working days
	InboundQuiet      int // working days
	PaymentClaimCheck int // working days
	DefaultLanguage   string
	DefaultLadder     string
	Ladders           map[string]*Ladder
	// Clients is keyed by lower-cased id, address or "@domain".
	Clients   map[string]ClientOverride
	Penalties PenaltyPolicy
	// NoticeDeadlineDays is the formal notice's payment period (calendar days).
	NoticeDeadlineDays int
	// PauseOnSignal lists the behaviour signals whose open flag pauses its
	// invoice; the others only inform.
	PauseOnSignal map[domain.FlagKind]bool
}

// HoldUntil returns when a draft created at created may first be sent.
func (p Policy) HoldUntil(created time.Time) time.Time {
	return HoldUntil(created, p.Calendar, p.ReviewTime.Hour, p.ReviewTime.Minute)
}

// NextSendTime returns t when it is inside the send window, otherwise the
// next opening of the window.
func (p Policy) NextSendTime(t time.Time) time.Time { return p.Window.Next(t, p.Calendar) }

// InSendWindow reports whether t is inside the send window.
func (p Policy) InSendWindow(t time.Time) bool { return p.Window.Contains(t, p.Calendar) }

// DefaultConfig returns the built-in policy as a Config, the starting point
// documented in config/policy.example.json.
func DefaultConfig() Config {
	return Config{
		TimeZone:                      "Europe/Paris",
		Holidays:                      "fr",
		ReviewTime:                    "09:00",
		SendWindow:                    &WindowConfig{Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "09:00", End: "12:00"},
		MinGapBusinessDays:            intp(5),
		PromiseGraceBusinessDays:      intp(2),
		InboundQuietBusinessDays:      intp(2),
		PaymentClaimCheckBusinessDays: intp(5),
		DefaultLanguage:               "fr",
		DefaultLadder:                 "standard",
		Ladders:                       map[string]LadderConfig{"standard": defaultLadderConfig()},
		Penalties:                     defaultPenaltyConfig(),
		FormalNoticeDeadlineDays:      intp(DefaultNoticeDeadlineDays),
	}
}

func defaultLadderConfig() LadderConfig {
	off := false
	return LadderConfig{Stages: []StageConfig{
		{Name: string(domain.StageCourtesy), Kind: domain.KindMessage, OffsetDays: intp(-3), Enabled: &off},
		{Name: string(domain.StageFriendly), Kind: domain.KindMessage, OffsetDays: intp(7)},
		{Name: string(domain.StageSecond), Kind: domain.KindMessage, OffsetDays: intp(21), OfferPaymentPlan: true},
		{Name: string(domain.StageCall), Kind: domain.KindCallTask, OffsetDays: intp(30)},
		{Name: string(domain.StageFormalNotice), Kind: domain.KindFormalNotice, OffsetDays: intp(45)},
		{Name: string(domain.StageProfessional), Kind: domain.KindHandOff, OffsetDays: intp(60)},
	}, Repeat: &RepeatConfig{EveryDays: 15, Times: 0}}
}

// defaultPenaltyConfig holds the ECB main refinancing rate changes known when
// this table was written (effective dates); users extend it in their file.
func defaultPenaltyConfig() *PenaltyConfig {
	return &PenaltyConfig{
		ECBRates: []RateConfig{
			{"2023-09-20", "4.50"}, {"2024-06-12", "4.25"}, {"2024-09-18", "3.65"},
			{"2024-10-23", "3.40"}, {"2024-12-18", "3.15"}, {"2025-02-05", "2.90"},
			{"2025-03-12", "2.65"}, {"2025-04-23", "2.40"}, {"2025-06-11", "2.15"},
			{"2026-06-17", "2.40"}, {"2026-09-16", "2.65"},
		},
		ECBRatesCheckedOn: "2026-11-01",
		MarginPoints:      "10",
		Imputation:        string(PrincipalFirst),
		Indemnity:         "40",
	}
}

func intp(n int) *int { return &n }

// DefaultPolicy returns the compiled built-in policy. It fails only when the
// system has no time zone database for Europe/Paris (import time/tzdata in
// the main package to embed one).
func DefaultPolicy() (Policy, error) { return DefaultConfig().Compile() }

// Parse reads a JSON policy file strictly (unknown fields are errors) and
// compiles it over the defaults.
func Parse(r io.Reader) (Policy, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfigBytes+1))
	if err != nil {
		return Policy{}, fmt.Errorf("policy: read config: %w", err)
	}
	if len(data) > maxConfigBytes {
		return Policy{}, fmt.Errorf("policy: config larger than %d bytes", maxConfigBytes)
	}
	return ParseBytes(data)
}

// ParseBytes is Parse on an in-memory file.
func ParseBytes(data []byte) (Policy, error) {
	cfg, err := DecodeConfig(data)
	if err != nil {
		return Policy{}, err
	}
	return cfg.WithDefaults().Compile()
}

// DecodeConfig decodes a JSON policy file strictly without applying defaults.
func DecodeConfig(data []byte) (Config, error) {
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("policy: parse config: %w", describeJSONError(data, err))
	}
	if dec.More() {
		return Config{}, errors.New("policy: parse config: unexpected data after the JSON object")
	}
	return cfg, nil
}

// describeJSONError adds a line:column to syntax and type errors, which
// encoding/json reports as byte offsets.
func describeJSONError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %s: %w", lineCol(data, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Errorf("line %s: field %s: want %s, got %s: %w", lineCol(data, te.Offset), te.Field, te.Type, te.Value, err)
	}
	return err
}

func lineCol(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%d:%d", line, col)
}

// WithDefaults fills every unset field of c from DefaultConfig.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.TimeZone == "" {
		c.TimeZone = d.TimeZone
	}
	if c.Holidays == "" {
		c.Holidays = d.Holidays
	}
	if c.ReviewTime == "" {
		c.ReviewTime = d.ReviewTime
	}
	if c.SendWindow == nil {
		c.SendWindow = d.SendWindow
	} else {
		w := *c.SendWindow
		if w.Days == nil {
			w.Days = d.SendWindow.Days
		}
		if w.Start == "" {
			w.Start = d.SendWindow.Start
		}
		if w.End == "" {
			w.End = d.SendWindow.End
		}
		c.SendWindow = &w
	}
	for _, f := range []struct{ dst, def **int }{
		{&c.MinGapBusinessDays, &d.MinGapBusinessDays},
		{&c.PromiseGraceBusinessDays, &d.PromiseGraceBusinessDays},
		{&c.InboundQuietBusinessDays, &d.InboundQuietBusinessDays},
		{&c.PaymentClaimCheckBusinessDays, &d.PaymentClaimCheckBusinessDays},
		{&c.FormalNoticeDeadlineDays, &d.FormalNoticeDeadlineDays},
	} {
		if *f.dst == nil {
			*f.dst = *f.def
		}
	}
	if c.DefaultLanguage == "" {
		c.DefaultLanguage = d.DefaultLanguage
	}
	if c.Ladders == nil {
		c.Ladders = d.Ladders
	}
	if c.DefaultLadder == "" {
		c.DefaultLadder = d.DefaultLadder
		if _, ok := c.Ladders[c.DefaultLadder]; !ok && len(c.Ladders) == 1 {
			for name := range c.Ladders {
				c.DefaultLadder = name
			}
		}
	}
	if c.Penalties == nil {
		c.Penalties = d.Penalties
	} else {
		pc := *c.Penalties
		dp := d.Penalties
		if pc.ECBRates == nil {
			pc.ECBRates = dp.ECBRates
			if pc.ECBRatesCheckedOn == "" {
				pc.ECBRatesCheckedOn = dp.ECBRatesCheckedOn
			}
		}
		if pc.MarginPoints == "" {
			pc.MarginPoints = dp.MarginPoints
		}
		if pc.Imputation == "" {
			pc.Imputation = dp.Imputation
		}
		if pc.Indemnity == "" {
			pc.Indemnity = dp.Indemnity
		}
		c.Penalties = &pc
	}
	return c
}

// FieldError is a validation failure of one field of the policy file.
type FieldError struct {
	Field   string // JSON path, e.g. "ladders.standard.stages[2].offset_days"
	Message string
}

func (e *FieldError) Error() string { return "policy: " + e.Field + ": " + e.Message }

func fieldErr(field, msg string) error { return &FieldError{Field: field, Message: msg} }

// Compile validates c and builds the Policy. Call WithDefaults first unless
// every field is set; all problems are reported together, each naming its
// field.
func (c Config) Compile() (Policy, error) {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	p := Policy{Ladders: map[string]*Ladder{}, Clients: map[string]ClientOverride{}}

	loc, err := time.LoadLocation(c.TimeZone)
	switch {
	case c.TimeZone == "":
		add(fieldErr("time_zone", "required"))
	case err != nil:
		add(fieldErr("time_zone", fmt.Sprintf("unknown time zone %q: %v", c.TimeZone, err)))
	}
	if loc == nil {
		loc = time.UTC
	}
	p.Location = loc

	var hol = FrenchHolidays()
	switch c.Holidays {
	case "fr":
	case "fr-alsace-moselle":
		hol = AlsaceMoselleHolidays()
	case "none":
		hol = nil
	default:
		add(fieldErr("holidays", fmt.Sprintf(`want "fr", "fr-alsace-moselle" or "none", got %q`, c.Holidays)))
	}
	calendar := NewCalendar(loc, hol...)
	closed, err := parseDates("closed_days", c.ClosedDays)
	add(err)
	open, err := parseDates("open_days", c.OpenDays)
	add(err)
	if len(closed) > 0 {
		calendar = calendar.WithClosedDays(closed...)
	}
	if len(open) > 0 {
		calendar = calendar.WithOpenDays(open...)
	}
	p.Calendar = calendar

	if p.ReviewTime, err = ParseClock(c.ReviewTime); err != nil {
		add(fieldErr("review_time", err.Error()))
	}
	if c.SendWindow == nil {
		add(fieldErr("send_window", "required"))
	} else {
		w := SendWindow{}
		for i, name := range c.SendWindow.Days {
			d, ok := parseWeekday(name)
			if !ok {
				add(fieldErr(fmt.Sprintf("send_window.days[%d]", i), fmt.Sprintf("unknown weekday %q", name)))
				continue
			}
			w.Days[d] = true
		}
		var e1, e2 error
		if w.Start, e1 = ParseClock(c.SendWindow.Start); e1 != nil {
			add(fieldErr("send_window.start", e1.Error()))
		}
		if w.End, e2 = ParseClock(c.SendWindow.End); e2 != nil {
			add(fieldErr("send_window.end", e2.Error()))
		}
		if e1 == nil && e2 == nil {
			add(w.validate("send_window"))
		}
		p.Window = w
	}

	for _, f := range []struct {
		name string
		src  *int
		dst  *int
		max  int
	}{
		{"min_gap_business_days", c.MinGapBusinessDays, &p.MinGap, 60},
		{"promise_grace_business_days", c.PromiseGraceBusinessDays, &p.PromiseGrace, 60},
		{"inbound_quiet_business_days", c.InboundQuietBusinessDays, &p.InboundQuiet, 60},
		{"payment_claim_check_business_days", c.PaymentClaimCheckBusinessDays, &p.PaymentClaimCheck, 120},
	} {
		switch {
		case f.src == nil:
			add(fieldErr(f.name, "required"))
		case *f.src < 0 || *f.src > f.max:
			add(fieldErr(f.name, fmt.Sprintf("must be between 0 and %d, got %d", f.max, *f.src)))
		default:
			*f.dst = *f.src
		}
	}

	if !validLanguage(c.DefaultLanguage) {
		add(fieldErr("default_language", fmt.Sprintf(`want "fr" or "en", got %q`, c.DefaultLanguage)))
	}
	p.DefaultLanguage = c.DefaultLanguage

	if len(c.Ladders) == 0 {
		add(fieldErr("ladders", "at least one ladder is needed"))
	}
	for _, name := range sortedKeys(c.Ladders) {
		l, err := compileLadder(name, c.Ladders[name])
		add(err)
		p.Ladders[name] = l
	}
	if _, ok := c.Ladders[c.DefaultLadder]; !ok {
		add(fieldErr("default_ladder", fmt.Sprintf("no ladder named %q", c.DefaultLadder)))
	}
	p.DefaultLadder = c.DefaultLadder

	for _, key := range sortedKeys(c.Clients) {
		o := c.Clients[key]
		field := "clients." + key
		norm := strings.ToLower(strings.TrimSpace(key))
		if norm == "" {
			add(fieldErr(field, "empty client key"))
			continue
		}
		if _, dup := p.Clients[norm]; dup {
			add(fieldErr(field, "duplicate client key (keys are case-insensitive)"))
			continue
		}
		add(validateOverride(field, o, c.Ladders))
		p.Clients[norm] = o
	}

	p.PauseOnSignal = map[domain.FlagKind]bool{}
	if bs := c.BehaviourSignals; bs != nil {
		for _, s := range []struct {
			kind domain.FlagKind
			cfg  *SignalConfig
		}{{domain.FlagSilence, bs.Silence}, {domain.FlagSlower, bs.Slower}, {domain.FlagBrokenPromise, bs.BrokenPromise}, {domain.FlagPartial, bs.Partial}, {domain.FlagSuddenlyLate, bs.SuddenlyLate}} {
			if s.cfg != nil && s.cfg.Pause != nil && *s.cfg.Pause {
				p.PauseOnSignal[s.kind] = true
			}
		}
	}

	if c.Penalties == nil {
		add(fieldErr("penalties", "required"))
	} else {
		pp, err := compilePenalties(*c.Penalties)
		add(err)
		p.Penalties = pp
	}

	switch n := c.FormalNoticeDeadlineDays; {
	case n == nil:
		p.NoticeDeadlineDays = DefaultNoticeDeadlineDays
	case *n < 1 || *n > 365:
		add(fieldErr("formal_notice_deadline_days", fmt.Sprintf("want 1 to 365 days, got %d", *n)))
	default:
		p.NoticeDeadlineDays = *n
	}

	if len(errs) > 0 {
		return Policy{}, errors.Join(errs...)
	}
	return p, nil
}

func validLanguage(l string) bool { return l == "fr" || l == "en" }

func parseDates(field string, in []string) ([]Date, error) {
	var out []Date
	var errs []error
	for i, s := range in {
		d, err := ParseDate(s)
		if err != nil {
			errs = append(errs, fieldErr(fmt.Sprintf("%s[%d]", field, i), err.Error()))
			continue
		}
		out = append(out, d)
	}
	return out, errors.Join(errs...)
}

func compileLadder(name string, lc LadderConfig) (*Ladder, error) {
	var errs []error
	base := "ladders." + name
	if strings.TrimSpace(name) == "" {
		errs = append(errs, fieldErr("ladders", "empty ladder name"))
	}
	if len(lc.Stages) == 0 {
		errs = append(errs, fieldErr(base+".stages", "at least one stage is needed"))
	}
	l := &Ladder{Name: name}
	seen := map[string]bool{}
	prev := 0
	for i, sc := range lc.Stages {
		f := fmt.Sprintf("%s.stages[%d]", base, i)
		s := Stage{Number: i + 1, Name: sc.Name, Kind: sc.Kind, Enabled: true, Template: sc.Template,
			OfferPaymentPlan: sc.OfferPaymentPlan}
		if sc.Enabled != nil {
			s.Enabled = *sc.Enabled
		}
		if s.Template == "" {
			s.Template = s.Name
		}
		switch {
		case sc.Name == "":
			errs = append(errs, fieldErr(f+".name", "required"))
		case seen[sc.Name]:
			errs = append(errs, fieldErr(f+".name", fmt.Sprintf("duplicate stage name %q", sc.Name)))
		}
		seen[sc.Name] = true
		if !validKind(sc.Kind) {
			errs = append(errs, fieldErr(f+".kind",
				fmt.Sprintf(`want "message", "call_task", "formal_notice" or "hand_off", got %q`, sc.Kind)))
		}
		if sc.OffsetDays == nil {
			errs = append(errs, fieldErr(f+".offset_days", "required"))
		} else {
			s.OffsetDays = *sc.OffsetDays
			switch {
			case s.OffsetDays < -60 || s.OffsetDays > 730:
				errs = append(errs, fieldErr(f+".offset_days", fmt.Sprintf("must be between -60 and 730, got %d", s.OffsetDays)))
			case i > 0 && s.OffsetDays <= prev:
				errs = append(errs, fieldErr(f+".offset_days",
					fmt.Sprintf("must be greater than the previous stage's (%d), got %d", prev, s.OffsetDays)))
			}
			prev = s.OffsetDays
		}
		if s.preDue() && sc.Kind != domain.KindMessage && validKind(sc.Kind) {
			errs = append(errs, fieldErr(f+".kind", "a stage before or on the due date can only be a message"))
		}
		l.Stages = append(l.Stages, s)
	}
	l.Repeat = Repeat{Stage: -1}
	if rc := lc.Repeat; rc != nil {
		f := base + ".repeat"
		l.Repeat.EveryDays, l.Repeat.Times = rc.EveryDays, rc.Times
		if rc.EveryDays < 1 || rc.EveryDays > 365 {
			errs = append(errs, fieldErr(f+".every_days", fmt.Sprintf("must be between 1 and 365, got %d", rc.EveryDays)))
		}
		if rc.Times < 0 || rc.Times > 52 {
			errs = append(errs, fieldErr(f+".times", fmt.Sprintf("must be between 0 and 52, got %d", rc.Times)))
		}
		for i, s := range l.Stages {
			if !s.Kind.SendsMail() || s.preDue() {
				continue
			}
			if rc.Stage == "" && s.Enabled || rc.Stage == s.Name {
				l.Repeat.Stage = i
			}
		}
		switch {
		case rc.Stage != "" && l.Repeat.Stage < 0:
			errs = append(errs, fieldErr(f+".stage", fmt.Sprintf("no overdue message or formal notice stage named %q", rc.Stage)))
		case rc.Times > 0 && l.Repeat.Stage < 0:
			errs = append(errs, fieldErr(f, "the ladder has no overdue message stage to repeat"))
		}
	}
	return l, errors.Join(errs...)
}

func validateOverride(field string, o ClientOverride, ladders map[string]LadderConfig) error {
	var errs []error
	if o.Ladder != "" {
		if _, ok := ladders[o.Ladder]; !ok {
			errs = append(errs, fieldErr(field+".ladder", fmt.Sprintf("no ladder named %q", o.Ladder)))
		}
	}
	if o.Language != "" && !validLanguage(o.Language) {
		errs = append(errs, fieldErr(field+".language", fmt.Sprintf(`want "fr" or "en", got %q`, o.Language)))
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"to", o.To}, {"cc", o.Cc}} {
		name := l.name
		for i, a := range l.list {
			if _, err := mail.ParseAddress(a); err != nil {
				errs = append(errs, fieldErr(fmt.Sprintf("%s.%s[%d]", field, name, i), fmt.Sprintf("invalid address %q: %v", a, err)))
			}
		}
	}
	return errors.Join(errs...)
}

func compilePenalties(pc PenaltyConfig) (PenaltyPolicy, error) {
	var errs []error
	pp := PenaltyPolicy{Imputation: Imputation(pc.Imputation)}
	for i, rc := range pc.ECBRates {
		f := fmt.Sprintf("penalties.ecb_rates[%d]", i)
		d, err := ParseDate(rc.From)
		if err != nil {
			errs = append(errs, fieldErr(f+".from", err.Error()))
		}
		r, err := parsePercent(rc.Rate)
		if err != nil {
			errs = append(errs, fieldErr(f+".rate", err.Error()))
		}
		pp.ECBRates = append(pp.ECBRates, RateChange{From: d, Rate: r})
	}
	if len(pc.ECBRates) == 0 && pc.ContractRate == "" {
		errs = append(errs, fieldErr("penalties.ecb_rates", "needed unless contract_rate is set"))
	}
	sort.SliceStable(pp.ECBRates, func(i, j int) bool { return pp.ECBRates[i].From.Before(pp.ECBRates[j].From) })
	for i := 1; i < len(pp.ECBRates); i++ {
		if pp.ECBRates[i].From == pp.ECBRates[i-1].From && !pp.ECBRates[i].From.IsZero() {
			errs = append(errs, fieldErr("penalties.ecb_rates", "two rates for "+pp.ECBRates[i].From.String()))
		}
	}
	if pc.ECBRatesCheckedOn != "" {
		d, err := ParseDate(pc.ECBRatesCheckedOn)
		if err != nil {
			errs = append(errs, fieldErr("penalties.ecb_rates_checked_on", err.Error()))
		}
		pp.ECBRatesCheckedOn = d
	}
	var err error
	if pp.MarginPoints, err = parsePercent(pc.MarginPoints); err != nil {
		errs = append(errs, fieldErr("penalties.margin_points", err.Error()))
	}
	if pc.ContractRate != "" {
		r, err := parsePercent(pc.ContractRate)
		if err != nil {
			errs = append(errs, fieldErr("penalties.contract_rate", err.Error()))
		}
		pp.ContractRate = decimal.NewNullDecimal(r)
	}
	if pp.Imputation != PrincipalFirst && pp.Imputation != InterestFirst {
		errs = append(errs, fieldErr("penalties.imputation",
			fmt.Sprintf(`want "principal_first" or "interest_first", got %q`, pc.Imputation)))
	}
	if pp.Indemnity, err = decimal.NewFromString(strings.TrimSpace(pc.Indemnity)); err != nil || pp.Indemnity.IsNegative() {
		errs = append(errs, fieldErr("penalties.indemnity", fmt.Sprintf("want a non-negative amount, got %q", pc.Indemnity)))
	}
	return pp, errors.Join(errs...)
}

// parsePercent accepts "12.15", "12,15" and "12.15%".
func parsePercent(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	t = strings.Replace(t, ",", ".", 1)
	d, err := decimal.NewFromString(t)
	if err != nil || t == "" {
		return decimal.Decimal{}, fmt.Errorf("want a percentage such as \"12.15\", got %q", s)
	}
	if d.IsNegative() || d.GreaterThan(decimal.NewFromInt(100)) {
		return decimal.Decimal{}, fmt.Errorf("must be between 0 and 100, got %s", d)
	}
	return d, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
