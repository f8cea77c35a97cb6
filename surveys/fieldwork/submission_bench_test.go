package fieldwork

import (
	"bytes"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-json"

	"odi/surveys"
)

// A submission is decoded by goccy/go-json (as app.decode does) and checked by form.apply, the one
// place that judges its values. These tests sit with the decode benchmarks.

// decodeSubmission decodes a body as app.decode does.
func decodeSubmission(body []byte) (Submission, error) {
	var in Submission
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(&in)
	return in, err
}

// testForm is a study with three outcomes, one question of each kind, the
// four forces and two attention checks.
func testForm() *form {
	lo, hi := 1.0, 500.0
	qs := []surveys.Question{
		{Key: "company_size", Kind: surveys.KindSingle, Options: []string{"1-9", "10-49"}, Required: true},
		{Key: "seats", Kind: surveys.KindNumber, MinValue: &lo, MaxValue: &hi},
		{Key: "nps", Kind: surveys.KindNPS},
		{Key: "tools", Kind: surveys.KindMulti, Options: []string{"Slack", "Jira"}},
		{Key: "note", Kind: surveys.KindText},
	}
	f := &form{slots: map[string]int{"O01": 0, "O02": 1, "O1": 2}, nSlots: 3, slotList: []int{0, 1, 2},
		questions: map[string]surveys.Question{}, ordered: qs, forces: true, checks: 2}
	for _, q := range qs {
		f.questions[q.Key] = q
	}
	return f
}

var submissionBodies = []string{
	`{"submission_id":"5a4a9f4e-6d33-4d2c-9d0e-1a3b5c7d9e0f","answers":{"company_size":"10-49","seats":12,"nps":9,"tools":["Slack","Jira"],"note":"caf\u00e9 \"x\""},"ratings":{"O01":{"importance":5,"satisfaction":2},"O02":{"satisfaction":null,"importance":4.0},"O1":{"importance":1e0}},"forces":{"push":8,"pull":7},"attention":2,"order":["O02","O01"],"complete":true}`,
	`{"answers":{"company_size":"huge","gone":null},"ratings":{"O01":{"importance":"5"},"O02":{"satisfaction":true},"O03":{},"O1":{"importance":2.5}},"forces":{"push":"8","greed":1},"attention":"2"}`,
	` { "complete" : false , "ratings" : { } , "order" : [ ] } `,
	`null`,
	`{}`,
	`{"ratings":null,"answers":null,"forces":null,"order":null,"complete":null,"submission_id":null,"attention":null}`,
	`{"ratings":{"O01":{"importance":-1,"satisfaction":10}},"answers":{"note":"` + strings.Repeat("é", 5001) + `"}}`,
	`{"nope":1}`,
	`{"complete":"yes"}`,
	`{} {}`,
}

// TestApplyNamesEveryBadField: the values a respondent could get wrong are
// all named in one answer, each with what to do.
func TestApplyNamesEveryBadField(t *testing.T) {
	in, err := decodeSubmission([]byte(submissionBodies[1]))
	if err != nil {
		t.Fatal(err)
	}
	fields := testForm().apply(&in, &surveys.Response{})
	want := map[string]string{
		"answers.company_size":     `"huge" is not one of the options`,
		"answers.gone":             "is not a question of this survey",
		"ratings.O01.importance":   "must be a whole number from 1 to 5",
		"ratings.O02.satisfaction": "must be a whole number from 1 to 5",
		"ratings.O03":              "is not an outcome of this survey",
		"ratings.O1.importance":    "must be a whole number from 1 to 5",
		"forces.push":              "must be a whole number from 1 to 10",
		"forces.greed":             "is not a force: use push, pull, anxiety and habit",
		"attention":                "must be a whole number from 1 to 5",
		"ratings.O01.satisfaction": "",
	}
	for k, msg := range want {
		if fields[k] != msg {
			t.Errorf("%s: %q, want %q", k, fields[k], msg)
		}
	}
	if len(fields) != 9 {
		t.Errorf("%d fields named, want 9: %v", len(fields), fields)
	}
	// Text is limited in characters, not bytes: 5,000 é are 10,000 bytes.
	note := func(s string) string {
		in := Submission{Answers: map[string]Value{"note": Text(s)}}
		return testForm().apply(&in, &surveys.Response{})["answers.note"]
	}
	if msg := note(strings.Repeat("é", 5000)); msg != "" {
		t.Errorf("5,000 characters refused: %s", msg)
	}
	if msg := note(strings.Repeat("é", 5001)); msg != "must be at most 5000 characters" {
		t.Errorf("5,001 characters: %q", msg)
	}
}

