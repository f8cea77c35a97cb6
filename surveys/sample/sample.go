// Package sample generates the one realistic dataset odi uses for tests,
// benchmarks and `odi demo`: a team-workspace study with three planted needs
// segments ("stop losing context", "look organized to investors", "ship
// faster as the team scales"), profile answers that lean towards (but do not
// equal) the segments, four forces, partial and screened-out responses and a
// few low-quality ones.
//
// The same Config always gives the same Dataset, byte for byte, so a test can
// pin numbers and a benchmark measures the same work every run.
package sample

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Config says how much data to generate.
type Config struct {
	Respondents int       // N
	Outcomes    int       // M; 0 takes the built-in statements; beyond them statements are varied
	Seed        uint64    // same config and seed -> identical dataset
	Start       time.Time // fieldwork start; zero -> 2026-01-05 00:00 UTC
	// StraightShare is the share of completes planted as straight-liners;
	// zero -> 3%.
	StraightShare float64
}

// Outcome is one desired-outcome statement. Codes are O01.., zero-padded to the
// width of the largest code (O001.. beyond 99) so they sort in order.
type Outcome struct{ Code, Statement, Step string }

// Question is a profile question. Kind is "single" for all of the built-ins.
type Question struct {
	Key, Text, Kind   string
	Options           []string
	Segment, Screener bool
	ScreenOut         []string
}

// Response is one respondent.
type Response struct {
	ID                string            // respondent id, "R000001".. in arrival order
	Status            string            // "complete", "in_progress" or "screened_out"
	Answers           map[string]string // question key -> option value
	Ratings           []byte            // 2 per outcome in Outcomes order; nil when screened out
	Forces            [4]uint8          // push, pull, anxiety, habit 1..10; zeros when not answered
	Started, Finished time.Time         // Finished is zero while in progress
	Segment           int               // the planted needs segment 0..2 (ground truth; never exported)
	Flags             []string          // "straight_lining" or "speeding" for the planted low-quality ones
}

// Dataset is a study with its responses.
type Dataset struct {
	Name, When, Want, SoThat, RespondentRole string
	Steps                                    []string
	Outcomes                                 []Outcome
	Questions                                []Question
	Segments                                 []string // labels of the planted segments, by Response.Segment
	Responses                                []Response
}

// Statuses, as odi stores them.
const (
	StatusComplete    = "complete"
	StatusInProgress  = "in_progress"
	StatusScreenedOut = "screened_out"
)

// Quality flags planted on low-quality completes.
const (
	FlagStraightLining = "straight_lining"
	FlagSpeeding       = "speeding"
)

// The plan. Shares are of all respondents for statuses and segments, of
// completes for the low-quality kinds.
const (
	shareScreenedOut = 0.03
	shareInProgress  = 0.07
	shareStraight    = 0.03
	shareSpeeding    = 0.03
	shareSkipping    = 0.05 // completes that leave one or two single ratings empty
	fieldwork        = 14 * 24 * time.Hour
)

var defaultStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

var segmentLabels = []string{
	"Stop losing context",
	"Look organized to investors",
	"Ship faster as the team scales",
}

var segmentShares = [3]float64{0.45, 0.25, 0.30}

var (
	companySizes = []string{"1-9", "10-49", "50-249", "250+"}
	roles        = []string{"Job executor", "Job beneficiary", "Product lifecycle support", "Purchase decision-maker"}
)

// Profile answers lean towards a segment without defining it: all three
// segments are mostly 10-49 person teams, so only their needs tell them apart.
var (
	companyShares = [3][4]float64{
		{0.10, 0.60, 0.22, 0.08}, // stop losing context
		{0.35, 0.45, 0.15, 0.05}, // look organized to investors
		{0.05, 0.35, 0.40, 0.20}, // ship faster
	}
	roleShares = [3][4]float64{
		{0.55, 0.20, 0.15, 0.10},
		{0.15, 0.20, 0.05, 0.60},
		{0.45, 0.10, 0.35, 0.10},
	}
)

