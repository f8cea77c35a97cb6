package app

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// seedOutcomes is a "Stop losing context" study mapped onto five job
// steps: the first twelve go in through the add boxes, the rest by CSV. One
// names a solution, as a first draft often does, so the lint shows.
var seedOutcomes = []struct{ step, statement string }{
	{"Define", "Minimize the time it takes to start a new conversation thread"},
	{"Define", "Minimize the effort it takes to decide where new work should be written down"},
	{"Define", "Minimize the time it takes to agree what the team needs to keep on record"},
	{"Locate", "Minimize the time it takes to see who owns a task"},
	{"Locate", "Minimize the time it takes to find a past decision in Slack or email"}, // lints: names solutions
	{"Locate", "Minimize the time it takes to trace why a trade-off was made"},
	{"Locate", "Minimize the time it takes to verify the source of a metric"},
	{"Prepare", "Minimize the time it takes to bring a new teammate up to speed"},
	{"Prepare", "Minimize the time it takes to prepare a board update"},
	{"Prepare", "Minimize the effort it takes to plan the work of a sprint"},
	{"Prepare", "Minimize the likelihood of working from an outdated spec"},
	{"Prepare", "Minimize the likelihood that an investor sees conflicting numbers"},
	{"Prepare", "Minimize the likelihood that two people work on the same task"},
	{"Execute", "Minimize the number of times you answer the same question in a week"},
	{"Execute", "Minimize the effort it takes to send a quick message to a teammate"},
	{"Execute", "Minimize the effort it takes to show the current state of key metrics"},
	{"Execute", "Minimize the time it takes to explain the roadmap to an outsider"},
	{"Execute", "Minimize the time it takes to link a task to the change that completes it"},
	{"Execute", "Minimize the effort it takes to share a file with a teammate"},
	{"Execute", "Minimize the effort it takes to hand over context to a teammate"},
	{"Execute", "Minimize the effort it takes to summarise progress for an investor update"},
	{"Execute", "Minimize the likelihood of missing a deadline without warning"},
	{"Execute", "Minimize the effort it takes to archive a finished project"},
	{"Monitor", "Minimize the likelihood that context is lost when a conversation moves to private messages"},
	{"Monitor", "Minimize the time it takes to spot a blocked teammate"},
	{"Monitor", "Minimize the number of meetings needed to know what everyone is doing"},
	{"Monitor", "Minimize the time spent setting context at the start of a board meeting"},
	{"Monitor", "Minimize the effort it takes to update a decision the team relies on"},
	{"Monitor", "Minimize the effort it takes to change priorities in the middle of a sprint"},
	{"Monitor", "Minimize the likelihood that the board questions how a decision was reached"},
}

// typedByHand is how many of seedOutcomes go in through the add boxes.
const typedByHand = 12

