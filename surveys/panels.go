package surveys

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"odi/surveys/problem"
)

// Paid sample comes from panels that send respondents to the open link with
// their panel id (and often other fields) in the URL, and expect them back at
// one URL per outcome. A study says which URL parameter holds the panel id
// (PanelParam), which others to keep (URLFields) and where each outcome
// ends (EndURLs).

// EndURLs are where a finished respondent is sent, one template per outcome;
// an empty one shows odi's own end page.
type EndURLs struct {
	Complete    string `json:"complete"`
	ScreenedOut string `json:"screened_out"`
	QuotaFull   string `json:"quota_full"`
}

// For is the template of a finished response's status.
func (e EndURLs) For(status string) string {
	switch status {
	case Complete:
		return e.Complete
	case ScreenedOut:
		return e.ScreenedOut
	case QuotaFull:
		return e.QuotaFull
	}
	return ""
}

// each lists the three templates with their JSON names.
func (e *EndURLs) each() []struct {
	name string
	url  *string
} {
	return []struct {
		name string
		url  *string
	}{{Complete, &e.Complete}, {ScreenedOut, &e.ScreenedOut}, {QuotaFull, &e.QuotaFull}}
}

// Bounds of the panel settings: a URL carries a handful of fields, and
// everything a respondent's URL brings is stored with the response.
const (
	maxURLFields   = 10
	maxEndURL      = 2000
	maxParamLength = 64
)

// paramName is what a URL parameter a study keeps may be called: panels use
// names such as pid, PROLIFIC_PID, RID, psid or src.
var paramName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)

// reservedParams are the survey link's own parameters, which no panel field
// may take.
var reservedParams = []string{"r", "i", "p", "end", "sid", "go"}

// placeholder finds {name} in an end URL template.
var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

// checkPanel adds to fields what is wrong with a study's panel settings: the
// names of its parameters, and end URLs that are http(s) and use only the
// placeholders {panel_id}, {status} and its URL fields, and {segment} in a
// typing survey, where no URL field may take that name.
func checkPanel(st *Study, typing bool, fields *problem.List) {
	names := map[string]bool{}
	for i, name := range slices.Concat([]string{st.PanelParam}, st.URLFields) {
		field := "panel_param"
		if i > 0 {
			field = fmt.Sprintf("url_fields[%d]", i-1)
		}
		switch {
		case name == "" && i == 0:
			continue
		case len(name) > maxParamLength || !paramName.MatchString(name):
			fields.Add(field, "must be a URL parameter name: a letter, then letters, digits, _ . or -, at most 64")
		case slices.Contains(reservedParams, strings.ToLower(name)):
			fields.Add(field, "is a parameter of the survey link itself: choose another name")
		case i > 0 && (slices.Contains(wideLeading, strings.ToLower(name)) || typing && strings.EqualFold(name, "segment")):
			fields.Add(field, "is a column of the responses file already: choose another name")
		case names[strings.ToLower(name)]:
			fields.Add(field, "is named twice")
		}
		names[strings.ToLower(name)] = true
	}
	if len(st.URLFields) > maxURLFields {
		fields.Add("url_fields", fmt.Sprintf("must have at most %d fields", maxURLFields))
	}
	for _, e := range st.EndURLs.each() {
		field := "end_urls." + e.name
		u := *e.url
		if u == "" {
			continue
		}
		if len(u) > maxEndURL {
			fields.Add(field, fmt.Sprintf("must be at most %d characters", maxEndURL))
			continue
		}
		for _, m := range placeholder.FindAllStringSubmatch(u, -1) {
			switch {
			case m[1] == "panel_id", m[1] == "status", slices.Contains(st.URLFields, m[1]), typing && m[1] == "segment":
			case typing:
				fields.Add(field, fmt.Sprintf("has the placeholder {%s}: use {panel_id}, {status}, {segment} or a URL field", m[1]))
			default:
				fields.Add(field, fmt.Sprintf("has the placeholder {%s}: use {panel_id}, {status} or a URL field", m[1]))
			}
		}
		if msg := problem.Rule(placeholder.ReplaceAllString(u, "x"), "http_url"); msg != "" {
			fields.Add(field, msg)
		}
	}
}

// FillEndURL fills an end URL template for a finished response: {panel_id},
// {status}, {segment} (a typing survey's) and each {<url field>} become the
// response's values, URL-escaped.
func FillEndURL(template string, r *Response) string {
	return placeholder.ReplaceAllStringFunc(template, func(m string) string {
		name := m[1 : len(m)-1]
		switch name {
		case "panel_id":
			return url.QueryEscape(r.ExternalID)
		case "status":
			return url.QueryEscape(r.Status)
		case "segment":
			return url.QueryEscape(r.Segment)
		}
		return url.QueryEscape(r.URLFields[name])
	})
}

