package app

import (
	"github.com/gofiber/fiber/v2"

	"odi/surveys"
)

type shareLink struct {
	surveys.Share
	Token string `json:"token,omitempty"`
	URL   string `json:"url,omitempty"`
}

func (s *Server) createShare(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in surveys.ShareInput
	if err := decode(c, &in); err != nil {
		return err
	}
	token, sh, err := s.store.CreateShare(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(shareLink{Share: *sh, Token: token, URL: s.baseURL() + "/r/" + token})
}
