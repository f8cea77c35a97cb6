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
	"odi/surveys/score"
)

// The analysis pages: Fieldwork, Results, Segments and Share, the tabs a
// researcher reads a study with once responses come in. Every number comes
// from one store method; this file only lays those numbers out (formatting,
// SVG coordinates) so the templates need no arithmetic and no inline style.

// analysisPage shows one analysis tab under the study head.
func (s *Server) analysisPage(c *fiber.Ctx, d *surveys.Design, tab string, data fiber.Map) error {
	data["Title"], data["D"], data["Tab"] = tabTitle(tab)+" · "+d.Study.Name, d, tab
	data["Styles"], data["Scripts"] = []string{"editor.css", "results.css"}, []string{"editor.js"}
	if d.Study.Slug != nil {
		data["PublicURL"] = s.baseURL() + "/s/" + *d.Study.Slug
	}
	if _, ok := data["Fields"]; !ok {
		data["Fields"] = map[string]string{}
	}
	return s.render(c, "study_"+tab, data)
}

func tabTitle(tab string) string { return strings.ToUpper(tab[:1]) + tab[1:] }

// design loads the study named in the path.
func (s *Server) designOf(c *fiber.Ctx) (*surveys.Design, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	return s.store.Design(c.UserContext(), userOf(c), id)
}

// one formats a score to one decimal, rounding half up like the class does,
// so the number shown and its class agree.
func one(v float64) string {
	return strconv.FormatFloat(score.Round1(v), 'f', 1, 64)
}

func two(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// ---- Results ----

// groupChoice is an entry of the group-by selector or the filter list.
type groupChoice struct {
	Key, Label string
	Groups     []string
	Saved      bool
}

// choices are the ways results can be split: segment questions, then saved
// segmentations.
func (s *Server) choices(c *fiber.Ctx, d *surveys.Design) ([]groupChoice, error) {
	var out []groupChoice
	for _, q := range d.Questions {
		if q.Segment && q.Kind != surveys.KindText {
			out = append(out, groupChoice{Key: q.Key, Label: q.Text, Groups: q.Groups()})
		}
	}
	segs, err := s.store.Segmentations(c.UserContext(), userOf(c), d.Study.ID)
	if err != nil {
		return nil, err
	}
	for _, sg := range segs {
		keys := make([]string, len(sg.Labels))
		for i := range sg.Labels {
			keys[i] = surveys.SegmentID(i)
		}
		out = append(out, groupChoice{Key: sg.Key, Label: "Saved segmentation " + sg.Key, Groups: keys, Saved: true})
	}
	return out, nil
}

// resultRow is one outcome of one group, ready to print.
type resultRow struct {
	score.Row
	Imp, Sat, Opp string
	ImpCI, SatCI  string
	Bar           string // width of the opportunity bar, 0–100
}

type resultGroup struct {
	surveys.Group
	Rows     []resultRow
	Priority string
	Forces   *forcesView
}

type forcesView struct {
	N                               int
	Push, Pull, Anxiety, Habit, Net string
	Positive                        string
}

// cmpRow is one outcome across the groups.
type cmpRow struct {
	Code, Statement string
	Cells           []cmpCell
}

type cmpCell struct {
	Opp, Class string
	N          int
}

type filterChip struct {
	Key, Value, Label string
	Remove            string // the URL without this filter
}

func (s *Server) resultsPage(c *fiber.Ctx) error {
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	choices, err := s.choices(c, d)
	if err != nil {
		return err
	}
	q := surveys.OpportunityQuery{SegmentBy: c.Query("segment_by"), IncludePartial: c.Query("include_partial") == "1"}
	var raw []string
	for _, v := range c.Request().URI().QueryArgs().PeekMulti("filter") {
		raw = append(raw, string(v))
	}
	fields := map[string]string{}
	for _, f := range raw {
		if f == "" {
			continue // the "add a filter" select left at its blank choice
		}
		k, v, ok := strings.Cut(f, ":")
		if !ok || k == "" || v == "" {
			fields["filter"] = fmt.Sprintf("%q is not KEY:VALUE", f)
			continue
		}
		q.Filters = append(q.Filters, surveys.Filter{Key: k, Value: v})
	}
	status := fiber.StatusOK
	res, err := s.store.Opportunities(c.UserContext(), userOf(c), d.Study.ID, q)
	if ve := validation(err); ve != nil {
		for k, v := range ve.Fields {
			fields[k] = v
		}
		q = surveys.OpportunityQuery{IncludePartial: q.IncludePartial}
		res, err = s.store.Opportunities(c.UserContext(), userOf(c), d.Study.ID, q)
	}
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		status = fiber.StatusUnprocessableEntity
	}

	groups := make([]resultGroup, len(res.Groups))
	for i, g := range res.Groups {
		groups[i] = resultGroupOf(g)
	}
	var heat []cmpRow
	if q.SegmentBy != "" && len(groups) > 0 {
		at := make([]map[string]score.Row, len(groups))
		for i, g := range groups {
			at[i] = map[string]score.Row{}
			for _, r := range g.Outcomes {
				at[i][r.Code] = r
			}
		}
		for _, r := range groups[0].Outcomes {
			h := cmpRow{Code: r.Code, Statement: r.Statement}
			for i := range groups {
				x := at[i][r.Code]
				h.Cells = append(h.Cells, cmpCell{Opp: one(x.Opportunity), Class: x.Class, N: x.N})
			}
			heat = append(heat, h)
		}
	}
	var chips []filterChip
	for i, f := range q.Filters {
		rest := url.Values{}
		if q.SegmentBy != "" {
			rest.Set("segment_by", q.SegmentBy)
		}
		if q.IncludePartial {
			rest.Set("include_partial", "1")
		}
		for j, g := range q.Filters {
			if j != i {
				rest.Add("filter", g.Key+":"+g.Value)
			}
		}
		chips = append(chips, filterChip{Key: f.Key, Value: f.Value, Label: f.Key + ": " + f.Value,
			Remove: studyPath(d.Study.ID, "results") + "?" + rest.Encode()})
	}
	workbook := fmt.Sprintf("/api/v1/studies/%d/export.xlsx", d.Study.ID)
	if q.SegmentBy != "" {
		workbook += "?segment_by=" + url.QueryEscape(q.SegmentBy)
	}
	var land *landView
	if len(groups) > 0 {
		land = landViewOf(groups[0].Outcomes)
	}
	c.Status(status)
	return s.analysisPage(c, d, "results", fiber.Map{
		"Choices": choices, "Query": q, "Chips": chips, "Groups": groups, "Heat": heat,
		"Landscape": land, "Workbook": workbook, "Fields": fields,
	})
}

