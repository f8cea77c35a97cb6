package results

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// Share is a read-only link to one study's results for stakeholders.
type Share struct {
	ID               int64      `json:"id"`
	StudyID          int64      `json:"-"`
	TokenHash        string     `json:"-"`
	Name             string     `json:"name"`
	SegmentBy        string     `json:"segment_by"`
	IncludeResponses bool       `json:"include_responses"`
	ExpiresAt        *time.Time `json:"expires_at"`
	RevokedAt        *time.Time `json:"revoked_at"`
	LastAccessAt     *time.Time `json:"last_access_at"`
	CreatedAt        time.Time  `json:"created_at"`
	CreatedBy        *int64     `json:"created_by"`
	Creator          string     `json:"creator" gorm:"->;-:migration"` // the creator's email, when listed
}

// ShareInput is what a share link shows: results only by default; raw
// responses only when the researcher ticks it.
type ShareInput struct {
	Name             string     `json:"name" validate:"max=100"` // whom it is for, in the list of links
	SegmentBy        string     `json:"segment_by" validate:"max=40"`
	IncludeResponses bool       `json:"include_responses"`
	ExpiresAt        *time.Time `json:"expires_at"`
}

// CreateShare makes u's share link of study d and returns its token, shown
// once.
func (s *Store) CreateShare(ctx context.Context, u *accounts.User, d *surveys.Design, in ShareInput) (string, *Share, error) {
	if err := problem.Check(in); err != nil {
		return "", nil, err
	}
	if in.SegmentBy != "" {
		if _, err := s.splitterFor(ctx, d, in.SegmentBy); err != nil {
			return "", nil, problem.Invalid("segment_by", err.Error())
		}
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		return "", nil, problem.Invalid("expires_at", "must be in the future")
	}
	token := accounts.NewSecret("")
	sh := &Share{StudyID: d.Study.ID, TokenHash: accounts.HashSecret(token), Name: strings.TrimSpace(in.Name), SegmentBy: in.SegmentBy, IncludeResponses: in.IncludeResponses,
		ExpiresAt: in.ExpiresAt, CreatedBy: &u.ID, Creator: u.Email}
	if err := s.db.WithContext(ctx).Create(sh).Error; err != nil {
		return "", nil, fmt.Errorf("create share for study %d: %w", d.Study.ID, err)
	}
	return token, sh, nil
}

// Shares lists a study's share links, newest first, each with the email of
// whoever made it.
func (s *Store) Shares(ctx context.Context, d *surveys.Design) ([]Share, error) {
	studyID := d.Study.ID
	var out []Share
	err := s.db.WithContext(ctx).Model(&Share{}).Select("shares.*, COALESCE(users.email, '') AS creator").
		Joins("LEFT JOIN users ON users.id = shares.created_by").
		Where("shares.study_id = ?", studyID).Order("shares.id DESC").Find(&out).Error
	return out, err
}

// RevokeShare stops a share link from working.
func (s *Store) RevokeShare(ctx context.Context, d *surveys.Design, shareID int64) error {
	res := s.db.WithContext(ctx).Model(&Share{}).Where("id = ? AND study_id = ? AND revoked_at IS NULL", shareID, d.Study.ID).
		Update("revoked_at", time.Now().UTC())
	return problem.OneRow(res, "revoke share %d", shareID)
}

// SharedStudy resolves a share token to its link and the study's design; an
// unknown, revoked or expired token is problem.ErrNotFound and reveals nothing. The
// token is looked up by its hash, never compared in the clear.
func (s *Store) SharedStudy(ctx context.Context, token string) (*Share, *surveys.Design, error) {
	var sh Share
	now := time.Now().UTC()
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", accounts.HashSecret(token), now).
		Take(&sh).Error
	if err != nil {
		return nil, nil, notFound(err)
	}
	if sh.LastAccessAt == nil || now.Sub(*sh.LastAccessAt) > time.Minute {
		s.db.WithContext(ctx).Model(&Share{}).Where("id = ?", sh.ID).Update("last_access_at", now)
	}
	var st surveys.Study
	if err := s.db.WithContext(ctx).First(&st, sh.StudyID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	d, err := s.studies.DesignOf(ctx, &st)
	if err != nil {
		return nil, nil, err
	}
	return &sh, d, nil
}

// Query is what a stakeholder's grouping becomes under the link: the
// link's own segmentation when it fixes one, else the reader's choice
// (segmentBy, "" for all respondents only), which must be one of splits.
// A share link reads the same results a researcher does, never more.
func (sh *Share) Query(segmentBy string, splits []Split) (OpportunityQuery, error) {
	if sh.SegmentBy != "" {
		return OpportunityQuery{SegmentBy: sh.SegmentBy}, nil
	}
	if segmentBy != "" && !slices.ContainsFunc(splits, func(sp Split) bool { return sp.Key == segmentBy }) {
		return OpportunityQuery{}, problem.Invalid("segment_by", segmentBy+" is not a segment question or saved segmentation of this study")
	}
	return OpportunityQuery{SegmentBy: segmentBy}, nil
}

// Choices are the ways a reader of the link may group the results: none
// when the link fixes its segmentation (there is nothing to choose), else
// every split the researcher has.
func (sh *Share) Choices(splits []Split) []Split {
	if sh.SegmentBy != "" {
		return nil
	}
	return splits
}

// Shows tells whether the link shows the canvases of the saved segmentation
// key: the one it is fixed to, or any when it fixes none.
func (sh *Share) Shows(key string) bool { return sh.SegmentBy == "" || sh.SegmentBy == key }
