package accounts_test

import (
	"context"
	"errors"
	"maps"
	"testing"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
	"odi/surveys/surveystest"
)

func TestUsersAndTokens(t *testing.T) {
	surveystest.Each(t, func(t *testing.T, s *surveys.Store) {
		ctx := context.Background()
		u, err := s.Accounts().CreateUser(ctx, accounts.NewUser{Email: " Ana@Example.com ", Password: "correct horse", Role: "researcher"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "ana@example.com" || u.PasswordHash == "correct horse" {
			t.Fatalf("email not normalised or password stored in clear: %+v", u)
		}
		if _, err := s.Accounts().Authenticate(ctx, "ANA@example.com", "correct horse"); err != nil {
			t.Fatalf("right password refused: %v", err)
		}
		if _, err := s.Accounts().Authenticate(ctx, "ana@example.com", "wrong"); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("wrong password: got %v", err)
		}
		if _, err := s.Accounts().Authenticate(ctx, "nobody@example.com", "x"); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("unknown email: got %v", err)
		}

		plain, tok, err := s.Accounts().CreateToken(ctx, u.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		if tok.TokenHash == plain || tok.TokenHash != accounts.HashSecret(plain) {
			t.Fatal("token must be stored hashed")
		}
		got, err := s.Accounts().UserByToken(ctx, plain)
		if err != nil || got.ID != u.ID {
			t.Fatalf("token lookup: %v %v", got, err)
		}
		if err := s.Accounts().RevokeToken(ctx, u.ID+1, tok.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("someone else revoking: got %v", err)
		}
		if err := s.Accounts().RevokeToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Accounts().UserByToken(ctx, plain); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("revoked token still works: %v", err)
		}
	})
}

func TestCreateUserNamesEveryBadField(t *testing.T) {
	s := surveystest.SQLite(t)
	_, err := s.Accounts().CreateUser(context.Background(), accounts.NewUser{Email: "not-an-email", Password: "short", Role: "boss"})
	fields := surveystest.Fields(t, err)
	want := map[string]string{
		"email":    "must be an email address",
		"password": "must be at least 10 characters",
		"role":     "must be one of: admin, researcher",
	}
	if !maps.Equal(fields, want) {
		t.Errorf("fields %q, want %q", fields, want)
	}
}

func TestDuplicateEmailIsRefused(t *testing.T) {
	s := surveystest.SQLite(t)
	ctx := context.Background()
	in := accounts.NewUser{Email: "a@example.com", Password: "olive-kettle-93", Role: "admin"}
	if _, err := s.Accounts().CreateUser(ctx, in); err != nil {
		t.Fatal(err)
	}
	_, err := s.Accounts().CreateUser(ctx, in)
	if msg := surveystest.Fields(t, err)["email"]; msg != "is already registered" {
		t.Fatalf("email: got %q (%v)", msg, err)
	}
}

func TestFirstAdminOnlyWhileNoAccountExists(t *testing.T) {
	s := surveystest.SQLite(t)
	ctx := context.Background()
	if _, err := s.Accounts().CreateFirstAdmin(ctx, accounts.NewUser{Email: "a@example.com", Password: "olive-kettle-93"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Accounts().CreateFirstAdmin(ctx, accounts.NewUser{Email: "b@example.com", Password: "olive-kettle-93"})
	if !errors.Is(err, problem.ErrNotFound) {
		t.Fatalf("second first-admin: got %v", err)
	}
}
