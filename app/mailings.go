package app

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/mailing"
	"odi/surveys/problem"
)

// E-mail invitations: the mailings API, the Fieldwork tab's mailing forms
// and progress, and the public opt-out page every message links to.

// noSMTP is what the mail pages and the API say while odi has no SMTP server.
const noSMTP = "odi sends no e-mail until it is given an SMTP server: start it with " +
	"--smtp-url smtp://user:password@host:587 and --mail-from \"Research team <research@example.com>\" " +
	"(or set ODI_SMTP_URL and ODI_MAIL_FROM), then reload this page."

// needsMail stops the routes that send e-mail while odi has no SMTP server,
// with a conflict saying how to give it one.
func (s *Server) needsMail(c *fiber.Ctx) error {
	if s.sender == nil {
		return fmt.Errorf("%w: %s", problem.ErrConflict, noSMTP)
	}
	return c.Next()
}

func (s *Server) createMailing(c *fiber.Ctx) error {
	return serveJSON(c, fiber.StatusCreated, func(in mailing.Input) (fiber.Map, error) {
		id, err := s.mail.Create(c.UserContext(), designOf(c), in)
		return fiber.Map{"id": id}, err
	})
}

// mailingsView adds the Fieldwork tab's mailings to data: each with its
// progress, or why odi cannot send.
func (s *Server) mailingsView(c *fiber.Ctx, d *surveys.Design, data fiber.Map) error {
	list, err := s.mail.Mailings(c.UserContext(), d)
	if err != nil {
		return err
	}
	data["Mailings"], data["CanMail"], data["NoSMTP"] = list, s.sender != nil, noSMTP
	data["RemindDays"] = []int{2, 3, 5, 7, 14}
	for _, k := range []string{"MailFields", "RemindFields"} {
		if _, ok := data[k]; !ok {
			data[k] = map[string]string{}
		}
	}
	if _, ok := data["RemindID"]; !ok {
		data["RemindID"] = int64(0)
	}
	if _, ok := data["MailBody"]; !ok {
		data["MailSubject"] = "A few minutes of your time: " + d.Study.Name
		data["MailBody"] = "Hello,\n\nWe would like to hear how you get this job done. The survey takes about ten minutes; " +
			"this link is yours alone:\n\n" + mailing.LinkPlaceholder + "\n\nThank you!"
	}
	if c.Query("mailed") != "" {
		data["MailSaved"] = "Queued: the messages go out in the background; this page shows how far they have got."
	}
	if n, err := strconv.Atoi(c.Query("reminded")); err == nil {
		data["MailSaved"] = "Reminder saved: " + strconv.Itoa(n) + " messages queued now."
		if c.Query("scheduled") != "" {
			data["MailSaved"] = "Reminder scheduled for " + c.Query("scheduled") + " UTC."
		}
	}
	return nil
}

// createMailingPage serves the Fieldwork tab's mailing form, POST
// /studies/{id}/mailings: the recipients pasted or as an uploaded CSV file.
func (s *Server) createMailingPage(c *fiber.Ctx) error {
	d := designOf(c)
	in := mailing.Input{Subject: c.FormValue("subject"), Body: c.FormValue("body")}
	var list io.Reader = strings.NewReader(c.FormValue("recipients"))
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return fmt.Errorf("open uploaded recipients: %w", err)
		}
		defer f.Close()
		list = f
	}
	var err error
	if in.Recipients, err = mailing.ParseRecipients(list); err == nil {
		var id int64
		if id, err = s.mail.Create(c.UserContext(), d, in); err == nil {
			return c.Redirect(fmt.Sprintf("%s?mailed=%d#mailing-%d", studyPath(d.Study.ID, "fieldwork"), id, id), fiber.StatusSeeOther)
		}
	}
	ve := validation(err)
	if ve == nil {
		return err
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.showFieldwork(c, d, fiber.Map{"MailFields": recipientFields(ve.Fields), "MailSubject": in.Subject,
		"MailBody": in.Body, "MailRecipients": c.FormValue("recipients")})
}

var recipientField = regexp.MustCompile(`^recipients\[(\d+)\]\.(\w+)$`)

// recipientFields folds the errors of single recipients ("recipients[3].email")
// into one message for the recipients box, naming the first few.
func recipientFields(fields map[string]string) map[string]string {
	out := map[string]string{}
	var rows []string
	for k, v := range fields {
		m := recipientField.FindStringSubmatch(k)
		if m == nil {
			out[k] = v
			continue
		}
		n, _ := strconv.Atoi(m[1])
		rows = append(rows, fmt.Sprintf("recipient %d (%s) %s", n+1, strings.ReplaceAll(m[2], "_", " "), v))
	}
	if len(rows) > 0 {
		sort.Strings(rows)
		more := ""
		if len(rows) > 5 {
			rows, more = rows[:5], fmt.Sprintf("; and %d more", len(rows)-5)
		}
		out["recipients"] = strings.Join(rows, "; ") + more
	}
	return out
}

// remindPage serves a mailing's reminder form on the Fieldwork tab, POST
// /studies/{id}/mailings/{mailing_id}/remind.
func (s *Server) remindPage(c *fiber.Ctx) error {
	d := designOf(c)
	id, err := idParam(c, "mailing_id")
	if err != nil {
		return err
	}
	in := mailing.ReminderInput{Subject: c.FormValue("subject"), Body: c.FormValue("body")}
	if days := strings.TrimSpace(c.FormValue("after_days")); days != "" {
		if in.AfterDays, err = strconv.Atoi(days); err != nil {
			in.AfterDays = -1 // refused below, by its rule
		}
	}
	res, err := s.mail.Remind(c.UserContext(), d, id, in)
	if ve := validation(err); ve != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.showFieldwork(c, d, fiber.Map{"RemindFields": ve.Fields, "RemindID": id})
	}
	if err != nil {
		return err
	}
	to := fmt.Sprintf("%s?reminded=%d", studyPath(d.Study.ID, "fieldwork"), res.Queued)
	if res.Queued == 0 && in.AfterDays > 0 {
		to += "&scheduled=" + res.SendAt.Format("2006-01-02+15:04")
	}
	return c.Redirect(fmt.Sprintf("%s#mailing-%d", to, id), fiber.StatusSeeOther)
}

// optOutPage serves the link at the foot of every message, GET
// /unsubscribe/{token}: a button to confirm, so that a mail scanner that
// follows links opts no one out.
func (s *Server) optOutPage(c *fiber.Ctx) error {
	done, err := s.mail.OptedOut(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.drawOptOut(c, done)
}

// optOut records an opt-out, POST /unsubscribe/{token}: the page's button,
// or a mail program's one-click (RFC 8058), which posts
// List-Unsubscribe=One-Click with no cookie and no page. Posting twice is
// the same as once.
func (s *Server) optOut(c *fiber.Ctx) error {
	if err := s.mail.OptOut(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	if !bytes.Contains(c.Request().Header.ContentType(), []byte("form")) || len(c.Request().PostArgs().Peek("confirm")) == 0 {
		return c.SendString("You will get no more e-mail about this survey.\n")
	}
	return s.drawOptOut(c, true)
}

func (s *Server) drawOptOut(c *fiber.Ctx, done bool) error {
	c.Set("X-Robots-Tag", "noindex")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Render("unsubscribe", fiber.Map{"Title": "E-mail about this survey", "Lang": "en", "Done": done,
		"Action": "/unsubscribe/" + c.Params("token")}, "survey_layout")
}
