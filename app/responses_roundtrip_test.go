package app

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// cleanedSample is the sample study, on a server of its own, with what the
// cleaning acts on planted: the generator's straight-liners and speeders
// (timed, as respondents on the link are), a duplicate by panel id, a
// straight-liner the researcher takes back in and two clean responses they
// leave out. It answers the researcher's client, the study, how many
// responses are out of the results (counted from the plantings) and the
// study's responses.csv.
func cleanedSample(t *testing.T) (c *client, id int64, excluded int, file string) {
	t.Helper()
	s := newTestServer(t)
	c = api(t, s, "r@example.com", "researcher")
	st, ds := loadSample(t, s, "r@example.com", sample.Config{Respondents: 600, Seed: 11, Start: fieldwork.DemoStart()})
	var planted, clean []string
	for _, r := range ds.Responses {
		switch {
		case r.Status != sample.StatusComplete:
		case len(r.Flags) > 0:
			planted = append(planted, r.ID)
		default:
			clean = append(clean, r.ID)
		}
	}
	if len(planted) < 20 {
		t.Fatalf("only %d planted straight-liners and speeders", len(planted))
	}
	// The second of two completes with one panel id is a duplicate. Two
	// came with a URL field, one of them with a value to escape in CSV,
	// and one was stopped by a full quota.
	wantStatus(t, c.send("PATCH", fmt.Sprintf("/api/v1/studies/%d", st.ID), `{"url_fields": ["src"]}`), http.StatusOK)
	for _, id := range clean[:2] {
		setColumn(t, s, st.ID, id, "external_id", "panel-7")
	}
	setColumn(t, s, st.ID, clean[4], "url_fields", `{"src":"mail"}`)
	setColumn(t, s, st.ID, clean[5], "url_fields", `{"src":"a, \"b\""}`)
	setColumn(t, s, st.ID, clean[6], "status", surveys.QuotaFull)
	base := fmt.Sprintf("/api/v1/studies/%d/responses/exclusions", st.ID)
	wantStatus(t, c.send("POST", base, map[string]any{"respondent_ids": planted[:1], "excluded": false}), http.StatusOK)
	wantStatus(t, c.send("POST", base, map[string]any{"respondent_ids": clean[2:4], "excluded": true}), http.StatusOK)
	raw := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", st.ID), nil)
	wantStatus(t, raw, http.StatusOK)
	// Out: the planted, the duplicate and the two left out, but the one taken back.
	return c, st.ID, len(planted) + 1 + 2 - 1, raw.body
}

// setColumn writes one column of a stored response, with a new seq as every
// write of a response takes, so that the results' cache sees it.
func setColumn(t *testing.T, s *Server, studyID int64, respondent, column string, value any) {
	t.Helper()
	db := s.store.DB()
	var seq int64
	if err := db.Raw("SELECT MAX(seq) + 1 FROM responses WHERE study_id = ?", studyID).Scan(&seq).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&surveys.Response{}).Where("study_id = ? AND respondent_id = ?", studyID, respondent).
		Updates(map[string]any{column: value, "seq": seq}).Error; err != nil {
		t.Fatal(err)
	}
}

// importIntoCopy duplicates a study and imports file into the copy.
func importIntoCopy(t *testing.T, c *client, id int64, file string) int64 {
	t.Helper()
	var cp surveys.Study
	dup := c.send("POST", fmt.Sprintf("/api/v1/studies/%d/duplicate", id), nil)
	wantStatus(t, dup, http.StatusCreated)
	dup.json(t, &cp)
	wantStatus(t, c.do("POST", fmt.Sprintf("/api/v1/studies/%d/responses/import", cp.ID), "text/csv", file), http.StatusCreated)
	return cp.ID
}

// groupsOf are the opportunities' groups as the API answers them, every field.
func groupsOf(t *testing.T, c *client, id int64, query string) []any {
	t.Helper()
	var o map[string]any
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/opportunities%s", id, query), nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &o)
	return o["groups"].([]any)
}

func fieldworkOf(t *testing.T, c *client, id int64) fieldwork.Summary {
	t.Helper()
	var fw fieldwork.Summary
	c.send("GET", fmt.Sprintf("/api/v1/studies/%d/fieldwork", id), nil).json(t, &fw)
	return fw
}

