package results_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/export"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
	"odi/surveys/results"
	"odi/surveys/surveystest"
)

// goldenDesign builds the golden study on a store: two profile questions and
// the 20 outcomes, then imports the 500 responses.
func goldenDesign(t *testing.T, s *surveys.Store) (*accounts.User, int64) {
	t.Helper()
	ctx := context.Background()
	outcomes, err := os.ReadFile("../testdata/golden/outcomes.csv")
	if err != nil {
		t.Fatal(err)
	}
	responses, err := os.ReadFile("../testdata/golden/responses.csv")
	if err != nil {
		t.Fatal(err)
	}
	u := surveystest.User(t, s, "r@example.com", "researcher")
	st := surveystest.Study(t, s, u, "Golden")
	for _, q := range []surveys.QuestionInput{
		{Key: "company_size", Text: "Size", Kind: "single", Options: []string{"1-9", "10-49", "50-249", "250+"}, Segment: true},
		{Key: "region", Text: "Region", Kind: "single", Options: []string{"Americas", "Europe", "Asia-Pacific"}},
	} {
		if _, err := s.AddQuestion(ctx, u, st.ID, q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := surveys.ReadOutcomesFile(outcomes, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportOutcomes(ctx, u, st.ID, rows); err != nil {
		t.Fatal(err)
	}
	if _, err := fieldworkOf(t, s).ImportResponses(ctx, surveystest.Design(t, s, u, st.ID), strings.NewReader(string(responses)), fieldwork.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return u, st.ID
}

// golden is the golden study of goldenDesign, its owner, and the results and
// fieldwork stores that serve it from one cache.
type golden struct {
	s  *surveys.Store
	rs *results.Store
	fw *fieldwork.Store
	u  *accounts.User
	id int64
}

func newGolden(t *testing.T, s *surveys.Store) *golden {
	t.Helper()
	rs, fw := storesOf(t, s)
	u, id := goldenDesign(t, s)
	return &golden{s: s, rs: rs, fw: fw, u: u, id: id}
}

// opportunities scores the study as its owner sees it now.
func (g *golden) opportunities(t *testing.T, q results.OpportunityQuery) *results.Opportunities {
	t.Helper()
	res, err := g.rs.Opportunities(context.Background(), surveystest.Design(t, g.s, g.u, g.id), q)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// publish opens the study to respondents and returns its slug.
func (g *golden) publish(t *testing.T) string {
	t.Helper()
	st, err := g.s.Publish(context.Background(), g.u, g.id)
	if err != nil {
		t.Fatal(err)
	}
	return *st.Slug
}

func TestOpportunitiesOnEveryBackend(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		ctx, g := context.Background(), newGolden(t, s)
		u, id, fw := g.u, g.id, g.fw
		res := g.opportunities(t, results.OpportunityQuery{SegmentBy: "company_size"})
		// From expected-opportunities.json: all, rank 1.
		top := res.Groups[0].Outcomes[0]
		if len(res.Groups) != 5 || top.Code != "O05" || top.N != 470 || math.Abs(top.Opportunity-5.491188) > 1e-6 {
			t.Fatalf("groups %d, top %+v", len(res.Groups), top)
		}
		all := res.Groups[0].N

		// Publishing and a new complete submission are seen by the cached scan.
		slug := g.publish(t)
		ratings := map[string]fieldwork.Rating{}
		for i := 1; i <= 20; i++ { // varied, as a real respondent's: a straight line would be cleaned out
			ratings[fmt.Sprintf("O%02d", i)] = fieldwork.Rating{Importance: fieldwork.Rated(1 + i%5), Satisfaction: fieldwork.Rated(1 + (i/2)%5)}
		}
		in := fieldwork.Submission{SubmissionID: uuid.NewString(), Answers: map[string]fieldwork.Value{"company_size": fieldwork.Text("1-9")}, Ratings: ratings, Complete: true}
		res1, created, err := fw.Submit(ctx, slug, in)
		if err != nil || !created || res1.Status != "complete" {
			t.Fatalf("submit: %+v %v %v", res1, created, err)
		}
		if _, created, err := fw.Submit(ctx, slug, in); err != nil || created {
			t.Fatalf("repeat submit: created=%v err=%v", created, err)
		}
		if res = g.opportunities(t, results.OpportunityQuery{}); res.Groups[0].N != all+1 {
			t.Fatalf("after one more complete response n = %d, want %d", res.Groups[0].N, all+1)
		}
		if err := fw.SetExcluded(ctx, surveystest.Design(t, s, u, id), res1.RespondentID, true); err != nil {
			t.Fatal(err)
		}
		if res = g.opportunities(t, results.OpportunityQuery{}); res.Groups[0].N != all {
			t.Fatalf("after excluding it n = %d, want %d", res.Groups[0].N, all)
		}
		if _, err := s.AddOutcome(ctx, u, id, surveys.OutcomeInput{Statement: ptr("Minimize x")}); !errors.Is(err, surveys.ErrLocked) {
			t.Fatalf("editing a published study: %v", err)
		}
		if err := s.DeleteStudy(ctx, u, id); err != nil {
			t.Fatal(err)
		}
		var left int64
		s.DB().Model(&surveys.Response{}).Where("study_id = ?", id).Count(&left)
		if left != 0 {
			t.Fatalf("deleting the study left %d responses", left)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestComparisonLinesUpEveryGroupInTheOrderOfAll(t *testing.T) {
	res := newGolden(t, surveystest.SQLite(t)).opportunities(t, results.OpportunityQuery{SegmentBy: "company_size"})
	rows := res.Comparison()
	if len(rows) != 20 {
		t.Fatalf("%d rows, want one per outcome", len(rows))
	}
	for i, r := range rows {
		if all := res.Groups[0].Outcomes[i]; r.Code != all.Code || r.Rank != i+1 {
			t.Errorf("row %d is %s rank %d, want %s in the order of all respondents", i, r.Code, r.Rank, all.Code)
		}
		for gi, g := range res.Groups {
			for _, o := range g.Outcomes {
				if o.Code == r.Code && (r.Cells[gi].Opportunity != o.Opportunity || r.Cells[gi].N != o.N || r.Cells[gi].Class != o.Class) {
					t.Errorf("%s in %s: cell %+v, group says %+v", r.Code, g.Key, r.Cells[gi], o)
				}
			}
		}
	}
}

func TestShareLinksGroupOnlyAsTheyAllow(t *testing.T) {
	s := surveystest.SQLite(t)
	ctx := context.Background()
	u, id := goldenDesign(t, s)
	d := surveystest.Design(t, s, u, id)
	_, fixed, err := results.New(s).CreateShare(ctx, u, d, results.ShareInput{SegmentBy: "company_size"})
	if err != nil {
		t.Fatal(err)
	}
	_, open, err := results.New(s).CreateShare(ctx, u, d, results.ShareInput{})
	if err != nil {
		t.Fatal(err)
	}
	splits, err := results.New(s).Splits(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if sp := fixed.Choices(splits); sp != nil {
		t.Errorf("a fixed link offers %v, want no choice", sp)
	}
	sp := open.Choices(splits)
	if len(sp) != 1 || sp[0].Key != "company_size" || len(sp[0].Groups) != 4 {
		t.Errorf("an open link offers %+v, want the one segment question", sp)
	}
	shared := func(sh *results.Share, segmentBy string) (*results.Opportunities, error) {
		q, err := sh.Query(segmentBy, splits)
		if err != nil {
			return nil, err
		}
		return results.New(s).Opportunities(ctx, d, q)
	}
	res, err := shared(fixed, "region")
	if err != nil || res.SegmentBy != "company_size" || len(res.Groups) != 5 {
		t.Errorf("a fixed link asked for region: %v groups by %q (%v)", len(res.Groups), res.SegmentBy, err)
	}
	res, err = shared(open, "company_size")
	if err != nil || res.SegmentBy != "company_size" {
		t.Errorf("an open link grouped by company_size: %v", err)
	}
	// region is a profile question but not a segment one: not on offer.
	var ve *problem.Validation
	if _, err := shared(open, "region"); !errors.As(err, &ve) || ve.Fields["segment_by"] == "" {
		t.Errorf("an open link grouped by region: %v, want a segment_by error", err)
	}
}

func TestCanvasProfileIsTheDiscoveryProfile(t *testing.T) {
	s := surveystest.SQLite(t)
	ctx := context.Background()
	u, id := goldenDesign(t, s)
	disc, err := results.New(s).Discover(ctx, surveystest.Design(t, s, u, id), results.DiscoverInput{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]int{}
	for i, sg := range disc.Segments {
		for _, m := range sg.Members {
			members[m] = i
		}
	}
	if _, err := results.New(s).SaveSegmentation(ctx, surveystest.Design(t, s, u, id), results.SegmentationInput{Key: "needs", Labels: []string{"a", "b", "c"}, Members: members}); err != nil {
		t.Fatal(err)
	}
	c, err := results.New(s).Canvas(ctx, surveystest.Design(t, s, u, id), "needs", "s2")
	if err != nil {
		t.Fatal(err)
	}
	if c.Group.Label != "b" || c.Group.N != disc.Segments[1].Size || c.AllN != len(members) {
		t.Errorf("canvas of s2: %s n %d of %d, want b n %d of %d", c.Group.Label, c.Group.N, c.AllN, disc.Segments[1].Size, len(members))
	}
	// Only segment questions, with the lifts discovery found for them.
	if len(c.Segment.Overlap) != 1 || c.Segment.Overlap[0].Key != "company_size" {
		t.Fatalf("profiles %+v, want company_size only", c.Segment.Overlap)
	}
	want := disc.Segments[1].Profile["company_size"]
	if got := c.Segment.Overlap[0]; got.CramersV != want.CramersV || fmt.Sprint(got.Lifts) != fmt.Sprint(want.Lifts) {
		t.Errorf("canvas profile %+v, discovery %+v", got, want)
	}
	for _, bad := range [][2]string{{"needs", "s4"}, {"company_size", "1-9"}, {"nothing", "s1"}} {
		if _, err := results.New(s).Canvas(ctx, surveystest.Design(t, s, u, id), bad[0], bad[1]); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("canvas %v: %v, want not found", bad, err)
		}
	}
}

func TestWideRowsAreTheRowsOfTheCSV(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		ctx := context.Background()
		u, id := goldenDesign(t, s)
		wide, err := results.New(s).WideResponses(ctx, surveystest.Design(t, s, u, id))
		if err != nil {
			t.Fatal(err)
		}
		var buf strings.Builder
		if err := export.ResponsesCSV(&buf, wide); err != nil {
			t.Fatal(err)
		}
		recs := surveystest.CSV(t, buf.String())
		var rows [][]string
		if err := wide.Rows(func(r []string) error { rows = append(rows, slices.Clone(r)); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 500 || !slices.EqualFunc(rows, recs[1:], slices.Equal) {
			t.Fatalf("%d rows, want the CSV's %d", len(rows), len(recs)-1)
		}
		stop := errors.New("stop")
		n := 0
		err = wide.Rows(func([]string) error {
			if n++; n == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 10 {
			t.Errorf("stopping at row 10: %d rows, %v", n, err)
		}
	})
}

// storesOf are a results store and the fieldwork store that takes
// responses into its cache, until the test ends.
func storesOf(t testing.TB, s *surveys.Store) (*results.Store, *fieldwork.Store) {
	rs := results.New(s)
	fw := fieldwork.New(s, rs)
	t.Cleanup(fw.Close) // before the store's own cleanup closes the database
	return rs, fw
}

// fieldworkOf takes responses for s's studies until the test ends.
func fieldworkOf(t testing.TB, s *surveys.Store) *fieldwork.Store {
	_, fw := storesOf(t, s)
	return fw
}
