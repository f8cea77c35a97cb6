package surveys

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"odi/surveys/problem"
)

// xlsxOf builds a workbook whose first sheet holds rows, placing each row's
// first cell at the given cell reference column.
func xlsxOf(t testing.TB, rows [][]string, col string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("%s%d", col, i+1), &vals); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzReadOutcomesFile feeds arbitrary CSV and XLSX files to the outcomes
// import. It must never panic, refuse only with a problem.Validation (a 422),
// and return at most MaxOutcomes rows, every cell trimmed.
func FuzzReadOutcomesFile(f *testing.F) {
	for _, seed := range []string{
		"statement,code,step\nMinimize the time it takes to find a decision,O01,Locate\n",
		"\xef\xbb\xbfStep;Statement\nDefine,Minimize x\n",
		"code,statement\n,\"quoted, with comma\"\n\n  \n",
		"statement\n\"<script>alert(1)</script>\"\n\u202eMinimize\u200b x\n",
		"statement\n\"unterminated\n",
		"statement,step\na\"b,c\n",
		"nothing useful\n",
		"",
	} {
		f.Add([]byte(seed), false)
	}
	f.Add(xlsxOf(f, [][]string{{"statement", "code", "step"}, {"Minimize the time it takes to plan", "O1", "Plan"}}, "A"), true)
	f.Add(xlsxOf(f, [][]string{{"code", "statement"}, {"", "Minimize x"}, {}, {"O9", "Reduce y"}}, "C"), true)
	f.Add([]byte("PK\x03\x04not a zip"), true)
	f.Fuzz(func(t *testing.T, data []byte, isXLSX bool) {
		rows, err := ReadOutcomesFile(data, isXLSX)
		if err != nil {
			var ve *problem.Validation
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("error is not a problem.Validation naming fields: %v", err)
			}
			return
		}
		if len(rows) > MaxOutcomes {
			t.Fatalf("%d rows, more than %d", len(rows), MaxOutcomes)
		}
		// A row may have no statement cell at all (a short row, or text only in
		// columns nobody named): the import then refuses it as "row N:
		// statement: is required", which names the row.
		for i, r := range rows {
			for _, c := range []*string{r.Statement, r.Code, r.Step} {
				if c != nil && strings.TrimSpace(*c) != *c {
					t.Fatalf("row %d: untrimmed cell %q", i, *c)
				}
			}
		}
	})
}

// TestWideXLSXIsRefusedCheaply is the regression test for a workbook of
// 110 KB with one cell in the last column on each of 20,000 rows, which used
// to allocate 22 GB and take most of a minute to read.
func TestWideXLSXIsRefusedCheaply(t *testing.T) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"statement"})
	for i := range 20000 {
		sw.SetRow(fmt.Sprintf("XFD%d", i+2), []any{"x"})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	f.WriteTo(&buf)
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = ReadOutcomesFile(buf.Bytes(), true)
	runtime.ReadMemStats(&after)
	var ve *problem.Validation
	if !errors.As(err, &ve) || !strings.Contains(ve.Fields["file"], "beyond column") {
		t.Fatalf("wide workbook: %v", err)
	}
	if used := after.TotalAlloc - before.TotalAlloc; used > 64<<20 {
		t.Fatalf("reading a %d-byte workbook allocated %d MB", buf.Len(), used>>20)
	}

	tall := [][]string{{"statement"}}
	for i := range MaxOutcomes + 5 {
		tall = append(tall, []string{fmt.Sprint("Minimize x ", i)})
	}
	_, err = ReadOutcomesFile(xlsxOf(t, tall, "A"), true)
	if !errors.As(err, &ve) || !strings.Contains(ve.Fields["file"], "at most 1000 outcomes") {
		t.Fatalf("tall workbook: %v", err)
	}
}