// PanelPreset fills a study's panel settings for a panel that works one
// common way: from its completion codes (Prolific) or from the base URL it
// gives, with the outcome in a parameter of its own (Cint, Dynata).
type PanelPreset struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	PanelParam string   `json:"panel_param"`
	URLFields  []string `json:"url_fields"`
	Needs      string   `json:"needs"` // "codes" (one a status) or "base_url"
	BaseURL    string   `json:"base_url,omitempty"`
	EndURLs    EndURLs  `json:"end_urls"` // {code} or {base_url} stand for what the researcher gives
	Help       string   `json:"help"`
}

// PanelPresets are the panels odi knows. Their end URLs follow each panel's
// documented redirects.
var PanelPresets = []PanelPreset{
	{ID: "prolific", Name: "Prolific", PanelParam: "PROLIFIC_PID", URLFields: []string{"STUDY_ID", "SESSION_ID"}, Needs: "codes",
		EndURLs: EndURLs{
			Complete:    "https://app.prolific.com/submissions/complete?cc={code}",
			ScreenedOut: "https://app.prolific.com/submissions/complete?cc={code}",
			QuotaFull:   "https://app.prolific.com/submissions/complete?cc={code}",
		},
		Help: "The completion codes of the study on Prolific, one for each outcome you pay or reject differently; an outcome without a code shows odi's own end page."},
	{ID: "cint", Name: "Cint (Lucid marketplace)", PanelParam: "RID", Needs: "base_url", BaseURL: "https://samplicio.us/s/ClientCallBack.aspx",
		EndURLs: EndURLs{
			Complete:    "{base_url}?RIS=10&RID={panel_id}",
			ScreenedOut: "{base_url}?RIS=20&RID={panel_id}",
			QuotaFull:   "{base_url}?RIS=40&RID={panel_id}",
		},
		Help: "The client callback URL Cint gives, without parameters; RIS=10 is complete, 20 screened out, 40 over quota."},
	{ID: "dynata", Name: "Dynata", PanelParam: "psid", Needs: "base_url", BaseURL: "https://dkr1.ssisurveys.com/projects/end",
		EndURLs: EndURLs{
			Complete:    "{base_url}?rst=1&psid={panel_id}",
			ScreenedOut: "{base_url}?rst=2&psid={panel_id}",
			QuotaFull:   "{base_url}?rst=3&psid={panel_id}",
		},
		Help: "The redirect URL Dynata gives, without parameters; rst=1 is complete, 2 screened out, 3 over quota."},
}

// PresetInput applies a preset: its id, and the completion codes or the base
// URL it needs (a preset's own base URL when none is given).
type PresetInput struct {
	ID      string  `json:"id"`
	Codes   EndURLs `json:"codes"` // for "codes": one completion code per outcome
	BaseURL string  `json:"base_url"`
}

// apply sets st's panel parameter, URL fields and end URLs from the preset.
func (in PresetInput) apply(st *Study, fields *problem.List) {
	i := slices.IndexFunc(PanelPresets, func(p PanelPreset) bool { return p.ID == in.ID })
	if i < 0 {
		ids := make([]string, len(PanelPresets))
		for j, p := range PanelPresets {
			ids[j] = p.ID
		}
		fields.Add("panel_preset.id", "must be one of: "+strings.Join(ids, ", "))
		return
	}
	p := PanelPresets[i]
	st.PanelParam, st.URLFields, st.EndURLs = p.PanelParam, append([]string{}, p.URLFields...), p.EndURLs
	if p.Needs == "codes" {
		codes := in.Codes
		given := codes.each()
		for j, e := range st.EndURLs.each() {
			code := strings.TrimSpace(*given[j].url)
			if code == "" {
				*e.url = ""
				continue
			}
			*e.url = strings.ReplaceAll(*e.url, "{code}", url.QueryEscape(code))
		}
		if st.EndURLs.Complete == "" {
			fields.Add("panel_preset.codes.complete", "is required: the completion code "+p.Name+" gave")
		}
		return
	}
	base := strings.TrimSpace(in.BaseURL)
	if base == "" {
		base = p.BaseURL
	}
	if msg := problem.Rule(base, "http_url"); msg != "" {
		fields.Add("panel_preset.base_url", msg)
		return
	}
	for _, e := range st.EndURLs.each() {
		*e.url = strings.ReplaceAll(*e.url, "{base_url}", base)
		if strings.Contains(base, "?") {
			// The base URL has parameters of its own: add the preset's to them.
			*e.url = strings.Replace(*e.url, base+"?", base+"&", 1)
		}
	}
}
