package app

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
)

// panelForm is the Job tab's panel settings as the browser sends them: the
// URL parameter of the panel id, the URL fields (separated by commas or
// spaces), the three end URLs, and a preset that, when chosen, fills them
// from the panel's completion codes or base URL.
type panelForm struct {
	Shown                 bool // the form had the panel inputs; a form without them leaves the settings alone
	PanelParam, URLFields string
	EndURLs               surveys.EndURLs
	Preset, PresetBase    string
	PresetCodes           surveys.EndURLs
}

func readPanelForm(c *fiber.Ctx) panelForm {
	return panelForm{Shown: c.FormValue("panel") != "",
		PanelParam: c.FormValue("panel_param"), URLFields: c.FormValue("url_fields"),
		EndURLs: surveys.EndURLs{Complete: c.FormValue("end_complete"), ScreenedOut: c.FormValue("end_screened_out"),
			QuotaFull: c.FormValue("end_quota_full")},
		Preset: c.FormValue("preset"), PresetBase: c.FormValue("preset_base_url"),
		PresetCodes: surveys.EndURLs{Complete: c.FormValue("preset_complete"), ScreenedOut: c.FormValue("preset_screened_out"),
			QuotaFull: c.FormValue("preset_quota_full")},
	}
}

func panelFormOf(st surveys.Study) panelForm {
	return panelForm{Shown: true, PanelParam: st.PanelParam, URLFields: strings.Join(st.URLFields, ", "), EndURLs: st.EndURLs}
}

// input adds the panel settings to a study edit; a chosen preset fills them
// over what was typed.
func (f panelForm) input(in *surveys.StudyInput) {
	if !f.Shown {
		return
	}
	fields := strings.FieldsFunc(f.URLFields, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	in.PanelParam, in.URLFields, in.EndURLs = &f.PanelParam, &fields, &f.EndURLs
	if f.Preset != "" {
		in.PanelPreset = &surveys.PresetInput{ID: f.Preset, Codes: f.PresetCodes, BaseURL: f.PresetBase}
	}
}

// Presets are the panel presets the form offers.
func (panelForm) Presets() []surveys.PanelPreset { return surveys.PanelPresets }
