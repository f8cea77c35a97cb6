package export_test

import (
	"bytes"
	"slices"
	"testing"

	"odi/surveys/export"
	"odi/surveys/results"
)

// TestWeightingInWorkbookThroughLibreOffice: a weighted result says so on
// the Summary (how, and the effective n beside n), and the Responses sheet
// ends with each response's weight as a number.
func TestWeightingInWorkbookThroughLibreOffice(t *testing.T) {
	needLibreOffice(t)
	s := worked(t)
	in := s.input("team_size", true)
	opps := in.Opportunities
	opps.Weighted = true
	opps.Raking = &results.Raking{By: []string{"team_size"}, Converged: true, Iterations: 1, EffectiveN: 7.2, MaxWeight: 1.25, N: 9, Trimmed: 2}
	opps.Groups[0].EffectiveN = 7.2
	ex := in.export()
	rows := ex.Responses.Rows
	ex.Responses.Columns = append(ex.Responses.Columns, export.Column{Name: "weight", Kind: export.NumberColumn})
	ex.Responses.Rows = func(yield func([]string) error) error {
		return rows(func(r []string) error { return yield(append(r, "1.25")) })
	}
	var buf bytes.Buffer
	if err := export.Workbook(&buf, ex); err != nil {
		t.Fatal(err)
	}
	sheets := libreOfficeSheetsAs(t, buf.Bytes(), sofficeCSVShown)
	facts := map[string]string{}
	for _, r := range sheets["Summary"] {
		if len(r) > 1 {
			facts[r[0]] = r[1]
		}
	}
	if got := facts["Weighting"]; got != "raked to the population's shares of team_size; largest weight 1.25, 2 weights trimmed" {
		t.Errorf("Summary Weighting %q", got)
	}
	if got := facts["Effective n (weighted)"]; got != "7.2" || facts["Respondents in the results (n)"] != "9" {
		t.Errorf("Summary effective n %q, n %q", got, facts["Respondents in the results (n)"])
	}
	resp := sheets["Responses"]
	if h := resp[0]; h[len(h)-1] != "weight" || !slices.Contains(resp[1], "1.25") {
		t.Errorf("Responses header %q, first row %q", h, resp[1])
	}
	t.Logf("Summary: Weighting %q, effective n %q; Responses %q … %q", facts["Weighting"], facts["Effective n (weighted)"], resp[0][len(resp[0])-1], resp[1][len(resp[1])-1])
}
