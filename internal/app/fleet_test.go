package app

import "testing"

// The mailboxes of one IMAP server share its connection slots, whatever
// the port or the case of its name; another server has its own.
func TestConnectSlotsByServer(t *testing.T) {
	f := &Fleet{connects: map[string]chan struct{}{}}
	a := f.connectSlots("imap.example.fr:993")
	if b := f.connectSlots("IMAP.example.fr:143"); b != a {
		t.Error("two ports of one server have their own slots")
	}
	if c := f.connectSlots("imap.other.fr:993"); c == a {
		t.Error("two servers share their slots")
	}
	if cap(a) != ConnectsPerHost {
		t.Errorf("%d slots, want %d", cap(a), ConnectsPerHost)
	}
}
