package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"odi/surveys/mailing"
)

// Config is every setting odi reads, from flags first and ODI_* variables second.
type Config struct {
	Addr          string
	DB            string
	BaseURL       string
	BodyLimit     int           // bytes, for every request but imports
	ImportLimit   int           // bytes, for the file of an import or a segmentation's members
	Proxies       []string      // addresses of reverse proxies whose X-Forwarded-For is believed
	SubmitLimit   int           // submissions per minute per client address; 0 disables
	MaxConns      int           // client connections open at once
	MaxConnsPerIP int           // of those, from one client address; 0 disables
	ShutdownMax   time.Duration // how long in-flight requests may take to finish
	MetricsAddr   string        // a listener of its own for /metrics; "" serves it on Addr
	SMTP          *mailing.SMTP // --smtp-url; nil: odi sends no e-mail
	MailFrom      string        // the From: of every e-mail
	MailRate      float64       // e-mails per second from this instance
	MailBackoff   time.Duration // the wait before a temporary failure is retried, doubling each time
}

// Defaults are what `go run ./cmd/odi` uses on a fresh clone.
func Defaults() Config {
	return Config{
		Addr:          ":8080",
		DB:            "odi.db",
		BodyLimit:     1 << 20,
		ImportLimit:   256 << 20,
		SubmitLimit:   600,
		MaxConns:      10000,
		MaxConnsPerIP: 256,
		ShutdownMax:   15 * time.Second,
		MailRate:      5,
		MailBackoff:   mailing.DefaultBackoff,
	}
}

// ParseConfig fills a Config from command-line args and the environment (getenv),
// and validates it; the error is one line fit to print before exiting.
func ParseConfig(name string, args []string, getenv func(string) string) (Config, error) {
	cfg := Defaults()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", envOr(getenv, "ODI_ADDR", cfg.Addr), "listen address (ODI_ADDR)")
	fs.StringVar(&cfg.DB, "db", envOr(getenv, "ODI_DB", cfg.DB), "SQLite file path or postgres:// URL (ODI_DB)")
	fs.StringVar(&cfg.BaseURL, "base-url", envOr(getenv, "ODI_BASE_URL", ""), "public URL used in links, e.g. https://odi.example.com (ODI_BASE_URL)")
	bodyLimit := fs.String("body-limit", envOr(getenv, "ODI_BODY_LIMIT", "1MB"), "largest request body but imports (ODI_BODY_LIMIT)")
	importLimit := fs.String("import-limit", envOr(getenv, "ODI_IMPORT_LIMIT", "256MB"), "largest file an import takes, or member list a saved segmentation (ODI_IMPORT_LIMIT)")
	proxies := fs.String("trusted-proxies", envOr(getenv, "ODI_TRUSTED_PROXIES", ""), "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For names the client (ODI_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", envOr(getenv, "ODI_METRICS_ADDR", ""), "serve /metrics only on this address, e.g. 127.0.0.1:9090 (ODI_METRICS_ADDR)")
	submitLimit := fs.String("submit-limit", envOr(getenv, "ODI_SUBMIT_LIMIT", strconv.Itoa(cfg.SubmitLimit)), "survey submissions per minute per address, 0 = no limit (ODI_SUBMIT_LIMIT)")
	maxConns := fs.String("max-conns", envOr(getenv, "ODI_MAX_CONNS", strconv.Itoa(cfg.MaxConns)), "client connections open at once, at most the open-file limit less a reserve (ODI_MAX_CONNS)")
	maxConnsPerIP := fs.String("max-conns-per-ip", envOr(getenv, "ODI_MAX_CONNS_PER_IP", strconv.Itoa(cfg.MaxConnsPerIP)), "client connections open at once from one address, 0 = no limit; trusted proxies are exempt (ODI_MAX_CONNS_PER_IP)")
	smtpURL := fs.String("smtp-url", envOr(getenv, "ODI_SMTP_URL", ""), "SMTP server for e-mail invitations, smtp://user:pass@host:port or smtps://… (ODI_SMTP_URL)")
	fs.StringVar(&cfg.MailFrom, "mail-from", envOr(getenv, "ODI_MAIL_FROM", ""), "From: of e-mail invitations, e.g. \"Research <research@example.com>\" (ODI_MAIL_FROM)")
	mailRate := fs.String("mail-rate", envOr(getenv, "ODI_MAIL_RATE", strconv.FormatFloat(cfg.MailRate, 'f', -1, 64)), "e-mails sent per second by this instance (ODI_MAIL_RATE)")
	// A mistake is one line, returned to the caller; only -help lists the flags.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stderr)
			fs.PrintDefaults()
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if cfg.BodyLimit, err = parseSize(*bodyLimit); err != nil {
		return cfg, fmt.Errorf("--body-limit %q: %w", *bodyLimit, err)
	}
	if cfg.ImportLimit, err = parseSize(*importLimit); err != nil {
		return cfg, fmt.Errorf("--import-limit %q: %w", *importLimit, err)
	}
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.Proxies = append(cfg.Proxies, p)
		}
	}
	if cfg.SubmitLimit, err = strconv.Atoi(*submitLimit); err != nil || cfg.SubmitLimit < 0 {
		return cfg, fmt.Errorf("--submit-limit %q: must be a whole number >= 0", *submitLimit)
	}
	if cfg.MaxConns, err = strconv.Atoi(*maxConns); err != nil || cfg.MaxConns < 1 {
		return cfg, fmt.Errorf("--max-conns %q: must be a whole number >= 1", *maxConns)
	}
	if cfg.MaxConnsPerIP, err = strconv.Atoi(*maxConnsPerIP); err != nil || cfg.MaxConnsPerIP < 0 {
		return cfg, fmt.Errorf("--max-conns-per-ip %q: must be a whole number >= 0", *maxConnsPerIP)
	}
	if cfg.MailRate, err = strconv.ParseFloat(*mailRate, 64); err != nil || !(cfg.MailRate > 0 && cfg.MailRate <= 1000) {
		return cfg, fmt.Errorf("--mail-rate %q: must be a number above 0, at most 1000", *mailRate)
	}
	if err := cfg.mail(*smtpURL); err != nil {
		return cfg, err
	}
	return cfg, cfg.validate()
}

