package perf

import (
	"bytes"
	"crypto/sha256"
	"net/mail"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	tests := []struct {
		name                  string
		spec                  Spec
		invoices, pdfs, inbox int
		wantErr               bool
	}{
		{name: "default split", spec: Spec{Messages: 100, Seed: 1}, invoices: 40, inbox: 60, pdfs: -1},
		{name: "no PDF", spec: Spec{Messages: 30, Invoices: 10, PDFShare: -1, Seed: 2}, invoices: 10, inbox: 20, pdfs: 0},
		{name: "every PDF", spec: Spec{Messages: 12, Invoices: 4, PDFShare: 1, Seed: 3}, invoices: 4, inbox: 8, pdfs: 4},
		{name: "no messages", spec: Spec{}, wantErr: true},
		{name: "more invoices than messages", spec: Spec{Messages: 3, Invoices: 4}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var folders = map[string]int{}
			var total int64
			st, err := Generate(tt.spec, func(m Message) error {
				folders[m.Folder]++
				total += int64(len(m.Raw))
				msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
				if err != nil {
					t.Fatalf("unparseable message in %s: %v", m.Folder, err)
				}
				if msg.Header.Get("Message-Id") == "" || msg.Header.Get("Date") == "" {
					t.Errorf("message without Message-ID or Date: %q", m.Raw[:min(200, len(m.Raw))])
				}
				if m.Folder == FolderInbox && !strings.Contains(msg.Header.Get("In-Reply-To"), "@atelier-perf.test") {
					t.Errorf("reply without In-Reply-To an invoice")
				}
				return nil
			})
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Invoices != tt.invoices || folders[FolderSent] != tt.invoices || st.Replies != tt.inbox || folders[FolderInbox] != tt.inbox {
				t.Errorf("stats %+v, folders %v; want %d invoices, %d replies", st, folders, tt.invoices, tt.inbox)
			}
			if tt.pdfs >= 0 && st.PDFs != tt.pdfs {
				t.Errorf("%d PDFs, want %d", st.PDFs, tt.pdfs)
			}
			if st.Bytes != total {
				t.Errorf("Bytes %d, written %d", st.Bytes, total)
			}
		})
	}
}

// TestGenerateDeterministic: the same spec gives the same bytes, so every
// run of the benchmarks reads the same mailbox.
func TestGenerateDeterministic(t *testing.T) {
	digest := func(seed uint64) [32]byte {
		h := sha256.New()
		if _, err := Generate(Spec{Messages: 60, Seed: seed}, func(m Message) error {
			h.Write([]byte(m.Folder))
			h.Write(m.Raw)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return [32]byte(h.Sum(nil))
	}
	if digest(5) != digest(5) {
		t.Error("same seed, different mailboxes")
	}
	if digest(5) == digest(6) {
		t.Error("different seeds, same mailbox")
	}
}

// TestGenerateSize: 20,000 messages weigh about 620 MB, 60 % of the 8,000
// invoices carrying a 30–120 KiB PDF (checked on a tenth, to stay quick).
func TestGenerateSize(t *testing.T) {
	st, err := Generate(Spec{Messages: 2000, Invoices: 800, Seed: 2026}, func(Message) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if mb := float64(st.Bytes) * 10 / 1e6; mb < 560 || mb > 680 {
		t.Errorf("20,000 messages would weigh %.0f MB, want about 620", mb)
	}
	if share := float64(st.PDFs) / float64(st.Invoices); share < 0.55 || share > 0.65 {
		t.Errorf("PDF share %.2f, want about 0.6", share)
	}
}

// Invoices go to Spec.Clients clients (400 by default), and each reply
// comes from the client of the invoice it answers.
func TestGenerateClients(t *testing.T) {
	for _, tt := range []struct {
		spec Spec
		want int
	}{
		{Spec{Messages: 1000, Invoices: 500, PDFShare: -1, Seed: 4}, 400},
		{Spec{Messages: 100, Invoices: 50, PDFShare: -1, Clients: 7, Seed: 4}, 7},
	} {
		to, from := map[string]bool{}, map[string]bool{}
		if _, err := Generate(tt.spec, func(m Message) error {
			msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
			if err != nil {
				return err
			}
			if m.Folder == FolderSent {
				a, err := mail.ParseAddress(msg.Header.Get("To"))
				if err != nil {
					return err
				}
				to[a.Address] = true
			} else {
				a, err := mail.ParseAddress(msg.Header.Get("From"))
				if err != nil {
					return err
				}
				from[a.Address] = true
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(to) != tt.want {
			t.Errorf("Clients %d: invoices to %d addresses, want %d", tt.spec.Clients, len(to), tt.want)
		}
		for a := range from {
			if !to[a] {
				t.Errorf("Clients %d: a reply from %s, who was sent no invoice", tt.spec.Clients, a)
			}
		}
	}
}
