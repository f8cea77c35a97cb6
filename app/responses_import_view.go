package app

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"odi/surveys/fieldwork"
)

// importPreview is an import's report laid out for the Results tab: every
// column of the file with what it gives, in words. results.js words the
// API's report the same way (its columnGives and formatNames).
type importPreview struct {
	DryRun     bool
	Format     string
	Rows       int
	Columns    []previewColumn
	Ignored    []string
	OutOfScale []previewOutOfScale
}

type previewColumn struct {
	Column, Gives string
	Ignored       bool
}

type previewOutOfScale struct {
	Column string
	Values []valueCount // most frequent first
}

type valueCount struct {
	Value string
	Count int
}

// formatNames name the header shapes as a researcher knows them.
var formatNames = map[string]string{
	fieldwork.FormatOneRow:       "One header row",
	fieldwork.FormatQualtrics:    "Qualtrics export (three header rows)",
	fieldwork.FormatSurveyMonkey: "SurveyMonkey export (two header rows)",
}

// metadataGives words the columns that carry no answer.
var metadataGives = map[string]string{
	fieldwork.RoleRespondentID: "respondent id",
	fieldwork.RoleStatus:       "status",
	fieldwork.RoleFinished:     "status (finished or not)",
	fieldwork.RoleStartedAt:    "start time",
	fieldwork.RoleFinishedAt:   "end time",
	fieldwork.RoleExcluded:     "excluded",
	fieldwork.RoleFlags:        "quality flags (worked out again)",
	fieldwork.RoleIgnored:      "ignored",
}

// newImportPreview is nil when the file could not be read far enough to
// report on.
func newImportPreview(rep *fieldwork.ImportReport) *importPreview {
	if rep == nil {
		return nil
	}
	p := &importPreview{DryRun: rep.DryRun, Format: cmp.Or(formatNames[rep.Format], rep.Format), Rows: rep.Rows, Ignored: rep.Ignored}
	for _, c := range rep.Columns {
		p.Columns = append(p.Columns, previewColumn{Column: c.Column, Gives: columnGives(c), Ignored: c.MapsTo == fieldwork.RoleIgnored})
	}
	for _, o := range rep.OutOfScale {
		v := previewOutOfScale{Column: o.Column}
		for _, k := range slices.Sorted(maps.Keys(o.Values)) {
			v.Values = append(v.Values, valueCount{k, o.Values[k]})
		}
		slices.SortStableFunc(v.Values, func(a, b valueCount) int { return b.Count - a.Count })
		p.OutOfScale = append(p.OutOfScale, v)
	}
	return p
}

// columnGives is what a column gives: "O01 importance", "question role",
// "force push", "respondent id", "ignored".
func columnGives(c fieldwork.ImportColumn) string {
	switch c.MapsTo {
	case fieldwork.RoleRating:
		return c.Key + " " + c.Scale
	case fieldwork.RoleQuestion, fieldwork.RoleForce:
		return c.MapsTo + " " + c.Key
	}
	return cmp.Or(metadataGives[c.MapsTo], strings.ReplaceAll(c.MapsTo, "_", " "))
}