func TestStudyEditorInBrowser(t *testing.T) {
	b, s, _, base := researcherBrowser(t)

	b.load("new study", chromedp.Click(css(`a[href="/studies/new"]`)))
	b.must("new study", chromedp.Do(b.ctx,
		chromedp.SendKeys(css(`#name`), "Stop losing context"),
		chromedp.SendKeys(css(`#when`), "the team grows past 10 people and Slack starts losing context"),
		chromedp.SendKeys(css(`#want`), "put our work into a shared workspace"),
		chromedp.SendKeys(css(`#so_that`), "stop being the person who answers the same question three times a week"),
	))
	want := "When the team grows past 10 people and Slack starts losing context, I want to put our work into a shared workspace, so I can stop being the person who answers the same question three times a week."
	if got := b.text(`#job-sentence`); got != want {
		t.Fatalf("live sentence: %q", got)
	}
	b.load("create study", chromedp.Submit(css(`#so_that`)))

	// Job tab: who is asked and the four forces, saved with the form.
	b.must("job tab", chromedp.Do(b.ctx,
		chromedp.Click(css(`input[name=role][value="job executor"]`)),
		chromedp.SendKeys(css(`#market_size`), "250,000"),
		chromedp.Click(css(`#four_forces`)),
		chromedp.WaitVisible(css(`#push`)),
	))
	b.load("save job", chromedp.Submit(css(`#market_size`)))
	if got := b.text(`#notice`); got != "Saved." {
		t.Errorf("after saving the job tab says %q, want Saved.", got)
	}
	if b.count(`#four_forces:checked`) != 1 || b.count(`input[value="job executor"]:checked`) != 1 {
		t.Fatal("job tab did not keep four forces and the role")
	}
	if got := b.text(`.sentence`); !strings.Contains(got, want) {
		t.Fatalf("saved sentence: %q", got)
	}
	screenshots(t, b.ctx, "editor-job")

	// Outcomes: keep five steps, type twelve outcomes, import the rest.
	b.load("outcomes tab", chromedp.Click(css(`nav.tabs a[href$="/outcomes"]`)))
	for _, step := range []string{"Confirm", "Modify", "Conclude"} {
		sel := `section.step:has(input[name=step][value="` + step + `"]) details.step-edit`
		b.must("open step "+step, chromedp.Do(b.ctx, chromedp.Click(css(sel+` summary`))))
		b.load("delete step "+step, chromedp.Click(css(sel+` button.danger`)))
		// The button asks first, on a page of its own.
		if step == "Confirm" {
			if got := b.text(`h1`); got != "Delete step “Confirm”?" {
				t.Fatalf("delete asks %q", got)
			}
			screenshots(t, b.ctx, "confirm-delete")
		}
		b.load("confirm delete step "+step, chromedp.Click(css(`.confirm button.danger-fill`)))
	}
	if got := b.text(`#notice`); got != "Deleted." {
		t.Errorf("after deleting a step the tab says %q", got)
	}
	if n := b.count(`section.step`); n != 5 {
		t.Fatalf("%d steps, want 5", n)
	}
	box := func(step string) string {
		return `form.add-box:has(input[name=step][value="` + step + `"]) textarea`
	}
	// The add box lints as you type; the draft is dropped when the next
	// outcome is added and the page loads again.
	b.must("lint as you type", chromedp.Do(b.ctx,
		chromedp.SendKeys(css(box("Monitor")), "Find past decisions in Slack"),
		chromedp.WaitVisible(css(`.add-box .lint-live ul.lint li`)),
	))
	if got := b.text(`.add-box .lint-live ul.lint`); !strings.Contains(got, "no_direction") || !strings.Contains(got, "solution") {
		t.Fatalf("lint while typing: %q", got)
	}
	// Pasted rather than typed key by key, which would cost a second each.
	for _, o := range seedOutcomes[:typedByHand] {
		b.load("add "+o.statement, chromedp.SetValue(css(box(o.step)), o.statement), chromedp.Submit(css(box(o.step))))
	}
	if n := b.count(`li.outcome`); n != typedByHand {
		t.Fatalf("%d outcomes after typing, want %d", n, typedByHand)
	}
	csv := "statement,step\n"
	for _, o := range seedOutcomes[typedByHand:] {
		csv += fmt.Sprintf("%q,%s\n", o.statement, o.step)
	}
	file := filepath.Join(t.TempDir(), "outcomes.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	// A file with two bad rows: nothing imported, both summarised at the
	// top, each linking to its line beside the form.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("statement,step\n,Define\nMinimize the time it takes to x,Nowhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.must("choose bad file", chromedp.Do(b.ctx, chromedp.SetUploadFiles(css(`#file`), []string{bad})))
	b.must("import bad file", chromedp.Do(b.ctx, chromedp.Submit(css(`#file`)), chromedp.WaitVisible(css(`#import-summary`))))
	if n := b.count(`#import-summary a[href^="#import-err-"]`); n != 2 || b.count(`#file-err li[id^="import-err-"]`) != 2 {
		t.Fatalf("the error summary links %d rows, want 2", n)
	}
	screenshots(t, b.ctx, "outcomes-import-errors")
	// The address the refused file left is reloadable.
	b.load("reload after a refused file", chromedp.Navigate(base+"/studies/1/outcomes/import"))
	b.must("choose file", chromedp.Do(b.ctx, chromedp.SetUploadFiles(css(`#file`), []string{file})))
	b.load("import", chromedp.Submit(css(`#file`)))
	if n := b.count(`li.outcome`); n != len(seedOutcomes) {
		t.Fatalf("%d outcomes after the import, want %d", n, len(seedOutcomes))
	}
	if got, want := b.text(`#notice`), fmt.Sprintf("Imported %d outcomes", len(seedOutcomes)-typedByHand); !strings.HasPrefix(got, want) {
		t.Errorf("after the import the tab says %q, want %q", got, want)
	}
	if got := b.text(`.foot`); !strings.Contains(got, "30 outcomes") {
		t.Fatalf("footer: %q", got)
	}
	if got := b.text(`#o-5 ul.lint`); !strings.Contains(got, "solution") {
		t.Fatalf("lint of O05: %q", got)
	}
	// Up/down buttons reorder without JavaScript's help.
	b.load("move O02 up", chromedp.Click(css(`#o-2 button[title="Move up"]`)))
	if got := b.text(`li.outcome .code`); got != "O02" {
		t.Fatalf("first outcome after moving O02 up: %s", got)
	}
	// Drag O03 by its grip onto the top of Locate: the drop saves through the
	// API and the page loads again with it there.
	b.load("drag O03 into Locate", chromedp.DragAndDrop(css(`#o-3 .grip`),
		css(`section.step:has(input[name=step][value="Locate"]) li.outcome .code`)))
	if got := b.text(`section.step:has(input[name=step][value="Locate"]) li.outcome .code`); got != "O03" {
		t.Fatalf("first outcome of Locate after the drag: %s", got)
	}
	b.must("draft", chromedp.Do(b.ctx,
		chromedp.SendKeys(css(box("Monitor")), "Minimize the time it takes to notice a stale decision"),
		chromedp.WaitVisible(css(`.add-box .lint-live .parts`)),
	))
	screenshots(t, b.ctx, "editor-outcomes")

	// Questions: a screener, a segment from the template, and a banded number.
	b.load("questions tab", chromedp.Click(css(`nav.tabs a[href$="/questions"]`)))
	b.must("screener", chromedp.Do(b.ctx,
		chromedp.SendKeys(css(`#q-key`), "uses_slack"),
		chromedp.SendKeys(css(`#q-text`), "Does your team use Slack today?"),
		chromedp.SendKeys(css(`#q-options`), "Yes\nNo"),
		chromedp.SendKeys(css(`#q-screen`), "No"),
		chromedp.Click(css(`input[name=required]`)),
	))
	b.load("add screener", chromedp.Submit(css(`#q-key`)))
	b.load("company size template", chromedp.Click(css(`button[name=template][value=company_size]`)))
	b.must("number question", chromedp.Do(b.ctx,
		chromedp.SendKeys(css(`#q-key`), "team_size"),
		chromedp.SendKeys(css(`#q-text`), "How many people are on your team?"),
		chromedp.SendKeys(css(`#q-kind`), "Number"),
		chromedp.SendKeys(css(`#q-min`), "1"),
		chromedp.SendKeys(css(`#q-max`), "10000"),
		chromedp.SendKeys(css(`#q-bands`), "small: 1-9\nmid: 10-49\nlarge: 50-10000"),
		chromedp.Click(css(`input[name=segment]`)),
	))
	b.load("add number question", chromedp.Submit(css(`#q-key`)))
	if got := b.text(`#q-uses_slack`); !strings.Contains(got, "screener") || !strings.Contains(got, "Screens out: No") {
		t.Fatalf("screener row: %q", got)
	}
	if got := b.text(`#q-company_size`); !strings.Contains(got, "segment") {
		t.Fatalf("segment row: %q", got)
	}
	if got := b.text(`#q-team_size`); !strings.Contains(got, "large: 50–10000") {
		t.Fatalf("number row: %q", got)
	}
	// The number question moves above company size with its ↑ button.
	b.load("move team size up", chromedp.Click(css(`#q-team_size button[title="Move up"]`)))
	order, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.questions tbody tr')].map(r => r.id)`))
	if err != nil || strings.Join(order, " ") != "q-uses_slack q-team_size q-company_size" {
		t.Fatalf("questions after moving team_size up: %v (%v)", order, err)
	}
	screenshots(t, b.ctx, "editor-questions")

	// The Preview tab shows the respondent's pages under a banner, and keeps
	// nothing of what is clicked through.
	b.load("preview", chromedp.Click(css(`nav.tabs a[href$="/preview"]`)))
	if loc, err := chromedp.Run(b.ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/studies/1/preview") {
		t.Fatalf("preview link went to %q (%v)", loc, err)
	}
	if got := b.text(`.banner`); !strings.Contains(got, "Preview — nothing you enter here is stored.") {
		t.Fatalf("preview banner: %q", got)
	}
	if got := b.text(`.welcome h1`); got != "Stop losing context" {
		t.Fatalf("preview welcome title: %q", got)
	}
	// Next checks required answers as the live survey does: the screener's
	// page and the profile page, left empty, come back with the error
	// summary naming their one required question, then pass once answered.
	next := func() int {
		t.Helper()
		resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(css(`#survey button[name=go][value=next]`)))
		b.must("preview: next", err)
		return int(resp.Status)
	}
	refused := 0
	for page := 0; b.count(`#survey .grid`) == 0; page++ {
		if page == 6 {
			t.Fatal("no page of outcomes after 6 pages of the preview")
		}
		if next() != http.StatusUnprocessableEntity {
			continue
		}
		if n := b.count(`#errors li a`); n != 1 {
			t.Fatalf("a preview page lists %d unanswered questions, want its 1 required one", n)
		}
		if refused++; refused == 1 {
			screenshots(t, b.ctx, "preview-required")
		}
		_, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const seen = {};
			document.querySelectorAll('#survey input[type=radio]').forEach(i => { if (!seen[i.name]) { seen[i.name] = 1; i.checked = true; } });
			return true; })()`))
		b.must("answer the required questions", err)
	}
	if refused != 2 {
		t.Fatalf("the preview refused %d pages, want the screener's and the profile page", refused)
	}
	// Outcomes come in an order shuffled within the step; whichever is first
	// is asked about in the job's words.
	stmt := b.text(`#survey .it .st`)
	if !slices.ContainsFunc(seedOutcomes[:2], func(o struct{ step, statement string }) bool { return o.statement == stmt }) {
		t.Fatalf("first outcome of the preview %q is not one of Define's (O01, O02)", stmt)
	}
	first, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#survey .it legend .vh").textContent`))
	b.must("first outcome question", err)
	if want := "When you put your work into a shared workspace, how important is it to you that you are able to m" + stmt[1:] + "?"; first != want {
		t.Fatalf("first outcome question in the preview:\n%q\nwant\n%q", first, want)
	}
	b.must("rate in the preview", chromedp.Do(b.ctx, chromedp.Click(css(`#survey .it .sc label`))))
	if status := next(); status != http.StatusUnprocessableEntity || b.count(`#errors li a`) == 0 {
		t.Fatalf("a page of outcomes with one rating: %d, %d errors listed", status, b.count(`#errors li a`))
	}
	if n := countResponses(t, s); n != 0 {
		t.Fatalf("the preview stored %d responses", n)
	}

	b.load("back to the study", chromedp.Navigate(base+"/studies/1"))
	b.load("publish", chromedp.Click(css(`.lifecycle button.primary`)))
	// O05 names solutions, so publishing first lists the warnings.
	if got := b.text(`#publish-check`); !strings.Contains(got, "O05") || !strings.Contains(got, "solution") ||
		!strings.Contains(got, "Screened by “Does your team use Slack today?”") || !strings.Contains(got, "No quotas") {
		t.Fatalf("publish check: %q", got)
	}
	screenshots(t, b.ctx, "publish-check")
	b.load("publish anyway", chromedp.Click(css(`#publish-check button.primary`)))
	b.must("copy button", chromedp.Do(b.ctx, chromedp.WaitVisible(css(`button[data-copy]`))))
	link, err := chromedp.Run(b.ctx, chromedp.Value(css(`#public-url`)))
	b.must("public link", err)
	if !strings.HasPrefix(link, "http://odi.test/s/") || b.text(`.study-head .chip`) != "open" {
		t.Fatalf("after publish: link %q, status %q", link, b.text(`.study-head .chip`))
	}
	if n := b.count(`#when:disabled`); n != 1 {
		t.Fatal("the job statement is still editable after publishing")
	}

	// A typo found after publishing is fixed in place, and the Fieldwork tab
	// says what respondents read before.
	b.load("outcomes, published", chromedp.Navigate(base+"/studies/1/outcomes"))
	sel := `li.outcome:has(.code) details.reword`
	b.must("open fix wording", chromedp.Do(b.ctx, chromedp.Click(css(sel+` summary`))))
	before := b.text(`li.outcome .stmt`)
	b.must("reword", chromedp.Do(b.ctx, chromedp.SetValue(css(sel+` textarea`), before+" today")))
	b.load("save wording", chromedp.Submit(css(sel+` textarea`)))
	screenshots(t, b.ctx, "outcomes-published")
	// So is an option's text: the screen-out follows it.
	b.load("questions, published", chromedp.Navigate(base+"/studies/1/questions"))
	sel = `#q-uses_slack details.reword`
	b.must("open fix wording", chromedp.Do(b.ctx, chromedp.Click(css(sel+` summary`))))
	b.must("reword an option", chromedp.Do(b.ctx, chromedp.SetValue(css(`#qwo-uses_slack`), "Yes\nNo, not yet")))
	screenshots(t, b.ctx, "questions-reword")
	b.load("save option wording", chromedp.Submit(css(`#qwo-uses_slack`)))
	if got := b.text(`#q-uses_slack`); !strings.Contains(got, "Screens out: No, not yet") {
		t.Fatalf("the reworded screener: %q", got)
	}
	b.load("fieldwork", chromedp.Navigate(base+"/studies/1/fieldwork"))
	if got := b.text(`#changes`); !strings.Contains(got, before+" today") || !strings.Contains(got, "No, not yet") {
		t.Fatalf("the Fieldwork tab's changes: %q", got)
	}
	screenshots(t, b.ctx, "fieldwork-changes")
}

