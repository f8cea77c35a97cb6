package fieldwork

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"odi/surveys"
	"odi/surveys/problem"
)

// The shapes of header a responses file comes in. Each names its columns in
// the first row; Qualtrics adds a row of labels and a row of import ids,
// SurveyMonkey a row of sub-labels under question texts that span several
// columns.
const (
	FormatOneRow       = "one header row"
	FormatQualtrics    = "qualtrics"
	FormatSurveyMonkey = "surveymonkey"
)

// What a column of a responses file gives: the roles of ImportColumn.MapsTo.
const (
	RoleRespondentID = "respondent_id"
	RoleStatus       = "status"
	RoleFinished     = "finished" // a yes/no "finished" column: complete or in progress
	RoleStartedAt    = "started_at"
	RoleFinishedAt   = "finished_at"
	RoleExcluded     = "excluded"
	RoleFlags        = "flags" // worked out again from the data: read as information only
	RolePanelID      = "panel_id"
	RoleURLField     = "url_field" // one of the study's URL fields, named by Key
	RoleQuestion     = "question"
	RoleRating       = "rating"
	RoleForce        = "force"
	RoleIgnored      = "ignored"
)

// The scales a rating column gives.
const (
	ScaleImportance   = "importance"
	ScaleSatisfaction = "satisfaction"
)

// ImportColumn is what an import made of one column of the file.
type ImportColumn struct {
	Column string `json:"column"`          // the header as the file has it, header rows joined by " | "
	MapsTo string `json:"maps_to"`         // one of the Role constants
	Key    string `json:"key,omitempty"`   // the question key, outcome code or force
	Scale  string `json:"scale,omitempty"` // a rating's scale
	at     int    // byte index in Ratings or Forces
	q      surveys.Question
}

// metadataNames are the headers, normalised by norm, that other tools give
// the columns odi reads besides answers. The first column of a role wins; a
// later one of the same role is ignored.
var metadataNames = map[string]string{
	"respondent id": RoleRespondentID, "respondentid": RoleRespondentID, "responseid": RoleRespondentID,
	"response id": RoleRespondentID, "id": RoleRespondentID, "participant id": RoleRespondentID,
	"status": RoleStatus, "response status": RoleStatus,
	"finished": RoleFinished, "completed": RoleFinished,
	"started at": RoleStartedAt, "startdate": RoleStartedAt, "start date": RoleStartedAt, "start time": RoleStartedAt,
	"date started": RoleStartedAt,
	"finished at":  RoleFinishedAt, "enddate": RoleFinishedAt, "end date": RoleFinishedAt, "end time": RoleFinishedAt,
	"submitdate": RoleFinishedAt, "date submitted": RoleFinishedAt, "timestamp": RoleFinishedAt,
	"completion time": RoleFinishedAt,
	"excluded":        RoleExcluded, "flags": RoleFlags,
	"panel id": RolePanelID, "panelid": RolePanelID, "external id": RolePanelID,
}

// scaleWords are the words that say which scale a rating column is, by
// language; English ones are always understood.
var scaleWords = map[string][2][]string{
	"en": {{"imp", "importance", "important"}, {"sat", "satisfaction", "satisfied"}},
	"fr": {{"importance", "important", "importante"}, {"satisfaction", "satisfait", "satisfaite"}},
}

