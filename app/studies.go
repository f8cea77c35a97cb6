package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
)

// decode reads a JSON body strictly: unknown fields and trailing data are a 400
// naming the problem, so a typo in a field name never passes silently.
func decode(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return &surveys.ValidationError{Fields: map[string]string{te.Field: "must be " + jsonKind(te.Type.Kind().String())}}
		}
		return fiber.NewError(fiber.StatusBadRequest, "malformed JSON: "+err.Error())
	}
	// More is false before a stray '}' or ']', so ask for the next token:
	// only the end of the body may follow the value.
	if _, err := dec.Token(); err != io.EOF {
		return fiber.NewError(fiber.StatusBadRequest, "malformed JSON: more than one value in the body")
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return "a number"
}

// idParam reads a numeric path parameter; anything else is a 404, like an id
// that does not exist.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, surveys.ErrNotFound
	}
	return id, nil
}

// create serves the POST routes that add one thing to a study: decode the
// body, let the store make it, answer 201 with what was made.
func create[In, Out any](fn func(context.Context, *surveys.User, int64, In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		var in In
		if err := decode(c, &in); err != nil {
			return err
		}
		out, err := fn(c.UserContext(), userOf(c), id, in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(out)
	}
}

// list serves the GET routes that read one collection of a study.
func list[Out any](fn func(context.Context, *surveys.User, int64) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		out, err := fn(c.UserContext(), userOf(c), id)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

func (s *Server) listStudies(c *fiber.Ctx) error {
	studies, err := s.store.ListStudies(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(studies)
}

func (s *Server) createStudy(c *fiber.Ctx) error {
	var in surveys.StudyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	st, err := s.store.CreateStudy(c.UserContext(), userOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(st)
}

func (s *Server) getStudy(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.Design(c.UserContext(), userOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) updateStudy(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in surveys.StudyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	st, err := s.store.UpdateStudy(c.UserContext(), userOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) deleteStudy(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteStudy(c.UserContext(), userOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// lifecycle serves publish, reopen, close and duplicate, which share a shape:
// a study id in, the study's new state out.
func (s *Server) lifecycle(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		return s.runLifecycle(c, action, id)
	}
}

func (s *Server) runLifecycle(c *fiber.Ctx, action string, id int64) error {
	u := userOf(c)
	switch action {
	case "publish", "reopen":
		st, err := s.store.Publish(c.UserContext(), u, id)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"slug": st.Slug, "url": s.baseURL() + "/s/" + *st.Slug, "status": st.Status})
	case "close":
		st, err := s.store.CloseStudy(c.UserContext(), u, id)
		if err != nil {
			return err
		}
		return c.JSON(st)
	case "duplicate":
		st, err := s.store.Duplicate(c.UserContext(), u, id)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(st)
	}
	return surveys.ErrNotFound
}

func (s *Server) addMember(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.store.AddMember(c.UserContext(), userOf(c), id, in.Email); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) studiesPage(c *fiber.Ctx) error {
	studies, err := s.store.ListStudies(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return s.render(c, "studies", fiber.Map{"Title": "Studies", "Studies": studies})
}
