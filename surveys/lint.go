package surveys

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"odi/surveys/statement"
)

// Linted is a statement's parts and the lint rules it breaks.
type Linted struct {
	Parsed statement.Parsed  `json:"parsed"`
	Lint   []statement.Issue `json:"lint"`
}

// LintDraft parses and lints a statement that is not saved yet, against the
// study's stored outcomes, so the editor can warn while someone types. except
// names the outcome being edited (0 for a new one): it is not its own duplicate.
func (d *Design) LintDraft(stmt string, except int64) *Linted {
	// In the order they were added, as a duplicate is named after the first.
	byID := slices.SortedFunc(slices.Values(d.Outcomes), func(a, b Outcome) int { return cmp.Compare(a.ID, b.ID) })
	others := make([]string, 0, len(byID))
	for _, o := range byID {
		if o.ID != except {
			others = append(others, o.Statement)
		}
	}
	stmt = normaliseSpace(stmt)
	out := &Linted{Parsed: statement.Parse(stmt), Lint: statement.Lint(stmt, others)}
	if out.Lint == nil {
		out.Lint = []statement.Issue{} // a client reads an empty list, not null
	}
	return out
}

// lintCache keeps the lint of each study's outcomes with a digest of the
// statements it was made from, in order. The statements come from the
// database on every load, so a cached lint is used only for exactly the
// statements just read: an edit made through another instance sharing the
// database is never missed.
type lintCache struct {
	mu      sync.Mutex
	studies map[int64]studyLint
	runs    atomic.Int64 // studies linted in full: the misses
}

type studyLint struct {
	digest [sha256.Size]byte
	issues [][]statement.Issue // by outcome in survey order; never modified
}

// lint gives every outcome of d its lint, from the cache when the study's
// statements are the ones it was made from.
func (s *Store) lint(d *Design) {
	stmts := make([]string, len(d.Outcomes))
	for i, o := range d.Outcomes {
		stmts[i] = o.Statement
	}
	issues := s.lints.get(d.Study.ID, stmts)
	for i := range d.Outcomes {
		d.Outcomes[i].Lint = issues[i]
	}
	d.Study.lintJob()
	d.Linted = true
}

// lintJob fills st.JobLint: the job statement is a few hundred characters,
// so it is linted afresh each time rather than cached.
func (st *Study) lintJob() {
	st.JobLint = statement.LintJob(st.Language, st.Job.When, st.Job.Want, st.Job.SoThat)
	if st.JobLint == nil {
		st.JobLint = []statement.Issue{} // a client reads an empty list, not null
	}
}

func (c *lintCache) get(studyID int64, stmts []string) [][]statement.Issue {
	sum := digest(stmts)
	c.mu.Lock()
	e, ok := c.studies[studyID]
	c.mu.Unlock()
	if ok && e.digest == sum {
		return e.issues
	}
	issues := statement.LintAll(stmts)
	for i := range issues {
		if issues[i] == nil {
			issues[i] = []statement.Issue{} // a client reads an empty list, not null
		}
	}
	c.runs.Add(1)
	c.mu.Lock()
	if c.studies == nil {
		c.studies = map[int64]studyLint{}
	}
	c.studies[studyID] = studyLint{sum, issues}
	c.mu.Unlock()
	return issues
}

// digest identifies a list of statements: each is length-prefixed, so no
// two lists share a byte stream.
func digest(stmts []string) [sha256.Size]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, s := range stmts {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		io.WriteString(h, s)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// StudyLints counts the studies whose outcomes were linted in full since
// start, rather than served from the cache; the metrics show it.
func (s *Store) StudyLints() int64 { return s.lints.runs.Load() }
