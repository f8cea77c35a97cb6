package sample

import (
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestGenerateIsDeterministic(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"default outcomes", Config{Respondents: 500, Seed: 1}},
		{"many outcomes", Config{Respondents: 200, Outcomes: 120, Seed: 42}},
		{"given start", Config{Respondents: 50, Outcomes: 5, Seed: 7, Start: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Generate(tt.cfg), Generate(tt.cfg)
			if !reflect.DeepEqual(a, b) {
				t.Fatal("same config and seed gave different datasets")
			}
			other := tt.cfg
			other.Seed++
			if reflect.DeepEqual(a.Responses, Generate(other).Responses) {
				t.Fatal("a different seed gave the same responses")
			}
		})
	}
}

func TestGenerateStatusSharesFollowThePlan(t *testing.T) {
	d := Generate(Config{Respondents: 40000, Outcomes: 20, Seed: 3})
	status := map[string]int{}
	flags := map[string]int{}
	for _, r := range d.Responses {
		status[r.Status]++
		for _, f := range r.Flags {
			flags[f]++
		}
	}
	n := float64(len(d.Responses))
	complete := float64(status[StatusComplete])
	tests := []struct {
		what      string
		got, want float64
	}{
		{"complete", complete / n, 0.90},
		{"in_progress", float64(status[StatusInProgress]) / n, 0.07},
		{"screened_out", float64(status[StatusScreenedOut]) / n, 0.03},
		{"straight_lining of completes", float64(flags[FlagStraightLining]) / complete, 0.03},
		{"speeding of completes", float64(flags[FlagSpeeding]) / complete, 0.03},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 0.01 {
			t.Errorf("%s share = %.4f, want about %.2f", tt.what, tt.got, tt.want)
		}
	}
	if len(status) != 3 {
		t.Errorf("statuses = %v, want exactly the three", status)
	}
}

func TestGenerateRatingsAreInRangeAndShapedByStatus(t *testing.T) {
	const m = 25
	d := Generate(Config{Respondents: 5000, Outcomes: m, Seed: 11})
	var skipped int
	for _, r := range d.Responses {
		switch r.Status {
		case StatusScreenedOut:
			if r.Ratings != nil || r.Forces != [4]uint8{} {
				t.Fatalf("%s screened out but has ratings or forces", r.ID)
			}
			if r.Answers["uses_slack"] != "No" {
				t.Fatalf("%s screened out without answering No to the screener", r.ID)
			}
			continue
		case StatusInProgress:
			if r.Ratings[2*m-2] != 0 || r.Ratings[2*m-1] != 0 {
				t.Fatalf("%s in progress but rated the last outcome", r.ID)
			}
			if !r.Finished.IsZero() || r.Forces != [4]uint8{} {
				t.Fatalf("%s in progress but finished or answered the forces", r.ID)
			}
		case StatusComplete:
			if slices.Contains(r.Ratings, 0) {
				skipped++
			}
			for f, v := range r.Forces {
				if v < 1 || v > 10 {
					t.Fatalf("%s force %d = %d, want 1..10", r.ID, f, v)
				}
			}
			if !r.Finished.After(r.Started) {
				t.Fatalf("%s finished %v, not after its start %v", r.ID, r.Finished, r.Started)
			}
		}
		if len(r.Ratings) != 2*m || cap(r.Ratings) != 2*m {
			t.Fatalf("%s has %d ratings (cap %d), want %d", r.ID, len(r.Ratings), cap(r.Ratings), 2*m)
		}
		for i, v := range r.Ratings {
			if v > 5 {
				t.Fatalf("%s rating %d = %d, want 0..5", r.ID, i, v)
			}
		}
		if r.Segment < 0 || r.Segment >= len(d.Segments) {
			t.Fatalf("%s segment %d out of range", r.ID, r.Segment)
		}
	}
	if share := float64(skipped) / float64(len(d.Responses)); share < 0.02 || share > 0.08 {
		t.Errorf("completes with a skipped rating = %.3f of responses, want a few percent", share)
	}
}

func TestGenerateCodesAreUniqueAndSortInOrder(t *testing.T) {
	tests := []struct {
		outcomes  int
		wantFirst string
		wantLast  string
	}{
		{0, "O01", "O30"},
		{1, "O01", "O01"},
		{7, "O01", "O07"},
		{30, "O01", "O30"},
		{99, "O01", "O99"},
		{100, "O001", "O100"},
		{1000, "O0001", "O1000"},
	}
	for _, tt := range tests {
		d := Generate(Config{Respondents: 1, Outcomes: tt.outcomes})
		codes := map[string]bool{}
		statements := map[string]bool{}
		for i, o := range d.Outcomes {
			if codes[o.Code] || statements[o.Statement] {
				t.Fatalf("outcomes=%d: %s %q repeats", tt.outcomes, o.Code, o.Statement)
			}
			codes[o.Code], statements[o.Statement] = true, true
			if i > 0 && d.Outcomes[i-1].Code >= o.Code {
				t.Fatalf("outcomes=%d: %s sorts before %s", tt.outcomes, o.Code, d.Outcomes[i-1].Code)
			}
			if !slices.Contains(d.Steps, o.Step) {
				t.Fatalf("outcomes=%d: %s has step %q, not in %v", tt.outcomes, o.Code, o.Step, d.Steps)
			}
		}
		if first, last := d.Outcomes[0].Code, d.Outcomes[len(d.Outcomes)-1].Code; first != tt.wantFirst || last != tt.wantLast {
			t.Errorf("outcomes=%d: codes %s..%s, want %s..%s", tt.outcomes, first, last, tt.wantFirst, tt.wantLast)
		}
	}
}

