package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"odi/surveys"
	"odi/surveys/export"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/sample"
	"odi/surveys/score"
	"odi/surveys/statement"
	"odi/surveys/surveystest"
)

// study is a design plus its responses, scored the way the store scores them.
type study struct {
	design    *surveys.Design
	responses []surveys.Response
}

// newDesign makes a design from statements (code order = slot order).
func newDesign(name string, statements []string, questions []surveys.Question) *surveys.Design {
	published := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	d := &surveys.Design{
		Study: surveys.Study{ID: 7, Name: name, Status: surveys.StatusOpen, MinN: 30, RespondentRole: "job executor",
			Job:         surveys.Job{When: "the team grows past 10 people", Want: "put our work into a shared workspace", SoThat: "stop answering the same question"},
			PublishedAt: &published, ExcludeFlags: surveys.QualityFlagNames},
		Steps:     []surveys.Step{{ID: 1, Name: "Define"}, {ID: 2, Name: "Locate"}},
		Questions: questions,
		Linted:    true,
	}
	for i, s := range statements {
		o := surveys.Outcome{ID: int64(i + 1), Code: "O" + pad2(i+1), Statement: s, Step: []string{"Define", "Locate"}[i%2], Position: i, Slot: i}
		o.Parsed = statement.Parse(s)
		others := append(append([]string{}, statements[:i]...), statements[i+1:]...)
		o.Lint = statement.Lint(s, others)
		d.Outcomes = append(d.Outcomes, o)
	}
	return d
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// worked is the worked example of docs/scoring.md as a study: nine complete
// responses and one in progress; r09 skipped O02.
func worked(t testing.TB) *study {
	t.Helper()
	d := newDesign("Team workspace", []string{
		"Minimize the time it takes to find a past decision",
		"Minimize the effort it takes to onboard someone",
		"Minimize the likelihood of losing a spec",
		"Minimize the time it takes to answer a repeated question",
	}, []surveys.Question{{Key: "team_size", Text: "Team size", Kind: surveys.KindSingle, Options: []string{"small", "large"}, Segment: true}})
	file, err := os.ReadFile("../testdata/worked-example.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs := surveystest.CSV(t, string(file))
	s := &study{design: d}
	for i, rec := range recs[1:] {
		// Started an hour apart; the complete ones took 8 minutes and a bit,
		// fractions of a second included.
		started := time.Date(2026, 1, 5, 9+i, 0, 0, 0, time.UTC)
		r := surveys.Response{RespondentID: rec[0], Status: rec[1], Answers: map[string]string{"team_size": rec[2]}, Ratings: make([]byte, 8),
			StartedAt: started}
		if r.Status != surveys.InProgress {
			finished := started.Add(8*time.Minute + time.Duration(i)*7250*time.Millisecond)
			r.FinishedAt = &finished
		}
		for i, v := range rec[3:] {
			if v != "" {
				n, _ := strconv.Atoi(v)
				r.Ratings[i] = byte(n)
			}
		}
		s.responses = append(s.responses, r)
	}
	return s
}

// opportunities scores complete responses for all and per answer of key,
// exactly as Store.Opportunities does.
func (s *study) opportunities(key string) *results.Opportunities {
	d := s.design
	outs := make([]score.Outcome, len(d.Outcomes))
	for i, o := range d.Outcomes {
		outs[i] = score.Outcome{Code: o.Code, Statement: o.Statement, Step: o.Step, Slot: o.Slot}
	}
	var groups []string
	for _, q := range d.Questions {
		if q.Key == key {
			groups = q.Groups()
		}
	}
	all := score.NewTallies(len(outs))
	allN := 0
	per := make([]score.Tallies, len(groups))
	perN := make([]int, len(groups))
	for i := range per {
		per[i] = score.NewTallies(len(outs))
	}
	for _, r := range s.responses {
		if r.Status != surveys.Complete || r.Excluded {
			continue
		}
		all.Add(r.Ratings)
		allN++
		for i, g := range groups {
			if r.Answers[key] == g {
				per[i].Add(r.Ratings)
				perN[i]++
			}
		}
	}
	res := &results.Opportunities{StudyID: d.Study.ID, SegmentBy: key}
	build := func(k, label string, t score.Tallies, n int) results.Group {
		rows := score.Rank(outs, t)
		return results.Group{Key: k, Label: label, N: n, LowN: n < d.Study.MinN, Outcomes: rows, Priority: score.Factors(rows, float64(n), float64(allN), 1).Priority()}
	}
	res.Groups = append(res.Groups, build("all", "All respondents", all, allN))
	for i, g := range groups {
		grp := build(g, g, per[i], perN[i])
		score.VsRest(grp.Outcomes, res.Groups[0].Outcomes)
		res.Groups = append(res.Groups, grp)
	}
	return res
}

// header is the wide layout's header row: the names of its columns.
func (s *study) header() []string {
	var h []string
	for _, c := range s.design.WideColumns() {
		h = append(h, c.Name)
	}
	return h
}

// rows yields the study's responses in the wide layout.
func (s *study) rows() export.Rows {
	return func(yield func([]string) error) error {
		byCode := surveys.ByCode(s.design.Outcomes)
		var row []string
		for i := range s.responses {
			row = s.design.WideRow(&s.responses[i], byCode, row)
			if err := yield(row); err != nil {
				return err
			}
		}
		return nil
	}
}

func (s *study) fieldwork() *fieldwork.Summary {
	fw := &fieldwork.Summary{Counts: map[string]int{surveys.Complete: 0, surveys.InProgress: 0, surveys.ScreenedOut: 0, "excluded": 0}}
	for _, r := range s.responses {
		fw.Counts[r.Status]++
		if r.Excluded {
			fw.Counts["excluded"]++
		}
		if len(r.Flags) > 0 {
			fw.Flagged++
		}
	}
	fw.Started = len(s.responses)
	last := time.Date(2026, 1, 19, 17, 30, 0, 0, time.UTC)
	fw.LastResponse = &last
	fw.PerDay = []fieldwork.DayCount{{Day: "2026-01-05", Count: 4}, {Day: "2026-01-19", Count: 6}}
	fw.CompletionRate = float64(fw.Counts[surveys.Complete]) / float64(fw.Counts[surveys.Complete]+fw.Counts[surveys.InProgress])
	fw.Flags = map[string]int{surveys.FlagStraightLining: 1, surveys.FlagSpeeding: 0, surveys.FlagAttention: 0}
	return fw
}

// input is what a workbook shows, as the domain holds it.
type input struct {
	Design        *surveys.Design
	Opportunities *results.Opportunities
	Fieldwork     *fieldwork.Summary
	Query         results.OpportunityQuery
	Responses     export.Rows // nil leaves the Responses sheet out
}

func (s *study) input(key string, withResponses bool) input {
	in := input{Design: s.design, Opportunities: s.opportunities(key), Fieldwork: s.fieldwork()}
	if withResponses {
		in.Responses = s.rows()
	}
	return in
}

// export is in as the server hands it to the workbook: filled by
// results.WorkbookInput and fieldwork.Summary.Export.
func (in input) export() export.Input {
	out := results.WorkbookInput(in.Design, in.Opportunities, in.Query)
	out.Fieldwork = in.Fieldwork.Export()
	out.Generated = time.Date(2026, 1, 20, 8, 0, 0, 0, time.UTC)
	if in.Responses != nil {
		out.Responses = &export.Responses{Columns: in.Design.WideColumns(), Rows: in.Responses}
	}
	return out
}

// fromSample is the sample study with n respondents and m outcomes, split
// into k segments by arrival order.
func fromSample(n, m, k int) *study {
	ds := sample.Generate(sample.Config{Respondents: n, Outcomes: m, Seed: 1})
	var statements []string
	for _, o := range ds.Outcomes {
		statements = append(statements, o.Statement)
	}
	var qs []surveys.Question
	for _, q := range ds.Questions {
		qs = append(qs, surveys.Question{Key: q.Key, Text: q.Text, Kind: q.Kind, Options: q.Options, Segment: q.Segment})
	}
	seg := surveys.Question{Key: "wave", Text: "Wave", Kind: surveys.KindSingle, Segment: true}
	for i := range k {
		seg.Options = append(seg.Options, "Wave "+strconv.Itoa(i+1))
	}
	qs = append(qs, seg)
	d := newDesign(ds.Name, statements, qs)
	for i, o := range ds.Outcomes {
		d.Outcomes[i].Code = o.Code
	}
	d.Study.FourForces = true
	s := &study{design: d, responses: make([]surveys.Response, len(ds.Responses))}
	for i, r := range ds.Responses {
		answers := map[string]string{"wave": seg.Options[i%k]}
		for key, v := range r.Answers {
			answers[key] = v
		}
		s.responses[i] = surveys.Response{RespondentID: r.ID, Status: r.Status, Answers: answers, Ratings: r.Ratings, Flags: r.Flags,
			Excluded: len(r.Flags) > 0, StartedAt: r.Started}
		if !r.Finished.IsZero() {
			s.responses[i].FinishedAt = &r.Finished
		}
		if r.Forces != [4]uint8{} {
			s.responses[i].Forces = r.Forces[:]
		}
	}
	return s
}

// workbook builds in and opens the result.
func workbook(t testing.TB, in input) (*excelize.File, []byte) {
	t.Helper()
	data := writeWorkbook(t, in.export())
	return surveystest.OpenWorkbook(t, data), data
}

// writeWorkbook is the file export.Workbook writes of ex.
func writeWorkbook(t testing.TB, ex export.Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Workbook(&buf, ex); err != nil {
		t.Fatalf("workbook: %v", err)
	}
	return buf.Bytes()
}

// zipFile reads one part of an xlsx.
func zipFile(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			return b
		}
	}
	return nil
}