// norm is a header or label as compared: lower case, every run of
// characters other than letters and digits one space, trimmed; so
// "O01_imp", "O01 (Imp)" and "o01-imp" read alike.
func norm(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// header is the head of a responses file: per column, the texts of its
// header rows (one, or two for Qualtrics and SurveyMonkey), and the rows read
// while finding out which are data.
type header struct {
	format string
	rows   int // how many rows the header takes
	texts  [][]string
	data   [][]string
}

// readHeader reads the header rows. Qualtrics' third row holds
// {"ImportId": …} cells; SurveyMonkey's second row names the parts of
// questions whose text spans several columns, so it has cells under empty
// ones of the first row and "Response" under single questions.
func readHeader(src rowSource) (*header, error) {
	var rows [][]string
	for len(rows) < 3 {
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, slices.Clone(rec))
	}
	if len(rows) == 0 {
		return nil, errEmptyFile
	}
	width := len(rows[0])
	cell := func(r, i int) string {
		if r < len(rows) && i < len(rows[r]) {
			return strings.TrimSpace(rows[r][i])
		}
		return ""
	}
	isQualtrics := len(rows) == 3 && slices.ContainsFunc(rows[2], func(c string) bool {
		return strings.HasPrefix(strings.TrimSpace(c), `{"ImportId"`)
	})
	isMonkey := false
	if !isQualtrics && len(rows) >= 2 {
		for i := range max(width, len(rows[1])) {
			below := cell(1, i)
			if below == "Response" || below == "Open-Ended Response" || (i > 0 && cell(0, i) == "" && below != "") {
				isMonkey = true
			}
		}
	}
	if isMonkey {
		// A workbook's row ends at its last cell: the first row stops before
		// the last columns of a matrix that ends the file, which only the
		// second names.
		width = max(width, len(rows[1]))
	}
	h := &header{format: FormatOneRow, texts: make([][]string, width)}
	switch {
	case isQualtrics:
		h.format, h.rows, h.data = FormatQualtrics, 3, rows[3:]
		for i := range width {
			h.texts[i] = []string{cell(0, i), cell(1, i)}
		}
	case isMonkey:
		h.format, h.rows, h.data = FormatSurveyMonkey, 2, rows[2:]
		above := ""
		for i := range width {
			if c := cell(0, i); c != "" {
				above = c
			}
			h.texts[i] = []string{above, cell(1, i)}
		}
	default:
		h.rows, h.data = 1, rows[1:]
		for i := range width {
			h.texts[i] = []string{cell(0, i)}
		}
	}
	return h, nil
}

// name is how the answer names the column: its header rows joined.
func (h *header) name(i int) string {
	return strings.Join(slices.DeleteFunc(slices.Clone(h.texts[i]), func(s string) bool { return s == "" }), " | ")
}

// columnMatcher recognises the columns of a file against one design.
type columnMatcher struct {
	d          *surveys.Design
	format     string
	questions  map[string]surveys.Question // by normalised key and by normalised text
	codes      map[string]surveys.Outcome  // by normalised code
	statements []surveys.Outcome           // longest statement first, so none is found inside a longer one
	imp, sat   map[string]bool
}

func newColumnMatcher(d *surveys.Design, format string) *columnMatcher {
	m := &columnMatcher{d: d, format: format, questions: map[string]surveys.Question{}, codes: map[string]surveys.Outcome{},
		imp: map[string]bool{}, sat: map[string]bool{}}
	for _, q := range d.Questions {
		m.questions[norm(q.Key)] = q
		if t := norm(q.Text); t != "" {
			m.questions[t] = q
		}
	}
	for _, o := range d.Outcomes {
		m.codes[norm(o.Code)] = o
	}
	m.statements = slices.Clone(d.Outcomes)
	slices.SortStableFunc(m.statements, func(a, b surveys.Outcome) int { return len(b.Statement) - len(a.Statement) })
	for _, lang := range []string{"en", d.Study.Language} {
		for _, w := range scaleWords[lang][0] {
			m.imp[w] = true
		}
		for _, w := range scaleWords[lang][1] {
			m.sat[w] = true
		}
	}
	return m
}

// match is what one column gives. Metadata and questions are recognised by
// any one header row; a rating by the rows together, so a SurveyMonkey
// matrix's question text above ("How important…") and its statement below
// make one.
func (m *columnMatcher) match(texts []string) ImportColumn {
	for _, t := range texts {
		n := norm(t)
		if n == "" {
			continue
		}
		if role, ok := metadataNames[n]; ok && !(role == RoleStatus && m.format == FormatQualtrics) {
			// Qualtrics' Status is the kind of response (IP address, preview),
			// not whether it was finished: its Finished column says that.
			return ImportColumn{MapsTo: role}
		}
		// A URL field is named exactly as the study names it; it comes
		// before the questions in odi's own file.
		if slices.Contains(m.d.Study.URLFields, t) {
			return ImportColumn{MapsTo: RoleURLField, Key: t}
		}
		if q, ok := m.questions[n]; ok {
			return ImportColumn{MapsTo: RoleQuestion, Key: q.Key, q: q}
		}
		if i := slices.Index(surveys.ForceNames[:], n); i >= 0 && m.d.Study.FourForces {
			return ImportColumn{MapsTo: RoleForce, Key: n, at: i}
		}
	}
	for _, t := range texts {
		if c, ok := m.byCode(norm(t)); ok {
			return c
		}
	}
	if c, ok := m.byStatement(norm(strings.Join(texts, " "))); ok {
		return c
	}
	return ImportColumn{MapsTo: RoleIgnored}
}

