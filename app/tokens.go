package app

import (
	"github.com/gofiber/fiber/v2"
)

// The API tokens page: a researcher makes and revokes tokens for scripts.

func (s *Server) tokensPage(c *fiber.Ctx) error {
	return s.renderTokens(c, "")
}

func (s *Server) renderTokens(c *fiber.Ctx, newToken string) error {
	ts, err := s.accounts.ListTokens(c.UserContext(), userOf(c).ID)
	if err != nil {
		return err
	}
	return s.render(c, "tokens", fiber.Map{"Title": "API tokens", "Tokens": ts, "NewToken": newToken})
}

func (s *Server) createToken(c *fiber.Ctx) error {
	plain, _, err := s.accounts.CreateToken(c.UserContext(), userOf(c).ID, c.FormValue("name"))
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return s.renderTokens(c, plain)
}

func (s *Server) revokeToken(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.accounts.RevokeToken(c.UserContext(), userOf(c).ID, id); err != nil {
		return err
	}
	return c.Redirect("/settings/tokens", fiber.StatusSeeOther)
}
