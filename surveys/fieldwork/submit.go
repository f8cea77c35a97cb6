package fieldwork

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/problem"
)

// SubmitResult answers a submission.
type SubmitResult struct {
	RespondentID string `json:"respondent_id"`
	Status       string `json:"status"`
	ResumeToken  string `json:"resume_token"`
	Redirect     string `json:"redirect,omitempty"`
	// A typing survey's complete response is assigned a segment: its id
	// (s1, s2, …) and label.
	Segment      string `json:"segment,omitempty"`
	SegmentLabel string `json:"segment_label,omitempty"`
}

// Submit stores a new response (201) or, for a submission_id already seen,
// answers the first result again (created = false). It returns only after the
// response is committed.
func (s *Store) Submit(ctx context.Context, slug string, in Submission) (*SubmitResult, bool, error) {
	return s.submit(ctx, slug, &in)
}

// errRepeated rolls back what a repeated submission claimed before its
// submission_id turned out to be stored already.
var errRepeated = errors.New("repeated submission")

func (s *Store) submit(ctx context.Context, slug string, in *Submission) (*SubmitResult, bool, error) {
	f, err := s.cachedForm(ctx, slug)
	if err != nil {
		return nil, false, err
	}
	if f.status != surveys.StatusOpen && f.status != surveys.StatusClosed {
		return nil, false, problem.ErrNotFound
	}
	if f.status == surveys.StatusOpen && in.PanelID != "" && in.Invitation == "" && panelValue(in.PanelID) == "" {
		// A panel id seen before: finished, or to be continued.
		if res, ok, err := s.continuePanel(ctx, f, slug, in); ok {
			return res, false, err
		}
	}
	now := time.Now().UTC()
	// Respondent ids of link responses grow with time (UUIDv7), so each new
	// one goes at the end of the index on them rather than at a random page.
	r := &surveys.Response{StudyID: f.studyID, RespondentID: uuid.Must(uuid.NewV7()).String(), SubmissionID: &in.SubmissionID,
		Status: surveys.InProgress, Source: surveys.SourceLink, StartedAt: now, UpdatedAt: now, ItemOrder: []string{}}
	network, err := s.networkOf(ctx, in.From)
	if err != nil {
		return nil, false, err
	}
	r.Network = network
	fields := f.apply(in, r)
	f.applyPanel(in, r, &fields)
	if in.SubmissionID == "" {
		fields.Add("submission_id", "is required (a UUID made by the client)")
	} else if _, err := uuid.Parse(in.SubmissionID); err != nil {
		fields.Add("submission_id", "must be a UUID")
	}
	switch {
	case f.status == surveys.StatusClosed:
		return s.repeatOr(ctx, f, in.SubmissionID, surveys.ErrClosed)
	case len(fields) > 0:
		return s.repeatOr(ctx, f, in.SubmissionID, fields.Err())
	}
	token, err := s.resumeToken(ctx, f.studyID, r.RespondentID)
	if err != nil {
		return nil, false, err
	}
	var prev *surveys.Response
	err = s.writes.do(ctx, func(b *batch) error {
		if err := b.open(f); err != nil {
			return err
		}
		if in.Invitation != "" {
			// A repeated submission_id answers the first result, even when
			// it carried an invitation that the first one used.
			var first surveys.Response
			err := b.tx.Where("study_id = ? AND submission_id = ?", f.studyID, in.SubmissionID).Take(&first).Error
			if err == nil {
				prev = &first
				return nil
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			if err := claimInvitation(b.tx, f.studyID, in.Invitation, r); err != nil {
				return err
			}
		}
		if err := s.settle(context.WithoutCancel(ctx), b, f, r, in.Complete); err != nil {
			return err
		}
		if err := finishOnce(b.tx, r); err != nil {
			return err
		}
		if r.FinishedAt != nil {
			// Sent whole in one request (a script, a panel's server): nobody
			// was timed answering it, so it has no completion time, rather
			// than one of a few milliseconds that would read as speeding.
			r.FinishedAt = &r.StartedAt
		}
		var err error
		if r.Seq, err = b.seq(f.studyID); err != nil {
			return err
		}
		added, err := b.insert(r)
		if err != nil {
			return err
		}
		if !added {
			// This submission_id was stored before (by a browser retrying,
			// or by another instance a moment ago): answer that result.
			prev = &surveys.Response{}
			if err := b.tx.Where("study_id = ? AND submission_id = ?", f.studyID, in.SubmissionID).Take(prev).Error; err != nil {
				return err
			}
			if in.Invitation != "" {
				return errRepeated // and keep the invitation unused
			}
			return nil
		}
		b.stored(r)
		return nil
	})
	if errors.Is(err, errRepeated) && prev != nil {
		err = nil
	}
	if errors.Is(err, surveys.ErrClosed) {
		return s.repeatOr(ctx, f, in.SubmissionID, surveys.ErrClosed) // closed while the write waited
	}
	if err != nil {
		return nil, false, fmt.Errorf("submit to %s: %w", slug, err)
	}
	if prev != nil {
		res, err := s.result(ctx, f, prev, "")
		return res, false, err
	}
	res, err := s.result(ctx, f, r, token)
	return res, true, err
}

// repeatOr answers a submission that cannot be stored. When its
// submission_id was stored before, the answer is that first result, however
// this body differs and even once the study has closed: a browser retrying
// must learn that its answers are kept. Otherwise it is refusal.
func (s *Store) repeatOr(ctx context.Context, f *form, submissionID string, refusal error) (*SubmitResult, bool, error) {
	if _, err := uuid.Parse(submissionID); err != nil {
		return nil, false, refusal // never stored: every stored one is a UUID
	}
	var first surveys.Response
	err := s.db.WithContext(ctx).Where("study_id = ? AND submission_id = ?", f.studyID, submissionID).Take(&first).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, false, refusal
	case err != nil:
		return nil, false, fmt.Errorf("look up submission %s: %w", submissionID, err)
	}
	res, err := s.result(ctx, f, &first, "")
	return res, false, err
}

