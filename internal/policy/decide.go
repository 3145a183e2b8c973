package policy

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// Invoice states, flag kinds, modes, draft statuses and stage kinds are the
// domain's words (package domain). Of the flag kinds, the policy reads the
// dispute, grievance and hardship (grievance and hardship pause the whole
// client), payment checks, tasks (call, hand_off, info_request: the ladder
// goes on while a call or hand-off is open, an info_request waits for its
// answer), objections (the ladder follows the reply's class) and behaviour signals (they pause only where the policy's
// behaviour_signals setting says so); any other kind pauses its invoice.

// IsSignalFlag reports whether k is a behaviour signal's flag.
func IsSignalFlag(k domain.FlagKind) bool {
	switch k {
	case domain.FlagSilence, domain.FlagSlower, domain.FlagBrokenPromise, domain.FlagPartial, domain.FlagSuddenlyLate:
		return true
	}
	return false
}

// IsTaskFlag reports whether k is a task the human logs an outcome for
// (see AfterTask).
func IsTaskFlag(k domain.FlagKind) bool {
	return k == domain.FlagCall || k == domain.FlagHandOff || k == domain.FlagInfoRequest
}

// flagPause is what an open flag of kind k does to its invoice:
// ReasonUnknown when chasing goes on.
func (p Policy) flagPause(k domain.FlagKind) Reason {
	switch {
	case k == domain.FlagDispute:
		return ReasonDisputed
	case k == domain.FlagCall || k == domain.FlagHandOff || k == domain.FlagObjection:
		return ReasonUnknown
	case k == domain.FlagHandover:
		// The file for a third party is ready: it informs, and the ladder
		// (its repeats, the hand-off task) goes on until the owner stops it.
		// After a hostile reply the hostile flag is what stops contact.
		return ReasonUnknown
	case k == domain.FlagInfoRequest:
		return ReasonAwaitingAnswer
	case IsSignalFlag(k):
		if p.PauseOnSignal[k] {
			return ReasonSignalPause
		}
		return ReasonUnknown
	}
	return ReasonOpenFlag
}

// Client is who the invoices are addressed to.
type Client struct {
	ID       int64
	Name     string
	Emails   []string
	Language string // "fr", "en" or "" for the policy default
	B2C      bool   // a consumer
}

// InvoiceState is what Decide needs to know about one invoice. Date fields
// are civil dates; time fields are instants.
type InvoiceState struct {
	ID       int64
	Number   string
	Amount   decimal.Decimal
	Balance  decimal.Decimal // what is still owed; zero or less means nothing to chase
	Currency string
	// IssueDate serves when DueDate is unknown: payment is then due 30 days
	// after it (L441-10 I default term).
	IssueDate Date
	DueDate   Date
	State     domain.State
	// StateSince is when State was entered; used for the payment-claim check
	// and for a promise given without a date.
	StateSince time.Time
	// LastStageSent is the number of the last ladder stage done for this
	// invoice (0: none).
	LastStageSent int
	PromiseDate   Date
	OpenFlags     []domain.FlagKind
	// PausedUntil pauses the invoice until that instant, whatever its state.
	PausedUntil time.Time
	// DisputedBefore is true once the invoice has ever been disputed; every
	// later message needs explicit approval.
	DisputedBefore bool
	// ClockFrom restarts the ladder's clock: when set (the instant our
	// answer to the client's question left), the next stage comes no sooner
	// than the ladder's interval from the last stage done, counted from it.
	ClockFrom time.Time
	// Quiet is a human's "no new reminder until …", given when a draft
	// about the invoice was cancelled.
	Quiet Quiet
}

// AnswerState is where the answer to a client's question stands.
type AnswerState string

// Answer states.
const (
	AnswerNone      AnswerState = ""          // no answer drafted yet (or the last one was superseded)
	AnswerPending   AnswerState = "pending"   // an answer draft is held or approved
	AnswerCancelled AnswerState = "cancelled" // the human cancelled the answer draft: the task is theirs
	// AnswerSent: the answer left. An info_request's task closes then; the
	// flag of a dispute that raised an objection stays open for the owner.
	AnswerSent AnswerState = "sent"
)

