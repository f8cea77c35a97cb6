package programme

import (
	"slices"
	"strings"
	"testing"

	"odi/surveys/results"
)

// studyOf builds a study from "keys/segment" entries: keys
// comma-separated ("panel:P1,email:a@x"), segment an index into the
// study's two segments, s1 high and s2 not, or -1.
func studyOf(entries ...string) (StudyView, [][]string) {
	st := StudyView{Linkable: results.Linkable{Segments: []results.SegmentOpportunity{{Label: "High", High: true}, {Label: "Low"}}}}
	var keys [][]string
	for _, e := range entries {
		ks, seg, _ := strings.Cut(e, "/")
		i := map[string]int{"0": 0, "1": 1, "-1": -1}[seg]
		st.Respondents = append(st.Respondents, results.LinkedRespondent{Segment: i})
		var k []string
		if ks != "" {
			k = strings.Split(ks, ",")
		}
		keys = append(keys, k)
	}
	return st, keys
}

func TestLinkJoinsPeopleByAnySharedID(t *testing.T) {
	for _, tc := range []struct {
		name    string
		studies [][]string
		want    []string // per person: link id, then per study "-", "H" or "L" or "?" (answered, no segment)
	}{
		{"panel ids", [][]string{{"panel:P1/0", "panel:P2/1"}, {"panel:P1/0", "panel:P3/0"}},
			[]string{"panel:P1 H H"}},
		{"an e-mail invitation with a panel id joins both", [][]string{{"email:a@x/0"}, {"panel:P9/1"}, {"email:a@x,panel:P9/0"}},
			[]string{"panel:P9 H L H"}},
		{"twice in one study counts once, high if either", [][]string{{"panel:P1/1", "panel:P1/0"}, {"panel:P1/-1"}},
			[]string{"panel:P1 H ?"}},
		{"no id links nobody", [][]string{{"/0"}, {"/0"}}, nil},
		{"one study each is nobody linked", [][]string{{"panel:P1/0"}, {"panel:P2/0"}}, nil},
		{"most high studies first", [][]string{{"panel:P2/1", "email:b@x/0"}, {"panel:P2/1", "email:b@x/0"}},
			[]string{"email:b@x H H", "panel:P2 L L"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var studies []StudyView
			var keys [][][]string
			for _, entries := range tc.studies {
				st, k := studyOf(entries...)
				studies, keys = append(studies, st), append(keys, k)
			}
			var got []string
			for _, p := range link(studies, keys) {
				row := []string{p.LinkID}
				for _, a := range p.Answers {
					switch {
					case a == nil:
						row = append(row, "-")
					case a.Segment == "":
						row = append(row, "?")
					case a.High:
						row = append(row, "H")
					default:
						row = append(row, "L")
					}
				}
				got = append(got, strings.Join(row, " "))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("people %q, want %q", got, tc.want)
			}
		})
	}
}
