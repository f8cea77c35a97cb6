package app

import (
	"encoding/csv"
	"fmt"
	"io"
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
)

// The Fieldwork tab: how data collection is going, the invitations, the
// study's cleaning rule, and the responses listed for review with the
// researcher's decisions on them, one by one or in bulk. The list's view
// (filters, sort, page) travels in the query of every link and form that
// acts on it, so that an action comes back to the view it was taken in.

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

// reviewRow is one response of the review table.
type reviewRow struct {
	surveys.Response
	Started, Duration string
	Labels            []string // its quality flags, as people read them
	Why               string   // why it is in or out, when not simply by the rule
	Decisions         []decisionButton
}

// decisionButton is a decision a row's button records, as the form posts it.
type decisionButton struct{ Value, Label string }

var (
	excludeButton = decisionButton{"exclude", "Exclude"}
	includeButton = decisionButton{"include", "Include"}
	ruleButton    = decisionButton{"rule", "Follow the rule"}
)

// newReviewRow lays out one response, offering only the decisions that
// would change it.
func newReviewRow(r surveys.Response, rule []string) reviewRow {
	row := reviewRow{Response: r, Started: r.StartedAt.UTC().Format("2 Jan 2006 15:04")}
	if r.FinishedAt != nil {
		row.Duration = r.FinishedAt.Sub(r.StartedAt).Round(time.Second).String()
	}
	var ruled []string // its flags that the rule excludes
	for _, f := range r.Flags {
		row.Labels = append(row.Labels, flagLabels[f])
		if slices.Contains(rule, f) {
			ruled = append(ruled, flagLabels[f])
		}
	}
	switch {
	case r.Decision == surveys.Exclude:
		row.Why, row.Decisions = "researcher's decision", []decisionButton{includeButton, ruleButton}
	case r.Decision == surveys.Include:
		row.Why, row.Decisions = "researcher's decision", []decisionButton{excludeButton, ruleButton}
	case r.Excluded:
		row.Why, row.Decisions = "by the rule: "+strings.Join(ruled, ", "), []decisionButton{includeButton}
	default:
		row.Decisions = []decisionButton{excludeButton}
	}
	return row
}

// reviewFilter is one select of the list's filter form.
type reviewFilter struct {
	Name, Label string // the query parameter, and its label
	Options     []filterOption
	Error       string // what was wrong with the value asked for
}

type filterOption struct {
	Value, Label string
	Selected     bool
}

// reviewFilters are the list's filter form as it shows view: the responses
// API's parameters, the flags counted.
func reviewFilters(view url.Values, flags []flagView, fields map[string]string) []reviewFilter {
	flag := reviewFilter{Name: "flag", Label: "Flag", Options: []filterOption{{Label: "any"}}}
	for _, f := range flags {
		flag.Options = append(flag.Options, filterOption{Value: f.Name, Label: fmt.Sprintf("%s (%d)", f.Label, f.Count)})
	}
	sort := reviewFilter{Name: "sort", Label: "Order"}
	for _, o := range fieldwork.ResponseSorts {
		sort.Options = append(sort.Options, filterOption{Value: o, Label: o + " first"})
	}
	out := []reviewFilter{flag,
		{Name: "status", Label: "Status", Options: statusOptions()},
		{Name: "excluded", Label: "In the results", Options: []filterOption{{Label: "in or out"}, {Value: "0", Label: "in"}, {Value: "1", Label: "left out"}}},
		sort}
	for i := range out {
		out[i].Error = fields[out[i].Name]
		for j := range out[i].Options {
			out[i].Options[j].Selected = out[i].Options[j].Value != "" && out[i].Options[j].Value == view.Get(out[i].Name)
		}
	}
	return out
}

// readReview reads the list's view from the query: the filters of the
// responses API (responses.go) and a page. A filter that is not one is
// reported beside its field.
func readReview(c *fiber.Ctx) (fieldwork.ResponseQuery, int, error) {
	page := max(1, c.QueryInt("page", 1))
	q, err := responseQuery(c, responsesPerPage)
	q.Offset, q.Limit = (page-1)*responsesPerPage, responsesPerPage
	return q, page, err
}

