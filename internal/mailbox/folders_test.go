package mailbox

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/relance/relance/internal/testing/testutil/dovecot"
)

func TestFoldFolderNames(t *testing.T) {
	for in, want := range map[string]string{
		"Éléments envoyés":  "elements envoyes",
		"ÉLÉMENTS  ENVOYÉS": "elements envoyes",
		"Sent_Items":        "sent items",
		"Sent-Messages":     "sent messages",
		" Brouillons ":      "brouillons",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func listOf(delim rune, names ...string) []*imap.ListData {
	var out []*imap.ListData
	for _, n := range names {
		out = append(out, &imap.ListData{Mailbox: n, Delim: delim})
	}
	return out
}

// Common names are matched directly below the personal namespace, never
// deeper (an archive's "Sent" is not the Sent folder), top level first.
func TestCommonNamesBelowThePrefix(t *testing.T) {
	cases := []struct {
		name         string
		ns           namespace
		list         []*imap.ListData
		sent, drafts string
	}{
		{"courier", namespace{prefix: "INBOX.", delim: '.', known: true},
			listOf('.', "INBOX", "INBOX.Sent Items", "INBOX.Brouillons", "INBOX.Archives.Sent"), "INBOX.Sent Items", "INBOX.Brouillons"},
		{"exchange french", namespace{delim: '/', known: true},
			listOf('/', "INBOX", "Éléments envoyés", "Brouillons", "Archive/Sent"), "Éléments envoyés", "Brouillons"},
		{"thunderbird french", namespace{delim: '/', known: true},
			listOf('/', "INBOX", "Envoyés", "Messages envoyés"), "Envoyés", ""},
		{"apple", namespace{delim: '.', known: true},
			listOf('.', "INBOX", "Sent Messages", "Drafts"), "Sent Messages", "Drafts"},
		{"top level before INBOX children", namespace{delim: '/', known: true},
			listOf('/', "INBOX", "INBOX/Sent", "Sent Items", "INBOX/Drafts"), "Sent Items", "INBOX/Drafts"},
		{"other namespaces ignored", namespace{delim: '/', known: true, others: []string{"Shared/"}},
			listOf('/', "INBOX", "Shared/Sent", "Shared/Drafts"), "", ""},
		{"prefix inferred", namespace{},
			listOf('.', "INBOX", "INBOX.Messages envoyés", "INBOX.Drafts"), "INBOX.Messages envoyés", "INBOX.Drafts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ns := inferNamespace(c.ns, c.list)
			fs := personal(c.list, ns)
			if got := byCommonName(fs, sentNames()); got != c.sent {
				t.Errorf("Sent = %q, want %q", got, c.sent)
			}
			if got := byCommonName(fs, draftsNames()); got != c.drafts {
				t.Errorf("Drafts = %q, want %q", got, c.drafts)
			}
		})
	}
}

func TestInferNamespace(t *testing.T) {
	ns := inferNamespace(namespace{}, listOf('.', "INBOX", "INBOX.Sent", "INBOX.Trash"))
	if ns.prefix != "INBOX." || ns.delim != '.' {
		t.Errorf("Courier-style list: prefix %q, delim %q", ns.prefix, ns.delim)
	}
	ns = inferNamespace(namespace{}, listOf('/', "INBOX", "INBOX/Old", "Sent"))
	if ns.prefix != "" || ns.delim != '/' {
		t.Errorf("mixed list: prefix %q, delim %q", ns.prefix, ns.delim)
	}
	known := namespace{prefix: "", delim: '/', known: true}
	if got := inferNamespace(known, listOf('.', "INBOX", "INBOX.Sent")); got.prefix != "" || got.delim != '/' {
		t.Errorf("NAMESPACE's answer overridden: %+v", got)
	}
}

func TestBySettingAddsThePrefix(t *testing.T) {
	ns := namespace{prefix: "INBOX.", delim: '.', known: true}
	fs := personal(listOf('.', "INBOX", "INBOX.Factures"), ns)
	for _, want := range []string{"Factures", "INBOX.Factures", "inbox.factures"} {
		if got, ok := bySetting(want, fs, ns); !ok || got != "INBOX.Factures" {
			t.Errorf("bySetting(%q) = %q, %v", want, got, ok)
		}
	}
	if got, ok := bySetting("Compta", fs, ns); ok || got != "Compta" {
		t.Errorf("missing folder: %q, %v", got, ok)
	}
}

// layoutCase is a server as people have them and the folders relance must
// find on it with no folder setting.
type layoutCase struct {
	name         string
	opts         dovecot.Options
	sent, drafts string // expected names; drafts is created when not in opts.Folders
}

func courier(folders ...string) dovecot.Options {
	return dovecot.Options{Prefix: "INBOX.", Separator: ".", NoSpecialUse: true, Folders: folders}
}

// On Dovecot configured like Courier or cPanel (folders under "INBOX.",
// separator ".", no SPECIAL-USE, localized names in modified UTF-7),
// relance finds Sent and Drafts with no folder setting, reads invoices
// from Sent and replies from INBOX, and keeps its drafts in Drafts; a
// missing Drafts folder is created, named in the language of Sent.
func TestDiscoverLocalizedPrefixDovecot(t *testing.T) {
	noNamespace := courier("Sent Messages")
	noNamespace.NoNamespace = true
	cases := []layoutCase{
		{"cpanel", courier("Sent Items", "Brouillons", "Trash"), "INBOX.Sent Items", "INBOX.Brouillons"},
		{"exchange french", courier("Éléments envoyés", "Brouillons"), "INBOX.Éléments envoyés", "INBOX.Brouillons"},
		{"messages envoyes", courier("Messages envoyés", "Drafts"), "INBOX.Messages envoyés", "INBOX.Drafts"},
		{"envoyes, drafts created", courier("Envoyés"), "INBOX.Envoyés", "INBOX.Brouillons"},
		{"no NAMESPACE, drafts created", noNamespace, "INBOX.Sent Messages", "INBOX.Drafts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := dovecot.StartWith(t, c.opts)
			if err := srv.Deliver(c.sent, genMessage("sent", 1), true); err != nil {
				t.Fatal(err)
			}
			if err := srv.Deliver("INBOX", genReply(1), false); err != nil {
				t.Fatal(err)
			}
			st := newMemStore()
			mc := newDovecotClient(t, srv, st, nil)
			ctx := context.Background()
			if err := mc.SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if st.count(c.sent) != 1 || st.count("INBOX") != 1 {
				t.Fatalf("ingested %d from %s and %d from INBOX, want 1 and 1", st.count(c.sent), c.sent, st.count("INBOX"))
			}
			watched := mc.Connected()
			for _, f := range []string{c.sent, "INBOX", c.drafts} {
				if _, ok := watched[f]; !ok {
					t.Errorf("%q not watched: %v", f, watched)
				}
			}
			// Drafts work in the folder found or created.
			raw := []byte("Subject: Relance\r\nMessage-ID: <d-1@relance.example>\r\nX-Relance-Draft: 7\r\n\r\nBonjour.\r\n")
			uid, err := mc.Append(ctx, RoleDrafts, raw, []string{`\Draft`}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			ds, err := mc.DraftsState(ctx)
			if err != nil || len(ds) != 1 || ds[0].UID != uid || ds[0].RelanceDraft != "7" {
				t.Fatalf("DraftsState = %+v, %v", ds, err)
			}
			if n := maildirCount(t, srv.Maildir(c.drafts)); n != 1 {
				t.Errorf("%s holds %d messages on disk, want 1", c.drafts, n)
			}
			// Sent copies go to the Sent folder found.
			if _, err := mc.Append(ctx, RoleSent, genMessage("sent", 2), []string{`\Seen`}, time.Time{}); err != nil {
				t.Fatal(err)
			}
			if n := maildirCount(t, srv.Maildir(c.sent)); n != 2 {
				t.Errorf("%s holds %d messages on disk, want 2", c.sent, n)
			}
			// A second client (a restart) finds the created folder by name
			// and creates nothing more.
			again := newDovecotClient(t, srv, newMemStore(), nil)
			if err := again.SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if got := mapKeys(again.Connected()); !slices.Equal(got, mapKeys(watched)) {
				t.Errorf("after restart watched %v, want %v", got, mapKeys(watched))
			}
		})
	}
}

// Where the server refuses to create Drafts, the pass goes on: Sent and
// INBOX are read, and the Drafts operations say the folder is missing with
// the server's answer.
func TestDraftsCreationRefusedDovecot(t *testing.T) {
	opts := courier("Sent")
	opts.RefuseCreate = true
	srv := dovecot.StartWith(t, opts)
	if err := srv.Deliver("INBOX.Sent", genMessage("sent", 1), true); err != nil {
		t.Fatal(err)
	}
	if err := srv.Deliver("INBOX", genReply(1), false); err != nil {
		t.Fatal(err)
	}
	st := newMemStore()
	mc := newDovecotClient(t, srv, st, nil)
	ctx := context.Background()
	if err := mc.SyncOnce(ctx); err != nil {
		t.Fatalf("a missing Drafts folder stopped the sync: %v", err)
	}
	if st.count("INBOX.Sent") != 1 || st.count("INBOX") != 1 {
		t.Fatalf("ingested %d from Sent and %d from INBOX", st.count("INBOX.Sent"), st.count("INBOX"))
	}
	_, err := mc.DraftsState(ctx)
	var mf *MissingFolderError
	if !errors.Is(err, ErrNoFolder) || !errors.As(err, &mf) || mf.Role != RoleDrafts || mf.Tried != "INBOX.Drafts" ||
		!strings.Contains(err.Error(), "NOPERM") {
		t.Fatalf("DraftsState error = %v, want a refused creation of INBOX.Drafts", err)
	}
	if _, err := mc.Append(ctx, RoleDrafts, []byte("Subject: x\r\n\r\nx\r\n"), nil, time.Time{}); !errors.Is(err, ErrNoFolder) {
		t.Errorf("Append to Drafts: %v, want ErrNoFolder", err)
	}
}

func maildirCount(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for _, sub := range []string{"cur", "new"} {
		entries, err := os.ReadDir(dir + "/" + sub)
		if err != nil {
			t.Fatalf("read %s: %v", dir, err)
		}
		n += len(entries)
	}
	return n
}

func mapKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