func resultGroupOf(g surveys.Group) resultGroup {
	rg := resultGroup{Group: g, Priority: strconv.FormatFloat(g.Priority, 'g', 4, 64)}
	for _, r := range g.Outcomes {
		rg.Rows = append(rg.Rows, resultRow{Row: r, Imp: one(r.Importance), Sat: one(r.Satisfaction), Opp: one(r.Opportunity),
			ImpCI: one(r.ImportanceCI[0]) + "–" + one(r.ImportanceCI[1]),
			SatCI: one(r.SatisfactionCI[0]) + "–" + one(r.SatisfactionCI[1]),
			Bar:   strconv.FormatFloat(math.Min(100, r.Opportunity*5), 'f', 1, 64)})
	}
	if f := g.Forces; f != nil {
		rg.Forces = &forcesView{N: f.N, Push: two(f.Push), Pull: two(f.Pull), Anxiety: two(f.Anxiety), Habit: two(f.Habit),
			Net: two(f.Net), Positive: strconv.FormatFloat(f.PositiveShare*100, 'f', 0, 64) + "%"}
	}
	return rg
}

// landView is the opportunity landscape: importance across, satisfaction up,
// both 0–10, drawn on a 0–10 grid of side plotSide pixels.
type landView struct {
	Ticks  []landTick
	Guides []landGuide
	Points []landPoint
}

type landTick struct {
	Label     string
	Pos       string // pixel position along the axis
	X, Y      string // for x ticks X is Pos; for y ticks Y is Pos
	Base, End string
}

type landGuide struct {
	X1, Y1, X2, Y2 string
	LX, LY         string
	Label          string
}

type landPoint struct {
	X, Y, LX, LY string
	Code, Class  string
	Title        string
}

const (
	plotLeft = 44.0
	plotTop  = 16.0
	plotSide = 320.0
)

func px(v float64) string    { return strconv.FormatFloat(v, 'f', 1, 64) }
func lx(imp float64) float64 { return plotLeft + imp/10*plotSide }
func ly(sat float64) float64 { return plotTop + (10-sat)/10*plotSide }

