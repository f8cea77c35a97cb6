package surveys

// Messages is the catalogue of fixed interface strings a respondent sees, per
// survey language. The study's own texts (intro, outcomes, questions) are
// written by the researcher in whatever language they like.
var Messages = map[string]map[string]string{
	"en": {
		"start": "Start", "next": "Next", "back": "Back", "finish": "Finish", "saved": "Saved",
		"minutes":    "About %d minutes",
		"privacy":    "Your answers are stored without your name and used only for this research.",
		"importance": "How important is this to you?", "satisfaction": "How satisfied are you today?",
		"imp_q":      "When you %s, how important is it to you that you are able to %s?",
		"imp_q_bare": "How important is it to you that you are able to %s?",
		"sat_q":      "How satisfied are you with how well you can do this today?",
		"imp1":       "Not at all important", "imp2": "Somewhat important", "imp3": "Important", "imp4": "Very important", "imp5": "Extremely important",
		"sat1": "Not at all satisfied", "sat2": "Somewhat satisfied", "sat3": "Satisfied", "sat4": "Very satisfied", "sat5": "Extremely satisfied",
		"forces":        "Switching to a new way",
		"forces_hint":   "1 = not at all, 10 = extremely",
		"about_you":     "About you",
		"required":      "Please answer this question.",
		"rating":        "Please choose a rating from 1 to 5.",
		"thanks":        "Thank you! Your answers have been recorded.",
		"screened_out":  "Thank you for your time. This survey is meant for other people, so there is nothing more to answer.",
		"closed":        "This survey is closed. Thank you for your interest.",
		"progress":      "Progress",
		"resume":        "You can come back to this page later to continue where you left off.",
		"preview":       "Preview — nothing you enter here is stored.",
		"choose":        "Choose one",
		"choose_many":   "Choose any that apply",
		"nps_low":       "Not at all likely",
		"nps_high":      "Extremely likely",
		"attention":     "To show you are reading carefully, please choose %q for this item.",
		"errors_banner": "Some answers need your attention.",
	},
	"fr": {
		"start": "Commencer", "next": "Suivant", "back": "Retour", "finish": "Terminer", "saved": "Enregistré",
		"minutes":    "Environ %d minutes",
		"privacy":    "Vos réponses sont enregistrées sans votre nom et servent uniquement à cette étude.",
		"importance": "Quelle importance cela a-t-il pour vous ?", "satisfaction": "Quelle est votre satisfaction aujourd'hui ?",
		"imp_q":      "Quand vous voulez %s, quelle importance a pour vous le fait de pouvoir %s ?",
		"imp_q_bare": "Quelle importance a pour vous le fait de pouvoir %s ?",
		"sat_q":      "Dans quelle mesure êtes-vous satisfait de la façon dont vous pouvez le faire aujourd'hui ?",
		"imp1":       "Pas du tout important", "imp2": "Assez important", "imp3": "Important", "imp4": "Très important", "imp5": "Extrêmement important",
		"sat1": "Pas du tout satisfait", "sat2": "Assez satisfait", "sat3": "Satisfait", "sat4": "Très satisfait", "sat5": "Extrêmement satisfait",
		"forces":        "Passer à une nouvelle façon de faire",
		"forces_hint":   "1 = pas du tout, 10 = extrêmement",
		"about_you":     "À propos de vous",
		"required":      "Merci de répondre à cette question.",
		"rating":        "Merci de choisir une note de 1 à 5.",
		"thanks":        "Merci ! Vos réponses ont été enregistrées.",
		"screened_out":  "Merci de votre temps. Cette enquête s'adresse à d'autres personnes : vous n'avez rien d'autre à répondre.",
		"closed":        "Cette enquête est close. Merci de votre intérêt.",
		"progress":      "Progression",
		"resume":        "Vous pouvez revenir sur cette page plus tard pour reprendre où vous en étiez.",
		"preview":       "Aperçu — rien de ce que vous saisissez ici n'est enregistré.",
		"choose":        "Choisissez une réponse",
		"choose_many":   "Choisissez toutes les réponses qui conviennent",
		"nps_low":       "Pas du tout probable",
		"nps_high":      "Extrêmement probable",
		"attention":     "Pour montrer que vous lisez attentivement, choisissez %q pour cette ligne.",
		"errors_banner": "Certaines réponses demandent votre attention.",
	},
}

// Msg looks a string up in a language's catalogue, falling back to English.
func Msg(lang, key string) string {
	if m, ok := Messages[lang][key]; ok {
		return m
	}
	return Messages["en"][key]
}
