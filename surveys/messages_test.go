package surveys

import "testing"

// A French study starts with the default job steps: each must have its
// French name, or the respondent sees an English page title.
func TestDefaultStepsHaveFrench(t *testing.T) {
	for _, step := range defaultSteps {
		if Default("fr", step) == step {
			t.Errorf("no French for the default step %q", step)
		}
	}
}
