package results

import (
	"context"
	"errors"
	"fmt"
	"math"

	"odi/surveys"
	"odi/surveys/cluster"
	"odi/surveys/export"
	"odi/surveys/problem"
)

// TypingInput asks for a typing tool of Items ratings.
type TypingInput struct {
	Items int `json:"items" validate:"required,gte=1,lte=20"`
}

// TypingItem is one rating a typing tool asks.
type TypingItem struct {
	Code  string `json:"code"`
	Scale string `json:"scale"` // importance or satisfaction
}

// Typing is a segmentation's typing tool as the API shows it.
type Typing struct {
	Items    []TypingItem `json:"items"`
	Accuracy float64      `json:"accuracy"`
}

var scales = [2]string{"importance", "satisfaction"}

// FitTypingTool makes, and keeps with the saved segmentation key, a typing
// tool of in.Items ratings fitted on the study's counted respondents, each in
// the segment the segmentation puts them in (docs/scoring.md, "Typing
// tool").
func (s *Store) FitTypingTool(ctx context.Context, d *surveys.Design, key string, in TypingInput) (*Typing, error) {
	if err := problem.Check(in); err != nil {
		return nil, err
	}
	sg, err := s.savedSegmentation(ctx, d, key)
	if err != nil {
		return nil, err
	}
	counted, ratings, slots, err := s.countedRatings(ctx, d)
	if err != nil {
		return nil, err
	}
	assign := make([]int, len(counted))
	for i, r := range counted {
		assign[i] = sg.segmentOf(r)
	}
	tool, err := cluster.FitTypingTool(ratings, slots, assign, len(sg.Labels), in.Items)
	if errors.Is(err, cluster.ErrTypingData) {
		return nil, problem.Invalid("items", fmt.Sprintf("%v: every segment needs at least 10 counted respondents with varied ratings", err))
	}
	if err != nil {
		return nil, err
	}
	if err := s.db.WithContext(ctx).Model(sg).Select("TypingTool").Updates(&Segmentation{TypingTool: &tool}).Error; err != nil {
		return nil, fmt.Errorf("save the typing tool of %s: %w", key, err)
	}
	return TypingOf(d, &tool), nil
}

// TypingOf is a typing tool of d's study as the API shows it: its items by
// outcome code and scale, and its accuracy.
func TypingOf(d *surveys.Design, tool *cluster.TypingTool) *Typing {
	codes := map[int]string{}
	for _, o := range d.Outcomes {
		codes[o.Slot] = o.Code
	}
	out := &Typing{Accuracy: tool.Accuracy, Items: []TypingItem{}}
	for _, it := range tool.Items {
		out.Items = append(out.Items, TypingItem{Code: codes[it.Slot], Scale: scales[it.Scale]})
	}
	return out
}

// ClassifyInput is one person's answers to a typing tool's items.
type ClassifyInput struct {
	Ratings map[string]struct {
		Importance   *int `json:"importance"`
		Satisfaction *int `json:"satisfaction"`
	} `json:"ratings" validate:"required"`
}

// Classification is the segment a typing tool assigns someone to.
type Classification struct {
	Segment     string  `json:"segment"`
	Label       string  `json:"label"`
	Probability float64 `json:"probability"`
}

// Classify assigns a person to a segment of the saved segmentation key with
// its typing tool, from their ratings of the tool's items; an item left out
// counts as its mean among the respondents the tool was fitted on.
func (s *Store) Classify(ctx context.Context, d *surveys.Design, key string, in ClassifyInput) (*Classification, error) {
	if err := problem.Check(in); err != nil {
		return nil, err
	}
	sg, err := s.savedSegmentation(ctx, d, key)
	if err != nil {
		return nil, err
	}
	if sg.TypingTool == nil {
		return nil, problem.Invalid("key", key+" has no typing tool yet: make one first")
	}
	slots := map[string]int{}
	for _, o := range d.Outcomes {
		slots[o.Code] = o.Slot
	}
	var fields problem.List
	for code, r := range in.Ratings {
		if _, ok := slots[code]; !ok {
			fields.Add("ratings."+code, "is not an outcome of this study")
		}
		for i, v := range []*int{r.Importance, r.Satisfaction} {
			if v != nil && (*v < 1 || *v > 5) {
				fields.Add("ratings."+code+"."+scales[i], "must be a whole number from 1 to 5")
			}
		}
	}
	if err := fields.Err(); err != nil {
		return nil, err
	}
	x := make([]float64, len(sg.TypingTool.Items))
	for a, it := range sg.TypingTool.Items {
		x[a] = math.NaN()
		for code, r := range in.Ratings {
			if slots[code] != it.Slot {
				continue
			}
			if v := [2]*int{r.Importance, r.Satisfaction}[it.Scale]; v != nil {
				x[a] = float64(*v)
			}
		}
	}
	seg, p := sg.TypingTool.Classify(x)
	return &Classification{Segment: SegmentID(seg), Label: sg.Labels[seg], Probability: p[seg]}, nil
}

// TypingExport is sg's typing tool as the workbook's Typing tool sheet
// writes it; nil when sg has none.
func (sg *Segmentation) TypingExport(d *surveys.Design) *export.Typing {
	tool := sg.TypingTool
	if tool == nil {
		return nil
	}
	statement := map[int]string{}
	for _, o := range d.Outcomes {
		statement[o.Slot] = o.Statement
	}
	t := TypingOf(d, tool)
	out := &export.Typing{Segmentation: sg.Key, Accuracy: tool.Accuracy}
	for a, it := range tool.Items {
		out.Items = append(out.Items, export.TypingItem{Code: t.Items[a].Code, Statement: statement[it.Slot], Scale: t.Items[a].Scale, Fill: tool.Fill[a]})
	}
	for s, label := range sg.Labels {
		if s < len(tool.Coef) {
			out.Segments = append(out.Segments, export.TypingSegment{ID: SegmentID(s), Label: label, Coef: tool.Coef[s], Const: tool.Const[s]})
		}
	}
	return out
}

// WorkbookTyping is the typing tool the workbook shows when its results are
// split by key: the tool of the saved segmentation key; nil when key is no
// saved segmentation or it has no tool.
func (s *Store) WorkbookTyping(ctx context.Context, d *surveys.Design, key string) (*export.Typing, error) {
	if key == "" {
		return nil, nil
	}
	sg, err := s.segmentation(ctx, d.Study.ID, key)
	if err != nil || sg == nil {
		return nil, err
	}
	return sg.TypingExport(d), nil
}