// Question is a client's open information request (an info_request task):
// the invoices it is about wait until it is answered.
type Question struct {
	ID         int64 // the task's id
	InvoiceIDs []int64
	AskedAt    time.Time
	Answer     AnswerState
	// Objection is the stock objection the reply raised (none for a plain
	// question): its answer is drafted even while the reply's own flag
	// pauses the chasing, for the owner to approve.
	Objection domain.Objection
}

// PendingDraft is a draft for the client that is neither sent, cancelled
// nor superseded.
type PendingDraft struct {
	ID        int64
	Stage     int
	Kind      domain.StageKind
	CreatedAt time.Time
}

// ClientState is everything Decide looks at for one client.
type ClientState struct {
	Client   Client
	Invoices []InvoiceState
	// LastContact is when the last message to the client left.
	LastContact time.Time
	// LastInbound is when the last message from the client arrived.
	LastInbound time.Time
	// OutOfOfficeUntil is the return time announced by an auto-reply.
	OutOfOfficeUntil time.Time
	// NotBefore is the owner's "do not chase before" this date (zero:
	// none): no reminder, call or formal notice about the client before it.
	// Answers to its questions are not chasing and still go.
	NotBefore Date
	// ClientFlags are open flags about the client as a whole.
	ClientFlags  []domain.FlagKind
	PendingDraft *PendingDraft
	// Questions are the client's open information requests.
	Questions []Question
}

// Action is what Decide asks for.
type Action string

// Actions.
const (
	ActionNone         Action = "none"
	ActionDraft        Action = "draft"         // a reminder e-mail, held for review
	ActionFormalNotice Action = "formal_notice" // a mise en demeure draft; approval always required
	ActionCallTask     Action = "call_task"     // a task for the human to phone, with a preparation sheet
	ActionHandOff      Action = "hand_off"      // a flag: hand the file to a collection professional
	ActionPaymentCheck Action = "payment_check" // a gentle task: check whether the claimed payment arrived
	ActionAnswer       Action = "answer"        // an answer to the client's question, held for review
)

// InvoiceStep is an invoice covered by an action and the ladder stage the
// action counts as for it. In a grouped message an invoice behind the others
// moves up one stage only, so no invoice ever skips a stage.
type InvoiceStep struct {
	ID        int64
	Number    string
	Stage     int
	StageName string
}

// PausedInvoice explains why an open invoice is not chased.
type PausedInvoice struct {
	ID     int64
	Reason Reason
	Until  time.Time // zero: until a human or an event changes it
}

// SignalKind names a behaviour signal found while deciding.
type SignalKind string

// SignalBrokenPromise: the promised date plus grace has passed unpaid.
const SignalBrokenPromise = SignalKind(domain.FlagBrokenPromise)

// Signal is a fact for the behaviour record. Decide reports it on every call
// while it holds (a promise stays broken until the state changes); callers
// record it once.
type Signal struct {
	Kind      SignalKind
	InvoiceID int64
	Date      Date
}

// Decision is the next step for one client.
//
// For ActionNone, NotBefore is the earliest time the answer may change by
// the passing of time alone (zero: only an event will change it); Reason
// says why nothing is done. For a draft or formal notice, NotBefore is the
// earliest send time (after the hold, the minimum gap and inside the send
// window) and HoldUntil the end of the hold. For tasks and flags NotBefore is
// now.
//
// Decide returns one action at a time. Human tasks come before messages; a
// caller applies the action (recording the stages reached, opening the
// flag) and may call Decide again for the next one.
type Decision struct {
	Action    Action
	Reason    Reason
	ClientID  int64
	Stage     int // stage number of the message (the highest among Invoices)
	StageName string
	Template  string
	Invoices  []InvoiceStep
	// Mentioned are other overdue invoices of the client, listed in a
	// reminder for completeness without moving up the ladder.
	Mentioned        []int64
	NotBefore        time.Time
	HoldUntil        time.Time
	RequiresApproval bool
	OfferPaymentPlan bool
	// LatePenalties: the formal notice states L441-10 penalties and the
	// D441-5 indemnity (business clients only).
	LatePenalties bool
	Language      string
	To, Cc        []string
	B2C           bool
	Paused        []PausedInvoice
	Signals       []Signal
	// BrokenPromise is, for a message, the latest promised date its invoices
	// passed unpaid: the message refers to the promise.
	BrokenPromise Date
	// OpenTasks are the tasks and signals still open on the message's
	// invoices (a call without logged outcome, say): shown with the draft.
	OpenTasks []OpenTask
	// QuestionID is, for ActionAnswer, the question answered.
	QuestionID int64
	// Objection is, for ActionAnswer, the stock objection answered (none
	// for a plain question).
	Objection domain.Objection
}

