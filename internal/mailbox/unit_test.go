package mailbox

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/relance/relance/internal/message"
)

func TestConfigValidation(t *testing.T) {
	base := Config{Addr: "imap.example.com:993", Username: "u", Password: "p"}
	for _, tc := range []struct {
		name    string
		mod     func(*Config)
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "defaults", check: func(t *testing.T, c Config) {
			if c.TLS != TLSImplicit || c.Auth != AuthPlain || c.BatchSize != DefaultBatchSize ||
				c.PollInterval != DefaultPollInterval || c.SideFolderInterval != DefaultSideFolderInterval ||
				c.IdleRestart != DefaultIdleRestart || c.Logger == nil || c.Observer == nil || c.Now == nil {
				t.Errorf("defaults not applied: %+v", c)
			}
		}},
		{name: "idle restart capped", mod: func(c *Config) { c.IdleRestart = time.Hour }, check: func(t *testing.T, c Config) {
			if c.IdleRestart != MaxIdleRestart {
				t.Errorf("IdleRestart = %s", c.IdleRestart)
			}
		}},
		{name: "plaintext to remote refused", mod: func(c *Config) { c.TLS = "none"; c.Addr = "192.0.2.7:143" }, wantErr: "refusing plaintext"},
		{name: "plaintext to remote name refused", mod: func(c *Config) { c.TLS = "NONE"; c.Addr = "mail.example.com:143" }, wantErr: "refusing plaintext"},
		{name: "plaintext to remote with Insecure", mod: func(c *Config) { c.TLS = "none"; c.Addr = "192.0.2.7:143"; c.Insecure = true }},
		{name: "plaintext to loopback v4", mod: func(c *Config) { c.TLS = "none"; c.Addr = "127.0.0.1:143" }},
		{name: "plaintext to loopback v6", mod: func(c *Config) { c.TLS = "none"; c.Addr = "[::1]:143" }},
		{name: "plaintext to localhost", mod: func(c *Config) { c.TLS = "none"; c.Addr = "localhost:143" }},
		{name: "bad addr", mod: func(c *Config) { c.Addr = "imap.example.com" }, wantErr: "host:port"},
		{name: "no user", mod: func(c *Config) { c.Username = "" }, wantErr: "Username"},
		{name: "no password", mod: func(c *Config) { c.Password = "" }, wantErr: "Password"},
		{name: "xoauth2 without token file", mod: func(c *Config) { c.Auth = "xoauth2"; c.Password = "" }, wantErr: "TokenFile"},
		{name: "xoauth2", mod: func(c *Config) { c.Auth = "XOAUTH2"; c.Password = ""; c.TokenFile = "/run/token" }},
		{name: "unknown tls", mod: func(c *Config) { c.TLS = "ssl" }, wantErr: "unknown TLS"},
		{name: "unknown auth", mod: func(c *Config) { c.Auth = "cram-md5" }, wantErr: "unknown Auth"},
		{name: "extra folders deduplicated", mod: func(c *Config) { c.ExtraFolders = []string{"Compta", " Compta", "", "Factures"} },
			check: func(t *testing.T, c Config) {
				if !slices.Equal(c.ExtraFolders, []string{"Compta", "Factures"}) {
					t.Errorf("ExtraFolders = %q", c.ExtraFolders)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			if tc.mod != nil {
				tc.mod(&cfg)
			}
			got, err := cfg.withDefaults()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
	_, err := New(Config{Addr: "192.0.2.7:143", Username: "u", Password: "p", TLS: TLSNone}, newMemStore())
	if !errors.Is(err, ErrPlaintextRefused) {
		t.Errorf("New: err = %v, want ErrPlaintextRefused", err)
	}
}

func TestBackoffDelay(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		attempt int
		ceil    time.Duration
	}{
		{0, time.Second}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second},
		{8, 128 * time.Second}, {9, 256 * time.Second}, {10, 5 * time.Minute}, {63, 5 * time.Minute}, {1000, 5 * time.Minute},
	} {
		var maxSeen time.Duration
		for range 2000 {
			d := backoffDelay(tc.attempt, rng)
			if d < backoffMin || d >= tc.ceil {
				t.Fatalf("attempt %d: delay %s outside [%s, %s)", tc.attempt, d, backoffMin, tc.ceil)
			}
			maxSeen = max(maxSeen, d)
		}
		// Full jitter spreads over the whole range.
		if maxSeen < tc.ceil*9/10 {
			t.Errorf("attempt %d: max delay %s of %s: not full jitter", tc.attempt, maxSeen, tc.ceil)
		}
	}
}

func TestBatchesAndClip(t *testing.T) {
	set := imap.UIDSet{{Start: 1, Stop: 5}, {Start: 9, Stop: 9}, {Start: 20, Stop: 31}}
	rs := clipRanges(set, 3)
	if want := []imap.UIDRange{{Start: 4, Stop: 5}, {Start: 9, Stop: 9}, {Start: 20, Stop: 31}}; !slices.Equal(rs, want) {
		t.Fatalf("clipRanges = %v, want %v", rs, want)
	}
	if n := countUIDs(rs); n != 15 {
		t.Errorf("countUIDs = %d", n)
	}
	bs := batches(rs, 4)
	var got []string
	total := 0
	for _, b := range bs {
		got = append(got, b.String())
		n := countUIDs(b)
		if n > 4 {
			t.Errorf("batch %s has %d UIDs", b, n)
		}
		total += n
	}
	if want := []string{"4:5,9,20", "21:24", "25:28", "29:31"}; !slices.Equal(got, want) {
		t.Errorf("batches = %v, want %v", got, want)
	}
	if total != 15 {
		t.Errorf("batches cover %d UIDs", total)
	}
	// "last+1:*" answered with only the highest UID, already ingested.
	if rs := clipRanges(imap.UIDSet{{Start: 7, Stop: 7}}, 7); len(rs) != 0 {
		t.Errorf("clip kept %v", rs)
	}
}

func TestPlanParts(t *testing.T) {
	text := func(sub string, size uint32) *imap.BodyStructureSinglePart {
		return &imap.BodyStructureSinglePart{Type: "text", Subtype: sub, Params: map[string]string{"CHARSET": "utf-8"}, Encoding: "QUOTED-PRINTABLE", Size: size}
	}
	att := func(typ, sub, name string, size uint32) *imap.BodyStructureSinglePart {
		return &imap.BodyStructureSinglePart{Type: typ, Subtype: sub, Encoding: "base64", Size: size,
			Extended: &imap.BodyStructureSinglePartExt{Disposition: &imap.BodyStructureDisposition{Value: "ATTACHMENT", Params: map[string]string{"FILENAME": name}}}}
	}
	for _, tc := range []struct {
		name      string
		bs        imap.BodyStructure
		wantPaths []string // all parts
		wantFetch []string
	}{
		{"single text", text("plain", 10), []string{"1"}, []string{"1"}},
		{"single pdf", att("application", "pdf", "f.pdf", 1000), []string{"1"}, nil},
		{"invoice mail", &imap.BodyStructureMultiPart{Subtype: "mixed", Children: []imap.BodyStructure{
			&imap.BodyStructureMultiPart{Subtype: "alternative", Children: []imap.BodyStructure{text("plain", 10), text("html", 20)}},
			att("application", "pdf", "F-1.pdf", 50000),
			att("application", "octet-stream", "factur-x.XML", 900),
			att("image", "png", "logo.png", 4000),
		}}, []string{"1.1", "1.2", "2", "3", "4"}, []string{"1.1", "1.2", "3"}},
		{"bounce", &imap.BodyStructureMultiPart{Subtype: "report", Children: []imap.BodyStructure{
			text("plain", 100),
			&imap.BodyStructureSinglePart{Type: "message", Subtype: "delivery-status", Size: 300},
			&imap.BodyStructureSinglePart{Type: "message", Subtype: "rfc822", Size: 90000},
		}}, []string{"1", "2", "3"}, []string{"1", "2", "3"}},
		{"oversize text skipped", &imap.BodyStructureMultiPart{Subtype: "mixed", Children: []imap.BodyStructure{
			text("plain", 100), text("plain", 5000),
		}}, []string{"1", "2"}, []string{"1"}},
		{"ubl", att("application", "xml", "inv.bin", 10), []string{"1"}, []string{"1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planParts(tc.bs, 1000)
			var paths, fetch []string
			for _, part := range p.parts {
				paths = append(paths, pathString(part.Path))
			}
			for _, i := range p.fetch {
				fetch = append(fetch, pathString(p.parts[i].Path))
			}
			if !slices.Equal(paths, tc.wantPaths) || !slices.Equal(fetch, tc.wantFetch) {
				t.Errorf("parts %v fetch %v; want %v fetch %v", paths, fetch, tc.wantPaths, tc.wantFetch)
			}
		})
	}
	p := planParts(&imap.BodyStructureMultiPart{Subtype: "mixed", Children: []imap.BodyStructure{
		text("plain", 1), att("application", "pdf", "A.pdf", 5),
	}}, 1000)
	want := message.Part{Path: []int{2}, MediaType: "application/pdf", Encoding: "base64", Size: 5,
		Disposition: "attachment", DispositionParams: map[string]string{"filename": "A.pdf"}}
	got := p.parts[1]
	if !slices.Equal(got.Path, want.Path) || got.MediaType != want.MediaType || got.Disposition != want.Disposition ||
		got.DispositionParams["filename"] != "A.pdf" || got.Encoding != "base64" || got.Size != 5 || got.Body != nil {
		t.Errorf("part = %+v, want %+v", got, want)
	}
	if p.parts[0].Params["charset"] != "utf-8" {
		t.Errorf("params keys not lower-cased: %v", p.parts[0].Params)
	}
	if s := section(message.Part{Path: []int{3}, MediaType: "message/rfc822"}); s.Specifier != imap.PartSpecifierHeader || !s.Peek {
		t.Errorf("attached message section = %+v", s)
	}
}

func TestTrimMsgIDAndHeader(t *testing.T) {
	h := parseHeader([]byte("Message-ID:\r\n <abc@x>\r\nX-Relance-Draft: d-1\r\n"))
	if got := trimMsgID(h.Get("Message-Id")); got != "abc@x" {
		t.Errorf("Message-ID = %q", got)
	}
	if got := h.Get(DraftHeader); got != "d-1" {
		t.Errorf("draft header = %q", got)
	}
	if h := parseHeader(nil); h == nil || h.Get("x") != "" {
		t.Errorf("empty header = %v", h)
	}
	if h := parseHeader([]byte("garbage without colon\r\n")); h == nil {
		t.Error("nil header on garbage")
	}
}

// A draft's header carries its id and gives it back; a value nobody wrote
// for a draft gives none.
func TestDraftHeaderValue(t *testing.T) {
	for _, id := range []int64{1, 42, 1 << 40} {
		if got, ok := ParseDraftHeader(" " + DraftHeaderValue(id) + "\r\n"); !ok || got != id {
			t.Errorf("draft %d: read back %d, %v", id, got, ok)
		}
	}
	for _, v := range []string{"", "  ", "abc", "12a", "1.5"} {
		if id, ok := ParseDraftHeader(v); ok {
			t.Errorf("%q read as draft %d", v, id)
		}
	}
}
