package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/goccy/go-json"
	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/accounts"
	"odi/surveys/problem"
)

// decode reads a JSON body strictly: unknown fields and trailing data are a 400
// naming the problem, so a typo in a field name never passes silently. It
// decodes with goccy/go-json, which reads encoding/json's grammar and
// struct tags at three times the speed: every survey submission comes
// through here.
func decode(c *fiber.Ctx, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return &problem.Validation{Fields: map[string]string{te.Field: "must be " + jsonKind(te.Type.Kind().String())}}
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
		return 0, problem.ErrNotFound
	}
	return id, nil
}

// serveJSON is the shape of every API route that takes a JSON body: decode
// the body, let fn act on it, answer status with what fn returns.
func serveJSON[In, Out any](c *fiber.Ctx, status int, fn func(In) (Out, error)) error {
	var in In
	if err := decode(c, &in); err != nil {
		return err
	}
	out, err := fn(in)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

// change serves a route that changes the study it names from a JSON body:
// the store acts on the study, the answer is status with what it made.
func change[In, Out any](status int, fn func(context.Context, *accounts.User, int64, In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return serveJSON(c, status, func(in In) (Out, error) {
			return fn(c.UserContext(), userOf(c), designOf(c).Study.ID, in)
		})
	}
}

// create serves the POST routes that add one thing to a study: 201 with
// what was made.
func create[In, Out any](fn func(context.Context, *accounts.User, int64, In) (Out, error)) fiber.Handler {
	return change(fiber.StatusCreated, fn)
}

// list serves the GET routes that read one collection of the study the
// route names.
func list[Out any](fn func(context.Context, *surveys.Design) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		out, err := fn(c.UserContext(), designOf(c))
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// item serves the GET routes that read one thing of the study the route
// names: the one whose path parameter key reads.
func item[K, Out any](key func(*fiber.Ctx) (K, error), fn func(context.Context, *surveys.Design, K) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		k, err := key(c)
		if err != nil {
			return err
		}
		out, err := fn(c.UserContext(), designOf(c), k)
		if err != nil {
			return err
		}
		return c.JSON(out)
	}
}

// listOutcomes and listQuestions answer parts of the design the request
// resolved: the outcomes in survey order, parsed and linted, and the
// profile questions in order.
func listOutcomes(c *fiber.Ctx) error  { return c.JSON(designOf(c).Outcomes) }
func listQuestions(c *fiber.Ctx) error { return c.JSON(designOf(c).Questions) }

// idOf and keyOf read the path parameter that names one thing of a study.
func idOf(name string) func(*fiber.Ctx) (int64, error) {
	return func(c *fiber.Ctx) (int64, error) { return idParam(c, name) }
}

func keyOf(name string) func(*fiber.Ctx) (string, error) {
	return func(c *fiber.Ctx) (string, error) { return c.Params(name), nil }
}

// keyed serves the POST routes that act on one thing of a study, named by
// the path parameter key reads, from a JSON body: 200 with the answer.
func keyed[K, In, Out any](key func(*fiber.Ctx) (K, error), fn func(context.Context, *surveys.Design, K, In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		k, err := key(c)
		if err != nil {
			return err
		}
		return serveJSON(c, fiber.StatusOK, func(in In) (Out, error) { return fn(c.UserContext(), designOf(c), k, in) })
	}
}

// act serves the routes that act on the study the route names from a JSON
// body, with its design: the answer is status with what fn returns.
func act[In, Out any](status int, fn func(context.Context, *surveys.Design, In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return serveJSON(c, status, func(in In) (Out, error) { return fn(c.UserContext(), designOf(c), in) })
	}
}

// update serves the PATCH routes that edit one thing of a study, named by
// the path parameter key reads: 200 with the thing as it now is.
func update[K, In, Out any](key func(*fiber.Ctx) (K, error), fn func(context.Context, *accounts.User, int64, K, In) (Out, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		k, err := key(c)
		if err != nil {
			return err
		}
		return serveJSON(c, fiber.StatusOK, func(in In) (Out, error) {
			return fn(c.UserContext(), userOf(c), designOf(c).Study.ID, k, in)
		})
	}
}

// deleteOne serves both ways of taking one thing out of a study, the thing
// named by the path parameter key reads; done answers once fn has run:
// noContent for the API's DELETE, deleted for an editor's delete button.
func deleteOne[K any](key func(*fiber.Ctx) (K, error), fn func(context.Context, *accounts.User, int64, K) error, done func(*fiber.Ctx, error) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		k, err := key(c)
		if err != nil {
			return err
		}
		return done(c, fn(c.UserContext(), userOf(c), designOf(c).Study.ID, k))
	}
}

