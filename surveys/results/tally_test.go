package results

import (
	"maps"
	"testing"

	"odi/surveys/score"
)

// TestMergedTallyKeepsItsRoles: a respondent in one group is tallied once
// and the tally merged into the group and into all respondents
// (Opportunities); the role counts that tell an outcome not asked of a group
// from one asked and left unrated must come along.
func TestMergedTallyKeepsItsRoles(t *testing.T) {
	group, sole := &groupTally{t: score.NewTallies(2)}, &groupTally{t: score.NewTallies(2)}
	group.countRole("executor")
	sole.countRole("executor")
	sole.countRole("buyer")
	group.merge(sole)
	if want := map[string]int{"executor": 2, "buyer": 1}; !maps.Equal(group.roles, want) {
		t.Errorf("roles %v, want %v", group.roles, want)
	}
}
