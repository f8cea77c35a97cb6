package fieldwork

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// parsed is what an import keeps of a file read against a design: the
// report and, when the file has an excluded column, what it says of each
// row with the row's respondent id and what the study's rule needs of it,
// for keepExclusions. Nothing else of a row outlives its chunk.
type parsed struct {
	said   []fileSays
	ids    []string
	rule   []results.Incoming
	report ImportReport
}

// refused is an import's answer to a file it will not take: in a dry run,
// the report with the problems and no error; otherwise the error, with the
// report when the header was understood.
func (p *parsed) refused(opt ImportOptions, err error) (*ImportReport, error) {
	var ve *problem.Validation
	if p == nil || !errors.As(err, &ve) {
		return nil, err
	}
	if opt.DryRun {
		p.report.Problems = ve.Fields
		return &p.report, nil
	}
	return &p.report, err
}

// parseResponses reads and checks a responses file against the design,
// handing its rows to add a chunk at a time (clean while no problem has
// been found) and reporting the ids add says are taken. add may answer for
// a chunk on its next call (importWriter.add): it may keep a chunk until
// then, and is called once more with none at the end.
func parseResponses(d *surveys.Design, src rowSource, opt ImportOptions, add func(rows []surveys.Response, clean bool) ([]string, error)) (*parsed, error) {
	h, err := readHeader(src)
	if errors.Is(err, errEmptyFile) {
		return nil, problem.Invalid("file", "is empty")
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, problem.Invalid("file", fmt.Sprintf("row %d: is not valid CSV: %v", pe.Line, pe.Err))
	}
	if err != nil {
		return nil, err
	}
	var problems problem.List
	cols := mapColumns(d, h, &problems)
	p := &parsed{report: ImportReport{DryRun: opt.DryRun, Format: h.format, Columns: cols, Ignored: []string{}, OutOfScale: []OutOfScale{}}}
	has := map[string]bool{}
	for _, c := range cols {
		has[c.MapsTo] = true
		if c.MapsTo == RoleIgnored {
			p.report.Ignored = append(p.report.Ignored, c.Column)
		}
	}
	if err := problems.Err(); err != nil {
		return p, err
	}
	nSlots := 0
	for _, o := range d.Outcomes {
		nSlots = max(nSlots, o.Slot+1)
	}
	labels := scaleLabels(d.Study.Language)
	slots := results.OutcomeSlots(d)
	_, padded := src.(*xlsxSource) // a sheet's row ends at its last cell
	now := time.Now().UTC()
	if has[RoleExcluded] {
		p.said = []fileSays{}
	}
	var scale outOfScale
	ids := map[string]int{}
	line := h.rows // the file's line of the row read last
	bad := func(col, msg string) {
		if len(problems) < maxImportErrors {
			problems.Add(fmt.Sprintf("row %d, %s", line, col), msg)
		}
	}
	// add may still hold a chunk when it returns, so the rows fill two
	// chunks in turn; a call with none waits for the last.
	rows, spare := make([]surveys.Response, 0, importChunk), make([]surveys.Response, 0, importChunk)
	flush := func() error {
		taken, err := add(rows, problems == nil)
		for _, id := range taken {
			if len(problems) < maxImportErrors {
				problems.Add("respondent_id "+id, "is already in this study")
			}
		}
		rows, spare = spare[:0], rows
		return err
	}
	var ratings []byte // the block the rows' ratings are cut from
	buffered := h.data
	for {
		var rec []string
		if len(buffered) > 0 {
			rec, buffered = buffered[0], buffered[1:]
		} else if rec, err = src.next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad("file", "is not valid CSV: "+pe.Err.Error())
			} else {
				bad("file", err.Error())
			}
			break
		}
		line++
		if len(rec) > len(cols) || (len(rec) < len(cols) && !padded) {
			bad("file", fmt.Sprintf("has %d cells, the header has %d", len(rec), len(cols)))
			continue
		}
		if blankRow(rec) {
			continue
		}
		if ratings == nil || len(ratings)+2*nSlots > cap(ratings) {
			// One allocation for many rows' ratings: a few hundred blocks
			// for the collector at a million rows, not a million objects.
			// A block is freed once its rows are stored (p.rule keeps
			// what the rule makes of them, not the ratings).
			ratings = make([]byte, 0, max(1<<20, 2*nSlots))
		}
		r := surveys.Response{Source: surveys.SourceImport, Answers: map[string]string{}, Ratings: ratings[len(ratings) : len(ratings)+2*nSlots : len(ratings)+2*nSlots],
			StartedAt: now, UpdatedAt: now, ItemOrder: []string{}}
		ratings = ratings[:len(ratings)+2*nSlots]
		says := saysNothing
		var started, finished *time.Time
		for i, cell := range rec {
			if cell == "" {
				continue
			}
			if cell[0] <= ' ' || cell[len(cell)-1] <= ' ' || cell[0] >= utf8.RuneSelf || cell[len(cell)-1] >= utf8.RuneSelf {
				if cell = strings.TrimSpace(cell); cell == "" {
					continue
				}
			}
			c := &cols[i] // not a copy: a column carries its question
			switch c.MapsTo {
			case RoleRespondentID:
				// A copy: the cell is part of the row's text, which the map
				// would otherwise hold on to, row after row.
				r.RespondentID = strings.Clone(cell)
				if len(cell) > 200 {
					bad(c.Column, "must be at most 200 characters")
				} else if prev, dup := ids[r.RespondentID]; dup {
					bad(c.Column, fmt.Sprintf("%s repeats row %d", cell, prev))
				} else {
					ids[r.RespondentID] = line
				}
			case RoleStatus, RoleFinished:
				read := statusValue
				if c.MapsTo == RoleFinished {
					read = finishedValue
				}
				v, ok := read(cell)
				if !ok {
					msg := "must be 1 or 0 (true or false, yes or no)"
					if c.MapsTo == RoleStatus {
						msg = "must be complete, in_progress, screened_out or quota_full"
					}
					bad(c.Column, msg)
					v = cell // refused here; not "is required" as well
				}
				r.Status = v
			case RoleExcluded:
				switch cell {
				case "1":
					says = saysOut
				case "0":
					says = saysIn
				default:
					bad(c.Column, "must be 1 (out of the results), 0 (in them) or empty (the study's rule decides)")
				}
			case RoleStartedAt, RoleFinishedAt:
				t, ok := timeValue(cell)
				if !ok {
					bad(c.Column, "must be a time since 1970, such as 2026-01-05T09:30:00Z or 2026-01-05 09:30:00")
				} else if c.MapsTo == RoleStartedAt {
					started = &t
				} else {
					finished = &t
				}
			case RolePanelID, RoleURLField:
				// Copies, as the respondent id is.
				if msg := panelValue(cell); msg != "" {
					bad(c.Column, msg)
				} else if c.MapsTo == RolePanelID {
					r.ExternalID = strings.Clone(cell)
				} else {
					if r.URLFields == nil {
						r.URLFields = map[string]string{}
					}
					r.URLFields[c.Key] = strings.Clone(cell)
				}
			case RoleQuestion:
				v, msg := answer(c.q, Text(cell))
				if msg != "" {
					bad(c.Column, msg)
				} else if v != "" {
					r.Answers[c.q.Key] = v
				}
			case RoleRating:
				if cell == "NA" {
					continue // not asked (surveys/widecsv.go): no rating
				}
				v, ok := ratingValue(cell, 5, labels[c.at%2])
				if !ok {
					scale.add(i, cell)
					continue
				}
				r.Ratings[c.at] = v
			case RoleForce:
				v, ok := ratingValue(cell, 10, nil)
				if !ok {
					bad(c.Column, "must be a whole number from 1 to 10")
					continue
				}
				if len(r.Forces) == 0 {
					r.Forces = make([]byte, 4)
				}
				r.Forces[c.at] = v
			}
		}
		switch {
		case r.Status != "":
		case has[RoleStatus]:
			bad("status", "is required: complete, in_progress, screened_out or quota_full")
		default:
			r.Status = inferredStatus(d, &r)
		}
		r.StartedAt, r.FinishedAt = responseTimes(started, finished, r.Status, now)
		switch {
		case finished != nil && r.Status == surveys.InProgress && has[RoleStatus]:
			bad("finished_at", "must be empty for a response in progress")
		case started != nil && finished != nil && finished.Before(*started):
			bad("finished_at", "is before started_at")
		}
		if r.RespondentID == "" {
			r.RespondentID = uuid.NewString()
		}
		p.report.Rows++
		if p.said != nil {
			p.said = append(p.said, says)
			p.ids = append(p.ids, r.RespondentID)
			p.rule = append(p.rule, results.Incoming{Status: r.Status, PanelID: r.ExternalID, Facts: results.NewRatingFacts(slots, r.Ratings),
				StartedAt: r.StartedAt, FinishedAt: r.FinishedAt})
		}
		if rows = append(rows, r); len(rows) == importChunk {
			if err := flush(); err != nil {
				return p, err
			}
		}
	}
	if err := flush(); err != nil {
		return p, err
	}
	if err := flush(); err != nil { // the last chunk's answer
		return p, err
	}
	p.report.OutOfScale = scale.list(cols)
	if len(p.report.OutOfScale) > 0 && !opt.OutOfScaleMissing {
		for _, o := range p.report.OutOfScale {
			problems.Add("column "+o.Column, "has values outside the scale 1 to 5: "+describeCounts(o.Values)+
				"; they can be read as blanks instead (out_of_scale=missing)")
		}
	}
	if err := problems.Err(); err != nil {
		return p, err
	}
	if p.report.Rows == 0 {
		return p, problem.Invalid("file", "has no response rows")
	}
	return p, nil
}

// inferredStatus is the status of a response from a file without one:
// complete when every outcome asked of its role (every outcome, without a
// role question) is rated on both scales.
func inferredStatus(d *surveys.Design, r *surveys.Response) string {
	role := ""
	if d.Study.RoleQuestion != "" {
		role = r.Answers[d.Study.RoleQuestion]
	}
	for _, o := range d.Outcomes {
		if role != "" && len(o.Roles) > 0 && !slices.Contains(o.Roles, role) {
			continue
		}
		if r.Ratings[2*o.Slot] == 0 || r.Ratings[2*o.Slot+1] == 0 {
			return surveys.InProgress
		}
	}
	return surveys.Complete
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// describeCounts lists values with their counts, most frequent first:
// `"0" ×12, "N/A" ×3`.
func describeCounts(values map[string]int) string {
	keys := slices.Collect(maps.Keys(values))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(values[b]-values[a], strings.Compare(a, b)) })
	parts := make([]string, 0, min(len(keys), 10))
	for i, k := range keys {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("and %d more values", len(keys)-10))
			break
		}
		parts = append(parts, fmt.Sprintf("%q ×%d", k, values[k]))
	}
	return strings.Join(parts, ", ")
}
