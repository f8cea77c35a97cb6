package fieldwork

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"odi/surveys"
	"odi/surveys/problem"
)

// fuzzDesign is a fixed study with one question of every kind, outcome slots
// out of code order (as after deletions) and the four forces.
func fuzzDesign() *surveys.Design {
	lo, hi := 1.0, 500.0
	return &surveys.Design{
		Study: surveys.Study{ID: 1, Name: "Fuzz", FourForces: true},
		Outcomes: []surveys.Outcome{
			{Code: "O1", Slot: 0}, {Code: "O2", Slot: 3}, {Code: "O10", Slot: 1},
		},
		Questions: []surveys.Question{
			{Key: "size", Kind: surveys.KindSingle, Options: []string{"small", "large", "<b>huge</b>"}},
			{Key: "tools", Kind: surveys.KindMulti, Options: []string{"Slack", "Notion", "Jira"}},
			{Key: "seats", Kind: surveys.KindNumber, MinValue: &lo, MaxValue: &hi},
			{Key: "nps", Kind: surveys.KindNPS},
			{Key: "note", Kind: surveys.KindText},
		},
	}
}

// FuzzParseWide feeds arbitrary files to the responses import. It must never
// panic; it refuses with a problem.Validation (a 422 naming the cell) or returns
// rows that are all valid; and exporting what it returned and importing that
// again gives the same responses, times and exclusions.
func FuzzParseWide(f *testing.F) {
	for _, seed := range []string{
		"respondent_id,status,size,tools,seats,nps,note,O1_imp,O1_sat,O10_imp,O10_sat,O2_imp,O2_sat,push,pull,anxiety,habit\n" +
			"r1,complete,small,Slack;Jira,12,9,fine,5,1,4,2,3,3,7,6,2,1\n" +
			"r2,in_progress,,,,,,1,,,,,,,,,\n" +
			"r3,screened_out,large,,,,,,,,,,,,,,\n",
		"\xef\xbb\xbfrespondent_id,status,O1_imp\nr1,complete,5\n",
		"status,respondent_id,note\ncomplete,\"a,b\",\"line one\nline two\"\n",
		"respondent_id,status,note\nr1,complete,\"<script>alert(1)</script>\u202e\u200b\"\n",
		"respondent_id,status,seats,nps\nr1,complete,1e2,1e1\nr2,complete,0x10, 7 \n",
		"respondent_id,status,tools\nr1,complete,Slack;Slack;Notion\n",
		"respondent_id,status\nr1,complete\nr1,complete\n",
		"respondent_id,status,O1_imp\nr1,complete,6\n",
		"respondent_id,status,O3_imp\n",
		"respondent_id,status,status\nr1,complete,complete\n",
		"respondent_id,status\n\"unterminated,complete\n",
		"respondent_id,status\nr1\n",
		"respondent_id,status,excluded,flags,started_at,finished_at,O1_imp\n" +
			"r1,complete,1,speeding;duplicate,2026-01-05T09:00:00Z,2026-01-05T09:01:30.25Z,5\n" +
			"r2,in_progress,0,,2026-01-05T10:00:00+02:00,,3\n" +
			"r3,complete,,,,2026-01-06T09:00:00Z,\n",
		"respondent_id,status,excluded,started_at,finished_at\nr1,complete,yes,yesterday,2026-01-05T09:00:00Z\n" +
			"r2,complete,0,2026-01-05T09:00:00Z,2026-01-05T08:00:00Z\nr3,in_progress,1,,2026-01-05T09:00:00Z\n" +
			"r4,complete,1,0001-01-01T00:00:00Z,\n",
		"",
		"\n",
	} {
		f.Add([]byte(seed))
	}
	d := fuzzDesign()
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, said, err := parseWide(d, bytes.NewReader(data))
		if err != nil {
			var ve *problem.Validation
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("error is not a problem.Validation naming fields: %v", err)
			}
			return
		}
		checkParsedRows(t, d, rows)

		// Export what was read and read it again.
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		var header []string
		for _, c := range d.WideColumns() {
			header = append(header, c.Name)
		}
		w.Write(header)
		byCode := surveys.ByCode(d.Outcomes)
		var row []string
		for i := range rows {
			rows[i].Excluded = said != nil && said[i] == saysOut
			row = d.WideRow(&rows[i], byCode, row)
			w.Write(row)
		}
		w.Flush()
		again, saidAgain, err := parseWide(d, &buf)
		if err != nil {
			t.Fatalf("export of an accepted file is refused: %v\n%q", err, buf.String())
		}
		if len(again) != len(rows) {
			t.Fatalf("round trip: %d rows, want %d", len(again), len(rows))
		}
		for i := range rows {
			a, b := rows[i], again[i]
			if a.RespondentID != b.RespondentID || a.Status != b.Status || !bytes.Equal(a.Ratings, b.Ratings) ||
				!bytes.Equal(a.Forces, b.Forces) || !mapsEqual(a.Answers, b.Answers) || !a.StartedAt.Equal(b.StartedAt) ||
				(a.FinishedAt == nil) != (b.FinishedAt == nil) || a.FinishedAt != nil && !a.FinishedAt.Equal(*b.FinishedAt) {
				t.Fatalf("round trip of row %d:\n%+v\n%+v", i, a, b)
			}
			// Written out, an empty cell becomes the 0 of a row in the results.
			if want := map[bool]fileSays{false: saysIn, true: saysOut}[a.Excluded]; saidAgain[i] != want {
				t.Fatalf("round trip of row %d: excluded %v read back as %v", i, a.Excluded, saidAgain[i])
			}
		}
	})
}

