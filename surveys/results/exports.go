package results

import (
	"odi/surveys"
	"odi/surveys/export"
)

// The exports (package export) write plain values and know nothing of the
// domain; this file fills in the design and the scores.

// WorkbookInput is what the workbook of d shows of the scores in opps, asked
// for as q. Fieldwork (fieldwork.Summary.Export) and Responses
// (surveys.Store.WideResponses) are left for the caller to add.
func WorkbookInput(d *surveys.Design, opps *Opportunities, q OpportunityQuery) export.Input {
	st := d.Study
	in := export.Input{
		Study: export.Study{Name: st.Name, Job: st.Job.Sentence(), RespondentRole: st.RespondentRole, Status: st.Status,
			MinN: st.MinN, MarketSize: st.MarketSize, PublishedAt: st.PublishedAt, ClosedAt: st.ClosedAt},
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
	return in
}

// ExportGroups are o's groups, all respondents first, as the workbook and
// the ranked CSV write them.
func (o *Opportunities) ExportGroups() []export.Group {
	out := make([]export.Group, len(o.Groups))
	for i, g := range o.Groups {
		out[i] = export.Group{Label: g.Label, N: g.N, LowN: g.LowN, Priority: g.Priority, Outcomes: g.Outcomes}
	}
	return out
}
