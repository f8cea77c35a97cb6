package fieldwork

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"

	"odi/surveys"
)

// The attention checks (surveys/flags.go): instructed-response items ("please
// choose Somewhat important for this item") among the outcomes, up to
// surveys.MaxAttentionChecks, each on an outcome page of its own. A complete
// response that gives any of them another answer, or none, is flagged
// FlagAttention (docs/scoring.md, "Cleaning"). An item is no outcome: it has
// no slot, is not scored and is not exported with the ratings.

// AttentionCheck is what the attention check items of a survey ask.
type AttentionCheck struct {
	Text   string `json:"text"`   // the instruction, naming the answer to choose
	Choose int    `json:"choose"` // the importance rating (1–5) the text asks for
	Checks int    `json:"checks"` // how many items each respondent meets, one per outcome page
}

func newAttentionCheck(lang string, scale Scale, checks int) *AttentionCheck {
	return &AttentionCheck{Text: fmt.Sprintf(surveys.Msg(lang, "attention"), scale.Importance[surveys.AttentionChoice-1]),
		Choose: surveys.AttentionChoice, Checks: checks}
}

// checkPlace is where one attention check goes: a page (an index into
// Survey.Pages) and the position among that page's items (0 = before the
// first).
type checkPlace struct{ page, at int }

// attentionPlaces is where each of a survey's attention checks goes for one
// respondent, in the checks' order, each on a page of its own. They are
// drawn from seed, the respondent's id, so the items move from one
// respondent to the next and stay put for each; the first check is where a
// survey of one check has always put it.
func attentionPlaces(check *AttentionCheck, pages []Page, seed string) []checkPlace {
	if check == nil {
		return nil
	}
	free := make([]int, len(pages))
	for i := range free {
		free[i] = i
	}
	places := make([]checkPlace, 0, check.Checks)
	for i := range min(check.Checks, len(free)) {
		h := fnv.New64a()
		h.Write([]byte("attention/" + seed))
		if i > 0 {
			h.Write([]byte("/" + strconv.Itoa(i+1)))
		}
		n := h.Sum64()
		j := int(n % uint64(len(free)))
		page := free[j]
		places = append(places, checkPlace{page, int((n / uint64(len(free))) % uint64(len(pages[page].Items)+1))})
		free = slices.Delete(free, j, j+1)
	}
	return places
}

// Checks is what a submission answers to the attention checks: one
// importance rating per check, in order. JSON takes one number (the first
// check) or a list of them; null, as the whole or in the list, leaves a
// check's answer as it is, so that a page can send the one check it shows.
type Checks struct {
	ratings []RatingValue // at most MaxAttentionChecks+1: enough to refuse a longer list
	list    bool          // sent as a list
	more    bool          // the list went on past ratings
}

// CheckRatings answers the checks in order, as code that builds a
// submission sends them; Rated(0) or a zero RatingValue leaves a check as it
// is.
func CheckRatings(rs ...RatingValue) Checks { return Checks{ratings: rs, list: true} }

// UnmarshalJSON takes any JSON value, so that a bad one is named among the
// other fields instead of failing the whole body; of a list it reads no
// further than one rating more than any survey asks.
func (c *Checks) UnmarshalJSON(b []byte) error {
	*c = Checks{}
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '[':
		c.list = true
		dec := json.NewDecoder(bytes.NewReader(b))
		if _, err := dec.Token(); err != nil {
			return err
		}
		for len(c.ratings) <= surveys.MaxAttentionChecks && dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			c.ratings = append(c.ratings, RatingValue{})
			if err := c.ratings[len(c.ratings)-1].UnmarshalJSON(raw); err != nil {
				return err
			}
		}
		c.more = dec.More()
		return nil
	}
	c.ratings = []RatingValue{{}}
	return c.ratings[0].UnmarshalJSON(b)
}

// MarshalJSON writes the checks as a list, null for those left as they are.
func (c Checks) MarshalJSON() ([]byte, error) {
	if len(c.ratings) == 0 {
		return []byte("null"), nil
	}
	return json.Marshal(c.ratings)
}

// applyChecks merges the answers to the attention checks into r, or says
// what is wrong with them, storing nothing then.
func (f *form) applyChecks(in Checks, r *surveys.Response) string {
	switch {
	case len(in.ratings) == 0:
		return ""
	case f.checks == 0:
		return "this survey does not ask an attention check"
	case len(in.ratings) > f.checks:
		n := strconv.Itoa(len(in.ratings))
		if in.more {
			n = "more than " + n
		}
		asks := "1 attention check"
		if f.checks > 1 {
			asks = strconv.Itoa(f.checks) + " attention checks"
		}
		return fmt.Sprintf("lists %s ratings; this survey asks %s", n, asks)
	}
	for i, v := range in.ratings {
		if v.bad && in.list {
			return fmt.Sprintf("check %d must be a whole number from 1 to 5", i+1)
		}
		if v.bad {
			return "must be a whole number from 1 to 5"
		}
	}
	for i, v := range in.ratings {
		if v.n != 0 {
			r.Answers[surveys.AttentionKey(i)] = strconv.Itoa(int(v.n))
		}
	}
	return ""
}
