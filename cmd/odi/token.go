package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

const tokenUsage = "usage: odi token create --email E [--name N] | odi token list --email E | odi token revoke --id N | odi token revoke --email E --name N"

// tokenCmd serves the admin's token chores: make one for a script, see an
// account's tokens, revoke one that leaked, without the web UI.
func tokenCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(tokenUsage)}
	}
	verb := args[0]
	fs := flag.NewFlagSet("odi token "+verb, flag.ContinueOnError)
	var email, name *string
	var id *int64
	switch verb {
	case "create":
		email = fs.String("email", "", "account the token acts for")
		name = fs.String("name", "cli", "a name to recognise the token by")
	case "list":
		email = fs.String("email", "", "account whose tokens to list")
	case "revoke":
		id = fs.Int64("id", 0, "id of the token, as odi token list shows it")
		email = fs.String("email", "", "account of the token, with --name")
		name = fs.String("name", "", "name of the token, with --email: revokes every active token of that name")
	default:
		return usageError{errors.New(tokenUsage)}
	}
	store, err := openStore(fs, args[1:])
	if err != nil {
		return err
	}
	defer store.Close()
	ctx := context.Background()
	switch verb {
	case "create":
		return tokenCreate(ctx, store, *email, *name, stdout)
	case "list":
		return tokenList(ctx, store, *email, stdout)
	}
	return tokenRevoke(ctx, store, *id, *email, *name, stdout)
}

func tokenCreate(ctx context.Context, store *surveys.Store, email, name string, stdout io.Writer) error {
	u, err := account(ctx, store, email)
	if err != nil {
		return err
	}
	plain, _, err := store.Accounts().CreateToken(ctx, u.ID, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, plain)
	return nil
}

func tokenList(ctx context.Context, store *surveys.Store, email string, stdout io.Writer) error {
	if email == "" {
		return usageError{errors.New("odi token list: --email is required")}
	}
	_, tokens, err := tokensOf(ctx, store, email)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tCREATED\tLAST USED\tSTATUS")
	for _, t := range tokens {
		used, status := "never", "active"
		if t.LastUsedAt != nil {
			used = t.LastUsedAt.Format(cliTime)
		}
		if t.RevokedAt != nil {
			status = "revoked " + t.RevokedAt.Format(cliTime)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(cliTime), used, status)
	}
	return w.Flush()
}

// tokensOf is the account of email with its tokens, newest first.
func tokensOf(ctx context.Context, store *surveys.Store, email string) (*accounts.User, []accounts.APIToken, error) {
	u, err := account(ctx, store, email)
	if err != nil {
		return nil, nil, err
	}
	tokens, err := store.Accounts().ListTokens(ctx, u.ID)
	return u, tokens, err
}

// cliTime is how the command line shows a time: to the minute, in UTC.
const cliTime = "2006-01-02 15:04 UTC"

func tokenRevoke(ctx context.Context, store *surveys.Store, id int64, email, name string, stdout io.Writer) error {
	switch {
	case id > 0 && email == "" && name == "":
		t, err := store.Accounts().Token(ctx, id)
		if errors.Is(err, problem.ErrNotFound) {
			return fmt.Errorf("no token with id %d", id)
		}
		if err != nil {
			return err
		}
		u, err := store.Accounts().UserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			fmt.Fprintf(stdout, "token %d %q of %s was already revoked\n", t.ID, t.Name, u.Email)
			return nil
		}
		if err := store.Accounts().RevokeToken(ctx, t.UserID, t.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked token %d %q of %s\n", t.ID, t.Name, u.Email)
		return nil
	case id == 0 && email != "" && name != "":
		u, tokens, err := tokensOf(ctx, store, email)
		if err != nil {
			return err
		}
		revoked := 0
		for _, t := range tokens {
			if t.Name != name || t.RevokedAt != nil {
				continue
			}
			if err := store.Accounts().RevokeToken(ctx, u.ID, t.ID); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "revoked token %d %q of %s\n", t.ID, t.Name, u.Email)
			revoked++
		}
		if revoked == 0 {
			return fmt.Errorf("%s has no active token named %q (odi token list --email %s shows them)", u.Email, name, u.Email)
		}
		return nil
	}
	return usageError{errors.New("usage: odi token revoke --id N | odi token revoke --email E --name N")}
}
