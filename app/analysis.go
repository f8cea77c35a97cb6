package app

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/problem"
	"odi/surveys/results"
)

// opportunityQuery reads ?segment_by=KEY&filter=KEY:VALUE...&include_partial=1&weighted=0.
func opportunityQuery(c *fiber.Ctx) (results.OpportunityQuery, error) {
	var filters []string
	for _, raw := range c.Context().QueryArgs().PeekMulti("filter") {
		filters = append(filters, string(raw))
	}
	q, err := results.ParseQuery(c.Query("segment_by"), filters, c.QueryBool("include_partial"), c.Query("weighted") == "0")
	if w := c.Query("weighted"); w != "" && w != "0" && w != "1" {
		var bad problem.List
		if err := bad.Merge(err); err != nil {
			return q, err
		}
		bad.Add("weighted", fmt.Sprintf("%q: give 0 for the unweighted numbers, 1 (the default) for the study's weighting", w))
		err = bad.Err()
	}
	return q, err
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