// OpenTask is an open flag that does not pause its invoice.
type OpenTask struct {
	InvoiceID int64
	Kind      domain.FlagKind
}

// effectiveClient is the client after overrides.
type effectiveClient struct {
	excluded bool
	ladder   *Ladder
	language string
	to, cc   []string
	b2c      bool
}

// resolve applies, from the least to the most specific, the policy file's
// overrides for the client's domains, addresses and id.
func (p Policy) resolve(c Client) effectiveClient {
	e := effectiveClient{ladder: p.Ladders[p.DefaultLadder], language: c.Language, to: c.Emails, b2c: c.B2C}
	if len(p.Clients) > 0 {
		for _, addr := range c.Emails {
			if at := strings.LastIndexByte(addr, '@'); at >= 0 {
				if o, ok := p.Clients[strings.ToLower(addr[at:])]; ok {
					e.apply(p, o)
				}
			}
		}
		for _, addr := range c.Emails {
			if o, ok := p.Clients[strings.ToLower(addr)]; ok {
				e.apply(p, o)
			}
		}
		// A client's id as the policy file writes it: its decimal number.
		if o, ok := p.Clients[strconv.FormatInt(c.ID, 10)]; ok && c.ID != 0 {
			e.apply(p, o)
		}
	}
	if !validLanguage(e.language) {
		e.language = p.DefaultLanguage
	}
	return e
}

func (e *effectiveClient) apply(p Policy, o ClientOverride) {
	if o.Excluded != nil {
		e.excluded = *o.Excluded
	}
	if l, ok := p.Ladders[o.Ladder]; ok && o.Ladder != "" {
		e.ladder = l
	}
	if o.Language != "" {
		e.language = o.Language
	}
	if len(o.To) > 0 {
		e.to = o.To
	}
	if o.Cc != nil {
		e.cc = o.Cc
	}
	if o.B2C != nil {
		e.b2c = *o.B2C
	}
}

// dueDate returns the invoice's due date, or 30 days after issue when the
// due date is unknown.
func (inv *InvoiceState) dueDate() (Date, bool) {
	switch {
	case !inv.DueDate.IsZero():
		return inv.DueDate, true
	case !inv.IssueDate.IsZero():
		return inv.IssueDate.AddDays(30), true
	}
	return Date{}, false
}

func (inv *InvoiceState) closed() bool {
	switch inv.State {
	case domain.StatePaid, domain.StateCancelled, domain.StateWrittenOff:
		return true
	}
	return !inv.Balance.IsPositive()
}

// clientWidePause reports a flag that stops every reminder to the client.
func (p Policy) clientWidePause(c *ClientState) Reason {
	if c.hostile() {
		return ReasonHostile
	}
	r := ReasonUnknown
	check := func(flags []domain.FlagKind) {
		for _, f := range flags {
			switch f {
			case domain.FlagGrievance:
				r = ReasonGrievance
				return
			case domain.FlagHardship:
				if r == ReasonUnknown {
					r = ReasonHardship
				}
			}
		}
	}
	check(c.ClientFlags)
	for i := range c.Invoices {
		if r == ReasonGrievance {
			break
		}
		check(c.Invoices[i].OpenFlags)
	}
	if r == ReasonUnknown {
		for _, f := range c.ClientFlags {
			switch fr := p.flagPause(f); {
			case fr == ReasonDisputed:
				return ReasonDisputed
			case fr != ReasonUnknown:
				r = ReasonOpenFlag
			}
		}
	}
	return r
}

