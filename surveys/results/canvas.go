package results

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"odi/surveys"
	"odi/surveys/cluster"
	"odi/surveys/export"
	"odi/surveys/problem"
	"odi/surveys/score"
)

// The needs-based segment canvas (docs/api.md, "Segment canvas"): for each
// segment of a saved segmentation, what odi works out from the data (size,
// verbatim proposals, the current solution's shares, forces, top underserved
// outcomes, profile overlap, priority) beside what the researcher wrote.

// SegmentCanvas is what the researcher wrote on one segment's canvas. A nil
// Job or SuccessCriteria means not written: the study's job and the
// segment's top underserved outcomes stand in.
type SegmentCanvas struct {
	Job             *surveys.Job `json:"job,omitempty"`
	Verbatims       []string     `json:"verbatims,omitempty"`
	Alternatives    []string     `json:"alternatives,omitempty"`
	SuccessCriteria []string     `json:"success_criteria"`
	MarketSize      float64      `json:"market_size,omitempty"` // 0: none
}

// CanvasInput edits one segment's canvas; a field left out stays as it is.
type CanvasInput struct {
	Label           *string      `json:"label" validate:"omitempty,max=100"`
	Job             *surveys.Job `json:"job"`
	Verbatims       *[]string    `json:"verbatims" validate:"omitempty,max=50,dive,required,max=1000"`
	Alternatives    *[]string    `json:"alternatives" validate:"omitempty,max=20,dive,required,max=200"`
	SuccessCriteria *[]string    `json:"success_criteria" validate:"omitempty,max=10,dive,required,max=300"`
	// MarketSize 0 takes it away; the bound keeps every priority, and their
	// sum, a finite number JSON can carry.
	MarketSize *float64 `json:"market_size" validate:"omitempty,gte=0,lte=1e15"`
}

// SegmentRef names one segment of a saved segmentation: its key and the
// segment's id, "s2" or plainly "2".
type SegmentRef struct{ Key, Segment string }

// index is the segment's position in sg, or -1.
func (r SegmentRef) index(sg *Segmentation) int {
	n, err := strconv.Atoi(strings.TrimPrefix(r.Segment, "s"))
	if err != nil || n < 1 || n > len(sg.Labels) {
		return -1
	}
	return n - 1
}

// CanvasSegment is one segment's canvas as the API, the pages and the
// workbook show it.
type CanvasSegment struct {
	ID     string      `json:"id"`
	Label  string      `json:"label"`
	Size   int         `json:"size"`
	Job    surveys.Job `json:"job"`
	OwnJob bool        `json:"own_job"` // false: the study's job stands in
	// Verbatims are the kept ones; Proposals the members' open-text answers
	// not kept yet, at most maxProposals.
	Verbatims       []string              `json:"verbatims"`
	Proposals       []string              `json:"verbatim_proposals"`
	Alternatives    []string              `json:"alternatives"`
	CurrentSolution *AlternativeShares    `json:"current_solution"`
	SuccessCriteria []string              `json:"success_criteria"`
	OwnCriteria     bool                  `json:"own_success_criteria"` // false: the top underserved outcomes stand in
	Forces          *score.ForceSummary   `json:"forces"`
	MarketSize      *float64              `json:"market_size"`
	Priority        float64               `json:"priority"`
	PriorityIndex   *float64              `json:"priority_index"`
	PriorityFactors score.PriorityFactors `json:"priority_factors"`
	Overlap         []CanvasProfile       `json:"overlap"`
	Validation      CanvasValidation      `json:"validation"`
}

// AlternativeShares are the answers to the current-solution question among
// a segment's members who answered it.
type AlternativeShares struct {
	Key     string        `json:"key"`
	Text    string        `json:"text"`
	N       int           `json:"n"` // members who answered
	Options []OptionShare `json:"options"`
}

