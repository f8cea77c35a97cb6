package app

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAvatarsInBrowser: a purchase decision-maker fills the survey in
// Chromium and meets only the outcomes asked of their role, on a phone and
// a laptop; the researcher's Results page compares the roles, saying what
// each was not asked.
func TestAvatarsInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	s := newTestServer(t)
	c := api(t, s, "r@example.com", "researcher")
	id, slug := avatarStudy(t, c)
	base := serve(t, s)
	browser := newBrowser(t)

	for _, width := range []int64{390, 1280} {
		tab, closeTab := chromedp.NewContext(newProfile(t, browser))
		b := &surveyTab{t: t, ctx: tab, width: width}
		b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(width, 800)))
		b.load("open link", chromedp.Navigate(base+"/s/"+slug))
		b.next()
		b.click(fmt.Sprintf(`input[name="q.role"][value=%q]`, roleBuyer))
		if width == 390 {
			screenshots(t, tab, "avatars-survey-role")
			b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(width, 800)))
		}
		b.next()
		var seen []string
		for page := 0; b.count(`.it`) > 0; page++ {
			shown := b.shown()
			seen = append(seen, shown...)
			if page == 1 {
				screenshotsAt(t, tab, "avatars-survey-buyer-page2", width)
				b.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(width, 800)))
			}
			b.fits("page of ratings")
			b.rate(shown)
			b.next()
		}
		if !strings.Contains(b.text("main"), "Thank you") {
			t.Fatalf("end page at %d px: %q", width, b.text("main"))
		}
		if !slices.Equal(seen, []string{"O01", "O03"}) {
			t.Errorf("the decision-maker saw %v at %d px, want O01 and O03", seen, width)
		}
		closeTab()
	}

	// An executor too, through the API, so both roles have a column.
	path := "/api/v1/s/" + slug + "/responses"
	wantStatus(t, c.send("POST", path, sub(true, map[string]any{"role": roleExec},
		map[string]any{"O01": map[string]int{"importance": 5, "satisfaction": 1}, "O02": map[string]int{"importance": 4, "satisfaction": 2}})), http.StatusCreated)

	tab, closeTab := chromedp.NewContext(newProfile(t, browser))
	defer closeTab()
	r := browserTab{t: t, ctx: tab}
	r.login(base, "r@example.com")
	r.load("results", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/results", base, id)))
	r.load("compare roles", chromedp.Click(css(`a[href$="segment_by=role#comparison"]`)))
	// O02 is asked of executors only, O03 of decision-makers only: each is
	// not asked of the three other roles.
	if n := r.count(`#comparison .not-asked`); n != 6 {
		t.Errorf("%d cells say not asked, want 6", n)
	}
	if !strings.Contains(r.text(`#comparison`), "n = 2") {
		t.Errorf("no n per cell: %s", r.text(`#comparison`))
	}
	screenshots(t, tab, "avatars-compare-roles")

	// The heat map alone, to read: a full page is too tall to see it.
	for _, w := range []int64{390, 1280} {
		r.must("viewport", chromedp.Do(tab, chromedp.EmulateViewport(w, 800)))
		png, err := chromedp.Run(tab, chromedp.Screenshot(css(`#comparison`)))
		r.must("screenshot the comparison", err)
		r.must("save the comparison", os.WriteFile(filepath.Join("..", "testout", fmt.Sprintf("avatars-comparison-%d.png", w)), png, 0o644))
	}

	// The editor of a draft: the role question form, and an outcome's boxes.
	draft := newStudy(t, c, "Avatars draft")
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/questions", draft), `{"template": "role"}`), http.StatusCreated)
	wantStatus(t, c.send("POST", fmt.Sprintf("/api/v1/studies/%d/outcomes", draft),
		map[string]any{"statement": "Minimize the time it takes to approve a purchase", "roles": []string{roleBuyer}}), http.StatusCreated)
	r.load("questions tab", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/questions", base, draft)))
	picked, err := chromedp.Run(tab, chromedp.Value(css(`#role_question`)))
	r.must("read the role question", err)
	if picked != "role" {
		t.Errorf("role question selected: %q", picked)
	}
	screenshots(t, tab, "avatars-questions-tab")
	r.load("outcomes tab", chromedp.Navigate(fmt.Sprintf("%s/studies/%d/outcomes", base, draft)))
	_, err = chromedp.Run(tab, chromedp.Evaluate[bool](`document.querySelector('details.o-edit').open = true`))
	r.must("open the edit form", err)
	if n := r.count(`fieldset.roles input[type=checkbox]`); n != 4 {
		t.Errorf("%d role boxes, want the 4 avatars", n)
	}
	screenshots(t, tab, "avatars-outcomes-tab")
}

func (b *surveyTab) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	b.must("count "+sel, err)
	return n
}
