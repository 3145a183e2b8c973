package domain

// Mode is how approval works (RELANCE_MODE).
type Mode string

// Modes.
const (
	// ModeReview sends only drafts a human approved (the default).
	ModeReview Mode = "review"
	// ModeAuto sends held drafts after the hold unless cancelled; formal
	// notices and anything after a dispute still need approval.
	ModeAuto Mode = "auto"
	// ModeDryRun never sends.
	ModeDryRun Mode = "dry-run"
)

// Modes lists the modes, the default first.
var Modes = []Mode{ModeReview, ModeAuto, ModeDryRun}

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == ModeReview || m == ModeAuto || m == ModeDryRun }