// noContent answers an API call that changed something and has nothing to
// tell: 204 No Content once it worked, else the error.
func noContent(c *fiber.Ctx, err error) error {
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// deleted answers an editor's delete button: back to the place back names,
// saying "Deleted.", or the tab with the reason why not, as every editor
// form does (formDone).
func (s *Server) deleted(back func(*fiber.Ctx) string) func(*fiber.Ctx, error) error {
	return func(c *fiber.Ctx, err error) error { return s.formDoneSaying(c, err, back(c), nil, "deleted") }
}

// to is a fixed place on a study's tabs for a delete button to go back to;
// toAnchor is a tab, at the place on it the button's form asks for (anchor).
func to(place string) func(*fiber.Ctx) string {
	return func(*fiber.Ctx) string { return place }
}

func toAnchor(tab string) func(*fiber.Ctx) string {
	return func(c *fiber.Ctx) string { return tab + anchor(c) }
}

func (s *Server) listStudies(c *fiber.Ctx) error {
	studies, err := s.store.ListStudies(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(studies)
}

// panelPresets lists the panels a study's panel settings can be filled for,
// with what each needs (PATCH a study with "panel_preset").
func panelPresets(c *fiber.Ctx) error { return c.JSON(surveys.PanelPresets) }

func (s *Server) createStudy(c *fiber.Ctx) error {
	return serveJSON(c, fiber.StatusCreated, func(in surveys.StudyInput) (*surveys.Study, error) {
		return s.store.CreateStudy(c.UserContext(), userOf(c), in)
	})
}

func getStudy(c *fiber.Ctx) error { return c.JSON(designOf(c)) }

func (s *Server) deleteStudy(c *fiber.Ctx) error {
	return noContent(c, s.store.DeleteStudy(c.UserContext(), userOf(c), designOf(c).Study.ID))
}

// lifecycleActions are the steps of a study's life, one place for the API and
// the editor's buttons alike. Each changes the study, and so takes its row
// again, locked, by id.
var lifecycleActions = map[string]func(*surveys.Store, context.Context, *accounts.User, int64) (*surveys.Study, error){
	"publish": (*surveys.Store).Publish,
	"reopen":  (*surveys.Store).Reopen,
	"close":   (*surveys.Store).CloseStudy,
}

// runLifecycle takes one of lifecycleActions, or duplicate, on the study the
// request names. Duplicating changes nothing of the study: it copies the
// design the request resolved.
func (s *Server) runLifecycle(c *fiber.Ctx, action string) (*surveys.Study, error) {
	d := designOf(c)
	if action == "duplicate" {
		return s.store.Duplicate(c.UserContext(), userOf(c), d)
	}
	fn, ok := lifecycleActions[action]
	if !ok {
		return nil, fmt.Errorf("lifecycle action %q: %w", action, problem.ErrNotFound)
	}
	return fn(s.store, c.UserContext(), userOf(c), d.Study.ID)
}

// lifecycle serves publish, reopen, close and duplicate: a study id in, the
// study's new state out; publishing and reopening answer the public link.
func (s *Server) lifecycle(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		// The warnings of the study as it was published; a script has no one
		// to confirm them, so they come with the answer instead.
		var warnings []warning
		if action == "publish" {
			warnings = publishWarnings(designOf(c))
		}
		st, err := s.runLifecycle(c, action)
		if err != nil {
			return err
		}
		switch action {
		case "publish":
			return c.JSON(fiber.Map{"slug": st.Slug, "url": s.baseURL() + "/s/" + *st.Slug, "status": st.Status, "warnings": warnings})
		case "reopen":
			return c.JSON(fiber.Map{"slug": st.Slug, "url": s.baseURL() + "/s/" + *st.Slug, "status": st.Status})
		case "duplicate":
			return c.Status(fiber.StatusCreated).JSON(st)
		}
		return c.JSON(st)
	}
}

func (s *Server) studiesPage(c *fiber.Ctx) error {
	studies, err := s.store.ListStudies(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return s.render(c, "studies", fiber.Map{"Title": "Studies", "Studies": studies})
}
