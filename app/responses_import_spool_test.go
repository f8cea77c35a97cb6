package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// A responses file over --body-limit, sent as a multipart form, is read out
// of the body readBody spooled (spooledPart) rather than a second copy:
// wherever the file field stands among the form's fields, the copy of a
// study it is imported into exports again byte for byte what was sent, and
// a form without the field is refused naming it.
func TestLargeMultipartImportReadsTheSpooledForm(t *testing.T) {
	t.Parallel()
	s := uploadLimits(t)
	c := api(t, s, "r@example.com", "researcher")
	id := goldenStudy(t, c, []string{
		`{"key": "company_size", "text": "Company size", "kind": "single", "options": ["1-9", "10-49", "50-249", "250+"], "segment": true}`,
		`{"key": "region", "text": "Region", "kind": "single", "options": ["Americas", "Europe", "Asia-Pacific"]}`,
	}, readTestdata(t, "golden/outcomes.csv"), readTestdata(t, "golden/responses.csv"))
	r := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", id), nil)
	wantStatus(t, r, http.StatusOK)
	file := r.body
	if len(file) <= s.cfg.BodyLimit {
		t.Fatalf("the file is %d bytes, not over the body limit", len(file))
	}
	url := serve(t, s)

	tests := []struct {
		name          string
		before, after []string // fields around the file, name and value
		field         string   // the file's field
		want          int
	}{
		{"the file alone", nil, nil, "file", http.StatusCreated},
		{"fields before and after the file", []string{"note", "x", "other", strings.Repeat("y", 1000)}, []string{"after", "z"}, "file", http.StatusCreated},
		{"no field named file", []string{"note", "x"}, nil, "upload", http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dup struct{ ID int64 }
			c.send("POST", fmt.Sprintf("/api/v1/studies/%d/duplicate", id), nil).json(t, &dup)
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			for i := 0; i+1 < len(tt.before); i += 2 {
				w.WriteField(tt.before[i], tt.before[i+1])
			}
			f, _ := w.CreateFormFile(tt.field, "responses.csv")
			f.Write([]byte(file))
			for i := 0; i+1 < len(tt.after); i += 2 {
				w.WriteField(tt.after[i], tt.after[i+1])
			}
			w.Close()
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/studies/%d/responses/import", url, dup.ID), &b)
			req.Header.Set("Content-Type", w.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+c.bearer)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if tt.want != http.StatusCreated {
				var refusal struct{ Fields map[string]string }
				if json.Unmarshal(body, &refusal); refusal.Fields["file"] == "" {
					t.Fatalf("refused without naming the file: %s", body)
				}
				return
			}
			again := c.send("GET", fmt.Sprintf("/api/v1/studies/%d/responses.csv", dup.ID), nil)
			wantStatus(t, again, http.StatusOK)
			if again.body != file {
				t.Fatalf("the copy exports %d bytes, unlike the %d imported", len(again.body), len(file))
			}
		})
	}
}
