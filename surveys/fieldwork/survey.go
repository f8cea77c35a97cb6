package fieldwork

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"odi/surveys"
	"odi/surveys/statement"
)

// Survey is what a respondent is asked, generated from a study's design: the
// intro, screeners first, then profile questions, one page of paired ratings
// per job step, the four forces when on, and the thank-you text.
type Survey struct {
	Slug      string                 `json:"slug"`
	Title     string                 `json:"title"`
	Language  string                 `json:"language"`
	Intro     string                 `json:"intro"`
	Thanks    string                 `json:"thanks"`
	Minutes   int                    `json:"minutes"`
	Screeners []surveys.Question     `json:"screeners"`
	Profile   []surveys.Question     `json:"profile"`
	Lead      string                 `json:"lead"` // the sentence above every page of ratings
	Pages     []Page                 `json:"pages"`
	Attention *AttentionCheck        `json:"attention,omitempty"`
	Forces    *surveys.ForcesWording `json:"forces,omitempty"`
	Scale     Scale                  `json:"scale"`
	// RoleQuestion is the key of the profile question whose answer routes
	// the respondent: an item with Roles is asked only of those roles.
	RoleQuestion string `json:"role_question,omitempty"`

	// The link's parameters a response keeps: the panel id's and the
	// others, sent back as panel_id and url_fields.
	PanelParam string   `json:"panel_param,omitempty"`
	URLFields  []string `json:"url_fields,omitempty"`
}

// Page is one job step's outcomes.
type Page struct {
	Step  string `json:"step"`
	Items []Item `json:"items"`
}

// Item is one outcome worded as its two rating questions (a question the
// outcome does not ask, surveys.Outcome.Ask, is empty), or, in a
// respondent's stages only, an attention check item.
type Item struct {
	Code         string   `json:"code"`
	Statement    string   `json:"statement"`
	Importance   string   `json:"importance"`
	Satisfaction string   `json:"satisfaction"`
	Roles        []string `json:"roles,omitempty"` // the roles it is asked of; every role when empty
	Slot         int      `json:"-"`               // the outcome's place in surveys.Response.Ratings
	Attention    bool     `json:"-"`               // an instructed-response item, not an outcome
	Check        int      `json:"-"`               // which attention check (from 0), when Attention
}

// askedOf tells whether the item is asked of a respondent whose answer to
// the role question is role: always when the item names no roles, and
// while the role is not answered yet, since nothing routes the respondent.
func (it Item) askedOf(role string) bool {
	return len(it.Roles) == 0 || role == "" || slices.Contains(it.Roles, role)
}

// Scale holds the words of ratings 1..5 (docs/scoring.md, "Ratings") in the
// survey's language.
type Scale struct {
	Importance   [5]string `json:"importance"`
	Satisfaction [5]string `json:"satisfaction"`
}

// secondsPerPair is how long a respondent takes to rate one outcome twice.
const secondsPerPair = 7

