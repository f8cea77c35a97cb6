package app

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// The segment canvas: the API's GET of a saved segmentation with its
// segments' canvases and PATCH of one segment's, and the Segments tab's
// canvas page, whose form edits the same canvas without JavaScript.

func segmentRef(c *fiber.Ctx) (results.SegmentRef, error) {
	return results.SegmentRef{Key: c.Params("key"), Segment: c.Params("segment_id")}, nil
}

// canvasPage is the printable needs-based segment canvas of one saved
// segment, with the form that edits it.
func (s *Server) canvasPage(c *fiber.Ctx) error {
	d := designOf(c)
	key, seg := c.Query("segmentation"), c.Query("segment")
	if key == "" || seg == "" {
		return c.Redirect(studyPath(d.Study.ID, "segments"), fiber.StatusSeeOther)
	}
	return s.showCanvas(c, d, key, seg, nil)
}

// showCanvas draws the canvas page; fields are the form's errors, if any,
// and then the form shows what was sent.
func (s *Server) showCanvas(c *fiber.Ctx, d *surveys.Design, key, seg string, fields map[string]string) error {
	cv, err := s.results.Canvas(c.UserContext(), d, key, seg)
	if err != nil {
		return err
	}
	data := fiber.Map{"Canvas": newCanvasView(d, cv), "Edit": newCanvasForm(cv.Segment, d.Study.Job),
		"ResultsLink": studyPath(d.Study.ID, "results") + "?segment_by=" + url.QueryEscape(key), "Saved": c.Query("saved") != ""}
	if fields != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		data["Fields"], data["Edit"] = fields, readCanvasForm(c, cv.Segment)
	}
	return s.analysisPage(c, d, "segments", data)
}

// canvasForm is the canvas editor's values: each list a textarea, one
// entry a line, but the verbatims, which are ticked among the proposals.
type canvasForm struct {
	Label, When, Want, SoThat           string
	Verbatims                           []verbatimChoice
	Typed, Alternatives, Criteria, Size string
}

type verbatimChoice struct {
	Text string
	Kept bool
}

func newCanvasForm(seg results.CanvasSegment, study surveys.Job) canvasForm {
	f := canvasForm{Label: seg.Label, When: seg.Job.When, Want: seg.Job.Want, SoThat: seg.Job.SoThat,
		Alternatives: strings.Join(seg.Alternatives, "\n"), Criteria: strings.Join(seg.SuccessCriteria, "\n")}
	for _, v := range seg.Verbatims {
		f.Verbatims = append(f.Verbatims, verbatimChoice{Text: v, Kept: true})
	}
	for _, v := range seg.Proposals {
		f.Verbatims = append(f.Verbatims, verbatimChoice{Text: v})
	}
	if seg.MarketSize != nil {
		f.Size = strconv.FormatFloat(*seg.MarketSize, 'f', -1, 64)
	}
	return f
}

// readCanvasForm is the form as it was sent, to show it again with its errors.
func readCanvasForm(c *fiber.Ctx, seg results.CanvasSegment) canvasForm {
	f := canvasForm{Label: c.FormValue("label"), When: c.FormValue("job_when"), Want: c.FormValue("job_want"), SoThat: c.FormValue("job_so_that"),
		Typed: c.FormValue("verbatims_new"), Alternatives: c.FormValue("alternatives"), Criteria: c.FormValue("success_criteria"), Size: c.FormValue("market_size")}
	ticked := tickedVerbatims(c)
	for _, v := range append(slices.Clone(seg.Verbatims), seg.Proposals...) {
		f.Verbatims = append(f.Verbatims, verbatimChoice{Text: v, Kept: slices.Contains(ticked, v)})
	}
	return f
}

func tickedVerbatims(c *fiber.Ctx) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti("verbatim") {
		out = append(out, string(v))
	}
	return out
}

// saveCanvasPage saves the canvas form: the same edit as the API's PATCH.
// A job left as the study's, and success criteria left as proposed, stay
// unwritten, so they follow the study and the data.
func (s *Server) saveCanvasPage(c *fiber.Ctx) error {
	d := designOf(c)
	ref, _ := segmentRef(c)
	cv, err := s.results.Canvas(c.UserContext(), d, ref.Key, "s"+strings.TrimPrefix(ref.Segment, "s"))
	if err != nil {
		return err
	}
	label := c.FormValue("label")
	verbatims := append(tickedVerbatims(c), lines(c.FormValue("verbatims_new"))...)
	alternatives := lines(c.FormValue("alternatives"))
	in := results.CanvasInput{Label: &label, Verbatims: &verbatims, Alternatives: &alternatives}
	job := surveys.Job{When: c.FormValue("job_when"), Want: c.FormValue("job_want"), SoThat: c.FormValue("job_so_that")}
	if cv.Segment.OwnJob || job != d.Study.Job {
		in.Job = &job
	}
	criteria := lines(c.FormValue("success_criteria"))
	if cv.Segment.OwnCriteria || !slices.Equal(criteria, cv.Segment.SuccessCriteria) {
		in.SuccessCriteria = &criteria
	}
	var bad problem.List
	size, ok := marketSize(c.FormValue("market_size"))
	if !ok {
		bad.Add("market_size", marketSizeRule)
	}
	in.MarketSize = &size
	if bad == nil {
		_, err = s.results.UpdateSegmentCanvas(c.UserContext(), d, ref, in)
		if err := bad.Merge(err); err != nil {
			return err
		}
	}
	if bad != nil {
		return s.showCanvas(c, d, ref.Key, cv.Segment.ID, bad)
	}
	q := url.Values{"segmentation": {ref.Key}, "segment": {cv.Segment.ID}}
	return c.Redirect(studyPath(d.Study.ID, "canvas")+"?"+q.Encode()+"&saved=1#edit", fiber.StatusSeeOther)
}
