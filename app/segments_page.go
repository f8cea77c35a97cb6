package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/cluster"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// The Segments tab: needs-based segment discovery, naming and saving a
// segmentation, and the canvas page of each saved segment.

type segmentView struct {
	results.Segment
	Index       int
	Share       string
	Distinctive []distinctiveView
	Profiles    []profileView
}

// distinctiveView is an outcome that sets a segment apart, its scores shown
// as every page shows them.
type distinctiveView struct {
	results.Distinctive
	Opp, All, Diff string
}

func (s *Server) showSegments(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	ctx := c.UserContext()
	segs, err := s.results.Segmentations(ctx, d)
	if err != nil {
		return err
	}
	saved := make([]savedView, len(segs))
	for i, sg := range segs {
		v := savedView{Segmentation: sg, Items: "6"}
		sizes, err := s.results.Sizes(ctx, d, &sg)
		if err != nil {
			return err
		}
		total := 0
		for _, n := range sizes {
			total += n
		}
		for j, l := range sg.Labels {
			v.Segs = append(v.Segs, savedSeg{ID: results.SegmentID(j), Label: l, Size: sizes[j], Share: pct(float64(sizes[j]) / float64(max(1, total)))})
		}
		v.N = total
		if sg.TypingTool != nil {
			v.Typing = newTypingView(d, sg.TypingTool)
			v.Items = strconv.Itoa(len(sg.TypingTool.Items))
		}
		if v.TypingSurveys, err = s.results.TypingSurveys(ctx, userOf(c), sg.ID); err != nil {
			return err
		}
		if data["TypingKey"] == sg.Key && data["Items"] != nil {
			v.Items = data["Items"].(string)
		}
		saved[i] = v
	}
	data["Saved"] = saved
	if _, ok := data["TypingKey"]; !ok {
		data["TypingKey"] = ""
	}
	data["Ks"] = []int{2, 3, 4, 5, 6}
	data["ComponentsShare"] = pct(cluster.ComponentsShare)
	return s.analysisPage(c, d, "segments", data)
}

// savedView is a saved segmentation as the Segments tab shows it: its
// segments' sizes now, its typing tool, and the typing surveys made of it.
type savedView struct {
	results.Segmentation
	Segs          []savedSeg
	N             int // counted respondents in a segment
	Typing        *typingView
	Items         string // the typing tool form's number of items
	TypingSurveys []surveys.Study
}

type savedSeg struct {
	ID, Label string
	Size      int
	Share     string
}

// typingView is a typing tool: its accuracy and each item's outcome.
type typingView struct {
	Accuracy string
	Items    []typingItemView
}

type typingItemView struct{ Code, Statement, Scale string }

func newTypingView(d *surveys.Design, tool *cluster.TypingTool) *typingView {
	statement := map[string]string{}
	for _, o := range d.Outcomes {
		statement[o.Code] = o.Statement
	}
	t := results.TypingOf(d, tool)
	v := &typingView{Accuracy: pct(t.Accuracy)}
	for _, it := range t.Items {
		v.Items = append(v.Items, typingItemView{Code: it.Code, Statement: statement[it.Code], Scale: it.Scale})
	}
	return v
}

func discoverK(c *fiber.Ctx) (int, error) {
	v := strings.TrimSpace(c.FormValue("k"))
	if v == "" || v == "auto" {
		return 0, nil
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < 2 || k > 6 {
		return 0, problem.Invalid("k", "choose automatic or 2 to 6 segments")
	}
	return k, nil
}

// discovered serves the Segments tab's forms that run discovery with the k
// the form chose, on the needs values or, ticked, on their principal
// components: fn gets the discovery; a bad k redraws the tab with its error
// beside the field.
func (s *Server) discovered(fn func(*fiber.Ctx, *surveys.Design, *results.Discovery) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		d := designOf(c)
		k, err := discoverK(c)
		var res *results.Discovery
		if err == nil {
			res, err = s.results.Discover(c.UserContext(), d, results.DiscoverInput{K: k, Components: c.FormValue("components") == "1"})
		}
		if ve := validation(err); ve != nil {
			c.Status(fiber.StatusUnprocessableEntity)
			return s.showSegments(c, d, fiber.Map{"Fields": ve.Fields, "K": c.FormValue("k")})
		}
		if err != nil {
			return err
		}
		return fn(c, d, res)
	}
}

func (s *Server) discoverPage(c *fiber.Ctx, d *surveys.Design, res *results.Discovery) error {
	// The other way too, with the same k when one was chosen, so that the
	// page compares the two.
	in := results.DiscoverInput{Components: res.Components == nil}
	if k, _ := discoverK(c); k > 0 {
		in.K = k
	}
	other, err := s.results.Discover(c.UserContext(), d, in)
	if err != nil {
		return err
	}
	data := discoveryData(d, res, c.FormValue("k"), nil, nil)
	data["Spaces"] = spaceViews(d, res, other)
	return s.showSegments(c, d, data)
}

