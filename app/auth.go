package app

import (
	"crypto/subtle"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/sample"
)

// sampleRespondents is the size of the sample study offered at first run:
// enough for every segment to pass the minimum n.
const sampleRespondents = 1200

func (s *Server) loginPage(c *fiber.Ctx) error {
	if u, _ := s.currentUser(c); u != nil {
		return c.Redirect(safeNext(c.Query("next")))
	}
	return s.render(c, "login", fiber.Map{"Title": "Log in", "Next": c.Query("next")})
}

func (s *Server) login(c *fiber.Ctx) error {
	email, password := c.FormValue("email"), c.FormValue("password")
	u, err := s.store.Authenticate(c.UserContext(), email, password)
	if errors.Is(err, surveys.ErrUnauthorized) {
		c.Status(fiber.StatusUnauthorized)
		return s.render(c, "login", fiber.Map{"Title": "Log in", "Error": "Wrong email or password.", "Email": email, "Next": c.FormValue("next")})
	}
	if err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(safeNext(c.FormValue("next")), fiber.StatusSeeOther)
}

// startSession logs u in under a fresh session id, so an id planted before login
// (session fixation) is worthless after it.
func (s *Server) startSession(c *fiber.Ctx, u *surveys.User) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set("uid", u.ID)
	return sess.Save()
}

func (s *Server) logout(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/studies"
	}
	return next
}

// setupAllowed checks the one-time token against the stored hash in constant time.
func (s *Server) setupAllowed(c *fiber.Ctx, token string) (bool, error) {
	n, err := s.store.CountUsers(c.UserContext())
	if err != nil || n > 0 {
		return false, err
	}
	want, err := s.kv.Get(setupKey)
	if err != nil || want == nil {
		return false, err
	}
	got := surveys.HashSecret(token)
	return subtle.ConstantTimeCompare(want, []byte(got)) == 1, nil
}

func (s *Server) setupPage(c *fiber.Ctx) error {
	ok, err := s.setupAllowed(c, c.Query("token"))
	if err != nil {
		return err
	}
	if !ok {
		return surveys.ErrNotFound
	}
	return s.render(c, "setup", fiber.Map{"Title": "Set up odi", "Token": c.Query("token"), "Fields": map[string]string{}})
}

func (s *Server) setup(c *fiber.Ctx) error {
	token := c.FormValue("token")
	ok, err := s.setupAllowed(c, token)
	if err != nil {
		return err
	}
	if !ok {
		return surveys.ErrNotFound
	}
	in := surveys.NewUser{Email: c.FormValue("email"), Password: c.FormValue("password"), Role: surveys.RoleAdmin}
	u, err := s.store.CreateFirstAdmin(c.UserContext(), in)
	var ve *surveys.ValidationError
	if errors.As(err, &ve) {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "setup", fiber.Map{"Title": "Set up odi", "Token": token, "Email": in.Email, "Fields": ve.Fields})
	}
	if err != nil {
		return err
	}
	if err := s.kv.Delete(setupKey); err != nil {
		return err
	}
	next := "/studies"
	if c.FormValue("sample") == "1" {
		ds := sample.Generate(sample.Config{Respondents: sampleRespondents, Seed: 1, Start: surveys.DemoStart()})
		st, err := s.store.LoadSample(c.UserContext(), u, ds)
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

func (s *Server) tokensPage(c *fiber.Ctx) error {
	return s.renderTokens(c, "")
}

func (s *Server) renderTokens(c *fiber.Ctx, newToken string) error {
	ts, err := s.store.ListTokens(c.UserContext(), userOf(c).ID)
	if err != nil {
		return err
	}
	return s.render(c, "tokens", fiber.Map{"Title": "API tokens", "Tokens": ts, "NewToken": newToken})
}

func (s *Server) createToken(c *fiber.Ctx) error {
	plain, _, err := s.store.CreateToken(c.UserContext(), userOf(c).ID, c.FormValue("name"))
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return s.renderTokens(c, plain)
}

func (s *Server) revokeToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return surveys.ErrNotFound
	}
	if err := s.store.RevokeToken(c.UserContext(), userOf(c).ID, id); err != nil {
		return err
	}
	return c.Redirect("/settings/tokens", fiber.StatusSeeOther)
}

func (s *Server) usersPage(c *fiber.Ctx) error {
	return s.renderUsers(c, nil)
}

func (s *Server) renderUsers(c *fiber.Ctx, fields map[string]string) error {
	users, err := s.store.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, "users", fiber.Map{"Title": "Users", "Users": users, "Fields": fields})
}

func (s *Server) createUser(c *fiber.Ctx) error {
	_, err := s.store.CreateUser(c.UserContext(), surveys.NewUser{
		Email: c.FormValue("email"), Password: c.FormValue("password"), Role: c.FormValue("role"),
	})
	var ve *surveys.ValidationError
	if errors.As(err, &ve) {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderUsers(c, ve.Fields)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}
