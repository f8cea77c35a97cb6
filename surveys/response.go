package surveys

import (
	"strconv"
	"strings"
	"time"
)

// Response statuses and sources. A response is finished once it is no longer
// in progress: complete, screened out or quota full.
const (
	InProgress  = "in_progress"
	Complete    = "complete"
	ScreenedOut = "screened_out"
	QuotaFull   = "quota_full" // stopped because the quota of the respondent's group was full

	SourceLink   = "link"
	SourceInvite = "invite"
	SourceImport = "import"
)

// Statuses are the statuses a response may have, in the order pages and
// counts list them.
var Statuses = []string{Complete, InProgress, ScreenedOut, QuotaFull}

// Response is one respondent's answers to one study.
type Response struct {
	ID           int64             `json:"-"`
	StudyID      int64             `json:"-"`
	RespondentID string            `json:"respondent_id"`
	SubmissionID *string           `json:"-"`
	InvitationID *int64            `json:"-"`
	ExternalID   string            `json:"external_id"` // the panel id: from the open link's panel parameter, the invitation, or an import
	Status       string            `json:"status"`
	Decision     string            `json:"decision"` // the researcher's: "" (the study's rule decides), "include" or "exclude"
	Source       string            `json:"source"`
	Answers      map[string]string `json:"answers" gorm:"serializer:json"`
	Ratings      []byte            `json:"-"` // 2 per outcome slot: importance, satisfaction; 0 = none
	Forces       []byte            `json:"-"` // push, pull, anxiety, habit; empty = none
	ItemOrder    []string          `json:"item_order" gorm:"serializer:json"`
	URLFields    map[string]string `json:"url_fields" gorm:"serializer:json"` // the study's URL fields the respondent came with
	Network      string            `json:"-"`                                 // a keyed hash of the client's /24 or /64
	StartedAt    time.Time         `json:"started_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	FinishedAt   *time.Time        `json:"finished_at"`
	Seq          int64             `json:"-"`

	// As the results see it, worked out from the data by package results
	// when a response is listed; never stored.
	Flags    []string `json:"flags" gorm:"-"`
	Excluded bool     `json:"excluded" gorm:"-"`
	// Segment is the segment a typing survey's classifier assigns a
	// complete response (results/typingsurvey.go), worked out from its
	// ratings for its answer and end URL; never stored.
	Segment string `json:"-" gorm:"-"`
}

// Decisions a researcher makes about a response, overruling the study's
// cleaning rule.
const (
	DecideByRule = ""
	Include      = "include"
	Exclude      = "exclude"
)

// Rating returns the importance and satisfaction given for an outcome slot (0 = none).
func (r *Response) Rating(slot int) (imp, sat byte) {
	if 2*slot+1 < len(r.Ratings) {
		return r.Ratings[2*slot], r.Ratings[2*slot+1]
	}
	return 0, 0
}

// Answered tells whether r holds any answer yet: a question, a rating, the
// attention check or a force.
func (r *Response) Answered() bool {
	if len(r.Answers) > 0 {
		return true
	}
	for _, v := range r.Ratings {
		if v != 0 {
			return true
		}
	}
	for _, v := range r.Forces {
		if v != 0 {
			return true
		}
	}
	return false
}

// ForceNames are the four forces, in the order Response.Forces and the wide
// CSV keep them.
var ForceNames = [4]string{"push", "pull", "anxiety", "habit"}

// Group is which result group a stored answer puts a respondent in (the band
// of a number, the NPS category); "" = none.
func (q Question) Group(answer string) []string {
	if answer == "" {
		return nil
	}
	switch q.Kind {
	case KindMulti:
		return strings.Split(answer, ";")
	case KindNumber:
		f, err := strconv.ParseFloat(answer, 64)
		if err != nil {
			return nil
		}
		for _, b := range q.Bands {
			if f >= b.Min && f <= b.Max {
				return []string{b.Label}
			}
		}
		return nil
	case KindNPS:
		n, _ := strconv.Atoi(answer)
		switch {
		case n <= 6:
			return []string{"detractor"}
		case n <= 8:
			return []string{"passive"}
		}
		return []string{"promoter"}
	}
	return []string{answer}
}
