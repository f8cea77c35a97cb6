package app

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// defaultHalfWidth is the precision the Fieldwork tab plans for until the
// researcher asks for another: ±1 point on the 0–10 scale.
const defaultHalfWidth = 1.0

// halfWidth reads ?half_width=, a number of points; def when it is absent.
func halfWidth(c *fiber.Ctx, def float64) (float64, error) {
	raw := c.Query("half_width")
	if raw == "" {
		if def > 0 {
			return def, nil
		}
		return 0, problem.Invalid("half_width", "give the interval's half-width in points, e.g. ?half_width=1 for ±1 point")
	}
	h, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return 0, problem.Invalid("half_width", fmt.Sprintf("%q is not a number", raw))
	}
	return h, nil
}

// sampleSize is GET /api/v1/studies/{id}/sample-size?half_width=H.
func (s *Server) sampleSize(c *fiber.Ctx) error {
	h, err := halfWidth(c, 0)
	if err != nil {
		return err
	}
	res, err := s.results.SampleSize(c.UserContext(), designOf(c), h, c.Query("segment_by"))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// sampleView is the Fieldwork tab's progress toward the sample size.
type sampleView struct {
	HalfWidth  string
	PerGroup   int
	Detectable string // "" until two groups have respondents
	Splits     []splitProgress
}

type splitProgress struct {
	Key, Label string
	Groups     []groupProgress
}

type groupProgress struct {
	ID, Label string
	N, Target int
	Met       bool
}

// sampleSizeOnFieldwork fills the Fieldwork tab's "Sample size": the target
// per group for the half-width asked (a bad one is reported beside its
// field, and the default used) and every group's progress toward it.
func (s *Server) sampleSizeOnFieldwork(c *fiber.Ctx, d *surveys.Design, data fiber.Map, bad *problem.List) error {
	ctx := c.UserContext()
	h, err := halfWidth(c, defaultHalfWidth)
	var size *results.SampleSize
	if err == nil {
		size, err = s.results.SampleSize(ctx, d, h, "")
	}
	if err := bad.Merge(err); err != nil {
		return err
	}
	if size == nil {
		h = defaultHalfWidth
		if size, err = s.results.SampleSize(ctx, d, h, ""); err != nil {
			return err
		}
	}
	progress, err := s.results.Progress(ctx, d)
	if err != nil {
		return err
	}
	v := &sampleView{HalfWidth: strconv.FormatFloat(h, 'f', -1, 64), PerGroup: size.PerGroup}
	if dd := size.DetectableDifference; dd != nil {
		v.Detectable = two(*dd)
	}
	for _, sp := range progress {
		p := splitProgress{Key: sp.Key, Label: sp.Label}
		for i, g := range sp.Progress {
			p.Groups = append(p.Groups, groupProgress{ID: fmt.Sprintf("ss-%s-%d", sp.Key, i), Label: g.Label, N: g.N, Target: size.PerGroup, Met: g.N >= size.PerGroup})
		}
		v.Splits = append(v.Splits, p)
	}
	data["Sample"], data["HalfWidthRange"] = v, [2]float64{results.MinHalfWidth, results.MaxHalfWidth}
	return nil
}
