package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

const userUsage = "usage: odi user add --email E --role admin|researcher | odi user disable --email E | odi user enable --email E | odi user passwd --email E (passwords on stdin)"

// userCmd serves the admin's account chores on the machine odi runs on:
// make an account, lock one, let it in again, set a password someone lost.
func userCmd(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(userUsage)}
	}
	verb := args[0]
	fs := flag.NewFlagSet("odi user "+verb, flag.ContinueOnError)
	email := fs.String("email", "", "email of the account")
	var role *string
	switch verb {
	case "add":
		role = fs.String("role", accounts.RoleResearcher, "admin or researcher")
	case "disable", "enable", "passwd":
	default:
		return usageError{errors.New(userUsage)}
	}
	store, err := openStore(fs, args[1:])
	if err != nil {
		return err
	}
	defer store.Close()
	ctx := context.Background()
	if verb == "add" {
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		u, err := store.Accounts().CreateUser(ctx, accounts.NewUser{Email: *email, Password: password, Role: *role})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s %s\n", u.Role, u.Email)
		return nil
	}
	u, err := account(ctx, store, *email)
	if err != nil {
		return err
	}
	switch verb {
	case "disable":
		if err := store.Accounts().DisableUser(ctx, nil, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s: sessions, API tokens and share links ended\n", u.Email)
	case "enable":
		if err := store.Accounts().EnableUser(ctx, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "enabled %s\n", u.Email)
	case "passwd":
		password, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if err := store.Accounts().SetPassword(ctx, u.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions ended\n", u.Email)
	}
	return nil
}

// account loads the account with an email, or says there is none.
func account(ctx context.Context, store *surveys.Store, email string) (*accounts.User, error) {
	u, err := store.Accounts().UserByEmail(ctx, email)
	if errors.Is(err, problem.ErrNotFound) {
		return nil, fmt.Errorf("no account with email %q", email)
	}
	return u, err
}

// readPassword takes the first line of stdin, so that a password never
// appears in a process list or a shell history.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