// invoicePause returns why inv is not chased now (ReasonUnknown: it is), the
// instant the pause ends if known, and whether a promise was broken.
func (p Policy) invoicePause(now time.Time, today Date, inv *InvoiceState) (Reason, time.Time, bool) {
	flagReason := ReasonUnknown
	for _, f := range inv.OpenFlags {
		switch r := p.flagPause(f); {
		case r == ReasonDisputed:
			return ReasonDisputed, time.Time{}, false
		case r != ReasonUnknown && flagReason == ReasonUnknown:
			flagReason = r
		}
	}
	if flagReason != ReasonUnknown {
		return flagReason, time.Time{}, false
	}
	pausedNow := inv.PausedUntil.After(now)
	switch inv.State {
	case domain.StateOpen:
	case domain.StateDisputed:
		return ReasonDisputed, time.Time{}, false
	case domain.StatePaidClaimed:
		return ReasonPaymentClaimed, time.Time{}, false
	case domain.StatePlan:
		return ReasonPaymentPlan, time.Time{}, false
	case domain.StateOnHold:
		if pausedNow {
			return ReasonOnHold, inv.PausedUntil, false
		}
		if inv.PausedUntil.IsZero() {
			return ReasonOnHold, time.Time{}, false
		}
	case domain.StatePromised:
		promised := inv.PromiseDate
		if promised.IsZero() && !inv.StateSince.IsZero() {
			promised = DateIn(inv.StateSince, p.Location)
		}
		if promised.IsZero() {
			return ReasonPromised, time.Time{}, false
		}
		last := p.Calendar.AddBusinessDates(promised, p.PromiseGrace)
		if !today.After(last) {
			return ReasonPromised, p.Calendar.StartOfDay(last.AddDays(1)), false
		}
		if pausedNow {
			return ReasonPaused, inv.PausedUntil, true
		}
		return ReasonUnknown, time.Time{}, true
	default:
		// A state this version does not know is never chased.
		return ReasonUnknown, time.Time{}, false
	}
	if pausedNow {
		return ReasonPaused, inv.PausedUntil, false
	}
	return ReasonUnknown, time.Time{}, false
}

// paymentCheckAt returns when a payment claim becomes a task for the human.
func (p Policy) paymentCheckAt(inv *InvoiceState) (Date, bool) {
	if inv.State != domain.StatePaidClaimed || inv.StateSince.IsZero() || len(inv.OpenFlags) > 0 {
		return Date{}, false
	}
	return p.Calendar.AddBusinessDates(DateIn(inv.StateSince, p.Location), p.PaymentClaimCheck), true
}

type dueItem struct {
	inv   *InvoiceState
	stage Stage
}

