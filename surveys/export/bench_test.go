package export_test

import (
	"io"
	"os"
	"strconv"
	"testing"

	"odi/surveys/export"

	"github.com/xuri/excelize/v2"
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

// BenchmarkBareStreamWriter writes only the Responses sheet's cells of
// BenchmarkWorkbookWithResponses with excelize's StreamWriter, numbers as
// numbers: the floor the full workbook is held to, at most twice its time.
func BenchmarkBareStreamWriter(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("ODI_BENCH_RESPONSES")); err == nil && v > 0 {
		n = v
	}
	s := fromSample(n, 100, 5)
	cols := s.design.WideColumns()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		cells := make([]any, len(cols))
		for i, c := range cols {
			cells[i] = c.Name
		}
		if err := sw.SetRow("A1", cells); err != nil {
			b.Fatal(err)
		}
		row := 2
		err = s.rows()(func(r []string) error {
			for i, v := range r {
				cells[i] = v
				if cols[i].Kind != export.TextColumn {
					if x, err := strconv.ParseFloat(v, 64); err == nil {
						cells[i] = x
					}
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			row++
			return sw.SetRow(cell, cells)
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