// TestLintInBrowser writes a first-draft job statement and outcomes as a
// researcher would, watches the Job tab's lint follow the typing, reads the
// rewrites on the Outcomes tab, and publishes through the confirmation.
func TestLintInBrowser(t *testing.T) {
	b, _, _, base := researcherBrowser(t)

	// The form's input is emptied as a person selecting it all would.
	clearWant := chromedp.Evaluate[chromedp.Void](`void (document.querySelector("#want").value = "")`)
	b.load("new study", chromedp.Navigate(base+"/studies/new"))
	b.must("first draft", chromedp.Do(b.ctx,
		chromedp.SendKeys(css(`#name`), "Onboarding"),
		chromedp.SendKeys(css(`#want`), "be productive"),
	))
	b.load("create", chromedp.Submit(css(`#want`)))
	if got := b.text(`#job-lint`); !strings.Contains(got, "no_trigger") || !strings.Contains(got, "too_broad") || !strings.Contains(got, "When you be") {
		t.Fatalf("the Job tab's lint after creating: %q", got)
	}
	// Typing a situation and a want with an object clears the warnings,
	// without saving.
	b.must("type the job", chromedp.Do(b.ctx,
		chromedp.SendKeys(css(`#when`), "a new hire joins in the middle of a sprint"),
		clearWant,
		chromedp.SendKeys(css(`#want`), "I want to click the export button"),
		chromedp.Poll[chromedp.Void](`document.querySelector("#job-lint").textContent.includes("solution")`, chromedp.WithPollingTimeout(10*time.Second)),
	))
	if got := b.text(`#job-lint`); strings.Contains(got, "no_trigger") || !strings.Contains(got, "grammar") || !strings.Contains(got, "solution") {
		t.Fatalf("the Job tab's lint while typing: %q", got)
	}
	screenshots(t, b.ctx, "lint-job")
	b.must("fix the want", chromedp.Do(b.ctx,
		clearWant,
		chromedp.SendKeys(css(`#want`), "get them up to speed on past decisions"),
		chromedp.Poll[chromedp.Void](`document.querySelector("#job-lint").textContent.includes("No lint warnings")`, chromedp.WithPollingTimeout(10*time.Second)),
	))
	// Saved without JavaScript's help, the tab shows the lint of what was
	// saved: a so-that that repeats the sentence's "so".
	b.must("so that", chromedp.Do(b.ctx, chromedp.SendKeys(css(`#so_that`), "so that nothing gets lost")))
	b.load("save", chromedp.Submit(css(`#want`)))
	if got := b.text(`#job-lint`); !strings.Contains(got, `The so-that starts with "so that"`) {
		t.Fatalf("the Job tab's lint after saving: %q", got)
	}

	b.load("outcomes", chromedp.Click(css(`nav.tabs a[href$="/outcomes"]`)))
	box := `form.add-box:has(input[name=step][value="Define"]) textarea`
	for _, stmt := range []string{
		"Minimize the time it takes to find a past decision",
		"Improve the onboarding experience",
		"Minimize the time and effort it takes to plan a sprint",
		"Reduce errors in invoices",
		"Minimize the time it takes to find a decision in the dashboard",
	} {
		b.load("add "+stmt, chromedp.SetValue(css(box), stmt), chromedp.Submit(css(box)))
	}
	if got := b.text(`#o-2 ul.lint`); !strings.Contains(got, "vague_direction") || !strings.Contains(got, "Try: Minimize the time it takes to complete the onboarding experience") {
		t.Fatalf("O02's lint: %q", got)
	}
	b.must("draft", chromedp.Do(b.ctx,
		chromedp.SendKeys(css(box), "Prevent data loss"),
		chromedp.Poll[chromedp.Void](`document.querySelector(".add-box .lint-live").textContent.includes("Minimize the likelihood of data loss")`, chromedp.WithPollingTimeout(10*time.Second)),
	))
	screenshots(t, b.ctx, "lint-outcomes")

	b.load("publish", chromedp.Click(css(`.lifecycle button.primary`)))
	if got := b.text(`#publish-check`); !strings.Contains(got, "The lint found 6 warnings") || !strings.Contains(got, "Job statement") || !strings.Contains(got, "O04") {
		t.Fatalf("publish check: %q", got)
	}
	screenshots(t, b.ctx, "lint-publish")
	b.load("publish anyway", chromedp.Click(css(`#publish-check button.primary`)))
	if got := b.text(`.study-head .chip`); got != "open" {
		t.Fatalf("status after publishing: %q", got)
	}
}
