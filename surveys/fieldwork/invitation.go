package fieldwork

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// Invitation is a single-use survey link, optionally tied to a panel's id for
// the respondent.
type Invitation struct {
	ID         int64      `json:"-"`
	StudyID    int64      `json:"-"`
	TokenHash  string     `json:"-"`
	ExternalID string     `json:"external_id"`
	CreatedAt  time.Time  `json:"created_at"`
	UsedAt     *time.Time `json:"used_at"`
}

// InvitationsInput asks for Count anonymous links or one per external id.
type InvitationsInput struct {
	Count       int      `json:"count" validate:"gte=0,lte=100000"`
	ExternalIDs []string `json:"external_ids" validate:"max=100000,dive,required,max=200"`
}

// NewInvitation is a link as handed out; the token is shown once.
type NewInvitation struct {
	Token      string `json:"token"`
	ExternalID string `json:"external_id,omitempty"`
}

// CreateInvitations makes single-use links for a study.
func (s *Store) CreateInvitations(ctx context.Context, d *surveys.Design, in InvitationsInput) ([]NewInvitation, error) {
	studyID := d.Study.ID
	if err := problem.Check(in); err != nil {
		return nil, err
	}
	if (in.Count > 0) == (len(in.ExternalIDs) > 0) {
		return nil, problem.Invalid("count", "give either count or external_ids")
	}
	n := max(in.Count, len(in.ExternalIDs))
	out := make([]NewInvitation, n)
	rows := make([]Invitation, n)
	now := time.Now().UTC()
	for i := range n {
		out[i].Token = accounts.NewSecret("")
		if i < len(in.ExternalIDs) {
			out[i].ExternalID = strings.TrimSpace(in.ExternalIDs[i])
		}
		rows[i] = Invitation{StudyID: studyID, TokenHash: accounts.HashSecret(out[i].Token), ExternalID: out[i].ExternalID, CreatedAt: now}
	}
	if err := s.db.WithContext(ctx).CreateInBatches(rows, 500).Error; err != nil {
		return nil, fmt.Errorf("create invitations for study %d: %w", studyID, err)
	}
	return out, nil
}

// claimInvitation marks an invitation used by r, inside r's transaction; a used
// or unknown invitation is a conflict or not found.
func claimInvitation(tx *gorm.DB, studyID int64, token string, r *surveys.Response) error {
	var inv Invitation
	if err := tx.Where("study_id = ? AND token_hash = ?", studyID, accounts.HashSecret(token)).Take(&inv).Error; err != nil {
		return problem.Invalid("invitation", "is not a valid invitation for this survey")
	}
	res := tx.Model(&Invitation{}).Where("id = ? AND used_at IS NULL", inv.ID).Update("used_at", time.Now().UTC())
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("%w: this invitation has already been used", problem.ErrConflict)
	}
	r.InvitationID, r.Source = &inv.ID, surveys.SourceInvite
	if inv.ExternalID != "" {
		r.ExternalID = inv.ExternalID // the panel id the invitation was made for wins over one sent
	}
	return nil
}

// FromInvitation tells whether r was started from the invitation whose link
// token is given: the one person an invitation is for.
func (s *Store) FromInvitation(ctx context.Context, r *surveys.Response, token string) (bool, error) {
	if r.InvitationID == nil {
		return false, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&Invitation{}).Where("id = ? AND token_hash = ?", *r.InvitationID, accounts.HashSecret(token)).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("check invitation of response %s: %w", r.RespondentID, err)
	}
	return n > 0, nil
}