// mail checks the e-mail settings: both or neither of --smtp-url and
// --mail-from.
func (c *Config) mail(smtpURL string) error {
	switch {
	case smtpURL == "" && c.MailFrom == "":
		return nil
	case smtpURL == "":
		return errors.New("--mail-from is set but --smtp-url is not: odi needs both to send e-mail")
	case c.MailFrom == "":
		return errors.New("--smtp-url is set but --mail-from is not: say which address the e-mail comes from")
	}
	smtp, err := mailing.ParseSMTP(smtpURL)
	if err != nil {
		return fmt.Errorf("--smtp-url %q: %w", redact(smtpURL), err)
	}
	if c.MailFrom, err = mailing.ParseFrom(c.MailFrom); err != nil {
		return fmt.Errorf("--mail-from %q: %w", c.MailFrom, err)
	}
	c.SMTP = &smtp
	return nil
}

// fdReserve are the descriptors kept from client connections for the rest of
// odi: the database's connections (a SQLite one holds the database, its WAL
// and its shared memory; PostgreSQL's pool is 20 sockets), the listener, the
// log, and the files an import or an export opens.
const fdReserve = 128

// FitOpenFiles lowers MaxConns, and MaxConnsPerIP with it, to what the process's
// open-file limit leaves after fdReserve. Running out of descriptors on
// accept is survived (the listener backs off), but running out in the
// database fails requests of people already connected.
func (c *Config) FitOpenFiles(limit uint64) error {
	if limit <= fdReserve {
		return fmt.Errorf("the open-file limit (ulimit -n) is %d: odi needs more than %d", limit, fdReserve)
	}
	if room := limit - fdReserve; uint64(c.MaxConns) > room {
		c.MaxConns = int(room)
	}
	c.MaxConnsPerIP = min(c.MaxConnsPerIP, c.MaxConns)
	return nil
}

func (c *Config) validate() error {
	if err := checkAddr("--addr", c.Addr); err != nil {
		return err
	}
	if c.MetricsAddr != "" {
		if err := checkAddr("--metrics-addr", c.MetricsAddr); err != nil {
			return err
		}
	}
	for _, p := range c.Proxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("--trusted-proxies %q: want IP addresses or CIDRs such as 10.0.0.0/8", p)
			}
		}
	}
	if strings.TrimSpace(c.DB) == "" {
		return errors.New("--db: must name a SQLite file or a postgres:// URL")
	}
	if strings.Contains(c.DB, "://") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("--db %q: only SQLite file paths and postgres:// URLs are supported", redact(c.DB))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--base-url %q: want an absolute http(s) URL such as https://odi.example.com", c.BaseURL)
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	return nil
}

// checkAddr tells whether addr, the value of flag, is an address to listen on.
func checkAddr(flag, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: want host:port such as :8080", flag, addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%s %q: port must be 0-65535", flag, addr)
	}
	return nil
}

// Secure tells whether cookies must carry the Secure flag: odi is served over TLS
// (behind a proxy) exactly when its public URL is https.
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// maxSize is the largest body limit: fasthttp counts body sizes in an int,
// and no survey file comes near it.
const maxSize = 4 << 30

func parseSize(s string) (int, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := 1
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, errors.New("want a size such as 32MB")
	}
	if n > maxSize/mult {
		return 0, errors.New("must be at most 4GB")
	}
	return n * mult, nil
}

// redact hides a password in a database URL before it reaches a log or an error.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
