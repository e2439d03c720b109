package exchange_test

import (
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
)

// An uploaded asset register is outside input: whatever the bytes, ReadTable and ParseAssets
// answer rows or an invalid file or rows (each naming its line), never a panic or another
// kind of error.
func FuzzParseAssets(f *testing.F) {
	f.Add([]byte("Namn;Typ av tillgång;Organisationsenhet;Konfidentialitet\nElevregister;Informationsmängd;Skolan;3 Hög\n"))
	f.Add([]byte("\uFEFFTitle,Asset kind,Org unit\nX,system,IT\nX,system,IT\n"))
	f.Add([]byte("Namn\n\"oavslutat\n"))
	f.Add([]byte("Namn;Okänd\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := exchange.ReadTable(b, 100)
		if err == nil {
			if len(rows) > 101 {
				t.Fatalf("%d rows read with a limit of 100", len(rows))
			}
			ps, perr := exchange.ParseAssets(rows)
			for _, p := range ps {
				if p.Name == "" || p.Line < 2 {
					t.Fatalf("row without name or line: %+v", p)
				}
			}
			err = perr
		}
		if err != nil && domain.AsError(err).Code != domain.EInvalid {
			t.Fatalf("error %v", err)
		}
	})
}
