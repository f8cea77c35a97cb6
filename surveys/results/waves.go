package results

import (
	"context"
	"slices"

	"odi/surveys"
	"odi/surveys/score"
)

// WaveComparison is one study against another, usually its previous wave
// (a duplicate keeps the outcome codes): every outcome both ask, matched by
// code, with what changed and whether the change is more than chance.
type WaveComparison struct {
	Outcomes  []WaveOutcome `json:"outcomes"`   // in this study's rank order
	OnlyHere  []string      `json:"only_here"`  // codes this study asks and the other does not, in code order
	OnlyThere []string      `json:"only_there"` // and the other way round
}

// WaveOutcome is one outcome in both studies: each pair is [this, other],
// each delta this minus other, and the test is that of docs/scoring.md
// ("Significance"), corrected across every matched outcome and both scales.
type WaveOutcome struct {
	Code              string     `json:"code"`
	Statement         string     `json:"-"` // this study's wording, for pages
	Importance        [2]float64 `json:"importance"`
	Satisfaction      [2]float64 `json:"satisfaction"`
	Opportunity       [2]float64 `json:"opportunity"`
	DeltaImportance   float64    `json:"delta_importance"`
	DeltaSatisfaction float64    `json:"delta_satisfaction"`
	DeltaOpportunity  float64    `json:"delta_opportunity"`
	score.Test
}

// CompareWaves scores both studies over their counted responses (complete,
// not excluded), each with its own weighting unless unweighted, and
// compares them outcome by outcome.
func (s *Store) CompareWaves(ctx context.Context, this, other *surveys.Design, unweighted bool) (*WaveComparison, error) {
	q := OpportunityQuery{Unweighted: unweighted}
	a, err := s.Opportunities(ctx, this, q)
	if err != nil {
		return nil, err
	}
	b, err := s.Opportunities(ctx, other, q)
	if err != nil {
		return nil, err
	}
	return compareWaves(a.Groups[0].Outcomes, b.Groups[0].Outcomes), nil
}

func compareWaves(this, other []score.Row) *WaveComparison {
	at := make(map[string]int, len(other))
	for i, r := range other {
		at[r.Code] = i
	}
	w := &WaveComparison{Outcomes: []WaveOutcome{}, OnlyHere: []string{}, OnlyThere: []string{}}
	var mine, theirs []score.Row
	for _, r := range this {
		j, ok := at[r.Code]
		if !ok {
			w.OnlyHere = append(w.OnlyHere, r.Code)
			continue
		}
		delete(at, r.Code)
		mine, theirs = append(mine, r), append(theirs, other[j])
	}
	for code := range at {
		w.OnlyThere = append(w.OnlyThere, code)
	}
	slices.SortFunc(w.OnlyHere, score.CompareCodes)
	slices.SortFunc(w.OnlyThere, score.CompareCodes)
	for i, t := range score.Compare(mine, theirs) {
		a, b := mine[i], theirs[i]
		w.Outcomes = append(w.Outcomes, WaveOutcome{Code: a.Code, Statement: a.Statement,
			Importance: [2]float64{a.Importance, b.Importance}, Satisfaction: [2]float64{a.Satisfaction, b.Satisfaction},
			Opportunity: [2]float64{a.Opportunity, b.Opportunity}, DeltaImportance: a.Importance - b.Importance,
			DeltaSatisfaction: a.Satisfaction - b.Satisfaction, DeltaOpportunity: a.Opportunity - b.Opportunity, Test: t})
	}
	return w
}