// byCode recognises "O01_imp", "imp_O01", "Imp-O01", "O01 (Importance)":
// the outcome's code and nothing else but words of one scale.
func (m *columnMatcher) byCode(n string) (ImportColumn, bool) {
	words := strings.Fields(n)
	for i, w := range words {
		o, ok := m.codes[w]
		if !ok {
			continue
		}
		rest := slices.Delete(slices.Clone(words), i, i+1)
		if scale := m.scaleOf(rest, true); scale != "" {
			return rating(o, scale), true
		}
	}
	return ImportColumn{}, false
}

// byStatement recognises "<statement> - Importance" and a question's text
// around a statement: the statement whole, and words of one scale in what
// is left.
func (m *columnMatcher) byStatement(n string) (ImportColumn, bool) {
	padded := " " + n + " "
	for _, o := range m.statements {
		s := norm(o.Statement)
		if s == "" {
			continue
		}
		before, after, found := strings.Cut(padded, " "+s+" ")
		if !found {
			continue
		}
		if scale := m.scaleOf(strings.Fields(before+" "+after), false); scale != "" {
			return rating(o, scale), true
		}
	}
	return ImportColumn{}, false
}

// scaleOf is the scale words names, or "" when they name none or both; only
// says no other word may stand among them.
func (m *columnMatcher) scaleOf(words []string, only bool) string {
	imp, sat := false, false
	for _, w := range words {
		switch {
		case m.imp[w]:
			imp = true
		case m.sat[w]:
			sat = true
		case only:
			return ""
		}
	}
	switch {
	case imp && !sat:
		return ScaleImportance
	case sat && !imp:
		return ScaleSatisfaction
	}
	return ""
}

// rating is the column of an outcome's rating on scale; a rating the
// outcome does not ask (a typing survey's, surveys.Outcome.Ask) is ignored,
// as the survey itself refuses it.
func rating(o surveys.Outcome, scale string) ImportColumn {
	if (o.Ask == ScaleImportance || o.Ask == ScaleSatisfaction) && o.Ask != scale {
		return ImportColumn{MapsTo: RoleIgnored}
	}
	at := 2 * o.Slot
	if scale == ScaleSatisfaction {
		at++
	}
	return ImportColumn{MapsTo: RoleRating, Key: o.Code, Scale: scale, at: at}
}

// mapColumns recognises every column of the file. Two columns giving the
// same rating, question or force are a problem (which one is meant?); a
// second column of the same metadata is ignored. With no rating column at
// all the file is not this study's.
func mapColumns(d *surveys.Design, h *header, problems *problem.List) []ImportColumn {
	m := newColumnMatcher(d, h.format)
	cols := make([]ImportColumn, len(h.texts))
	seen := map[string]string{}
	ratings := 0
	for i, texts := range h.texts {
		c := m.match(texts)
		c.Column = h.name(i)
		what := c.MapsTo + " " + c.Key + " " + c.Scale
		if prev, dup := seen[what]; dup && c.MapsTo != RoleIgnored {
			if c.MapsTo == RoleRating || c.MapsTo == RoleQuestion || c.MapsTo == RoleForce {
				problems.Add("column "+c.Column, fmt.Sprintf("gives %s, as column %s does", strings.TrimSpace(c.Key+" "+c.Scale), prev))
			}
			c = ImportColumn{Column: c.Column, MapsTo: RoleIgnored}
		} else if c.MapsTo != RoleIgnored {
			seen[what] = c.Column
		}
		if c.MapsTo == RoleRating {
			ratings++
		}
		cols[i] = c
	}
	if ratings == 0 {
		var names []string
		for i := range h.texts {
			names = append(names, h.name(i))
		}
		example := "O01"
		if len(d.Outcomes) > 0 {
			example = d.Outcomes[0].Code
		}
		problems.Add("file", fmt.Sprintf("no column gives a rating of this study's outcomes: expected headers such as %[1]s_imp, imp_%[1]s, "+
			"Imp-%[1]s, %[1]s (Importance) or <statement> - Satisfaction; the file has %[2]s", example, strings.Join(names, ", ")))
	}
	return cols
}
