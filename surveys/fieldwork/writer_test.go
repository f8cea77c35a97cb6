package fieldwork

import (
	"encoding/json"
	"testing"
)

// A row's answers are stored as encoding/json writes them, whether
// stringsJSON takes its short way or not: a cache or export reading them
// back sees the same text as before.
func TestStringsJSONIsJSONMarshal(t *testing.T) {
	for _, m := range []map[string]string{
		nil,
		{},
		{"role": "pm"},
		{"uses_slack": "yes", "company_size": "51-200", "role": "engineer", "a": ""},
		{"q": `say "hi"`},
		{"q": `back\slash`},
		{"q": "<b>&amp;</b>"},
		{"q": "line\nbreak\ttab"},
		{"q": "café"},
		{"q": "\u2028"},
		{"q": "bad \xff utf-8"},
		{"q": "del \x7f"},
		{"ключ": "значение"},
	} {
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := stringsJSON(m); got != string(want) {
			t.Errorf("stringsJSON(%q) = %s, json.Marshal gives %s", m, got, want)
		}
	}
}
