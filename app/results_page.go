package app

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// The analysis pages: Fieldwork, Results, Segments and Share, the tabs a
// researcher reads a study with once responses come in. Every number comes
// from one store method; the handlers only lay those numbers out
// (formatting, SVG coordinates; see results_view.go) so the templates need no
// arithmetic and no inline style. This file holds the Results and Fieldwork
// tabs; segments_page.go and share_page.go the other two.

// analysisPage shows one analysis tab under the study head.
func (s *Server) analysisPage(c *fiber.Ctx, d *surveys.Design, tab string, data fiber.Map) error {
	data["Title"], data["D"], data["Tab"] = tabTitle(tab)+" · "+d.Study.Name, d, tab
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
	ctx := c.UserContext()
	splits, err := s.results.Splits(ctx, d)
	if err != nil {
		return err
	}
	q, fields := resultsQuery(c)
	res, err := s.results.Opportunities(ctx, d, q)
	if ve := validation(err); ve != nil {
		for k, v := range ve.Fields {
			fields[k] = v
		}
		q = results.OpportunityQuery{IncludePartial: q.IncludePartial}
		res, err = s.results.Opportunities(ctx, d, q)
	}
	if err != nil {
		return err
	}
	if len(fields) > 0 && c.Response().StatusCode() == fiber.StatusOK {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	data["Choices"], data["Query"], data["Fields"] = splits, q, fields
	data["Chips"] = filterChips(d.Study.ID, q)
	data["Results"] = newResultsView(res)
	data["Workbook"] = fmt.Sprintf("/api/v1/studies/%d/export.xlsx", d.Study.ID) + queryString(q)
	if n, err := strconv.Atoi(c.Query("imported")); err == nil && n > 0 {
		data["Imported"] = n
	}
	return s.analysisPage(c, d, "results", data)
}

// resultsQuery reads the Results tab's query; a malformed filter is reported
// beside the filter select and left out.
func resultsQuery(c *fiber.Ctx) (results.OpportunityQuery, map[string]string) {
	q, err := opportunityQuery(c)
	fields := map[string]string{}
	if ve := validation(err); ve != nil {
		fields = ve.Fields
	}
	return q, fields
}

// queryString is "?segment_by=…&filter=…&include_partial=1" for q, or ""
// when q asks for nothing: links that carry the view along.
func queryString(q results.OpportunityQuery) string {
	v := url.Values{}
	if q.SegmentBy != "" {
		v.Set("segment_by", q.SegmentBy)
	}
	for _, f := range q.Filters {
		v.Add("filter", f.Key+":"+f.Value)
	}
	if q.IncludePartial {
		v.Set("include_partial", "1")
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func filterChips(studyID int64, q results.OpportunityQuery) []filterChip {
	var chips []filterChip
	for i, f := range q.Filters {
		rest := q
		rest.Filters = slices.Delete(slices.Clone(q.Filters), i, i+1)
		chips = append(chips, filterChip{Key: f.Key, Value: f.Value, Label: f.Key + ": " + f.Value,
			Remove: studyPath(studyID, "results") + queryString(rest)})
	}
	return chips
}

// px formats a pixel coordinate of a chart.
func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// ---- Fieldwork ----

const responsesPerPage = 50

type dayBar struct {
	Day              string
	Count            int
	X, Y, W, H, TY   string
	First, Last, Odd bool
}

type quotaView struct {
	fieldwork.QuotaStatus
	Met bool
}

type responseView struct {
	surveys.Response
	Started, Duration string
}

func (s *Server) showFieldwork(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	ctx := c.UserContext()
	fw, err := s.fieldwork.Summary(ctx, d)
	if err != nil {
		return err
	}
	page := max(1, c.QueryInt("page", 1))
	list, err := s.fieldwork.Responses(ctx, d, fieldwork.ResponseQuery{Offset: (page - 1) * responsesPerPage, Limit: responsesPerPage})
	if err != nil {
		return err
	}
	pages := max(1, (list.Total+responsesPerPage-1)/responsesPerPage)
	rows := make([]responseView, len(list.Responses))
	for i, r := range list.Responses {
		rows[i] = responseView{Response: r, Started: r.StartedAt.UTC().Format("2 Jan 2006 15:04")}
		if r.FinishedAt != nil {
			rows[i].Duration = r.FinishedAt.Sub(r.StartedAt).Round(time.Second).String()
		}
	}
	var quotas []quotaView
	for _, q := range fw.Quotas {
		quotas = append(quotas, quotaView{QuotaStatus: q, Met: q.Count >= q.Target})
	}
	data["FW"], data["Days"], data["Quotas"] = fw, dayBars(fw.PerDay), quotas
	data["Statuses"] = statusCounts(fw.Counts)
	data["Rate"] = strconv.FormatFloat(fw.CompletionRate*100, 'f', 1, 64) + "%"
	data["Median"] = (time.Duration(fw.MedianSeconds) * time.Second).String()
	data["Rows"], data["Total"], data["Page"], data["Pages"] = rows, list.Total, page, pages
	if page > 1 {
		data["Prev"] = page - 1
	}
	if page < pages {
		data["Next"] = page + 1
	}
	return s.analysisPage(c, d, "fieldwork", data)
}

type statusCount struct {
	Status string
	Count  int
}

func statusCounts(m map[string]int) []statusCount {
	var out []statusCount
	for _, k := range []string{"complete", "in_progress", "screened_out", "excluded"} {
		out = append(out, statusCount{strings.ReplaceAll(k, "_", " "), m[k]})
	}
	for k, v := range m {
		if !slices.Contains([]string{"complete", "in_progress", "screened_out", "excluded"}, k) {
			out = append(out, statusCount{strings.ReplaceAll(k, "_", " "), v})
		}
	}
	return out
}

// dayBars lays out the responses-per-day chart, 600×120 pixels.
func dayBars(days []fieldwork.DayCount) []dayBar {
	most := 1
	for _, d := range days {
		most = max(most, d.Count)
	}
	var out []dayBar
	w := 600.0 / float64(max(1, len(days)))
	for i, d := range days {
		h := float64(d.Count) / float64(most) * 100
		out = append(out, dayBar{Day: d.Day, Count: d.Count, X: px(float64(i)*w + 1), W: px(math.Max(1, w-2)),
			Y: px(110 - h), H: px(h), TY: px(108 - h), First: i == 0, Last: i == len(days)-1})
	}
	return out
}

func (s *Server) createInvitationsPage(c *fiber.Ctx) error {
	d := designOf(c)
	count, err := strconv.Atoi(strings.TrimSpace(c.FormValue("count")))
	if err != nil || count < 1 {
		err = problem.Invalid("count", "must be a whole number of at least 1")
	}
	var invs []fieldwork.NewInvitation
	if err == nil {
		invs, err = s.fieldwork.CreateInvitations(c.UserContext(), designOf(c), fieldwork.InvitationsInput{Count: count})
	}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showFieldwork(c, d, fiber.Map{"Fields": ve.Fields, "Count": c.FormValue("count")})
	}
	if err != nil {
		return err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"token", "url"})
	for _, inv := range invs {
		link := ""
		if d.Study.Slug != nil {
			link = s.baseURL() + "/s/" + *d.Study.Slug + "?i=" + inv.Token
		}
		w.Write([]string{inv.Token, link})
	}
	w.Flush()
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="study-%d-invitations.csv"`, d.Study.ID))
	return c.Send(b.Bytes())
}

func (s *Server) excludePage(c *fiber.Ctx) error {
	id := designOf(c).Study.ID
	excluded := c.FormValue("excluded") == "1"
	if err := s.fieldwork.SetExcluded(c.UserContext(), designOf(c), c.Params("respondent_id"), excluded); err != nil {
		return err
	}
	to := studyPath(id, "fieldwork")
	if p, err := strconv.Atoi(c.FormValue("page")); err == nil && p > 1 {
		to += "?page=" + strconv.Itoa(p)
	}
	return c.Redirect(to+"#responses", fiber.StatusSeeOther)
}
