package cluster

import (
	"math"
	"testing"
)

// TestTypingToolAccuracyHoldsOnNewRespondents: a six-item typing tool fitted
// on the segments of the first 1,000 respondents reports a cross-validated
// accuracy that the 600 respondents after them, never seen by it, confirm
// within a few points.
func TestTypingToolAccuracyHoldsOnNewRespondents(t *testing.T) {
	early, late, _, res := earlyAndLate(t)
	tool, err := FitTypingTool(early, 30, res.Assign, res.K, 6)
	if err != nil {
		t.Fatal(err)
	}
	if len(tool.Items) != 6 || len(tool.Coef) != 3 {
		t.Fatalf("tool: %d items, %d segments", len(tool.Items), len(tool.Coef))
	}
	md := NewModel(early, 30, res.Assign, res.K)
	right := 0
	for _, r := range late {
		x := make([]float64, len(tool.Items))
		for a, it := range tool.Items {
			x[a] = float64(r[2*it.Slot+it.Scale])
		}
		if s, p := tool.Classify(x); s == md.Nearest(r) {
			right++
			if math.Abs(sum(p)-1) > 1e-9 || p[s] < 1.0/3 {
				t.Fatalf("posterior %v for segment %d", p, s)
			}
		}
	}
	held := float64(right) / float64(len(late))
	t.Logf("items %+v: cross-validated accuracy %.3f, on %d new respondents %.3f", tool.Items, tool.Accuracy, len(late), held)
	if tool.Accuracy < 0.8 || math.Abs(held-tool.Accuracy) > 0.05 {
		t.Errorf("accuracy %.3f reported, %.3f on new respondents", tool.Accuracy, held)
	}
	if _, err := FitTypingTool(early[:12], 30, res.Assign[:12], 3, 6); err == nil {
		t.Error("a tool fitted on 12 respondents")
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}
