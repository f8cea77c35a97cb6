package fieldwork

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"odi/surveys"
)

// megabyte is the default --body-limit: the most a respondent can send.
const megabyte = 1 << 20

// repeated is a JSON list of item, as many as fit a body of about a megabyte.
func repeated(item string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(item+",", megabyte/(len(item)+1)-8), ",") + "]"
}

// manyKeys is a JSON object of n made-up keys k000, k001…, each holding value.
func manyKeys(n int, value string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"k%03d":%s`, i, value)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// TestHardeningSubmissionBounds: every list and map a respondent sends is
// bounded by the survey, whatever its size, and a refusal names the field
// in a few words rather than echoing what was sent.
func TestHardeningSubmissionBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want map[string]string // field -> part of its message; nil = accepted
	}{
		{"order of every outcome", `{"order":["O1","O02","O01"]}`, nil},
		{"order of some outcomes", `{"order":["O02"]}`, nil},
		{"order of a megabyte of one code", `{"order":` + repeated(`"O01"`) + `}`,
			map[string]string{"order": "; this survey has 3 outcomes"}},
		{"order repeating a code", `{"order":["O01","O01"]}`, map[string]string{"order": `"O01" appears more than once`}},
		{"order naming an unknown code", `{"order":["O01","O99"]}`, map[string]string{"order": `"O99" is not an outcome of this survey`}},
		{"order of a long unknown code", `{"order":["` + strings.Repeat("O", 5000) + `"]}`, map[string]string{"order": `…" is not an outcome`}},

		{"multi-choice repeating an option", `{"answers":{"tools":["Slack","Slack"]}}`, nil},
		{"multi-choice of more picks than options", `{"answers":{"tools":["Slack","Jira","Slack"]}}`,
			map[string]string{"answers.tools": "must pick at most 2 options"}},
		{"multi-choice of a megabyte of picks", `{"answers":{"tools":` + repeated(`"Slack"`) + `}}`,
			map[string]string{"answers.tools": "must pick at most 2 options"}},
		{"multi-choice as text of too many picks", `{"answers":{"tools":"Slack;Jira;Slack"}}`,
			map[string]string{"answers.tools": "must pick at most 2 options"}},
		{"multi-choice of something else", `{"answers":{"tools":["Slack","Email"]}}`,
			map[string]string{"answers.tools": `"Email" is not one of the options`}},
		{"multi-choice of numbers", `{"answers":{"tools":[1,2]}}`, map[string]string{"answers.tools": "must be a list of options"}},
		{"single choice of a megabyte", `{"answers":{"company_size":"` + strings.Repeat("x", megabyte-100) + `"}}`,
			map[string]string{"answers.company_size": `…" is not one of the options`}},

		{"one unknown question", `{"answers":{"gone":1}}`, map[string]string{"answers.gone": "is not a question of this survey"}},
		{"three unknown outcomes", `{"ratings":{"O97":{},"O98":{},"O99":{}}}`, map[string]string{
			"ratings.O97": "is not an outcome", "ratings.O98": "is not an outcome", "ratings.O99": "is not an outcome"}},
		{"170 unknown questions", `{"answers":` + manyKeys(170, "1") + `}`,
			map[string]string{"answers": `keys that are not questions of this survey: "k000", "k001", "k002" and 167 more`}},
		{"85,000 unknown outcomes", `{"ratings":` + manyKeys(85_000, "{}") + `}`,
			map[string]string{"ratings": `keys that are not outcomes of this survey: "k000", "k001", "k002" and 84997 more`}},
		{"an unknown outcome too long to name", `{"ratings":{"` + strings.Repeat("O", 1000) + `":{}}}`,
			map[string]string{"ratings": `keys that are not outcomes of this survey: "OOOO`}},
		{"an unknown key holding a control character", `{"answers":{"a\nb":1}}`,
			map[string]string{"answers": `keys that are not questions of this survey: "a\nb"`}},
		{"unknown forces", `{"forces":{"push":3,"greed":1,"envy":2,"pride":3,"sloth":4}}`,
			map[string]string{"forces": `keys that are not forces (use push, pull, anxiety and habit): "envy", "greed", "pride" and 1 more`}},

		{"NUL in a text answer", `{"answers":{"note":"a\u0000b"}}`, map[string]string{"answers.note": "NUL"}},
		{"NUL in an option", `{"answers":{"company_size":"1-9\u0000"}}`, map[string]string{"answers.company_size": "NUL"}},
		{"NUL in a pick", `{"answers":{"tools":["Slack","Jira\u0000"]}}`, map[string]string{"answers.tools": "NUL"}},
		{"NUL in a number as text", `{"answers":{"seats":"12\u0000"}}`, map[string]string{"answers.seats": "NUL"}},

		{"nested lists as a text answer", `{"answers":{"note":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}`,
			map[string]string{"answers.note": "must be text"}},
		{"the first attention check as a number", `{"attention":2}`, nil},
		{"both attention checks as a list", `{"attention":[2,4]}`, nil},
		{"the second attention check alone", `{"attention":[null,2]}`, nil},
		{"more attention checks than asked", `{"attention":[2,2,2]}`,
			map[string]string{"attention": "lists 3 ratings; this survey asks 2 attention checks"}},
		{"a megabyte of numbers as the attention checks", `{"attention":` + repeated("1") + `}`,
			map[string]string{"attention": "lists more than 4 ratings; this survey asks 2 attention checks"}},
		{"an attention check as text", `{"attention":[2,"2"]}`, map[string]string{"attention": "check 2 must be a whole number from 1 to 5"}},
		{"an attention check nested in a list", `{"attention":[[2]]}`, map[string]string{"attention": "check 1 must be a whole number from 1 to 5"}},
		{"a megabyte of numbers as a force", `{"forces":{"push":` + repeated("1") + `}}`,
			map[string]string{"forces.push": "must be a whole number from 1 to 10"}},
		{"a number too large to hold", `{"answers":{"seats":1e999}}`, map[string]string{"answers.seats": "must be a number"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := decodeSubmission([]byte(tc.body))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			fields := testForm().apply(&in, &surveys.Response{})
			if !slices.Equal(slices.Sorted(maps.Keys(fields)), slices.Sorted(maps.Keys(tc.want))) {
				t.Fatalf("named %d fields (%.300v), want %v", len(fields), fields, tc.want)
			}
			for f, part := range tc.want {
				if !strings.Contains(fields[f], part) {
					t.Errorf("%s: %q, want it to contain %q", f, fields[f], part)
				}
				if len(f)+len(fields[f]) > 200 {
					t.Errorf("%s: %d bytes of message, echoing what was sent", f, len(f)+len(fields[f]))
				}
			}
		})
	}
}

