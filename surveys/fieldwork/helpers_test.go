package fieldwork_test

import (
	"context"
	"testing"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
)

// fieldworkOf takes responses for s's studies until the test ends.
func fieldworkOf(t testing.TB, s *surveys.Store) *fieldwork.Store {
	fw := fieldwork.New(s, results.New(s))
	t.Cleanup(fw.Close) // before the store's own cleanup closes the database
	return fw
}

// mustDesign is a study's design as the study-access middleware resolves it.
func mustDesign(t testing.TB, s *surveys.Store, u *accounts.User, id int64) *surveys.Design {
	t.Helper()
	d, err := s.Design(context.Background(), u, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
