package fieldwork

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"odi/surveys/problem"
)

// What a respondent sends, as decoded, and the bounds it is held to. Anyone
// with a survey link may send anything up to the body limit, so every list
// and map in a submission is bounded by the survey (form.apply checks them
// for the JSON API and the survey page alike), decoding one never builds
// more than a small multiple of its size, and a refusal says what is wrong
// in a few words without echoing back what was sent.

// Submission is what a respondent's browser (or a script) sends. Values are
// kept as decoded and checked by form.apply, so that every bad field is named
// in one answer. Ratings are {"O01": {"importance": 5, "satisfaction": 2}}:
// JSON numbers, null to clear.
type Submission struct {
	SubmissionID string            `json:"submission_id"`
	Invitation   string            `json:"invitation"`
	Answers      map[string]Value  `json:"answers"`
	Ratings      map[string]Rating `json:"ratings"`
	Forces       map[string]Value  `json:"forces"`
	Attention    Checks            `json:"attention"` // the attention checks' importance ratings, when the survey asks them
	Order        []string          `json:"order"`     // outcome codes in the order the respondent saw them
	Complete     bool              `json:"complete"`
	PanelID      string            `json:"panel_id"`   // the respondent's id at the panel that sent them; kept from the first submission
	URLFields    map[string]string `json:"url_fields"` // the study's URL fields from the link they came by; kept from the first submission

	// From is the client's address, set by the server, never decoded from
	// the body; only a keyed hash of its network is stored.
	From string `json:"-"`
}

// Rating is one outcome's pair of ratings as sent. A complete submission
// holds a hundred values: decoded into these plain structs rather than into
// a map each, they cost a third of the time and a fifth of the memory.
type Rating struct {
	Importance   RatingValue `json:"importance,omitzero"`
	Satisfaction RatingValue `json:"satisfaction,omitzero"`
}

// RatingValue is importance or satisfaction as sent: absent, null (which
// clears it), a whole number 1–5, or something else, which apply names.
type RatingValue struct {
	sent, bad bool
	n         byte // 1..5; 0 clears
}

// Rated is a rating of n (1–5), as code that builds a submission sends it;
// 0 clears the rating.
func Rated(n int) RatingValue {
	if n < 0 || n > 5 {
		return RatingValue{sent: true, bad: true}
	}
	return RatingValue{sent: true, n: byte(n)}
}

// ParseRating reads a rating as an HTML form sends it: "" clears it.
func ParseRating(s string) RatingValue {
	if s == "" {
		return Rated(0)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return RatingValue{sent: true, bad: true}
	}
	return Rated(n)
}

// UnmarshalJSON takes any JSON value, so that one bad rating is named among
// the others instead of failing the whole body.
func (v *RatingValue) UnmarshalJSON(b []byte) error {
	*v = RatingValue{sent: true}
	if string(b) == "null" {
		return nil
	}
	if f, err := strconv.ParseFloat(string(b), 64); err == nil && f == math.Trunc(f) && f >= 1 && f <= 5 {
		v.n = byte(f)
	} else {
		v.bad = true
	}
	return nil
}

// MarshalJSON writes a rating as a client sends it: its number, null to
// clear it, or (for a bad one) a value the server refuses again.
func (v RatingValue) MarshalJSON() ([]byte, error) {
	switch {
	case v.bad:
		return []byte(`"not a rating"`), nil
	case v.n == 0:
		return []byte("null"), nil
	}
	return []byte{'0' + v.n}, nil
}

// Value is an answer or a force as sent: null,
// text, a number or a list of texts. Anything else is kept only as being
// something else, for apply to name. Decoding keeps no more of a list than
// any question could take and builds no tree of what a body holds: a
// megabyte of [1,1,…] costs about its own size, where decoding it into `any`
// cost fifty times that.
type Value struct {
	kind valueKind
	num  float64
	text string
	list []string // at most maxPicks+1: enough to refuse a longer one
}

type valueKind byte

const (
	valNull valueKind = iota // null, or not sent
	valText
	valNumber
	valList
	valOther
)

// maxPicks is the most options a question may have (Question's validate
// tag), so the most picks any multi-choice answer may hold.
const maxPicks = 50

// Text is a value sent as text, as an HTML form sends every answer.
func Text(s string) Value { return Value{kind: valText, text: s} }

// Number is a value sent as a JSON number.
func Number(f float64) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Value{kind: valOther}
	}
	return Value{kind: valNumber, num: f}
}

