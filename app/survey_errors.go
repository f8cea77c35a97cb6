package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
)

// respondentError draws an error met on a respondent's page (/s/{slug}...)
// in the survey's own layout and language, with a way back to the survey,
// instead of the researcher's error page: a respondent has no account to go
// back to and may not read English. It reports false for any other path.
// ref is the request id, shown for errors on our side.
func (s *Server) respondentError(c *fiber.Ctx, code int, ref string) (bool, error) {
	slug, ok := strings.CutPrefix(c.Path(), "/s/")
	slug, _, _ = strings.Cut(slug, "/")
	if !ok || slug == "" {
		return false, nil
	}
	// The error may be the database itself: ask it briefly, and fall back
	// to English without the survey's title.
	ctx, cancel := context.WithTimeout(c.UserContext(), 500*time.Millisecond)
	defer cancel()
	sv, _ := s.fieldwork.CachedSurvey(ctx, slug) // a closed survey comes with ErrClosed
	lang, title := "en", ""
	if sv != nil {
		lang, title = sv.Language, sv.Title
	}
	key := "error_500"
	switch {
	case code == fiber.StatusNotFound:
		key = "not_found"
	case code == fiber.StatusTooManyRequests:
		key = "error_429"
	case code < 500:
		key = "error_400"
	}
	if title == "" {
		title = surveys.Msg(lang, "error")
	}
	data := fiber.Map{"Lang": lang, "Title": title, "Heading": title, "Message": surveys.Msg(lang, key),
		"Kind": "error", "M": messages(lang), "Back": "/s/" + slug}
	if code >= 500 && ref != "" {
		data["Ref"] = fmt.Sprintf(surveys.Msg(lang, "error_ref"), ref)
	}
	c.Status(code)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return true, c.Render("survey_end", data, "survey_layout")
}
