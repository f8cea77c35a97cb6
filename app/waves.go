package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// otherWave is the study ?with= names, for comparing the request's study
// with it: one the caller may open, else a 422 naming with (a study they
// may not see is reported as one that does not exist). nil when with is
// not given.
func (s *Server) otherWave(c *fiber.Ctx) (*surveys.Design, error) {
	raw := c.Query("with")
	if raw == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, problem.Invalid("with", fmt.Sprintf("%q is not a study id", raw))
	}
	st, err := s.store.Study(c.UserContext(), userOf(c), id)
	if err != nil {
		if errors.Is(err, problem.ErrNotFound) {
			return nil, problem.Invalid("with", fmt.Sprintf("there is no study %d that you can open", id))
		}
		return nil, err
	}
	return s.store.DesignOf(c.UserContext(), st)
}

// compareWaves is GET /api/v1/studies/{id}/compare?with={other_id}.
func (s *Server) compareWaves(c *fiber.Ctx) error {
	other, err := s.otherWave(c)
	if err != nil {
		return err
	}
	if other == nil {
		return problem.Invalid("with", "give the id of the study to compare with, e.g. ?with=12")
	}
	res, err := s.results.CompareWaves(c.UserContext(), designOf(c), other, c.Query("weighted") == "0")
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// wavesOnResults fills the Results tab's "Compare with…": the other
// studies to choose from and, with ?with=, the comparison. A bad with is
// reported beside its select. It answers the other study, or nil.
func (s *Server) wavesOnResults(c *fiber.Ctx, d *surveys.Design, data fiber.Map, bad *problem.List) (*surveys.Design, error) {
	studies, err := s.store.ListStudies(c.UserContext(), userOf(c))
	if err != nil {
		return nil, err
	}
	data["WaveChoices"] = slices.DeleteFunc(studies, func(st surveys.StudySummary) bool { return st.ID == d.Study.ID })
	other, err := s.otherWave(c)
	if err := bad.Merge(err); err != nil || other == nil {
		return nil, err
	}
	w, err := s.results.CompareWaves(c.UserContext(), d, other, c.Query("weighted") == "0")
	if err != nil {
		return nil, err
	}
	data["Waves"] = newWaveView(other, w)
	return other, nil
}

// waveView is the "Compare with…" table of the Results tab.
type waveView struct {
	With      *surveys.Design
	Rows      []waveRow
	OnlyHere  []string
	OnlyThere []string
}

type waveRow struct {
	Code, Statement  string
	Imp, Sat, Opp    [2]string
	DImp, DSat, DOpp string
	ImpP, SatP       string
	ImpSig, SatSig   bool
}

func newWaveView(other *surveys.Design, w *results.WaveComparison) *waveView {
	v := &waveView{With: other, OnlyHere: w.OnlyHere, OnlyThere: w.OnlyThere}
	pair := func(p [2]float64) [2]string { return [2]string{one(p[0]), one(p[1])} }
	for _, o := range w.Outcomes {
		v.Rows = append(v.Rows, waveRow{Code: o.Code, Statement: o.Statement, Imp: pair(o.Importance), Sat: pair(o.Satisfaction), Opp: pair(o.Opportunity),
			DImp: signed(o.DeltaImportance), DSat: signed(o.DeltaSatisfaction), DOpp: signed(o.DeltaOpportunity),
			ImpP: pValue(o.ImportanceP), SatP: pValue(o.SatisfactionP), ImpSig: o.ImportanceSignificant, SatSig: o.SatisfactionSignificant})
	}
	return v
}

// signed is a difference to one decimal with its sign, "+1.5" or "−0.3".
func signed(v float64) string {
	s := one(v)
	switch {
	case s == "0.0" || s == "-0.0":
		return "0.0"
	case v > 0:
		return "+" + s
	}
	return "−" + s[1:]
}

// pValue shows a p-value as people quote it: three decimals, or "< 0.001".
func pValue(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return strconv.FormatFloat(p, 'f', 3, 64)
}
