package app

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// importProblem is one bad cell of a rejected responses file.
type importProblem struct {
	Row    string // "3", or "" for the header or the whole file
	Column string
	Reason string
	row    int // for ordering
}

// importResponsesPage is the Results tab's responses import without
// JavaScript: the file as a multipart form, the answer a page. results.js
// sends the same form to the API instead, to show upload progress.
func (s *Server) importResponsesPage(c *fiber.Ctx) error {
	d := designOf(c)
	data, _, err := uploadedFile(c)
	n := 0
	if err == nil {
		n, err = s.fieldwork.ImportResponses(c.UserContext(), designOf(c), bytes.NewReader(data))
	}
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showResults(c, d, fiber.Map{"ImportProblems": importProblems(ve.Fields)})
	}
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("%s?imported=%d#import", studyPath(d.Study.ID, "results"), n), fiber.StatusSeeOther)
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
