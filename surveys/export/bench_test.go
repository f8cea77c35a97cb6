package export_test

import (
	"io"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

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
// response streamed into the Responses sheet: benchResponses() responses ×
// 100 outcomes, the same cells as BenchmarkBareStreamWriter's.
func BenchmarkWorkbookWithResponses(b *testing.B) {
	benchWorkbook(b, fromSample(benchResponses(), 100, 5).input("wave", true))
}

func benchWorkbook(b *testing.B, in input) {
	ex := in.export()
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for b.Loop() {
		if err := export.Workbook(io.Discard, ex); err != nil {
			b.Fatal(err)
		}
	}
}

// benchResponses is how many responses the Responses sheet benchmarks
// write: 20,000, or ODI_BENCH_RESPONSES (README's Performance section runs
// them at 100,000).
func benchResponses() int {
	if v, err := strconv.Atoi(os.Getenv("ODI_BENCH_RESPONSES")); err == nil && v > 0 {
		return v
	}
	return 20000
}

// reportCPU adds the process's CPU time per op (user and system, every
// goroutine: the compressors' and the collector's too) to a benchmark's
// report, run deferred. On a machine shared with other work the wall time
// of one op varies twofold while the CPU it takes does not.
func reportCPU(b *testing.B) func() {
	start := cpuTime(b)
	return func() { b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBareStreamWriter writes only the Responses sheet's cells of
// BenchmarkWorkbookWithResponses with excelize's StreamWriter, at its
// default settings, numbers as numbers: the floor the full workbook is held
// to, at most twice its time.
func BenchmarkBareStreamWriter(b *testing.B) {
	s := fromSample(benchResponses(), 100, 5)
	cols := s.design.WideColumns()
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
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