// UnmarshalJSON takes any JSON value, so that one of the wrong kind is named
// among the other fields instead of failing the whole body.
func (v *Value) UnmarshalJSON(b []byte) error {
	*v = Value{}
	if len(b) == 0 {
		return errors.New("empty JSON value")
	}
	switch b[0] {
	case 'n':
		return nil
	case '"':
		v.kind = valText
		return json.Unmarshal(b, &v.text)
	case '[':
		return v.decodeList(b)
	case '{', 't', 'f':
		v.kind = valOther
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	switch {
	case err == nil:
		*v = Number(f)
	case errors.Is(err, strconv.ErrRange):
		v.kind = valOther // 1e999 is no number any question takes
	default:
		return fmt.Errorf("not a JSON value: %.20s", b)
	}
	return nil
}

// decodeList keeps the texts of a JSON list, reading no further than one
// more than any question has options: enough to refuse the list.
func (v *Value) decodeList(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return err
	}
	v.kind, v.list = valList, []string{}
	for len(v.list) <= maxPicks && dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		s, ok := tok.(string)
		if !ok {
			*v = Value{kind: valOther}
			return nil
		}
		v.list = append(v.list, s)
	}
	return nil
}

// MarshalJSON writes a value as a client sends it; one of a kind no question
// takes is written as {}, which the server refuses again.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case valText:
		return json.Marshal(v.text)
	case valNumber:
		return json.Marshal(v.num)
	case valList:
		return json.Marshal(v.list)
	case valOther:
		return []byte("{}"), nil
	}
	return []byte("null"), nil
}

func (v Value) null() bool { return v.kind == valNull }

// whole is a JSON number that is an integer in [lo, hi]. Ratings and forces
// must be numbers; a form's text is turned into one before it gets here.
func (v Value) whole(lo, hi int) (int, bool) {
	if v.kind != valNumber || v.num != math.Trunc(v.num) || v.num < float64(lo) || v.num > float64(hi) {
		return 0, false
	}
	return int(v.num), true
}

// hasNUL tells whether the value holds U+0000, which PostgreSQL cannot store
// in text and no person types.
func (v Value) hasNUL() bool {
	return strings.IndexByte(v.text, 0) >= 0 || slices.ContainsFunc(v.list, func(s string) bool { return strings.IndexByte(s, 0) >= 0 })
}

// checkOrder says what is wrong with an item order, "" for nothing. An
// order names outcomes of the survey, each at most once, so it is never
// longer than the survey. It may name only some of them: Stages puts the
// others after it, in the design's order.
func (f *form) checkOrder(order []string) string {
	if len(order) > len(f.slots) {
		return fmt.Sprintf("holds %d codes; this survey has %d outcomes", len(order), len(f.slots))
	}
	seen := make(map[string]bool, len(order))
	for _, code := range order {
		if _, ok := f.slots[code]; !ok {
			return brief(code) + " is not an outcome of this survey"
		}
		if seen[code] {
			return brief(code) + " appears more than once"
		}
		seen[code] = true
	}
	return ""
}

// strays are the keys of one map of a submission that name nothing in the
// survey. A client that sent a few can act on each; a body of a hundred
// thousand made-up keys gets one short answer rather than all of them back.
type strays struct {
	first []string // the least few, in order
	n     int
}

// strayNames is the most unknown keys of one map a refusal names.
const strayNames = 3

func (s *strays) add(key string) {
	s.n++
	i, _ := slices.BinarySearch(s.first, key)
	if i == strayNames {
		return
	}
	s.first = slices.Insert(s.first, i, key)
	if len(s.first) > strayNames {
		s.first = s.first[:strayNames]
	}
}

// report names the strays of the map called field: each as a field of its
// own ("ratings.O99", each) when there are only a few with plain names, or
// else once as field, with a few of them quoted and the rest counted.
func (s *strays) report(fields *problem.List, field, each, all string) {
	if s.n == 0 {
		return
	}
	if s.n <= strayNames && !slices.ContainsFunc(s.first, unnameable) {
		for _, k := range s.first {
			fields.Add(field+"."+k, each)
		}
		return
	}
	quoted := make([]string, len(s.first))
	for i, k := range s.first {
		quoted[i] = brief(k)
	}
	msg := all + ": " + strings.Join(quoted, ", ")
	if more := s.n - len(s.first); more > 0 {
		msg += fmt.Sprintf(" and %d more", more)
	}
	fields.Add(field, msg)
}

// maxKeyLen is the longest question key (Question's validate tag); no
// outcome code or force is longer.
const maxKeyLen = 40

// unnameable tells a key that cannot stand in a field name as it was sent:
// longer than any the survey has, or holding what a reader cannot see.
func unnameable(key string) bool {
	return len(key) > maxKeyLen || strings.ContainsFunc(key, func(r rune) bool { return !unicode.IsPrint(r) })
}

// brief quotes something a respondent sent, cut to a few words, for a
// message that says which value is wrong without echoing a megabyte back.
func brief(s string) string {
	const most = 24 // characters
	n := 0
	for i := range s {
		if n == most {
			return strconv.Quote(s[:i] + "…")
		}
		n++
	}
	return strconv.Quote(s)
}
