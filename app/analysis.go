package app

import (
	"github.com/gofiber/fiber/v2"

	"odi/surveys/results"
)

// opportunityQuery reads ?segment_by=KEY&filter=KEY:VALUE...&include_partial=1.
func opportunityQuery(c *fiber.Ctx) (results.OpportunityQuery, error) {
	var filters []string
	for _, raw := range c.Context().QueryArgs().PeekMulti("filter") {
		filters = append(filters, string(raw))
	}
	return results.ParseQuery(c.Query("segment_by"), filters, c.QueryBool("include_partial"))
}

// studyOpportunities scores the study a request names the way its query
// asks, for the opportunities API and the exports of them.
func (s *Server) studyOpportunities(c *fiber.Ctx) (results.OpportunityQuery, *results.Opportunities, error) {
	q, err := opportunityQuery(c)
	if err != nil {
		return q, nil, err
	}
	opps, err := s.results.Opportunities(c.UserContext(), designOf(c), q)
	return q, opps, err
}

func (s *Server) opportunities(c *fiber.Ctx) error {
	_, res, err := s.studyOpportunities(c)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) discoverSegments(c *fiber.Ctx) error {
	var in results.DiscoverInput
	if len(c.Body()) > 0 {
		if err := decode(c, &in); err != nil {
			return err
		}
	}
	res, err := s.results.Discover(c.UserContext(), designOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
