package app

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/fieldwork"
	"odi/surveys/problem"
)

// importProblem is one bad cell of a rejected responses file.
type importProblem struct {
	Row    string // "3", or "" for the header or the whole file
	Column string
	Reason string
	row    int // for ordering
}

// importRefusal is the API's answer to a responses file it will not take:
// the error and its fields, with what was understood of the file.
type importRefusal struct {
	apiError
	*fieldwork.ImportReport
}

// importResponses takes a responses file in odi's layout or another tool's
// export: ?dry_run=1 answers what it understood and writes nothing;
// ?out_of_scale=missing reads cells outside a rating's scale as blanks.
func (s *Server) importResponses(c *fiber.Ctx) error {
	opt, err := importOptions(c.Query("dry_run"), c.Query("out_of_scale"))
	if err != nil {
		return err
	}
	rep, err := s.runImport(c, opt)
	if ve := validation(err); ve != nil && rep != nil {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(importRefusal{apiError{Error: "validation failed", Fields: ve.Fields}, rep})
	}
	if err != nil {
		return err
	}
	if opt.DryRun {
		return c.JSON(rep)
	}
	return c.Status(fiber.StatusCreated).JSON(rep)
}

// runImport reads the uploaded file, as CSV or as a workbook, and imports
// it into the request's study.
func (s *Server) runImport(c *fiber.Ctx, opt fieldwork.ImportOptions) (*fieldwork.ImportReport, error) {
	r, isXLSX, done, err := uploadedReader(c)
	if err != nil {
		return nil, err
	}
	defer done()
	opt.XLSX = isXLSX
	return s.fieldwork.ImportResponses(c.UserContext(), designOf(c), r, opt)
}

func importOptions(dryRun, outOfScale string) (fieldwork.ImportOptions, error) {
	var opt fieldwork.ImportOptions
	if dryRun != "" {
		b, err := strconv.ParseBool(dryRun)
		if err != nil {
			return opt, problem.Invalid("dry_run", "must be 1 or 0")
		}
		opt.DryRun = b
	}
	switch outOfScale {
	case "", "refuse":
	case "missing":
		opt.OutOfScaleMissing = true
	default:
		return opt, problem.Invalid("out_of_scale", "must be refuse (the default) or missing")
	}
	return opt, nil
}

// importResponsesPage is the Results tab's responses import without
// JavaScript: the file as a multipart form, the answer a page. The Preview
// button is a dry run whose page shows what was understood; the researcher
// then picks the file again and presses Import. results.js sends the same
// form to the API instead, to show upload progress and preview at once.
func (s *Server) importResponsesPage(c *fiber.Ctx) error {
	d := designOf(c)
	preview := c.FormValue("preview") != ""
	opt, err := importOptions(strconv.FormatBool(preview), c.FormValue("out_of_scale"))
	if err != nil {
		return err
	}
	rep, err := s.runImport(c, opt)
	show := fiber.Map{"ImportDryRun": preview, "OutOfScaleMissing": opt.OutOfScaleMissing, "ImportPreview": newImportPreview(rep)}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		show["ImportProblems"] = importProblems(ve.Fields)
		return s.showResults(c, d, show)
	}
	if err != nil {
		return err
	}
	if preview {
		show["ImportProblems"] = importProblems(rep.Problems)
		return s.showResults(c, d, show)
	}
	return c.Redirect(fmt.Sprintf("%s?imported=%d#import", studyPath(d.Study.ID, "results"), rep.Imported), fiber.StatusSeeOther)
}

// importProblems lists the fields of a rejected import ("row 3, O01_imp",
// "column O09_imp", "respondent_id r7", "file") in file order: the file and
// header first, then by row and column.
func importProblems(fields map[string]string) []importProblem {
	out := make([]importProblem, 0, len(fields))
	for k, v := range fields {
		p := importProblem{Column: k, Reason: v}
		if rest, ok := strings.CutPrefix(k, "row "); ok {
			if num, col, ok := strings.Cut(rest, ", "); ok {
				if n, err := strconv.Atoi(num); err == nil {
					p = importProblem{Row: num, Column: col, Reason: v, row: n}
				}
			}
		} else if col, ok := strings.CutPrefix(k, "column "); ok {
			p.Column = col
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b importProblem) int {
		return cmp.Or(cmp.Compare(a.row, b.row), strings.Compare(a.Column, b.Column))
	})
	return out
}
