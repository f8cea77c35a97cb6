package fieldwork

import "testing"

func TestSecondPersonRewordsTheResearchersFirstPerson(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pick up where I left off", "pick up where you left off"},
		{"brief my team on what changed", "brief your team on what changed"},
		{"I need to find what we decided", "You need to find what you decided"},
		{"I'm back from leave", "You're back from leave"},
		{"I’ve been away for a week", "You’ve been away for a week"},
		{"know what I'd missed and what I'll need", "know what you'd missed and what you'll need"},
		{"I am the last to know", "You are the last to know"},
		{"when I was away, nobody told me", "when you were away, nobody told you"},
		{"the notes are mine, not the team's", "the notes are yours, not the team's"},
		{"remind myself what I promised", "remind yourself what you promised"},
		{"My manager asks. I answer", "Your manager asks. You answer"},
		{"hand over a task; I am off", "hand over a task; you are off"},
		{"I, am I?", "You, am you?"}, // "am" follows "I" only across spaces
		{"ME patients and my MY-project", "ME patients and your MY-project"},
		{"items, timing, myth, mining, Maya", "items, timing, myth, mining, Maya"},
		// In the survey's voice "we" would be the researchers: the job is the respondent's team's.
		{"put our work into a shared workspace", "put your work into a shared workspace"},
		{"We're slower since we grew; it's ours to fix for us and ourselves", "You're slower since you grew; it's yours to fix for you and yourselves"},
		{"", ""},
		{"  I  ", "  You  "},
	}
	for _, tt := range tests {
		if got := SecondPerson(tt.in); got != tt.want {
			t.Errorf("SecondPerson(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