// Decide returns the next step for one client at instant now. It is pure:
// the same arguments give the same answer, and nothing is read or written.
func Decide(now time.Time, c ClientState, p Policy) Decision {
	d := Decision{Action: ActionNone, ClientID: c.Client.ID}
	if p.Calendar == nil || p.Location == nil {
		return d // an uncompiled Policy: never act on it
	}
	cal := p.Calendar
	today := DateIn(now, p.Location)
	eff := p.resolve(c.Client)
	d.Language, d.To, d.Cc, d.B2C = eff.language, eff.to, eff.cc, eff.b2c
	if eff.excluded {
		d.Reason = ReasonExcluded
		return d
	}
	if eff.ladder == nil {
		return d
	}
	clientPause := p.clientWidePause(&c)
	if q, steps := answerDue(&c, true); len(steps) > 0 {
		// The answer to an objection is the next step the reply's own
		// flag asks for: drafted even while that flag pauses the chasing,
		// and then sent only on the owner's approval.
		return p.answer(now, d, &c, q, steps, clientPause != ReasonUnknown)
	}
	if clientPause != ReasonUnknown {
		d.Reason = clientPause
		return d
	}

	var (
		next                       time.Time
		due                        []dueItem
		overdue                    []*InvoiceState
		checks                     []*InvoiceState
		open, exhausted, chaseable int
		brokenOn                   = map[*InvoiceState]Date{}
	)
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for i := range c.Invoices {
		inv := &c.Invoices[i]
		if inv.closed() {
			continue
		}
		open++
		r, until, broken := p.invoicePause(now, today, inv)
		if r == ReasonUnknown {
			r, until = p.quietPause(today, inv)
		}
		if broken {
			promised := inv.PromiseDate
			if promised.IsZero() {
				promised = DateIn(inv.StateSince, p.Location)
			}
			d.Signals = append(d.Signals, Signal{Kind: SignalBrokenPromise, InvoiceID: inv.ID, Date: promised})
			brokenOn[inv] = promised
		}
		if r == ReasonUnknown && !isChaseableState(inv.State) {
			r = ReasonOnHold
		}
		if r != ReasonUnknown {
			d.Paused = append(d.Paused, PausedInvoice{ID: inv.ID, Reason: r, Until: until})
			consider(until)
			if at, ok := p.paymentCheckAt(inv); ok {
				if today.Before(at) {
					consider(cal.StartOfDay(at))
				} else {
					checks = append(checks, inv)
				}
			}
			continue
		}
		dueDate, ok := inv.dueDate()
		if !ok {
			d.Paused = append(d.Paused, PausedInvoice{ID: inv.ID, Reason: ReasonOnHold})
			continue
		}
		chaseable++
		pastDue := today.After(dueDate)
		if pastDue {
			overdue = append(overdue, inv)
		}
		st, ok := eff.ladder.next(inv.LastStageSent, pastDue)
		if !ok {
			exhausted++
			continue
		}
		if sd := p.stageDate(eff.ladder, inv, dueDate, st); sd.After(today) {
			consider(cal.StartOfDay(sd))
			continue
		}
		due = append(due, dueItem{inv, st})
	}

	if open == 0 {
		d.Reason = ReasonNothingOpen
		return d
	}
	if q, steps := answerDue(&c, false); len(steps) > 0 {
		return p.answer(now, d, &c, q, steps, false)
	}
	if len(checks) > 0 {
		d.Action, d.Reason, d.NotBefore = ActionPaymentCheck, ReasonPaymentCheck, now
		for _, inv := range checks {
			d.Invoices = append(d.Invoices, InvoiceStep{ID: inv.ID, Number: inv.Number, Stage: inv.LastStageSent})
		}
		return d
	}
	if today.Before(c.NotBefore) {
		d.Reason, d.NotBefore = ReasonClientNotBefore, cal.StartOfDay(c.NotBefore)
		return d
	}
	if g := groupOf(due, domain.KindHandOff); len(g) > 0 {
		return d.task(now, ActionHandOff, g)
	}
	// A phone call is a contact too: it respects the minimum gap and the
	// quiet time after the client wrote.
	block, blockReason := p.contactBlock(c)
	away := c.OutOfOfficeUntil.After(now)
	if g := groupOf(due, domain.KindCallTask); len(g) > 0 && !away {
		if !now.Before(block) {
			return d.task(now, ActionCallTask, g)
		}
		consider(block)
	}

	var mailItems []dueItem
	for _, it := range due {
		if it.stage.Kind.SendsMail() {
			mailItems = append(mailItems, it)
		}
	}
	switch {
	case len(due) == 0:
		d.Reason = idleReason(d.Paused, chaseable, exhausted)
		d.NotBefore = next
		return d
	case away:
		d.Reason, d.NotBefore = ReasonOutOfOffice, c.OutOfOfficeUntil
		return d
	case len(mailItems) == 0:
		// Only a call task is due, and the gap holds it back.
		d.Reason, d.NotBefore = blockReason, next
		return d
	case c.PendingDraft != nil:
		d.Reason = ReasonDraftPending
		return d
	case len(eff.to) == 0:
		d.Reason = ReasonNoRecipient
		return d
	}

	// The message takes the highest stage due; it carries the invoices due
	// for a stage of the same kind (a formal notice is never mixed with a
	// friendly reminder, nor a pre-due courtesy with an overdue reminder).
	top := mailItems[0].stage
	for _, it := range mailItems[1:] {
		if it.stage.Number > top.Number {
			top = it.stage
		}
	}
	hold := p.HoldUntil(now)
	// Wait rather than draft early: a draft made the working day before the
	// gap ends is still held a full day, and sees the freshest state.
	if bd := DateIn(block, p.Location); !block.IsZero() && bd.After(DateIn(hold, p.Location)) {
		d.Reason = blockReason
		d.NotBefore = cal.StartOfDay(cal.PrevBusinessDate(bd))
		return d
	}

	d.Action, d.Reason = ActionDraft, ReasonStageDue
	if top.Kind == domain.KindFormalNotice {
		d.Action = ActionFormalNotice
		d.RequiresApproval = true
		d.LatePenalties = !eff.b2c
	}
	d.Stage, d.StageName, d.Template, d.OfferPaymentPlan = top.Number, top.Name, top.Template, top.OfferPaymentPlan
	inGroup := map[*InvoiceState]bool{}
	for _, it := range mailItems {
		if it.stage.Kind != top.Kind || it.stage.preDue() != top.preDue() {
			continue
		}
		inGroup[it.inv] = true
		d.Invoices = append(d.Invoices, InvoiceStep{ID: it.inv.ID, Number: it.inv.Number, Stage: it.stage.Number, StageName: it.stage.Name})
		if it.inv.DisputedBefore {
			d.RequiresApproval = true
		}
		if pd, ok := brokenOn[it.inv]; ok && pd.After(d.BrokenPromise) {
			d.BrokenPromise = pd
		}
		for _, f := range it.inv.OpenFlags {
			if p.flagPause(f) == ReasonUnknown {
				d.OpenTasks = append(d.OpenTasks, OpenTask{InvoiceID: it.inv.ID, Kind: f})
			}
		}
	}
	if top.Kind == domain.KindMessage && !top.preDue() {
		for _, inv := range overdue {
			if !inGroup[inv] {
				d.Mentioned = append(d.Mentioned, inv.ID)
			}
		}
	}
	d.HoldUntil = hold
	d.NotBefore = p.NextSendTime(laterOf(hold, block))
	if d.NotBefore.IsZero() { // the window never opens: a hand-built Policy
		return Decision{Action: ActionNone, Reason: ReasonOutsideWindow, ClientID: d.ClientID,
			Language: d.Language, To: d.To, Cc: d.Cc, B2C: d.B2C, Paused: d.Paused, Signals: d.Signals}
	}
	return d
}

