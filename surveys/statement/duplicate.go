package statement

import (
	"slices"
	"sync"
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

// A word set is the sorted, distinct 64-bit hashes of a statement's words:
// comparing two is a merge of two short integer slices, with no strings.
type wordSet []uint64

// nearDuplicate returns the statement among others whose words overlap s's
// the most, if that is a near-duplicate, and the overlap in percent.
func nearDuplicate(s string, others []string) (other string, percent int, ok bool) {
	a := cachedWordSet(s)
	if len(a) == 0 {
		return "", 0, false
	}
	bestInter, bestUnion := 0, 1
	for _, o := range others {
		b := cachedWordSet(o)
		small, large := min(len(a), len(b)), max(len(a), len(b))
		if duplicateDen*small < duplicateNum*large {
			continue // the overlap cannot reach the threshold
		}
		inter := intersection(a, b)
		union := len(a) + len(b) - inter
		if duplicateDen*inter >= duplicateNum*union && inter*bestUnion > bestInter*union {
			other, bestInter, bestUnion, ok = o, inter, union, true
		}
	}
	if !ok {
		return "", 0, false
	}
	percent = 100 * bestInter / bestUnion // floor, so 100 means the very same words
	return other, percent, true
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

// Lint compares each statement of a study with every other, so the same
// statements are split into words again and again; a small cache keeps their
// word sets. It is emptied when full.
const cacheEntries = 4096

var setCache = struct {
	sync.Mutex
	m map[string]wordSet
}{m: map[string]wordSet{}}

func cachedWordSet(s string) wordSet {
	if len(s) > comparedBytes {
		return words(s)
	}
	setCache.Lock()
	ws, ok := setCache.m[s]
	setCache.Unlock()
	if ok {
		return ws
	}
	ws = words(s)
	setCache.Lock()
	if len(setCache.m) >= cacheEntries {
		clear(setCache.m)
	}
	setCache.m[s] = ws
	setCache.Unlock()
	return ws
}

// words returns the word set of the start of s without stopwords; a
// statement of stopwords only keeps them, so "The" still duplicates "the".
func words(s string) wordSet {
	s = s[:min(len(s), comparedBytes)]
	var all, content wordSet
	for i := 0; ; {
		ws, we := nextWord(s, i)
		if ws < 0 {
			break
		}
		h := hashWord(s[ws:we])
		all = append(all, h)
		if !stopHashes[h] {
			content = append(content, h)
		}
		i = we
	}
	if len(content) == 0 {
		content = all
	}
	slices.Sort(content)
	return slices.Compact(content)
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
