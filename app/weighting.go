package app

import (
	"github.com/gofiber/fiber/v2"
)

// deleteWeighting is DELETE /api/v1/studies/{id}/weighting; removing a
// weighting that is not there is no error, as deleting twice leaves the
// same state.
func (s *Server) deleteWeighting(c *fiber.Ctx) error {
	return noContent(c, s.results.DeleteWeighting(c.UserContext(), designOf(c)))
}
