package fieldwork

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"odi/surveys"
	"odi/surveys/problem"
)

// maxProposedOptions is how many distinct answers a column may hold to be
// proposed as a single-choice question; more, and it is free text.
const maxProposedOptions = 20

// Proposal is what odi makes of a file to build a study from: the outcomes
// its rating columns give, in file order, and a profile question for each
// other column that is not a tool's metadata. The researcher corrects the
// texts, codes and keys, drops questions, and sends it back to create the
// study.
type Proposal struct {
	Name      string             `json:"name"`
	Format    string             `json:"format,omitempty"`
	Outcomes  []ProposedOutcome  `json:"outcomes"`
	Questions []ProposedQuestion `json:"questions"`
	Rows      int                `json:"rows"`
	Metadata  []string           `json:"metadata,omitempty"` // columns read as respondent id, status or times
	Ignored   []string           `json:"ignored,omitempty"`  // columns neither read nor stored
	Problems  map[string]string  `json:"problems,omitempty"` // what would refuse the import as proposed
}

// ProposedOutcome is an outcome and the two columns that rate it.
type ProposedOutcome struct {
	Code      string    `json:"code"`
	Statement string    `json:"statement"`
	Columns   [2]string `json:"columns,omitempty"` // the importance and the satisfaction column, as the file names them
	cols      [2]int
	fileCode  string // the code and statement the file's headers give, by which the import finds the columns
	fileStmt  string
}

// ProposedQuestion is a profile question and the column that answers it.
type ProposedQuestion struct {
	Column  int      `json:"column"` // the file's column, 0 for the first
	Header  string   `json:"header,omitempty"`
	Key     string   `json:"key"`
	Text    string   `json:"text"`
	Kind    string   `json:"kind"`
	Options []string `json:"options"`
	match   string   // the header text by which the import finds the column
}

// ProposeStudy reads a file of responses (a workbook's first sheet when
// xlsx) and proposes the study it holds, named name. Nothing is written.
func ProposeStudy(data io.Reader, xlsx bool, name string) (*Proposal, error) {
	p, _, err := propose(data, xlsx, name)
	return p, err
}

// propose is ProposeStudy with the header, for the import that follows.
func propose(data io.Reader, xlsx bool, name string) (*Proposal, *header, error) {
	src, closeRows, err := openRows(data, xlsx)
	if err != nil {
		return nil, nil, err
	}
	defer closeRows()
	h, err := readHeader(src)
	if err != nil {
		return nil, nil, fileError(err)
	}
	p := &Proposal{Name: studyName(name), Format: h.format, Outcomes: []ProposedOutcome{}, Questions: []ProposedQuestion{}}
	ratings := proposeOutcomes(p, h)
	for i, texts := range h.texts {
		switch {
		case ratings[i]:
		case columnMetadata(texts, h.format):
			p.Metadata = append(p.Metadata, h.name(i))
		case notAnswer(texts, h.format) || h.name(i) == "":
			p.Ignored = append(p.Ignored, h.name(i))
		default:
			p.Questions = append(p.Questions, proposeQuestion(h, i))
		}
	}
	if err := proposeKinds(p, h, src); err != nil {
		return nil, nil, err
	}
	uniqueKeys(p.Questions)
	checkProposal(p, h)
	return p, h, nil
}

// fileError is a file that cannot be read as a problem naming the file.
func fileError(err error) error {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, errEmptyFile):
		return problem.Invalid("file", "is empty")
	case errors.As(err, &pe):
		return problem.Invalid("file", fmt.Sprintf("row %d: is not valid CSV: %v", pe.Line, pe.Err))
	case errors.As(err, new(*problem.Validation)):
		return err
	}
	return fmt.Errorf("read the file: %w", err)
}

func studyName(file string) string {
	name := strings.TrimSpace(file)
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	if name == "" {
		return "Imported study"
	}
	return truncate(name, 200)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n]))
}

