package app

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// The Share tab: the study's share links for stakeholders, made and revoked.

type shareView struct {
	results.Share
	State string
}

func (s *Server) showShares(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	shares, err := s.results.Shares(c.UserContext(), d)
	if err != nil {
		return err
	}
	choices, err := s.results.Splits(c.UserContext(), d)
	if err != nil {
		return err
	}
	now := time.Now()
	views := make([]shareView, len(shares))
	for i, sh := range shares {
		views[i] = shareView{Share: sh, State: "active"}
		switch {
		case sh.RevokedAt != nil:
			views[i].State = "revoked"
		case sh.ExpiresAt != nil && !sh.ExpiresAt.After(now):
			views[i].State = "expired"
		}
	}
	data["Shares"], data["Choices"] = views, choices
	if _, ok := data["Form"]; !ok {
		data["Form"] = shareForm{}
	}
	return s.analysisPage(c, d, "share", data)
}

type shareForm struct {
	Name, Expires, SegmentBy string
	Raw                      bool
}

func (s *Server) createSharePage(c *fiber.Ctx) error {
	d, err := designOf(c), error(nil)
	f := shareForm{Name: c.FormValue("name"), Expires: strings.TrimSpace(c.FormValue("expires")), SegmentBy: c.FormValue("segment_by"), Raw: c.FormValue("include_responses") != ""}
	in := results.ShareInput{Name: f.Name, SegmentBy: f.SegmentBy, IncludeResponses: f.Raw}
	if f.Expires != "" {
		t, perr := time.Parse("2006-01-02", f.Expires)
		if perr != nil {
			err = problem.Invalid("expires_at", "must be a date like 2027-01-31")
		} else {
			end := t.Add(24*time.Hour - time.Second) // the link works through the whole day
			in.ExpiresAt = &end
		}
	}
	var token string
	if err == nil {
		token, _, err = s.results.CreateShare(c.UserContext(), userOf(c), d, in)
	}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showShares(c, d, fiber.Map{"Fields": ve.Fields, "Form": f})
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return s.showShares(c, d, fiber.Map{"NewURL": s.baseURL() + "/r/" + token})
}

// shareRevoked answers the Share tab's revoke button once revokeShare has
// revoked the link as the API's DELETE does. The tab is no editor, so what
// went wrong is the error page, not formDone's.
func (s *Server) shareRevoked(c *fiber.Ctx, err error) error {
	if err != nil {
		return err
	}
	s.flash(c, "revoked")
	return c.Redirect(studyPath(designOf(c).Study.ID, "share"), fiber.StatusSeeOther)
}
