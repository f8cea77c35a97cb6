package app

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
)

// The pages at the end of a survey, and the way there.

// drawEnd shows a page with nothing left to answer: thanks, screened out,
// closed, not found. sv is nil for a survey that does not exist; redirect
// sends the respondent on to a panel; preview is the study id when a
// researcher previews. Shown for a real survey, it tells survey.js to forget
// the response on this device.
func (s *Server) drawEnd(c *fiber.Ctx, sv *fieldwork.Survey, key, redirect string, preview int64) error {
	lang, title, slug := "en", "", ""
	if sv != nil {
		lang, title, slug = sv.Language, sv.Title, sv.Slug
	}
	msg := surveys.Msg(lang, key)
	if key == "thanks" && sv != nil && strings.TrimSpace(sv.Thanks) != "" {
		msg = sv.Thanks
	}
	if title == "" {
		title = msg
	}
	data := fiber.Map{"Lang": lang, "Title": title, "Heading": title, "Message": msg,
		"Kind": key, "Redirect": redirect, "M": messages(lang), "Slug": slug}
	if preview != 0 {
		data["Preview"] = surveys.Msg(lang, "preview")
		data["StudyID"] = preview
		data["Slug"] = ""
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("survey_end", data, "survey_layout")
}

// endKey is the end page of a finished response; endURL shows it. The end
// page is drawn from the address alone: the device has forgotten the response.
func endKey(status string) string {
	if status == surveys.ScreenedOut || status == surveys.QuotaFull {
		return status
	}
	return "thanks"
}

// endKeys are the end pages ?end= may ask for.
var endKeys = []string{"thanks", surveys.ScreenedOut, surveys.QuotaFull}

// panelDone answers a panel id that has finished the survey already: 409,
// with a page that says so. The device forgets what it held.
func (s *Server) panelDone(c *fiber.Ctx, sv *fieldwork.Survey) error {
	s.clearResume(c, sv.Slug)
	c.Status(fiber.StatusConflict)
	return s.drawEnd(c, sv, "panel_done", "", 0)
}

func endURL(slug, status string) string { return "/s/" + slug + "?end=" + endKey(status) }

// afterSave moves on: to the next step, or to the end page once the response
// is complete or screened out, which the device then forgets. A panel's
// redirect is drawn as a page that forwards, since the form-action policy
// would refuse a redirect off-site.
func (s *Server) afterSave(c *fiber.Ctx, sv *fieldwork.Survey, res *fieldwork.SubmitResult, next string) error {
	if res.Status == surveys.InProgress {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	s.clearResume(c, sv.Slug)
	if res.Redirect != "" {
		return s.drawEnd(c, sv, endKey(res.Status), res.Redirect, 0)
	}
	return c.Redirect(endURL(sv.Slug, res.Status), fiber.StatusSeeOther)
}