// columnMetadata tells a column the import reads besides answers:
// respondent id, status, finished, times. Qualtrics' Status is the kind of
// response, not whether it was finished, and is neither read nor asked.
func columnMetadata(texts []string, format string) bool {
	for _, t := range texts {
		if role, ok := metadataNames[norm(t)]; ok {
			return !(role == RoleStatus && format == FormatQualtrics)
		}
	}
	return false
}

// notAnswers are the headers, normalised, of what tools record about a
// respondent or a response that is no answer of theirs: never proposed as a
// question, so never stored (addresses, names, e-mail, locations, the
// tools' own bookkeeping).
var notAnswers = map[string]bool{
	"ipaddress": true, "ip address": true, "ip": true, "email": true, "e mail": true, "email address": true,
	"recipientemail": true, "recipient email": true, "recipientfirstname": true, "recipientlastname": true,
	"recipient first name": true, "recipient last name": true, "first name": true, "last name": true, "name": true,
	"full name": true, "progress": true, "duration in seconds": true, "duration": true, "recordeddate": true,
	"recorded date": true, "distributionchannel": true, "distribution channel": true, "userlanguage": true,
	"user language": true, "externalreference": true, "externaldatareference": true, "external data reference": true,
	"locationlatitude": true, "locationlongitude": true, "location latitude": true, "location longitude": true,
	"collector id": true, "collectorid": true, "custom data": true, "custom data 1": true, "status": true,
	"lastpage": true, "last page": true, "startlanguage": true, "start language": true, "seed": true,
	"refurl": true, "referrer": true, "user agent": true, "useragent": true,
}

// notAnswer tells such a column by any of its header rows but
// SurveyMonkey's second, which names a part of a question (an option
// "Email" of "Which tools do you use?").
func notAnswer(texts []string, format string) bool {
	if format == FormatSurveyMonkey {
		texts = texts[:1]
	}
	for _, t := range texts {
		n := norm(t)
		if notAnswers[n] || slices.Contains(strings.Fields(n), "email") {
			return true
		}
	}
	return false
}

// proposeOutcomes pairs the rating columns into outcomes and tells which
// columns are ratings. A header row of a code and a scale ("O01_imp")
// gives the code; one of a statement and a scale ("<statement> -
// Importance", Qualtrics' "How important…? - <statement>", SurveyMonkey's
// question text above and statement below) gives the statement. Only an
// outcome with both scales is proposed; a lone rating column is ignored.
func proposeOutcomes(p *Proposal, h *header) []bool {
	type found struct {
		code, statement string
		cols            [2]int
		first           int
	}
	var all []*found
	byKey := map[string]*found{}
	ratings := make([]bool, len(h.texts))
	for i, texts := range h.texts {
		code, cs := "", ""
		for _, t := range texts {
			if c, s := codeAndScale(t); c != "" {
				code, cs = c, s
				break
			}
		}
		st, ss := statementAndScale(h, texts)
		scale := cs
		switch {
		case code != "" && st != "" && cs != ss:
			st = "" // the rows disagree: the code's row, being exact, wins
		case code == "" && st != "":
			scale = ss
		case code == "":
			continue
		}
		ratings[i] = true
		key := "statement " + norm(st)
		if code != "" {
			key = "code " + strings.ToLower(code)
		}
		f := byKey[key]
		if f == nil {
			f = &found{code: code, statement: st, cols: [2]int{-1, -1}, first: i}
			byKey[key] = f
			all = append(all, f)
		}
		at := 0
		if scale == ScaleSatisfaction {
			at = 1
		}
		if f.cols[at] >= 0 {
			p.Ignored = append(p.Ignored, h.name(i)) // a second column of the same rating
			continue
		}
		f.cols[at] = i
		if f.statement == "" {
			f.statement = st
		}
	}
	used := map[string]bool{}
	for _, f := range all {
		if f.code != "" {
			used[strings.ToLower(f.code)] = true
		}
	}
	n := 0
	for _, f := range all {
		if f.cols[0] < 0 || f.cols[1] < 0 {
			p.Ignored = append(p.Ignored, h.name(max(f.cols[0], f.cols[1])))
			continue
		}
		o := ProposedOutcome{Code: f.code, Statement: f.statement, cols: f.cols,
			Columns: [2]string{h.name(f.cols[0]), h.name(f.cols[1])}}
		if o.Code == "" {
			for {
				n++
				o.Code = fmt.Sprintf("O%02d", n)
				if !used[strings.ToLower(o.Code)] {
					break
				}
			}
			used[strings.ToLower(o.Code)] = true
		}
		if o.Statement == "" {
			o.Statement = o.Code // until the researcher writes it
		}
		o.fileCode, o.fileStmt = o.Code, o.Statement
		p.Outcomes = append(p.Outcomes, o)
	}
	return ratings
}

