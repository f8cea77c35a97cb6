package mailing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"odi/surveys/problem"
)

// ParseRecipients reads a list of recipients as the Fieldwork tab takes
// it, pasted or uploaded: CSV, one recipient a line, the address first and
// the panel's id second if any; or a header row naming the columns email
// and panel_id, in any order, with other columns ignored. At most
// MaxRecipients rows are read.
func ParseRecipients(r io.Reader) ([]RecipientInput, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	emailCol, panelCol := 0, 1
	var out []RecipientInput
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, problem.Invalid("recipients", fmt.Sprintf("line %d is not CSV: %v", line, errors.Unwrap(err)))
		}
		if line == 1 && header(rec, &emailCol, &panelCol) {
			continue
		}
		if len(rec) == 0 || len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(out) == MaxRecipients {
			return nil, problem.Invalid("recipients", fmt.Sprintf("at most %d in one mailing", MaxRecipients))
		}
		var in RecipientInput
		if emailCol < len(rec) {
			in.Email = strings.TrimSpace(rec[emailCol])
		}
		if panelCol >= 0 && panelCol < len(rec) {
			in.PanelID = strings.TrimSpace(rec[panelCol])
		}
		out = append(out, in)
	}
	if len(out) == 0 {
		return nil, problem.Invalid("recipients", "give at least one e-mail address")
	}
	return out, nil
}

// header tells whether rec is a header row, and if so where its columns are.
func header(rec []string, emailCol, panelCol *int) bool {
	e, p := -1, -1
	for i, name := range rec {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))) {
		case "email", "e-mail":
			e = i
		case "panel_id":
			p = i
		}
	}
	if e < 0 {
		return false
	}
	*emailCol, *panelCol = e, p
	return true
}
