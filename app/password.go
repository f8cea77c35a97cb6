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
	return s.render(c, "password", fiber.Map{"Title": "Change password", "Fields": map[string]string{}})
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	in := accounts.PasswordChange{Current: c.FormValue("current_password"), New: c.FormValue("new_password"), Confirm: c.FormValue("confirm_password")}
	err := s.accounts.ChangePassword(c.UserContext(), userOf(c), in, c.Cookies(sessionCookie))
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "password", fiber.Map{"Title": "Change password", "Fields": ve.Fields})
	}
	if err != nil {
		return err
	}
	return s.render(c, "password", fiber.Map{"Title": "Change password", "Fields": map[string]string{},
		"Done": "Your password is changed. Every other place you were logged in is logged out."})
}

func (s *Server) resetPage(c *fiber.Ctx) error {
	token := c.Query("token")
	u, err := s.accounts.PasswordResetUser(c.UserContext(), token)
	if errors.Is(err, problem.ErrNotFound) {
		return s.resetGone(c)
	}
	if err != nil {
		return err
	}
	return s.render(c, "reset", fiber.Map{"Title": "Choose a new password", "Token": token, "Email": u.Email, "Fields": map[string]string{}})
}

func (s *Server) resetPassword(c *fiber.Ctx) error {
	token := c.FormValue("token")
	u, err := s.accounts.PasswordResetUser(c.UserContext(), token)
	if errors.Is(err, problem.ErrNotFound) {
		return s.resetGone(c)
	}
	if err != nil {
		return err
	}
	fields := map[string]string{}
	if c.FormValue("password") != c.FormValue("confirm_password") {
		fields["confirm_password"] = "does not match the new password"
	} else {
		_, err = s.accounts.ResetPassword(c.UserContext(), token, c.FormValue("password"))
		if errors.Is(err, problem.ErrNotFound) {
			return s.resetGone(c)
		}
		if ve := validation(err); ve != nil {
			fields = ve.Fields
		} else if err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "reset", fiber.Map{"Title": "Choose a new password", "Token": token, "Email": u.Email, "Fields": fields})
	}
	return c.Redirect("/login?reset=1", fiber.StatusSeeOther)
}

// resetGone answers a reset link that is unknown, used or expired.
func (s *Server) resetGone(c *fiber.Ctx) error {
	c.Status(fiber.StatusNotFound)
	return s.render(c, "error", fiber.Map{"Title": "Link not valid", "Status": fiber.StatusNotFound,
		"Message": "This password-reset link is not valid: it was used already, it expired, or a newer one was made. Ask an admin for a new link."})
}
