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

// paged reports whether a list page is one of several: there is a next page (next, from page)
// or this one came after another.
func paged(c *gin.Context, next string) bool { return next != "" || c.Query("after") != "" }

// linkNext names the next page of an API list in a Link header (RFC 8288).
func linkNext(c *gin.Context, next string) {
	if next != "" {
		c.Header("Link", "<"+next+`>; rel="next"`)
	}
}