// proposeQuestion makes a column a question: Qualtrics' short name is the
// key and its label the text; SurveyMonkey's question text (with the
// sub-label of a column of several) both; one header row both.
func proposeQuestion(h *header, i int) ProposedQuestion {
	texts := h.texts[i]
	keyFrom, text, match := texts[0], texts[0], texts[0]
	switch h.format {
	case FormatQualtrics:
		if texts[1] != "" {
			text = texts[1]
		}
	case FormatSurveyMonkey:
		if sub := texts[1]; sub != "" && sub != "Response" && sub != "Open-Ended Response" {
			keyFrom, text, match = texts[0]+" "+sub, texts[0]+" - "+sub, sub
		}
	}
	return ProposedQuestion{Column: i, Header: h.name(i), Key: slug(keyFrom), Text: truncate(text, 500),
		Kind: surveys.KindText, Options: []string{}, match: match}
}

// slug makes a header a question key: lower case letters, digits and
// underscores, beginning with a letter, at most 40.
func slug(s string) string {
	key := strings.ReplaceAll(norm(s), " ", "_")
	key = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return -1
	}, key)
	key = strings.Trim(strings.ReplaceAll(key, "__", "_"), "_")
	if key == "" || key[0] < 'a' || key[0] > 'z' {
		key = "q_" + key
	}
	if len(key) > 40 {
		key = strings.TrimRight(key[:40], "_")
	}
	if surveys.ReservedKey(key) {
		key = strings.TrimRight(key[:min(len(key), 38)], "_") + "_q"
	}
	return strings.TrimRight(key, "_")
}

// uniqueKeys numbers the keys that repeat: role, role_2, role_3.
func uniqueKeys(qs []ProposedQuestion) {
	seen := map[string]bool{}
	for i := range qs {
		key := qs[i].Key
		for n := 2; seen[key]; n++ {
			suffix := fmt.Sprintf("_%d", n)
			key = qs[i].Key[:min(len(qs[i].Key), 40-len(suffix))] + suffix
		}
		seen[key] = true
		qs[i].Key = key
	}
}

// proposeKinds reads the rows: a question column with 2 to
// maxProposedOptions distinct answers is a single choice among them, in
// the order first seen; any other is free text. Answers that differ only
// in case, or that a choice could not hold (a ";", over 200 characters),
// make it free text too.
func proposeKinds(p *Proposal, h *header, src rowSource) error {
	type seen struct {
		values []string
		lower  map[string]bool
		text   bool
	}
	cols := make([]seen, len(p.Questions))
	for i := range cols {
		cols[i].lower = map[string]bool{}
	}
	buffered := h.data
	for {
		var rec []string
		var err error
		if len(buffered) > 0 {
			rec, buffered = buffered[0], buffered[1:]
		} else if rec, err = src.next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fileError(err)
		}
		if blankRow(rec) {
			continue
		}
		p.Rows++
		for i, q := range p.Questions {
			c := &cols[i]
			if c.text || q.Column >= len(rec) {
				continue
			}
			v := strings.TrimSpace(rec[q.Column])
			switch {
			case v == "" || slices.Contains(c.values, v):
			case c.lower[strings.ToLower(v)] || strings.Contains(v, ";") || utf8.RuneCountInString(v) > 200 || len(c.values) == maxProposedOptions:
				c.text, c.values = true, nil
			default:
				c.values = append(c.values, strings.Clone(v))
				c.lower[strings.ToLower(v)] = true
			}
		}
	}
	for i := range p.Questions {
		if c := cols[i]; !c.text && len(c.values) >= 2 {
			p.Questions[i].Kind, p.Questions[i].Options = surveys.KindSingle, c.values
		}
	}
	return nil
}

