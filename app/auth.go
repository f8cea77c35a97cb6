package app

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/accounts"
	"odi/surveys/fieldwork"
	"odi/surveys/problem"
	"odi/surveys/sample"
)

// sampleRespondents is the size of the sample study offered at first run:
// enough for every segment to pass the minimum n.
const sampleRespondents = 1200

func (s *Server) loginPage(c *fiber.Ctx) error {
	if u, _ := s.currentUser(c); u != nil {
		return c.Redirect(safeNext(c.Query("next")))
	}
	data := fiber.Map{"Title": "Log in", "Next": c.Query("next")}
	if c.Query("reset") == "1" {
		data["Notice"] = "Your new password is set: log in with it."
	}
	return s.render(c, "login", data)
}

func (s *Server) login(c *fiber.Ctx) error {
	email, password := strings.ToLower(strings.TrimSpace(c.FormValue("email"))), c.FormValue("password")
	again := func(status int, msg string) error {
		c.Status(status)
		return s.render(c, "login", fiber.Map{"Title": "Log in", "Error": msg, "Email": email, "Next": c.FormValue("next")})
	}
	limits := loginLimits(email, s.clientIP(c))
	wait, err := s.loginWait(c.UserContext(), limits)
	if err != nil {
		return err
	}
	if wait > 0 {
		wait = (wait + time.Second - 1).Truncate(time.Second) // a whole second, rounded up
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait/time.Second)))
		return again(fiber.StatusTooManyRequests, fmt.Sprintf("Too many failed logins: try again in %s.", wait))
	}
	u, err := s.accounts.Authenticate(c.UserContext(), email, password)
	if errors.Is(err, problem.ErrUnauthorized) {
		if err := s.loginFailed(c.UserContext(), limits); err != nil {
			return err
		}
		return again(fiber.StatusUnauthorized, "Wrong email or password.")
	}
	if err != nil {
		return err
	}
	if err := s.loginSucceeded(c.UserContext(), limits); err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(safeNext(c.FormValue("next")), fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// safeNext keeps post-login redirects on this site. It reads next the way a
// browser would before it follows it (tabs and line breaks dropped, a
// backslash taken for a slash, leading spaces and control characters
// trimmed), and takes it only when that is a path on this origin.
func safeNext(next string) string {
	const home = "/studies"
	clean := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, next)
	clean = strings.TrimLeftFunc(clean, func(r rune) bool { return r <= ' ' })
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		return home
	}
	for _, r := range clean {
		if r < ' ' || r == 0x7f {
			return home
		}
	}
	u, err := url.Parse(clean)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return home
	}
	return clean
}

// setupAllowed checks the one-time token against the stored hash in constant time.
// errSetupUsed answers a setup link once the first admin exists: the link
// did its job, and whoever holds it should log in.
var errSetupUsed = errors.New("setup link already used")

// setupAllowed tells whether token is the live setup link: errSetupUsed once
// an account exists, problem.ErrNotFound for any other token.
func (s *Server) setupAllowed(c *fiber.Ctx, token string) error {
	n, err := s.accounts.CountUsers(c.UserContext())
	if err != nil {
		return err
	}
	if n > 0 {
		return errSetupUsed
	}
	want, err := s.accounts.Get(c.UserContext(), setupKey)
	if err != nil {
		return err
	}
	if want == nil || subtle.ConstantTimeCompare(want, []byte(accounts.HashSecret(token))) != 1 {
		return problem.ErrNotFound
	}
	return nil
}

// setupRefused shows why a setup link no longer works, or hands the error on.
func (s *Server) setupRefused(c *fiber.Ctx, err error) error {
	if errors.Is(err, errSetupUsed) {
		c.Status(fiber.StatusGone)
		return s.render(c, "setup_used", fiber.Map{"Title": "Already set up"})
	}
	return err
}

func (s *Server) setupPage(c *fiber.Ctx) error {
	if err := s.setupAllowed(c, c.Query("token")); err != nil {
		return s.setupRefused(c, err)
	}
	return s.render(c, "setup", fiber.Map{"Title": "Set up odi", "Token": c.Query("token"), "Fields": map[string]string{}})
}

func (s *Server) setup(c *fiber.Ctx) error {
	token := c.FormValue("token")
	if err := s.setupAllowed(c, token); err != nil {
		return s.setupRefused(c, err)
	}
	in := accounts.NewUser{Email: c.FormValue("email"), Password: c.FormValue("password"), Role: accounts.RoleAdmin}
	u, err := s.accounts.CreateFirstAdmin(c.UserContext(), in)
	var ve *problem.Validation
	if errors.As(err, &ve) {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "setup", fiber.Map{"Title": "Set up odi", "Token": token, "Email": in.Email, "Fields": ve.Fields})
	}
	if err != nil {
		return err
	}
	if err := s.accounts.Delete(c.UserContext(), setupKey); err != nil {
		return err
	}
	next := "/studies"
	if c.FormValue("sample") == "1" {
		ds := sample.Generate(sample.Config{Respondents: sampleRespondents, Seed: 1, Start: fieldwork.DemoStart()})
		st, err := s.fieldwork.LoadSample(c.UserContext(), u, ds)
		if err != nil {
			return err
		}
		next = studyPath(st.ID, "results") // a new user sees real results at once
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}
