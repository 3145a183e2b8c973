package policy

import "github.com/relance/relance/internal/domain"

// ReminderLevel is how far along the ladder a reminder the owner wrote by
// hand goes: a first reminder, a second one, or a formal notice.
type ReminderLevel string

// Reminder levels.
const (
	LevelFirst  ReminderLevel = "first"
	LevelSecond ReminderLevel = "second"
	LevelFormal ReminderLevel = "formal"
)

// StageForLevel is the number of the ladder stage a reminder of this level
// amounts to, in the client's ladder: the first or second reminder e-mail
// due after the due date, or the formal notice. It is 0 when the ladder
// has no such stage. Pure.
func (p Policy) StageForLevel(c Client, lvl ReminderLevel) int {
	ladder := p.resolve(c).ladder
	if ladder == nil {
		return 0
	}
	messages := 0
	last := 0
	for i, s := range ladder.Stages {
		n := i + 1
		switch {
		case s.Kind == domain.KindMessage && !s.preDue():
			messages++
			last = n
			if lvl == LevelFirst && messages == 1 || lvl == LevelSecond && messages == 2 {
				return n
			}
		case s.Kind == domain.KindFormalNotice && lvl == LevelFormal:
			return n
		}
	}
	if lvl == LevelSecond || lvl == LevelFormal {
		// A ladder without that step: the furthest reminder it has.
		return last
	}
	return 0
}
