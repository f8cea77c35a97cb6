package results

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"odi/surveys"
)

// Cleaning: every response's quality flags are worked out here from the data,
// each time the data changes, and the study's rule (Study.ExcludeFlags) turns
// them into exclusions unless the researcher decided otherwise. The rules are
// in docs/scoring.md, "Cleaning".
const (
	// gridMinimum is how many outcomes a grid needs rated before its
	// sameness says anything.
	gridMinimum = 8
	// gridShare is the share of a grid one value may cover before the grid
	// is straight-lined: 90%.
	gridShare = 0.9
	// speedingMinimum is how many timed completes a study needs before "a
	// third of the median" means anything.
	speedingMinimum = 20
	// pairFloor is the least time anyone reads an outcome and rates it
	// twice; a complete faster than that per rated pair is speeding, however
	// fast everyone else is.
	pairFloor = 2 * time.Second
)

// flagBits are the quality flags, one bit each in QualityFlagNames order.
type flagBits uint8

func bitOf(flag string) flagBits {
	return 1 << slices.Index(surveys.QualityFlagNames, flag)
}

// names lists the flags set, in QualityFlagNames order.
func (b flagBits) names() []string {
	out := []string{}
	for i, f := range surveys.QualityFlagNames {
		if b&(1<<i) != 0 {
			out = append(out, f)
		}
	}
	return out
}

// review is what the cleaning makes of a study's cached responses, aligned
// with their list.
type review struct {
	key      string // the rule and design it was made under
	flags    []flagBits
	excluded []bool // out of the results: by decision, or by the rule
	byRule   []bool // out by the rule alone
}

// reviewKey names what a review depends on besides the responses: the rule,
// the attention checks asked, and the outcomes' slots.
func reviewKey(d *surveys.Design) string {
	var b strings.Builder
	b.WriteString(strings.Join(d.Study.ExcludeFlags, ","))
	if n := d.ChecksAsked(); n > 0 {
		b.WriteString("/" + strconv.Itoa(n))
	}
	for _, o := range d.Outcomes {
		b.WriteString(" " + strconv.Itoa(o.Slot))
	}
	return b.String()
}

// newReview flags every response of list and applies d's rule.
func newReview(list []*scored, d *surveys.Design) *review {
	return reviewWith(list, d, nil)
}

// reviewWith is newReview where the last len(facts) responses of list come
// with what their ratings say (RuleExcludes' rows) instead of the ratings.
func reviewWith(list []*scored, d *surveys.Design, facts []RatingFacts) *review {
	rv := &review{key: reviewKey(d), flags: make([]flagBits, len(list)),
		excluded: make([]bool, len(list)), byRule: make([]bool, len(list))}
	slots := OutcomeSlots(d)
	threshold := speedingThreshold(list)
	attention := d.ChecksAsked()
	tail := len(list) - len(facts)
	for i, r := range list {
		if r.Status != surveys.Complete {
			continue
		}
		straight, pairs := false, -1 // pairs counted only for a response with a duration
		if i >= tail {
			straight, pairs = facts[i-tail].straight, facts[i-tail].pairs
		} else {
			straight = straightLined(r.Ratings, slots, 0) || straightLined(r.Ratings, slots, 1)
		}
		if straight {
			rv.flags[i] |= bitOf(surveys.FlagStraightLining)
		}
		if dur, ok := r.duration(); ok {
			if pairs < 0 {
				pairs = ratedPairs(r.Ratings, slots)
			}
			if dur < threshold || dur < pairFloor*time.Duration(pairs) {
				rv.flags[i] |= bitOf(surveys.FlagSpeeding)
			}
		}
		// An imported response never saw the checks: the file has no column
		// for them.
		if attention > 0 && r.Source != surveys.SourceImport && surveys.FailedAttention(r.Answers, attention) {
			rv.flags[i] |= bitOf(surveys.FlagAttention)
		}
	}
	for _, i := range duplicates(list) {
		rv.flags[i] |= bitOf(surveys.FlagDuplicate)
	}
	var rule flagBits
	for _, f := range d.Study.ExcludeFlags {
		rule |= bitOf(f)
	}
	for i, r := range list {
		switch r.Decision {
		case surveys.Exclude:
			rv.excluded[i] = true
		case surveys.DecideByRule:
			rv.excluded[i] = rv.flags[i]&rule != 0
			rv.byRule[i] = rv.excluded[i]
		}
	}
	return rv
}

// OutcomeSlots are the slots of d's outcomes in the ratings, for
// NewRatingFacts.
func OutcomeSlots(d *surveys.Design) []int {
	slots := make([]int, len(d.Outcomes))
	for i, o := range d.Outcomes {
		slots[i] = o.Slot
	}
	return slots
}

// RatingFacts are what the rule makes of one response's ratings: whether a
// grid is straight-lined, and how many outcomes are rated on both scales
// (the floor of its time before it is speeding). An import keeps these of
// each row rather than its ratings, until RuleExcludes.
type RatingFacts struct {
	straight bool
	pairs    int
}

// NewRatingFacts reads ratings as the review does; slots from OutcomeSlots.
func NewRatingFacts(slots []int, ratings []byte) RatingFacts {
	return RatingFacts{straight: straightLined(ratings, slots, 0) || straightLined(ratings, slots, 1), pairs: ratedPairs(ratings, slots)}
}