// spaceView is one way discovery ran, as the comparison of the needs values
// and their principal components shows it.
type spaceView struct {
	Name                  string
	K                     int
	Silhouette, Stability string
	Stable, Shown         bool
	Components            bool
}

func spaceViews(d *surveys.Design, shown, other *results.Discovery) []spaceView {
	out := make([]spaceView, 2)
	for _, r := range []*results.Discovery{shown, other} {
		v := spaceView{Name: fmt.Sprintf("Needs values (%d outcomes)", len(d.Outcomes)), K: r.K, Silhouette: two(r.Silhouette),
			Stability: two(r.Stability), Stable: r.Stability >= cluster.StableARI, Shown: r == shown}
		at := 0
		if r.Components != nil {
			v.Name = fmt.Sprintf("Principal components (%d, %s of the variance)", r.Components.Count, pct(r.Components.Variance))
			v.Components, at = true, 1
		}
		out[at] = v
	}
	return out
}

func discoveryData(d *surveys.Design, res *results.Discovery, k string, labels []string, fields map[string]string) fiber.Map {
	total := 0
	for _, sg := range res.Segments {
		total += sg.Size
	}
	var views []segmentView
	for i, sg := range res.Segments {
		v := segmentView{Segment: sg, Index: i, Share: pct(float64(sg.Size) / float64(max(1, total)))}
		for _, o := range sg.Distinctive {
			v.Distinctive = append(v.Distinctive, distinctiveView{Distinctive: o,
				Opp: one(o.Opportunity), All: one(o.OverallOpportunity), Diff: one(o.Difference)})
		}
		for _, q := range d.Questions {
			if p, ok := sg.Profile[q.Key]; ok {
				v.Profiles = append(v.Profiles, newProfileView(q.Key, q.Text, p.CramersV, p.Lifts))
			}
		}
		views = append(views, v)
	}
	if labels == nil {
		labels = make([]string, len(res.Segments))
	}
	var small []results.Segment
	for _, sg := range res.Segments {
		if sg.TooSmall {
			small = append(small, sg)
		}
	}
	verdict := slices.DeleteFunc(slices.Clone(res.Flags), func(f string) bool { return f == results.FlagTooSmall || f == results.FlagUnstable })
	var cands []candidateView
	for _, c := range res.Candidates {
		cands = append(cands, candidateView{K: c.K, Silhouette: two(c.Silhouette), Stability: two(c.Stability),
			Stable: c.Stability >= cluster.StableARI, Smallest: c.Smallest, TooSmall: c.Smallest < res.MinN, Chosen: c.K == res.K})
	}
	return fiber.Map{"Discovery": res, "Segments": views, "K": k, "Labels": labels, "Silhouette": two(res.Silhouette), "Fields": fields,
		"Small": small, "Auto": k == "" || k == "auto", "Verdict": verdict, "Candidates": cands, "Components": res.Components != nil,
		"Stability": two(res.Stability), "StableARI": two(cluster.StableARI), "Unstable": slices.Contains(res.Flags, results.FlagUnstable),
		"Scale": map[string]string{"None": one(cluster.NoConcentrationV), "Moderate": one(cluster.ModerateV), "Strong": one(cluster.RediscoversV)}}
}

// candidateView is one k discovery tried, as the candidates table shows it.
type candidateView struct {
	K                     int
	Silhouette, Stability string
	Stable, TooSmall      bool
	Smallest              int
	Chosen                bool
}

// saveSegmentationPage re-runs discovery with the same k (it is deterministic
// for the same data) and saves its members under the researcher's names, so
// the page carries no member list.
func (s *Server) saveSegmentationPage(c *fiber.Ctx, d *surveys.Design, res *results.Discovery) error {
	labels := make([]string, len(res.Segments))
	members := map[string]int{}
	for i, sg := range res.Segments {
		labels[i] = strings.TrimSpace(c.FormValue("label_" + strconv.Itoa(i)))
		for _, m := range sg.Members {
			members[m] = i
		}
	}
	var bad problem.List
	for i, l := range labels {
		if l == "" {
			bad.Add("label_"+strconv.Itoa(i), "name this segment after its job")
		}
	}
	key := strings.TrimSpace(c.FormValue("key"))
	if bad == nil {
		_, err := s.results.SaveSegmentation(c.UserContext(), d,
			results.SegmentationInput{Key: key, Labels: labels, Members: members, Silhouette: res.Silhouette})
		if err := bad.Merge(err); err != nil {
			return err
		}
	}
	if bad != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		data := discoveryData(d, res, c.FormValue("k"), labels, bad)
		data["Key"] = key
		return s.showSegments(c, d, data)
	}
	return c.Redirect(studyPath(d.Study.ID, "segments")+"#saved", fiber.StatusSeeOther)
}
