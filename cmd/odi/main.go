// Command odi is the whole product in one binary: the web server and the admin chores.
//
//	odi [serve] [flags]         run the server (the default)
//	odi user add --email E --role admin|researcher   (password on stdin)
//	odi user disable|enable --email E                (ends or restores an account's access)
//	odi user passwd --email E                        (new password on stdin; logs them out)
//	odi token create --email E [--name N]            (prints only the token)
//	odi token list --email E                         (an account's tokens, newest first)
//	odi token revoke --id N | --email E --name N     (stops a token working)
//	odi demo [--responses N] [--outcomes M] [--email E]   (loads the sample study)
//	odi backup [--db D] PATH                         (a consistent copy of a live SQLite database)
//	odi version
//	odi help
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"odi/app"
	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/results"
	"odi/surveys/sample"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usage is what odi --help and odi help print.
const usage = `odi: the JTBD survey server and its admin chores

  odi [serve] [flags]                               run the server (the default); odi serve --help lists its flags
  odi user add --email E --role admin|researcher    (password on stdin)
  odi user disable|enable --email E                 (ends or restores an account's access)
  odi user passwd --email E                         (new password on stdin; logs them out)
  odi token create --email E [--name N]             (prints only the token)
  odi token list --email E                          (an account's tokens, newest first)
  odi token revoke --id N | --email E --name N      (stops a token working)
  odi demo [--responses N] [--outcomes M] [--email E]   (loads the sample study)
  odi backup [--db D] PATH                          (a consistent copy of a live SQLite database)
  odi version

Every command takes --db (or ODI_DB), before or after the command's name.
`

var commands = []string{"serve", "user", "token", "demo", "backup", "version", "help"}

// splitCommand finds the command among args: the first word that names
// one, after any flags meant for it (odi --db x.db user add …). It returns
// the command and every other argument in order; no command is serve.
func splitCommand(args []string) (string, []string) {
	for i, a := range args {
		if slices.Contains(commands, a) {
			return a, append(slices.Clone(args[i+1:]), args[:i]...)
		}
		flagValue := i > 0 && strings.HasPrefix(args[i-1], "-") && !strings.Contains(args[i-1], "=")
		if !strings.HasPrefix(a, "-") && !flagValue {
			break // an unknown word: the default command says what is wrong
		}
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "serve", args
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		args = []string{"help"}
	}
	cmd, args := splitCommand(args)
	var err error
	switch cmd {
	case "help":
		fmt.Fprint(stdout, usage)
	case "serve":
		err = serve(args, stderr)
	case "user":
		err = userCmd(args, stdin, stdout)
	case "token":
		err = tokenCmd(args, stdout)
	case "demo":
		err = demoCmd(args, stdout)
	case "backup":
		err = backupCmd(args, stdout)
	case "version":
		fmt.Fprintln(stdout, "odi", version)
	default:
		err = usageError{fmt.Errorf("unknown command %q (want %s; odi help lists them)", cmd, strings.Join(commands, ", "))}
	}
	if err == nil || errors.Is(err, flag.ErrHelp) { // the flags' help is printed already
		return 0
	}
	fmt.Fprintln(stderr, "odi:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// usageError is a mistake on the command line: exit code 2, one line.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func serve(args []string, stderr io.Writer) error {
	cfg, err := app.ParseConfig("odi serve", args, os.Getenv)
	if err != nil {
		return usageError{err}
	}
	// Go's runtime raises the soft open-file limit to the hard one as the
	// process starts (package syscall, since Go 1.19), so odi need not: it
	// fits its connections in what that left.
	var nofile syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &nofile); err != nil {
		return fmt.Errorf("read the open-file limit: %w", err)
	}
	if err := cfg.FitOpenFiles(nofile.Cur); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	start := time.Now()
	store, err := surveys.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	cfg.Addr = ln.Addr().String() // the real port when --addr asked for :0, for links
	srv := app.New(cfg, store, log)
	link, err := srv.SetupLink(ctx)
	if err != nil {
		return err
	}
	if link != "" {
		fmt.Printf("No account yet. Create the first admin at %s\n", link)
	}
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s for metrics: %w", cfg.MetricsAddr, err)
		}
		// A metrics listener that fails is logged, not fatal: respondents
		// are still served.
		go func() {
			if err := srv.ServeMetrics(ctx, mln); err != nil {
				log.Error("metrics listener stopped", "err", err)
			}
		}()
		log.Info("metrics serving", "addr", mln.Addr().String())
	}
	log.Info("odi serving", "addr", ln.Addr().String(), "db", store.Dialect(), "startup_ms", time.Since(start).Milliseconds(), "version", version,
		"open_files", nofile.Cur, "max_conns", cfg.MaxConns, "max_conns_per_ip", cfg.MaxConnsPerIP)
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	log.Info("odi stopped")
	return nil
}

