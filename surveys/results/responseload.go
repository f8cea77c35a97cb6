package results

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// scored is what analysis needs of one response, kept in memory per study.
// Values are never modified after load: a changed response is a new value.
// A study may hold a million of them (README.md, "Performance"), so a
// response keeps little of its own: its ratings sit in a block of memory
// shared with the responses loaded with it, and what many respondents have
// in common (status, decision, source, answers, URL fields) in a profile
// they share.
type scored struct {
	ID  int64
	Seq int64
	*profile
	RespondentID string
	ExternalID   string
	Network      string
	InvitationID *int64
	Ratings      []byte // in the load's block: never appended to
	// The start and end as seconds and nanoseconds since 1970, UTC;
	// endNsec is -1 for a response that has not finished.
	startSec, endSec   int64
	startNsec, endNsec int32
	forces             [4]byte // push, pull, anxiety, habit, when hasForces
	hasForces          bool
}

// profile is the part of a response that respondents often have in common,
// shared read-only by every response of a load that has it.
type profile struct {
	Status    string
	Decision  string
	Source    string
	Answers   map[string]string
	URLFields map[string]string
}

// Forces are the respondent's four forces, or nil when none: every writer
// of responses stores four or none (fieldwork/answer.go, importparse.go).
func (r *scored) Forces() []byte {
	if !r.hasForces {
		return nil
	}
	return r.forces[:]
}

func (r *scored) setTimes(started time.Time, finished *time.Time) {
	r.startSec, r.startNsec = started.Unix(), int32(started.Nanosecond())
	r.endNsec = -1
	if finished != nil {
		r.endSec, r.endNsec = finished.Unix(), int32(finished.Nanosecond())
	}
}

func (r *scored) startedAt() time.Time {
	return time.Unix(r.startSec, int64(r.startNsec)).UTC()
}

// finishedAt is when the response finished, nil while it is in progress.
func (r *scored) finishedAt() *time.Time {
	if r.endNsec < 0 {
		return nil
	}
	t := time.Unix(r.endSec, int64(r.endNsec)).UTC()
	return &t
}

// duration is how long the respondent took, when it is known: a response
// imported without times has none.
func (r *scored) duration() (time.Duration, bool) {
	f := r.finishedAt()
	if f == nil || !f.After(r.startedAt()) {
		return 0, false
	}
	return f.Sub(r.startedAt()), true
}

// scoredColumns are the columns of responses a loader scans, in its order.
const scoredColumns = "id, seq, respondent_id, external_id, network, invitation_id, status, decision, source, answers, url_fields, ratings, forces, started_at, finished_at"

const (
	// blockRows and blockBytes bound the blocks a loader places responses
	// and their ratings in: a million responses take a few hundred
	// allocations, each made at its full size, so none is copied as it
	// fills.
	blockRows  = 4096
	blockBytes = 1 << 20
	// maxProfiles bounds the distinct profiles a load looks for again:
	// where every respondent wrote something of their own, sharing saves
	// nothing and the lookup table would only double what is stored.
	maxProfiles = 4096
	// gcRows is how many rows a load reads between collections.
	gcRows = 1 << 17
)

// loader scans rows of responses into scored values, with database/sql
// rather than GORM's reflection, in one pass.
type loader struct {
	rows     []scored // the block the next responses go in
	bytes    []byte   // the block the next ratings go in
	left     int      // responses still expected, to size the blocks
	profiles map[string]*profile
	key      []byte

	// What each row is scanned into before it is kept: fields rather than
	// variables, which the scan would move to the heap on every row.
	status, decision, source            sql.RawBytes
	answers, urlFields, ratings, forces sql.RawBytes
	invitation                          sql.NullInt64
	started                             time.Time
	finished                            sql.NullTime
}

func newLoader(expected int) *loader {
	return &loader{left: expected, profiles: map[string]*profile{}}
}

// scan reads the row rows is at.
func (l *loader) scan(rows *sql.Rows) (*scored, error) {
	if len(l.rows) == cap(l.rows) {
		l.rows = make([]scored, 0, min(max(l.left, 16), blockRows))
	}
	l.rows = l.rows[:len(l.rows)+1]
	r := &l.rows[len(l.rows)-1]
	l.left--
	if err := rows.Scan(&r.ID, &r.Seq, &r.RespondentID, &r.ExternalID, &r.Network, &l.invitation, &l.status, &l.decision, &l.source,
		&l.answers, &l.urlFields, &l.ratings, &l.forces, &l.started, &l.finished); err != nil {
		return nil, err
	}
	if l.invitation.Valid {
		id := l.invitation.Int64
		r.InvitationID = &id
	}
	var end *time.Time
	if l.finished.Valid {
		end = &l.finished.Time
	}
	r.setTimes(l.started, end)
	r.Ratings = l.keep(l.ratings)
	if len(l.forces) == len(r.forces) {
		r.forces, r.hasForces = [4]byte(l.forces), true
	}
	p, err := l.profile()
	if err != nil {
		return nil, fmt.Errorf("response %d: %w", r.ID, err)
	}
	r.profile = p
	return r, nil
}

// keep copies b into the current block, keeping nil nil and empty empty as
// the database gave them.
func (l *loader) keep(b []byte) []byte {
	if b == nil {
		return nil
	}
	if len(b) == 0 {
		return []byte{}
	}
	if len(b) > cap(l.bytes)-len(l.bytes) {
		l.bytes = make([]byte, 0, max(len(b), min(max(l.left, 16)*len(b), blockBytes)))
	}
	at := len(l.bytes)
	l.bytes = append(l.bytes, b...)
	return l.bytes[at:len(l.bytes):len(l.bytes)]
}

// profile is the shared profile of the row scanned last, parsed once per
// distinct one.
func (l *loader) profile() (*profile, error) {
	l.key = append(l.key[:0], l.status...)
	for _, part := range []sql.RawBytes{l.decision, l.source, l.answers, l.urlFields} {
		l.key = append(append(l.key, 0), part...)
	}
	if p, ok := l.profiles[string(l.key)]; ok {
		return p, nil
	}
	p := &profile{Status: string(l.status), Decision: string(l.decision), Source: string(l.source)}
	// As GORM's JSON serializer reads them: nothing stored is a nil map.
	if len(l.answers) > 0 {
		if err := json.Unmarshal(l.answers, &p.Answers); err != nil {
			return nil, fmt.Errorf("answers: %w", err)
		}
	}
	if len(l.urlFields) > 0 {
		if err := json.Unmarshal(l.urlFields, &p.URLFields); err != nil {
			return nil, fmt.Errorf("url fields: %w", err)
		}
	}
	if len(l.profiles) < maxProfiles {
		l.profiles[string(l.key)] = p
	}
	return p, nil
}

func byID(a, b *scored) int { return cmp.Compare(a.ID, b.ID) }

// sortByID orders list by id, which a load's rows usually are already.
func sortByID(list []*scored) {
	if !slices.IsSortedFunc(list, byID) {
		slices.SortFunc(list, byID)
	}
}
