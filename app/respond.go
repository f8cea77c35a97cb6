package app

import (
	"mime"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"odi/surveys/fieldwork"
)

// The public respondent API: anyone with the link may answer, nobody may read
// anything but the survey itself and their own response.

func (s *Server) surveyDefinition(c *fiber.Ctx) error {
	sv, err := s.fieldwork.PublicSurvey(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(sv)
}

// jsonOnly refuses a body not declared as JSON (in UTF-8, the only
// charset JSON has). Anyone may post to the respondent API, and a page on
// another site can make a browser post a form or text/plain to it unasked;
// to send application/json it must ask first, and is refused.
func jsonOnly(c *fiber.Ctx) error {
	mediaType, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	ok := err == nil && mediaType == fiber.MIMEApplicationJSON
	for name, value := range params {
		ok = ok && name == "charset" && strings.EqualFold(value, "utf-8")
	}
	if !ok {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "send the submission as JSON, with Content-Type: application/json")
	}
	return c.Next()
}

func (s *Server) submit(c *fiber.Ctx) error {
	var in fieldwork.Submission
	if err := decode(c, &in); err != nil {
		return err
	}
	if c.QueryBool("dry_run") {
		if err := s.fieldwork.Check(c.UserContext(), c.Params("slug"), in); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"valid": true})
	}
	in.From = s.clientIP(c)
	res, created, err := s.fieldwork.Submit(c.UserContext(), c.Params("slug"), in)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(res)
}

func (s *Server) autosave(c *fiber.Ctx) error {
	return serveJSON(c, fiber.StatusOK, func(in fieldwork.Submission) (*fieldwork.SubmitResult, error) {
		return s.fieldwork.Update(c.UserContext(), c.Params("slug"), c.Params("token"), in)
	})
}

// invitationLink is a new invitation with the survey address that carries it.
type invitationLink struct {
	fieldwork.NewInvitation
	URL string `json:"url,omitempty"`
}

func (s *Server) createInvitations(c *fiber.Ctx) error {
	return serveJSON(c, fiber.StatusCreated, func(in fieldwork.InvitationsInput) (map[string][]invitationLink, error) {
		invs, err := s.fieldwork.CreateInvitations(c.UserContext(), designOf(c), in)
		if err != nil {
			return nil, err
		}
		st := designOf(c).Study
		out := make([]invitationLink, len(invs))
		for i, inv := range invs {
			out[i].NewInvitation = inv
			if st.Slug != nil {
				out[i].URL = s.baseURL() + "/s/" + *st.Slug + "?i=" + inv.Token
			}
		}
		return map[string][]invitationLink{"invitations": out}, nil
	})
}

// submitThrottle caps submissions per client address. It counts in this
// instance's memory: a flood is stopped wherever it lands, and sharing the
// counter through the database would cost more than the submission itself.
func (s *Server) submitThrottle() fiber.Handler {
	if s.cfg.SubmitLimit == 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return limiter.New(limiter.Config{
		Max:          s.cfg.SubmitLimit,
		Expiration:   time.Minute,
		KeyGenerator: s.clientIP,
		LimitReached: func(c *fiber.Ctx) error {
			return fiber.NewError(fiber.StatusTooManyRequests, "too many submissions from this address: wait a minute")
		},
	})
}
