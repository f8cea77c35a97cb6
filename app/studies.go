package app

import (
	"github.com/gofiber/fiber/v2"
)

func (s *Server) listStudies(c *fiber.Ctx) error {
	studies, err := s.store.ListStudies(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(studies)
}

func (s *Server) studiesPage(c *fiber.Ctx) error {
	studies, err := s.store.ListStudies(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return s.render(c, "studies", fiber.Map{"Title": "Studies", "Studies": studies})
}
