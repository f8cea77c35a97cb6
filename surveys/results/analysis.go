package results

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"odi/surveys"
	"odi/surveys/problem"
	"odi/surveys/score"
)

// Filter keeps respondents whose answer to Key puts them in group Value.
type Filter struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// OpportunityQuery is what the results are asked for.
type OpportunityQuery struct {
	SegmentBy      string
	Filters        []Filter
	IncludePartial bool
	Unweighted     bool // ignore the study's weighting (?weighted=0)
}

// ParseQuery reads a query the way every caller sends it: the opportunities
// API and its exports, the Results tab and a share link's workbook alike.
// Each filter is "KEY:VALUE"; a blank one is a filter select left at its
// blank choice and is skipped. A malformed one is left out of the query
// and named in the error, so that a page can still show the rest.
func ParseQuery(segmentBy string, filters []string, includePartial, unweighted bool) (OpportunityQuery, error) {
	q := OpportunityQuery{SegmentBy: segmentBy, IncludePartial: includePartial, Unweighted: unweighted}
	var bad problem.List
	for _, f := range filters {
		if f == "" {
			continue
		}
		key, value, ok := strings.Cut(f, ":")
		if !ok || key == "" || value == "" {
			bad.Add("filter", fmt.Sprintf("%q is not KEY:VALUE, e.g. company_size:10-49", f))
			continue
		}
		q.Filters = append(q.Filters, Filter{Key: key, Value: value})
	}
	return q, bad.Err()
}

// Group is one slice of respondents with every outcome scored.
type Group struct {
	Key        string  `json:"key"`
	Label      string  `json:"label"`
	N          int     `json:"n"`
	EffectiveN float64 `json:"effective_n"` // Kish: (Σw)² ÷ Σw² over the group; n when unweighted
	Excluded   int     `json:"excluded"`    // responses the cleaning kept out of the group: by the study's rule or a decision
	LowN       bool    `json:"low_n"`
	Priority   float64 `json:"priority"`
	// PriorityIndex is the priority as an index, 100 for the average of the
	// groups split out (docs/scoring.md, "Segment priority"); null for all
	// and when no group has a priority.
	PriorityIndex   *float64              `json:"priority_index"`
	PriorityFactors score.PriorityFactors `json:"priority_factors"`
	Forces          *score.ForceSummary   `json:"forces,omitempty"`
	Outcomes        []score.Row           `json:"outcomes"`
}

// NoAnswer is the key of the group of respondents whom the segment_by
// question (URL field, saved segmentation) puts in no group: they skipped it
// or were never asked. It is the last group, there only when it has
// respondents, and a filter may name it ("company_size:no_answer").
const NoAnswer = "no_answer"

// Opportunities is the ranked result of a study: all respondents first, then
// one group per answer of the segment_by question, then NoAnswer.
type Opportunities struct {
	StudyID   int64  `json:"study_id"`
	SegmentBy string `json:"segment_by"`
	// SegmentName is what the groups are of, as a heading names them
	// ("Company size" in "Company size: 1-9").
	SegmentName string  `json:"segment_name,omitempty"`
	Weighted    bool    `json:"weighted"` // scored with the study's weighting
	Raking      *Raking `json:"weighting,omitempty"`
	// WeightingProblem says why the study's weighting is not applied (its
	// targets no longer fit the questions); see Store.weights.
	WeightingProblem string  `json:"weighting_problem,omitempty"`
	Groups           []Group `json:"groups"`
}

// splitter puts a respondent into the groups of one segmentation.
type splitter struct {
	name         string // what the groups are of, for headings
	keys, labels []string
	markets      []float64                // a group's own market size, 0 for none; nil when no group has one
	of           func(r *scored) []string // group keys of a respondent
	byProfile    bool                     // of reads only the respondent's profile, which many share
}

// groupsOf is of(r), or NoAnswer for a respondent in no group.
func (sp *splitter) groupsOf(r *scored) []string {
	if k := sp.of(r); len(k) > 0 {
		return k
	}
	return []string{NoAnswer}
}

