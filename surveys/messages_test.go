package surveys

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// A French study starts with the default job steps: each must have its
// French name, or the respondent sees an English page title.
func TestDefaultStepsHaveFrench(t *testing.T) {
	for _, step := range defaultSteps {
		if Default("fr", step) == step {
			t.Errorf("no French for the default step %q", step)
		}
	}
}

// TestCataloguesSayTheSame: every language's catalogue has each key of the
// English one, with the same placeholders in the same order, so a
// respondent never meets an English sentence or a broken "%!d(MISSING)" in
// a translated survey. The step titles are keyed by the step's name in each
// language, so only their number is compared.
func TestCataloguesSayTheSame(t *testing.T) {
	verbs := regexp.MustCompile(`%[a-z]`)
	en := Messages["en"]
	if len(Messages) < 2 || len(en) == 0 {
		t.Fatalf("catalogues read: %d, English keys: %d", len(Messages), len(en))
	}
	steps := func(m map[string]string) (n int) {
		for k := range m {
			if strings.HasPrefix(k, "step.") {
				n++
			}
		}
		return n
	}
	for lang, m := range Messages {
		for k, v := range en {
			if strings.HasPrefix(k, "step.") {
				continue
			}
			got, ok := m[k]
			switch {
			case !ok:
				t.Errorf("%s has no %q", lang, k)
			case !slices.Equal(verbs.FindAllString(got, -1), verbs.FindAllString(v, -1)):
				t.Errorf("%s %q = %q: placeholders differ from %q", lang, k, got, v)
			}
		}
		if len(m) != len(en) || steps(m) != len(defaultSteps) {
			t.Errorf("%s has %d keys (%d step titles), English %d (%d steps)", lang, len(m), steps(m), len(en), len(defaultSteps))
		}
	}
}
