package fieldwork

import (
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"odi/surveys"
	"odi/surveys/surveystest"
)

// parseWide reads a CSV file as an import does, without the database.
func parseWide(d *surveys.Design, data io.Reader) ([]surveys.Response, []fileSays, error) {
	var rows []surveys.Response
	p, err := parseResponses(d, newCSVSource(data), ImportOptions{}, func(chunk []surveys.Response, _ bool) ([]string, error) {
		rows = append(rows, chunk...)
		return nil, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, p.said, nil
}

// cleaningHeader is the start of a responses file with the cleaning and the
// times, for fuzzDesign's study.
const cleaningHeader = "respondent_id,status,excluded,flags,started_at,finished_at,O1_imp\n"

func TestImportReadsTimesAndExclusions(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	for _, tc := range []struct {
		name              string
		row               string
		says              fileSays
		started, finished time.Time // zero: the moment of the import
		inProgress, timed bool
	}{
		{"timed and out", "r,complete,1,speeding,2026-01-05T09:00:00Z,2026-01-05T09:04:30.5Z,5",
			saysOut, at("2026-01-05T09:00:00Z"), at("2026-01-05T09:04:30.5Z"), false, true},
		{"an offset is read in UTC", "r,complete,0,,2026-01-05T10:00:00+01:00,2026-01-05T10:10:00+01:00,5",
			saysIn, at("2026-01-05T09:00:00Z"), at("2026-01-05T09:10:00Z"), false, true},
		{"in progress has no finish", "r,in_progress,0,,2026-01-05T09:00:00Z,,5",
			saysIn, at("2026-01-05T09:00:00Z"), time.Time{}, true, false},
		{"a start alone is no completion time", "r,complete,,,2026-01-05T09:00:00Z,,5",
			saysNothing, at("2026-01-05T09:00:00Z"), at("2026-01-05T09:00:00Z"), false, false},
		{"a finish alone is no completion time", "r,screened_out,,,,2026-01-05T09:00:00Z,",
			saysNothing, at("2026-01-05T09:00:00Z"), at("2026-01-05T09:00:00Z"), false, false},
		{"no times: the moment of the import", "r,complete,,duplicate,,,5",
			saysNothing, time.Time{}, time.Time{}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, said, err := parseWide(fuzzDesign(), strings.NewReader(cleaningHeader+tc.row+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			r := rows[0]
			if said[0] != tc.says {
				t.Errorf("excluded read as %v, want %v", said[0], tc.says)
			}
			if !tc.started.IsZero() && !r.StartedAt.Equal(tc.started) {
				t.Errorf("started %v, want %v", r.StartedAt, tc.started)
			}
			switch {
			case tc.inProgress:
				if r.FinishedAt != nil {
					t.Errorf("in progress, finished %v", r.FinishedAt)
				}
			case r.FinishedAt == nil:
				t.Fatal("no finish")
			case !tc.finished.IsZero() && !r.FinishedAt.Equal(tc.finished):
				t.Errorf("finished %v, want %v", r.FinishedAt, tc.finished)
			case tc.started.IsZero() && !r.FinishedAt.Equal(r.StartedAt):
				t.Errorf("without times: started %v finished %v, want the same moment", r.StartedAt, r.FinishedAt)
			}
			// Timed means what speeding reads (results' scored.duration).
			if timed := r.FinishedAt != nil && r.FinishedAt.After(r.StartedAt); timed != tc.timed {
				t.Errorf("timed %v, want %v", timed, tc.timed)
			}
		})
	}
}

func TestImportWithoutTheCleaningColumnsSaysNothing(t *testing.T) {
	rows, said, err := parseWide(fuzzDesign(), strings.NewReader("respondent_id,status,O1_imp\nr1,complete,5\nr2,in_progress,3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if said != nil || len(rows) != 2 || rows[0].FinishedAt == nil || !rows[0].FinishedAt.Equal(rows[0].StartedAt) || rows[1].FinishedAt != nil {
		t.Errorf("said %v, rows %+v", said, rows)
	}
}

func TestImportNamesEveryBadCleaningCell(t *testing.T) {
	file := cleaningHeader +
		"a,complete,yes,,2026-01-05T09:00:00Z,2026-01-05T09:05:00Z,5\n" + // row 2
		"b,complete,0,,yesterday,2026-13-05 09:05:00,5\n" + // row 3
		"c,complete,1,,2026-01-05T09:05:00Z,2026-01-05T09:00:00Z,5\n" + // row 4
		"d,in_progress,0,,2026-01-05T09:00:00Z,2026-01-05T09:05:00Z,5\n" + // row 5
		"e,complete,1,anything at all,2026-01-05T09:00:00Z,2026-01-05T09:05:00Z,5\n" + // fine: flags are only read as information
		"f,complete,0,,0001-01-01T00:00:00Z,,5\n" // row 7
	_, _, err := parseWide(fuzzDesign(), strings.NewReader(file))
	fields := surveystest.Fields(t, err)
	want := map[string]string{
		"row 2, excluded":    "must be 1",
		"row 3, started_at":  "such as 2026-01-05T09:30:00Z",
		"row 3, finished_at": "such as 2026-01-05T09:30:00Z",
		"row 4, finished_at": "is before started_at",
		"row 5, finished_at": "must be empty for a response in progress",
		"row 7, started_at":  "since 1970",
	}
	if got := slices.Sorted(maps.Keys(fields)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
		t.Fatalf("bad cells %q, want %q", got, slices.Sorted(maps.Keys(want)))
	}
	for k, v := range want {
		if !strings.Contains(fields[k], v) {
			t.Errorf("%s: %q, want …%s…", k, fields[k], v)
		}
	}
}
