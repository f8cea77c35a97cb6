package cluster

import "math"

// Question is a profile question's answers, for the cross-check.
type Question struct {
	Key     string
	Options []string
	Answers [][]string // Answers[i] = respondent i's answers (multi-choice may hold several, empty = none)
}

// HighLift is the lift from which an answer counts as over-represented in
// a segment, as the pages and the workbook mark it.
const HighLift = 1.25

// Lift compares an answer's share in one segment with its share overall.
type Lift struct {
	Option       string  `json:"option"`
	SegmentShare float64 `json:"segment_share"`
	AllShare     float64 `json:"all_share"`
	Lift         float64 `json:"lift"` // SegmentShare / AllShare; 0 when nobody gave the answer
}

// QuestionProfile is one profile question seen through a segmentation.
type QuestionProfile struct {
	Key      string   `json:"key"`
	CramersV float64  `json:"cramers_v"`
	Segments [][]Lift `json:"segments"` // Segments[s] = lifts for segment s, in option order
}

// The Cramér's V thresholds of Strength and Verdict (docs/scoring.md,
// "Needs-based segment discovery", step 5): one scale, so that a label and
// the verdict beside it never disagree.
const (
	NoConcentrationV = 0.1 // below: the segments show in no answer of the question
	ModerateV        = 0.3
	RediscoversV     = 0.6 // from here: the segments largely repeat the question's answers
)

// Strength names how strongly a segmentation and a question go together:
// "none", "weak", "moderate", or "strong", which is a re-discovery.
func Strength(v float64) string {
	switch {
	case v >= RediscoversV:
		return "strong"
	case v >= ModerateV:
		return "moderate"
	case v >= NoConcentrationV:
		return "weak"
	}
	return "none"
}

// Profile is step 5: for each question, the lift of every option in every
// segment and Cramér's V between segment and answer.
//
// Shares are of the respondents who answered the question (with at least one
// of its options; other values are ignored). A multi-choice respondent counts
// once for each option chosen, which makes V for such a question an
// approximation, as with any χ² on multiple responses. Respondents whose
// segment is outside 0..k-1, or who have no Answers entry, are left out.
func Profile(assign []int, k int, qs []Question) []QuestionProfile {
	k = max(k, 0)
	out := make([]QuestionProfile, len(qs))
	for qi, q := range qs {
		c := len(q.Options)
		index := make(map[string]int, c)
		for o, opt := range q.Options {
			if _, dup := index[opt]; !dup {
				index[opt] = o
			}
		}
		table := make([]float64, k*c) // respondents by segment × option
		answered := make([]float64, k)
		var all float64
		seen := make([]int, c) // seen[o] = i+1 once respondent i has counted for option o
		for i, s := range assign {
			if s < 0 || s >= k || i >= len(q.Answers) {
				continue
			}
			any := false
			for _, a := range q.Answers[i] {
				o, ok := index[a]
				if !ok || seen[o] == i+1 {
					continue
				}
				seen[o] = i + 1
				table[s*c+o]++
				any = true
			}
			if any {
				answered[s]++
				all++
			}
		}
		col := make([]float64, c)
		for s := range k {
			for o := range c {
				col[o] += table[s*c+o]
			}
		}
		p := QuestionProfile{Key: q.Key, CramersV: cramersV(table, k, c), Segments: make([][]Lift, k)}
		for s := range k {
			lifts := make([]Lift, c)
			for o, opt := range q.Options {
				l := Lift{Option: opt}
				if answered[s] > 0 {
					l.SegmentShare = table[s*c+o] / answered[s]
				}
				if all > 0 {
					l.AllShare = col[o] / all
				}
				if l.AllShare > 0 {
					l.Lift = l.SegmentShare / l.AllShare
				}
				lifts[o] = l
			}
			p.Segments[s] = lifts
		}
		out[qi] = p
	}
	return out
}

// cramersV is √(χ² / (N·(min(r, c) − 1))) of an r×c table of counts, over the
// rows and columns that are not empty; 0 when fewer than two of either remain.
func cramersV(table []float64, r, c int) float64 {
	row := make([]float64, r)
	col := make([]float64, c)
	var total float64
	for i := range r {
		for j := range c {
			v := table[i*c+j]
			row[i] += v
			col[j] += v
			total += v
		}
	}
	rows, cols := 0, 0
	for _, v := range row {
		if v > 0 {
			rows++
		}
	}
	for _, v := range col {
		if v > 0 {
			cols++
		}
	}
	if rows < 2 || cols < 2 {
		return 0
	}
	var chi2 float64
	for i := range r {
		if row[i] == 0 {
			continue
		}
		for j := range c {
			if col[j] == 0 {
				continue
			}
			e := row[i] * col[j] / total
			d := table[i*c+j] - e
			chi2 += d * d / e
		}
	}
	v := math.Sqrt(chi2 / (total * float64(min(rows, cols)-1)))
	return min(v, 1)
}

// Verdict reads the cross-check as docs/scoring.md ("Needs-based segment
// discovery", step 5) does: "re-discovers <key>" for every question with
// V ≥ RediscoversV (the segments merely repeat that question), or "no profile
// concentration" when every V < 0.1 (the segments show up in no profile at
// all). A healthy needs-based segmentation sits in between and gets no flag.
// No questions, no flags; never nil.
func Verdict(p []QuestionProfile) []string {
	flags := []string{}
	low := len(p) > 0
	for _, q := range p {
		if q.CramersV >= RediscoversV {
			flags = append(flags, "re-discovers "+q.Key)
		}
		if q.CramersV >= NoConcentrationV {
			low = false
		}
	}
	if low {
		flags = append(flags, "no profile concentration")
	}
	return flags
}
