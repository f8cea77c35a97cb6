package app

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"odi/surveys/surveystest"
)

var exportTeamSize = `{"key": "team_size", "text": "Team size", "kind": "single", "options": ["small", "large"], "segment": true}`

const exportWorkedOutcomes = "statement,code\nMinimize the time to find a decision,O01\nMinimize the effort to onboard someone,O02\nMinimize the chance of losing a spec,O03\nReduce the cost of answering again,O04\n"

// exportWorkedStudy is the worked example of docs/scoring.md imported through
// the API.
func exportWorkedStudy(t *testing.T, c *client) int64 {
	t.Helper()
	return goldenStudy(t, c, []string{exportTeamSize}, exportWorkedOutcomes, readTestdata(t, "worked-example.csv"))
}

func readXLSX(t *testing.T, r reply) *excelize.File {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != xlsxType {
		t.Fatalf("content type %q", ct)
	}
	return surveystest.OpenWorkbook(t, []byte(r.body))
}

func TestWorkbookExportMatchesTheOpportunitiesAPI(t *testing.T) {
	s, c := researcherServer(t)
	id := exportWorkedStudy(t, c)
	base := fmt.Sprintf("/api/v1/studies/%d", id)

	opps := opportunitiesOf(t, c, base+"/opportunities?segment_by=team_size")
	r := c.send("GET", base+"/export.xlsx?segment_by=team_size", nil)
	f := readXLSX(t, r)
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="golden-opportunities.xlsx"` {
		t.Errorf("content disposition %q", cd)
	}
	want := []string{"Summary", "Opportunities", "small", "large", "Segment comparison", "Landscape", "Outcomes", "Responses", "Quality"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	for i, sheet := range []string{"Opportunities", "small", "large"} {
		g := opps.Groups[i]
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0][:9], []string{"Rank", "Code", "Step", "Outcome", "Importance", "Satisfaction", "Opportunity", "Class", "n"}) {
			t.Errorf("%s header %q", sheet, rows[0])
		}
		if len(g.Outcomes) != 4 {
			t.Fatalf("%s: %d outcomes from the API", sheet, len(g.Outcomes))
		}
		for j, o := range g.Outcomes {
			row := rows[j+1]
			got := []string{row[0], row[1], row[3], row[7], row[8]}
			if w := []string{strconv.Itoa(o.Rank), o.Code, o.Statement, o.Class, strconv.Itoa(o.N)}; !slices.Equal(got, w) {
				t.Errorf("%s row %d: %q, want %q", sheet, j+2, got, w)
			}
			for col, v := range map[int]float64{4: o.Importance, 5: o.Satisfaction, 6: o.Opportunity, 13: o.MeanImportance, 15: o.Gap} {
				if x, _ := strconv.ParseFloat(row[col], 64); x != v {
					t.Errorf("%s row %d col %d: %s, want %v", sheet, j+2, col+1, row[col], v)
				}
			}
		}
	}
	// The worked example of docs/scoring.md: all respondents, O04 first at 17.78.
	if v, _ := f.GetCellValue("Opportunities", "G2"); v != "17.8" {
		t.Errorf("O04 opportunity shows %q, want 17.8", v)
	}
	if v, _ := f.GetCellValue("Opportunities", "B2"); v != "O04" {
		t.Errorf("rank 1 is %q, want O04", v)
	}
	resp, _ := f.GetRows("Responses")
	if len(resp) != 11 || resp[1][0] != "r01" || resp[10][1] != "in_progress" {
		t.Errorf("Responses sheet: %d rows, %q", len(resp), resp[:2])
	}

	// Errors come before any byte of the file.
	wantField(t, c.send("GET", base+"/export.xlsx?segment_by=nothing", nil), "segment_by", "not a profile question")
	wantStatus(t, c.send("GET", "/api/v1/studies/9999/export.xlsx", nil), http.StatusNotFound)
	other := api(t, s, "other@example.com", "researcher")
	wantStatus(t, other.send("GET", base+"/export.xlsx", nil), http.StatusNotFound)
	wantStatus(t, newClient(t, s).send("GET", base+"/export.xlsx", nil), http.StatusUnauthorized)
}

func TestRankedCSVExport(t *testing.T) {
	_, c := researcherServer(t)
	id := exportWorkedStudy(t, c)
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities.csv?segment_by=team_size", id), nil)
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if !strings.HasPrefix(r.body, "\ufeff") {
		t.Fatal("no byte order mark")
	}
	recs := surveystest.CSV(t, strings.TrimPrefix(r.body, "\ufeff"))
	if len(recs) != 13 || recs[0][0] != "Group" || recs[0][1] != "Rank" {
		t.Fatalf("%d rows, header %q", len(recs), recs[0])
	}
	if recs[1][0] != "All respondents" || recs[1][2] != "O04" || recs[5][0] != "small" || recs[9][0] != "large" {
		t.Errorf("rows %q", recs[1:])
	}
	if v, _ := strconv.ParseFloat(recs[1][7], 64); v < 17.77 || v > 17.78 {
		t.Errorf("O04 opportunity %s", recs[1][7])
	}
}