// OptionShare is one option's share: Count of N members chose it.
type OptionShare struct {
	Option string  `json:"option"`
	Count  int     `json:"count"`
	Share  float64 `json:"share"`
}

// CanvasValidation counts who a segment's canvas rests on.
type CanvasValidation struct {
	Respondents int `json:"respondents"`
	// WithVerbatims are the members one of whose open-text answers is a
	// kept verbatim.
	WithVerbatims int `json:"respondents_with_kept_verbatims"`
}

// SegmentationCanvas is a saved segmentation with each segment's canvas.
type SegmentationCanvas struct {
	Segmentation
	Segments []CanvasSegment `json:"segments"`
}

// maxProposals bounds the verbatims proposed per segment: a page lists them
// all, and a study may have thousands of open-text answers.
const maxProposals = 30

// maxCriteria is how many underserved outcomes are proposed as success criteria.
const maxCriteria = 5

// SegmentationDetail is the saved segmentation key with its segments'
// canvases; problem.ErrNotFound when there is none.
func (s *Store) SegmentationDetail(ctx context.Context, d *surveys.Design, key string) (*SegmentationCanvas, error) {
	sg, err := s.savedSegmentation(ctx, d, key)
	if err != nil {
		return nil, err
	}
	segs, err := s.segmentCanvases(ctx, d, sg)
	if err != nil {
		return nil, err
	}
	return &SegmentationCanvas{Segmentation: *sg, Segments: segs}, nil
}

