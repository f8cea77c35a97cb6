package fieldwork

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// CreateStudyFromFile makes a study from a file of another tool's export:
// the outcomes and questions odi proposes for it (ProposeStudy), as the
// researcher corrected them (nil: as proposed; name names it then), with
// every response of the file imported by ImportResponses, so every rule
// and flag of an import applies. The study is closed, of source import,
// ready to analyse. A file the import refuses leaves no study behind; the
// report of what was understood comes back with the refusal.
func (s *Store) CreateStudyFromFile(ctx context.Context, u *accounts.User, file io.ReadSeeker, name string,
	corrected *Proposal, opt ImportOptions) (*surveys.Study, *ImportReport, error) {
	p, _, err := propose(file, opt.XLSX, name)
	if err != nil {
		return nil, nil, err
	}
	in, err := p.correct(corrected)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.studies.CreateImportedStudy(ctx, u, in)
	if err != nil {
		return nil, nil, err
	}
	undo := func(err error) (*surveys.Study, error) {
		// The request may have ended: the study goes whatever happened to it.
		if derr := s.studies.DeleteStudy(context.WithoutCancel(ctx), u, d.Study.ID); derr != nil {
			return nil, errors.Join(err, derr)
		}
		return nil, err
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		st, err := undo(fmt.Errorf("read the file again: %w", err))
		return st, nil, err
	}
	opt.DryRun = false
	rep, err := s.ImportResponses(ctx, fileDesign(d, p), file, opt)
	if rep != nil {
		finalCodes(rep, d)
	}
	if err != nil {
		st, err := undo(err)
		return st, rep, err
	}
	st, err := s.studies.CloseImported(ctx, u, d.Study.ID)
	if err != nil {
		st, err := undo(err)
		return st, rep, err
	}
	return st, rep, nil
}

// correct applies the researcher's corrections to the proposal: each
// outcome's code and statement, in the file's order (every outcome stays),
// and each question kept, by its column, with its key and text; a question
// whose kind is left out keeps the proposed kind and options. Bad fields
// are named after the corrected proposal ("questions[1].column").
func (p *Proposal) correct(c *Proposal) (surveys.ImportedStudyInput, error) {
	if c != nil {
		var fields problem.List
		if len(c.Outcomes) != len(p.Outcomes) {
			fields.Add("outcomes", fmt.Sprintf("must list the %d outcomes the file gives, in its order (it lists %d)", len(p.Outcomes), len(c.Outcomes)))
		} else {
			for i, o := range c.Outcomes {
				p.Outcomes[i].Code, p.Outcomes[i].Statement = o.Code, o.Statement
			}
		}
		kept := make([]ProposedQuestion, 0, len(c.Questions))
		at := map[int]int{}
		for i, q := range c.Questions {
			j := -1
			for k, pq := range p.Questions {
				if pq.Column == q.Column {
					j = k
				}
			}
			if prev, dup := at[q.Column]; dup {
				fields.Add(fmt.Sprintf("questions[%d].column", i), fmt.Sprintf("is the column of questions[%d] too", prev))
				continue
			}
			if j < 0 {
				fields.Add(fmt.Sprintf("questions[%d].column", i), fmt.Sprintf("column %d of the file is not one proposed as a question", q.Column))
				continue
			}
			at[q.Column] = i
			pq := p.Questions[j]
			pq.Key, pq.Text = strings.TrimSpace(q.Key), q.Text
			if q.Kind != "" {
				pq.Kind, pq.Options = q.Kind, q.Options
			}
			kept = append(kept, pq)
		}
		if len(fields) > 0 {
			return surveys.ImportedStudyInput{}, fields.Err()
		}
		p.Name, p.Questions = c.Name, kept
	}
	in := surveys.ImportedStudyInput{Name: p.Name}
	for _, o := range p.Outcomes {
		in.Outcomes = append(in.Outcomes, surveys.OutcomeInput{Code: &o.Code, Statement: &o.Statement})
	}
	for _, q := range p.Questions {
		in.Questions = append(in.Questions, surveys.QuestionInput{Key: q.Key, Text: q.Text, Kind: q.Kind, Options: q.Options})
	}
	return in, nil
}

// finalCodes names the rating columns of an import's report by the study's
// codes, not the ones the import found the columns by.
func finalCodes(rep *ImportReport, d *surveys.Design) {
	code := make(map[int]string, len(d.Outcomes))
	for _, o := range d.Outcomes {
		code[o.Slot] = o.Code
	}
	for i := range rep.Columns {
		if c := &rep.Columns[i]; c.MapsTo == RoleRating {
			c.Key = code[c.at/2]
		}
	}
}
