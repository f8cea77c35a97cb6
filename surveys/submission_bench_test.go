package surveys

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// The fast submission decoder must agree with encoding/json on every body it
// accepts; what it refuses goes to encoding/json anyway. These tests sit with
// its benchmark.

// viaEncodingJSON decodes as app.decode does.
func viaEncodingJSON(body []byte) (Submission, error) {
	var in Submission
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, err
	}
	if dec.More() {
		return in, errNotPlain
	}
	return in, nil
}

// asDecodedByEncodingJSON turns the typed rating list back into the
// map[string]any encoding/json would have made.
func asDecodedByEncodingJSON(in Submission) Submission {
	if in.rated == nil {
		return in
	}
	m := map[string]any{}
	for _, ri := range in.rated {
		if !ri.typed {
			m[ri.code] = ri.other
			continue
		}
		pair := map[string]any{}
		for name, p := range map[string]ratingPart{"importance": ri.imp, "satisfaction": ri.sat} {
			switch {
			case !p.given:
			case p.null:
				pair[name] = nil
			default:
				pair[name] = p.v
			}
		}
		m[ri.code] = pair
	}
	in.Ratings, in.rated = m, nil
	return in
}

func checkDecodersAgree(t *testing.T, body []byte) {
	t.Helper()
	var fast Submission
	if err := DecodeSubmission(body, &fast); err != nil {
		return // the handler falls back to encoding/json
	}
	slow, err := viaEncodingJSON(body)
	if err != nil {
		t.Fatalf("DecodeSubmission accepted %q, encoding/json refused it: %v", body, err)
	}
	if got := asDecodedByEncodingJSON(fast); !reflect.DeepEqual(got, slow) {
		t.Fatalf("decoders disagree on %q:\nfast %#v\nslow %#v", body, got, slow)
	}
	// And apply makes the same response of either.
	f := testForm()
	var rf, rs Response
	ef, es := f.apply(&fast, &rf), f.apply(&slow, &rs)
	if !reflect.DeepEqual(rf, rs) || !reflect.DeepEqual(ef, es) {
		t.Fatalf("apply differs on %q:\nfast %+v %v\nslow %+v %v", body, rf, ef, rs, es)
	}
}

// testForm is a study with three outcomes and one question of each kind.
func testForm() *form {
	lo, hi := 1.0, 500.0
	qs := []Question{
		{Key: "company_size", Kind: KindSingle, Options: []string{"1-9", "10-49"}, Required: true},
		{Key: "seats", Kind: KindNumber, MinValue: &lo, MaxValue: &hi},
		{Key: "nps", Kind: KindNPS},
		{Key: "tools", Kind: KindMulti, Options: []string{"Slack", "Jira"}},
		{Key: "note", Kind: KindText},
	}
	f := &form{slots: map[string]int{"O01": 0, "O02": 1, "O1": 2}, nSlots: 3, slotList: []int{0, 1, 2},
		questions: map[string]Question{}, ordered: qs, forces: true}
	for _, q := range qs {
		f.questions[q.Key] = q
	}
	return f
}

var submissionBodies = []string{
	`{"submission_id":"5a4a9f4e-6d33-4d2c-9d0e-1a3b5c7d9e0f","answers":{"company_size":"10-49","seats":12,"nps":9,"tools":["Slack","Jira"],"note":"caf\u00e9 \"x\"","gone":null,"ok":true},"ratings":{"O01":{"importance":5,"satisfaction":2},"O02":{"satisfaction":null,"importance":4.0},"O03":{"importance":"5"},"O04":3,"O05":{"importance":1e0,"other":2},"O06":{}},"forces":{"push":8,"pull":7},"order":["O02","O01",null],"complete":true}`,
	` { "complete" : false , "ratings" : { } , "order" : [ ] } `,
	`null`,
	`{}`,
	`{"ratings":null,"answers":null,"forces":null,"order":null,"complete":null,"submission_id":null}`,
	`{"ratings":{"O1":{"importance":2}},"ratings":{"O1":{"satisfaction":3},"O2":[1,2]}}`,
	`{"ratings":{"O01":{"importance":2},"O02":{"importance":9},"O01":{"satisfaction":3},"O02":{"importance":4},"O01":7}}`,
	`{"ratings":{"O01":{"importance":5,"satisfaction":4},"O02":{"importance":3,"satisfaction":3},"O1":{"importance":2,"satisfaction":1}},"answers":{"company_size":"1-9","seats":"12","nps":"10","tools":"Jira;Slack","note":"  hi  "},"forces":{"push":3,"pull":"4","habit":null},"complete":true}`,
	`{"answers":{"a":1},"answers":{"b":"2"}}`,
	`{"answers":{"a":-0.5e-3,"b":100000000000000000000000,"c":{"x":[1,{"y":"}"}]}}}`,
	`{"ratings":{"O\u0031":{"importance":-1,"satisfaction":10}}}`,
	`{"answers":{"t":"tab\there"}}`,
	"{\"answers\":{\"t\":\"bad \xff utf8\"}}",
	// Refused by the fast decoder, for encoding/json to answer:
	`{"Submission_ID":"x"}`,
	`{"nope":1}`,
	`{"answers":[]}`,
	`{"ratings":{"O1":{"importance":01}}}`,
	`{"ratings":{"O1":{"importance":1.}}}`,
	`{"ratings":{"O1":{"importance":+1}}}`,
	`{"complete":"yes"}`,
	`{"order":[1]}`,
	`{} {}`,
	`{"a":}`,
	`{"answers":{"x":1e999}}`,
	``,
	`{"answers":{"x":"unterminated}}`,
	"{\"answers\":{\"x\":\"ctl\x01\"}}",
}

func TestDecodeSubmissionAgreesWithEncodingJSON(t *testing.T) {
	for _, body := range submissionBodies {
		checkDecodersAgree(t, []byte(body))
	}
	var in Submission
	if err := DecodeSubmission([]byte(submissionBodies[0]), &in); err != nil {
		t.Fatalf("the usual submission took the slow path: %v", err)
	}
	if len(in.rated) != 6 || !in.rated[0].typed || in.rated[2].typed {
		t.Fatalf("ratings decoded as %+v", in.rated)
	}
}

func FuzzDecodeSubmission(f *testing.F) {
	for _, body := range submissionBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkDecodersAgree(t, body) })
}

func BenchmarkDecodeSubmissionEncodingJSON(b *testing.B) {
	body := []byte(submissionBodies[0])
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := viaEncodingJSON(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeSubmissionFast(b *testing.B) {
	body := []byte(submissionBodies[0])
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var in Submission
		if err := DecodeSubmission(body, &in); err != nil {
			b.Fatal(err)
		}
	}
}
