package results

import (
	"context"
	"fmt"
	"slices"

	"odi/surveys"
	"odi/surveys/score"
)

// Linkable is what a programme (surveys/programme) needs of one study to
// find the same people in its other studies: every counted respondent with
// the ids that can name them elsewhere, and the needs segment each is in.
type Linkable struct {
	// Segmentation is the key of the study's most recently saved
	// segmentation, the one whose segments are read; "" when it has none.
	Segmentation string               `json:"segmentation"`
	Segments     []SegmentOpportunity `json:"segments"`
	Respondents  []LinkedRespondent   `json:"-"`
}

// SegmentOpportunity is one segment of that segmentation, scored as the
// Results tab scores it split by the segmentation, with its best outcome.
// High is what makes a high-opportunity segment (docs/scoring.md,
// "Cross-job buyers"): an outcome of class high or extreme in the segment.
type SegmentOpportunity struct {
	ID          string  `json:"id"`
	Label       string  `json:"label"`
	N           int     `json:"n"`
	TopCode     string  `json:"top_code"`
	Opportunity float64 `json:"top_opportunity"`
	Class       string  `json:"top_class"`
	High        bool    `json:"high"`
}

// LinkedRespondent is one counted respondent (complete and kept by the
// cleaning): their panel id, the invitation they came by (an e-mail
// invitation's recipient is their address) and their segment, an index into
// Linkable.Segments or -1 when none holds them.
type LinkedRespondent struct {
	PanelID      string
	InvitationID *int64
	Segment      int
}

// Linkable reads one study for a programme.
func (s *Store) Linkable(ctx context.Context, d *surveys.Design) (*Linkable, error) {
	rows, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, err
	}
	var latest []Segmentation
	if err := s.db.WithContext(ctx).Where("study_id = ?", d.Study.ID).Order("id DESC").Limit(1).Find(&latest).Error; err != nil {
		return nil, fmt.Errorf("latest segmentation of study %d: %w", d.Study.ID, err)
	}
	out := &Linkable{}
	var sg *Segmentation
	if len(latest) == 1 {
		sg = &latest[0]
		out.Segmentation = sg.Key
		opps, err := s.Opportunities(ctx, d, OpportunityQuery{SegmentBy: sg.Key})
		if err != nil {
			return nil, fmt.Errorf("score segments of %s in study %d: %w", sg.Key, d.Study.ID, err)
		}
		for _, g := range opps.Groups[1:] {
			out.Segments = append(out.Segments, segmentOpportunity(g))
		}
	}
	for _, r := range countedOf(rows, rv) {
		seg := -1
		if sg != nil {
			seg = sg.segmentOf(r)
		}
		out.Respondents = append(out.Respondents, LinkedRespondent{PanelID: r.ExternalID, InvitationID: r.InvitationID, Segment: seg})
	}
	return out, nil
}

// highClasses are the classes that make a segment high-opportunity: ODI's
// "high" and "extreme" underserved outcomes, opportunity 12 or more.
var highClasses = []string{"extreme", "high"}

func segmentOpportunity(g Group) SegmentOpportunity {
	so := SegmentOpportunity{ID: g.Key, Label: g.Label, N: g.N}
	best := -1
	for i, o := range g.Outcomes {
		if best < 0 || o.Rank < g.Outcomes[best].Rank {
			best = i
		}
	}
	if best >= 0 {
		o := g.Outcomes[best]
		so.TopCode, so.Opportunity, so.Class = o.Code, score.Round1(o.Opportunity), o.Class
		so.High = g.N > 0 && slices.Contains(highClasses, o.Class)
	}
	return so
}
