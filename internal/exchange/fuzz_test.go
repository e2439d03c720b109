package exchange_test

import (
	"bytes"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
)

// An uploaded workbook is outside input: whatever the bytes, ReadXLSX answers rows or a
// domain error (invalid or too large), never a panic or another kind of error.
func FuzzReadXLSX(f *testing.F) {
	fx := newFixture(f)
	valid := exportXLSX(f, fx, fx.soa(), "sv")
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("Id,Titel\n5.1,x\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := exchange.ReadXLSX(bytes.NewReader(b), exchange.MaxRows)
		if err != nil {
			e := domain.AsError(err)
			if e.Code != domain.EInvalid && e.Code != domain.ETooLarge {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(rows) > exchange.MaxRows {
			t.Fatalf("%d rows", len(rows))
		}
	})
}
