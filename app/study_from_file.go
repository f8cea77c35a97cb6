package app

import (
	"bytes"
	"encoding/json"

	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
)

// A study from a file: the API proposes the study a file of another tool's
// export holds (?dry_run=1) and creates it from the file and the corrected
// proposal; the page does the same with a form. The page is one form
// holding the file and, once proposed, the proposal's inputs: with
// JavaScript (fromfile.js) the proposal is fetched into the page, so the
// chosen file stays in the form and is sent again with the corrections;
// without it the page comes back with the proposal and asks for the file
// again, since a browser never keeps a chosen file across pages.

// studyFile is the uploaded file of a study from a file: its bytes, whether
// it is a workbook, and its name (the raw body's from ?name=).
func studyFile(c *fiber.Ctx) ([]byte, bool, string, error) {
	data, isXLSX, err := uploadedFile(c)
	if err != nil {
		return nil, false, "", err
	}
	name := c.Query("name")
	if fh, err := c.FormFile("file"); err == nil {
		name = fh.Filename
	}
	return data, isXLSX, name, nil
}

// createdFromFile is the API's answer to a study made from a file: the
// study, and the import's report (imported, columns, ignored…).
type createdFromFile struct {
	Study *surveys.Study `json:"study"`
	*fieldwork.ImportReport
}

func (s *Server) studyFromFile(c *fiber.Ctx) error {
	opt, err := importOptions(c.Query("dry_run"), c.Query("out_of_scale"))
	if err != nil {
		return err
	}
	data, isXLSX, name, err := studyFile(c)
	if err != nil {
		return err
	}
	opt.XLSX = isXLSX
	if opt.DryRun {
		p, err := fieldwork.ProposeStudy(bytes.NewReader(data), isXLSX, name)
		if err != nil {
			return err
		}
		return c.JSON(p)
	}
	var corrected *fieldwork.Proposal
	if raw := c.FormValue("proposal"); raw != "" {
		corrected = &fieldwork.Proposal{}
		if err := json.Unmarshal([]byte(raw), corrected); err != nil {
			return problem.Invalid("proposal", "is not the JSON of a proposal: "+err.Error())
		}
	}
	st, rep, err := s.fieldwork.CreateStudyFromFile(c.UserContext(), userOf(c), bytes.NewReader(data), name, corrected, opt)
	if ve := validation(err); ve != nil && rep != nil {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(importRefusal{apiError{Error: "validation failed", Fields: ve.Fields}, rep})
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(createdFromFile{st, rep})
}

func (s *Server) studyFromFilePage(c *fiber.Ctx) error {
	return s.render(c, "study_from_file", fromFileData(nil, nil))
}

// fromFileData is the page: the proposal, and every bad field both beside
// its input and listed in file order (an import's bad cells by row).
func fromFileData(p *fieldwork.Proposal, fields map[string]string) fiber.Map {
	return fiber.Map{"Title": "New study from a file", "Proposal": p, "Fields": fields, "Problems": importProblems(fields),
		"Styles": []string{"editor.css"}, "Scripts": []string{"fromfile.js"}}
}

// studyFromFileForm is the page's form: "Propose" (step=propose) answers
// the page with the file's proposal; "Create the study" (step=create)
// creates it from the file and the corrections and lands on its results.
func (s *Server) studyFromFileForm(c *fiber.Ctx) error {
	corrected := readProposalForm(c)
	data, isXLSX, name, err := studyFile(c)
	if err != nil {
		if corrected != nil && validation(err) != nil {
			err = problem.Invalid("file", "choose the file again: a browser does not keep it from one page to the next")
		}
		return s.fromFileRefused(c, corrected, err)
	}
	if c.FormValue("step") != "create" {
		p, err := fieldwork.ProposeStudy(bytes.NewReader(data), isXLSX, name)
		if err != nil {
			return s.fromFileRefused(c, nil, err)
		}
		return s.render(c, "study_from_file", fromFileData(p, p.Problems))
	}
	opt, err := importOptions("", c.FormValue("out_of_scale"))
	if err != nil {
		return s.fromFileRefused(c, corrected, err)
	}
	opt.XLSX = isXLSX
	st, _, err := s.fieldwork.CreateStudyFromFile(c.UserContext(), userOf(c), bytes.NewReader(data), name, corrected, opt)
	if err != nil {
		return s.fromFileRefused(c, corrected, err)
	}
	return c.Redirect(studyPath(st.ID, "results"), fiber.StatusSeeOther)
}

// fromFileRefused shows the page again with what was wrong, the
// researcher's corrections kept.
func (s *Server) fromFileRefused(c *fiber.Ctx, p *fieldwork.Proposal, err error) error {
	ve := validation(err)
	if ve == nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	data := fromFileData(p, ve.Fields)
	data["OutOfScaleMissing"] = c.FormValue("out_of_scale") == "missing"
	return s.render(c, "study_from_file", data)
}

// readProposalForm reads the proposal's inputs as the researcher corrected
// them, nil when the form has none (the first upload). Outcomes come in
// the file's order; a question is kept when its box is ticked, and keeps
// the proposed kind and options.
func readProposalForm(c *fiber.Ctx) *fieldwork.Proposal {
	form, err := c.MultipartForm()
	if err != nil || len(form.Value["o_code"]) == 0 && len(form.Value["q_column"]) == 0 {
		return nil
	}
	v := form.Value
	at := func(name string, i int) string {
		if i < len(v[name]) {
			return v[name][i]
		}
		return ""
	}
	p := &fieldwork.Proposal{Name: c.FormValue("name"), Outcomes: []fieldwork.ProposedOutcome{}, Questions: []fieldwork.ProposedQuestion{}}
	for i := range v["o_code"] {
		p.Outcomes = append(p.Outcomes, fieldwork.ProposedOutcome{Code: at("o_code", i), Statement: at("o_statement", i),
			Columns: [2]string{at("o_imp", i), at("o_sat", i)}})
	}
	keep := map[string]bool{}
	for _, col := range v["q_keep"] {
		keep[col] = true
	}
	for i, col := range v["q_column"] {
		n, err := strconv.Atoi(col)
		if err != nil || !keep[col] {
			continue
		}
		p.Questions = append(p.Questions, fieldwork.ProposedQuestion{Column: n, Header: at("q_header", i), Key: strings.TrimSpace(at("q_key", i)), Text: at("q_text", i)})
	}
	return p
}