type rels struct {
	Rel []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

func readRels(t testing.TB, data []byte, name string) rels {
	var r rels
	if b := zipFile(t, data, name); b != nil {
		if err := xml.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return r
}

// resolve turns a relationship target into a package path.
func resolve(from, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Clean(path.Join(path.Dir(from), target))
}

// sheetPath is the package path of a sheet's XML.
func sheetPath(t testing.TB, data []byte, sheet string) string {
	t.Helper()
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(zipFile(t, data, "xl/workbook.xml"), &wb); err != nil {
		t.Fatal(err)
	}
	for _, s := range wb.Sheets {
		if s.Name == sheet {
			for _, r := range readRels(t, data, "xl/_rels/workbook.xml.rels").Rel {
				if r.ID == s.RID {
					return resolve("xl/workbook.xml", r.Target)
				}
			}
		}
	}
	t.Fatalf("no sheet %q", sheet)
	return ""
}

// charts returns the chart XML parts drawn on a sheet.
func charts(t testing.TB, data []byte, sheet string) [][]byte {
	t.Helper()
	sp := sheetPath(t, data, sheet)
	var out [][]byte
	for _, r := range readRels(t, data, path.Join(path.Dir(sp), "_rels", path.Base(sp)+".rels")).Rel {
		if !strings.HasSuffix(r.Type, "/drawing") {
			continue
		}
		dp := resolve(sp, r.Target)
		for _, cr := range readRels(t, data, path.Join(path.Dir(dp), "_rels", path.Base(dp)+".rels")).Rel {
			if strings.HasSuffix(cr.Type, "/chart") {
				out = append(out, zipFile(t, data, resolve(dp, cr.Target)))
			}
		}
	}
	return out
}

// quotePrefixed tells whether a cell's format carries quotePrefix.
func quotePrefixed(t testing.TB, f *excelize.File, sheet, ref string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.GetStyle(id); err != nil { // loads the style sheet
		t.Fatal(err)
	}
	xf := f.Styles.CellXfs.Xf[id]
	return xf.QuotePrefix != nil && *xf.QuotePrefix
}

func raw(t testing.TB, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func num(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}
