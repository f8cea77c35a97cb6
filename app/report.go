package app

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// The stakeholder's pages behind a share link, /r/{token}: the read-only
// report and the canvas of each saved segment the link shows. They hold no
// control that changes anything; the only form is the group-by selector,
// when the link leaves the grouping open.

// report is what the stakeholder page shows, ready for the template.
type report struct {
	resultsView
	Study     surveys.Study
	Job       string
	Fieldwork string // "5 Jan 2026 – 19 Jan 2026"
	N         int
	Started   int
	SegmentBy string // what the groups are, as people read it
	MinN      int
	Cleaning  *cleaning // what the cleaning left out, once there are complete responses
}

// canvasLink is a link to the canvas of one saved segment.
type canvasLink struct {
	Segmentation, Label, URL string
}

// reportPage is the stakeholder's read-only report behind a share link.
func (s *Server) reportPage(c *fiber.Ctx) error {
	ctx, token, sh, d := c.UserContext(), c.Params("token"), shareOf(c), designOf(c)
	splits, err := s.results.Splits(ctx, d)
	if err != nil {
		return err
	}
	var bad problem.List
	q, err := sh.Query(c.Query("segment_by"), splits)
	if err := bad.Merge(err); err != nil {
		return err
	}
	if bad != nil { // a split the link does not have: shown as the link shows it
		c.Status(fiber.StatusUnprocessableEntity)
		if q, err = sh.Query("", splits); err != nil {
			return err
		}
	}
	opps, err := s.results.Opportunities(ctx, d, q)
	if err != nil {
		return err
	}
	fw, err := s.fieldwork.Summary(ctx, d)
	if err != nil {
		return err
	}
	canvases, err := s.canvasLinks(c, sh, d, token)
	if err != nil {
		return err
	}
	download := "/r/" + token + "/export.xlsx"
	if sh.SegmentBy == "" && opps.SegmentBy != "" {
		download += "?segment_by=" + url.QueryEscape(opps.SegmentBy)
	}
	return s.render(c, "report", fiber.Map{
		"Title":    d.Study.Name,
		"Styles":   []string{"results.css", "report.css"},
		"Scripts":  []string{"results.js"},
		"Report":   newReport(d, opps, fw),
		"Token":    token,
		"Choices":  sh.Choices(splits),
		"Chosen":   opps.SegmentBy,
		"Fields":   bad,
		"Canvases": canvases,
		"Download": download,
	})
}

// sharedCanvasPage is the canvas of one saved segment the link shows, or,
// asked for none, the list of them.
func (s *Server) sharedCanvasPage(c *fiber.Ctx) error {
	ctx, token, sh, d := c.UserContext(), c.Params("token"), shareOf(c), designOf(c)
	data := fiber.Map{"Title": "Segment canvas · " + d.Study.Name, "Styles": []string{"results.css", "report.css"},
		"Study": d.Study, "Home": "/r/" + token}
	key, seg := c.Query("segmentation"), c.Query("segment")
	if key == "" && seg == "" {
		links, err := s.canvasLinks(c, sh, d, token)
		if err != nil {
			return err
		}
		data["Canvases"] = links
	} else {
		if !sh.Shows(key) {
			return s.reportNotFound(c, problem.ErrNotFound)
		}
		cv, err := s.results.Canvas(ctx, d, key, seg)
		if err != nil {
			return s.reportNotFound(c, err)
		}
		data["Canvas"], data["D"] = newCanvasView(d, cv), d
	}
	return s.render(c, "report_canvas", data)
}

func (s *Server) canvasLinks(c *fiber.Ctx, sh *results.Share, d *surveys.Design, token string) ([]canvasLink, error) {
	segs, err := s.results.Segmentations(c.UserContext(), d)
	if err != nil {
		return nil, err
	}
	var out []canvasLink
	for _, sg := range segs {
		if !sh.Shows(sg.Key) {
			continue
		}
		for i, l := range sg.Labels {
			q := url.Values{"segmentation": {sg.Key}, "segment": {results.SegmentID(i)}}
			out = append(out, canvasLink{Segmentation: sg.Key, Label: l, URL: "/r/" + token + "/canvas?" + q.Encode()})
		}
	}
	return out, nil
}

// reportNotFound answers a share link that does not work (unknown, revoked,
// expired, or naming no segment it shows) with a plain page that says
// nothing of why, or with the API's JSON for a client that asks for JSON
// alone. Other errors go on to the error handler.
func (s *Server) reportNotFound(c *fiber.Ctx, err error) error {
	if !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	accept := c.Get(fiber.HeaderAccept)
	if strings.Contains(accept, fiber.MIMEApplicationJSON) && !strings.Contains(accept, fiber.MIMETextHTML) {
		return err
	}
	c.Status(fiber.StatusNotFound)
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return s.render(c, "report_missing", fiber.Map{"Title": "Link not valid", "Styles": []string{"report.css"}})
}

func newReport(d *surveys.Design, opps *results.Opportunities, fw *fieldwork.Summary) report {
	v := report{resultsView: newResultsView(opps), Study: d.Study, Job: d.Study.Job.Sentence(), N: opps.Groups[0].N, MinN: d.Study.MinN,
		Fieldwork: fieldworkDates(d.Study, fw), SegmentBy: opps.SegmentBy}
	if fw != nil {
		v.Started = fw.Started
		if fw.Counts[surveys.Complete] > 0 {
			c := newCleaning(d, fw)
			v.Cleaning = &c
		}
	}
	for _, q := range d.Questions {
		if q.Key == opps.SegmentBy {
			v.SegmentBy = q.Text
		}
	}
	return v
}

// fieldworkDates is when responses came in, or the study's publication
// dates when there are none.
func fieldworkDates(st surveys.Study, fw *fieldwork.Summary) string {
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
