package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/export"
	"odi/surveys/score"
)

// exportWorkbook is the researcher's workbook, Responses sheet included.
func (s *Server) exportWorkbook(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	q, err := opportunityQuery(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), userOf(c)
	d, err := s.store.Design(ctx, u, id)
	if err != nil {
		return err
	}
	opps, err := s.store.Opportunities(ctx, u, id, q)
	if err != nil {
		return err
	}
	in, err := s.workbookInput(ctx, u, d, opps, true)
	if err != nil {
		return err
	}
	in.Query = q
	return sendWorkbook(c, d, in)
}

// exportRankedCSV is every group's ranked table as one long CSV.
func (s *Server) exportRankedCSV(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	q, err := opportunityQuery(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), userOf(c)
	st, err := s.store.Study(ctx, u, id)
	if err != nil {
		return err
	}
	opps, err := s.store.Opportunities(ctx, u, id, q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.RankedCSV(&buf, opps); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, attachment(st.Name, id, "opportunities.csv"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// sharedWorkbook is a stakeholder's workbook: no Responses sheet, and so no
// answers typed by respondents, unless the link was made with them.
func (s *Server) sharedWorkbook(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, d, err := s.store.SharedStudy(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	opps, err := s.store.SharedOpportunities(ctx, sh, d)
	if err != nil {
		return err
	}
	owner, err := s.shareOwner(ctx, d)
	if err != nil {
		return err
	}
	in, err := s.workbookInput(ctx, owner, d, opps, sh.IncludeResponses)
	if err != nil {
		return err
	}
	in.Query = surveys.OpportunityQuery{SegmentBy: sh.SegmentBy}
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return sendWorkbook(c, d, in)
}

// shareOwner is whom a share link reads the study as: its owner, who can
// see all of it. The link itself is the stakeholder's permission, checked by
// SharedStudy; this only lets the store's per-user methods (fieldwork,
// responses) answer for a caller without an account.
func (s *Server) shareOwner(ctx context.Context, d *surveys.Design) (*surveys.User, error) {
	u, err := s.store.UserByID(ctx, d.Study.OwnerID)
	if err != nil {
		return nil, fmt.Errorf("owner of shared study %d: %w", d.Study.ID, err)
	}
	return u, nil
}

// workbookInput gathers what the workbook shows besides the scores.
func (s *Server) workbookInput(ctx context.Context, u *surveys.User, d *surveys.Design, opps *surveys.Opportunities, withResponses bool) (export.Input, error) {
	in := export.Input{Design: d, Opportunities: opps}
	fw, err := s.store.Fieldwork(ctx, u, d.Study.ID)
	if err != nil {
		return in, err
	}
	in.Fieldwork = fw
	if withResponses {
		in.Responses = export.WideCSV(func(w io.Writer) error { return s.store.ExportResponses(ctx, u, d.Study.ID, w) })
	}
	return in, nil
}

// sendWorkbook writes the workbook to an unlinked temporary file and sends
// it from there: the whole file is built before the first byte goes out, so a
// failure is still a proper error status, and a large workbook is never held
// in memory.
func sendWorkbook(c *fiber.Ctx, d *surveys.Design, in export.Input) error {
	tmp, err := os.CreateTemp("", "odi-workbook-*.xlsx")
	if err != nil {
		return fmt.Errorf("workbook temporary file: %w", err)
	}
	os.Remove(tmp.Name()) // the open file lives on until the answer is sent
	size, err := writeWorkbook(tmp, in)
	if err != nil {
		tmp.Close()
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, attachment(d.Study.Name, d.Study.ID, "opportunities.xlsx"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStream(tmp, int(size)) // closed by fasthttp once sent
	return nil
}

func writeWorkbook(f *os.File, in export.Input) (int64, error) {
	if err := export.Workbook(f, in); err != nil {
		return 0, err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	_, err = f.Seek(0, io.SeekStart)
	return size, err
}

// attachment names a download after the study, in plain ASCII so every
// browser keeps the name as given.
func attachment(name string, id int64, suffix string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	base := strings.Trim(b.String(), "-")
	if base == "" {
		base = fmt.Sprintf("study-%d", id)
	}
	return fmt.Sprintf(`attachment; filename="%s-%s"`, base, suffix)
}

// reportPage is the stakeholder's read-only report behind a share link. An
// unknown, revoked or expired token is a plain 404 that says nothing more.
func (s *Server) reportPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	token := c.Params("token")
	sh, d, err := s.store.SharedStudy(ctx, token)
	if err != nil {
		return err
	}
	opps, err := s.store.SharedOpportunities(ctx, sh, d)
	if err != nil {
		return err
	}
	var fw *surveys.Fieldwork
	if owner, err := s.shareOwner(ctx, d); err == nil {
		if fw, err = s.store.Fieldwork(ctx, owner, d.Study.ID); err != nil {
			return err
		}
	} else if !errors.Is(err, surveys.ErrNotFound) {
		return err
	}
	c.Set("X-Robots-Tag", "noindex, nofollow")
	v := newReport(d, opps, fw)
	return s.render(c, "report", fiber.Map{
		"Title":    d.Study.Name,
		"Styles":   []string{"report.css"},
		"Report":   v,
		"Download": "/r/" + token + "/export.xlsx",
	})
}

// report is what the stakeholder page shows, ready for the template.
type report struct {
	Study      surveys.Study
	Job        string
	Fieldwork  string // "5 Jan 2026 – 19 Jan 2026"
	N          int
	Started    int
	SegmentBy  string // what the groups are, as people read it
	All        surveys.Group
	Segments   []surveys.Group
	Groups     []surveys.Group // all respondents, then the segments
	Landscape  landscape
	Comparison []comparisonRow
	Classes    []string
	MinN       int
}

type comparisonRow struct {
	Rank      int
	Code      string
	Statement string
	Cells     []heatCell
}

type heatCell struct {
	Value string // "" when the group has no rating of it
	Class string
	Title string
}

func newReport(d *surveys.Design, opps *surveys.Opportunities, fw *surveys.Fieldwork) report {
	v := report{Study: d.Study, Job: d.Study.Job.Sentence(), All: opps.Groups[0], Segments: opps.Groups[1:], Groups: opps.Groups,
		N: opps.Groups[0].N, MinN: d.Study.MinN, Classes: []string{"extreme", "high", "solid", "served", "overserved"}}
	v.Fieldwork = fieldworkDates(d.Study, fw)
	if fw != nil {
		v.Started = fw.Started
	}
	v.SegmentBy = opps.SegmentBy
	for _, q := range d.Questions {
		if q.Key == opps.SegmentBy {
			v.SegmentBy = q.Text
		}
	}
	v.Landscape = newLandscape(opps.Groups[0].Outcomes)
	if len(v.Segments) > 0 {
		for _, o := range v.All.Outcomes {
			row := comparisonRow{Rank: o.Rank, Code: o.Code, Statement: o.Statement}
			for _, g := range opps.Groups {
				cellv := heatCell{}
				for _, go_ := range g.Outcomes {
					if go_.Code == o.Code && go_.N > 0 {
						cellv = heatCell{Value: fmt.Sprintf("%.1f", go_.Opportunity), Class: go_.Class,
							Title: fmt.Sprintf("%s, %s: opportunity %.1f (%s), n %d", g.Label, o.Code, go_.Opportunity, go_.Class, go_.N)}
					}
				}
				row.Cells = append(row.Cells, cellv)
			}
			v.Comparison = append(v.Comparison, row)
		}
	}
	return v
}

// fieldworkDates is when responses came in, or the study's publication
// dates when there are none.
func fieldworkDates(st surveys.Study, fw *surveys.Fieldwork) string {
	day := func(t time.Time) string { return t.UTC().Format("2 Jan 2006") }
	var from, to string
	if fw != nil && len(fw.PerDay) > 0 {
		if t, err := time.Parse("2006-01-02", fw.PerDay[0].Day); err == nil {
			from = day(t)
		}
		if fw.LastResponse != nil {
			to = day(*fw.LastResponse)
		}
	} else if st.PublishedAt != nil {
		from = day(*st.PublishedAt)
	}
	if st.Status == surveys.StatusOpen && from != "" {
		to += " (still open)"
	}
	switch {
	case from == "":
		return "not started"
	case to == "" || to == from:
		return from
	}
	return from + " – " + to
}

// landscape is the opportunity landscape drawn as SVG on the server:
// importance across, satisfaction up, with the lines of opportunity 10, 12
// and 15 and the outcomes as labelled points.
type landscape struct {
	Width, Height         int
	Left, Top, Right, Bot float64
	XTicks, YTicks        []tick
	Zones                 []zone
	Diagonal              string
	Points                []point
	XLabelX, XLabelY      float64
	YLabelX, YLabelY      float64
	XTickY, YTickX        float64
	Empty                 bool
}

type tick struct {
	Pos   float64
	Label string
}

type zone struct {
	Class, Polygon, Line string
	LabelX, LabelY       float64
	Label                string
}

type point struct {
	X, Y, LX, LY float64
	Labelled     bool
	Minor        bool // labelled on wide screens only
	Code, Class  string
	Title        string
}

const (
	plotW, plotH = 560.0, 400.0
	marginL      = 56.0
	marginT      = 16.0
)

func newLandscape(rows []score.Row) landscape {
	l := landscape{Width: int(marginL + plotW + 36), Height: int(marginT + plotH + 52),
		Left: marginL, Top: marginT, Right: marginL + plotW, Bot: marginT + plotH, Empty: len(rows) == 0}
	x := func(imp float64) float64 { return round1(marginL + imp/10*plotW) }
	y := func(sat float64) float64 { return round1(marginT + (1-sat/10)*plotH) }
	for v := 0; v <= 10; v += 2 {
		l.XTicks = append(l.XTicks, tick{x(float64(v)), fmt.Sprint(v)})
		l.YTicks = append(l.YTicks, tick{y(float64(v)), fmt.Sprint(v)})
	}
	l.XTickY, l.YTickX = marginT+plotH+18, marginL-8
	l.XLabelX, l.XLabelY = marginL+plotW/2, marginT+plotH+42
	l.YLabelX, l.YLabelY = 14, marginT+plotH/2
	l.Diagonal = fmt.Sprintf("%g,%g %g,%g", x(0), y(0), x(10), y(10))
	// Opportunity = importance + max(importance − satisfaction, 0) ≥ c is the
	// triangle below the line from (c/2, 0) to (10, 20 − c).
	for _, z := range []struct {
		c     float64
		class string
	}{{10, "solid"}, {12, "high"}, {15, "extreme"}} {
		l.Zones = append(l.Zones, zone{
			Class:   z.class,
			Polygon: fmt.Sprintf("%g,%g %g,%g %g,%g", x(z.c/2), y(0), x(10), y(0), x(10), y(20-z.c)),
			Line:    fmt.Sprintf("%g,%g %g,%g", x(z.c/2), y(0), x(10), y(20-z.c)),
			LabelX:  x(10) + 4, LabelY: y(20-z.c) + 4, Label: fmt.Sprintf("%g", z.c),
		})
	}
	// Label every outcome when there are few, otherwise the top twenty: to
	// the right of the point, else left, above or below; a label that finds
	// no free spot is left out (the point keeps its title).
	type box struct{ x0, x1, y float64 }
	var placed []box
	free := func(b box) bool {
		if b.x0 < marginL || b.x1 > marginL+plotW+20 || b.y < marginT+8 || b.y > marginT+plotH+4 {
			return false
		}
		for _, p := range placed {
			if b.x0 < p.x1 && p.x0 < b.x1 && math.Abs(b.y-p.y) < 11 {
				return false
			}
		}
		return true
	}
	for _, r := range rows { // every point first, so no label covers one
		placed = append(placed, box{x(r.Importance) - 5, x(r.Importance) + 5, y(r.Satisfaction)})
	}
	for _, r := range rows {
		p := point{X: x(r.Importance), Y: y(r.Satisfaction), Code: r.Code, Class: r.Class,
			Title: fmt.Sprintf("%s %s — importance %.1f, satisfaction %.1f, opportunity %.1f (%s), n %d",
				r.Code, r.Statement, r.Importance, r.Satisfaction, r.Opportunity, r.Class, r.N)}
		if len(rows) <= 40 || r.Rank <= 20 {
			w := 6.5 * float64(len(r.Code))
			for _, at := range [][2]float64{{7, 4}, {-7 - w, 4}, {-w / 2, -8}, {-w / 2, 15}, {7, -7}, {7, 15}, {-7 - w, -7}, {-7 - w, 15}} {
				b := box{p.X + at[0], p.X + at[0] + w, p.Y + at[1]}
				if free(b) {
					placed = append(placed, b)
					p.LX, p.LY, p.Labelled, p.Minor = round1(b.x0), round1(b.y), true, r.Rank > 10
					break
				}
			}
		}
		l.Points = append(l.Points, p)
	}
	return l
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
