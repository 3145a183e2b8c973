package policy

import (
	"testing"

	"github.com/relance/relance/internal/domain"
)

// What a reply does to an invoice's state: a promise after a payment claim
// leaves the claim standing (a client who said it paid is never chased on
// a promise's date), while a dispute or a new claim still moves it.
func TestStateAfterReply(t *testing.T) {
	tests := []struct {
		state domain.State
		class domain.ReplyClass
		want  domain.State
	}{
		{domain.StateOpen, domain.ReplyPaid, domain.StatePaidClaimed},
		{domain.StateOpen, domain.ReplyPromise, domain.StatePromised},
		{domain.StateOpen, domain.ReplyDispute, domain.StateDisputed},
		{domain.StateOpen, domain.ReplyHardship, domain.StateOnHold},
		{domain.StateOpen, domain.ReplyInfoRequest, ""},
		{domain.StatePromised, domain.ReplyPaid, domain.StatePaidClaimed},
		{domain.StatePromised, domain.ReplyPromise, domain.StatePromised},
		{domain.StatePaidClaimed, domain.ReplyPromise, ""},
		{domain.StatePaidClaimed, domain.ReplyPaid, domain.StatePaidClaimed},
		{domain.StatePaidClaimed, domain.ReplyDispute, domain.StateDisputed},
		{domain.StatePaidClaimed, domain.ReplyInfoRequest, ""},
		{domain.StatePaid, domain.ReplyPromise, ""},
		{domain.StateDisputed, domain.ReplyPaid, ""},
		{domain.StatePlan, domain.ReplyPromise, ""},
	}
	for _, tt := range tests {
		if got := StateAfterReply(tt.state, tt.class); got != tt.want {
			t.Errorf("StateAfterReply(%s, %s) = %q, want %q", tt.state, tt.class, got, tt.want)
		}
	}
}
