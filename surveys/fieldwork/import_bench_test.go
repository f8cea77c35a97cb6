package fieldwork_test

import (
	"bytes"
	"context"
	"testing"

	"odi/surveys/export"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// BenchmarkImportResponses100kx100 imports a wide CSV of 100,000 complete or
// partial responses to 100 outcomes into an empty copy of the study, as
// POST .../responses/import does: parse, check every cell, insert in one
// transaction. The target is under 20 s. Run it once:
//
//	go test -run '^$' -bench ImportResponses100k -benchtime 1x ./surveys/fieldwork/
func BenchmarkImportResponses100kx100(b *testing.B) {
	surveystest.Long(b, "builds a 100,000-response study first")
	ctx := context.Background()
	s := surveystest.SQLite(b)
	fw := fieldworkOf(b, s)
	u := surveystest.User(b, s, "bench@example.com", "admin")
	st, err := fw.LoadSample(ctx, u, sample.Generate(sample.Config{Respondents: 100000, Outcomes: 100, Seed: 1, Start: fieldwork.DemoStart()}))
	if err != nil {
		b.Fatal(err)
	}
	wide, err := results.New(s).WideResponses(ctx, surveystest.Design(b, s, u, st.ID))
	if err != nil {
		b.Fatal(err)
	}
	var csv bytes.Buffer
	if err := export.ResponsesCSV(&csv, wide); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(csv.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		draft, err := s.Duplicate(ctx, u, surveystest.Design(b, s, u, st.ID))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := fw.ImportResponses(ctx, surveystest.Design(b, s, u, draft.ID), bytes.NewReader(csv.Bytes()), fieldwork.ImportOptions{})
		if err != nil || rep.Imported != 100000 {
			b.Fatalf("imported %+v: %v", rep, err)
		}
	}
}
