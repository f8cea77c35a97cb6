package surveystest

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Workbook is an XLSX file whose first sheet holds rows from A1 down, as a
// researcher's spreadsheet would hand them to an import.
func Workbook(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err == nil {
			err = f.SetSheetRow("Sheet1", cell, &row)
		}
		if err != nil {
			t.Fatalf("workbook row %d: %v", i+1, err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatalf("write workbook: %v", err)
	}
	return buf.Bytes()
}

// OpenWorkbook reads a workbook file, closed when the test ends.
func OpenWorkbook(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// CSVWorkbook is the CSV file text saved as a workbook, every cell as text,
// as a researcher who opened an export in a spreadsheet would save it.
func CSVWorkbook(t testing.TB, text string) []byte {
	t.Helper()
	recs := CSV(t, text)
	rows := make([][]any, len(recs))
	for i, rec := range recs {
		rows[i] = make([]any, len(rec))
		for j, v := range rec {
			rows[i][j] = v
		}
	}
	return Workbook(t, rows...)
}

// CSV is the records of a CSV file, every row as long as the header; the
// test fails where the file is not that.
func CSV(t testing.TB, text string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	return recs
}
