package score

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// vec builds a ratings vector from importance/satisfaction pairs (0 = none).
func vec(pairs ...int) []byte {
	b := make([]byte, len(pairs))
	for i, p := range pairs {
		b[i] = byte(p)
	}
	return b
}

func tally(slots int, rows ...[]byte) Tallies {
	t := NewTallies(slots)
	for _, r := range rows {
		t.Add(r)
	}
	return t
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// numbered is n outcomes in slots 0 to n-1, coded O‹first›, O‹first+1›, ….
func numbered(n, first int) []Outcome {
	outcomes := make([]Outcome, n)
	for i := range outcomes {
		outcomes[i] = Outcome{Code: "O" + strconv.Itoa(first+i), Slot: i}
	}
	return outcomes
}

// wide reads a responses file of surveys/testdata (the wide CSV format): the
// outcomes its _imp columns name, and the tallies of its complete responses,
// of all ("all") and by their answer in column group, with how many
// respondents each group has. Other statuses do not count.
func wide(t *testing.T, name, group string) ([]Outcome, map[string]Tallies, map[string]int) {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %d rows, %v", name, len(rows), err)
	}
	header := rows[0]
	g, first := slices.Index(header, group), slices.IndexFunc(header, func(h string) bool { return strings.HasSuffix(h, "_imp") })
	if g < 0 || first < 0 {
		t.Fatalf("%s: no %s or rating columns in %v", name, group, header)
	}
	var outcomes []Outcome
	for i := first; i < len(header); i += 2 {
		outcomes = append(outcomes, Outcome{Code: strings.TrimSuffix(header[i], "_imp"), Slot: len(outcomes)})
	}
	groups, sizes := map[string]Tallies{"all": NewTallies(len(outcomes))}, map[string]int{}
	for _, r := range rows[1:] {
		if r[1] != "complete" {
			continue
		}
		v := make([]byte, 2*len(outcomes))
		for i := range v {
			if r[first+i] != "" {
				n, _ := strconv.Atoi(r[first+i])
				v[i] = byte(n)
			}
		}
		if groups[r[g]] == nil {
			groups[r[g]] = NewTallies(len(outcomes))
		}
		groups["all"].Add(v)
		groups[r[g]].Add(v)
		sizes["all"]++
		sizes[r[g]]++
	}
	return outcomes, groups, sizes
}

