package app

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// Bodies stream in, so a body of unknown length (chunked) is bounded as it
// is read: past --body-limit, or --import-limit on an import, it is refused
// with 413 naming the limit, and the connection that still carries the rest
// of it is closed rather than read as the next request.
func TestChunkedBodiesAreBoundedAsTheyArrive(t *testing.T) {
	t.Parallel()
	s, url := uploadServer(t) // body limit 64 kB, import limit 4 MB
	owner := api(t, s, "owner@example.com", "researcher")
	id := newStudy(t, owner, "Mine")
	imp := "/api/v1/studies/" + itoa(id) + "/responses/import"

	tests := []struct {
		name, path, bearer string
		size               int
		want               int
		msg                string
	}{
		{"an anonymous body over the body limit", "/api/v1/studies/" + itoa(id), "", 100 << 10, http.StatusRequestEntityTooLarge, "limit of 65536 bytes"},
		{"an anonymous file over the body limit on an import", imp, "", 100 << 10, http.StatusRequestEntityTooLarge, "limit of 65536 bytes"},
		{"the owner's file under the import limit", imp, owner.bearer, 1 << 20, http.StatusUnprocessableEntity, "validation failed"},
		{"the owner's file over the import limit", imp, owner.bearer, 5 << 20, http.StatusRequestEntityTooLarge, "limit of 4194304 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			auth := ""
			if tt.bearer != "" {
				auth = "Authorization: Bearer " + tt.bearer + "\r\n"
			}
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: odi.test\r\n%sContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n", tt.path, auth)
			go func() { // fails harmlessly once the server has answered and closed
				chunk := strings.Repeat("x", 32<<10)
				for sent := 0; sent < tt.size; sent += len(chunk) {
					if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
						return
					}
				}
				// Then a second request, which a server that lost track of
				// the first body's end would answer.
				fmt.Fprintf(conn, "0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: odi.test\r\n\r\n")
			}()
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want || !strings.Contains(string(b), tt.msg) {
				t.Fatalf("got %d %s, want %d with %q", resp.StatusCode, b, tt.want, tt.msg)
			}
			if tt.want == http.StatusRequestEntityTooLarge {
				if next, err := http.ReadResponse(br, nil); err == nil {
					t.Fatalf("after the refused body, the connection answered another request: %d", next.StatusCode)
				}
			}
		})
	}
}