func landViewOf(rows []score.Row) *landView {
	l := &landView{}
	for v := 0; v <= 10; v += 2 {
		f := float64(v)
		l.Ticks = append(l.Ticks, landTick{Label: strconv.Itoa(v), X: px(lx(f)), Y: px(ly(f))})
	}
	// opportunity = imp + (imp − sat) for sat < imp, so the line of equal
	// opportunity o is sat = 2·imp − o, from (o/2, 0) up to imp = 10.
	for _, o := range []float64{10, 12, 15} {
		x1, y1 := o/2, 0.0
		x2, y2 := 10.0, 20-o
		l.Guides = append(l.Guides, landGuide{X1: px(lx(x1)), Y1: px(ly(y1)), X2: px(lx(x2)), Y2: px(ly(y2)),
			LX: px(lx(x2) + 3), LY: px(ly(y2) + 4), Label: strconv.Itoa(int(o))})
	}
	for _, r := range rows {
		x, y := lx(r.Importance), ly(r.Satisfaction)
		l.Points = append(l.Points, landPoint{X: px(x), Y: px(y), LX: px(x + 6), LY: px(y - 5), Code: r.Code, Class: r.Class,
			Title: fmt.Sprintf("%s %s: importance %s, satisfaction %s, opportunity %s (%s)", r.Code, r.Statement,
				one(r.Importance), one(r.Satisfaction), one(r.Opportunity), r.Class)})
	}
	return l
}

// ---- Fieldwork ----

const responsesPerPage = 50

type dayBar struct {
	Day              string
	Count            int
	X, Y, W, H, TY   string
	First, Last, Odd bool
}

type quotaView struct {
	surveys.QuotaStatus
	Met bool
}

type responseView struct {
	surveys.Response
	Started, Duration string
}

func (s *Server) fieldworkPage(c *fiber.Ctx) error {
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	return s.showFieldwork(c, d, fiber.Map{})
}