// openStore opens the database named by --db/ODI_DB for an admin chore.
func openStore(fs *flag.FlagSet, args []string) (*surveys.Store, error) {
	db := fs.String("db", envOr("ODI_DB", app.Defaults().DB), "SQLite file path or postgres:// URL (ODI_DB)")
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err}
	}
	return surveys.Open(context.Background(), *db)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func demoCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("odi demo", flag.ContinueOnError)
	responses := fs.Int("responses", 1500, "respondents to generate")
	outcomes := fs.Int("outcomes", 0, "outcomes to generate (0 = the built-in 30)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same data")
	email := fs.String("email", "", "owner of the study (default: the first admin)")
	store, err := openStore(fs, args)
	if err != nil {
		return err
	}
	defer store.Close()
	if *responses < 0 || *responses > 1_000_000 || *outcomes < 0 || *outcomes > surveys.MaxOutcomes {
		return usageError{fmt.Errorf("--responses must be 0..1000000 and --outcomes 0..%d", surveys.MaxOutcomes)}
	}
	ctx := context.Background()
	owner, err := demoOwner(ctx, store, *email)
	if err != nil {
		return err
	}
	start := time.Now()
	ds := sample.Generate(sample.Config{Respondents: *responses, Outcomes: *outcomes, Seed: *seed, Start: fieldwork.DemoStart()})
	fw := fieldwork.New(store, results.New(store))
	st, err := fw.LoadSample(ctx, owner, ds)
	fw.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded study %d %q: %d outcomes, %d responses in %s\n", st.ID, st.Name, len(ds.Outcomes), len(ds.Responses), time.Since(start).Round(time.Millisecond))
	return nil
}

func demoOwner(ctx context.Context, store *surveys.Store, email string) (*accounts.User, error) {
	if email != "" {
		return account(ctx, store, email)
	}
	users, err := store.Accounts().ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.IsAdmin() {
			return &u, nil
		}
	}
	return nil, errors.New("no admin account yet: start odi and use the setup link, or pass --email")
}

// backupCmd copies a SQLite database, live or not, to a new file. The server
// may keep running; see "Backup and restore" in README.md.
func backupCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("odi backup", flag.ContinueOnError)
	db := fs.String("db", envOr("ODI_DB", app.Defaults().DB), "SQLite file path (ODI_DB)")
	// Accept the path before or after the flags: odi backup out.db --db odi.db.
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if path == "" && fs.NArg() == 1 {
		path = fs.Arg(0)
	} else if fs.NArg() > 0 || path == "" {
		return usageError{errors.New("usage: odi backup [--db D] PATH (PATH must not exist yet)")}
	}
	if surveys.IsPostgres(*db) {
		return surveys.ErrBackupPostgres
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("no SQLite database at %s: %w", *db, err)
	}
	store, err := surveys.Open(context.Background(), *db)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if err := store.Backup(context.Background(), path); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes) in %s\n", *db, path, fi.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}
