package statement

import (
	"cmp"
	"maps"
	"slices"
	"unicode"
)

// Two statements are near-duplicates when their word sets overlap by at
// least 4/5 (Jaccard similarity ≥ 0.8). Words are compared lower-case with
// punctuation, stopwords and a plural "s" dropped, so "Find past decisions."
// and "find a past decision" are the same words.
const (
	duplicateNum = 4
	duplicateDen = 5
)

// A word set is a statement's distinct words as sorted integers, their
// 64-bit hashes (or, within a study, their ranks): comparing two is a merge
// of two short integer slices, with no strings.
type wordSet []uint64

// match is the statement most like another one, when it is a near-duplicate.
type match struct {
	other   string
	percent int // words in common, floored, so 100 means the very same words
	ok      bool
}

// overlap is what two word sets share: the sizes of their intersection and union.
type overlap struct{ inter, union int }

// near tells how much a and b overlap, and whether that makes them near-duplicates.
func near(a, b wordSet) (overlap, bool) {
	small, large := min(len(a), len(b)), max(len(a), len(b))
	if small == 0 || duplicateDen*small < duplicateNum*large {
		return overlap{}, false // the overlap cannot reach the threshold
	}
	inter := intersection(a, b)
	o := overlap{inter, len(a) + len(b) - inter}
	return o, duplicateDen*o.inter >= duplicateNum*o.union
}

// beats tells whether o is the greater share of words in common.
func (o overlap) beats(than overlap) bool { return o.inter*than.union > than.inter*o.union }

func (o overlap) percent() int { return 100 * o.inter / o.union }

// nearDuplicate returns the statement among others whose words overlap s's
// the most, the first of them on a tie, if that is a near-duplicate. It reads
// each statement once: the editor asks it of a draft while someone types.
func nearDuplicate(s string, others []string) match {
	a := words(s)
	var best match
	bestOverlap := overlap{0, 1}
	for _, o := range others {
		if ov, ok := near(a, words(o)); ok && ov.beats(bestOverlap) {
			best, bestOverlap = match{other: o, ok: true}, ov
		}
	}
	best.percent = bestOverlap.percent()
	return best
}

// nearDuplicates is nearDuplicate of every statement of a study against all
// the others, found without comparing every pair (which took minutes for
// thousands of statements). It is prefix filtering: order each word set by
// how few statements use each word, rarest first; two sets overlapping by
// 4/5 share at least 4/5 of the larger one, so each set's rarest
// n - ⌈4/5·n⌉ + 1 words (its prefix) must include a word the other's prefix
// holds too. Only statements whose prefixes meet are compared, and prefixes
// hold rare words, so a study's common words ("minimize", "time") bring no
// candidates. The result is exactly what comparing every pair gives. (Were
// most statements near-copies of each other, most pairs would still be
// compared; the cap on outcomes per study bounds that.)
func nearDuplicates(stmts []string) []match {
	sets, nWords := rarestFirst(stmts)
	type found struct {
		overlap
		other int // index in stmts; -1 for none yet
	}
	best := make([]found, len(stmts))
	for i := range best {
		best[i] = found{overlap{0, 1}, -1}
	}
	// consider keeps the better of a statement's best so far and j; equal
	// overlaps go to the earlier statement, as in nearDuplicate.
	consider := func(i, j int, ov overlap) {
		b := &best[i]
		if ov.beats(b.overlap) || (!b.beats(ov) && j < b.other) {
			*b = found{ov, j}
		}
	}
	// Each statement meets the earlier ones whose prefixes share a word with
	// its own, then joins the index: every pair is compared at most once.
	index := make([][]int, nWords)  // by word rank: the statements whose prefix holds it
	seen := make([]int, len(stmts)) // seen[j] == i+1: j is already a candidate of i
	for i, a := range sets {
		for _, w := range a[:prefixLen(len(a))] {
			for _, j := range index[w] {
				if seen[j] == i+1 {
					continue
				}
				seen[j] = i + 1
				if ov, ok := near(a, sets[j]); ok {
					consider(i, j, ov)
					consider(j, i, ov)
				}
			}
			index[w] = append(index[w], i)
		}
	}
	out := make([]match, len(stmts))
	for i, b := range best {
		if b.other >= 0 {
			out[i] = match{other: stmts[b.other], percent: b.percent(), ok: true}
		}
	}
	return out
}

// rarestFirst returns the word set of each statement with every word
// replaced by its rank among the study's nWords words, the rarest first (ties
// by hash), so that each set sorts rarest first and stays comparable with the
// others.
func rarestFirst(stmts []string) (sets []wordSet, nWords int) {
	sets = make([]wordSet, len(stmts))
	uses := map[uint64]int{}
	for i, s := range stmts {
		sets[i] = words(s)
		for _, w := range sets[i] {
			uses[w]++
		}
	}
	byRarity := slices.SortedFunc(maps.Keys(uses), func(x, y uint64) int {
		return cmp.Or(cmp.Compare(uses[x], uses[y]), cmp.Compare(x, y))
	})
	rank := make(map[uint64]uint64, len(byRarity))
	for r, w := range byRarity {
		rank[w] = uint64(r)
	}
	for _, set := range sets {
		for k, w := range set {
			set[k] = rank[w]
		}
		slices.Sort(set)
	}
	return sets, len(byRarity)
}

// prefixLen is how many of a set's rarest words its near-duplicates must
// meet: all but the ⌈4/5·n⌉ - 1 words it may have in common with them.
func prefixLen(n int) int {
	if n == 0 {
		return 0
	}
	return n - (duplicateNum*n+duplicateDen-1)/duplicateDen + 1
}

func intersection(a, b wordSet) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// comparedBytes is how much of a statement the duplicate check reads. A
// statement is a sentence; one longer than this is flagged as too long
// anyway, and reading only its start keeps Lint's time bounded by the number
// of statements, not by what someone pasted.
const comparedBytes = 2048

// words returns the word set of the start of s without stopwords; a
// statement of stopwords only keeps them, so "The" still duplicates "the".
func words(s string) wordSet {
	s = s[:min(len(s), comparedBytes)]
	var set wordSet
	for i := 0; ; {
		ws, we := nextWord(s, i)
		if ws < 0 {
			break
		}
		set = append(set, hashWord(s[ws:we]))
		i = we
	}
	stop := func(h uint64) bool { return stopHashes[h] }
	if slices.ContainsFunc(set, func(h uint64) bool { return !stop(h) }) {
		set = slices.DeleteFunc(set, stop)
	}
	slices.Sort(set)
	return slices.Compact(set)
}

var stopHashes = func() map[uint64]bool {
	m := make(map[uint64]bool, len(stopwords))
	for _, w := range stopwords {
		m[hashWord(w)] = true
	}
	return m
}()

// hashWord is the 64-bit FNV-1a hash of a word lower-cased, without its
// joiners (hyphens, apostrophes, invisible characters) and without a plural
// "s": "Hand-offs" hashes like "handoff".
func hashWord(w string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h, before := uint64(offset), uint64(offset)
	var last, beforeLast rune
	n := 0
	for _, r := range w {
		if isJoiner(r) {
			continue
		}
		r = unicode.ToLower(r)
		before = h
		h = (h ^ uint64(r)) * prime
		beforeLast, last = last, r
		n++
	}
	if last == 's' && n > 3 && beforeLast != 's' && beforeLast != 'u' && beforeLast != 'i' {
		return before
	}
	return h
}
