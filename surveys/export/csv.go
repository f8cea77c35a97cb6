package export

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
)

// RankedCSV writes every group's ranked table as one long CSV: a Group column
// (the label people read) first, then the workbook's ranked columns. It is
// UTF-8 with a byte order mark so Excel reads accents and non-Latin scripts
// right; numbers are unrounded; text that came from people cannot run as a
// formula (see safe.go).
func RankedCSV(w io.Writer, groups []Group) error {
	if len(groups) == 0 {
		return errors.New("ranked csv: no opportunities")
	}
	return spreadsheetCSV(w, func(write func([]string) error) error {
		if err := write(append([]string{"Group"}, RankedHeader...)); err != nil {
			return err
		}
		num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
		rec := make([]string, 0, len(RankedHeader)+1)
		for _, g := range groups {
			label := csvSafe(oneLine(g.Label))
			for _, o := range g.Outcomes {
				rec = append(rec[:0], label, strconv.Itoa(o.Rank), csvSafe(o.Code), csvSafe(o.Step), csvSafe(o.Statement),
					num(o.Importance), num(o.Satisfaction), num(o.Opportunity), csvSafe(o.Class), strconv.Itoa(o.N),
					num(o.ImportanceCI[0]), num(o.ImportanceCI[1]), num(o.SatisfactionCI[0]), num(o.SatisfactionCI[1]),
					num(o.MeanImportance), num(o.MeanSatisfaction), num(o.Gap))
				if err := write(rec); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ResponsesCSV writes the wide responses file as it is stored: every answer
// exactly, no byte order mark, so that the file imports back
// (POST .../responses/import) byte for byte.
func ResponsesCSV(w io.Writer, r *Responses) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(r.header()); err != nil {
		return err
	}
	if err := r.Rows(cw.Write); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// SafeResponsesCSV writes the wide responses file for opening in a
// spreadsheet: UTF-8 with a byte order mark, and every cell of text that came
// from people and starts like a formula prefixed with an apostrophe
// (csvSafe). Ratings, and answers to number and NPS questions that read as
// numbers, are left as they are, so -3 stays the number -3. ResponsesCSV
// keeps every answer exactly instead, so that it imports back; this one is
// for reading.
func SafeResponsesCSV(w io.Writer, r *Responses) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(r.header()); err != nil { // keys and codes, which start with a letter
		return err
	}
	err := r.Rows(func(rec []string) error {
		for i, v := range rec {
			if _, num := number(v); r.Columns[i].Kind == TextColumn || !num {
				rec[i] = csvSafe(v)
			}
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// TextCSV writes a table of text for opening in a spreadsheet: UTF-8 with a
// byte order mark, and every cell that starts like a formula prefixed with
// an apostrophe (csvSafe), since any of them may have come from people.
func TextCSV(w io.Writer, header []string, rows [][]string) error {
	return spreadsheetCSV(w, func(write func([]string) error) error {
		for _, rec := range append([][]string{header}, rows...) {
			safe := make([]string, len(rec))
			for i, v := range rec {
				safe[i] = csvSafe(oneLine(v))
			}
			if err := write(safe); err != nil {
				return err
			}
		}
		return nil
	})
}

// spreadsheetCSV writes the records rows gives as a CSV for a spreadsheet
// to open: UTF-8 with a byte order mark, so Excel reads accents and
// non-Latin scripts right.
func spreadsheetCSV(w io.Writer, rows func(write func([]string) error) error) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := rows(cw.Write); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
