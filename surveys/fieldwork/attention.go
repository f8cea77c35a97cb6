package fieldwork

import (
	"fmt"
	"hash/fnv"
	"odi/surveys"
	"strconv"
)

// The attention check: a study may ask one instructed-response item ("please
// choose Somewhat important for this item") among the outcomes of one page. A
// complete response that gives any other answer, or none, carries
// FlagAttention. The item is no outcome: it has no slot, is not scored and is
// not exported with the ratings.

// AttentionCheck is the instructed-response item of a survey that asks one.
type AttentionCheck struct {
	Text   string `json:"text"`   // the instruction, naming the answer to choose
	Choose int    `json:"choose"` // the importance rating (1–5) the text asks for
}

// attentionChoice is the rating the item asks for: not an end of the scale nor
// its middle, where a respondent who answers without reading tends to click.
const attentionChoice = 2

// AttentionKey is where a response keeps its answer to the attention check,
// among its answers: no question key can take this form (see keyPattern), so
// exports and groups, which read answers by question key, never see it.
const AttentionKey = "_attention"

func newAttentionCheck(lang string, scale Scale) *AttentionCheck {
	return &AttentionCheck{Text: fmt.Sprintf(surveys.Msg(lang, "attention"), scale.Importance[attentionChoice-1]), Choose: attentionChoice}
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

// passedAttention tells whether r chose what the attention check asked for.
func passedAttention(r *surveys.Response) bool {
	return r.Answers[AttentionKey] == strconv.Itoa(attentionChoice)
}
