package fieldwork

import (
	"fmt"
	"hash/fnv"
	"odi/surveys"
)

// The attention check (surveys/flags.go): an instructed-response item ("please
// choose Somewhat important for this item") among the outcomes of a page. A
// complete response that gives any other answer, or none, is flagged
// FlagAttention. The item is no outcome: it has no slot, is not scored and is
// not exported with the ratings.

// AttentionCheck is the instructed-response item of a survey that asks one.
type AttentionCheck struct {
	Text   string `json:"text"`   // the instruction, naming the answer to choose
	Choose int    `json:"choose"` // the importance rating (1–5) the text asks for
}

func newAttentionCheck(lang string, scale Scale) *AttentionCheck {
	return &AttentionCheck{Text: fmt.Sprintf(surveys.Msg(lang, "attention"), scale.Importance[surveys.AttentionChoice-1]), Choose: surveys.AttentionChoice}
}

// attentionPlace is where the attention check goes for one respondent: the
// page (an index into Survey.Pages) and the position among that page's items
// (0 = before the first). It is drawn from seed, the respondent's id, so the
// item moves from one respondent to the next and stays put for each.
func attentionPlace(sv *Survey, seed string) (page, at int) {
	h := fnv.New64a()
	h.Write([]byte("attention/" + seed))
	n := h.Sum64()
	page = int(n % uint64(len(sv.Pages)))
	at = int((n / uint64(len(sv.Pages))) % uint64(len(sv.Pages[page].Items)+1))
	return page, at
}
