package fieldwork

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/sample"
)

// LoadSample stores a generated dataset as an open study owned by u, with
// its responses, so a new user sees real results at once.
func (s *Store) LoadSample(ctx context.Context, u *accounts.User, ds *sample.Dataset) (*surveys.Study, error) {
	name := ds.Name + " (sample)"
	role, forces, minN := ds.RespondentRole, true, 30
	st, err := s.studies.CreateStudy(ctx, u, surveys.StudyInput{
		Name: &name, Job: &surveys.Job{When: ds.When, Want: ds.Want, SoThat: ds.SoThat},
		RespondentRole: &role, FourForces: &forces, MinN: &minN,
		Intro: ptr("We are learning how growing teams keep their shared knowledge in order. It takes a few minutes."),
	})
	if err != nil {
		return nil, err
	}
	for _, q := range ds.Questions {
		if _, err := s.studies.AddQuestion(ctx, u, st.ID, surveys.QuestionInput{Key: q.Key, Text: q.Text, Kind: q.Kind, Options: q.Options,
			Segment: q.Segment, ScreenOut: q.ScreenOut, Required: true}); err != nil {
			return nil, fmt.Errorf("sample question %s: %w", q.Key, err)
		}
	}
	d, err := s.studies.Design(ctx, u, st.ID)
	if err != nil {
		return nil, err
	}
	for _, step := range ds.Steps {
		if !slices.ContainsFunc(d.Steps, func(sp surveys.Step) bool { return strings.EqualFold(sp.Name, step) }) {
			if _, err := s.studies.AddStep(ctx, u, st.ID, surveys.StepInput{Name: &step}); err != nil {
				return nil, err
			}
		}
	}
	rows := make([]surveys.OutcomeInput, len(ds.Outcomes))
	for i, o := range ds.Outcomes {
		rows[i] = surveys.OutcomeInput{Statement: &o.Statement, Code: &o.Code, Step: &o.Step}
	}
	// Outcomes get slots 0..M-1 in file order, the order of the sample's ratings.
	if _, err := s.studies.ImportOutcomes(ctx, u, st.ID, rows); err != nil {
		return nil, fmt.Errorf("sample outcomes: %w", err)
	}
	if st, err = s.studies.Publish(ctx, u, st.ID); err != nil {
		return nil, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		seq, err := nextSeq(tx, st.ID)
		if err != nil {
			return err
		}
		// The import's INSERT, in chunks, so a million respondents never
		// stand in memory twice over as rows.
		batch := make([]surveys.Response, 0, 10*importRowsPerInsert)
		for i := range ds.Responses {
			batch = append(batch, sampleResponse(st.ID, seq, &ds.Responses[i]))
			if len(batch) == cap(batch) || i == len(ds.Responses)-1 {
				if err := insertResponses(tx, s.dialect, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sample responses: %w", err)
	}
	return st, nil
}

func sampleResponse(studyID, seq int64, r *sample.Response) surveys.Response {
	out := surveys.Response{StudyID: studyID, RespondentID: r.ID, Status: r.Status, Source: surveys.SourceLink, Answers: r.Answers,
		Ratings: r.Ratings, ItemOrder: []string{}, URLFields: map[string]string{}, StartedAt: r.Started, UpdatedAt: r.Started, Seq: seq}
	if out.Ratings == nil {
		out.Ratings = []byte{}
	}
	if out.Flags == nil {
		out.Flags = []string{}
	}
	if r.Forces[0] != 0 {
		out.Forces = r.Forces[:]
	}
	if !r.Finished.IsZero() {
		f := r.Finished
		out.FinishedAt, out.UpdatedAt = &f, f
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// DemoStart is when generated fieldwork begins: two weeks ago, so the sample
// looks like a study in the field now.
func DemoStart() time.Time { return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -14) }
