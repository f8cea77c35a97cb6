package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"odi/surveys/results"
	"odi/surveys/sample"
)

// TestTypingToolAndSurveyInBrowser: on the Segments tab, a researcher
// discovers segments (the candidates table, and the comparison with
// discovery on principal components, one click away), fits a six-item typing tool of
// the saved segmentation, and creates its typing survey, which opens on its
// Fieldwork tab; a respondent answers the survey's one page, each outcome
// with the scales it asks. Screenshots of the tab and the survey at a
// phone's width and a laptop's.
func TestTypingToolAndSurveyInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	owner, _ := s.accounts.UserByEmail(t.Context(), "r@example.com")
	st, err := s.fieldwork.LoadSample(t.Context(), owner, sample.Generate(sample.Config{Respondents: 600, Seed: 3}))
	if err != nil {
		t.Fatal(err)
	}
	var d results.Discovery
	c.send("POST", fmt.Sprintf("/api/v1/studies/%d/segments/discover", st.ID), `{"k": 3}`).json(t, &d)
	members := map[string]int{}
	for i, sg := range d.Segments {
		for _, m := range sg.Members {
			members[m] = i
		}
	}
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/segmentations", st.ID),
		map[string]any{"key": "needs", "labels": []string{"Stop losing context", "Look organized to investors", "Ship faster as the team scales"}, "members": members}),
		http.StatusCreated)

	base := serve(t, s)
	b := browserTab{t, ctx}
	b.login(base, "r@example.com")
	b.load("segments tab", chromedp.Navigate(base+studyPath(st.ID, "segments")))
	b.load("discover", chromedp.Click(chromedp.CSS(`form[action$="/segments"] button.primary`)))
	if n := b.count("table.candidates tbody tr"); n != 5 {
		t.Fatalf("%d candidates listed, want 5", n)
	}
	b.load("segments tab", chromedp.Navigate(base+studyPath(st.ID, "segments")))
	b.must("six items", chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#items-needs`), "6")))
	b.load("fit", chromedp.Click(chromedp.CSS(`form[action$="/typing-tool"] button`)))
	if got := b.text("#typing-needs"); !strings.Contains(got, "Asks 6 ratings") {
		t.Fatalf("the typing tool says %q", got)
	}
	if n := b.count("#typing-needs table.items tbody tr"); n != 6 {
		t.Fatalf("%d items listed, want 6", n)
	}
	b.load("create the typing survey", chromedp.Click(chromedp.CSS(`form[action$="/typing-survey"] button`)))
	link, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#public-url`)))
	b.must("read the survey link", err)
	_, slug, ok := strings.Cut(link, "/s/")
	if !ok || !strings.Contains(b.text("main"), "short survey") {
		t.Fatalf("the typing survey's Fieldwork tab shows the link %q", link)
	}
	b.load("segments tab", chromedp.Navigate(base+studyPath(st.ID, "segments")))
	if n := b.count("ul.typing-surveys li"); n != 1 {
		t.Fatalf("%d typing surveys listed, want 1", n)
	}
	b.load("discover", chromedp.Click(chromedp.CSS(`form[action$="/segments"] button.primary`)))
	screenshots(t, ctx, "segments-typing")
	// The other solution, on principal components, one click away.
	b.load("show the components' solution", chromedp.Click(chromedp.CSS(`table.spaces form button`)))
	if got := b.text("#discovery h2"); !strings.Contains(got, "principal components") {
		t.Fatalf("after Show, the discovery says %q", got)
	}

	// The respondent's one page: six ratings, an outcome asking only
	// satisfaction keeps it under its heading on a wide screen.
	b.load("survey", chromedp.Navigate(base+"/s/"+slug))
	b.load("start", chromedp.Click(chromedp.CSS(`button.primary`)))
	if n := b.count(".it fieldset.sc"); n != 6 {
		t.Fatalf("the survey asks %d ratings, want 6", n)
	}
	screenshots(t, ctx, "typing-survey")
}
