package cluster

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"odi/surveys/sample"
)

// The planted profile answers lean towards the segments without repeating
// them, so the cross-check flags nothing.
func TestProfileOfPlantedSegmentsShowsConcentrationNotOverlap(t *testing.T) {
	d := sample.Generate(sample.Config{Respondents: 3000, Outcomes: 30, Seed: 2026})
	var planted []int
	var size, role [][]string
	for _, r := range d.Responses {
		if r.Status == sample.StatusComplete {
			planted = append(planted, r.Segment)
			size = append(size, []string{r.Answers["company_size"]})
			role = append(role, []string{r.Answers["role"]})
		}
	}
	qs := []Question{
		{Key: "company_size", Options: d.Questions[1].Options, Answers: size},
		{Key: "role", Options: d.Questions[2].Options, Answers: role},
	}
	p := Profile(planted, 3, qs)
	for _, q := range p {
		if q.CramersV < NoConcentrationV || q.CramersV >= RediscoversV {
			t.Errorf("%s: V = %.3f, want a concentration between %.1f and %.1f", q.Key, q.CramersV, NoConcentrationV, RediscoversV)
		}
	}
	if flags := Verdict(p); len(flags) != 0 {
		t.Errorf("verdict %v, want no flags", flags)
	}
	// Segment 0 ("Stop losing context") leans to 10-49 person companies.
	if l := p[0].Segments[0][1]; l.Option != "10-49" || l.Lift <= 1.1 {
		t.Errorf("segment 0, %s: lift %.2f, want the 10-49 option above 1.1", l.Option, l.Lift)
	}
}

func TestProfileCramersV(t *testing.T) {
	tests := []struct {
		name    string
		assign  []int
		k       int
		options []string
		answers [][]string
		wantV   float64
	}{
		{
			name:    "perfect association",
			assign:  []int{0, 0, 1, 1, 2, 2},
			k:       3,
			options: []string{"a", "b", "c"},
			answers: [][]string{{"a"}, {"a"}, {"b"}, {"b"}, {"c"}, {"c"}},
			wantV:   1,
		},
		{
			name:    "independence",
			assign:  []int{0, 0, 0, 0, 1, 1, 1, 1},
			k:       2,
			options: []string{"x", "y"},
			answers: [][]string{{"x"}, {"y"}, {"x"}, {"y"}, {"x"}, {"y"}, {"x"}, {"y"}},
			wantV:   0,
		},
		{
			// Table [[3 1] [1 3]]: χ² = 2, N = 8, V = √(2/8) = 0.5.
			name:    "partial association",
			assign:  []int{0, 0, 0, 0, 1, 1, 1, 1},
			k:       2,
			options: []string{"x", "y"},
			answers: [][]string{{"x"}, {"x"}, {"x"}, {"y"}, {"y"}, {"y"}, {"y"}, {"x"}},
			wantV:   0.5,
		},
		{
			name:    "unanswered, unknown values and repeats are ignored",
			assign:  []int{0, 0, 1, 1, 1, 5, -1},
			k:       2,
			options: []string{"a", "b"},
			answers: [][]string{{"a", "a"}, {"a"}, {"b"}, {}, {"zzz"}, {"a"}, {"b"}},
			wantV:   1,
		},
		{
			name:    "answers shorter than the assignment",
			assign:  []int{0, 0, 1, 1},
			k:       2,
			options: []string{"a", "b"},
			answers: [][]string{{"a"}, {"a"}, {"b"}},
			wantV:   1,
		},
		{
			name:    "one segment only",
			assign:  []int{0, 0, 0},
			k:       1,
			options: []string{"a", "b"},
			answers: [][]string{{"a"}, {"b"}, {"a"}},
			wantV:   0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Profile(tt.assign, tt.k, []Question{{Key: "q", Options: tt.options, Answers: tt.answers}})
			if len(p) != 1 || len(p[0].Segments) != tt.k {
				t.Fatalf("profile %+v, want one question with %d segments", p, tt.k)
			}
			if got := p[0].CramersV; math.Abs(got-tt.wantV) > 1e-12 {
				t.Errorf("Cramér's V = %v, want %v", got, tt.wantV)
			}
		})
	}
}

func TestProfileLiftIsSegmentShareOverAllShare(t *testing.T) {
	// Segment 0 chose a, a, b; segment 1 chose b; all: a 2/4, b 2/4.
	p := Profile([]int{0, 0, 0, 1}, 2, []Question{{
		Key: "size", Options: []string{"a", "b"}, Answers: [][]string{{"a"}, {"a"}, {"b"}, {"b"}},
	}})
	want := [][]Lift{
		{{"a", 2.0 / 3, 0.5, 4.0 / 3}, {"b", 1.0 / 3, 0.5, 2.0 / 3}},
		{{"a", 0, 0.5, 0}, {"b", 1, 0.5, 2}},
	}
	for s := range want {
		for o := range want[s] {
			g, w := p[0].Segments[s][o], want[s][o]
			if g.Option != w.Option || math.Abs(g.SegmentShare-w.SegmentShare) > 1e-12 ||
				math.Abs(g.AllShare-w.AllShare) > 1e-12 || math.Abs(g.Lift-w.Lift) > 1e-12 {
				t.Errorf("segment %d option %d = %+v, want %+v", s, o, g, w)
			}
		}
	}
	b, err := json.Marshal(p[0].Segments[1][1])
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `{"option":"b","segment_share":1,"all_share":0.5,"lift":2}` {
		t.Errorf("lift JSON %s", got)
	}
}

func TestVerdictFlags(t *testing.T) {
	tests := []struct {
		name string
		vs   map[string]float64
		want []string
	}{
		{"segments repeat a question", map[string]float64{"company_size": 0.85, "role": 0.3}, []string{"re-discovers company_size"}},
		{"exactly 0.6 re-discovers", map[string]float64{"role": 0.6}, []string{"re-discovers role"}},
		{"0.69 re-discovers", map[string]float64{"role": 0.69, "company_size": 0.2}, []string{"re-discovers role"}},
		{"every V below 0.1", map[string]float64{"company_size": 0.05, "role": 0.099}, []string{"no profile concentration"}},
		{"concentration without overlap", map[string]float64{"company_size": 0.35, "role": 0.05}, []string{}},
		{"no questions", map[string]float64{}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p []QuestionProfile
			for _, key := range []string{"company_size", "role"} {
				if v, ok := tt.vs[key]; ok {
					p = append(p, QuestionProfile{Key: key, CramersV: v})
				}
			}
			if got := Verdict(p); !slices.Equal(got, tt.want) || got == nil {
				t.Errorf("Verdict = %#v, want %#v", got, tt.want)
			}
		})
	}
}