func checkParsedRows(t *testing.T, d *surveys.Design, rows []surveys.Response) {
	t.Helper()
	if len(rows) == 0 {
		t.Fatal("accepted a file with no rows")
	}
	nSlots := 0
	for _, o := range d.Outcomes {
		nSlots = max(nSlots, o.Slot+1)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if r.RespondentID == "" || seen[r.RespondentID] || len(r.RespondentID) > 200 {
			t.Fatalf("respondent id %q empty, repeated or too long", r.RespondentID)
		}
		seen[r.RespondentID] = true
		if r.Status != surveys.Complete && r.Status != surveys.InProgress && r.Status != surveys.ScreenedOut {
			t.Fatalf("status %q", r.Status)
		}
		if (r.Status == surveys.InProgress) != (r.FinishedAt == nil) {
			t.Fatalf("status %s with finished_at %v", r.Status, r.FinishedAt)
		}
		if r.FinishedAt != nil && r.FinishedAt.Before(r.StartedAt) {
			t.Fatalf("finished %v before started %v", r.FinishedAt, r.StartedAt)
		}
		if r.Source != surveys.SourceImport {
			t.Fatalf("source %q", r.Source)
		}
		if len(r.Ratings) != 2*nSlots {
			t.Fatalf("ratings vector of %d bytes, want %d", len(r.Ratings), 2*nSlots)
		}
		for _, v := range r.Ratings {
			if v > 5 {
				t.Fatalf("rating %d", v)
			}
		}
		if len(r.Forces) != 0 && len(r.Forces) != 4 {
			t.Fatalf("forces %v", r.Forces)
		}
		for _, v := range r.Forces {
			if v > 10 {
				t.Fatalf("force %d", v)
			}
		}
		for key, v := range r.Answers {
			i := slices.IndexFunc(d.Questions, func(q surveys.Question) bool { return q.Key == key })
			if i < 0 {
				t.Fatalf("answer to unknown question %q", key)
			}
			if v == "" {
				t.Fatalf("empty answer stored for %s", key)
			}
			// What was stored is itself a valid answer, stored unchanged.
			if again, msg := answer(d.Questions[i], Text(v)); msg != "" || again != v {
				t.Fatalf("%s: stored %q, which answers %q %q", key, v, again, msg)
			}
			if d.Questions[i].Kind != surveys.KindText && !utf8.ValidString(v) {
				t.Fatalf("%s: invalid UTF-8 %q", key, v)
			}
			if strings.TrimSpace(v) != v {
				t.Fatalf("%s: untrimmed %q", key, v)
			}
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
