package export_test

import (
	"io"
	"os"
	"strconv"
	"testing"

	"odi/surveys/export"
)

// BenchmarkWorkbook is the stakeholder workbook (no Responses sheet) of a
// large study: 100,000 responses, 100 outcomes, 5 segments. The workbook
// only sees the scores, so this measures the ranked sheets, the heat map and
// the chart.
func BenchmarkWorkbook(b *testing.B) {
	benchWorkbook(b, fromSample(100000, 100, 5).input("wave", false))
}

// BenchmarkWorkbookWithResponses is the researcher's workbook with every
// response streamed into the Responses sheet: 20,000 responses × 100
// outcomes (ODI_BENCH_RESPONSES overrides the count).
func BenchmarkWorkbookWithResponses(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("ODI_BENCH_RESPONSES")); err == nil && v > 0 {
		n = v
	}
	benchWorkbook(b, fromSample(n, 100, 5).input("wave", true))
}

func benchWorkbook(b *testing.B, in input) {
	ex := in.export()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := export.Workbook(io.Discard, ex); err != nil {
			b.Fatal(err)
		}
	}
}