func TestGenerateSmallStudiesKeepOutcomesInJobMapOrder(t *testing.T) {
	d := Generate(Config{Respondents: 1, Outcomes: 6})
	var order []int
	for _, o := range d.Outcomes {
		order = append(order, slices.Index(d.Steps, o.Step))
	}
	if !slices.IsSorted(order) {
		t.Errorf("steps of 6 outcomes %v are not in job-map order", order)
	}
}

// Each planted segment's most underserved outcomes (top-two-box opportunity,
// as docs/scoring.md defines it) are the ones planted for it.
func TestGeneratePlantsUnderservedOutcomesPerSegment(t *testing.T) {
	d := Generate(Config{Respondents: 6000, Seed: 5})
	m := len(d.Outcomes)
	_, themes := outcomes(m)
	for s := range d.Segments {
		var impTop, satTop, impN, satN = make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
		for _, r := range d.Responses {
			if r.Status != StatusComplete || r.Segment != s {
				continue
			}
			for o := range m {
				if v := r.Ratings[2*o]; v > 0 {
					impN[o]++
					if v >= 4 {
						impTop[o]++
					}
				}
				if v := r.Ratings[2*o+1]; v > 0 {
					satN[o]++
					if v >= 4 {
						satTop[o]++
					}
				}
			}
		}
		for o := range m {
			imp, sat := 10*impTop[o]/impN[o], 10*satTop[o]/satN[o]
			opp := imp + max(imp-sat, 0)
			own := int(themes[o]) == s
			if own && opp < 12 {
				t.Errorf("segment %d, %s (its own): opportunity %.1f, want underserved (>= 12)", s, d.Outcomes[o].Code, opp)
			}
			if !own && themes[o] != themeEveryone && opp >= 10 {
				t.Errorf("segment %d, %s (not its own): opportunity %.1f, want served (< 10)", s, d.Outcomes[o].Code, opp)
			}
		}
	}
}

func TestGenerateProfileAndForcesLeanTowardsSegments(t *testing.T) {
	d := Generate(Config{Respondents: 20000, Outcomes: 10, Seed: 9})
	var inSeg, midSize [3]float64
	var habit, count [3]float64
	var durations [2][]time.Duration // normal, speeding
	for _, r := range d.Responses {
		if r.Status != StatusComplete {
			continue
		}
		inSeg[r.Segment]++
		if r.Answers["company_size"] == "10-49" {
			midSize[r.Segment]++
		}
		habit[r.Segment] += float64(r.Forces[3])
		count[r.Segment]++
		k := 0
		if slices.Contains(r.Flags, FlagSpeeding) {
			k = 1
		}
		durations[k] = append(durations[k], r.Finished.Sub(r.Started))
	}
	if share := midSize[0] / inSeg[0]; math.Abs(share-0.60) > 0.03 {
		t.Errorf("segment 0 share of 10-49 = %.3f, want about 0.60", share)
	}
	if h1, h2 := habit[1]/count[1], habit[2]/count[2]; h2 < h1+4 {
		t.Errorf("mean habit: segment 1 %.1f, segment 2 %.1f; want segment 2 (very high) well above 1 (low)", h1, h2)
	}
	slices.Sort(durations[0])
	slices.Sort(durations[1])
	if fast, slowest := durations[1][len(durations[1])-1], durations[0][len(durations[0])/2]; fast*3 > slowest {
		t.Errorf("slowest speeder took %v, want under a third of the median %v", fast, slowest)
	}
}

func BenchmarkGenerate100kx100(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Generate(Config{Respondents: 100000, Outcomes: 100, Seed: 1})
	}
}

// TestStraightShareIsAKnob: a test can ask for more straight-liners; left
// at zero the data is the same as ever.
func TestStraightShareIsAKnob(t *testing.T) {
	if !reflect.DeepEqual(Generate(Config{Respondents: 500, Seed: 1}), Generate(Config{Respondents: 500, Seed: 1, StraightShare: shareStraight})) {
		t.Fatal("the default straight-lining share changed the data")
	}
	d := Generate(Config{Respondents: 4000, Seed: 1, StraightShare: 0.10})
	complete, straight := 0, 0
	for _, r := range d.Responses {
		if r.Status == StatusComplete {
			complete++
			if slices.Contains(r.Flags, FlagStraightLining) {
				straight++
			}
		}
	}
	if share := float64(straight) / float64(complete); math.Abs(share-0.10) > 0.015 {
		t.Errorf("%d of %d completes straight-lined (%.3f), want about 0.10", straight, complete, share)
	}
}