// stageDate is the day stage st falls due for inv: its offset from the due
// date, and, when the ladder's clock restarted (our answer to a question),
// no sooner than the ladder's interval from the last stage done counted
// from the restart.
func (p Policy) stageDate(l *Ladder, inv *InvoiceState, due Date, st Stage) Date {
	sd := due.AddDays(st.OffsetDays)
	if inv.ClockFrom.IsZero() {
		return sd
	}
	gap := st.OffsetDays - l.offsetOf(inv.LastStageSent)
	if inv.LastStageSent == 0 {
		gap = max(st.OffsetDays, 0)
	}
	if r := DateIn(inv.ClockFrom, p.Location).AddDays(gap); r.After(sd) {
		return r
	}
	return sd
}

// answer is the decision to draft the answer to q about steps. approve
// says the owner must approve it whatever the mode (the client is paused);
// so must anything about an invoice ever disputed.
func (p Policy) answer(now time.Time, d Decision, c *ClientState, q Question, steps []InvoiceStep, approve bool) Decision {
	d.Action, d.Reason, d.NotBefore, d.HoldUntil = ActionAnswer, ReasonQuestionAsked, now, p.HoldUntil(now)
	d.QuestionID, d.Invoices, d.Objection, d.RequiresApproval = q.ID, steps, q.Objection, approve
	for _, s := range steps {
		if inv := findInvoice(c.Invoices, s.ID); inv != nil && (inv.DisputedBefore || inv.State == domain.StateDisputed) {
			d.RequiresApproval = true
		}
	}
	return d
}

// answerDue returns the first question (objections when objections is
// set, plain questions otherwise) that has no answer draft, with its
// invoices still to be paid (answerPause, objectionPause). A question whose
// answer the human cancelled is theirs to close; so is one about invoices
// claimed paid or disputed: its task stays open for them. An objection is
// answered while its invoice is still owed, whatever else holds it: the
// cheque said to be in the post, the amount disputed are what the answer
// is about.
func answerDue(c *ClientState, objections bool) (Question, []InvoiceStep) {
	for _, q := range c.Questions {
		if q.Answer != AnswerNone || (q.Objection != domain.NoObjection) != objections {
			continue
		}
		pause := answerPause
		if objections {
			pause = objectionPause
		}
		var steps []InvoiceStep
		for _, id := range q.InvoiceIDs {
			inv := findInvoice(c.Invoices, id)
			if inv == nil || pause(inv) != ReasonUnknown {
				continue
			}
			steps = append(steps, InvoiceStep{ID: inv.ID, Number: inv.Number})
		}
		if len(steps) > 0 {
			return q, steps
		}
	}
	return Question{}, nil
}