// TestResponsesRoundTripKeepsTheCleaning exports responses.csv of a study
// with planted low quality and the researcher's decisions, imports it into a
// copy of the study, and the copy's opportunities are the original's, every
// field of every group, overall and by segment, the excluded counts
// included: the copy works out straight-lining and speeding again from the
// ratings and times, and the file's excluded column becomes a decision
// where its rule says otherwise (the researcher's three decisions). The
// file carries the panel ids, so the copy flags the same duplicate, and the
// URL fields and the quota_full status come back as they were.
func TestResponsesRoundTripKeepsTheCleaning(t *testing.T) {
	t.Parallel()
	c, id, excluded, file := cleanedSample(t)
	cp := importIntoCopy(t, c, id, file)

	for _, q := range []string{"", "?segment_by=company_size", "?segment_by=role"} {
		orig, copied := groupsOf(t, c, id, q), groupsOf(t, c, cp, q)
		if !reflect.DeepEqual(orig, copied) {
			t.Errorf("opportunities%s of the copy differ from the original's:\n got  %.600v\n want %.600v", q, copied, orig)
		}
		if q == "" && orig[0].(map[string]any)["excluded"] != float64(excluded) {
			t.Errorf("all respondents: excluded %v, want %d (planted, the duplicate and the decisions)", orig[0].(map[string]any)["excluded"], excluded)
		}
	}

	before, after := fieldworkOf(t, c, id), fieldworkOf(t, c, cp)
	for _, f := range []string{surveys.FlagStraightLining, surveys.FlagSpeeding} {
		if after.Flags[f] != before.Flags[f] || before.Flags[f] == 0 {
			t.Errorf("%s: %d in the copy, %d in the original", f, after.Flags[f], before.Flags[f])
		}
	}
	switch {
	case before.Flags[surveys.FlagDuplicate] != 1 || after.Flags[surveys.FlagDuplicate] != 1:
		t.Errorf("duplicates: %d in the original, %d in the copy; want 1 and 1 (the panel id comes along)",
			before.Flags[surveys.FlagDuplicate], after.Flags[surveys.FlagDuplicate])
	case before.Counts[surveys.QuotaFull] != 1 || after.Counts[surveys.QuotaFull] != 1:
		t.Errorf("quota full: %d in the original, %d in the copy, want 1 and 1", before.Counts[surveys.QuotaFull], after.Counts[surveys.QuotaFull])
	case after.Counts["excluded"] != excluded || before.Counts["excluded"] != excluded:
		t.Errorf("excluded: %d in the original, %d in the copy, want %d", before.Counts["excluded"], after.Counts["excluded"], excluded)
	case before.ExcludedByDecision != 2 || after.ExcludedByDecision != 2 || after.ExcludedByRule != before.ExcludedByRule:
		t.Errorf("by decision %d, by rule %d in the original; %d and %d in the copy; want the same",
			before.ExcludedByDecision, before.ExcludedByRule, after.ExcludedByDecision, after.ExcludedByRule)
	case after.MedianSeconds != before.MedianSeconds || !reflect.DeepEqual(after.PerDay, before.PerDay):
		t.Errorf("times: median %v s and %d days in the copy, %v s and %d days in the original",
			after.MedianSeconds, len(after.PerDay), before.MedianSeconds, len(before.PerDay))
	}
	// Exported again, the file is the one imported, line for line.
	again := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", cp), nil).body
	if again != file {
		a, b := strings.Split(again, "\n"), strings.Split(file, "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("line %d of the copy's responses.csv:\n %.160q\nwas imported as\n %.160q", i+1, a[i], b[i])
				break
			}
		}
		t.Errorf("the copy's responses.csv (%d lines) is not the file imported (%d lines)", len(a), len(b))
	}
	for _, want := range []string{"panel_id,src,", ",panel-7,", `,"a, ""b""",`, ",mail,", "," + surveys.QuotaFull + ","} {
		if !strings.Contains(file, want) {
			t.Errorf("responses.csv lacks %q", want)
		}
	}
	t.Logf("%d responses, %d excluded (%d by the rule, %d by decision; in the copy %d and %d); straight-lining %d, speeding %d, median %.0f s: "+
		"the copy's opportunities equal the original's overall and by company_size and role, and its responses.csv is the file imported",
		before.Started, excluded, before.ExcludedByRule, before.ExcludedByDecision, after.ExcludedByRule, after.ExcludedByDecision,
		before.Flags[surveys.FlagStraightLining], before.Flags[surveys.FlagSpeeding], before.MedianSeconds)
}

// TestResponsesFileWithoutTheCleaningStillImports: a responses.csv written
// before it carried excluded, flags and the times imports as it did. Its
// rows have no times, so none is speeding; straight-lining is worked out
// from the ratings and the study's rule leaves those out.
func TestResponsesFileWithoutTheCleaningStillImports(t *testing.T) {
	t.Parallel()
	c, id, _, file := cleanedSample(t)
	recs := surveystest.CSV(t, file)
	var old strings.Builder
	w := csv.NewWriter(&old)
	for _, rec := range recs {
		w.Write(slices.Delete(rec, 2, 8)) // excluded, flags, started_at, finished_at, panel_id, src
	}
	w.Flush()
	if !strings.HasPrefix(old.String(), "respondent_id,status,uses_slack,") {
		t.Fatalf("the old file starts %.60q", old.String())
	}
	cp := importIntoCopy(t, c, id, old.String())

	before, after := fieldworkOf(t, c, id), fieldworkOf(t, c, cp)
	straight := before.Flags[surveys.FlagStraightLining]
	if after.Started != before.Started || after.Flags[surveys.FlagStraightLining] != straight || after.Flags[surveys.FlagSpeeding] != 0 ||
		after.MedianSeconds != 0 || after.Counts["excluded"] != straight || after.ExcludedByDecision != 0 {
		t.Errorf("copy: %d responses, straight-lining %d, speeding %d, median %v s, excluded %d (%d by decision); want %d, %d, 0, 0, %d, 0",
			after.Started, after.Flags[surveys.FlagStraightLining], after.Flags[surveys.FlagSpeeding], after.MedianSeconds,
			after.Counts["excluded"], after.ExcludedByDecision, before.Started, straight, straight)
	}
	if all := groupsOf(t, c, cp, "")[0].(map[string]any); all["excluded"] != float64(straight) {
		t.Errorf("the copy's opportunities exclude %v, want the %d straight-liners", all["excluded"], straight)
	}
	t.Logf("a file without the cleaning columns: %d responses imported, %d straight-liners flagged and left out, none speeding (no times)",
		after.Started, straight)
}
