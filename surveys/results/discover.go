package results

import (
	"context"
	"fmt"
	"slices"

	"odi/surveys"
	"odi/surveys/cluster"
	"odi/surveys/problem"
	"odi/surveys/score"
)

// DiscoverInput asks for K needs-based segments, or for the best k when 0.
type DiscoverInput struct {
	K int `json:"k" validate:"omitempty,gte=2,lte=10"`
	// Components clusters on the principal components of the needs values
	// that explain cluster.ComponentsShare of their variance.
	Components bool `json:"components"`
}

// Components says what discovery on principal components clustered on: how
// many, and the share of the needs values' variance they explain.
type Components struct {
	Count    int     `json:"count"`
	Variance float64 `json:"variance"`
}

// Distinctive is an outcome that sets a segment apart: far more underserved
// in the segment than overall.
type Distinctive struct {
	Code               string  `json:"code"`
	Statement          string  `json:"statement"`
	Opportunity        float64 `json:"opportunity"`
	OverallOpportunity float64 `json:"overall_opportunity"`
	Difference         float64 `json:"difference"`
}

// SegmentProfile is one profile question seen from one segment.
type SegmentProfile struct {
	CramersV float64        `json:"cramers_v"`
	Lifts    []cluster.Lift `json:"lifts"`
}

// Segment is one discovered needs-based segment.
type Segment struct {
	ID          string                    `json:"id"`
	Size        int                       `json:"size"`
	TooSmall    bool                      `json:"too_small"` // fewer respondents than the study's min_n
	Members     []string                  `json:"members"`
	Distinctive []Distinctive             `json:"distinctive"`
	Profile     map[string]SegmentProfile `json:"profile"`
}

// Discovery is the result of needs-based segment discovery.
type Discovery struct {
	K          int     `json:"k"`
	Silhouette float64 `json:"silhouette"`
	// Stability is the chosen k's mean adjusted Rand index over bootstrap
	// resamples; under cluster.StableARI its Flags hold FlagUnstable.
	Stability  float64             `json:"stability"`
	Candidates []cluster.Candidate `json:"candidates"`
	// MinN is the study's minimum n: a segmentation with a segment smaller
	// than that is not Recommended, and its Flags hold FlagTooSmall.
	MinN        int         `json:"min_n"`
	Components  *Components `json:"components,omitempty"` // only when discovery ran on principal components
	Recommended bool        `json:"recommended"`
	Segments    []Segment   `json:"segments"`
	Flags       []string    `json:"flags"`
}

// FlagTooSmall is the flag of a segmentation with a segment of fewer
// respondents than the study's min_n (docs/scoring.md, "Needs-based segment
// discovery", step 3): too few to act on, so it is not recommended.
const FlagTooSmall = "too_small"

// FlagUnstable is the flag of a segmentation that does not reproduce on
// resampled data (docs/scoring.md, "Needs-based segment discovery", step
// 3): the data shows no stable needs segments, and these are likely noise.
const FlagUnstable = "unstable"

// distinctiveMax is how many distinctive outcomes a segment shows.
const distinctiveMax = 5

