package app

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// The admin's users page: add accounts, disable and enable them, delete
// them, and hand out password-reset links.

func (s *Server) usersPage(c *fiber.Ctx) error {
	return s.renderUsers(c, fiber.Map{})
}

func (s *Server) renderUsers(c *fiber.Ctx, data fiber.Map) error {
	users, err := s.accounts.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	data["Title"], data["Users"] = "Users", users
	return s.render(c, "users", data)
}

func (s *Server) createUser(c *fiber.Ctx) error {
	_, err := s.accounts.CreateUser(c.UserContext(), accounts.NewUser{
		Email: c.FormValue("email"), Password: c.FormValue("password"), Role: c.FormValue("role"),
	})
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderUsers(c, fiber.Map{"Fields": ve.Fields, "Email": c.FormValue("email")})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

// userAction serves the buttons of a user's row: each changes the account
// and shows the list again with what happened, or why it could not.
func (s *Server) userAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		target, err := s.targetUser(c)
		if err != nil {
			return err
		}
		id, admin, ctx := target.ID, userOf(c), c.UserContext()
		var done string
		switch action {
		case "disable":
			err = s.accounts.DisableUser(ctx, admin, id)
			done = target.Email + " is disabled: their sessions, API tokens and share links have ended."
		case "enable":
			err = s.accounts.EnableUser(ctx, id)
			done = target.Email + " can log in again."
		case "delete":
			var moved int64
			moved, err = s.accounts.DeleteUser(ctx, admin, id)
			done = fmt.Sprintf("%s is deleted; %d of their studies passed to you.", target.Email, moved)
		case "reset":
			var reset *accounts.PasswordReset
			if reset, err = s.accounts.CreatePasswordReset(ctx, admin, id); err == nil {
				return s.renderUsers(c, fiber.Map{"Reset": reset, "ResetURL": s.baseURL() + "/reset?token=" + reset.Token})
			}
		}
		if errors.Is(err, problem.ErrConflict) {
			c.Status(fiber.StatusConflict)
			return s.renderUsers(c, fiber.Map{"Problem": reason(err, problem.ErrConflict)})
		}
		if err != nil {
			return err
		}
		return s.renderUsers(c, fiber.Map{"Done": done})
	}
}

// deleteUserPage asks before a user is deleted, saying what happens to
// their studies.
func (s *Server) deleteUserPage(c *fiber.Ctx) error {
	target, err := s.targetUser(c)
	if err != nil {
		return err
	}
	owned, err := s.accounts.CountOwnedStudies(c.UserContext(), target.ID)
	if err != nil {
		return err
	}
	says := "The account goes for good: its sessions, API tokens and study memberships end, and the share links it made stop working."
	switch {
	case owned == 1:
		says += " Its 1 study passes to you, with every response."
	case owned > 1:
		says += fmt.Sprintf(" Its %d studies pass to you, with every response.", owned)
	}
	return s.ask(c, nil, confirmation{Title: "Delete " + target.Email + "?", Says: says,
		Note: "To stop someone logging in but keep the account, disable it instead.", Button: "Delete account", Back: "/admin/users"})
}

// targetUser is the account a route of the users page names by :user_id.
func (s *Server) targetUser(c *fiber.Ctx) (*accounts.User, error) {
	id, err := idParam(c, "user_id")
	if err != nil {
		return nil, err
	}
	return s.accounts.UserByID(c.UserContext(), id)
}