// TestHardeningSubmissionDecodeIsBounded: decoding the worst megabyte a
// respondent can send, then checking it, allocates a small multiple of it
// however it nests or repeats. Decoding an answer into `any` built a tree of
// up to fifty times the body; a value of any shape now costs what reading
// the body costs, and a flood of made-up keys (each one a map entry) about
// twenty times it.
func TestHardeningSubmissionDecodeIsBounded(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		most       uint64 // bytes allocated
	}{
		{"numbers as an answer", `{"answers":{"seats":` + repeated("1") + `}}`, 8 * megabyte},
		{"empty lists as an answer", `{"answers":{"note":` + repeated("[]") + `}}`, 8 * megabyte},
		{"empty objects as the attention check", `{"attention":` + repeated("{}") + `}`, 8 * megabyte},
		{"picks of a multi-choice", `{"answers":{"tools":` + repeated(`"Slack"`) + `}}`, 8 * megabyte},
		{"lists nested 9,990 deep", `{"answers":{"note":` + strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + `}}`, 8 * megabyte},
		{"order of one code", `{"order":` + repeated(`"O01"`) + `}`, 24 * megabyte},
		{"unknown questions", `{"answers":` + manyKeys(95_000, "1") + `}`, 24 * megabyte},
		{"unknown outcomes", `{"ratings":` + manyKeys(85_000, "{}") + `}`, 24 * megabyte},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		in, err := decodeSubmission([]byte(tc.body))
		fields := testForm().apply(&in, &surveys.Response{})
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%-36s %7d bytes: decoded and checked in %4dms, %5.1f MB allocated (decode error %v, %d fields named)",
			tc.name, len(tc.body), took.Milliseconds(), float64(alloc)/megabyte, err, len(fields))
		if alloc > tc.most {
			t.Errorf("%s: %.1f MB allocated for %d bytes, want at most %d MB", tc.name, float64(alloc)/megabyte, len(tc.body), tc.most/megabyte)
		}
	}
}
