package app

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLintInBrowser writes a first-draft job statement and outcomes as a
// researcher would, watches the Job tab's lint follow the typing, reads the
// rewrites on the Outcomes tab, and publishes through the confirmation.
func TestLintInBrowser(t *testing.T) {
	tab, _, _, base := researcherBrowser(t)
	ctx, must, load, text := tab.ctx, tab.must, tab.load, tab.text

	// The form's input is emptied as a person selecting it all would.
	clearWant := chromedp.Evaluate[chromedp.Void](`void (document.querySelector("#want").value = "")`)
	load("new study", chromedp.Navigate(base+"/studies/new"))
	must("first draft", chromedp.Do(ctx,
		chromedp.SendKeys(css(`#name`), "Onboarding"),
		chromedp.SendKeys(css(`#want`), "be productive"),
	))
	load("create", chromedp.Submit(css(`#want`)))
	if got := text(`#job-lint`); !strings.Contains(got, "no_trigger") || !strings.Contains(got, "too_broad") || !strings.Contains(got, "When you be") {
		t.Fatalf("the Job tab's lint after creating: %q", got)
	}
	// Typing a situation and a want with an object clears the warnings,
	// without saving.
	must("type the job", chromedp.Do(ctx,
		chromedp.SendKeys(css(`#when`), "a new hire joins in the middle of a sprint"),
		clearWant,
		chromedp.SendKeys(css(`#want`), "I want to click the export button"),
		chromedp.Poll[chromedp.Void](`document.querySelector("#job-lint").textContent.includes("solution")`, chromedp.WithPollingTimeout(10*time.Second)),
	))
	if got := text(`#job-lint`); strings.Contains(got, "no_trigger") || !strings.Contains(got, "grammar") || !strings.Contains(got, "solution") {
		t.Fatalf("the Job tab's lint while typing: %q", got)
	}
	screenshots(t, ctx, "lint-job")
	must("fix the want", chromedp.Do(ctx,
		clearWant,
		chromedp.SendKeys(css(`#want`), "get them up to speed on past decisions"),
		chromedp.Poll[chromedp.Void](`document.querySelector("#job-lint").textContent.includes("No lint warnings")`, chromedp.WithPollingTimeout(10*time.Second)),
	))
	// Saved without JavaScript's help, the tab shows the lint of what was
	// saved: a so-that that repeats the sentence's "so".
	must("so that", chromedp.Do(ctx, chromedp.SendKeys(css(`#so_that`), "so that nothing gets lost")))
	load("save", chromedp.Submit(css(`#want`)))
	if got := text(`#job-lint`); !strings.Contains(got, `The so-that starts with "so that"`) {
		t.Fatalf("the Job tab's lint after saving: %q", got)
	}

	load("outcomes", chromedp.Click(css(`nav.tabs a[href$="/outcomes"]`)))
	box := `form.add-box:has(input[name=step][value="Define"]) textarea`
	for _, stmt := range []string{
		"Minimize the time it takes to find a past decision",
		"Improve the onboarding experience",
		"Minimize the time and effort it takes to plan a sprint",
		"Reduce errors in invoices",
		"Minimize the time it takes to find a decision in the dashboard",
	} {
		load("add "+stmt, chromedp.SetValue(css(box), stmt), chromedp.Submit(css(box)))
	}
	if got := text(`#o-2 ul.lint`); !strings.Contains(got, "vague_direction") || !strings.Contains(got, "Try: Minimize the time it takes to complete the onboarding experience") {
		t.Fatalf("O02's lint: %q", got)
	}
	must("draft", chromedp.Do(ctx,
		chromedp.SendKeys(css(box), "Prevent data loss"),
		chromedp.Poll[chromedp.Void](`document.querySelector(".add-box .lint-live").textContent.includes("Minimize the likelihood of data loss")`, chromedp.WithPollingTimeout(10*time.Second)),
	))
	screenshots(t, ctx, "lint-outcomes")

	load("publish", chromedp.Click(css(`.lifecycle button.primary`)))
	if got := text(`#publish-check`); !strings.Contains(got, "The lint found 6 warnings") || !strings.Contains(got, "Job statement") || !strings.Contains(got, "O04") {
		t.Fatalf("publish check: %q", got)
	}
	screenshots(t, ctx, "lint-publish")
	load("publish anyway", chromedp.Click(css(`#publish-check button.primary`)))
	if got := text(`.study-head .chip`); got != "open" {
		t.Fatalf("status after publishing: %q", got)
	}
}