// fileDesign is the design by which the import reads the file into a study
// of design d (or, before there is one, a study to be): d's outcomes by
// slot and questions by key, under the codes, statements and texts the
// file's headers give, so that the researcher's corrections never stop a
// column from being found.
func fileDesign(d *surveys.Design, p *Proposal) *surveys.Design {
	fd := *d
	fd.Outcomes = slices.Clone(d.Outcomes)
	for i := range fd.Outcomes {
		o := &fd.Outcomes[i]
		if o.Slot < len(p.Outcomes) {
			o.Code, o.Statement = p.Outcomes[o.Slot].fileCode, p.Outcomes[o.Slot].fileStmt
		}
	}
	fd.Questions = slices.Clone(d.Questions)
	for i := range fd.Questions {
		if at := slices.IndexFunc(p.Questions, func(q ProposedQuestion) bool { return q.Key == fd.Questions[i].Key }); at >= 0 {
			fd.Questions[i].Text = p.Questions[at].match
		}
	}
	return &fd
}

// proposedDesign is the design the proposal would make, before it is
// stored: outcomes in slots 0, 1, … and the questions as proposed.
func proposedDesign(p *Proposal) *surveys.Design {
	d := &surveys.Design{Study: surveys.Study{Language: "en"}}
	for i, o := range p.Outcomes {
		d.Outcomes = append(d.Outcomes, surveys.Outcome{Code: o.Code, Statement: o.Statement, Slot: i})
	}
	for _, q := range p.Questions {
		d.Questions = append(d.Questions, surveys.Question{Key: q.Key, Text: q.Text, Kind: q.Kind, Options: q.Options})
	}
	return d
}

// checkProposal reads the header as the import will, with the proposal's
// design: a rating column the import would not find as proposed is
// dropped, with its outcome, and a question's likewise; what would still
// refuse the import (two columns giving one rating) is in Problems.
func checkProposal(p *Proposal, h *header) {
	var problems problem.List
	cols := mapColumns(fileDesign(proposedDesign(p), p), h, &problems)
	outcomes := p.Outcomes[:0]
	for _, o := range p.Outcomes {
		if cols[o.cols[0]].Key == o.fileCode && cols[o.cols[0]].Scale == ScaleImportance &&
			cols[o.cols[1]].Key == o.fileCode && cols[o.cols[1]].Scale == ScaleSatisfaction {
			outcomes = append(outcomes, o)
		} else {
			p.Ignored = append(p.Ignored, o.Columns[:]...)
		}
	}
	p.Outcomes = outcomes
	questions := p.Questions[:0]
	for _, q := range p.Questions {
		if c := cols[q.Column]; c.MapsTo == RoleQuestion && c.Key == q.Key {
			questions = append(questions, q)
		} else {
			p.Ignored = append(p.Ignored, q.Header)
		}
	}
	p.Questions = questions
	delete(problems, "file") // the import's words for a file of another study
	if len(p.Outcomes) == 0 {
		problems.Add("outcomes", "no two columns rate one outcome for importance and for satisfaction: expected headers such as "+
			"O01_imp and O01_sat, or <statement> - Importance and <statement> - Satisfaction")
	}
	if len(problems) > 0 {
		p.Problems = problems
	}
}