// straightLined tells whether one grid (part 0 importance, 1 satisfaction)
// of ratings holds one value on at least gridShare of the outcomes rated in
// it, with at least gridMinimum rated.
func straightLined(ratings []byte, slots []int, part int) bool {
	var count [6]int
	n := 0
	for _, s := range slots {
		if i := 2*s + part; i < len(ratings) && ratings[i] != 0 {
			count[min(ratings[i], 5)]++
			n++
		}
	}
	return n >= gridMinimum && float64(slices.Max(count[:])) >= gridShare*float64(n)
}

func ratedPairs(ratings []byte, slots []int) int {
	n := 0
	for _, s := range slots {
		if 2*s+1 < len(ratings) && ratings[2*s] != 0 && ratings[2*s+1] != 0 {
			n++
		}
	}
	return n
}

// speedingThreshold is a third of the median time of the timed completes,
// or 0 while there are too few of them to tell.
func speedingThreshold(list []*scored) time.Duration {
	var ds []time.Duration
	for _, r := range list {
		if d, ok := r.duration(); ok && r.Status == surveys.Complete {
			ds = append(ds, d)
		}
	}
	if len(ds) < speedingMinimum {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2] / 3
}

// duplicates are the indexes of the complete responses that repeat an
// earlier one: the same panel id or invitation finishing again, or the same
// answers, ratings and forces sent again from the same network. The first
// of each (by id) stands.
func duplicates(list []*scored) []int {
	var out []int
	seen := map[string]bool{}
	for i, r := range list {
		if r.Status != surveys.Complete {
			continue
		}
		keys := make([]string, 0, 3)
		if r.ExternalID != "" {
			keys = append(keys, "panel:"+r.ExternalID)
		}
		if r.InvitationID != nil {
			keys = append(keys, "invitation:"+string(binary.BigEndian.AppendUint64(nil, uint64(*r.InvitationID))))
		}
		if r.Network != "" {
			keys = append(keys, "answers:"+r.Network+":"+answerVector(r))
		}
		dup := false
		for _, k := range keys {
			dup = dup || seen[k]
			seen[k] = true
		}
		if dup {
			out = append(out, i)
		}
	}
	return out
}

// answerVector is a digest of everything a respondent answered.
func answerVector(r *scored) string {
	h := fnv.New128a()
	keys := make([]string, 0, len(r.Answers))
	for k := range r.Answers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(r.Answers[k]))
		h.Write([]byte{0})
	}
	h.Write(r.Ratings)
	h.Write([]byte{0})
	h.Write(r.Forces())
	return string(h.Sum(nil))
}

// Reviewed is one response as the cleaning sees it.
type Reviewed struct {
	ID           int64
	RespondentID string
	Status       string
	Decision     string // the researcher's, or DecideByRule
	StartedAt    time.Time
	FinishedAt   *time.Time
	Flags        []string // quality flags, in QualityFlagNames order
	Excluded     bool     // out of the results
	ByRule       bool     // out by the study's rule rather than a decision
}

// Review is every response of a study as the cleaning sees it, oldest
// first: what the Fieldwork tab lists and counts, and the exports carry.
func (s *Store) Review(ctx context.Context, d *surveys.Design) ([]Reviewed, error) {
	list, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, err
	}
	out := make([]Reviewed, len(list))
	for i, r := range list {
		out[i] = Reviewed{ID: r.ID, RespondentID: r.RespondentID, Status: r.Status, Decision: r.Decision,
			StartedAt: r.startedAt(), FinishedAt: r.finishedAt(), Flags: rv.flags[i].names(), Excluded: rv.excluded[i], ByRule: rv.byRule[i]}
	}
	return out, nil
}

// Incoming is what the study's rule needs of a response an import is about
// to add: an import's rows carry no invitation, network or attention check,
// so only their panel id, ratings and times can flag them.
type Incoming struct {
	Status     string
	PanelID    string
	Facts      RatingFacts // of its ratings
	StartedAt  time.Time
	FinishedAt *time.Time
}

// RuleExcludes tells, for each of rows about to be imported into d's study,
// whether the study's rule will keep it out of the results: the review of
// the study's responses with these after them, which is what the review
// makes of them once they are committed (a row's flags depend on the others
// only through the median time). The responses import uses it to store a
// decision only where its file disagrees with the rule, in the transaction
// that adds the rows.
func (s *Store) RuleExcludes(ctx context.Context, d *surveys.Design, rows []Incoming) ([]bool, error) {
	list, err := s.scoredResponses(ctx, d.Study.ID)
	if err != nil {
		return nil, err
	}
	all := make([]*scored, len(list), len(list)+len(rows))
	copy(all, list) // the cached list is shared: never appended to
	id := int64(0)
	if len(list) > 0 {
		id = list[len(list)-1].ID
	}
	added := make([]scored, len(rows))
	facts := make([]RatingFacts, len(rows))
	profiles := map[string]*profile{}
	for i := range rows {
		r, sc := &rows[i], &added[i]
		p := profiles[r.Status]
		if p == nil {
			p = &profile{Status: r.Status, Source: surveys.SourceImport}
			profiles[r.Status] = p
		}
		id++
		*sc = scored{ID: id, profile: p, ExternalID: r.PanelID}
		facts[i] = r.Facts
		sc.setTimes(r.StartedAt, r.FinishedAt)
		all = append(all, sc)
	}
	return reviewWith(all, d, facts).byRule[len(list):], nil
}
