package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A notice says once, on the page a form's redirect lands on, what the form
// did: "Saved.", "Imported 12 outcomes.". The redirect sets a short-lived
// cookie holding the notice's key (never text from the request), and the
// next page drawn shows it and clears the cookie, so the address stays
// clean and a reload does not say it again.

const noticeCookie = "odi_notice"

var notices = map[string]string{
	"saved":   "Saved.",
	"deleted": "Deleted.",
	"revoked": "Revoked: the link no longer opens the report.",
	// The lifecycle buttons, by action.
	"publish": "Published: the survey link takes responses.",
	"close":   "Closed: the survey link no longer takes responses.",
	"reopen":  "Reopened: the survey link takes responses again.",
}

// flash sets the notice the next page shows: a key of notices, or
// "imported.N".
func (s *Server) flash(c *fiber.Ctx, key string) {
	c.Cookie(&fiber.Cookie{Name: noticeCookie, Value: key, Path: "/", MaxAge: 60, Expires: time.Now().Add(time.Minute),
		HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.Secure()})
}

// takeNotice is the notice a redirect left for this page, "" for none; it
// clears the cookie.
func (s *Server) takeNotice(c *fiber.Ctx) string {
	key := c.Cookies(noticeCookie)
	if key == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: noticeCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.Secure()})
	if n, ok := strings.CutPrefix(key, "imported."); ok {
		if n, err := strconv.Atoi(n); err == nil && n > 0 {
			return fmt.Sprintf("Imported %d outcome%s: every row of the file was added.", n, plural(n))
		}
		return ""
	}
	return notices[key]
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
