// Package pdftest reads back the text of the PDFs package pdfdoc writes, for tests: the page
// streams are inflated and the strings of their Tj operators decoded from cp1252, so a test
// can assert what a reader of the printed page sees.
package pdftest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// streamRE finds a stream by its dictionary's /Length (the data may hold anything).
var streamRE = regexp.MustCompile(`/Length (\d+)[^>]*>>\r?\nstream\r?\n`)

// Pages returns the text of each content stream (one per page, in order), one line per Tj.
// Streams that are not zlib-compressed are read as they are.
func Pages(pdf []byte) ([]string, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, fmt.Errorf("not a PDF: %.20q", pdf)
	}
	var pages []string
	for _, m := range streamRE.FindAllSubmatchIndex(pdf, -1) {
		n, err := strconv.Atoi(string(pdf[m[2]:m[3]]))
		if err != nil || m[1]+n > len(pdf) {
			return nil, fmt.Errorf("bad stream length at %d", m[0])
		}
		data := pdf[m[1] : m[1]+n]
		if zr, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
			inflated, err := io.ReadAll(zr)
			if err != nil {
				return nil, fmt.Errorf("inflate stream: %w", err)
			}
			data = inflated
		}
		if !bytes.Contains(data, []byte(" Tj")) && !bytes.Contains(data, []byte("BT")) {
			continue // a font, an image: no page text
		}
		pages = append(pages, strings.Join(strs(data), "\n"))
	}
	return pages, nil
}

// Text is the text of every page, pages separated by a form feed.
func Text(pdf []byte) (string, error) {
	ps, err := Pages(pdf)
	return strings.Join(ps, "\f"), err
}

// strs decodes the (…) Tj strings of a content stream.
func strs(b []byte) []string {
	var out []string
	for i := 0; i < len(b); i++ {
		if b[i] != '(' {
			continue
		}
		var s []byte
		depth := 1
		j := i + 1
		for ; j < len(b) && depth > 0; j++ {
			c := b[j]
			switch {
			case c == '\\' && j+1 < len(b):
				j++
				switch e := b[j]; e {
				case 'n':
					s = append(s, '\n')
				case 'r':
					s = append(s, '\r')
				case 't':
					s = append(s, '\t')
				case 'b':
					s = append(s, '\b')
				case 'f':
					s = append(s, '\f')
				default:
					if e >= '0' && e <= '7' {
						v, k := 0, 0
						for k < 3 && j+k < len(b) && b[j+k] >= '0' && b[j+k] <= '7' {
							v = v*8 + int(b[j+k]-'0')
							k++
						}
						j += k - 1
						s = append(s, byte(v))
					} else {
						s = append(s, e)
					}
				}
			case c == '(':
				depth++
				s = append(s, c)
			case c == ')':
				depth--
				if depth > 0 {
					s = append(s, c)
				}
			default:
				s = append(s, c)
			}
		}
		rest := bytes.TrimLeft(b[j:], " ")
		if bytes.HasPrefix(rest, []byte("Tj")) {
			out = append(out, decode1252(s))
		}
		i = j - 1
	}
	return out
}

// cp1252 0x80–0x9F; the rest of the upper half is Latin-1.
var high = []rune("€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ")

func decode1252(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xa0:
			sb.WriteRune(high[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}