// keyName is a question or URL field key as a heading reads it:
// "company_size" is "Company size".
func keyName(key string) string {
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// splitterFor finds the question (or saved segmentation) named key.
func (s *Store) splitterFor(ctx context.Context, d *surveys.Design, key string) (*splitter, error) {
	for _, q := range d.Questions {
		if q.Key == key {
			if q.Kind == surveys.KindText {
				return nil, fmt.Errorf("%s is free text and cannot split results", key)
			}
			groups := q.Groups()
			return &splitter{name: keyName(key), keys: groups, labels: groups, of: func(r *scored) []string { return q.Group(r.Answers[q.Key]) }, byProfile: true}, nil
		}
	}
	if slices.Contains(d.Study.URLFields, key) {
		return s.urlFieldSplitter(ctx, d, key)
	}
	seg, err := s.segmentation(ctx, d.Study.ID, key)
	if err != nil {
		return nil, err
	}
	if seg != nil {
		return seg.splitter(), nil
	}
	return nil, fmt.Errorf("%s is not a profile question, URL field or saved segmentation of this study", key)
}

// maxURLGroups bounds the groups of a URL field: its values come from
// respondents' links, so there may be as many as respondents.
const maxURLGroups = 20

// urlFieldSplitter splits by a URL field's value: the maxURLGroups most
// common values among the study's responses, most common first.
func (s *Store) urlFieldSplitter(ctx context.Context, d *surveys.Design, key string) (*splitter, error) {
	rows, err := s.scoredResponses(ctx, d.Study.ID)
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, r := range rows {
		if v := r.URLFields[key]; v != "" {
			n[v]++
		}
	}
	values := slices.Collect(maps.Keys(n))
	slices.SortFunc(values, func(a, b string) int { return cmp.Or(n[b]-n[a], strings.Compare(a, b)) })
	values = values[:min(len(values), maxURLGroups)]
	return &splitter{name: keyName(key), keys: values, labels: values, byProfile: true, of: func(r *scored) []string {
		if v := r.URLFields[key]; v != "" {
			return []string{v}
		}
		return nil
	}}, nil
}

// Opportunities scores a study for all respondents and per group.
func (s *Store) Opportunities(ctx context.Context, d *surveys.Design, q OpportunityQuery) (*Opportunities, error) {
	var split *splitter
	if q.SegmentBy != "" {
		var err error
		if split, err = s.splitterFor(ctx, d, q.SegmentBy); err != nil {
			return nil, problem.Invalid("segment_by", err.Error())
		}
	}
	filters := make([]*splitter, len(q.Filters))
	for i, f := range q.Filters {
		sp, err := s.splitterFor(ctx, d, f.Key)
		if err != nil {
			return nil, problem.Invalid("filter", err.Error())
		}
		if f.Value != NoAnswer && !slices.Contains(sp.keys, f.Value) {
			return nil, problem.Invalid("filter", fmt.Sprintf("%q is not a group of %s (groups: %s)", f.Value, f.Key, strings.Join(sp.keys, ", ")))
		}
		filters[i] = sp
	}
	rows, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, err
	}
	var rk *raked
	var unfit string
	if !q.Unweighted {
		if rk, unfit, err = s.studyWeights(ctx, d, rows, rv); err != nil {
			return nil, err
		}
	}

	outcomes := make([]score.Outcome, len(d.Outcomes))
	slots := 0
	for i, o := range d.Outcomes {
		outcomes[i] = score.Outcome{Code: o.Code, Statement: o.Statement, Step: o.Step, Slot: o.Slot}
		slots = max(slots, o.Slot+1)
	}
	newAcc := func() *groupTally {
		if rk != nil {
			return &groupTally{wt: score.NewWeightedTallies(slots)}
		}
		return &groupTally{t: score.NewTallies(slots)}
	}
	all := newAcc()
	// A respondent in exactly one group is counted in that group's sole
	// tally alone, which is added to both the group and all respondents at
	// the end: each rating is counted once rather than twice, which is
	// most of the cost of a result over a large study.
	var groups, sole []*groupTally
	index := map[string]int{}
	in := groupIndexes{index: index, memo: map[*profile][]int{}}
	if split != nil {
		in.split = split
		groups = make([]*groupTally, len(split.keys)+1)
		sole = make([]*groupTally, len(split.keys)+1)
		for i, k := range split.keys {
			groups[i], sole[i] = newAcc(), newAcc()
			index[k] = i
		}
		// An answer option named like NoAnswer keeps its own group.
		if _, taken := index[NoAnswer]; !taken {
			groups[len(split.keys)], sole[len(split.keys)] = newAcc(), newAcc()
			index[NoAnswer] = len(split.keys)
		}
	}
	roleKey := d.Study.RoleQuestion
	for i, r := range rows {
		if !counts(r, q.IncludePartial) || !passes(r, q.Filters, filters) {
			continue
		}
		add := (*groupTally).add
		if roleKey != "" {
			add = func(g *groupTally, r *scored, w float64) { g.countRole(r.Answers[roleKey]); g.add(r, w) }
		}
		if rv.excluded[i] {
			add = (*groupTally).exclude
		}
		w := 1.0
		if rk != nil {
			w = rk.weights[i]
		}
		if split == nil {
			add(all, r, w)
			continue
		}
		js := in.of(r)
		if len(js) == 1 {
			add(sole[js[0]], r, w)
			continue
		}
		add(all, r, w)
		for _, j := range js {
			add(groups[j], r, w)
		}
	}
	for j, g := range sole {
		if g != nil {
			groups[j].merge(g)
			all.merge(g)
		}
	}
	res := &Opportunities{StudyID: d.Study.ID, SegmentBy: q.SegmentBy, Weighted: rk != nil, WeightingProblem: unfit}
	if split != nil {
		res.SegmentName = split.name
	}
	if rk != nil {
		res.Raking = &rk.raking
	}
	market := marketSize(d, split, groups, all)
	build := func(key, label string, a *groupTally, own float64) Group {
		g := Group{Key: key, Label: label, N: a.n, EffectiveN: float64(a.n), Excluded: a.excluded, LowN: a.n < d.Study.MinN}
		if rk != nil {
			g.Outcomes = score.RankWeighted(outcomes, a.wt)
			g.EffectiveN = 0
			if a.sq > 0 {
				g.EffectiveN = a.weight * a.weight / a.sq
			}
		} else {
			g.Outcomes = score.Rank(outcomes, a.t)
		}
		if d.Study.RoleQuestion != "" {
			notAsked(d, g.Outcomes, a.roles, split != nil && q.SegmentBy == d.Study.RoleQuestion, key)
		}
		g.PriorityFactors = score.Factors(g.Outcomes, a.weight, all.weight, market)
		if own > 0 && g.PriorityFactors != (score.PriorityFactors{}) {
			// The group's own market size stands for its share of the study's.
			g.PriorityFactors.Share, g.PriorityFactors.MarketSize = 1, own
		}
		g.Priority = g.PriorityFactors.Priority()
		if d.Study.FourForces {
			f := a.forces.Summary()
			g.Forces = &f
		}
		return g
	}
	res.Groups = append(res.Groups, build("all", "All respondents", all, 0))
	if split != nil {
		add := func(key, label string, a *groupTally, own float64) {
			g := build(key, label, a, own)
			score.VsRest(g.Outcomes, res.Groups[0].Outcomes)
			for i := range g.Outcomes {
				if g.Outcomes[i].NotAsked {
					g.Outcomes[i].VsRest = nil // nobody to test
				}
			}
			res.Groups = append(res.Groups, g)
		}
		for i, k := range split.keys {
			own := 0.0
			if split.markets != nil {
				own = split.markets[i]
			}
			add(k, split.labels[i], groups[i], own)
		}
		// Those who skipped the question are no segment to serve: they
		// stay out of the groups' average priority.
		indexPriorities(res.Groups[1:])
		if na := groups[len(split.keys)]; na != nil && na.n+na.excluded > 0 {
			add(NoAnswer, "No answer", na, 0)
		}
	}
	return res, nil
}

