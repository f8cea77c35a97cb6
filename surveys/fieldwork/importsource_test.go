package fieldwork

import (
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzCSVSourceIsEncodingCSV: whatever the file, csvSource gives the
// records, and the errors with their lines, that encoding/csv gives: its own
// reading of lines without quotes changes nothing an import can see.
func FuzzCSVSourceIsEncodingCSV(f *testing.F) {
	for _, seed := range []string{
		"", "\n", "\r", "\r\n", "a", "a,b\n", "a,b\r\n", "a,b\r", "a,,b,\n,\n",
		"\xef\xbb\xbfid,O1_imp\nr1,4\n", "a\n\n\nb\n", "a\r\r\nb\r\n", "a\rb\n",
		"a,b\n\"c,d\",e\nf,g\n", "a,b\nc\"d,e\n", "a,b\n\"c\nd\",e\nf\n", "a,b\n\"c\"\"d\"\n\"unclosed\n",
		"x,y\n" + strings.Repeat("z", 70000) + ",w\nv,u\n", "é,ü\n\xff,\x00\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, file string) {
		want := csv.NewReader(strings.NewReader(strings.TrimPrefix(file, "\xef\xbb\xbf")))
		want.ReuseRecord, want.FieldsPerRecord = true, -1
		got := newCSVSource(strings.NewReader(file))
		for i := 0; ; i++ {
			wrec, werr := want.Read()
			grec, gerr := got.next()
			if !slices.Equal(wrec, grec) || !sameError(werr, gerr) {
				t.Fatalf("record %d of %q: got %q, %v; encoding/csv %q, %v", i, file, grec, gerr, wrec, werr)
			}
			if werr != nil {
				return
			}
		}
	})
}

func sameError(a, b error) bool {
	var pa, pb *csv.ParseError
	if errors.As(a, &pa) && errors.As(b, &pb) {
		return pa.StartLine == pb.StartLine && pa.Line == pb.Line && pa.Err == pb.Err
	}
	return a == b || a != nil && b != nil && a.Error() == b.Error()
}
