// Package export writes a study's results for people who work in
// spreadsheets: the Excel workbook (export.xlsx), the ranked tables as one
// CSV file (opportunities.csv) and the responses as the wide CSV
// (responses.csv, raw or safe for a spreadsheet).
//
// It knows nothing of HTTP, storage or the domain: callers hand it the plain
// values below, filled from the domain by surveys/exports.go, so the
// researcher's download and a stakeholder's share link produce the same file
// from the same numbers.
package export

import (
	"time"

	"odi/surveys/score"
	"odi/surveys/statement"
)

// Input is everything a workbook shows.
type Input struct {
	Study          Study
	Outcomes       []Outcome       // in survey order
	Linted         bool            // the outcomes carry their lint: the researcher's workbook, not a share link's
	Groups         []Group         // all respondents first, then the segment groups
	Comparison     []ComparisonRow // the groups side by side, in the rank order of all respondents
	SegmentBy      string          // the question or segmentation the groups split by; "" when not segmented
	Filters        []Filter        // the respondents the scores were asked for; none is every respondent
	IncludePartial bool            // in-progress responses were counted too
	Weighting      *Weighting      // how the scores were weighted; nil when they were not
	Fieldwork      *Fieldwork      // nil leaves counts and dates out
	Responses      *Responses      // nil leaves the Responses sheet out
	Waves          *Waves          // nil leaves the Wave comparison sheet out
	Typing         *Typing         // nil leaves the Typing tool sheet out
	Canvas         *Canvas         // nil leaves the Segment canvas sheet out
	Generated      time.Time       // zero means now
}

// Study is what the Summary sheet says of the study.
type Study struct {
	Name, Job, RespondentRole, Status string // Job as its sentence
	MinN                              int
	ExcludeFlags                      []string // the quality flags the study's rule excludes; none turns the rule off
	MarketSize                        *float64 // nil when not set
	PublishedAt, ClosedAt             *time.Time
}

// Outcome is one statement as the Outcomes sheet lists it.
type Outcome struct {
	Code, Step, Statement string
	Parsed                statement.Parsed
	Lint                  []statement.Issue
}

// Group is one slice of respondents with every outcome scored and ranked.
type Group struct {
	Label           string
	N               int
	LowN            bool // fewer respondents than the study's minimum n
	Priority        float64
	PriorityIndex   *float64 // 100 for the average group; nil for all respondents
	PriorityFactors score.PriorityFactors
	Outcomes        []score.Row
}

// Weighting is how the scores were weighted: raked to the population's
// shares of the answers to the questions By.
type Weighting struct {
	By         []string
	Converged  bool
	EffectiveN float64 // of all respondents
	MaxWeight  float64
	Trimmed    int
}

// ComparisonRow is one outcome across the groups: Cells[i] is the outcome in
// Groups[i], with N 0 where that group has no rating of it.
type ComparisonRow struct {
	Rank            int // in all respondents
	Code, Statement string
	Cells           []score.Row
}

// Waves is the study against another, outcome by outcome (matched by
// code): each pair is [this study, the other].
type Waves struct {
	With      string // the other study's name
	Outcomes  []Wave
	OnlyHere  []string // codes only this study asks
	OnlyThere []string // codes only the other asks
}

// Wave is one outcome in both studies.
type Wave struct {
	Code, Statement                       string
	Importance, Satisfaction, Opportunity [2]float64
	Test                                  score.Test
}

// Typing is a saved segmentation's typing tool as the Typing tool sheet
// writes it: linear discriminant functions, one per segment, of the items'
// ratings (docs/scoring.md, "Typing tool").
type Typing struct {
	Segmentation string // its key
	Accuracy     float64
	Items        []TypingItem
	Segments     []TypingSegment
}

// TypingItem is one rating the tool asks.
type TypingItem struct {
	Code, Statement, Scale string  // Scale: importance or satisfaction
	Fill                   float64 // what an unanswered item counts as
}

// TypingSegment is one segment's discriminant function: Coef[i] times
// item i's rating, summed, plus Const.
type TypingSegment struct {
	ID, Label string
	Coef      []float64
	Const     float64
}

// Filter is one answer the respondents were filtered to.
type Filter struct {
	Key, Value string
}

// Fieldwork is how the responses came in.
type Fieldwork struct {
	FirstDay, LastResponse *time.Time // FirstDay is the day (UTC) of the first response
	Started                int
	Complete               int
	InProgress             int
	ScreenedOut            int
	QuotaFull              int
	ExcludedByRule         int // out of the results by the study's rule
	ExcludedByDecision     int // out by the researcher's own decision
	Flagged                int // carrying any quality flag
	Flags                  []Flag
	CompletionRate         float64 // complete / (complete + in progress)
	MedianSeconds          float64
	Changes                []Change // rewordings after publishing, oldest first
}

// Change is one rewording of a published study: respondents before At read
// Before.
type Change struct {
	At                      time.Time
	By, What, Before, After string
}

// Flag is how many complete responses carry one quality flag, and how many of
// them the study's rule kept out of the results (a response may carry
// several flags, so these add up to more than ExcludedByRule).
type Flag struct {
	Name     string // as stored: straight_lining
	N        int
	Excluded int
}

// Responses are a study's responses in the wide layout, the file the
// responses import reads back: respondent_id, status, whether the cleaning
// excluded it and its flags, its times, the profile answers, then the
// ratings.
type Responses struct {
	Columns []Column
	Rows    Rows
}

// Rows yields the responses, one row per call of yield, aligned with the
// columns; yield may reuse row once it returns. An error from yield stops
// the rows and is returned.
type Rows func(yield func(row []string) error) error

// Column is one column of the wide layout.
type Column struct {
	Name string
	Kind ColumnKind
}

// ColumnKind says how a column's cells are written.
type ColumnKind int

// The kinds of column.
const (
	TextColumn   ColumnKind = iota // kept as typed, never run as a formula
	RatingColumn                   // a 1–5 rating or a 1–10 force: a whole number
	NumberColumn                   // a number question or NPS: a number when it reads as one
	TimeColumn                     // an RFC 3339 time: a date and time in the workbook
)

func (r *Responses) header() []string {
	h := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		h[i] = c.Name
	}
	return h
}