// groupIndexes finds the groups of a split a respondent is in, by their
// index, once per profile where the split reads only profiles.
type groupIndexes struct {
	split *splitter
	index map[string]int
	memo  map[*profile][]int
}

func (g *groupIndexes) of(r *scored) []int {
	if js, ok := g.memo[r.profile]; ok && g.split.byProfile {
		return js
	}
	var js []int
	for _, k := range g.split.groupsOf(r) {
		if j, ok := g.index[k]; ok {
			js = append(js, j)
		}
	}
	if g.split.byProfile && len(g.memo) < maxProfiles {
		g.memo[r.profile] = js
	}
	return js
}

// marketSize is the market size of the groups without one of their own:
// the study's; or, when it has none and some groups of split have their
// own, the whole market those groups imply (their sizes ÷ their shares), so
// that every group's priority is in the same unit; else 1.
func marketSize(d *surveys.Design, split *splitter, groups []*groupTally, all *groupTally) float64 {
	if d.Study.MarketSize != nil {
		return *d.Study.MarketSize
	}
	var sum, share float64
	if split != nil && split.markets != nil && all.weight > 0 {
		for i, m := range split.markets {
			if m > 0 && groups[i].weight > 0 {
				sum += m
				share += groups[i].weight / all.weight
			}
		}
	}
	if share == 0 {
		return 1
	}
	return sum / share
}