// forceMeans are each segment's four forces on the 1-10 scale: push,
// pull, anxiety, habit.
var forceMeans = [3][4]float64{
	{8, 8, 5, 5},     // push high, pull high, anxiety moderate, habit moderate
	{5, 7.5, 3, 2.5}, // push moderate, pull high, anxiety low, habit low
	{8, 7, 7, 9},     // push high, pull high, anxiety high, habit very high
}

// Rating classes: how one respondent relates to one outcome.
const (
	classUnderserved  = iota // the respondent's own segment's outcomes
	classOtherSegment        // another segment's outcomes: served
	classEveryone            // underserved for all
	classOverserved
	classServed
	classRandom // a speeder's guess
	numClasses
)

// Distributions over 1..5 of importance and satisfaction per class.
var (
	impShares = [numClasses][5]float64{
		{0.00, 0.02, 0.08, 0.35, 0.55},
		{0.10, 0.25, 0.35, 0.22, 0.08},
		{0.00, 0.03, 0.12, 0.40, 0.45},
		{0.25, 0.35, 0.25, 0.10, 0.05},
		{0.05, 0.15, 0.35, 0.30, 0.15},
		{0.20, 0.20, 0.20, 0.20, 0.20},
	}
	satShares = [numClasses][5]float64{
		{0.35, 0.40, 0.17, 0.06, 0.02},
		{0.03, 0.10, 0.30, 0.37, 0.20},
		{0.20, 0.35, 0.30, 0.12, 0.03},
		{0.02, 0.05, 0.18, 0.40, 0.35},
		{0.03, 0.07, 0.30, 0.40, 0.20},
		{0.20, 0.20, 0.20, 0.20, 0.20},
	}
)

// impTable and satTable turn one random byte into a rating, so a single
// random number draws four outcomes' importance and satisfaction.
var impTable, satTable = byteTables(&impShares), byteTables(&satShares)

func byteTables(shares *[numClasses][5]float64) *[numClasses][256]byte {
	var t [numClasses][256]byte
	for c := range shares {
		cum, v := shares[c][0], 0
		for b := range 256 {
			for v < 4 && (float64(b)+0.5)/256 >= cum {
				v++
				cum += shares[c][v]
			}
			t[c][b] = byte(v + 1)
		}
	}
	return &t
}

