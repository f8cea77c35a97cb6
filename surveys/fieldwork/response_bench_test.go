package fieldwork_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"github.com/goccy/go-json"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// benchSurvey is a published demo study on a fresh SQLite file and complete
// submissions for it, shaped like the ones cmd/odi-load sends.
type benchSurvey struct {
	store  *fieldwork.Store
	user   *accounts.User
	study  *surveys.Study
	slug   string
	bodies [][]byte
}

func newBenchSurvey(b *testing.B, responses, outcomes int) *benchSurvey {
	b.Helper()
	ctx := context.Background()
	s := surveystest.SQLite(b)
	fw := fieldworkOf(b, s)
	u := surveystest.User(b, s, "bench@example.com", "admin")
	ds := sample.Generate(sample.Config{Respondents: responses, Outcomes: outcomes, Seed: 1, Start: fieldwork.DemoStart()})
	st, err := fw.LoadSample(ctx, u, ds)
	if err != nil {
		b.Fatal(err)
	}
	bs := &benchSurvey{store: fw, user: u, study: st, slug: *st.Slug}
	// Bodies from a separate draw, so the stored and submitted answers differ.
	fresh := sample.Generate(sample.Config{Respondents: 512, Outcomes: outcomes, Seed: 2})
	for _, r := range fresh.Responses {
		if r.Status != sample.StatusComplete || len(bs.bodies) == 256 {
			continue
		}
		answers := map[string]any{}
		for k, v := range r.Answers {
			answers[k] = v
		}
		ratings := map[string]any{}
		for i, o := range fresh.Outcomes {
			pair := map[string]int{}
			if v := r.Ratings[2*i]; v != 0 {
				pair["importance"] = int(v)
			}
			if v := r.Ratings[2*i+1]; v != 0 {
				pair["satisfaction"] = int(v)
			}
			ratings[o.Code] = pair
		}
		body, _ := json.Marshal(map[string]any{
			"submission_id": "00000000-0000-0000-0000-000000000000",
			"answers":       answers, "ratings": ratings, "complete": true,
			"forces": map[string]int{"push": int(r.Forces[0]), "pull": int(r.Forces[1]), "anxiety": int(r.Forces[2]), "habit": int(r.Forces[3])},
		})
		bs.bodies = append(bs.bodies, body)
	}
	return bs
}

// decodeLikeTheHandler decodes a body the way app.decode does.
func decodeLikeTheHandler(body []byte, in *fieldwork.Submission) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	return dec.Decode(in)
}

var zeroID = []byte("00000000-0000-0000-0000-000000000000")

// withNewID gives a body a fresh submission_id, as every respondent's browser does.
func withNewID(dst, body []byte) []byte {
	dst = append(dst[:0], body...)
	at := bytes.Index(dst, zeroID)
	copy(dst[at:], uuid.NewString())
	return dst
}

func BenchmarkDecodeSubmission(b *testing.B) {
	bs := newBenchSurvey(b, 0, 50)
	b.SetBytes(int64(len(bs.bodies[0])))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var in fieldwork.Submission
		if err := decodeLikeTheHandler(bs.bodies[i%len(bs.bodies)], &in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck is the dry run: decode and validate, no store.
func BenchmarkCheck(b *testing.B) {
	bs := newBenchSurvey(b, 0, 50)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var in fieldwork.Submission
		if err := decodeLikeTheHandler(bs.bodies[i%len(bs.bodies)], &in); err != nil {
			b.Fatal(err)
		}
		if err := bs.store.Check(ctx, bs.slug, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubmit stores complete 50-outcome responses from 64 concurrent
// respondents on SQLite, each returning only after its commit: decode,
// validate, quality flags and the group-committed write.
func BenchmarkSubmit(b *testing.B) {
	bs := newBenchSurvey(b, 2000, 50)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var buf []byte
		i := 0
		for pb.Next() {
			buf = withNewID(buf, bs.bodies[i%len(bs.bodies)])
			i++
			var in fieldwork.Submission
			if err := decodeLikeTheHandler(buf, &in); err != nil {
				b.Fatal(err)
			}
			if _, created, err := bs.store.Submit(ctx, bs.slug, in); err != nil || !created {
				b.Fatalf("submit: created=%v %v", created, err)
			}
		}
	})
}
