package surveys

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Messages is the catalogue of fixed interface strings a respondent sees, per
// survey language: one JSON file a language in messages/. A new language
// needs more than its file: the language rules of the study (study.go) and
// of the job lint (app/lint_pages.go), the defaults below, and the job
// statement's grammar (statement/job.go). The study's own texts (intro,
// outcomes, questions) are written by the researcher in whatever language
// they like. Keys "step.X" are a default job step's title for respondents
// (fieldwork/survey.go), keyed by the step's name X in that language.
var Messages = readCatalogues()

//go:embed messages/*.json
var catalogues embed.FS

// readCatalogues reads the catalogues built into the binary; one that is not
// JSON is a fault of the build, caught by the tests before a release.
func readCatalogues() map[string]map[string]string {
	files, err := fs.Glob(catalogues, "messages/*.json")
	if err != nil {
		panic(err)
	}
	out := make(map[string]map[string]string, len(files))
	for _, f := range files {
		var m map[string]string
		b, err := catalogues.ReadFile(f)
		if err == nil {
			err = json.Unmarshal(b, &m)
		}
		if err != nil {
			panic(fmt.Sprintf("surveys: message catalogue %s: %v", f, err))
		}
		out[strings.TrimSuffix(path.Base(f), ".json")] = m
	}
	return out
}

// defaults translates the texts odi fills in for a study — the job step
// names, the four forces wording and a copy's name, which are stored with
// the study — keyed by the English text.
var defaults = map[string]map[string]string{
	"fr": {
		"Define": "Définir", "Locate": "Localiser", "Prepare": "Préparer", "Confirm": "Confirmer",
		"Execute": "Exécuter", "Monitor": "Surveiller", "Modify": "Modifier", "Conclude": "Conclure",
		DefaultForces.Push:    "Dans quelle mesure votre façon actuelle de faire vous frustre-t-elle\u00a0?",
		DefaultForces.Pull:    "Dans quelle mesure une nouvelle façon de faire vous attire-t-elle\u00a0?",
		DefaultForces.Anxiety: "À quel point craignez-vous ce qui pourrait mal tourner si vous changiez\u00a0?",
		DefaultForces.Habit:   "À quel point serait-il difficile d'abandonner votre façon actuelle de faire\u00a0?",
		"Copy of %s":          "Copie de %s",
		// The role template (question.go): the four avatars.
		"Which best describes your part in this?":                                "Lequel décrit le mieux votre rôle\u00a0?",
		"I do the job myself (job executor)":                                     "Je fais ce travail moi-même (exécutant du travail)",
		"I benefit from the job being done (job beneficiary)":                    "Je bénéficie de ce travail (bénéficiaire)",
		"I install, maintain or support the product (product lifecycle support)": "J'installe, entretiens ou assiste le produit (support du cycle de vie)",
		"I decide what to buy (purchase decision-maker)":                         "Je décide de l'achat (décideur d'achat)",
	},
}

// Default returns text in lang when it is one of odi's English defaults (a
// default job step name or four forces question), and text itself otherwise:
// what a researcher wrote is theirs.
func Default(lang, text string) string {
	if t, ok := defaults[lang][text]; ok {
		return t
	}
	return text
}

// DefaultForcesIn is the default wording of the four forces in lang.
func DefaultForcesIn(lang string) ForcesWording {
	w := DefaultForces
	return ForcesWording{Push: Default(lang, w.Push), Pull: Default(lang, w.Pull), Anxiety: Default(lang, w.Anxiety), Habit: Default(lang, w.Habit)}
}

// Msg looks a string up in a language's catalogue, falling back to English.
func Msg(lang, key string) string {
	if m, ok := Messages[lang][key]; ok {
		return m
	}
	return Messages["en"][key]
}
