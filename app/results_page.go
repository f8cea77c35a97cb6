package app

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// The analysis pages: Fieldwork, Results, Segments and Share, the tabs a
// researcher reads a study with once responses come in. Every number comes
// from one store method; the handlers only lay those numbers out
// (formatting, SVG coordinates; see results_view.go) so the templates need no
// arithmetic and no inline style. This file holds the Results tab;
// fieldwork_page.go, segments_page.go and share_page.go the others.

// analysisPage shows one analysis tab under the study head.
func (s *Server) analysisPage(c *fiber.Ctx, d *surveys.Design, tab string, data fiber.Map) error {
	data["Title"], data["D"], data["Tab"] = tabTitle(tab)+" · "+d.Study.Name, d, tab
	if f, ok := data["Filtered"].(string); ok {
		data["Title"] = tabTitle(tab) + " for " + f + " · " + d.Study.Name
	}
	data["Styles"], data["Scripts"] = []string{"editor.css", "results.css"}, []string{"editor.js", "results.js"}
	if d.Study.Slug != nil {
		data["PublicURL"] = s.baseURL() + "/s/" + *d.Study.Slug
	}
	if _, ok := data["Fields"]; !ok {
		data["Fields"] = map[string]string{}
	}
	return s.render(c, "study_"+tab, data)
}

func tabTitle(tab string) string { return strings.ToUpper(tab[:1]) + tab[1:] }

// ---- Results ----

type filterChip struct {
	Key, Value, Label string
	Remove            string // the URL without this filter
}

// showResults is the Results tab; data may carry the outcome of a
// responses import made from it.
func (s *Server) showResults(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	// A malformed or unknown split, filter or wave is reported beside its
	// select: the tab shows everyone unsplit, or no comparison, instead.
	ctx := c.UserContext()
	var bad problem.List
	splits, err := s.results.Splits(ctx, d)
	if err != nil {
		return err
	}
	q, err := opportunityQuery(c)
	if err := bad.Merge(err); err != nil {
		return err
	}
	res, err := s.results.Opportunities(ctx, d, q)
	if err := bad.Merge(err); err != nil {
		return err
	}
	if res == nil {
		q = results.OpportunityQuery{IncludePartial: q.IncludePartial}
		if res, err = s.results.Opportunities(ctx, d, q); err != nil {
			return err
		}
	}
	fw, err := s.fieldwork.Summary(ctx, d)
	if err != nil {
		return err
	}
	if fw.Counts[surveys.Complete] > 0 {
		// The line counts the whole study's complete responses: a view
		// filtered or with partial ones says so before it.
		data["Cleaning"], data["WholeStudy"] = newCleaning(d, fw), len(q.Filters) > 0 || q.IncludePartial
	}
	data["Choices"], data["Query"] = splits, q
	data["Chips"] = filterChips(d.Study.ID, splits, q)
	view := newResultsView(res)
	if f := filterTitle(splits, q.Filters); f != "" && len(view.Groups) > 0 {
		// The page title, the landscape and the first group say whom they
		// count, so a filtered view is never read as everyone's.
		view.Groups[0].Heading = "Respondents with " + f
		view.All = view.Groups[0]
		data["Filtered"] = f
	}
	data["Results"] = view
	data["Weighted"], data["WeightingProblem"] = res.Weighted, res.WeightingProblem
	data["WeightToggle"] = studyPath(d.Study.ID, "results") + queryString(results.OpportunityQuery{SegmentBy: q.SegmentBy, Filters: q.Filters, IncludePartial: q.IncludePartial, Unweighted: !q.Unweighted}, 0)
	if err := s.weightingOnResults(c, d, data); err != nil {
		return err
	}
	other, err := s.wavesOnResults(c, d, data, &bad)
	if err != nil {
		return err
	}
	var withID int64
	if other != nil {
		withID = other.Study.ID
	}
	data["Workbook"] = fmt.Sprintf("/api/v1/studies/%d/export.xlsx", d.Study.ID) + queryString(q, withID)
	data["Fields"] = bad
	if bad != nil && c.Response().StatusCode() == fiber.StatusOK {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	if n, err := strconv.Atoi(c.Query("imported")); err == nil && n > 0 {
		data["Imported"] = n
	}
	return s.analysisPage(c, d, "results", data)
}

// queryString is "?segment_by=…&filter=…&include_partial=1" for q (and
// "&with=ID" for the study compared with, when with is not 0), or "" when q asks for nothing: links
// that carry the view along.
func queryString(q results.OpportunityQuery, with int64) string {
	v := url.Values{}
	if with != 0 {
		v.Set("with", strconv.FormatInt(with, 10))
	}
	if q.SegmentBy != "" {
		v.Set("segment_by", q.SegmentBy)
	}
	for _, f := range q.Filters {
		v.Add("filter", f.Key+":"+f.Value)
	}
	if q.IncludePartial {
		v.Set("include_partial", "1")
	}
	if q.Unweighted {
		v.Set("weighted", "0")
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func filterChips(studyID int64, splits []results.Split, q results.OpportunityQuery) []filterChip {
	var chips []filterChip
	for i, f := range q.Filters {
		rest := q
		rest.Filters = slices.Delete(slices.Clone(q.Filters), i, i+1)
		chips = append(chips, filterChip{Key: f.Key, Value: f.Value, Label: filterName(splits, f),
			Remove: studyPath(studyID, "results") + queryString(rest, 0)})
	}
	return chips
}

// filterName is a filter as people read it: "Company size: 1-9", with the
// split's name and the group's label ("No answer" for results.NoAnswer); a
// key that is no split (a URL field) reads as itself.
func filterName(splits []results.Split, f results.Filter) string {
	i := slices.IndexFunc(splits, func(sp results.Split) bool { return sp.Key == f.Key })
	if i < 0 {
		return f.Key + ": " + f.Value
	}
	label := f.Value
	if f.Value == results.NoAnswer {
		label = "No answer"
	} else if j := slices.Index(splits[i].Groups, f.Value); j >= 0 {
		label = splits[i].Labels[j]
	}
	return splits[i].Name + ": " + label
}

// filterTitle names every filter of a view, "" when there is none.
func filterTitle(splits []results.Split, fs []results.Filter) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = filterName(splits, f)
	}
	return strings.Join(names, " and ")
}

// px formats a pixel coordinate of a chart.
func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
