package fieldwork

import "testing"

func TestStepTitle(t *testing.T) {
	tests := []struct {
		lang, name, title, want string
	}{
		{"en", "Define", "", "Getting ready"},
		{"en", "Conclude", "", "Wrapping up"},
		{"fr", "Définir", "", "Se préparer"},
		{"fr", "Define", "", "Se préparer"}, // a default step stored in English
		{"fr", "Localiser", "", "Trouver ce qu'il faut"},
		{"en", "Hand over", "", "Hand over"}, // the researcher's own step: its name
		{"en", "Define", "Before you begin", "Before you begin"},
		{"de", "Define", "", "Getting ready"}, // no German: English, as every message
	}
	for _, tt := range tests {
		if got := StepTitle(tt.lang, tt.name, tt.title); got != tt.want {
			t.Errorf("StepTitle(%q, %q, %q) = %q, want %q", tt.lang, tt.name, tt.title, got, tt.want)
		}
	}
}