// answerPause says why an answer to the client's question about inv must
// not be made or sent (ReasonUnknown: it may). An answer is not a reminder:
// the ladder's pauses (a promise, the quiet days, the question itself) are
// not for it. But bank details or a copy of the invoice make sense only
// while the invoice is still to be paid: not once it is settled, closed,
// said to be paid (in whole or in part, checked or not) or disputed.
func answerPause(inv *InvoiceState) Reason {
	switch {
	case inv.State == domain.StatePaid || !inv.Balance.IsPositive():
		return ReasonPaid
	case inv.State == domain.StateCancelled || inv.State == domain.StateWrittenOff:
		return ReasonInvoiceClosed
	}
	for _, f := range inv.OpenFlags {
		switch f {
		case domain.FlagDispute:
			return ReasonDisputed
		case domain.FlagPaymentCheck:
			return ReasonPaymentClaimed
		}
	}
	switch inv.State {
	case domain.StateOpen, domain.StatePromised, domain.StatePlan, domain.StateOnHold:
		return ReasonUnknown
	case domain.StatePaidClaimed:
		return ReasonPaymentClaimed
	case domain.StateDisputed:
		return ReasonDisputed
	}
	// A state this version does not know is never answered on its own.
	return ReasonOnHold
}

// objectionPause says why the answer to an objection about inv must not be
// made or sent (ReasonUnknown: it may): only once nothing is owed.
func objectionPause(inv *InvoiceState) Reason {
	switch {
	case inv.State == domain.StatePaid || !inv.Balance.IsPositive():
		return ReasonPaid
	case inv.State == domain.StateCancelled || inv.State == domain.StateWrittenOff:
		return ReasonInvoiceClosed
	}
	return ReasonUnknown
}

// contactBlock returns the earliest instant the client may be contacted
// again and whether the minimum gap or the inbound quiet time sets it.
func (p Policy) contactBlock(c ClientState) (time.Time, Reason) {
	var block time.Time
	reason := ReasonUnknown
	if !c.LastContact.IsZero() {
		block, reason = p.Calendar.AddBusinessDays(c.LastContact, p.MinGap), ReasonMinGap
	}
	if !c.LastInbound.IsZero() {
		if q := p.Calendar.AddBusinessDays(c.LastInbound, p.InboundQuiet); q.After(block) {
			block, reason = q, ReasonInboundQuiet
		}
	}
	return block, reason
}

func isChaseableState(s domain.State) bool {
	return s == domain.StateOpen || s == domain.StatePromised || s == domain.StateOnHold
}

func groupOf(due []dueItem, kind domain.StageKind) []dueItem {
	var g []dueItem
	for _, it := range due {
		if it.stage.Kind == kind {
			g = append(g, it)
		}
	}
	return g
}

func (d Decision) task(now time.Time, a Action, g []dueItem) Decision {
	d.Action, d.Reason, d.NotBefore = a, ReasonStageDue, now
	top := g[0].stage
	for _, it := range g {
		if it.stage.Number > top.Number {
			top = it.stage
		}
		d.Invoices = append(d.Invoices, InvoiceStep{ID: it.inv.ID, Number: it.inv.Number, Stage: it.stage.Number, StageName: it.stage.Name})
	}
	d.Stage, d.StageName, d.Template = top.Number, top.Name, top.Template
	return d
}

// idleReason explains a Decision with nothing due.
func idleReason(paused []PausedInvoice, chaseable, exhausted int) Reason {
	if chaseable == 0 && len(paused) > 0 {
		r := paused[0].Reason
		for _, pi := range paused[1:] {
			if pi.Reason != r {
				return ReasonSeveralPauses
			}
		}
		return r
	}
	if chaseable > 0 && exhausted == chaseable {
		return ReasonLadderDone
	}
	return ReasonNotYetDue
}