// Check validates a submission against the published study without storing
// anything: a client's dry run, and the ceiling a load test compares
// submissions against.
func (s *Store) Check(ctx context.Context, slug string, in Submission) error {
	f, err := s.cachedForm(ctx, slug)
	if err != nil {
		return err
	}
	if f.status == surveys.StatusClosed {
		return surveys.ErrClosed
	}
	if f.status != surveys.StatusOpen {
		return problem.ErrNotFound
	}
	return f.apply(&in, &surveys.Response{}).Err()
}

// Update merges an autosave or the final page into the response behind a resume token.
func (s *Store) Update(ctx context.Context, slug, token string, in Submission) (*SubmitResult, error) {
	f, err := s.cachedForm(ctx, slug)
	if err != nil {
		return nil, err
	}
	if f.status == surveys.StatusClosed {
		return nil, surveys.ErrClosed
	}
	respondent, err := s.resumedBy(ctx, f.studyID, token)
	if err != nil {
		return nil, err
	}
	var r surveys.Response
	err = s.writes.do(ctx, func(b *batch) error {
		if err := b.open(f); err != nil {
			return err
		}
		r = surveys.Response{}
		if err := b.tx.Where("study_id = ? AND respondent_id = ?", f.studyID, respondent).Take(&r).Error; err != nil {
			return notFound(err)
		}
		if r.Status != surveys.InProgress {
			return fmt.Errorf("%w: this response is already %s", problem.ErrConflict, strings.ReplaceAll(r.Status, "_", " "))
		}
		if err := f.apply(&in, &r).Err(); err != nil {
			return err
		}
		r.UpdatedAt = time.Now().UTC()
		if err := s.settle(context.WithoutCancel(ctx), b, f, &r, in.Complete); err != nil {
			return err
		}
		if err := finishOnce(b.tx, &r); err != nil {
			return err
		}
		var err error
		if r.Seq, err = b.seq(f.studyID); err != nil {
			return err
		}
		if err := b.tx.Save(&r).Error; err != nil {
			return err
		}
		b.stored(&r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update response: %w", err)
	}
	return s.result(ctx, f, &r, token)
}

// Resume loads the response behind a resume token, to continue where the
// respondent left off.
func (s *Store) Resume(ctx context.Context, slug, token string) (*surveys.Response, error) {
	f, err := s.form(ctx, slug)
	if err != nil {
		return nil, err
	}
	respondent, err := s.resumedBy(ctx, f.studyID, token)
	if err != nil {
		return nil, err
	}
	var r surveys.Response
	if err := s.db.WithContext(ctx).Where("study_id = ? AND respondent_id = ?", f.studyID, respondent).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// settle decides a response's status: a screener answer ends it as screened
// out, a full quota as quota full; a finished one becomes complete. Its quality flags are
// the results' to work out, from all the data (results/review.go).
func (s *Store) settle(ctx context.Context, b *batch, f *form, r *surveys.Response, complete bool) error {
	if screenedBy(r, f) {
		r.Status = surveys.ScreenedOut
	} else if full, err := s.quotaFull(ctx, b, f, r); err != nil {
		return err
	} else if full {
		r.Status = surveys.QuotaFull
	} else if complete {
		r.Status = surveys.Complete
	}
	if r.Status != surveys.InProgress {
		now := time.Now().UTC()
		r.FinishedAt = &now
	}
	return nil
}

// result answers a stored response; token is its resume token when the
// caller has it at hand already.
func (s *Store) result(ctx context.Context, f *form, r *surveys.Response, token string) (*SubmitResult, error) {
	if token == "" {
		var err error
		if token, err = s.resumeToken(ctx, f.studyID, r.RespondentID); err != nil {
			return nil, err
		}
	}
	res := &SubmitResult{RespondentID: r.RespondentID, Status: r.Status, ResumeToken: token}
	if f.typing != nil && r.Status == surveys.Complete {
		res.Segment, res.SegmentLabel = f.typing.Segment(r.Ratings)
		r.Segment = res.Segment
	}
	if r.Status != surveys.InProgress {
		if end := f.panel.ends.For(r.Status); end != "" {
			res.Redirect = surveys.FillEndURL(end, r)
		}
	}
	return res, nil
}

// networkOf is a keyed hash of the network an address is in (its /24, or
// its /64 for IPv6): enough to tell that two identical responses came from
// one place, and nothing that names the place. "" for no address.
func (s *Store) networkOf(ctx context.Context, addr string) (string, error) {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return "", nil
	}
	bits := 64
	if ip = ip.Unmap(); ip.Is4() {
		bits = 24
	}
	prefix, _ := ip.Prefix(bits) // bits fit both families
	key, err := s.accounts.Secret(ctx, "network_secret")
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(prefix.String()))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12]), nil
}
