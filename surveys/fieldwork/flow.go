package fieldwork

import (
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"odi/surveys"
)

// A respondent pages through a survey in stages: the welcome, the screeners,
// the profile questions, one page of ratings per job step with the outcomes
// in their own order, and the four forces.

// Stage kinds.
const (
	StageWelcome   = "welcome"
	StageQuestions = "questions"
	StageOutcomes  = "outcomes"
	StageForces    = "forces"
)

// Stage is one page of a respondent's survey.
type Stage struct {
	Kind      string
	Title     string
	Questions []surveys.Question
	Items     []Item // in the respondent's order, with an attention check item where one falls
}

// Order shuffles the outcomes within each job step with a generator seeded
// from seed: each respondent gets their own order, and the same one every
// time. The order is stored with the response (Response.ItemOrder).
func (sv *Survey) Order(seed string) []string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x6f6469))
	var out []string
	for _, pg := range sv.Pages {
		codes := make([]string, len(pg.Items))
		for i, it := range pg.Items {
			codes[i] = it.Code
		}
		rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
		out = append(out, codes...)
	}
	return out
}

// Stages lays the survey out for one respondent whose answer to the role
// question is role ("" for none yet): the outcomes asked of that role in
// order (codes not in it keep the design's order, after those that are), a
// page whose outcomes are all for other roles left out, and the attention
// checks, when the survey asks them, placed from seed among those pages.
func (sv *Survey) Stages(order []string, seed, role string) []Stage {
	lang := sv.Language
	stages := []Stage{{Kind: StageWelcome, Title: sv.Title}}
	for _, qs := range [][]surveys.Question{sv.Screeners, sv.Profile} {
		if len(qs) > 0 {
			stages = append(stages, Stage{Kind: StageQuestions, Title: surveys.Msg(lang, "about_you"), Questions: qs})
		}
	}
	rank := make(map[string]int, len(order))
	for i, code := range order {
		rank[code] = i
	}
	at := func(code string) int {
		if i, ok := rank[code]; ok {
			return i
		}
		return len(order)
	}
	pages := sv.routed(role)
	places := attentionPlaces(sv.Attention, pages, seed)
	for i, pg := range pages {
		items := slices.Clone(pg.Items)
		slices.SortStableFunc(items, func(a, b Item) int { return at(a.Code) - at(b.Code) })
		if c := slices.IndexFunc(places, func(p checkPlace) bool { return p.page == i }); c >= 0 {
			items = slices.Insert(items, places[c].at, Item{Statement: sv.Attention.Text, Attention: true, Check: c})
		}
		title := pg.Step
		if title == "" {
			title = sv.Title
		}
		stages = append(stages, Stage{Kind: StageOutcomes, Title: title, Items: items})
	}
	if sv.Forces != nil {
		stages = append(stages, Stage{Kind: StageForces, Title: surveys.Msg(lang, "forces")})
	}
	return stages
}

// routed are the pages of ratings as a respondent of role sees them: only
// the items asked of the role, and no page left empty.
func (sv *Survey) routed(role string) []Page {
	if sv.RoleQuestion == "" || role == "" {
		return sv.Pages
	}
	var pages []Page
	for _, pg := range sv.Pages {
		var items []Item
		for _, it := range pg.Items {
			if it.askedOf(role) {
				items = append(items, it)
			}
		}
		if len(items) > 0 {
			pages = append(pages, Page{Step: pg.Step, Items: items})
		}
	}
	return pages
}

// Role is a respondent's answer to the role question, "" when the survey
// has none or they have not answered it.
func (sv *Survey) Role(a *Answers) string {
	if sv.RoleQuestion == "" {
		return ""
	}
	return a.Questions[sv.RoleQuestion]
}

// Answers is what a respondent has given so far, keyed as a survey names
// things: the page draws them, and a posted page updates them before it is
// checked.
type Answers struct {
	Questions map[string]string               // question key -> answer as stored (multi-choice joined with ;)
	Ratings   map[string][2]int               // outcome code -> importance, satisfaction (1–5, 0 = none)
	Forces    map[string]int                  // force name -> 1–10
	Attention [surveys.MaxAttentionChecks]int // each attention check's rating, 0 = none
}

// NewAnswers is a respondent who has answered nothing.
func NewAnswers() *Answers {
	return &Answers{Questions: map[string]string{}, Ratings: map[string][2]int{}, Forces: map[string]int{}}
}

// AnswersOf reads a stored response; nil is nothing answered.
func (sv *Survey) AnswersOf(r *surveys.Response) *Answers {
	a := NewAnswers()
	if r == nil {
		return a
	}
	maps.Copy(a.Questions, r.Answers)
	for i := range a.Attention {
		a.Attention[i], _ = strconv.Atoi(r.Answers[surveys.AttentionKey(i)])
		delete(a.Questions, surveys.AttentionKey(i))
	}
	for _, pg := range sv.Pages {
		for _, it := range pg.Items {
			imp, sat := r.Rating(it.Slot)
			a.Ratings[it.Code] = [2]int{int(imp), int(sat)}
		}
	}
	for i, name := range surveys.ForceNames {
		if i < len(r.Forces) {
			a.Forces[name] = int(r.Forces[i])
		}
	}
	return a
}

// Missing names what a stage still lacks, as a submission names its fields
// ("answers.role", "ratings.O01.importance", "forces.push", "attention"):
// required questions, the ratings every outcome asks, the page's attention
// check, all four forces.
func (st *Stage) Missing(a *Answers) []string {
	var out []string
	for _, q := range st.Questions {
		if q.Required && strings.TrimSpace(a.Questions[q.Key]) == "" {
			out = append(out, "answers."+q.Key)
		}
	}
	for _, it := range st.Items {
		if it.Attention {
			if a.Attention[it.Check] == 0 {
				out = append(out, "attention")
			}
			continue
		}
		r := a.Ratings[it.Code]
		if r[0] == 0 && it.Importance != "" {
			out = append(out, "ratings."+it.Code+".importance")
		}
		if r[1] == 0 && it.Satisfaction != "" {
			out = append(out, "ratings."+it.Code+".satisfaction")
		}
	}
	if st.Kind == StageForces {
		for _, name := range surveys.ForceNames {
			if a.Forces[name] == 0 {
				out = append(out, "forces."+name)
			}
		}
	}
	return out
}

// ResumeAt is where a returning respondent continues: the first stage after
// the welcome with something unanswered, or the last one.
func ResumeAt(stages []Stage, a *Answers) int {
	last := len(stages) - 1
	for p := 1; p < last; p++ {
		if len(stages[p].Missing(a)) > 0 {
			return p
		}
	}
	return last
}
