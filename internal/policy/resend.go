package policy

import "time"

// MaxSendAttempts bounds retries of temporary SMTP failures before a human
// is asked to look.
const MaxSendAttempts = 8

// SendRecord is what the store knows of a draft's earlier submissions.
type SendRecord struct {
	Attempts int // submissions begun
	// Failed: the last attempt's failure was recorded. An attempt begun
	// without an outcome recorded was cut short by a crash.
	Failed        bool
	LastAttemptAt time.Time
	// Accepted: the SMTP server's acceptance was committed.
	Accepted bool
}

// InFlight reports whether an earlier submission may have reached the SMTP
// server: it must be settled (Settle) before anything is sent, never
// repeated blindly.
func (r SendRecord) InFlight() bool {
	return (r.Attempts > 0 && !r.Failed) || r.Accepted
}

// Settlement is the fate of a draft whose submission may have happened.
type Settlement uint8

// Settlements.
const (
	// SettleResend: the submission never reached SMTP; send again.
	SettleResend Settlement = iota
	// SettleSent: it went; only the bookkeeping was lost.
	SettleSent
	// SettleSentUnconfirmed: it may have gone and nothing tells; it is
	// counted as sent, since sending again could send twice, and a human
	// is asked to check with the recipient.
	SettleSentUnconfirmed
)

// Settle decides the fate of an in-flight draft. copyFirst says the
// submission put a marked copy in Sent before SMTP (the business's server
// does not file submitted mail itself); inSent, whether a message with the
// draft's Message-ID is in Sent (not looked up once Accepted).
//
// With copyFirst, a copy in Sent without a recorded acceptance only proves
// the crash came after the copy, before or after SMTP; without it, the copy
// is the server's own and proves SMTP took the message. No copy means the
// crash came before SMTP.
func Settle(r SendRecord, copyFirst, inSent bool) Settlement {
	switch {
	case r.Accepted:
		return SettleSent
	case !inSent:
		return SettleResend
	case copyFirst:
		return SettleSentUnconfirmed
	}
	return SettleSent
}

// RetryDelay is the wait after the n-th failed attempt: 1, 2, 4… minutes,
// at most two hours, so a refusing server is not hammered.
func RetryDelay(n int) time.Duration {
	if n < 1 {
		return 0
	}
	if n > 8 {
		n = 8
	}
	d := time.Minute << (n - 1)
	if d > 2*time.Hour {
		d = 2 * time.Hour
	}
	return d
}

// RetryWaits reports whether, after a recorded failure, the draft must
// still wait at now before its next attempt.
func (r SendRecord) RetryWaits(now time.Time) bool {
	return r.Attempts > 0 && r.Failed && now.Before(r.LastAttemptAt.Add(RetryDelay(r.Attempts)))
}

// GiveUp reports whether a failed attempt (the attempts-th, counting it)
// stops the draft and asks a human instead of a retry: a permanent failure
// at once, temporary ones after MaxSendAttempts, so a failing message
// causes no retry storm.
func GiveUp(attempts int, temporary bool) bool {
	return !temporary || attempts >= MaxSendAttempts
}