// build generates the respondent's survey, with the attention checks the
// design asks (Design.ChecksAsked). A page is headed by its step's title
// (StepTitle); four forces questions that are odi's English defaults are
// shown in the survey's language.
func build(d *surveys.Design) *Survey {
	st := d.Study
	lang := st.Language
	sv := &Survey{Title: st.Name, Language: lang, Intro: st.Intro, Thanks: st.Thanks, PanelParam: st.PanelParam, URLFields: st.URLFields,
		RoleQuestion: st.RoleQuestion}
	if st.Slug != nil {
		sv.Slug = *st.Slug
	}
	for i := range 5 {
		sv.Scale.Importance[i] = surveys.Msg(lang, fmt.Sprintf("imp%d", i+1))
		sv.Scale.Satisfaction[i] = surveys.Msg(lang, fmt.Sprintf("sat%d", i+1))
	}
	for _, q := range d.Questions {
		if len(q.ScreenOut) > 0 {
			sv.Screeners = append(sv.Screeners, q)
		} else {
			sv.Profile = append(sv.Profile, q)
		}
	}
	// A want that would not read after "When you" ("be productive", "I want
	// to …") is left out: the questions are asked without the job.
	want := ""
	if statement.WantReads(lang, st.Job.Want) {
		want = lowerFirst(strings.TrimRight(strings.TrimSpace(spoken(lang, st.Job.Want)), ".,;: "))
	}
	sv.Lead = surveys.Msg(lang, "rate_lead_bare")
	if want != "" {
		sv.Lead = fmt.Sprintf(surveys.Msg(lang, "rate_lead"), want)
	}
	titles := map[string]string{}
	for _, sp := range d.Steps {
		titles[sp.Name] = sp.Title
	}
	// The ratings of the outcomes, each asked once or twice: those asked of
	// everyone, and those of the role with the most, as the survey's length
	// is told before a respondent says their role.
	ratings, byRole := 0, map[string]int{}
	for _, outs := range d.Pages() {
		p := Page{Step: StepTitle(lang, outs[0].Step, titles[outs[0].Step])}
		for _, o := range outs {
			it := Item{Code: o.Code, Statement: o.Statement, Slot: o.Slot, Roles: o.Roles}
			n := 0
			if o.Ask != ScaleSatisfaction {
				it.Importance = importanceQuestion(lang, want, o.Statement)
				n++
			}
			if o.Ask != ScaleImportance {
				it.Satisfaction = surveys.Msg(lang, "sat_q")
				n++
			}
			if len(o.Roles) == 0 {
				ratings += n
			}
			for _, r := range o.Roles {
				byRole[r] += n
			}
			p.Items = append(p.Items, it)
		}
		sv.Pages = append(sv.Pages, p)
	}
	most := 0
	for _, n := range byRole {
		most = max(most, n)
	}
	ratings += most
	checks := d.ChecksAsked()
	if checks > 0 {
		sv.Attention = newAttentionCheck(lang, sv.Scale, checks)
	}
	if st.FourForces {
		sv.Forces = forcesIn(lang, st.ForcesWording)
	}
	seconds := ratings*secondsPerPair/2 + checks*secondsPerPair + len(d.Questions)*8
	if st.FourForces {
		seconds += 4 * 6
	}
	sv.Minutes = max(1, int(math.Ceil(float64(seconds)/60)))
	return sv
}

// forcesIn is the four forces wording a respondent reads: a question left
// empty, or left as odi's English default, is the default in lang.
func forcesIn(lang string, w surveys.ForcesWording) *surveys.ForcesWording {
	def := surveys.DefaultForcesIn(lang)
	out := surveys.ForcesWording{}
	for _, f := range []struct {
		text, def string
		to        *string
	}{
		{w.Push, def.Push, &out.Push}, {w.Pull, def.Pull, &out.Pull},
		{w.Anxiety, def.Anxiety, &out.Anxiety}, {w.Habit, def.Habit, &out.Habit},
	} {
		*f.to = surveys.Default(lang, strings.TrimSpace(f.text))
		if *f.to == "" {
			*f.to = f.def
		}
	}
	return &out
}

// importanceQuestion words an outcome from the job: "When you <want>, how
// important is it to you that you are able to <outcome>?". want is the job's
// want as the survey speaks it.
func importanceQuestion(lang, want, stmt string) string {
	outcome := lowerFirst(strings.TrimRight(strings.TrimSpace(spoken(lang, stmt)), ".?! "))
	if want == "" {
		return fmt.Sprintf(surveys.Msg(lang, "imp_q_bare"), outcome)
	}
	return fmt.Sprintf(surveys.Msg(lang, "imp_q"), want, outcome)
}

// spoken is researcher text as the survey puts it to the respondent: in
// English, first-person words become second person (SecondPerson).
func spoken(lang, s string) string {
	if lang == "en" {
		return SecondPerson(s)
	}
	return s
}

// lowerFirst lower-cases a leading capital unless the word is an acronym ("API").
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsUpper(r) {
		return s
	}
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// StepTitle is what respondents read above a step's outcomes: the title the
// researcher gave it, else, for one of the universal job steps, a title in
// plain words ("Getting ready" rather than the job map's "Define"), else the
// step's name.
func StepTitle(lang, name, title string) string {
	if title != "" {
		return title
	}
	// A default step may be stored in English; a language odi lacks reads
	// English, as every message does.
	name = surveys.Default(lang, name)
	for _, l := range []string{lang, "en"} {
		if t, ok := surveys.Messages[l]["step."+name]; ok {
			return t
		}
	}
	return name
}
