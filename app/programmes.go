package app

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"odi/surveys/programme"
)

// Programmes: studies of one population grouped to count the people who
// answered several of them (surveys/programme). A programme is its
// creator's alone: anyone else, admins included, gets 404.

func (s *Server) createProgramme(c *fiber.Ctx) error {
	return serveJSON(c, fiber.StatusCreated, func(in programme.Input) (fiber.Map, error) {
		p, err := s.programmes.Create(c.UserContext(), userOf(c), in)
		if err != nil {
			return nil, err
		}
		return fiber.Map{"id": p.ID}, nil
	})
}

func (s *Server) listProgrammes(c *fiber.Ctx) error {
	ps, err := s.programmes.List(c.UserContext(), userOf(c))
	if err != nil {
		return err
	}
	return c.JSON(ps)
}

// crossJob reads the programme the route names, counted.
func (s *Server) crossJob(c *fiber.Ctx) (*programme.CrossJob, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	return s.programmes.CrossJob(c.UserContext(), userOf(c), id)
}

func (s *Server) getCrossJob(c *fiber.Ctx) error {
	cj, err := s.crossJob(c)
	if err != nil {
		return err
	}
	return c.JSON(cj)
}

func (s *Server) exportPeople(c *fiber.Ctx) error {
	cj, err := s.crossJob(c)
	if err != nil {
		return err
	}
	return sendFile(c, csvType, attachment(cj.Name, cj.ID, "people.csv"), cj.WritePeople)
}

// removeProgramme deletes the programme the route names, for the API's
// DELETE (deleteProgramme) and the list's delete button (deleteProgrammePage).
func (s *Server) removeProgramme(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return s.programmes.Delete(c.UserContext(), userOf(c), id)
}

func (s *Server) deleteProgramme(c *fiber.Ctx) error {
	return noContent(c, s.removeProgramme(c))
}

func (s *Server) deleteProgrammePage(c *fiber.Ctx) error {
	if err := s.removeProgramme(c); err != nil {
		return err
	}
	return c.Redirect("/programmes", fiber.StatusSeeOther)
}

// programmesPage lists the researcher's programmes and offers a new one
// made of the studies they can see.
func (s *Server) programmesPage(c *fiber.Ctx) error {
	return s.renderProgrammes(c, programme.Input{}, nil)
}

func (s *Server) renderProgrammes(c *fiber.Ctx, form programme.Input, fields map[string]string) error {
	ctx, u := c.UserContext(), userOf(c)
	ps, err := s.programmes.List(ctx, u)
	if err != nil {
		return err
	}
	studies, err := s.store.ListStudies(ctx, u)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(studies))
	for _, st := range studies {
		names[st.ID] = st.Name
	}
	ticked := map[int64]bool{}
	for _, id := range form.StudyIDs {
		ticked[id] = true
	}
	return s.render(c, "programmes", fiber.Map{"Title": "Programmes", "Programmes": ps, "Studies": studies,
		"Names": names, "Form": form, "Ticked": ticked, "Fields": fields})
}

func (s *Server) createProgrammePage(c *fiber.Ctx) error {
	in := programme.Input{Name: c.FormValue("name"), StudyIDs: []int64{}}
	for _, raw := range c.Request().PostArgs().PeekMulti("study_ids") {
		if id, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			in.StudyIDs = append(in.StudyIDs, id)
		}
	}
	p, err := s.programmes.Create(c.UserContext(), userOf(c), in)
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderProgrammes(c, in, ve.Fields)
	}
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/programmes/%d", p.ID), fiber.StatusSeeOther)
}

// programmePage shows a programme's pairs of studies and its people.
func (s *Server) programmePage(c *fiber.Ctx) error {
	cj, err := s.crossJob(c)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(cj.Studies))
	for _, st := range cj.Studies {
		names[st.ID] = st.Name
	}
	return s.render(c, "programme", fiber.Map{"Title": cj.Name, "P": cj, "Names": names})
}
