package programme

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"odi/surveys/accounts"
	"odi/surveys/mailing"
	"odi/surveys/problem"
	"odi/surveys/results"
)

// CrossJob is a programme's people counted across its studies.
type CrossJob struct {
	ID      int64       `json:"id"`
	Name    string      `json:"name"`
	Studies []StudyView `json:"studies"`
	Pairs   []Pair      `json:"pairs"`
	// People are those who answered at least two of the studies, most
	// high-opportunity studies first.
	People []Person `json:"-"`
}

// StudyView is one study of the programme: how many counted respondents it
// has, how many of them carry a panel id or an invitation e-mail to be
// linked by, and the segments of the segmentation its high-opportunity
// segments are read from.
type StudyView struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Counted  int    `json:"counted"`
	WithLink int    `json:"linkable"`
	results.Linkable
}

// Pair is one pair of the programme's studies, in the programme's order:
// how many people answered both (complete and counted in each), and how
// many of them are in a high-opportunity segment of both.
type Pair struct {
	StudyIDs [2]int64 `json:"study_ids"`
	Both     int      `json:"both"`
	HighBoth int      `json:"high_both"`
}

// Person is one linked person: the panel ids and e-mail addresses that name
// them, and their answer to each study (nil where they did not answer).
type Person struct {
	LinkID   string
	PanelIDs []string
	Emails   []string
	Answers  []*Answer // by study, in the programme's order
}

// Answer is a person's counted response to one study.
type Answer struct {
	Segment string // the segment's label; "" in none
	High    bool
}

// Studies is how many studies p answered, and in how many of them p is in a
// high-opportunity segment.
func (p *Person) Studies() (answered, high int) {
	for _, a := range p.Answers {
		if a != nil {
			answered++
			if a.High {
				high++
			}
		}
	}
	return answered, high
}

// CrossJob counts u's programme id. A study u can no longer see (a
// collaborator removed from it) is left out, as a deleted one is.
func (s *Store) CrossJob(ctx context.Context, u *accounts.User, id int64) (*CrossJob, error) {
	p, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	cj := &CrossJob{ID: p.ID, Name: p.Name, Studies: []StudyView{}, Pairs: []Pair{}}
	var keys [][][]string // by study, by respondent: the keys that name them
	for _, sid := range p.StudyIDs {
		st, err := s.studies.Study(ctx, u, sid)
		if errors.Is(err, problem.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		d, err := s.studies.DesignOf(ctx, st) // without the lint, which counting does not read
		if err != nil {
			return nil, err
		}
		lk, err := s.results.Linkable(ctx, d)
		if err != nil {
			return nil, err
		}
		emails, err := s.emails(ctx, sid)
		if err != nil {
			return nil, err
		}
		v := StudyView{ID: sid, Name: d.Study.Name, Counted: len(lk.Respondents), Linkable: *lk}
		ks := make([][]string, len(lk.Respondents))
		for i, r := range lk.Respondents {
			if r.PanelID != "" {
				ks[i] = append(ks[i], "panel:"+r.PanelID)
			}
			if r.InvitationID != nil && emails[*r.InvitationID] != "" {
				ks[i] = append(ks[i], "email:"+emails[*r.InvitationID])
			}
			if len(ks[i]) > 0 {
				v.WithLink++
			}
		}
		cj.Studies = append(cj.Studies, v)
		keys = append(keys, ks)
	}
	cj.People = link(cj.Studies, keys)
	for i := range cj.Studies {
		for j := i + 1; j < len(cj.Studies); j++ {
			pair := Pair{StudyIDs: [2]int64{cj.Studies[i].ID, cj.Studies[j].ID}}
			for _, pe := range cj.People {
				a, b := pe.Answers[i], pe.Answers[j]
				if a != nil && b != nil {
					pair.Both++
					if a.High && b.High {
						pair.HighBoth++
					}
				}
			}
			cj.Pairs = append(cj.Pairs, pair)
		}
	}
	return cj, nil
}

// emails maps each e-mail invitation of a study to its recipient's address,
// as it is compared: trimmed and in lower case.
func (s *Store) emails(ctx context.Context, studyID int64) (map[int64]string, error) {
	var rows []mailing.Recipient
	if err := s.db.WithContext(ctx).Select("invitation_id", "email").
		Where("study_id = ? AND invitation_id IS NOT NULL", studyID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("invitation e-mails of study %d: %w", studyID, err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[*r.InvitationID] = strings.ToLower(strings.TrimSpace(r.Email))
	}
	return out, nil
}

// link joins respondents of different studies into people: two responses
// are one person when they share a panel id or an e-mail address, directly
// or through a third response (a panel id given in one e-mail invitation
// joins that address and that id). It returns those who answered at least
// two studies.
func link(studies []StudyView, keys [][][]string) []Person {
	parent := map[string]string{}
	var find func(string) string
	find = func(k string) string {
		p, ok := parent[k]
		if !ok {
			parent[k] = k
			return k
		}
		if p == k {
			return k
		}
		root := find(p)
		parent[k] = root
		return root
	}
	for _, ks := range keys {
		for _, rk := range ks {
			for _, k := range rk {
				if a, b := find(rk[0]), find(k); a != b {
					parent[b] = a
				}
			}
		}
	}
	people := map[string]*Person{}
	for k := range parent {
		root := find(k)
		pe := people[root]
		if pe == nil {
			pe = &Person{Answers: make([]*Answer, len(studies))}
			people[root] = pe
		}
		if id, ok := strings.CutPrefix(k, "panel:"); ok {
			pe.PanelIDs = append(pe.PanelIDs, id)
		} else {
			pe.Emails = append(pe.Emails, strings.TrimPrefix(k, "email:"))
		}
	}
	for i, ks := range keys {
		st := studies[i]
		for j, rk := range ks {
			if len(rk) == 0 {
				continue
			}
			pe := people[find(rk[0])]
			r := st.Respondents[j]
			a := pe.Answers[i]
			if a == nil {
				a = &Answer{}
				pe.Answers[i] = a
			}
			if r.Segment >= 0 {
				seg := st.Segments[r.Segment]
				// One person answering a study twice counts once, in a
				// high segment if either response is.
				if a.Segment == "" || seg.High && !a.High {
					a.Segment, a.High = seg.Label, seg.High
				}
			}
		}
	}
	var out []Person
	for _, pe := range people {
		if n, _ := pe.Studies(); n < 2 {
			continue
		}
		slices.Sort(pe.PanelIDs)
		slices.Sort(pe.Emails)
		if len(pe.PanelIDs) > 0 {
			pe.LinkID = "panel:" + pe.PanelIDs[0]
		} else {
			pe.LinkID = "email:" + pe.Emails[0]
		}
		out = append(out, *pe)
	}
	slices.SortFunc(out, func(a, b Person) int {
		an, ah := a.Studies()
		bn, bh := b.Studies()
		return cmp.Or(cmp.Compare(bh, ah), cmp.Compare(bn, an), strings.Compare(a.LinkID, b.LinkID))
	})
	return out
}