// TestWorkedExampleFromScoringMD checks the table of docs/scoring.md, "Worked
// example".
func TestWorkedExampleFromScoringMD(t *testing.T) {
	outcomes, groups, sizes := wide(t, "worked-example.csv", "team_size")
	// The expected numbers are the table of docs/scoring.md itself, so that
	// the page and the code cannot disagree.
	doc, err := os.ReadFile("../../docs/scoring.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(doc), "| group | rank | code | n | importance | satisfaction | opportunity | class |\n|---|---|---|---|---|---|---|---|\n")
	checked := 0
	for line := range strings.Lines(table) {
		var tt struct {
			group, code   string
			rank, n       int
			imp, sat, opp float64
			class         string
		}
		if _, err := fmt.Sscanf(line, "| %s | %d | %s | %d | %f | %f | %f | %s |", &tt.group, &tt.rank, &tt.code, &tt.n, &tt.imp, &tt.sat, &tt.opp, &tt.class); err != nil {
			break // past the table
		}
		checked++
		var got *Row
		for _, r := range Rank(outcomes, groups[tt.group]) {
			if r.Code == tt.code {
				got = &r
			}
		}
		if got == nil || got.Rank != tt.rank || got.N != tt.n || !near(got.Importance, tt.imp, .005) ||
			!near(got.Satisfaction, tt.sat, .005) || !near(got.Opportunity, tt.opp, .005) || got.Class != tt.class {
			t.Errorf("%s %s: got %+v, want %+v", tt.group, tt.code, got, tt)
		}
	}
	if checked != 12 {
		t.Errorf("%d rows in the table of docs/scoring.md, \"Worked example\", want 12: 3 groups × 4 outcomes", checked)
	}
	o4 := Rank(outcomes, groups["all"])[0]
	if !near(o4.ImportanceCI[0], 5.65, .005) || !near(o4.ImportanceCI[1], 9.80, .005) || !near(o4.MeanImportance, 4.333, .0005) ||
		!near(o4.MeanSatisfaction, 2, 1e-12) || !near(o4.Gap, 2.333, .0005) {
		t.Errorf("all/O04 detail: %+v", o4)
	}
	for group, want := range map[string]float64{"all": 0.382, "small": 0.172, "large": 0.217} {
		if got := Factors(Rank(outcomes, groups[group]), float64(sizes[group]), float64(sizes["all"]), 0).Priority(); !near(got, want, .0005) {
			t.Errorf("%s priority = %.4f, want %.3f", group, got, want)
		}
	}
}

// TestGoldenData checks every number of surveys/testdata/golden.
func TestGoldenData(t *testing.T) {
	outcomes, groups, _ := wide(t, "golden/responses.csv", "company_size")
	b, err := os.ReadFile("../testdata/golden/expected-opportunities.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Groups map[string][]Row `json:"groups"`
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for g, exp := range want.Groups {
		got := Rank(outcomes, groups[g])
		for i, e := range exp {
			r := got[i]
			floats := [][2]float64{{r.Importance, e.Importance}, {r.Satisfaction, e.Satisfaction}, {r.Opportunity, e.Opportunity},
				{r.ImportanceCI[0], e.ImportanceCI[0]}, {r.ImportanceCI[1], e.ImportanceCI[1]}, {r.SatisfactionCI[0], e.SatisfactionCI[0]},
				{r.SatisfactionCI[1], e.SatisfactionCI[1]}, {r.MeanImportance, e.MeanImportance}, {r.MeanSatisfaction, e.MeanSatisfaction}, {r.Gap, e.Gap}}
			ok := r.Code == e.Code && r.Rank == e.Rank && r.N == e.N && r.Class == e.Class
			for _, f := range floats {
				ok = ok && near(f[0], f[1], 1e-6)
			}
			if !ok {
				t.Errorf("group %s position %d: got %+v, want %+v", g, i+1, r, e)
			}
		}
	}
}

func TestTiesRankByImportanceThenCode(t *testing.T) {
	// O03 and O02 tie on opportunity 10 (imp 10 sat 10 vs imp 5 sat 0);
	// O01 and O02 tie on both: the code decides.
	outcomes := []Outcome{{Code: "O03", Slot: 0}, {Code: "O02", Slot: 1}, {Code: "O01", Slot: 2}, {Code: "O10", Slot: 3}}
	rows := Rank(outcomes, tally(4,
		vec(5, 5, 5, 1, 5, 1, 0, 0),
		vec(5, 5, 1, 1, 1, 1, 0, 0),
	))
	got := []string{}
	for _, r := range rows {
		got = append(got, r.Code+":"+strconv.FormatFloat(r.Opportunity, 'f', 1, 64))
	}
	if strings.Join(got, " ") != "O03:10.0 O01:10.0 O02:10.0 O10:0.0" {
		t.Fatalf("ranking %v", got)
	}
}

// Opportunities that are equal as fractions must tie in floating point too,
// so importance decides: O01 is 10·5/11 + (10·5/11 − 10·9/22) = 5, which
// adding the shares makes 5.000000000000001; O02 is exactly 5 with the higher
// importance and ranks first.
func TestExactTiesSurviveFloatingPoint(t *testing.T) {
	var rows [][]byte
	for i := range 22 {
		imp, sat := 0, 1
		switch {
		case i < 5:
			imp = 5
		case i < 11:
			imp = 1
		}
		if i < 9 {
			sat = 5
		}
		var imp2, sat2 int
		switch i {
		case 0:
			imp2, sat2 = 5, 5
		case 1:
			imp2 = 1
		}
		rows = append(rows, vec(imp, sat, imp2, sat2))
	}
	got := Rank([]Outcome{{Code: "O01", Slot: 0}, {Code: "O02", Slot: 1}}, tally(2, rows...))
	if got[0].Code != "O02" || got[0].Opportunity != 5 || got[1].Opportunity != 5 {
		t.Fatalf("ranking %+v", got)
	}
	if got[1].Importance != 10*5.0/11 || got[1].Satisfaction != 10*9.0/22 {
		t.Fatalf("O01 shares %v %v", got[1].Importance, got[1].Satisfaction)
	}
}

func TestEdgeCases(t *testing.T) {
	outcomes := []Outcome{{Code: "A", Slot: 0}, {Code: "B", Slot: 1}}
	tests := []struct {
		name string
		rows [][]byte
		want map[string][3]float64 // code -> imp, sat, opp
		n    map[string]int
	}{
		{"nobody rated", nil, map[string][3]float64{"A": {0, 0, 0}, "B": {0, 0, 0}}, map[string]int{"A": 0, "B": 0}},
		{"one respondent", [][]byte{vec(5, 1, 3, 0)}, map[string][3]float64{"A": {10, 0, 20}, "B": {0, 0, 0}}, map[string]int{"A": 1, "B": 1}},
		{"all five", [][]byte{vec(5, 5, 5, 5), vec(5, 5, 5, 5)}, map[string][3]float64{"A": {10, 10, 10}, "B": {10, 10, 10}}, map[string]int{"A": 2, "B": 2}},
		{"all one", [][]byte{vec(1, 1, 1, 1), vec(1, 1, 1, 1)}, map[string][3]float64{"A": {0, 0, 0}, "B": {0, 0, 0}}, map[string]int{"A": 2, "B": 2}},
		{"short and bad values", [][]byte{vec(4, 9), vec(7)}, map[string][3]float64{"A": {10, 0, 20}, "B": {0, 0, 0}}, map[string]int{"A": 1, "B": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range Rank(outcomes, tally(2, tt.rows...)) {
				w := tt.want[r.Code]
				if !near(r.Importance, w[0], 1e-9) || !near(r.Satisfaction, w[1], 1e-9) || !near(r.Opportunity, w[2], 1e-9) || r.N != tt.n[r.Code] {
					t.Errorf("%s: got %+v, want %v n=%d", r.Code, r, w, tt.n[r.Code])
				}
			}
		})
	}
	// One rating of 1: p = 0, Wilson upper bound z²/(1+z²) = 0.793454.
	if r := Rank(outcomes, tally(2, vec(1, 1, 1, 1)))[0]; r.Class != "served" || r.ImportanceCI[0] != 0 || !near(r.ImportanceCI[1], 7.93454, 1e-4) {
		t.Errorf("all-one class and CI: %+v", r)
	}
}

func TestClassBoundaries(t *testing.T) {
	tests := []struct {
		imp, sat, opp float64
		want          string
	}{
		{10, 5, 15, "extreme"},
		{9, 4.05, 14.95, "extreme"}, // displayed as 15.0
		{9, 4.06, 14.94, "high"},
		{8, 4, 12, "high"},
		{7, 4.05, 11.95, "high"},
		{6, 2, 10, "solid"},
		{6, 2.05, 9.95, "solid"},
		{5, 5.1, 5, "overserved"},
		{4.71, 4.74, 4.71, "overserved"}, // both show 4.7: unrounded values decide
		{5, 5, 5, "served"},
		{0, 0, 0, "served"},
	}
	for _, tt := range tests {
		if got := Class(tt.imp, tt.sat, tt.opp); got != tt.want {
			t.Errorf("Class(%v, %v, %v) = %s, want %s", tt.imp, tt.sat, tt.opp, got, tt.want)
		}
	}
	// 14.95 as the sum the formula actually produces.
	if got := Class(8.9, 2.85, 8.9+(8.9-2.85)); got != "extreme" {
		t.Errorf("8.9 + 6.05 = %v classed %s", 8.9+(8.9-2.85), got)
	}
}

func TestScoresStayInRangeAndSegmentsMergeToAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const slots = 12
	outcomes := numbered(slots, 10)
	for trial := range 200 {
		all := NewTallies(slots)
		segs := []Tallies{NewTallies(slots), NewTallies(slots), NewTallies(slots)}
		for range rng.IntN(60) {
			v := make([]byte, 2*slots)
			for i := range v {
				v[i] = byte(rng.IntN(6))
			}
			all.Add(v)
			segs[rng.IntN(3)].Add(v)
		}
		merged := NewTallies(slots)
		for _, s := range segs {
			merged.Merge(s)
		}
		for i := range all {
			if all[i] != merged[i] {
				t.Fatalf("trial %d: merged segments %v differ from all %v", trial, merged[i], all[i])
			}
		}
		for _, r := range Rank(outcomes, all) {
			if r.Importance < 0 || r.Importance > 10 || r.Satisfaction < 0 || r.Satisfaction > 10 || r.Opportunity < 0 || r.Opportunity > 20 ||
				r.ImportanceCI[0] > r.Importance+1e-9 || r.ImportanceCI[1] < r.Importance-1e-9 {
				t.Fatalf("trial %d: out of range %+v", trial, r)
			}
		}
	}
}

func TestPriority(t *testing.T) {
	rows := []Row{{Importance: 8, Satisfaction: 2}, {Importance: 6, Satisfaction: 4}, {Importance: 10, Satisfaction: 0},
		{Importance: 4, Satisfaction: 6}, {Importance: 2, Satisfaction: 8}, {Importance: 10, Satisfaction: 10}}
	// Top five: mean importance 6 -> 0.6, mean satisfaction 4 -> 0.4.
	if got := Factors(rows, 50, 200, 0).Priority(); !near(got, 0.6*0.6*0.25, 1e-12) {
		t.Errorf("priority = %v, want %v", got, 0.6*0.6*0.25)
	}
	if got := Factors(rows, 50, 200, 1000).Priority(); !near(got, 90, 1e-9) {
		t.Errorf("with market size 1000: %v, want 90", got)
	}
	if Factors(nil, 0, 0, 1).Priority() != 0 {
		t.Error("empty group must have priority 0")
	}
}

func TestForces(t *testing.T) {
	var f ForceTally
	f.Add(8, 7, 3, 2, 1) // net 10
	f.Add(2, 3, 6, 5, 1) // net -6
	f.Add(5, 5, 5, 5, 1) // net 0
	f.Add(9, 9, 0, 1, 1) // incomplete: skipped
	s := f.Summary()
	want := ForceSummary{N: 3, Push: 5, Pull: 5, Anxiety: 14.0 / 3, Habit: 4, Net: 4.0 / 3, PositiveShare: 1.0 / 3}
	if s.N != want.N || !near(s.Push, want.Push, 1e-12) || !near(s.Anxiety, want.Anxiety, 1e-12) || !near(s.Net, want.Net, 1e-12) || !near(s.PositiveShare, want.PositiveShare, 1e-12) {
		t.Fatalf("forces %+v, want %+v", s, want)
	}
}

func BenchmarkTalliesAdd(b *testing.B) {
	const n, slots = 100_000, 100
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([][]byte, n)
	for i := range rows {
		rows[i] = make([]byte, 2*slots)
		for j := range rows[i] {
			rows[i][j] = byte(1 + rng.IntN(5))
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t := NewTallies(slots)
		for _, r := range rows {
			t.Add(r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/respondent")
}

func BenchmarkRank(b *testing.B) {
	const slots = 100
	outcomes := numbered(slots, 100)
	t := NewTallies(slots)
	for i := range outcomes {
		t[i] = Tally{Imp: [6]int32{0, 10, 20, 30, 40, 50 + int32(i)}, Sat: [6]int32{0, 50, 40, 30, 20, 10}}
	}
	b.ReportAllocs()
	for range b.N {
		Rank(outcomes, t)
	}
}

func TestCompareCodesIsNaturalAndTotal(t *testing.T) {
	want := []string{"A9C", "A10B", "O01", "O1", "O2", "O10", "O10a", "O11", "P1", "a1"}
	got := slices.Clone(want)
	for i := range 20 { // every starting order sorts the same
		rand.New(rand.NewPCG(uint64(i), 0)).Shuffle(len(got), func(a, b int) { got[a], got[b] = got[b], got[a] })
		slices.SortFunc(got, CompareCodes)
		if !slices.Equal(got, want) {
			t.Fatalf("sorted %v, want %v", got, want)
		}
	}
	for _, c := range want {
		if CompareCodes(c, c) != 0 {
			t.Errorf("%s does not equal itself", c)
		}
	}
}
