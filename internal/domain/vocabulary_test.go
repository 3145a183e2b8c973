package domain

import (
	"math"
	"testing"
)

func TestBucketOf(t *testing.T) {
	for _, c := range []struct {
		days int
		want Bucket
	}{
		{-10, BucketCurrent}, {0, BucketCurrent}, {1, Bucket1to30}, {30, Bucket1to30}, {31, Bucket31to60},
		{60, Bucket31to60}, {61, Bucket61to90}, {90, Bucket61to90}, {91, Bucket90Plus}, {4000, Bucket90Plus},
	} {
		if got := BucketOf(c.days); got != c.want {
			t.Errorf("BucketOf(%d) = %s, want %s", c.days, got, c.want)
		}
	}
}

// Bounds and BucketOf say the same thing: every day a bucket covers is
// placed in it, and the buckets follow each other without a gap.
func TestBucketBounds(t *testing.T) {
	next := math.MinInt
	for _, b := range Buckets {
		lo, hi, ok := b.Bounds()
		if !ok || lo != next {
			t.Fatalf("%s: bounds %d..%d ok=%v, want to start at %d", b, lo, hi, ok, next)
		}
		for _, d := range []int{lo, hi} {
			if d != math.MinInt && d != math.MaxInt && BucketOf(d) != b {
				t.Errorf("%s covers %d but BucketOf(%d) = %s", b, d, d, BucketOf(d))
			}
		}
		if hi == math.MaxInt {
			next = hi
			break
		}
		next = hi + 1
	}
	if l := BucketLimits(); len(l) != len(Buckets)-1 || BucketOf(l[0]) != BucketCurrent || BucketOf(l[0]+1) != Bucket1to30 {
		t.Errorf("BucketLimits() = %v", l)
	}
	if next != math.MaxInt {
		t.Fatal("the last bucket is not open-ended")
	}
	if _, _, ok := Bucket("7-14").Bounds(); ok {
		t.Error("an unknown bucket has bounds")
	}
}

// The strings are contracts (database, JSON, CLI, metrics labels).
func TestVocabularyStrings(t *testing.T) {
	for got, want := range map[string]string{
		string(DraftApproved.Event()):    "draft_approved",
		string(DraftSuperseded.Event()):  "draft_superseded",
		string(FlagResolved.Event()):     "flag_resolved",
		string(FlagAcknowledged.Event()): "flag_acknowledged",
		string(EventReplyReceived):       "reply_received",
		string(ModeDryRun):               "dry-run",
		string(Bucket90Plus):             "90+",
		string(ActorCLI):                 "cli",
		string(FlagHostile):              "hostile",
		string(FlagHandover):             "handover",
		string(EventHandoverPrepared):    "handover_prepared",
		string(HandoverLadderEnded):      "ladder_ended",
		string(HandoverAsked):            "asked",
		string(RoleOwner):                "owner",
		string(RoleStaff):                "staff",
	} {
		if got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
	if string(HandoverHostile) != "hostile" {
		t.Errorf("%q, want hostile", HandoverHostile)
	}
	if DraftApproved.Event() != EventDraftApproved || FlagResolved.Event() != EventFlagResolved {
		t.Error("a status's event differs from its named kind")
	}
}

func TestSets(t *testing.T) {
	for _, s := range []DraftStatus{DraftHeld, DraftApproved} {
		if !s.Waiting() {
			t.Errorf("%s should be waiting", s)
		}
	}
	for _, s := range []DraftStatus{DraftSent, DraftCancelled, DraftSuperseded} {
		if s.Waiting() {
			t.Errorf("%s should not be waiting", s)
		}
	}
	for _, s := range []DraftStage{StagePlanConfirmation, StagePromiseConfirmation, StageInstalmentReminder, StageThankYou} {
		if !s.Courtesy() {
			t.Errorf("%s is a courtesy stage", s)
		}
	}
	for _, s := range []DraftStage{StageFriendly, StageFormalNotice, StageAnswer} {
		if s.Courtesy() {
			t.Errorf("%s is not a courtesy stage", s)
		}
	}
	for k, want := range map[StageKind]bool{KindMessage: true, KindFormalNotice: true, KindCallTask: false, KindHandOff: false, KindAnswer: false} {
		if k.SendsMail() != want {
			t.Errorf("%s.SendsMail() = %v", k, !want)
		}
	}
	for _, m := range Modes {
		if !m.Valid() {
			t.Errorf("%s invalid", m)
		}
	}
	if Mode("").Valid() || Mode("manual").Valid() {
		t.Error("unknown mode valid")
	}
}

// The reply classes are the classify contract's strings; dispute, grievance
// and hardship, and only they, need a person.
func TestReplyClasses(t *testing.T) {
	want := []string{"paid", "promise", "dispute", "grievance", "hardship", "info_request", "auto_reply", "bounce", "other"}
	got := ReplyClasses()
	if len(got) != len(want) {
		t.Fatalf("%d classes, want %d", len(got), len(want))
	}
	for i, c := range got {
		if string(c) != want[i] {
			t.Errorf("class %d = %q, want %q", i, c, want[i])
		}
		human := c == ReplyDispute || c == ReplyGrievance || c == ReplyHardship
		if c.NeedsHuman() != human {
			t.Errorf("%s.NeedsHuman() = %v", c, c.NeedsHuman())
		}
	}
}

// The objections' strings are contracts (`relance classify --json`,
// `relance drafts list --json`, the flags table); Valid knows them and
// nothing else.
func TestObjectionStrings(t *testing.T) {
	want := []string{"cheque_in_post", "oversight", "client_not_paid", "goods_returned", "progress_payment_defect",
		"not_received", "wrong_amount", "awaiting_approval"}
	got := Objections()
	if len(got) != len(want) {
		t.Fatalf("Objections() = %v", got)
	}
	for i, o := range got {
		if string(o) != want[i] || !o.Valid() {
			t.Errorf("objection %d = %q (valid %v), want %q", i, o, o.Valid(), want[i])
		}
	}
	for _, o := range []Objection{NoObjection, "cheque", "Oversight"} {
		if o.Valid() {
			t.Errorf("%q is valid", o)
		}
	}
	if string(FlagObjection) != "objection" || string(EventObjectionSet) != "objection_set" {
		t.Errorf("flag %q, event %q", FlagObjection, EventObjectionSet)
	}
}