// reviewQuery is the query of the list's view on page: what its links and
// forms carry along.
func reviewQuery(q fieldwork.ResponseQuery, page int) url.Values {
	v := url.Values{}
	for key, val := range map[string]string{"flag": q.Flag, "status": q.Status, "sort": q.Sort} {
		if val != "" {
			v.Set(key, val)
		}
	}
	if q.Excluded != nil {
		v.Set("excluded", map[bool]string{true: "1", false: "0"}[*q.Excluded])
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// withQuery is path with v as its query, if any.
func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func (s *Server) showFieldwork(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	ctx := c.UserContext()
	fw, err := s.fieldwork.Summary(ctx, d)
	if err != nil {
		return err
	}
	var bad problem.List
	q, page, err := readReview(c)
	if err := bad.Merge(err); err != nil {
		return err
	}
	list, err := s.fieldwork.Responses(ctx, d, q)
	if err := bad.Merge(err); err != nil {
		return err
	}
	if list == nil { // a filter the list does not have: the whole list instead
		q, page = fieldwork.ResponseQuery{Limit: responsesPerPage}, 1
		if list, err = s.fieldwork.Responses(ctx, d, q); err != nil {
			return err
		}
	}
	pages := max(1, (list.Total+responsesPerPage-1)/responsesPerPage)
	if page > pages { // decisions shrank the filtered list under the page
		page, q.Offset = pages, (pages-1)*responsesPerPage
		if list, err = s.fieldwork.Responses(ctx, d, q); err != nil {
			return err
		}
	}
	if err := s.sampleSizeOnFieldwork(c, d, data, &bad); err != nil {
		return err
	}
	if bad != nil && c.Response().StatusCode() == fiber.StatusOK {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	rows := make([]reviewRow, len(list.Responses))
	for i, r := range list.Responses {
		rows[i] = newReviewRow(r, d.Study.ExcludeFlags)
	}
	var quotas []quotaView
	for _, q := range fw.Quotas {
		quotas = append(quotas, quotaView{QuotaStatus: q, Met: q.Count >= q.Target})
	}
	view := reviewQuery(q, page)
	data["FW"], data["Days"], data["Quotas"] = fw, dayBars(fw.PerDay), quotas
	data["Statuses"], data["Channels"] = statusCounts(fw.Counts), channelViews(fw.Channels)
	data["StatusNames"] = statusCounts(nil)[:len(surveys.Statuses)] // the header of the channels' counts
	data["Rate"] = strconv.FormatFloat(fw.CompletionRate*100, 'f', 1, 64) + "%"
	data["Median"] = (time.Duration(fw.MedianSeconds) * time.Second).String()
	flags := flagViews(d, fw)
	data["Flags"], data["Cleaning"], data["Filtered"] = flags, newCleaning(d, fw), len(reviewQuery(q, 1)) > 0
	data["Rows"], data["Total"], data["Page"], data["Pages"] = rows, list.Total, page, pages
	data["DecideURL"] = withQuery(studyPath(d.Study.ID, "responses/exclusions"), view)
	data["RuleURL"] = withQuery(studyPath(d.Study.ID, "cleaning"), view)
	data["Saved"] = savedNotice(c)
	if c.Query("rule") == "saved" {
		data["RuleSaved"] = "Saved: the rule now leaves out " + responses(fw.ExcludedByRule) + "."
	}
	if page > 1 {
		data["Prev"] = withQuery(studyPath(d.Study.ID, "fieldwork"), reviewQuery(q, page-1)) + "#responses"
	}
	if page < pages {
		data["Next"] = withQuery(studyPath(d.Study.ID, "fieldwork"), reviewQuery(q, page+1)) + "#responses"
	}
	data["Filters"] = reviewFilters(view, flags, bad)
	if posted, ok := data["Fields"].(map[string]string); ok { // a form's own, beside the list's
		for field, msg := range posted {
			bad.Add(field, msg)
		}
	}
	data["Fields"] = bad
	if err := s.mailingsView(c, d, data); err != nil {
		return err
	}
	return s.analysisPage(c, d, "fieldwork", data)
}

// decided is what a decision did, as the notice after it says.
var decided = map[string]string{"exclude": "excluded", "include": "included", "rule": "left to the study's rule"}

// savedNotice is "Saved: 5 responses excluded." after a decision (the query
// says saved=5&decided=exclude), else "".
func savedNotice(c *fiber.Ctx) string {
	n, err := strconv.Atoi(c.Query("saved"))
	did, ok := decided[c.Query("decided")]
	if err != nil || !ok {
		return ""
	}
	return fmt.Sprintf("Saved: %s %s.", responses(n), did)
}

// decidePage serves the Fieldwork tab's decisions, POST
// /studies/{id}/responses/exclusions, the page twin of the API's: the
// responses ticked (respondent_id, repeated; one for a row's own button) or
// every one with a flag (all_flagged), excluded, included or left to the
// rule (decide). It comes back to the view in its query with what changed.
func (s *Server) decidePage(c *fiber.Ctx) error {
	d := designOf(c)
	in := fieldwork.Decision{Flag: string(c.Request().PostArgs().Peek("all_flagged"))}
	for _, id := range c.Request().PostArgs().PeekMulti("respondent_id") {
		in.RespondentIDs = append(in.RespondentIDs, string(id))
	}
	decide := string(c.Request().PostArgs().Peek("decide"))
	switch decide {
	case "exclude", "include":
		excluded := decide == "exclude"
		in.Excluded = &excluded
	case "rule":
		in.FollowRule = true
	}
	n, err := s.fieldwork.Decide(c.UserContext(), d, in)
	if ve := validation(err); ve != nil {
		msg := "Tick at least one response first."
		if _, ok := ve.Fields["respondent_ids"]; !ok {
			msg = strings.Join(sortedMessages(ve.Fields), " ")
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showFieldwork(c, d, fiber.Map{"ReviewAlert": msg})
	}
	if err != nil {
		return err
	}
	q, page, _ := readReview(c)
	view := reviewQuery(q, page)
	view.Set("saved", strconv.Itoa(n))
	view.Set("decided", decide)
	return c.Redirect(withQuery(studyPath(d.Study.ID, "fieldwork"), view)+"#responses", fiber.StatusSeeOther)
}

// saveRulePage serves the Fieldwork tab's cleaning rule, POST
// /studies/{id}/cleaning: the flags ticked become the study's
// exclude_flags, as PATCH /api/v1/studies/{id} takes them; none ticked
// turns automatic exclusion off. The rule belongs to the analysis, not the
// survey, so it may change on an open or closed study too.
func (s *Server) saveRulePage(c *fiber.Ctx) error {
	d := designOf(c)
	flags := []string{}
	for _, f := range c.Request().PostArgs().PeekMulti("exclude_flags") {
		flags = append(flags, string(f))
	}
	if _, err := s.store.UpdateStudy(c.UserContext(), userOf(c), d.Study.ID, surveys.StudyInput{ExcludeFlags: &flags}); err != nil {
		return err
	}
	q, page, _ := readReview(c)
	view := reviewQuery(q, page)
	view.Set("rule", "saved")
	return c.Redirect(withQuery(studyPath(d.Study.ID, "fieldwork"), view)+"#rule", fiber.StatusSeeOther)
}

type statusCount struct {
	Status string
	Count  int
}

// statusLabel is a status as people read it: "in progress".
func statusLabel(status string) string { return strings.ReplaceAll(status, "_", " ") }

func statusCounts(m map[string]int) []statusCount {
	var out []statusCount
	for _, k := range append(slices.Clone(surveys.Statuses), "excluded") {
		out = append(out, statusCount{statusLabel(k), m[k]})
	}
	return out
}

func statusOptions() []filterOption {
	out := []filterOption{{Label: "any"}}
	for _, st := range surveys.Statuses {
		out = append(out, filterOption{Value: st, Label: statusLabel(st)})
	}
	return out
}

// channelView is a row of the table of channels: how the responses that
// came one way are going, with a count per status in surveys.Statuses order.
type channelView struct {
	Label, Links string // Links is "" for a channel that makes no links
	Started      int
	Counts       []statusCount
}

func channelViews(chans []fieldwork.Channel) []channelView {
	out := make([]channelView, len(chans))
	for i, ch := range chans {
		out[i] = channelView{Label: ch.Label, Started: ch.Started}
		if ch.Links != nil {
			out[i].Links = strconv.Itoa(*ch.Links)
		}
		for _, st := range surveys.Statuses {
			out[i].Counts = append(out[i].Counts, statusCount{statusLabel(st), ch.Counts[st]})
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
	return sendFile(c, csvType, fmt.Sprintf(`attachment; filename="study-%d-invitations.csv"`, d.Study.ID), func(out io.Writer) error {
		w := csv.NewWriter(out)
		w.Write([]string{"token", "url"})
		for _, inv := range invs {
			link := ""
			if d.Study.Slug != nil {
				link = s.baseURL() + "/s/" + *d.Study.Slug + "?i=" + inv.Token
			}
			w.Write([]string{inv.Token, link})
		}
		w.Flush()
		return w.Error()
	})
}

// excludePage serves a row's exclude or restore button of older pages, POST
// /studies/{id}/responses/{respondent_id}/exclude; the tab's buttons now
// post to decidePage, which also lets the rule decide again.
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