// UpdateSegmentCanvas edits one segment's label and canvas, and answers the
// canvas as it now is. Bad input changes nothing.
func (s *Store) UpdateSegmentCanvas(ctx context.Context, d *surveys.Design, ref SegmentRef, in CanvasInput) (*CanvasSegment, error) {
	if err := problem.Check(in); err != nil {
		return nil, err
	}
	sg, err := s.savedSegmentation(ctx, d, ref.Key)
	if err != nil {
		return nil, err
	}
	at := ref.index(sg)
	if at < 0 {
		return nil, problem.ErrNotFound
	}
	cv := make([]SegmentCanvas, len(sg.Labels))
	copy(cv, sg.Canvases)
	c := &cv[at]
	labels := slices.Clone(sg.Labels)
	var bad problem.List
	if in.Label != nil {
		if labels[at] = strings.TrimSpace(*in.Label); labels[at] == "" {
			bad.Add("label", "name the segment after its job")
		}
	}
	if in.Job != nil {
		job := surveys.Job{When: strings.TrimSpace(in.Job.When), Want: strings.TrimSpace(in.Job.Want), SoThat: strings.TrimSpace(in.Job.SoThat)}
		switch {
		case job == surveys.Job{}:
			c.Job = nil // back to the study's
		case job.When == "" || job.Want == "":
			bad.Add("job", "needs both when and want (or all three empty for the study's job)")
		default:
			c.Job = &job
		}
	}
	if in.Verbatims != nil {
		c.Verbatims = cleanList(*in.Verbatims)
	}
	if in.Alternatives != nil {
		c.Alternatives = cleanList(*in.Alternatives)
	}
	if in.SuccessCriteria != nil {
		c.SuccessCriteria = cleanList(*in.SuccessCriteria) // none: the proposals again
	}
	if in.MarketSize != nil {
		c.MarketSize = *in.MarketSize
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	err = s.db.WithContext(ctx).Model(&Segmentation{ID: sg.ID}).Select("labels", "canvases").
		Updates(&Segmentation{Labels: labels, Canvases: cv}).Error
	if err != nil {
		return nil, fmt.Errorf("save canvas of %s %s: %w", ref.Key, ref.Segment, err)
	}
	sg.Labels, sg.Canvases = labels, cv
	segs, err := s.segmentCanvases(ctx, d, sg)
	if err != nil {
		return nil, err
	}
	return &segs[at], nil
}

// cleanList trims each entry and drops repeats, keeping the first.
func cleanList(in []string) []string {
	var out []string
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// segmentCanvases are the canvases of every segment of sg, on the study's
// results split by it.
func (s *Store) segmentCanvases(ctx context.Context, d *surveys.Design, sg *Segmentation) ([]CanvasSegment, error) {
	opps, err := s.Opportunities(ctx, d, OpportunityQuery{SegmentBy: sg.Key})
	if err != nil {
		return nil, err
	}
	return s.canvases(ctx, d, sg, opps)
}

// canvases works out every segment's canvas of sg from opps, the study's
// results split by it, and one pass over its counted members.
func (s *Store) canvases(ctx context.Context, d *surveys.Design, sg *Segmentation, opps *Opportunities) ([]CanvasSegment, error) {
	counted, _, _, err := s.countedRatings(ctx, d)
	if err != nil {
		return nil, err
	}
	k := len(sg.Labels)
	assign := make([]int, len(counted))
	for i, r := range counted {
		assign[i] = sg.segmentOf(r)
	}
	var current *surveys.Question
	var texts []surveys.Question
	for i, q := range d.Questions {
		if q.Kind == surveys.KindText {
			texts = append(texts, q)
		} else if q.CurrentSolution && current == nil && (q.Kind == surveys.KindSingle || q.Kind == surveys.KindMulti) {
			current = &d.Questions[i]
		}
	}
	out := make([]CanvasSegment, k)
	for i := range out {
		var own SegmentCanvas
		if i < len(sg.Canvases) {
			own = sg.Canvases[i]
		}
		g := opps.Groups[i+1]
		c := CanvasSegment{ID: SegmentID(i), Label: sg.Labels[i], Size: g.N, Job: d.Study.Job,
			Verbatims: nonNil(own.Verbatims), Alternatives: nonNil(own.Alternatives), Proposals: []string{},
			Priority: g.Priority, PriorityIndex: g.PriorityIndex, PriorityFactors: g.PriorityFactors, Forces: g.Forces, Overlap: []CanvasProfile{}}
		if own.Job != nil {
			c.Job, c.OwnJob = *own.Job, true
		}
		if own.MarketSize > 0 {
			m := own.MarketSize
			c.MarketSize = &m
		}
		c.SuccessCriteria, c.OwnCriteria = own.SuccessCriteria, own.SuccessCriteria != nil
		if !c.OwnCriteria {
			c.SuccessCriteria = underserved(g.Outcomes)
		}
		if current != nil {
			c.CurrentSolution = &AlternativeShares{Key: current.Key, Text: current.Text, Options: make([]OptionShare, len(current.Options))}
			for j, o := range current.Options {
				c.CurrentSolution.Options[j].Option = o
			}
		}
		out[i] = c
	}
	for j, r := range counted {
		i := assign[j]
		if i < 0 {
			continue
		}
		c := &out[i]
		c.Validation.Respondents++
		kept := false
		for _, q := range texts {
			v := strings.TrimSpace(r.Answers[q.Key])
			switch {
			case v == "":
			case slices.Contains(c.Verbatims, v):
				kept = true
			case len(c.Proposals) < maxProposals && !slices.Contains(c.Proposals, v):
				c.Proposals = append(c.Proposals, v)
			}
		}
		if kept {
			c.Validation.WithVerbatims++
		}
		if cs := c.CurrentSolution; cs != nil && r.Answers[current.Key] != "" {
			cs.N++
			for _, o := range current.Group(r.Answers[current.Key]) {
				if at := slices.Index(current.Options, o); at >= 0 {
					cs.Options[at].Count++
				}
			}
		}
	}
	text := map[string]string{}
	for _, q := range d.Questions {
		text[q.Key] = q.Text
	}
	qs := profileQuestions(d.Questions, counted, func(q surveys.Question) bool { return q.Segment })
	for _, p := range cluster.Profile(assign, k, qs) {
		for i := range out {
			out[i].Overlap = append(out[i].Overlap, CanvasProfile{Key: p.Key, Text: text[p.Key], CramersV: p.CramersV, Lifts: p.Segments[i]})
		}
	}
	for i := range out {
		if cs := out[i].CurrentSolution; cs != nil && cs.N > 0 {
			for j := range cs.Options {
				cs.Options[j].Share = float64(cs.Options[j].Count) / float64(cs.N)
			}
		}
	}
	return out, nil
}

// underserved are the statements of a group's highest-ranked underserved
// outcomes (opportunity 10 or more: the classes solid, high and extreme),
// at most maxCriteria: the success criteria odi proposes.
func underserved(rows []score.Row) []string {
	out := []string{}
	for _, r := range rows {
		if score.Round1(r.Opportunity) >= 10 && len(out) < maxCriteria {
			out = append(out, r.Statement)
		}
	}
	return out
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// WorkbookCanvas is the Segment canvas sheet of a workbook split by key,
// from its results opps; nil when key is no saved segmentation.
func (s *Store) WorkbookCanvas(ctx context.Context, d *surveys.Design, key string, opps *Opportunities) (*export.Canvas, error) {
	if key == "" {
		return nil, nil
	}
	sg, err := s.segmentation(ctx, d.Study.ID, key)
	if err != nil || sg == nil {
		return nil, err
	}
	segs, err := s.canvases(ctx, d, sg, opps)
	if err != nil {
		return nil, err
	}
	out := &export.Canvas{Segmentation: key}
	for i, c := range segs {
		e := export.CanvasSegment{ID: c.ID, Label: c.Label, Job: c.Job.Sentence(), Verbatims: c.Verbatims,
			SuccessCriteria: c.SuccessCriteria, Respondents: c.Validation.Respondents, WithVerbatims: c.Validation.WithVerbatims,
			MarketSize: c.MarketSize, Priority: c.Priority, PriorityIndex: c.PriorityIndex, PriorityFormula: PriorityFormula(opps.Groups[i+1])}
		if cs := c.CurrentSolution; cs != nil {
			for _, o := range cs.Options {
				e.Alternatives = append(e.Alternatives, fmt.Sprintf("%s: %.0f%% (%d of %d)", o.Option, 100*o.Share, o.Count, cs.N))
			}
		}
		e.Alternatives = append(e.Alternatives, c.Alternatives...)
		if f := c.Forces; f != nil {
			e.Forces, e.ForcesN = &[5]float64{f.Push, f.Pull, f.Anxiety, f.Habit, f.Net}, f.N
		}
		for _, p := range c.Overlap {
			line := fmt.Sprintf("%s: Cramér's V %.2f (%s)", p.Key, p.CramersV, cluster.Strength(p.CramersV))
			var high []string
			for _, l := range p.Lifts {
				if l.Lift >= cluster.HighLift {
					high = append(high, fmt.Sprintf("%s ×%.2f", l.Option, l.Lift))
				}
			}
			if len(high) > 0 {
				line += "; over-represented: " + strings.Join(high, ", ")
			}
			e.Overlap = append(e.Overlap, line)
		}
		out.Segments = append(out.Segments, e)
	}
	return out, nil
}

// PriorityFormula spells a group's priority out, each factor's value in its
// place, as the pages' tooltips and the workbook show it.
func PriorityFormula(g Group) string {
	f := g.PriorityFactors
	s := fmt.Sprintf("importance %.2f × dissatisfaction %.2f × share %.0f%% × market size %s = %.3f",
		f.Importance, f.Dissatisfaction, 100*f.Share, strconv.FormatFloat(f.MarketSize, 'f', -1, 64), g.Priority)
	if g.PriorityIndex != nil && *g.PriorityIndex > 0 {
		s += fmt.Sprintf("; index %.0f = 100 × %.3f ÷ %.3f, the groups' average priority", *g.PriorityIndex, g.Priority, 100*g.Priority / *g.PriorityIndex)
	}
	return s
}
