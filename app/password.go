package app

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// Passwords: a user changes their own on /settings/password; a user who
// lost theirs opens the reset link an admin made for them.

func (s *Server) passwordPage(c *fiber.Ctx) error {
	return s.showPassword(c, map[string]string{}, "")
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	in := accounts.PasswordChange{Current: c.FormValue("current_password"), New: c.FormValue("new_password"), Confirm: c.FormValue("confirm_password")}
	err := s.accounts.ChangePassword(c.UserContext(), userOf(c), in, c.Cookies(sessionCookie))
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showPassword(c, ve.Fields, "")
	}
	if err != nil {
		return err
	}
	return s.showPassword(c, map[string]string{}, "Your password is changed. Every other place you were logged in is logged out.")
}

// showPassword draws the change-password form with its bad fields, or with
// what was done.
func (s *Server) showPassword(c *fiber.Ctx, fields map[string]string, done string) error {
	data := fiber.Map{"Title": "Change password", "Fields": fields}
	if done != "" {
		data["Done"] = done
	}
	return s.render(c, "password", data)
}

func (s *Server) resetPage(c *fiber.Ctx) error {
	token := c.Query("token")
	u, ok, err := s.resetUser(c, token)
	if !ok {
		return err
	}
	return s.showReset(c, token, u, map[string]string{})
}

func (s *Server) resetPassword(c *fiber.Ctx) error {
	token := c.FormValue("token")
	u, ok, err := s.resetUser(c, token)
	if !ok {
		return err
	}
	if c.FormValue("password") != c.FormValue("confirm_password") {
		err = problem.Invalid("confirm_password", accounts.ConfirmMismatch)
	} else {
		_, err = s.accounts.ResetPassword(c.UserContext(), token, c.FormValue("password"))
	}
	switch ve := validation(err); {
	case errors.Is(err, problem.ErrNotFound):
		return s.resetGone(c)
	case ve != nil:
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showReset(c, token, u, ve.Fields)
	case err != nil:
		return err
	}
	return c.Redirect("/login?reset=1", fiber.StatusSeeOther)
}

// resetUser is the account a reset link is for. A link that is unknown,
// used or expired gets its page here, and ok is false.
func (s *Server) resetUser(c *fiber.Ctx, token string) (u *accounts.User, ok bool, err error) {
	u, err = s.accounts.PasswordResetUser(c.UserContext(), token)
	switch {
	case errors.Is(err, problem.ErrNotFound):
		return nil, false, s.resetGone(c)
	case err != nil:
		return nil, false, err
	}
	return u, true, nil
}

// showReset draws the form that chooses a new password through link token.
func (s *Server) showReset(c *fiber.Ctx, token string, u *accounts.User, fields map[string]string) error {
	return s.render(c, "reset", fiber.Map{"Title": "Choose a new password", "Token": token, "Email": u.Email, "Fields": fields})
}

// resetGone answers a reset link that is unknown, used or expired.
func (s *Server) resetGone(c *fiber.Ctx) error {
	c.Status(fiber.StatusNotFound)
	return s.render(c, "error", fiber.Map{"Title": "Link not valid", "Status": fiber.StatusNotFound,
		"Message": "This password-reset link is not valid: it was used already, it expired, or a newer one was made. Ask an admin for a new link."})
}
