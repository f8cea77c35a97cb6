package fieldwork_test

import (
	"testing"

	"odi/surveys"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
)

// fieldworkOf takes responses for s's studies until the test ends.
func fieldworkOf(t testing.TB, s *surveys.Store) *fieldwork.Store {
	fw := fieldwork.New(s, results.New(s))
	t.Cleanup(fw.Close) // before the store's own cleanup closes the database
	return fw
}
