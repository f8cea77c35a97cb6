package cluster

import (
	"context"
	"encoding/json"
	"testing"

	"odi/surveys/sample"
)

// earlyAndLate are 1,800 generated respondents with three planted needs
// segments (complete ones only), split into the first 1,000, whose segments
// are discovered with k = 3, and those who came after them.
func earlyAndLate(t *testing.T) (early, late [][]byte, planted []int, res Result) {
	t.Helper()
	ratings, planted := counted(sample.Generate(sample.Config{Respondents: 1800, Outcomes: 30, Seed: 2026}))
	early, late = ratings[:1000], ratings[1000:]
	res, err := Discover(context.Background(), Input{Ratings: early, Slots: 30, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	return early, late, planted, res
}

// TestModelPlacesLateRespondents: a model built from the segments of the
// first 1,000 respondents places the 500 that came after them in the
// segment of their planted needs, and places every respondent it was built
// on where discovery did; it survives a JSON round trip as stored.
func TestModelPlacesLateRespondents(t *testing.T) {
	early, late, planted, res := earlyAndLate(t)
	md := NewModel(early, 30, res.Assign, res.K)
	b, err := json.Marshal(md)
	if err != nil {
		t.Fatal(err)
	}
	var stored Model
	if err := json.Unmarshal(b, &stored); err != nil || len(stored.Means) != 30 || len(stored.Centroids) != 3 {
		t.Fatalf("stored model: %s (%v)", b[:min(len(b), 200)], err)
	}
	same := 0
	for i, r := range early {
		if stored.Nearest(r) == res.Assign[i] {
			same++
		}
	}
	if same < len(early)*99/100 {
		t.Errorf("%d of %d early respondents placed where discovery put them", same, len(early))
	}
	// Which segment holds each planted segment, by the early majority.
	votes := map[[2]int]int{}
	for i, s := range res.Assign {
		votes[[2]int{planted[i], s}]++
	}
	home := map[int]int{}
	for p := range 3 {
		best := -1
		for s := range 3 {
			if best < 0 || votes[[2]int{p, s}] > votes[[2]int{p, best}] {
				best = s
			}
		}
		home[p] = best
	}
	right := 0
	for i, r := range late {
		if stored.Nearest(r) == home[planted[1000+i]] {
			right++
		}
	}
	if right < len(late)*95/100 {
		t.Errorf("%d of %d late respondents land in their planted segment", right, len(late))
	}
	t.Logf("early placed as discovered: %d/%d; late in their planted segment: %d/%d", same, len(early), right, len(late))
	if (Model{}).Nearest(early[0]) != -1 {
		t.Error("an empty model places a respondent")
	}
}
