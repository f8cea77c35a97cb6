package app

import (
	"fmt"
	"maps"
	"net/http"
	"testing"

	"odi/surveys"
	"odi/surveys/accounts"
)

// TestHardeningTemplateQuestionKeepsQuotas: quotas (and screen-outs) sent
// with a template question are stored; quotas the template cannot hold, and
// fields the template would replace, are a 422 naming the field, never
// dropped without a word.
func TestHardeningTemplateQuestionKeepsQuotas(t *testing.T) {
	s := parallelServer(t)
	c := api(t, s, "r@example.com", accounts.RoleResearcher)
	path := fmt.Sprintf("/api/v1/studies/%d/questions", newStudy(t, c, "Templates"))

	kept := []struct {
		body      string
		key       string
		quotas    map[string]int
		screenOut []string
	}{
		{`{"template": "role", "quotas": {"I do the job myself (job executor)": 200, "I decide what to buy (purchase decision-maker)": 50}}`,
			"role", map[string]int{"I do the job myself (job executor)": 200, "I decide what to buy (purchase decision-maker)": 50}, nil},
		{`{"template": "company_size", "quotas": {"1-9": 40, "250+": 0}, "screen_out": ["1-9"]}`,
			"company_size", map[string]int{"1-9": 40, "250+": 0}, []string{"1-9"}},
		{`{"template": "job_frequency", "key": "often", "quotas": {"Daily": 100}}`,
			"often", map[string]int{"Daily": 100}, nil},
	}
	for _, k := range kept {
		wantStatus(t, c.send("POST", path, k.body), http.StatusCreated)
	}
	var qs []surveys.Question
	c.send("GET", path, nil).json(t, &qs)
	sent, stored := 0, 0
	for i, k := range kept {
		if i >= len(qs) || qs[i].Key != k.key {
			t.Fatalf("questions %+v, want %s at %d", qs, k.key, i)
		}
		if !maps.Equal(qs[i].Quotas, k.quotas) {
			t.Errorf("%s: quotas %v stored, sent %v", k.key, qs[i].Quotas, k.quotas)
		}
		if len(qs[i].ScreenOut) != len(k.screenOut) || len(k.screenOut) > 0 && qs[i].ScreenOut[0] != k.screenOut[0] {
			t.Errorf("%s: screen_out %v stored, sent %v", k.key, qs[i].ScreenOut, k.screenOut)
		}
		sent, stored = sent+len(k.quotas), stored+len(qs[i].Quotas)
	}

	refused := []struct{ name, body, field, msg string }{
		{"quota of no option", `{"template": "role", "key": "role2", "quotas": {"CEO": 5}}`, "quotas", "not an option"},
		{"negative quota", `{"template": "company_size", "key": "size2", "quotas": {"1-9": -1}}`, "quotas[1-9]", ""},
		{"own wording", `{"template": "job_frequency", "key": "freq2", "text": "How often?"}`, "text", "comes from the template"},
		{"own options", `{"template": "company_size", "key": "size3", "options": ["small", "large"]}`, "options", "comes from the template"},
	}
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) { wantField(t, c.send("POST", path, r.body), r.field, r.msg) })
	}
	c.send("GET", path, nil).json(t, &qs)
	if len(qs) != len(kept) {
		t.Errorf("%d questions after the refused ones, want %d", len(qs), len(kept))
	}
	t.Logf("%d template questions with %d quotas posted, %d quotas stored; %d posts with bad quotas or template fields answered 422 naming the field",
		len(kept), sent, stored, len(refused))
}
