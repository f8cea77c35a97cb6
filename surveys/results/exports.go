package results

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"odi/surveys"
	"odi/surveys/export"
)

// The exports (package export) write plain values and know nothing of the
// domain; this file fills in the design, the scores and the responses with
// their cleaning.

// WorkbookInput is what the workbook of d shows of the scores in opps, asked
// for as q. Fieldwork (fieldwork.Summary.Export) and Responses
// (WideResponses) are left for the caller to add.
func WorkbookInput(d *surveys.Design, opps *Opportunities, q OpportunityQuery) export.Input {
	st := d.Study
	in := export.Input{
		Study: export.Study{Name: st.Name, Job: st.Job.Sentence(), RespondentRole: st.RespondentRole, Status: st.Status,
			MinN: st.MinN, ExcludeFlags: st.ExcludeFlags, MarketSize: st.MarketSize, PublishedAt: st.PublishedAt, ClosedAt: st.ClosedAt},
		Outcomes:       make([]export.Outcome, len(d.Outcomes)),
		Linted:         d.Linted,
		Groups:         opps.ExportGroups(),
		SegmentBy:      opps.SegmentBy,
		IncludePartial: q.IncludePartial,
	}
	for i, o := range d.Outcomes {
		in.Outcomes[i] = export.Outcome{Code: o.Code, Step: o.Step, Statement: o.Statement, Parsed: o.Parsed, Lint: o.Lint}
	}
	for _, r := range opps.Comparison() {
		in.Comparison = append(in.Comparison, export.ComparisonRow(r))
	}
	for _, f := range q.Filters {
		in.Filters = append(in.Filters, export.Filter(f))
	}
	if rk := opps.Raking; opps.Weighted && rk != nil {
		in.Weighting = &export.Weighting{By: rk.By, Converged: rk.Converged, EffectiveN: opps.Groups[0].EffectiveN, MaxWeight: rk.MaxWeight, Trimmed: rk.Trimmed}
	}
	return in
}

// ExportGroups are o's groups, all respondents first, as the workbook and
// the ranked CSV write them.
func (o *Opportunities) ExportGroups() []export.Group {
	out := make([]export.Group, len(o.Groups))
	for i, g := range o.Groups {
		out[i] = export.Group{Label: g.Label, N: g.N, LowN: g.LowN, Priority: g.Priority, PriorityIndex: g.PriorityIndex,
			PriorityFactors: g.PriorityFactors, Outcomes: g.Outcomes}
	}
	return out
}

// WideResponses are every response of d's study in the wide layout
// (surveys.Design.WideRow), oldest first, each with whether the cleaning
// keeps it out of the results and its flags; a typing survey's end with the
// segment of each complete one (typingsurvey.go). The rows are the responses
// and the review the scores are computed from, one snapshot of them: the
// cache the analysis keeps in memory anyway, so an export reads nothing
// more from the database than the rows written since.
//
// A weighted study's file ends with a weight column: each counted complete
// response's raking weight, empty for the others (docs/scoring.md,
// "Weighting"). The import ignores it. A study with a question or URL field
// already named weight goes without. The rows stop with ctx's error once ctx
// is done.
func (s *Store) WideResponses(ctx context.Context, d *surveys.Design) (*export.Responses, error) {
	list, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, err
	}
	rk, _, err := s.studyWeights(ctx, d, list, rv)
	if err != nil {
		return nil, err
	}
	typing, err := TypingSurveyOf(ctx, s.db, d.Study.ID)
	if err != nil {
		return nil, err
	}
	cols := d.WideColumns()
	if slices.ContainsFunc(cols, func(c export.Column) bool { return c.Name == "weight" }) {
		rk = nil
	}
	if rk != nil {
		cols = append(cols, export.Column{Name: "weight", Kind: export.NumberColumn})
	}
	if typing != nil {
		cols = append(cols, export.Column{Name: "segment"})
	}
	return &export.Responses{Columns: cols, Rows: func(yield func(row []string) error) error {
		byCode := surveys.ByCode(d.Outcomes)
		var row []string
		var r surveys.Response
		for i, sc := range list {
			if i%1024 == 0 && ctx.Err() != nil { // its client left (app/disconnect.go)
				return fmt.Errorf("responses of study %d: %w", d.Study.ID, ctx.Err())
			}
			r = surveys.Response{RespondentID: sc.RespondentID, Status: sc.Status, ExternalID: sc.ExternalID, URLFields: sc.URLFields, Answers: sc.Answers, Ratings: sc.Ratings,
				Forces: sc.Forces(), StartedAt: sc.startedAt(), FinishedAt: sc.finishedAt(), Flags: rv.flags[i].names(), Excluded: rv.excluded[i]}
			row = d.WideRow(&r, byCode, row)
			if rk != nil {
				w := ""
				if sc.Status == surveys.Complete && !rv.excluded[i] {
					w = strconv.FormatFloat(rk.weights[i], 'g', -1, 64)
				}
				row = append(row, w)
			}
			if typing != nil {
				seg := ""
				if sc.Status == surveys.Complete {
					seg, _ = typing.Segment(sc.Ratings)
				}
				row = append(row, seg)
			}
			if err := yield(row); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// Export is the comparison as the workbook's Wave comparison sheet writes
// it, against the study named with.
func (w *WaveComparison) Export(with string) *export.Waves {
	out := &export.Waves{With: with, OnlyHere: w.OnlyHere, OnlyThere: w.OnlyThere}
	for _, o := range w.Outcomes {
		out.Outcomes = append(out.Outcomes, export.Wave{Code: o.Code, Statement: o.Statement, Importance: o.Importance,
			Satisfaction: o.Satisfaction, Opportunity: o.Opportunity, Test: o.Test})
	}
	return out
}
