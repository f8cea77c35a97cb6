package programme

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"odi/surveys/export"
)

// WritePeople writes the linked people as CSV, one row each: link_id (the
// first panel id, else the first e-mail, with its kind), every panel id and
// e-mail that names them (";"-separated), how many studies they answered and
// in how many they are in a high-opportunity segment, then per study their
// segment ("answered" when they answered outside any segment, empty when
// they did not answer) and 1 or 0 for a high-opportunity segment.
func (cj *CrossJob) WritePeople(w io.Writer) error {
	header := []string{"link_id", "panel_ids", "emails", "studies", "high_studies"}
	for _, st := range cj.Studies {
		name := fmt.Sprintf("%s (study %d)", st.Name, st.ID)
		header = append(header, name+" segment", name+" high")
	}
	rows := make([][]string, len(cj.People))
	for i, pe := range cj.People {
		n, high := pe.Studies()
		rec := []string{pe.LinkID, strings.Join(pe.PanelIDs, ";"), strings.Join(pe.Emails, ";"), strconv.Itoa(n), strconv.Itoa(high)}
		for _, a := range pe.Answers {
			switch {
			case a == nil:
				rec = append(rec, "", "")
			case a.Segment == "":
				rec = append(rec, "answered", "0")
			case a.High:
				rec = append(rec, a.Segment, "1")
			default:
				rec = append(rec, a.Segment, "0")
			}
		}
		rows[i] = rec
	}
	if err := export.TextCSV(w, header, rows); err != nil {
		return fmt.Errorf("people of programme %d: %w", cj.ID, err)
	}
	return nil
}