// Generate builds the dataset for cfg. It allocates the ratings of all
// respondents as one block, and ids as one string.
func Generate(cfg Config) *Dataset {
	n := max(cfg.Respondents, 0)
	m := cfg.Outcomes
	if m < 1 {
		m = len(builtin)
	}
	start := cfg.Start
	if start.IsZero() {
		start = defaultStart
	}
	outs, themes := outcomes(m)
	d := &Dataset{
		Name:           "Shared workspace for growing teams",
		When:           "the team grows past 10 people and Slack starts losing context",
		Want:           "put our work into a shared workspace",
		SoThat:         "stop being the person who answers the same question three times a week",
		RespondentRole: "job executor",
		Steps:          append([]string(nil), steps...),
		Outcomes:       outs,
		Questions:      questions(),
		Segments:       append([]string(nil), segmentLabels...),
		Responses:      make([]Response, n),
	}

	// classes[s*m+o] is how segment s relates to outcome o.
	classes := make([]uint8, 3*m)
	for s := range 3 {
		for o, t := range themes {
			var c uint8
			switch {
			case int(t) == s:
				c = classUnderserved
			case t < themeEveryone:
				c = classOtherSegment
			case t == themeEveryone:
				c = classEveryone
			case t == themeOverserved:
				c = classOverserved
			default:
				c = classServed
			}
			classes[s*m+o] = c
		}
	}

	pcg := rand.NewPCG(cfg.Seed, 0x6f64692073616d70) // "odi samp"
	rng := rand.New(pcg)
	ids, w := idBlock(n)
	block := make([]byte, n*2*m)
	slot := float64(fieldwork) / float64(max(n, 1))
	baseDur := float64(60*time.Second + time.Duration(m)*8*time.Second)
	straight := cfg.StraightShare
	if straight == 0 {
		straight = shareStraight
	}

	for i := range d.Responses {
		p := &d.Responses[i]
		p.ID = ids[i*w : (i+1)*w]
		seg := pick(rng.Float64(), segmentShares[:])
		p.Segment = seg
		p.Started = start.Add(time.Duration((float64(i) + rng.Float64()) * slot).Round(time.Second))

		u := rng.Float64()
		if u < shareScreenedOut {
			p.Status = StatusScreenedOut
			p.Answers = map[string]string{"uses_slack": "No"}
			p.Finished = p.Started.Add(time.Duration(15+rng.IntN(45)) * time.Second)
			continue
		}
		p.Answers = map[string]string{
			"uses_slack":   "Yes",
			"company_size": companySizes[pick(rng.Float64(), companyShares[seg][:])],
			"role":         roles[pick(rng.Float64(), roleShares[seg][:])],
		}
		r := block[i*2*m : (i+1)*2*m : (i+1)*2*m]
		p.Ratings = r
		cls := classes[seg*m : (seg+1)*m]

		if u < shareScreenedOut+shareInProgress {
			p.Status = StatusInProgress
			rate(r, cls, pcg, false)
			clear(r[2*rng.IntN(m):]) // stopped somewhere before the last outcome
			continue
		}

		p.Status = StatusComplete
		dur := baseDur * math.Exp(0.3*rng.NormFloat64())
		switch q := rng.Float64(); {
		case q < straight:
			p.Flags = []string{FlagStraightLining}
			imp := byte(1 + rng.IntN(5))
			sat := imp
			if rng.IntN(2) == 0 {
				sat = byte(1 + rng.IntN(5))
			}
			for o := range m {
				r[2*o], r[2*o+1] = imp, sat
			}
		case q < straight+shareSpeeding:
			p.Flags = []string{FlagSpeeding}
			dur = baseDur * (0.08 + 0.12*rng.Float64())
			rate(r, cls, pcg, true)
		default:
			rate(r, cls, pcg, false)
			if rng.Float64() < shareSkipping {
				for range 1 + rng.IntN(2) {
					r[rng.IntN(2*m)] = 0
				}
			}
		}
		for f, mean := range forceMeans[seg] {
			v := math.Round(mean + 1.4*rng.NormFloat64())
			p.Forces[f] = uint8(min(max(v, 1), 10))
		}
		p.Finished = p.Started.Add(time.Duration(dur).Round(time.Second))
	}
	return d
}

// rate fills r with one respondent's ratings. A speeder guesses about half of
// them.
func rate(r []byte, cls []uint8, pcg *rand.PCG, speeding bool) {
	var x, guess uint64
	for o, c := range cls {
		if o&3 == 0 {
			x = pcg.Uint64()
		}
		if speeding {
			if o&63 == 0 {
				guess = pcg.Uint64()
			}
			if guess&1 == 1 {
				c = classRandom
			}
			guess >>= 1
		}
		r[2*o] = impTable[c][byte(x)]
		r[2*o+1] = satTable[c][byte(x>>8)]
		x >>= 16
	}
}

// pick returns the index drawn by u in [0,1) from shares that sum to 1.
func pick(u float64, shares []float64) int {
	for i, s := range shares[:len(shares)-1] {
		if u < s {
			return i
		}
		u -= s
	}
	return len(shares) - 1
}

// idBlock returns the ids R000001.. of n respondents laid end to end in one
// string, and the width of each.
func idBlock(n int) (string, int) {
	digits := max(6, len(strconv.Itoa(n)))
	buf := make([]byte, 0, n*(digits+1))
	var num [20]byte
	for i := 1; i <= n; i++ {
		s := strconv.AppendInt(num[:0], int64(i), 10)
		buf = append(buf, 'R')
		for range digits - len(s) {
			buf = append(buf, '0')
		}
		buf = append(buf, s...)
	}
	return string(buf), digits + 1
}

func questions() []Question {
	return []Question{
		{
			Key: "uses_slack", Text: "Does your team use Slack today?", Kind: "single",
			Options: []string{"Yes", "No"}, Screener: true, ScreenOut: []string{"No"},
		},
		{
			Key: "company_size", Text: "How many people work at your company?", Kind: "single",
			Options: append([]string(nil), companySizes...), Segment: true,
		},
		{
			Key: "role", Text: "Which best describes your part in getting this job done?", Kind: "single",
			Options: append([]string(nil), roles...), Segment: true,
		},
	}
}
