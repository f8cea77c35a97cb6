package app

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"odi/surveys/score"
)

// TestLandscapeLabelsEveryPointWithoutOverlap places the codes of a spread
// of outcomes, of a crowd on one spot and of a tight cluster, and checks
// that every point has its label, that no label covers another or any
// point, and that a label set apart has a leader line ending at its label.
func TestLandscapeLabelsEveryPointWithoutOverlap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	spread := func(n int, imp, sat, width float64) []score.Row {
		rows := make([]score.Row, n)
		for i := range rows {
			rows[i] = score.Row{Code: fmt.Sprintf("O%02d", i+1), Rank: i + 1,
				Importance: imp + width*(rng.Float64()-.5), Satisfaction: sat + width*(rng.Float64()-.5)}
		}
		return rows
	}
	for _, tc := range []struct {
		name    string
		rows    []score.Row
		leaders bool // some labels must be set apart, with a leader line
	}{
		{"30 outcomes over the chart", spread(30, 5, 5, 8), false},
		{"40 outcomes on one spot", spread(40, 6, 4, 0), true},
		{"60 outcomes within a point each way", spread(60, 6.5, 4.5, 2), true},
		{"a point in each corner", []score.Row{{Code: "A1", Rank: 1}, {Code: "A2", Rank: 2, Importance: 10},
			{Code: "A3", Rank: 3, Satisfaction: 10}, {Code: "A4", Rank: 4, Importance: 10, Satisfaction: 10}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLandscape(tc.rows)
			if len(l.Points) != len(tc.rows) {
				t.Fatalf("%d points for %d outcomes", len(l.Points), len(tc.rows))
			}
			labels := make([]box, len(l.Points))
			leaders := 0
			for i, p := range l.Points {
				w := labelCharW * float64(len(p.Code))
				labels[i] = box{p.LX, p.LY + 2.5 - labelH, p.LX + w, p.LY + 2.5}
				if p.LX == 0 && p.LY == 0 {
					t.Errorf("%s has no label", p.Code)
				}
				if ld := p.Leader; ld != nil {
					leaders++
					if d := dist(ld.X1, ld.Y1, p.X, p.Y); d > pointR+0.2 {
						t.Errorf("%s: leader starts %.1f from its point", p.Code, d)
					}
					if !labels[i].grow(labelPad+0.2).holds(ld.X2, ld.Y2) {
						t.Errorf("%s: leader ends at %v,%v, off its label %+v", p.Code, ld.X2, ld.Y2, labels[i])
					}
				}
			}
			const slack = 0.2 // coordinates are rounded to a tenth
			for i, a := range labels {
				for j, p := range l.Points {
					if a.grow(-slack).overlaps(box{p.X - pointR, p.Y - pointR, p.X + pointR, p.Y + pointR}) {
						t.Errorf("label %s covers point %s", l.Points[i].Code, p.Code)
					}
					if j > i && a.grow(-slack).overlaps(labels[j]) {
						t.Errorf("labels %s and %s overlap", l.Points[i].Code, l.Points[j].Code)
					}
				}
			}
			if tc.leaders && leaders == 0 {
				t.Errorf("%d leader lines", leaders)
			}
		})
	}
}

func (a box) grow(d float64) box { return box{a.x0 - d, a.y0 - d, a.x1 + d, a.y1 + d} }

func (a box) holds(x, y float64) bool { return a.x0 <= x && x <= a.x1 && a.y0 <= y && y <= a.y1 }

func dist(x1, y1, x2, y2 float64) float64 {
	dx, dy := x1-x2, y1-y2
	return math.Sqrt(dx*dx + dy*dy)
}
