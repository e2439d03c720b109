package pdfdoc_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/pdfdoc"
	"github.com/lisa-isms/lisa/internal/pdfdoc/pdftest"
)

func write(t testing.TB, d *pdfdoc.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// What a reader of the printed plan sees: the Swedish letters as typed, every part in order,
// and "Sida n av N" on every page with the right count.
func TestDocumentText(t *testing.T) {
	at := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	d := pdfdoc.New(pdfdoc.Options{Title: "Kontinuitetsplan: Hemtjänstens planering", GeneratedAt: at})
	d.Heading("Återställning")
	d.Paragraph("Reservrutin: använd pappersblanketter på kontoret i Älvsjö; ring växeln.\nAndra raden – med tankstreck och €.")
	d.KeyValues([]pdfdoc.KV{{Key: "Maximal avbrottstid (MTPD)", Value: "72 timmar"}, {Key: "Ägare", Value: "Åsa Öberg"}})
	d.Heading("Kontaktlista")
	rows := [][]string{}
	for i := range 120 {
		rows = append(rows, []string{fmt.Sprintf("Person %d Ökvist", i), "Enhetschef", "070-123 45 67", "person@exempel.se"})
	}
	d.Table([]string{"Namn", "Roll", "Telefon", "E-post"}, rows, []float64{3, 2, 2, 3})
	d.List([]string{"Starta reservservern", "Kontrollera säkerhetskopian"}, true)
	pdf := write(t, d)
	pages, err := pdftest.Pages(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 3 {
		t.Fatalf("%d pages; 120 contacts should need at least 3", len(pages))
	}
	all := strings.Join(pages, "\n")
	for _, want := range []string{"Kontinuitetsplan: Hemtjänstens planering", "Utskriven 2026-12-02 10:30", "Återställning", "Kontaktlista",
		"använd pappersblanketter på kontoret i Älvsjö; ring växeln.", "Andra raden – med tankstreck och €.", "Åsa Öberg",
		"Person 119 Ökvist", "1.", "Kontrollera säkerhetskopian"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	for i, p := range pages {
		if want := fmt.Sprintf("Sida %d av %d", i+1, len(pages)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
	// Every page after the first repeats the table header where the table runs on.
	if !strings.Contains(pages[1], "Namn") || !strings.Contains(pages[1], "Kontinuitetsplan: Hemtjänstens planering") {
		t.Errorf("page 2 lacks the running title or the table header:\n%s", pages[1])
	}
	// One input makes one file (the creation date is the generated-at time).
	d2 := pdfdoc.New(pdfdoc.Options{Title: "x", GeneratedAt: at})
	d3 := pdfdoc.New(pdfdoc.Options{Title: "x", GeneratedAt: at})
	if a, b := write(t, d2), write(t, d3); !bytes.Equal(a, b) {
		t.Errorf("two writes of one document differ:\n%q\n%q", a, b)
	}
}

// Labels in English, and the sections of a unit's plans each start a page.
func TestDocumentLabels(t *testing.T) {
	d := pdfdoc.New(pdfdoc.Options{Title: "Plans", PageLabel: "Page %d of %s", GeneratedLabel: "Printed", GeneratedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Location: time.UTC})
	d.Section("First plan")
	d.Section("Second plan")
	text, err := pdftest.Text(write(t, d))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Page 3 of 3") || !strings.Contains(text, "Printed 2026-01-01 00:00") || strings.Count(text, "\f") != 2 {
		t.Errorf("labels or sections wrong:\n%s", text)
	}
}

// Whatever people type never breaks the PDF: control characters, emoji, other scripts, very
// long words and invalid UTF-8 print as "?" or nothing, and the rest stays readable.
func TestDocumentArbitraryText(t *testing.T) {
	long := strings.Repeat("Överförmyndarnämndsadministrationsprocessen", 30)
	for name, s := range map[string]string{
		"control":  "a\x00b\x01c\x1b[31md\u202eé\u200b",
		"emoji":    "Brand 🔥 i serverhallen 👩‍🚒",
		"scripts":  "Привет 你好 مرحبا ÅÄÖ",
		"long":     long,
		"invalid":  "ok \xff\xfe slut",
		"empty":    "",
		"newlines": "\n\n\r\n\t\n",
		"parens":   `(a) \b) ((c`,
	} {
		t.Run(name, func(t *testing.T) {
			d := pdfdoc.New(pdfdoc.Options{Title: s})
			d.Heading(s)
			d.Paragraph(s)
			d.Note(s)
			d.KeyValues([]pdfdoc.KV{{Key: s, Value: s}})
			d.Table([]string{s, "b"}, [][]string{{s, s}, {s}}, nil)
			d.List([]string{s}, false)
			text, err := pdftest.Text(write(t, d))
			if err != nil {
				t.Fatal(err)
			}
			switch name {
			case "emoji":
				if !strings.Contains(text, "Brand ? i serverhallen") {
					t.Errorf("emoji: %q", text)
				}
			case "scripts":
				if !strings.Contains(text, "ÅÄÖ") {
					t.Errorf("scripts: %q", text)
				}
			case "control":
				if !strings.Contains(text, "abc[31mdé") {
					t.Errorf("control: %q", text)
				}
			case "long":
				if strings.Contains(text, long[:200]) || !strings.Contains(text, "Överförmyndarnämnds") {
					t.Errorf("a word wider than the page is not broken")
				}
			case "parens":
				if !strings.Contains(text, `(a) \b) ((c`) {
					t.Errorf("parens: %q", text)
				}
			}
		})
	}
}

func FuzzDocument(f *testing.F) {
	f.Add("Återställning 🔥 \x00\n(x", 3)
	f.Add(strings.Repeat("å", 500), 1)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n%5 + 1
		d := pdfdoc.New(pdfdoc.Options{Title: s})
		for range n {
			d.Heading(s)
			d.Paragraph(s)
			d.Table([]string{s}, [][]string{{s, s}}, []float64{-1})
		}
		if _, err := pdftest.Text(write(t, d)); err != nil {
			t.Fatal(err)
		}
	})
}