// Discover clusters a study's counted respondents (complete and not
// excluded by the cleaning, docs/scoring.md "Cleaning") on their outcome
// ratings (docs/scoring.md, "Needs-based segment discovery"), preferring
// segmentations whose every segment reaches the study's min_n, and
// cross-checks the segments against the profile questions.
func (s *Store) Discover(ctx context.Context, d *surveys.Design, in DiscoverInput) (*Discovery, error) {
	if err := problem.Check(in); err != nil {
		return nil, err
	}
	rows, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, err
	}
	counted := countedOf(rows, rv)
	slots := 0
	outcomes := make([]score.Outcome, len(d.Outcomes))
	for i, o := range d.Outcomes {
		outcomes[i] = score.Outcome{Code: o.Code, Statement: o.Statement, Step: o.Step, Slot: o.Slot}
		slots = max(slots, o.Slot+1)
	}
	ratings := make([][]byte, len(counted))
	for i, r := range counted {
		ratings[i] = r.Ratings
	}
	res, err := cluster.Discover(ctx, cluster.Input{Ratings: ratings, Slots: slots, K: in.K, MinSize: d.Study.MinN, Components: in.Components})
	if ctx.Err() != nil { // its client left (app/disconnect.go)
		return nil, fmt.Errorf("study %d: %w", d.Study.ID, err)
	}
	if err != nil {
		return nil, problem.Invalid("k", err.Error())
	}

	allT := score.NewTallies(slots)
	segT := make([]score.Tallies, res.K)
	for i := range segT {
		segT[i] = score.NewTallies(slots)
	}
	for i, r := range counted {
		allT.Add(r.Ratings)
		segT[res.Assign[i]].Add(r.Ratings)
	}
	overall := map[string]float64{}
	for _, row := range score.Rank(outcomes, allT) {
		overall[row.Code] = row.Opportunity
	}

	profiles := cluster.Profile(res.Assign, res.K, profileQuestions(d.Questions, counted, func(surveys.Question) bool { return true }))

	out := &Discovery{K: res.K, Silhouette: res.Silhouette, Stability: res.Stability, Candidates: res.Candidates, MinN: d.Study.MinN,
		Recommended: slices.Min(res.Sizes) >= d.Study.MinN && res.Stable(), Flags: []string{}}
	if in.Components {
		out.Components = &Components{Count: res.Components, Variance: res.Variance}
	}
	if slices.Min(res.Sizes) < d.Study.MinN {
		out.Flags = append(out.Flags, FlagTooSmall)
	}
	if !res.Stable() {
		out.Flags = append(out.Flags, FlagUnstable)
	}
	out.Flags = append(out.Flags, cluster.Verdict(profiles)...)
	for seg, members := range res.Members() {
		sg := Segment{ID: SegmentID(seg), Size: len(members), TooSmall: len(members) < d.Study.MinN,
			Profile: map[string]SegmentProfile{}, Distinctive: []Distinctive{}}
		for _, i := range members {
			sg.Members = append(sg.Members, counted[i].RespondentID)
		}
		for _, row := range score.Rank(outcomes, segT[seg]) {
			if row.Opportunity >= 10 {
				sg.Distinctive = append(sg.Distinctive, Distinctive{Code: row.Code, Statement: row.Statement, Opportunity: row.Opportunity,
					OverallOpportunity: overall[row.Code], Difference: row.Opportunity - overall[row.Code]})
			}
		}
		slices.SortStableFunc(sg.Distinctive, func(a, b Distinctive) int {
			switch {
			case a.Difference > b.Difference:
				return -1
			case a.Difference < b.Difference:
				return 1
			}
			return score.CompareCodes(a.Code, b.Code)
		})
		sg.Distinctive = sg.Distinctive[:min(len(sg.Distinctive), distinctiveMax)]
		for _, p := range profiles {
			if seg < len(p.Segments) {
				sg.Profile[p.Key] = SegmentProfile{CramersV: p.CramersV, Lifts: p.Segments[seg]}
			}
		}
		out.Segments = append(out.Segments, sg)
	}
	return out, nil
}

// profileQuestions are the non-text questions that keep accepts, with each
// counted respondent's groups, as the profile cross-check reads them.
func profileQuestions(questions []surveys.Question, counted []*scored, keep func(surveys.Question) bool) []cluster.Question {
	var qs []cluster.Question
	for _, q := range questions {
		if q.Kind == surveys.KindText || !keep(q) {
			continue
		}
		cq := cluster.Question{Key: q.Key, Options: q.Groups(), Answers: make([][]string, len(counted))}
		for i, r := range counted {
			cq.Answers[i] = q.Group(r.Answers[q.Key])
		}
		qs = append(qs, cq)
	}
	return qs
}

// countedOf keeps the responses that count towards results by default:
// complete, and not kept out by the cleaning.
func countedOf(rows []*scored, rv *review) []*scored {
	var counted []*scored
	for i, r := range rows {
		if counts(r, false) && !rv.excluded[i] {
			counted = append(counted, r)
		}
	}
	return counted
}
