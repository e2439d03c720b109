package exchange_test

import (
	"bytes"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
)

// An uploaded workbook is outside input: whatever the bytes, ReadXLSX answers rows or a
// domain error (invalid), never a panic or another kind of error.
func FuzzReadXLSX(f *testing.F) {
	fx := newFixture(f)
	valid := exportXLSX(f, fx, fx.soa(), "sv")
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("Id,Titel\n5.1,x\n"))
	f.Add([]byte{})
	f.Add(blankRows(3, true).bytes(f))
	f.Add(hugeCell(40).bytes(f))
	f.Add(rows(`<!-- x --><row r="3"><c r="E3" t="inlineStr"><is><t><![CDATA[<b>]]></t></is></c></row><?pi x?>`).bytes(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := exchange.ReadXLSX(bytes.NewReader(b), exchange.MaxRows)
		if err != nil {
			e := domain.AsError(err)
			if e.Code != domain.EInvalid {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(rows) > exchange.MaxRows {
			t.Fatalf("%d rows", len(rows))
		}
	})
}

// The checks read a sheet's XML themselves, before excelize does: whatever the rows of the
// sheet, ReadXLSX answers rows or an invalid file, never a panic or another kind of error.
func FuzzXLSXSheet(f *testing.F) {
	f.Add(`<row r="3"><c r="A3" t="inlineStr"><is><t>5.2</t></is></c><c r="D3" t="inlineStr"><is><t>Nej</t></is></c><c r="E3" t="str"><v>x</v></c></row>`)
	f.Add(`<!-- <row/> --><?x <row/> ?><row r="3"><c r="E3" t="inlineStr"><is><t><![CDATA[<]]]]></t></is></c></row>`)
	f.Add(`<row r="1048577"/>`)
	f.Add(`<!DOCTYPE x [<!ENTITY a "b">]>`)
	f.Add(`<row><c r="XFD3"><f>1</f><v>1</v></c></row><row r="99999999999999999999"/>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		got, err := exchange.ReadXLSX(bytes.NewReader(rows(sheet).bytes(t)), exchange.MaxRows)
		if err != nil {
			if e := domain.AsError(err); e.Code != domain.EInvalid {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(got) > exchange.MaxRows {
			t.Fatalf("%d rows", len(got))
		}
	})
}
