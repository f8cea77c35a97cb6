package app

import (
	"maps"
	"slices"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/fieldwork"
)

// What a panel's link carries: the respondent's panel id in the study's
// panel parameter, and the study's URL fields. The welcome page keeps them
// in hidden inputs, Start stores them with the response, and from then on
// the response holds them, resume included.

type panelLink struct {
	panelID string
	fields  map[string]string
}

// hiddenInput is one hidden input of the welcome page.
type hiddenInput struct{ Name, Value string }

// Posted names of the link's values on the welcome page.
const (
	panelIDField = "panel_id"
	urlFieldPre  = "url."
)

// linkOf reads the survey link's panel id and URL fields from the address.
func linkOf(c *fiber.Ctx, sv *fieldwork.Survey) panelLink {
	return readLink(sv, sv.PanelParam, "", c.Query)
}

// postedLink reads them back from the welcome page's hidden inputs.
func postedLink(c *fiber.Ctx, sv *fieldwork.Survey) panelLink {
	return readLink(sv, panelIDField, urlFieldPre, c.FormValue)
}

func readLink(sv *fieldwork.Survey, panelKey, prefix string, get func(string, ...string) string) panelLink {
	l := panelLink{fields: map[string]string{}}
	if panelKey != "" {
		l.panelID = get(panelKey)
	}
	for _, name := range sv.URLFields {
		if v := get(prefix + name); v != "" {
			l.fields[name] = v
		}
	}
	return l
}

// hidden are the welcome page's inputs that carry the link to Start.
func (l panelLink) hidden() []hiddenInput {
	var out []hiddenInput
	if l.panelID != "" {
		out = append(out, hiddenInput{panelIDField, l.panelID})
	}
	for _, name := range slices.Sorted(maps.Keys(l.fields)) {
		out = append(out, hiddenInput{urlFieldPre + name, l.fields[name]})
	}
	return out
}
