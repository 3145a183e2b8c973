package policy

import (
	"testing"

	"github.com/relance/relance/internal/domain"
)

func TestStageForLevel(t *testing.T) {
	p, err := DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	ten, forty := 10, 40
	gentle := DefaultConfig()
	gentle.Ladders["gentle"] = LadderConfig{Stages: []StageConfig{
		{Name: "friendly", Kind: domain.KindMessage, OffsetDays: &ten},
		{Name: "call", Kind: domain.KindCallTask, OffsetDays: &forty},
	}}
	gentle.Clients = map[string]ClientOverride{"@gentle.example": {Ladder: "gentle"}}
	pg, err := gentle.Compile()
	if err != nil {
		t.Fatal(err)
	}
	name := func(p Policy, c Client, n int) string {
		l := p.resolve(c).ladder
		if s, ok := l.Stage(n); ok {
			return s.Name
		}
		return ""
	}
	std := Client{Emails: []string{"a@client.example"}}
	soft := Client{Emails: []string{"a@gentle.example"}}
	tests := []struct {
		p    Policy
		c    Client
		lvl  ReminderLevel
		want string
	}{
		{p, std, LevelFirst, "friendly"},
		{p, std, LevelSecond, "second"},
		{p, std, LevelFormal, "formal_notice"},
		{pg, soft, LevelFirst, "friendly"},
		{pg, soft, LevelSecond, "friendly"},
		{pg, soft, LevelFormal, "friendly"},
	}
	for _, tc := range tests {
		if got := name(tc.p, tc.c, tc.p.StageForLevel(tc.c, tc.lvl)); got != tc.want {
			t.Errorf("%v %s: stage %q, want %q", tc.c.Emails, tc.lvl, got, tc.want)
		}
	}
}