func (s *Server) showFieldwork(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	ctx, u := c.UserContext(), userOf(c)
	fw, err := s.store.Fieldwork(ctx, u, d.Study.ID)
	if err != nil {
		return err
	}
	page := max(1, c.QueryInt("page", 1))
	list, err := s.store.Responses(ctx, u, d.Study.ID, (page-1)*responsesPerPage, responsesPerPage)
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
func dayBars(days []surveys.DayCount) []dayBar {
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
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	count, err := strconv.Atoi(strings.TrimSpace(c.FormValue("count")))
	if err != nil || count < 1 {
		err = surveys.Invalid("count", "must be a whole number of at least 1")
	}
	var invs []surveys.NewInvitation
	if err == nil {
		invs, err = s.store.CreateInvitations(c.UserContext(), userOf(c), d.Study.ID, surveys.InvitationsInput{Count: count})
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
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	excluded := c.FormValue("excluded") == "1"
	if err := s.store.SetExcluded(c.UserContext(), userOf(c), id, c.Params("respondent_id"), excluded); err != nil {
		return err
	}
	to := studyPath(id, "fieldwork")
	if p, err := strconv.Atoi(c.FormValue("page")); err == nil && p > 1 {
		to += "?page=" + strconv.Itoa(p)
	}
	return c.Redirect(to+"#responses", fiber.StatusSeeOther)
}

// ---- Segments ----

type segmentView struct {
	surveys.Segment
	Index    int
	Share    string
	Profiles []profileView
}

type profileView struct {
	Key, Text string
	V         string
	Strong    bool
	Lifts     []liftView
}

type liftView struct {
	Option, Seg, All, Lift string
	High                   bool
}

func (s *Server) segmentsPage(c *fiber.Ctx) error {
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	return s.showSegments(c, d, fiber.Map{})
}

func (s *Server) showSegments(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	segs, err := s.store.Segmentations(c.UserContext(), userOf(c), d.Study.ID)
	if err != nil {
		return err
	}
	saved := make([]savedView, len(segs))
	for i, sg := range segs {
		saved[i] = savedView{Segmentation: sg}
		for j, l := range sg.Labels {
			saved[i].Segs = append(saved[i].Segs, savedSeg{ID: surveys.SegmentID(j), Label: l})
		}
	}
	data["Saved"] = saved
	data["Ks"] = []int{2, 3, 4, 5, 6}
	return s.analysisPage(c, d, "segments", data)
}

type savedView struct {
	surveys.Segmentation
	Segs []savedSeg
}

type savedSeg struct{ ID, Label string }

func discoverK(c *fiber.Ctx) (int, error) {
	v := strings.TrimSpace(c.FormValue("k"))
	if v == "" || v == "auto" {
		return 0, nil
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < 2 || k > 6 {
		return 0, surveys.Invalid("k", "choose automatic or 2 to 6 segments")
	}
	return k, nil
}

func (s *Server) discoverPage(c *fiber.Ctx) error {
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	k, err := discoverK(c)
	var res *surveys.Discovery
	if err == nil {
		res, err = s.store.Discover(c.UserContext(), userOf(c), d.Study.ID, surveys.DiscoverInput{K: k})
	}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showSegments(c, d, fiber.Map{"Fields": ve.Fields, "K": c.FormValue("k")})
	}
	if err != nil {
		return err
	}
	return s.showSegments(c, d, discoveryData(d, res, c.FormValue("k"), nil, nil))
}

func discoveryData(d *surveys.Design, res *surveys.Discovery, k string, labels []string, fields map[string]string) fiber.Map {
	total := 0
	for _, sg := range res.Segments {
		total += sg.Size
	}
	text := map[string]string{}
	for _, q := range d.Questions {
		text[q.Key] = q.Text
	}
	var views []segmentView
	for i, sg := range res.Segments {
		v := segmentView{Segment: sg, Index: i, Share: strconv.FormatFloat(float64(sg.Size)/float64(max(1, total))*100, 'f', 0, 64) + "%"}
		for _, q := range d.Questions {
			p, ok := sg.Profile[q.Key]
			if !ok {
				continue
			}
			pv := profileView{Key: q.Key, Text: text[q.Key], V: two(p.CramersV), Strong: p.CramersV >= 0.3}
			for _, l := range p.Lifts {
				pv.Lifts = append(pv.Lifts, liftView{Option: l.Option, Seg: pct(l.SegmentShare), All: pct(l.AllShare),
					Lift: two(l.Lift), High: l.Lift >= 1.25})
			}
			v.Profiles = append(v.Profiles, pv)
		}
		views = append(views, v)
	}
	if labels == nil {
		labels = make([]string, len(res.Segments))
	}
	return fiber.Map{"Discovery": res, "Segments": views, "K": k, "Labels": labels, "Silhouette": two(res.Silhouette), "Fields": fields}
}

func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', 0, 64) + "%" }

// saveSegmentationPage re-runs discovery with the same k (it is deterministic
// for the same data) and saves its members under the researcher's names, so
// the page carries no member list.
func (s *Server) saveSegmentationPage(c *fiber.Ctx) error {
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	k, err := discoverK(c)
	var res *surveys.Discovery
	if err == nil {
		res, err = s.store.Discover(c.UserContext(), userOf(c), d.Study.ID, surveys.DiscoverInput{K: k})
	}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showSegments(c, d, fiber.Map{"Fields": ve.Fields, "K": c.FormValue("k")})
	}
	if err != nil {
		return err
	}
	labels := make([]string, len(res.Segments))
	members := map[string]int{}
	for i, sg := range res.Segments {
		labels[i] = strings.TrimSpace(c.FormValue("label_" + strconv.Itoa(i)))
		for _, m := range sg.Members {
			members[m] = i
		}
	}
	fields := map[string]string{}
	for i, l := range labels {
		if l == "" {
			fields["label_"+strconv.Itoa(i)] = "name this segment after its job"
		}
	}
	key := strings.TrimSpace(c.FormValue("key"))
	if len(fields) == 0 {
		_, err = s.store.SaveSegmentation(c.UserContext(), userOf(c), d.Study.ID,
			surveys.SegmentationInput{Key: key, Labels: labels, Members: members, Silhouette: res.Silhouette})
		if ve := validation(err); ve != nil {
			fields = ve.Fields
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		data := discoveryData(d, res, c.FormValue("k"), labels, fields)
		data["Key"] = key
		return s.showSegments(c, d, data)
	}
	return c.Redirect(studyPath(d.Study.ID, "segments")+"#saved", fiber.StatusSeeOther)
}

// canvasPage is the printable needs-based segment canvas of one saved segment.
func (s *Server) canvasPage(c *fiber.Ctx) error {
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	key, seg := c.Query("segmentation"), c.Query("segment")
	if key == "" || seg == "" {
		return c.Redirect(studyPath(d.Study.ID, "segments"), fiber.StatusSeeOther)
	}
	ctx, u := c.UserContext(), userOf(c)
	res, err := s.store.Opportunities(ctx, u, d.Study.ID, surveys.OpportunityQuery{SegmentBy: key})
	if validation(err) != nil {
		return surveys.ErrNotFound
	}
	if err != nil {
		return err
	}
	at := slices.IndexFunc(res.Groups, func(g surveys.Group) bool { return g.Key == seg && g.Key != "all" })
	if at < 0 {
		return surveys.ErrNotFound
	}
	g := resultGroupOf(res.Groups[at])
	all := resultGroupOf(res.Groups[0])
	top := g.Rows[:min(5, len(g.Rows))]
	// Profile overlap: each segment question's answers inside the segment
	// against everyone, scored by the same store method as the results.
	var overlap []profileView
	for _, q := range d.Questions {
		if !q.Segment || q.Kind == surveys.KindText {
			continue
		}
		in, err := s.store.Opportunities(ctx, u, d.Study.ID, surveys.OpportunityQuery{SegmentBy: q.Key, Filters: []surveys.Filter{{Key: key, Value: seg}}})
		if err != nil {
			return err
		}
		out, err := s.store.Opportunities(ctx, u, d.Study.ID, surveys.OpportunityQuery{SegmentBy: q.Key})
		if err != nil {
			return err
		}
		pv := profileView{Key: q.Key, Text: q.Text}
		for i := 1; i < len(in.Groups) && i < len(out.Groups); i++ {
			sh := float64(in.Groups[i].N) / float64(max(1, in.Groups[0].N))
			ah := float64(out.Groups[i].N) / float64(max(1, out.Groups[0].N))
			lift := 0.0
			if ah > 0 {
				lift = sh / ah
			}
			pv.Lifts = append(pv.Lifts, liftView{Option: in.Groups[i].Label, Seg: pct(sh), All: pct(ah), Lift: two(lift), High: lift >= 1.25})
		}
		overlap = append(overlap, pv)
	}
	share := pct(float64(g.N) / float64(max(1, all.N)))
	return s.analysisPage(c, d, "segments", fiber.Map{"Canvas": true, "Group": g, "Top": top, "Overlap": overlap, "Key": key, "Share": share, "AllN": all.N})
}

// ---- Share ----

type shareView struct {
	surveys.Share
	State string
}

func (s *Server) sharePage(c *fiber.Ctx) error {
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	return s.showShares(c, d, fiber.Map{})
}

func (s *Server) showShares(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	shares, err := s.store.Shares(c.UserContext(), userOf(c), d.Study.ID)
	if err != nil {
		return err
	}
	choices, err := s.choices(c, d)
	if err != nil {
		return err
	}
	now := time.Now()
	views := make([]shareView, len(shares))
	for i, sh := range shares {
		views[i] = shareView{Share: sh, State: "active"}
		switch {
		case sh.RevokedAt != nil:
			views[i].State = "revoked"
		case sh.ExpiresAt != nil && !sh.ExpiresAt.After(now):
			views[i].State = "expired"
		}
	}
	data["Shares"], data["Choices"] = views, choices
	if _, ok := data["Form"]; !ok {
		data["Form"] = shareForm{}
	}
	return s.analysisPage(c, d, "share", data)
}

type shareForm struct {
	Expires, SegmentBy string
	Raw                bool
}

func (s *Server) createSharePage(c *fiber.Ctx) error {
	d, err := s.designOf(c)
	if err != nil {
		return err
	}
	f := shareForm{Expires: strings.TrimSpace(c.FormValue("expires")), SegmentBy: c.FormValue("segment_by"), Raw: c.FormValue("include_responses") != ""}
	in := surveys.ShareInput{SegmentBy: f.SegmentBy, IncludeResponses: f.Raw}
	if f.Expires != "" {
		t, perr := time.Parse("2006-01-02", f.Expires)
		if perr != nil {
			err = surveys.Invalid("expires_at", "must be a date like 2027-01-31")
		} else {
			end := t.Add(24*time.Hour - time.Second) // the link works through the whole day
			in.ExpiresAt = &end
		}
	}
	var token string
	if err == nil {
		token, _, err = s.store.CreateShare(c.UserContext(), userOf(c), d.Study.ID, in)
	}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showShares(c, d, fiber.Map{"Fields": ve.Fields, "Form": f})
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return s.showShares(c, d, fiber.Map{"NewURL": s.baseURL() + "/r/" + token})
}

func (s *Server) revokeSharePage(c *fiber.Ctx) error {
	id, sid, err := twoIDs(c, "share_id")
	if err != nil {
		return err
	}
	if err := s.store.RevokeShare(c.UserContext(), userOf(c), id, sid); err != nil {
		return err
	}
	return c.Redirect(studyPath(id, "share"), fiber.StatusSeeOther)
}
