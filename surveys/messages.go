package surveys

// Messages is the catalogue of fixed interface strings a respondent sees, per
// survey language. The study's own texts (intro, outcomes, questions) are
// written by the researcher in whatever language they like.
var Messages = map[string]map[string]string{
	"en": {
		"start": "Start", "next": "Next", "back": "Back", "finish": "Finish", "saved": "Saved",
		"minutes":    "About %d minutes",
		"minute":     "About 1 minute",
		"privacy":    "Your answers are stored without your name and used only for this research.",
		"importance": "How important is this to you?", "satisfaction": "How satisfied are you today?",
		"imp_q":      "When you %s, how important is it to you that you are able to %s?",
		"imp_q_bare": "How important is it to you that you are able to %s?",
		"sat_q":      "How satisfied are you with how well you can do this today?",
		"imp1":       "Not at all important", "imp2": "Somewhat important", "imp3": "Important", "imp4": "Very important", "imp5": "Extremely important",
		"sat1": "Not at all satisfied", "sat2": "Somewhat satisfied", "sat3": "Satisfied", "sat4": "Very satisfied", "sat5": "Extremely satisfied",
		"forces":         "Switching to a new way",
		"forces_hint":    "1 = not at all, 10 = extremely",
		"about_you":      "About you",
		"short_survey":   "%s — short survey",
		"required":       "Please answer this question.",
		"rating":         "Please choose a rating from 1 to 5.",
		"thanks":         "Thank you! Your answers have been recorded.",
		"screened_out":   "Thank you for your time. This survey is meant for other people, so there is nothing more to answer.",
		"closed":         "This survey is closed. Thank you for your interest.",
		"quota_full":     "Thank you for your time. We have heard from enough people like you already, so there is nothing more to answer.",
		"panel_done":     "You have already finished this survey, so there is nothing more to answer. Thank you!",
		"progress":       "Progress",
		"resume":         "You can come back to this page later to continue where you left off.",
		"preview":        "Preview — nothing you enter here is stored.",
		"choose":         "Choose one",
		"choose_many":    "Choose any that apply",
		"nps_low":        "Not at all likely",
		"nps_high":       "Extremely likely",
		"attention":      "To show you are reading carefully, please choose “%s” for this item.",
		"errors_banner":  "Some answers need your attention.",
		"page_of":        "Page %d of %d",
		"optional":       "(optional)",
		"rate_lead":      "When you %s: how important is each of these to you, and how satisfied are you with how well you can do it today?",
		"rate_lead_bare": "How important is each of these to you, and how satisfied are you with how well you can do it today?",
		// A default job step's title for respondents (fieldwork/survey.go),
		// keyed by the step's name in this language.
		"step.Define": "Getting ready", "step.Locate": "Finding what you need", "step.Prepare": "Setting things up",
		"step.Confirm": "Checking before you start", "step.Execute": "Doing it", "step.Monitor": "Keeping track",
		"step.Modify": "Making changes", "step.Conclude": "Wrapping up",
		"force":              "Please choose a number from 1 to 10.",
		"number":             "Please enter a number.",
		"number_range":       "Please enter a number from %s to %s.",
		"number_min":         "Please enter a number of at least %s.",
		"number_max":         "Please enter a number of at most %s.",
		"invalid":            "Please check this answer.",
		"too_long":           "Please shorten this answer.",
		"not_found":          "We could not find this survey. Please check the link you were given.",
		"invitation_used":    "This invitation link has already been used.",
		"invitation_invalid": "This invitation link is not valid for this survey.",
		"resume_link":        "Link to continue later",
		"continue":           "Continue",
		"preview_back":       "Back to the study",
		"error":              "Sorry",
		"error_400":          "Your answers could not be read. Please go back to the survey and try again.",
		"error_429":          "You have sent a lot of answers in a short time. Please wait a minute, then go back to the survey and try again.",
		"error_500":          "Something went wrong on our side. Your answers so far are kept: please try again in a few minutes.",
		"error_ref":          "Reference: %s",
		"back_to_survey":     "Back to the survey",
	},
	"fr": {
		"start": "Commencer", "next": "Suivant", "back": "Retour", "finish": "Terminer", "saved": "Enregistré",
		"minutes":    "Environ %d minutes",
		"minute":     "Environ 1 minute",
		"privacy":    "Vos réponses sont enregistrées sans votre nom et servent uniquement à cette étude.",
		"importance": "Quelle importance cela a-t-il pour vous\u00a0?", "satisfaction": "Quelle est votre satisfaction aujourd'hui\u00a0?",
		"imp_q":      "Quand vous voulez %s, quelle importance a pour vous le fait de pouvoir %s\u00a0?",
		"imp_q_bare": "Quelle importance a pour vous le fait de pouvoir %s\u00a0?",
		"sat_q":      "Dans quelle mesure êtes-vous satisfait de la façon dont vous pouvez le faire aujourd'hui\u00a0?",
		"imp1":       "Pas du tout important", "imp2": "Assez important", "imp3": "Important", "imp4": "Très important", "imp5": "Extrêmement important",
		"sat1": "Pas du tout satisfait", "sat2": "Assez satisfait", "sat3": "Satisfait", "sat4": "Très satisfait", "sat5": "Extrêmement satisfait",
		"forces":         "Passer à une nouvelle façon de faire",
		"forces_hint":    "1 = pas du tout, 10 = extrêmement",
		"about_you":      "À propos de vous",
		"short_survey":   "%s — questionnaire court",
		"required":       "Merci de répondre à cette question.",
		"rating":         "Merci de choisir une note de 1 à 5.",
		"thanks":         "Merci ! Vos réponses ont été enregistrées.",
		"screened_out":   "Merci de votre temps. Cette enquête s'adresse à d'autres personnes\u00a0: vous n'avez rien d'autre à répondre.",
		"closed":         "Cette enquête est close. Merci de votre intérêt.",
		"quota_full":     "Merci de votre temps. Nous avons déjà assez de réponses de personnes comme vous : vous n'avez rien d'autre à répondre.",
		"panel_done":     "Vous avez déjà terminé cette enquête : vous n'avez rien d'autre à répondre. Merci !",
		"progress":       "Progression",
		"resume":         "Vous pouvez revenir sur cette page plus tard pour reprendre où vous en étiez.",
		"preview":        "Aperçu — rien de ce que vous saisissez ici n'est enregistré.",
		"choose":         "Choisissez une réponse",
		"choose_many":    "Choisissez toutes les réponses qui conviennent",
		"nps_low":        "Pas du tout probable",
		"nps_high":       "Extrêmement probable",
		"attention":      "Pour montrer que vous lisez attentivement, choisissez «\u00a0%s\u00a0» pour cette ligne.",
		"errors_banner":  "Certaines réponses demandent votre attention.",
		"page_of":        "Page %d sur %d",
		"optional":       "(facultatif)",
		"rate_lead":      "Quand vous voulez %s\u00a0: quelle importance a pour vous chacun de ces points, et dans quelle mesure êtes-vous satisfait de la façon dont vous pouvez le faire aujourd'hui\u00a0?",
		"rate_lead_bare": "Quelle importance a pour vous chacun de ces points, et dans quelle mesure êtes-vous satisfait de la façon dont vous pouvez le faire aujourd'hui\u00a0?",
		"step.Définir":   "Se préparer", "step.Localiser": "Trouver ce qu'il faut", "step.Préparer": "Tout mettre en place",
		"step.Confirmer": "Vérifier avant de commencer", "step.Exécuter": "Passer à l'action", "step.Surveiller": "Suivre le déroulement",
		"step.Modifier": "Ajuster en cours de route", "step.Conclure": "Terminer",
		"force":              "Merci de choisir un nombre de 1 à 10.",
		"number":             "Merci de saisir un nombre.",
		"number_range":       "Merci de saisir un nombre de %s à %s.",
		"number_min":         "Merci de saisir un nombre supérieur ou égal à %s.",
		"number_max":         "Merci de saisir un nombre inférieur ou égal à %s.",
		"invalid":            "Merci de vérifier cette réponse.",
		"too_long":           "Merci de raccourcir cette réponse.",
		"not_found":          "Nous ne trouvons pas cette enquête. Vérifiez le lien que vous avez reçu.",
		"invitation_used":    "Ce lien d'invitation a déjà été utilisé.",
		"invitation_invalid": "Ce lien d'invitation n'est pas valable pour cette enquête.",
		"resume_link":        "Lien pour reprendre plus tard",
		"continue":           "Continuer",
		"preview_back":       "Retour à l'étude",
		"error":              "Désolé",
		"error_400":          "Vos réponses n'ont pas pu être lues. Revenez à l'enquête et réessayez.",
		"error_429":          "Vous avez envoyé beaucoup de réponses en peu de temps. Patientez une minute, puis revenez à l'enquête et réessayez.",
		"error_500":          "Un problème est survenu de notre côté. Vos réponses sont conservées\u00a0: réessayez dans quelques minutes.",
		"error_ref":          "Référence\u00a0: %s",
		"back_to_survey":     "Revenir à l'enquête",
	},
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
