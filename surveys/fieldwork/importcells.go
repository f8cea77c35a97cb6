package fieldwork

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"odi/surveys"
)

var errEmptyFile = errors.New("the file is empty")

// scaleLabels maps a rating's label, normalised, to its value: the study's
// language and English, so "Extremely important" reads 5 in any study.
func scaleLabels(lang string) [2]map[string]byte {
	labels := [2]map[string]byte{{}, {}}
	for _, l := range []string{"en", lang} {
		msgs := surveys.Messages[l]
		for v := byte(1); v <= 5; v++ {
			labels[0][norm(msgs[fmt.Sprintf("imp%d", v)])] = v
			labels[1][norm(msgs[fmt.Sprintf("sat%d", v)])] = v
		}
	}
	return labels
}

// ratingValue reads a cell of a rating column: a whole number from 1 to hi
// ("4", or "4.00" as spreadsheets write it), "4 - Very important", or the
// scale's label. ok is false for anything else: the cell is out of scale.
func ratingValue(cell string, hi int, labels map[string]byte) (byte, bool) {
	if len(cell) == 1 && cell[0] >= '1' && int(cell[0]-'0') <= hi {
		return cell[0] - '0', true // the usual case, at no cost
	}
	if f, err := strconv.ParseFloat(cell, 64); err == nil {
		if f == float64(int(f)) && f >= 1 && int(f) <= hi {
			return byte(f), true
		}
		return 0, false
	}
	n := norm(cell)
	if v, ok := labels[n]; ok {
		return v, true
	}
	// "5 - Extremely important", "5 = Extremely important": the number
	// leads, and the label after it must be the one of that number.
	num, label, _ := strings.Cut(n, " ")
	if v, err := strconv.Atoi(num); err == nil && v >= 1 && v <= hi && (label == "" || labels[label] == byte(v)) {
		return byte(v), true
	}
	return 0, false
}

// statusValue reads a status column's cell: odi's own statuses and the
// words other tools use for them.
func statusValue(cell string) (string, bool) {
	switch norm(cell) {
	case "complete", "completed", "finished":
		return surveys.Complete, true
	case "in progress", "partial", "incomplete":
		return surveys.InProgress, true
	case "screened out", "disqualified", "screenout":
		return surveys.ScreenedOut, true
	case "quota full", "over quota", "overquota", "quotafull":
		return surveys.QuotaFull, true
	}
	return "", false
}

// finishedValue reads a yes/no "finished" column's cell.
func finishedValue(cell string) (string, bool) {
	switch norm(cell) {
	case "1", "true", "yes":
		return surveys.Complete, true
	case "0", "false", "no":
		return surveys.InProgress, true
	}
	return "", false
}

// timeLayouts are the ways tools write a moment: RFC 3339 (odi), ISO without
// a zone (Qualtrics, LimeSurvey), and month/day/year (SurveyMonkey, Google
// Forms in the US). A time without a zone is read as UTC.
var timeLayouts = []string{
	time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04",
	"01/02/2006 15:04:05", "1/2/2006 15:04:05", "01/02/2006 3:04:05 PM", "1/2/2006 3:04:05 PM",
	"01/02/2006 15:04", "1/2/2006 15:04", "2006/01/02 15:04:05", "2006/01/02 3:04:05 PM",
}

// timeValue reads a time cell; times before 1970 are refused (the year 1 is
// the zero time, which odi's export writes as no time).
func timeValue(cell string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, cell); err == nil {
			return t.UTC(), t.Year() >= 1970
		}
	}
	return time.Time{}, false
}

// responseTimes are an imported response's start and finish from the
// file's started_at and finished_at (nil where the file has none), taken at
// now when the file has neither. A response with only one of them starts and
// finishes then, and one with neither at now: either way it has no
// completion time (results' scored.duration), and so cannot be speeding. A
// response in progress has no finish.
func responseTimes(started, finished *time.Time, status string, now time.Time) (time.Time, *time.Time) {
	start, end := now, now
	switch {
	case started != nil && finished != nil:
		start, end = *started, *finished
	case started != nil:
		start, end = *started, *started
	case finished != nil:
		start, end = *finished, *finished
	}
	if status == surveys.InProgress {
		return start, nil
	}
	return start, &end
}

// outOfScale counts, per column, the cells no rating could be read from.
type outOfScale struct {
	order  []int
	counts map[int]map[string]int
}

func (o *outOfScale) add(col int, cell string) {
	if o.counts == nil {
		o.counts = map[int]map[string]int{}
	}
	if o.counts[col] == nil {
		o.order = append(o.order, col)
		o.counts[col] = map[string]int{}
	}
	if len(o.counts[col]) < 50 || o.counts[col][cell] > 0 { // a column of free text is named by its first values
		o.counts[col][cell]++
	}
}

// OutOfScale is one column's cells outside the scale, by value.
type OutOfScale struct {
	Column string         `json:"column"`
	Values map[string]int `json:"values"`
}

func (o *outOfScale) list(cols []ImportColumn) []OutOfScale {
	out := make([]OutOfScale, 0, len(o.order))
	for _, i := range o.order {
		out = append(out, OutOfScale{Column: cols[i].Column, Values: o.counts[i]})
	}
	return out
}
