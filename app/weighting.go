package app

import (
	"github.com/gofiber/fiber/v2"

	"odi/surveys/results"
)

// putWeighting is PUT /api/v1/studies/{id}/weighting: rake to the targets
// sent and keep them, answering how the weights came out.
func (s *Server) putWeighting(c *fiber.Ctx) error {
	var in results.WeightingInput
	if err := decode(c, &in); err != nil {
		return err
	}
	res, err := s.results.SetWeighting(c.UserContext(), designOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// getWeighting is GET /api/v1/studies/{id}/weighting: the targets and how
// the responses so far rake to them; null when the study is not weighted.
func (s *Server) getWeighting(c *fiber.Ctx) error {
	st, err := s.results.WeightingStatus(c.UserContext(), designOf(c))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// deleteWeighting is DELETE /api/v1/studies/{id}/weighting; removing a
// weighting that is not there is no error, as deleting twice leaves the
// same state.
func (s *Server) deleteWeighting(c *fiber.Ctx) error {
	if err := s.results.DeleteWeighting(c.UserContext(), designOf(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
