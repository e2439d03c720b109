package web

import (
	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
)

// Lists page by keyset: the store is asked for one row more than a page, and that extra row
// says whether there is a next page, whose URL is this request's with a new ?after=.

// page cuts rows (fetched with limit+1) to limit and returns the next page's URL of list
// ("" on the last page); key is the sort key and id of a row.
func page[T any](c *gin.Context, list string, rows []T, limit int, key func(T) domain.Cursor) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	q := c.Request.URL.Query()
	q.Set("after", domain.EncodeCursor(list, key(rows[len(rows)-1])))
	return rows, c.Request.URL.Path + "?" + q.Encode()
}

// pageQuery reads a list's paging parameters: limit (domain.ParseLimit) and after (a cursor
// of list), each problem added to p under the parameter's name.
func pageQuery(c *gin.Context, list string, p domain.Problems) (int, *domain.Cursor) {
	limit, err := domain.ParseLimit(c.Query("limit"))
	if err != nil {
		p.Add("limit", "err.limit")
	}
	after, err := domain.ParseCursor(list, c.Query("after"))
	if err != nil {
		p.Add("after", "err.cursor")
	}
	return limit, after
}

// fetchPage is one page of list: fetch reads one row more than limit (the one past the page
// says there is a next), and the page comes with the next page's URL ("" on the last).
func fetchPage[T any](c *gin.Context, list string, limit int, fetch func(n int) ([]T, error), key func(T) domain.Cursor) ([]T, string, error) {
	rows, err := fetch(limit + 1)
	if err != nil {
		return nil, "", err
	}
	rows, next := page(c, list, rows, limit, key)
	return rows, next, nil
}

// paged reports whether a list page is one of several: there is a next page (next, from page)
// or this one came after another.
func paged(c *gin.Context, next string) bool { return next != "" || c.Query("after") != "" }

// linkNext names the next page of an API list in a Link header (RFC 8288).
func linkNext(c *gin.Context, next string) {
	if next != "" {
		c.Header("Link", "<"+next+`>; rel="next"`)
	}
}