// indexPriorities sets each group's priority index: 100 × its priority ÷
// the mean priority of the groups, so 100 is the average group, 200 twice
// as worth serving first.
func indexPriorities(groups []Group) {
	var sum float64
	for _, g := range groups {
		sum += g.Priority
	}
	if sum <= 0 {
		return
	}
	mean := sum / float64(len(groups))
	for i := range groups {
		v := 100 * groups[i].Priority / mean
		groups[i].PriorityIndex = &v
	}
}

// notAsked marks the rows (by rank) of a group whose respondents were never
// asked the outcome, routed to other roles: roles counts the group's
// respondents by their answer to the role question. A group of the role
// question itself (byRole, its key a role) is asked exactly its outcomes,
// even before anyone answers. Marked rows lose their rank and go last; the
// others are ranked again from 1, so a group's top outcomes are ones it
// was asked. Their class is not_asked.
func notAsked(d *surveys.Design, rows []score.Row, roles map[string]int, byRole bool, key string) {
	routed := make(map[string][]string, len(d.Outcomes))
	for _, o := range d.Outcomes {
		if len(o.Roles) > 0 {
			routed[o.Code] = o.Roles
		}
	}
	if len(routed) == 0 {
		return
	}
	for i := range rows {
		of, ok := routed[rows[i].Code]
		if !ok {
			continue
		}
		asked := 0
		for _, r := range of {
			asked += roles[r]
		}
		if byRole && key != "all" && key != NoAnswer {
			asked = 0
			if slices.Contains(of, key) {
				asked = 1
			}
		}
		if asked == 0 && rows[i].N == 0 {
			rows[i].NotAsked, rows[i].Class = true, "not_asked"
		}
	}
	slices.SortStableFunc(rows, func(a, b score.Row) int {
		switch {
		case a.NotAsked == b.NotAsked:
			return 0
		case a.NotAsked:
			return 1
		}
		return -1
	})
	for i := range rows {
		rows[i].Rank = i + 1
		if rows[i].NotAsked {
			rows[i].Rank = 0
		}
	}
}

// groupTally accumulates one group's ratings and forces, unweighted in t
// or weighted in wt, its respondents' total weight and squared weight, and
// counts the responses the cleaning kept out of it.
type groupTally struct {
	t          score.Tallies
	wt         score.WeightedTallies
	forces     score.ForceTally
	n          int
	weight, sq float64
	excluded   int
	roles      map[string]int // counted respondents by their answer to the role question, when the study has one
}

func (g *groupTally) countRole(role string) { g.countRoles(role, 1) }

func (g *groupTally) countRoles(role string, n int) {
	if g.roles == nil {
		g.roles = map[string]int{}
	}
	g.roles[role] += n
}

func (g *groupTally) exclude(*scored, float64) { g.excluded++ }

