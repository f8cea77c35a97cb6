package app

import (
	"github.com/gofiber/fiber/v2"

	"odi/surveys/results"
)

type shareLink struct {
	results.Share
	Token string `json:"token,omitempty"`
	URL   string `json:"url,omitempty"`
}

func (s *Server) createShare(c *fiber.Ctx) error {
	var in results.ShareInput
	if err := decode(c, &in); err != nil {
		return err
	}
	token, sh, err := s.results.CreateShare(c.UserContext(), userOf(c), designOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(shareLink{Share: *sh, Token: token, URL: s.baseURL() + "/r/" + token})
}

// revokeShare serves both ways of revoking a share link: the API's DELETE
// (done is noContent) and the Share tab's button once confirmed (done is
// shareRevoked).
func (s *Server) revokeShare(done func(*fiber.Ctx, error) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sid, err := idParam(c, "share_id")
		if err != nil {
			return err
		}
		return done(c, s.results.RevokeShare(c.UserContext(), designOf(c), sid))
	}
}
