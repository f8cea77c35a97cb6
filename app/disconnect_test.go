package app

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"odi/surveys/sample"
	"odi/surveys/surveystest"
)

// An export or a discovery whose client hangs up stops: the server logs it
// as 499 (client closed) before a complete one would have ended, where it
// used to run to the end for nobody. Through a real listener, since only
// a real connection tells that its client has gone.
func TestAbandonedExportsAndDiscoveryStop(t *testing.T) {
	surveystest.Long(t, "loads a 10,000-respondent study")
	s, c := researcherServer(t)
	st, _ := loadSample(t, s, "r@example.com", sample.Config{Respondents: 10000, Outcomes: 100, Seed: 3})
	url := serve(t, s)
	base := "/api/v1/studies/" + itoa(st.ID)

	tests := []struct {
		name, method, path, route, body string
	}{
		{"workbook", "GET", base + "/export.xlsx", "/api/v1/studies/:id/export.xlsx", ""},
		{"responses file", "GET", base + "/responses.csv", "/api/v1/studies/:id/responses.csv", ""},
		{"discovery", "POST", base + "/segments/discover", "/api/v1/studies/:id/segments/discover", `{}`},
	}
	c.get(base + "/opportunities") // the scores and the responses in memory, as for any export after the first
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full := timed(func() {
				if status := request(t, url, c.bearer, tt.method, tt.path, tt.body, -1); status != http.StatusOK {
					t.Fatalf("a complete %s: status %d", tt.name, status)
				}
			})
			before := abandoned(t, c, tt.route)
			start := time.Now()
			wait := full / 5
			go request(t, url, c.bearer, tt.method, tt.path, tt.body, wait)
			var stopped time.Duration
			for abandoned(t, c, tt.route) == before {
				if stopped = time.Since(start); stopped > 2*full+5*time.Second {
					t.Fatalf("no abandoned %s logged %v after its client hung up at %v; a complete one takes %v", tt.name, stopped, wait, full)
				}
				time.Sleep(10 * time.Millisecond)
			}
			stopped = time.Since(start)
			t.Logf("a complete %s took %v; one whose client hung up after %v ended after %v", tt.name, full.Round(time.Millisecond), wait.Round(time.Millisecond), stopped.Round(time.Millisecond))
			// 499 is logged only when the work ended in an error once its
			// client had gone, so it was cut short; and sooner than in full.
			if stopped > full {
				t.Errorf("the abandoned %s ended after %v, later than a complete one (%v)", tt.name, stopped, full)
			}
		})
	}
}

// request sends a request on its own connection and reads the answer,
// returning its status, or with hangUp >= 0 hangs up that long after
// sending it and returns 0.
func request(t *testing.T, url, bearer, method, path, body string, hangUp time.Duration) int {
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Error(err)
		return 0
	}
	defer conn.Close()
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: odi.test\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		method, path, bearer, len(body), body)
	if hangUp >= 0 {
		time.Sleep(hangUp)
		return 0
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// abandoned reads from /metrics how many requests to route ended because
// their client had gone.
func abandoned(t *testing.T, c *client, route string) int {
	t.Helper()
	r := c.do("GET", "/metrics", "", "")
	m := regexp.MustCompile(`(?m)^odi_http_requests_total\{method="[A-Z]+",route="` + regexp.QuoteMeta(route) + `",status="499"\} (\d+)$`).FindStringSubmatch(r.body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
