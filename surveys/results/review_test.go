package results

import (
	"slices"
	"testing"
	"time"

	"odi/surveys"
)

// reviewDesign is a study of n outcomes on slots 0..n-1 with the rule given.
func reviewDesign(n int, rule ...string) *surveys.Design {
	d := &surveys.Design{Study: surveys.Study{ExcludeFlags: rule}}
	for i := range n {
		d.Outcomes = append(d.Outcomes, surveys.Outcome{Slot: i})
	}
	return d
}

// grid is a complete response rating every outcome imp and sat from the
// lists, timed at took.
func grid(id int64, imp, sat []byte, took time.Duration) *scored {
	r := &scored{ID: id, RespondentID: string(rune('a' + id)), profile: &profile{Status: surveys.Complete, Source: surveys.SourceLink}}
	for i := range imp {
		r.Ratings = append(r.Ratings, imp[i], sat[i])
	}
	started := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var finished *time.Time
	if took > 0 {
		f := started.Add(took)
		finished = &f
	}
	r.setTimes(started, finished)
	return r
}

func repeat(v byte, n int) []byte { return slices.Repeat([]byte{v}, n) }

// varied is a grid with no value on more than a fifth of it.
func varied(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(1 + i%5)
	}
	return out
}

func TestStraightLiningOnEitherGrid(t *testing.T) {
	ninety := append(repeat(5, 9), 3) // 9 of 10: 90%
	eighty := append(repeat(5, 8), 3, 2)
	for _, tc := range []struct {
		name     string
		imp, sat []byte
		want     bool
	}{
		{"importance constant, satisfaction varied", repeat(5, 10), varied(10), true},
		{"satisfaction constant, importance varied", varied(10), repeat(1, 10), true},
		{"one value on 90% of importance", ninety, varied(10), true},
		{"one value on 80%", eighty, varied(10), false},
		{"both varied", varied(10), varied(10), false},
		{"constant but only 7 rated", repeat(5, 7), repeat(5, 7), false},
	} {
		rv := newReview([]*scored{grid(1, tc.imp, tc.sat, 0)}, reviewDesign(len(tc.imp), surveys.FlagStraightLining))
		if got := slices.Contains(rv.flags[0].names(), surveys.FlagStraightLining); got != tc.want || rv.excluded[0] != tc.want {
			t.Errorf("%s: flagged %v excluded %v, want %v", tc.name, got, rv.excluded[0], tc.want)
		}
	}
}

func TestSpeedingIsAThirdOfTheMedianOrTheFloor(t *testing.T) {
	const n = 10 // outcomes: a floor of 20 s
	var list []*scored
	for i := range 30 {
		list = append(list, grid(int64(i), varied(n), varied(n), 10*time.Minute+time.Duration(i)*time.Second))
	}
	fast := grid(100, varied(n), varied(n), 3*time.Minute) // under a third of about 10 minutes
	ok := grid(101, varied(n), varied(n), 4*time.Minute)
	untimed := grid(102, varied(n), varied(n), 0) // sent whole by a script, or imported without times
	list = append(list, fast, ok, untimed)
	rv := newReview(list, reviewDesign(n, surveys.FlagSpeeding))
	for i, want := range map[int]bool{30: true, 31: false, 32: false, 0: false} {
		if got := rv.excluded[i]; got != want {
			t.Errorf("response %d: speeding %v, want %v", list[i].ID, got, want)
		}
	}
	// Too few timed completes for a median: only the floor applies.
	few := []*scored{grid(1, varied(n), varied(n), 15*time.Second), grid(2, varied(n), varied(n), 25*time.Second)}
	rv = newReview(few, reviewDesign(n, surveys.FlagSpeeding))
	if !rv.excluded[0] || rv.excluded[1] {
		t.Errorf("floor of 2 s per pair: 15 s %v, 25 s %v; want true, false", rv.excluded[0], rv.excluded[1])
	}
}

func TestDuplicatesAfterTheFirst(t *testing.T) {
	same := func(id int64, network, panel string) *scored {
		r := grid(id, varied(8), varied(8), 0)
		r.Network, r.ExternalID = network, panel
		return r
	}
	inv := int64(7)
	list := []*scored{
		same(1, "net-a", ""),
		same(2, "net-a", ""), // the same answers from the same network
		same(3, "net-b", ""), // the same answers from elsewhere: two people may agree
		same(4, "", "panel-9"),
		same(5, "", "panel-9"), // the panel's respondent finishing twice
		same(6, "", ""),
		same(7, "", ""),
	}
	list[5].InvitationID, list[6].InvitationID = &inv, &inv
	rv := newReview(list, reviewDesign(8, surveys.FlagDuplicate))
	want := []bool{false, true, false, false, true, false, true}
	if !slices.Equal(rv.excluded, want) {
		t.Errorf("duplicates %v, want %v", rv.excluded, want)
	}
}

func TestDecisionsWinOverTheRule(t *testing.T) {
	line := func(id int64, decision string) *scored {
		r := grid(id, repeat(5, 8), varied(8), 0)
		r.Decision = decision
		return r
	}
	clean := grid(4, varied(8), varied(8), 0)
	clean.Decision = surveys.Exclude
	list := []*scored{line(1, ""), line(2, surveys.Include), line(3, surveys.Exclude), clean}
	rv := newReview(list, reviewDesign(8, surveys.QualityFlagNames...))
	if want := []bool{true, false, true, true}; !slices.Equal(rv.excluded, want) {
		t.Errorf("excluded %v, want %v", rv.excluded, want)
	}
	if want := []bool{true, false, false, false}; !slices.Equal(rv.byRule, want) {
		t.Errorf("by rule %v, want %v", rv.byRule, want)
	}
	// With the rule off, only decisions exclude; flags stay visible.
	rv = newReview(list, reviewDesign(8))
	if want := []bool{false, false, true, true}; !slices.Equal(rv.excluded, want) || !slices.Contains(rv.flags[0].names(), surveys.FlagStraightLining) {
		t.Errorf("rule off: excluded %v, flags %v", rv.excluded, rv.flags[0].names())
	}
}

func TestFailedAttentionOnlyWhereAsked(t *testing.T) {
	d := reviewDesign(8, surveys.FlagAttention)
	d.Study.AttentionCheck, d.Study.AttentionChecks = true, 2
	for i := range d.Outcomes[4:] { // two job steps: two pages, a check on each
		d.Outcomes[4+i].Step = "Confirm"
	}
	pass := grid(1, varied(8), varied(8), 0)
	pass.Answers = map[string]string{surveys.AttentionKey(0): "2", surveys.AttentionKey(1): "2"}
	second := grid(2, varied(8), varied(8), 0)
	second.Answers = map[string]string{surveys.AttentionKey(0): "2", surveys.AttentionKey(1): "4"}
	imported := grid(3, varied(8), varied(8), 0)
	imported.Source = surveys.SourceImport // the file has no column for the checks
	rv := newReview([]*scored{pass, second, imported}, d)
	if want := []bool{false, true, false}; !slices.Equal(rv.excluded, want) {
		t.Errorf("excluded %v, want %v", rv.excluded, want)
	}
	// On one page the survey asks one check, so only the first counts.
	d = reviewDesign(8, surveys.FlagAttention)
	d.Study.AttentionCheck, d.Study.AttentionChecks = true, 2
	if rv = newReview([]*scored{pass, second, imported}, d); slices.Contains(rv.excluded, true) {
		t.Errorf("two checks asked of one page: excluded %v, want none", rv.excluded)
	}
}
