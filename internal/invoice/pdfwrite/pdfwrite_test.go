package pdfwrite

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

func write(t *testing.T, d Doc) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func TestWriteTextReadable(t *testing.T) {
	lines := []string{"Facture n° F-2026-0142", "Montant TTC : 1 234,56 €", "Échéance à 30 jours (ça, là)", `back\slash`}
	data := write(t, Doc{Title: "Facture F-2026-0142", Lines: lines})
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("pdf.NewReader: %v", err)
	}
	if n := r.NumPage(); n != 1 {
		t.Fatalf("NumPage = %d, want 1", n)
	}
	rd, err := r.GetPlainText()
	if err != nil {
		t.Fatalf("GetPlainText: %v", err)
	}
	text, _ := io.ReadAll(rd)
	for _, l := range lines {
		if !strings.Contains(string(text), l) {
			t.Errorf("text %q lacks %q", text, l)
		}
	}
	if got := r.Trailer().Key("Info").Key("Title").Text(); got != "Facture F-2026-0142" {
		t.Errorf("Title = %q", got)
	}
}

func TestWriteManyPages(t *testing.T) {
	var lines []string
	for i := 0; i < 3*linesPerPage+1; i++ {
		lines = append(lines, "ligne")
	}
	data := write(t, Doc{Lines: lines})
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("pdf.NewReader: %v", err)
	}
	if n := r.NumPage(); n != 4 {
		t.Fatalf("NumPage = %d, want 4", n)
	}
}

func TestWriteEmbeddedFiles(t *testing.T) {
	xml := []byte(`<?xml version="1.0" encoding="UTF-8"?><rsm:CrossIndustryInvoice/>`)
	data := write(t, Doc{
		Lines: []string{"Invoice"},
		Attachments: []File{
			{Name: "zz-notes.txt", MIME: "text/plain", Data: []byte("notes"), Relationship: "Supplement"},
			{Name: "factur-x.xml", MIME: "text/xml", Data: xml, Relationship: "Data"},
		},
		PadBytes: 40 << 10,
	})
	if len(data) < 40<<10 {
		t.Errorf("size %d below PadBytes", len(data))
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("pdf.NewReader: %v", err)
	}
	root := r.Trailer().Key("Root")
	names := root.Key("Names").Key("EmbeddedFiles").Key("Names")
	if names.Len() != 4 {
		t.Fatalf("name tree has %d entries, want 4", names.Len())
	}
	if got := names.Index(0).Text(); got != "factur-x.xml" {
		t.Errorf("first name %q, want factur-x.xml (sorted)", got)
	}
	spec := names.Index(1)
	if got := spec.Key("AFRelationship").Name(); got != "Data" {
		t.Errorf("AFRelationship = %q", got)
	}
	if got := spec.Key("EF").Key("F").Key("Subtype").Name(); got != "text/xml" {
		t.Errorf("Subtype = %q", got)
	}
	rc := spec.Key("EF").Key("F").Reader()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read embedded: %v", err)
	}
	if !bytes.Equal(got, xml) {
		t.Errorf("embedded = %q", got)
	}
	if root.Key("AF").Len() != 2 {
		t.Errorf("AF has %d entries", root.Key("AF").Len())
	}
	meta, _ := io.ReadAll(root.Key("Metadata").Reader())
	if !bytes.Contains(meta, []byte("<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>")) {
		t.Errorf("XMP lacks the Factur-X file name: %s", meta)
	}
}

func TestWriteDeterministic(t *testing.T) {
	d := Doc{Title: "Été", Lines: []string{"a", "b"}, Attachments: []File{{Name: "factur-x.xml", Data: []byte("<x/>")}}, PadBytes: 1000}
	if !bytes.Equal(write(t, d), write(t, d)) {
		t.Error("two writes of the same Doc differ")
	}
}

// TestXrefOffsets checks every xref entry points at its "N 0 obj" line,
// which strict readers require even when lenient ones would rebuild it.
func TestXrefOffsets(t *testing.T) {
	data := write(t, Doc{Lines: []string{"x"}, Attachments: []File{{Name: "a.xml", Data: []byte("<a/>")}}, PadBytes: 300})
	i := bytes.LastIndex(data, []byte("\nxref\n"))
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(data[i:], -1)
	if len(entries) == 0 {
		t.Fatal("no xref entries")
	}
	for n, e := range entries {
		var off int
		for _, c := range e[1] {
			off = off*10 + int(c-'0')
		}
		prefix := []byte(strconv.Itoa(n+1) + " 0 obj")
		if !bytes.HasPrefix(data[off:], prefix) {
			t.Errorf("xref entry %d -> %q", n+1, data[off:off+12])
		}
	}
}

func TestWriteRejects(t *testing.T) {
	for name, d := range map[string]Doc{
		"negative pad": {PadBytes: -1},
		"unnamed file": {Attachments: []File{{Data: []byte("x")}}},
		"bad relation": {Attachments: []File{{Name: "a", Relationship: "Owner"}}},
	} {
		if err := Write(io.Discard, d); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestContentIsFlate(t *testing.T) {
	data := write(t, Doc{Lines: []string{"Hello"}})
	i := bytes.Index(data, []byte("/Filter /FlateDecode /Length"))
	if i < 0 {
		t.Fatal("content stream not FlateDecode")
	}
	s := bytes.Index(data[i:], []byte("stream\n")) + i + len("stream\n")
	zr, err := zlib.NewReader(bytes.NewReader(data[s:]))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := io.ReadAll(zr)
	if !bytes.Contains(c, []byte("(Hello) Tj")) {
		t.Errorf("content = %q", c)
	}
}