func (g *groupTally) add(r *scored, w float64) {
	g.n++
	g.weight += w
	g.sq += w * w
	if g.wt != nil {
		g.wt.Add(r.Ratings, w)
	} else {
		g.t.Add(r.Ratings)
	}
	if f := r.Forces(); len(f) == 4 {
		g.forces.Add(int(f[0]), int(f[1]), int(f[2]), int(f[3]), w)
	}
}

// merge adds o's respondents to g.
func (g *groupTally) merge(o *groupTally) {
	g.n += o.n
	g.weight += o.weight
	g.sq += o.sq
	g.excluded += o.excluded
	if g.wt != nil {
		g.wt.Merge(o.wt)
	} else {
		g.t.Merge(o.t)
	}
	g.forces.Merge(o.forces)
	for role, n := range o.roles {
		g.countRoles(role, n)
	}
}

// counts tells whether a response is part of the results, unless the
// cleaning excludes it: complete, or also in progress when partial responses
// are asked for.
func counts(r *scored, includePartial bool) bool {
	return r.Status == surveys.Complete || (includePartial && r.Status == surveys.InProgress)
}

func passes(r *scored, fs []Filter, sp []*splitter) bool {
	for i, f := range fs {
		if !slices.Contains(sp[i].groupsOf(r), f.Value) {
			return false
		}
	}
	return true
}

// ComparisonRow is one outcome across every group of a result: a row of the
// segment comparison heat map.
type ComparisonRow struct {
	Rank      int // in all respondents
	Code      string
	Statement string
	Cells     []score.Row // Cells[i] is the outcome in Groups[i]; N is 0 where that group has no rating of it
}

// Comparison lays the groups side by side outcome by outcome, in the rank
// order of all respondents, so every page and the workbook compare segments
// from the same matrix.
func (o *Opportunities) Comparison() []ComparisonRow {
	if len(o.Groups) == 0 {
		return nil
	}
	at := make([]map[string]int, len(o.Groups))
	for i, g := range o.Groups {
		at[i] = make(map[string]int, len(g.Outcomes))
		for j, r := range g.Outcomes {
			at[i][r.Code] = j
		}
	}
	rows := make([]ComparisonRow, len(o.Groups[0].Outcomes))
	for k, r := range o.Groups[0].Outcomes {
		row := ComparisonRow{Rank: r.Rank, Code: r.Code, Statement: r.Statement, Cells: make([]score.Row, len(o.Groups))}
		for i, g := range o.Groups {
			if j, ok := at[i][r.Code]; ok {
				row.Cells[i] = g.Outcomes[j]
			}
		}
		rows[k] = row
	}
	return rows
}

// Split is one way results can be grouped: a segment question or a saved
// needs-based segmentation, with its groups' keys and the labels people read.
type Split struct {
	Key, Label string
	Name       string   // what the groups are of, as a heading names them: Opportunities.SegmentName
	Saved      bool     // a saved segmentation rather than a question
	Groups     []string // group keys, as segment_by and filters name them
	Labels     []string // the same groups as people read them
}

// Splits lists the ways a study's results can be grouped: its segment
// questions (and its role question, segment or not) in question order, then
// its saved segmentations.
func (s *Store) Splits(ctx context.Context, d *surveys.Design) ([]Split, error) {
	var out []Split
	for _, q := range d.Questions {
		if (q.Segment || q.Key == d.Study.RoleQuestion) && q.Kind != surveys.KindText {
			g := q.Groups()
			out = append(out, Split{Key: q.Key, Label: q.Text, Name: keyName(q.Key), Groups: g, Labels: g})
		}
	}
	var segs []Segmentation
	if err := s.db.WithContext(ctx).Where("study_id = ?", d.Study.ID).Order("id").Find(&segs).Error; err != nil {
		return nil, fmt.Errorf("segmentations of study %d: %w", d.Study.ID, err)
	}
	for _, sg := range segs {
		sp := sg.splitter()
		out = append(out, Split{Key: sg.Key, Label: "Saved segmentation " + sg.Key, Name: sp.name, Saved: true, Groups: sp.keys, Labels: sp.labels})
	}
	return out, nil
}
