package web

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// tFormValues reads the form posting to action on page as a browser would submit it
// unchanged: text inputs and hidden fields with their values, ticked checkboxes, the
// selected option of each select (else its first), textareas' text. Buttons are left out.
func tFormValues(t testing.TB, page []byte, action string) url.Values {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	var form *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if form != nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == "form" {
			if a, _ := attr(n, "action"); a == action {
				if m, _ := attr(n, "method"); strings.EqualFold(m, "post") {
					form = n
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		t.Fatalf("no form posting to %s on the page", action)
	}
	v := url.Values{}
	text := func(n *html.Node) string {
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		return b.String()
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, named := attr(n, "name")
			switch n.Data {
			case "input":
				typ, _ := attr(n, "type")
				val, _ := attr(n, "value")
				_, checked := attr(n, "checked")
				switch {
				case !named, typ == "submit", typ == "button":
				case typ == "checkbox" || typ == "radio":
					if checked {
						v.Add(name, val)
					}
				default:
					v.Add(name, val)
				}
			case "textarea":
				if named {
					v.Add(name, strings.TrimPrefix(text(n), "\n"))
				}
			case "select":
				if named {
					first, chosen := "", ""
					seen, picked := false, false
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type != html.ElementNode || c.Data != "option" {
							continue
						}
						val, ok := attr(c, "value")
						if !ok {
							val = text(c)
						}
						if !seen {
							first, seen = val, true
						}
						if _, sel := attr(c, "selected"); sel {
							chosen, picked = val, true
						}
					}
					if !picked {
						chosen = first
					}
					v.Add(name, chosen)
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return v
}
