package cluster

import (
	"errors"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// A typing tool assigns anyone to a needs segment from a few of their
// ratings (docs/scoring.md, "Typing tool"). It is linear discriminant
// analysis: the items are chosen stepwise, each the one that most lowers
// Wilks' lambda (the share of the items' variance left within segments),
// and a respondent goes to the segment with the highest posterior under
// normal distributions with the segments' own means and one pooled
// covariance. LDA rather than a tree or a logistic regression because its
// coefficients fit in a spreadsheet, it needs no tuning, and the classic
// stepwise selection of discriminant analysis is exactly "the few questions
// that best tell the segments apart".

// TypingItem is one rating the tool asks: an outcome slot and a scale (0
// importance, 1 satisfaction).
type TypingItem struct {
	Slot  int `json:"slot"`
	Scale int `json:"scale"`
}

// TypingTool is a fitted typing tool.
type TypingTool struct {
	Items []TypingItem `json:"items"`
	// Fill stands in for an item a respondent left out: its mean.
	Fill []float64 `json:"fill"`
	// Coef[s] and Const[s] give segment s's discriminant score
	// Coef[s]·x + Const[s]; the posterior is the softmax of the scores.
	Coef  [][]float64 `json:"coef"`
	Const []float64   `json:"const"`
	// Accuracy is the share of respondents the whole procedure (selecting
	// items, then fitting) assigns to their own segment when they were held
	// out of it, over folds of a cross-validation.
	Accuracy float64 `json:"accuracy"`
}

// ErrTypingData is returned when the data cannot carry a typing tool.
var ErrTypingData = errors.New("too few respondents per segment for a typing tool")

// typingFolds is the cross-validation's number of folds.
const typingFolds = 5

// FitTypingTool chooses items ratings (slots outcomes each) and fits the
// tool on the respondents assign puts in segments 0..k-1; its Accuracy is
// from a 5-fold cross-validation, respondent i held out in fold i mod 5.
func FitTypingTool(ratings [][]byte, slots int, assign []int, k, items int) (TypingTool, error) {
	var rows []int
	count := make([]int, k)
	for i, s := range assign {
		if s >= 0 && s < k && i < len(ratings) {
			rows = append(rows, i)
			count[s]++
		}
	}
	for _, c := range count {
		if c < 2*typingFolds {
			return TypingTool{}, ErrTypingData
		}
	}
	items = min(items, 2*slots)
	x := typingMatrix(ratings, slots, rows)
	right := 0
	for f := range typingFolds {
		var train, test []int
		for j := range rows {
			if j%typingFolds == f {
				test = append(test, j)
			} else {
				train = append(train, j)
			}
		}
		tool, err := fitTyping(x, 2*slots, rows, assign, k, items, train)
		if err != nil {
			return TypingTool{}, err
		}
		for _, j := range test {
			if s, _ := tool.classify(x[j]); s == assign[rows[j]] {
				right++
			}
		}
	}
	all := make([]int, len(rows))
	for j := range all {
		all[j] = j
	}
	tool, err := fitTyping(x, 2*slots, rows, assign, k, items, all)
	tool.Accuracy = float64(right) / float64(len(rows))
	return tool, err
}

// typingMatrix is every rating of rows as a value, 0 where missing (NaN).
func typingMatrix(ratings [][]byte, slots int, rows []int) [][]float64 {
	x := make([][]float64, len(rows))
	for j, i := range rows {
		x[j] = make([]float64, 2*slots)
		for c := range x[j] {
			x[j][c] = math.NaN()
			if r := ratings[i]; c < len(r) && r[c] >= 1 && r[c] <= 5 {
				x[j][c] = float64(r[c])
			}
		}
	}
	return x
}

// fitTyping selects items stepwise and fits LDA on the rows of x listed in
// use (indexes into x and rows).
func fitTyping(x [][]float64, p int, rows, assign []int, k, items int, use []int) (TypingTool, error) {
	fill := make([]float64, p)
	have := make([]int, p)
	for _, j := range use {
		for c, v := range x[j] {
			if !math.IsNaN(v) {
				fill[c] += v
				have[c]++
			}
		}
	}
	for c := range fill {
		if have[c] > 0 {
			fill[c] /= float64(have[c])
		}
	}
	val := func(j, c int) float64 {
		if v := x[j][c]; !math.IsNaN(v) {
			return v
		}
		return fill[c]
	}
	// Segment means, and the within (W) and total (T) scatter of all items.
	mean := make([][]float64, k)
	n := make([]float64, k)
	for s := range mean {
		mean[s] = make([]float64, p)
	}
	for _, j := range use {
		s := assign[rows[j]]
		n[s]++
		for c := range p {
			mean[s][c] += val(j, c)
		}
	}
	for s := range mean {
		for c := range p {
			mean[s][c] /= n[s]
		}
	}
	W, T := mat.NewSymDense(p, nil), mat.NewSymDense(p, nil)
	dw, dt := make([]float64, p), make([]float64, p)
	for _, j := range use {
		s := assign[rows[j]]
		for c := range p {
			dw[c] = val(j, c) - mean[s][c]
			dt[c] = val(j, c) - fill[c]
		}
		W.SymRankOne(W, 1, mat.NewVecDense(p, dw))
		T.SymRankOne(T, 1, mat.NewVecDense(p, dt))
	}
	// Stepwise: add the item that leaves the lowest Wilks' lambda.
	var chosen []int
	for len(chosen) < items {
		best, bestL := -1, math.Inf(1)
		for c := range p {
			if slices.Contains(chosen, c) {
				continue
			}
			l, ok := wilks(W, T, append(chosen, c))
			if ok && l < bestL {
				best, bestL = c, l
			}
		}
		if best < 0 {
			break
		}
		chosen = append(chosen, best)
	}
	if len(chosen) == 0 {
		return TypingTool{}, ErrTypingData
	}
	// LDA on the chosen items: pooled covariance W/(n−k).
	m := len(chosen)
	pooled := mat.NewSymDense(m, nil)
	for a, ca := range chosen {
		for b, cb := range chosen[:a+1] {
			pooled.SetSym(a, b, W.At(ca, cb)/float64(len(use)-k))
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(pooled) {
		return TypingTool{}, ErrTypingData
	}
	tool := TypingTool{Coef: make([][]float64, k), Const: make([]float64, k)}
	for _, c := range chosen {
		tool.Items = append(tool.Items, TypingItem{Slot: c / 2, Scale: c % 2})
		tool.Fill = append(tool.Fill, fill[c])
	}
	for s := range k {
		mu := mat.NewVecDense(m, nil)
		for a, c := range chosen {
			mu.SetVec(a, mean[s][c])
		}
		var w mat.VecDense
		if err := chol.SolveVecTo(&w, mu); err != nil {
			return TypingTool{}, ErrTypingData
		}
		tool.Coef[s] = w.RawVector().Data
		tool.Const[s] = -0.5*mat.Dot(mu, &w) + math.Log(n[s]/float64(len(use)))
	}
	return tool, nil
}

// wilks is Wilks' lambda det(W)/det(T) of the items; false when they are
// degenerate (a constant item, or one that repeats another).
func wilks(W, T *mat.SymDense, items []int) (float64, bool) {
	sub := func(S *mat.SymDense) (float64, bool) {
		m := mat.NewSymDense(len(items), nil)
		for a, ca := range items {
			for b, cb := range items[:a+1] {
				m.SetSym(a, b, S.At(ca, cb))
			}
		}
		var chol mat.Cholesky
		if !chol.Factorize(m) {
			return 0, false
		}
		return chol.LogDet(), true
	}
	lw, ok1 := sub(W)
	lt, ok2 := sub(T)
	if !ok1 || !ok2 {
		return 0, false
	}
	return math.Exp(lw - lt), true
}

// classify is the segment of a respondent's values (all 2·slots of them,
// NaN where missing) and the posterior of each segment.
func (t TypingTool) classify(all []float64) (int, []float64) {
	x := make([]float64, len(t.Items))
	for a, it := range t.Items {
		x[a] = all[2*it.Slot+it.Scale]
	}
	return t.Classify(x)
}

// Classify is the segment of a respondent whose answers to the tool's items
// are x (in Items order; NaN or out of 1..5 where missing), with the
// posterior of every segment.
func (t TypingTool) Classify(x []float64) (int, []float64) {
	score := make([]float64, len(t.Coef))
	best := 0
	for s, coef := range t.Coef {
		score[s] = t.Const[s]
		for a, w := range coef {
			v := t.Fill[a]
			if a < len(x) && x[a] >= 1 && x[a] <= 5 {
				v = x[a]
			}
			score[s] += w * v
		}
		if score[s] > score[best] {
			best = s
		}
	}
	top, sum := score[best], 0.0
	for s := range score {
		score[s] = math.Exp(score[s] - top)
		sum += score[s]
	}
	for s := range score {
		score[s] /= sum
	}
	return best, score
}
