package surveystest

import (
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