// A rating that is not an object, or names a part other than importance and
// satisfaction, does not fit a submission at all: the decoder refuses the
// body and says where (the handler answers 422 and 400).
func TestDecodeRefusesARatingOfTheWrongShape(t *testing.T) {
	_, err := decodeSubmission([]byte(`{"ratings":{"O01":{"importance":5},"O02":3}}`))
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Field != "ratings.O02" {
		t.Errorf("a number for a rating: %v", err)
	}
	if _, err := decodeSubmission([]byte(`{"ratings":{"O01":{"importance":5,"importnce":4}}}`)); err == nil || !strings.Contains(err.Error(), `"importnce"`) {
		t.Errorf("a misspelt part: %v", err)
	}
}

func TestApplyMergesAGoodSubmission(t *testing.T) {
	in, err := decodeSubmission([]byte(submissionBodies[0]))
	if err != nil {
		t.Fatal(err)
	}
	r := &surveys.Response{Ratings: []byte{0, 0, 0, 3, 0, 0}}
	if fields := testForm().apply(&in, r); fields != nil {
		t.Fatalf("refused: %v", fields)
	}
	wantAnswers := map[string]string{"company_size": "10-49", "seats": "12", "nps": "9", "tools": "Slack;Jira", "note": `café "x"`, surveys.AttentionKey(0): "2"}
	if !maps.Equal(r.Answers, wantAnswers) || string(r.Ratings) != "\x05\x02\x04\x00\x01\x00" ||
		string(r.Forces) != "\x08\x07\x00\x00" || !reflect.DeepEqual(r.ItemOrder, []string{"O02", "O01"}) || surveys.FailedAttention(r.Answers, 1) {
		t.Fatalf("merged %+v", r)
	}
}

// FuzzApplySubmission decodes arbitrary bodies as the handler does and
// checks them. It never panics; a refusal names fields; what is accepted is
// stored within the scales; and the same body applied again changes nothing.
func FuzzApplySubmission(f *testing.F) {
	for _, body := range submissionBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeSubmission(body)
		if err != nil {
			return // the handler answers 400 or names the field
		}
		fm := testForm()
		var r surveys.Response
		fields := fm.apply(&in, &r)
		for k, msg := range fields {
			if k == "" || msg == "" {
				t.Fatalf("unnamed problem %q: %q", k, msg)
			}
		}
		if fields != nil {
			return
		}
		for i, v := range r.Ratings {
			if v > 5 {
				t.Fatalf("rating %d stored as %d from %q", i, v, body)
			}
		}
		for i, v := range r.Forces {
			if v > 10 {
				t.Fatalf("force %d stored as %d from %q", i, v, body)
			}
		}
		again := r
		again.Answers = maps.Clone(r.Answers)
		again.Ratings = bytes.Clone(r.Ratings)
		again.Forces = bytes.Clone(r.Forces)
		if fields := fm.apply(&in, &again); fields != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("applying %q twice: %v\n%+v\n%+v", body, fields, again, r)
		}
	})
}

func BenchmarkDecodeSubmissionSmall(b *testing.B) {
	body := []byte(submissionBodies[0])
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeSubmission(body); err != nil {
			b.Fatal(err)
		}
	}
}

// A submission built in Go encodes to what a client would send, so scripts
// and tools written against this package can post it as it is.
func TestSubmissionEncodesAsSent(t *testing.T) {
	in := Submission{Ratings: map[string]Rating{"O01": {Importance: Rated(5)}, "O02": {Importance: Rated(0), Satisfaction: Rated(2)}}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"ratings":{"O01":{"importance":5},"O02":{"importance":null,"satisfaction":2}}`) {
		t.Fatalf("encoded %s", b)
	}
	back, err := decodeSubmission(b)
	if err != nil || !reflect.DeepEqual(back.Ratings, in.Ratings) {
		t.Fatalf("decoded back %+v, %v", back.Ratings, err)
	}
}
