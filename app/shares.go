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
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in results.ShareInput
	if err := decode(c, &in); err != nil {
		return err
	}
	token, sh, err := s.results.CreateShare(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(shareLink{Share: *sh, Token: token, URL: s.baseURL() + "/r/" + token})
}
