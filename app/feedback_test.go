package app

// What the study's forms say back: the outcome import's summary of a
// refused file and its count of an accepted one, and the lifecycle buttons
// with their notices and the tab they go back to.

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"odi/surveys"
)

func TestOutcomeUploadReportsEveryBadRowOrAddsThemAll(t *testing.T) {
	_, c := loggedInServer(t)
	id, base := newDraft(t, c)

	bad := "statement,code,step\nMinimize the time to find a file,A1,Define\n,A2,Locate\nReduce the cost of x,A1,Nowhere\n"
	r := c.upload(base+"/outcomes/import", "outcomes.csv", bad)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d", r.status)
	}
	// At the top, a summary linking to each row's problem beside the form.
	wantBody(t, r, `aria-invalid="true"`, "Nothing was imported: 3 problems in the file",
		`<li><a href="#import-err-1">Row 3: statement: is required</a></li>`, `<li id="import-err-1">Row 3: statement: is required</li>`,
		`<li id="import-err-2">Row 4: code: A1 is already used by row 2: code</li>`, `<li id="import-err-3">Row 4: step: no step named &#34;Nowhere&#34; in this study</li>`)
	wantBody(t, c.upload(base+"/outcomes/import", "notes.csv", "title\nx\n"), "File: needs a header row")
	// The address the refused upload left in the browser can be reloaded.
	wantRedirect(t, c.get(base+"/outcomes/import"), base+"/outcomes#import")
	if n := len(c.design(id).Outcomes); n != 0 {
		t.Fatalf("a rejected file stored %d outcomes", n)
	}

	wantRedirect(t, c.upload(base+"/outcomes/import", "outcomes.csv", "statement,step\nMinimize the time to find a file,Define\nMinimize the effort to onboard someone,Prepare\n"), base+"/outcomes#import")
	if got := outcomeCodes(c.design(id)); got != "O01 O02" {
		t.Fatalf("imported: %s", got)
	}
	wantBody(t, c.get(base+"/outcomes"), `<p class="notice done" role="status" id="notice">Imported 2 outcomes: every row of the file was added.</p>`)
	if page := c.get(base + "/outcomes"); strings.Contains(page.body, `id="notice"`) {
		t.Error("the import's notice is shown again on reload")
	}
}

func TestLifecycleButtonsPublishCloseReopenDuplicateDelete(t *testing.T) {
	_, c := loggedInServer(t)
	id, base := newDraft(t, c)

	r := c.submit(base+"/publish", url.Values{"tab": {"outcomes"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "add at least one outcome before publishing") || !strings.Contains(r.body, `id="import"`) {
		t.Fatalf("publish without outcomes: %d", r.status)
	}
	wantRedirect(t, c.submit(base+"/outcomes", url.Values{"statement": {"Minimize the time it takes to find a decision"}, "step": {"Define"}}), base+"/outcomes")
	wantRedirect(t, c.submit(base+"/publish", url.Values{"tab": {"outcomes"}, "confirm": {"1"}}), base+"/outcomes")

	page := c.get(base + "/outcomes")
	slug := *c.design(id).Study.Slug
	wantBody(t, page, `value="http://odi.test/s/`+slug+`"`, `data-copy="public-url"`, "structure is locked", `action="`+base+`/close"`)
	for _, gone := range []string{`class="add-box"`, `id="import"`, `draggable="true"`, `/delete"><input`} {
		if strings.Contains(page.body, gone) {
			t.Errorf("published outcomes page still has %s", gone)
		}
	}
	if r := c.submit(base+"/outcomes", url.Values{"statement": {"Minimize x"}}); r.status != http.StatusConflict {
		t.Fatalf("adding to a published study: %d, want 409", r.status)
	}
	q := c.get(base + "/questions")
	if strings.Contains(q.body, `id="question-form"`) || !strings.Contains(q.body, "Duplicate to edit") {
		t.Fatal("published questions page still offers the form")
	}

	wantRedirect(t, c.submit(base+"/close", url.Values{"tab": {"questions"}}), base+"/questions")
	wantBody(t, c.get(base+"/job"), `class="chip closed"`, `action="`+base+`/reopen"`, "Closed: the survey link no longer takes responses.")
	// The analysis tabs have the buttons too, and keep their place.
	wantRedirect(t, c.submit(base+"/reopen", url.Values{"tab": {"fieldwork"}}), base+"/fieldwork")
	wantBody(t, c.get(base+"/fieldwork"), "Reopened: the survey link takes responses again.")
	wantRedirect(t, c.submit(base+"/close", url.Values{"tab": {"results"}}), base+"/results")
	wantRedirect(t, c.submit(base+"/reopen", nil), base+"/job")
	if st := c.design(id).Study; st.Status != surveys.StatusOpen || *st.Slug != slug {
		t.Fatalf("reopen: %s %v", st.Status, st.Slug)
	}

	r = c.submit(base+"/duplicate", nil)
	var copyID int64
	fmt.Sscanf(r.header.Get("Location"), "/studies/%d/job", &copyID)
	if r.status != http.StatusSeeOther || copyID == id || copyID == 0 {
		t.Fatalf("duplicate: %d %q", r.status, r.header.Get("Location"))
	}
	wantBody(t, c.get(fmt.Sprintf("/studies/%d/outcomes", copyID)), `class="add-box"`, "Copy of Stop losing context")
	// A draft is published, not reopened: the button is refused and says so.
	r = c.submit(fmt.Sprintf("/studies/%d/reopen", copyID), url.Values{"tab": {"outcomes"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "Only a closed study can be reopened, and this one is draft.") {
		t.Fatalf("reopening a draft: %d", r.status)
	}
	if st := c.design(copyID).Study; st.Status != surveys.StatusDraft || st.Slug != nil {
		t.Fatalf("a draft after reopen: %s %v", st.Status, st.Slug)
	}

	// The study was published, so the page offers closing it instead; the
	// draft copy has nothing to close.
	wantBody(t, c.get(base+"/delete"), "Delete “Stop losing context”?", `action="`+base+`/delete"`,
		"If you only want to stop new responses, close the study instead.", `href="`+base+`/job">Cancel</a>`)
	if r := c.get(fmt.Sprintf("/studies/%d/delete", copyID)); strings.Contains(r.body, "close the study instead") {
		t.Error("the draft's delete page offers to close it")
	}
	wantRedirect(t, c.submit(base+"/delete", nil), "/studies")
	if r := c.get(base + "/job"); r.status != http.StatusNotFound {
		t.Fatalf("deleted study: %d", r.status)
	}
}
