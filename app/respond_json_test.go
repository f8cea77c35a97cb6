package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"odi/surveys/fieldwork"
)

// TestHardeningSubmissionNeedsJSON: the public submission routes take only
// a body declared as JSON, which a browser will not send from another site
// without asking first; anything else is a 415 that says what to send, and
// stores nothing.
func TestHardeningSubmissionNeedsJSON(t *testing.T) {
	s := parallelServer(t)
	slug := fuzzStudy(t, s)
	anon := newClient(t, s)
	path := "/api/v1/s/" + slug + "/responses"
	body := func() string { return `{"submission_id":"` + uuid.NewString() + `","answers":{"uses_slack":"Yes"}}` }

	var started fieldwork.SubmitResult
	r := anon.do("POST", path, "application/json", body())
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &started)

	refused := 0
	for _, tc := range []struct {
		contentType string
		post, patch int
	}{
		{"application/json", http.StatusCreated, http.StatusOK},
		{"application/json; charset=utf-8", http.StatusCreated, http.StatusOK},
		{"Application/JSON;charset=UTF-8", http.StatusCreated, http.StatusOK},
		{"", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"text/plain; charset=utf-8", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"application/json; charset=iso-8859-1", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"application/json; boundary=x", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
		{"application/jsonp", http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType},
	} {
		before := countResponses(t, s)
		post := anon.do("POST", path, tc.contentType, body())
		dry := anon.do("POST", path+"?dry_run=1", tc.contentType, body())
		patch := anon.do("PATCH", path+"/"+started.ResumeToken, tc.contentType, `{"answers":{"note":"x"}}`)
		wantDry := tc.patch // a dry run answers as an autosave does: 200 or 415
		if post.status != tc.post || dry.status != wantDry || patch.status != tc.patch {
			t.Errorf("Content-Type %q: POST %d, dry run %d, PATCH %d; want %d, %d and %d",
				tc.contentType, post.status, dry.status, patch.status, tc.post, wantDry, tc.patch)
		}
		if tc.post == http.StatusUnsupportedMediaType {
			refused++
			var e apiError
			post.json(t, &e)
			if !strings.Contains(e.Error, "Content-Type: application/json") {
				t.Errorf("Content-Type %q: the 415 says %q", tc.contentType, e.Error)
			}
			if n := countResponses(t, s); n != before {
				t.Errorf("Content-Type %q: %d responses stored, want %d", tc.contentType, n, before)
			}
		}
	}
	t.Logf("%d content types refused with 415 on POST, dry run and PATCH; application/json taken with and without charset=utf-8", refused)
}
