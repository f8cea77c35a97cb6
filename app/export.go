package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gofiber/fiber/v2"

	"odi/surveys"
	"odi/surveys/export"
	"odi/surveys/results"
)

// exportWorkbook is the researcher's workbook, Responses sheet included,
// and a Wave comparison sheet with ?with={other_id}.
func (s *Server) exportWorkbook(c *fiber.Ctx) error {
	q, opps, err := s.studyOpportunities(c)
	if err != nil {
		return err
	}
	d := designOf(c)
	in, err := s.workbookInput(c.UserContext(), d, opps, q, true)
	if err != nil {
		return err
	}
	other, err := s.otherWave(c)
	if err != nil {
		return err
	}
	if other != nil {
		w, err := s.results.CompareWaves(c.UserContext(), d, other, q.Unweighted)
		if err != nil {
			return err
		}
		in.Waves = w.Export(other.Study.Name)
	}
	return sendWorkbook(c, d, in)
}

// exportRankedCSV is every group's ranked table as one long CSV.
func (s *Server) exportRankedCSV(c *fiber.Ctx) error {
	_, opps, err := s.studyOpportunities(c)
	if err != nil {
		return err
	}
	st := designOf(c).Study
	return sendFile(c, csvType, attachment(st.Name, st.ID, "opportunities.csv"), func(w io.Writer) error {
		return export.RankedCSV(w, opps.ExportGroups())
	})
}

// sharedWorkbook is a stakeholder's workbook, grouped as the report shows
// it: no Responses sheet, and so no answers typed by respondents, unless the
// link was made with them.
func (s *Server) sharedWorkbook(c *fiber.Ctx) error {
	ctx, sh, d := c.UserContext(), shareOf(c), designOf(c)
	splits, err := s.results.Splits(ctx, d)
	if err != nil {
		return err
	}
	q, err := sh.Query(c.Query("segment_by"), splits)
	if err != nil {
		return err
	}
	opps, err := s.results.Opportunities(ctx, d, q)
	if err != nil {
		return err
	}
	in, err := s.workbookInput(ctx, d, opps, q, sh.IncludeResponses)
	if err != nil {
		return err
	}
	return sendWorkbook(c, d, in)
}

// workbookInput gathers what the workbook shows besides the scores in opps,
// asked for as q.
func (s *Server) workbookInput(ctx context.Context, d *surveys.Design, opps *results.Opportunities, q results.OpportunityQuery, withResponses bool) (export.Input, error) {
	fw, err := s.fieldwork.Summary(ctx, d)
	if err != nil {
		return export.Input{}, err
	}
	in := results.WorkbookInput(d, opps, q)
	in.Fieldwork = fw.Export()
	if in.Typing, err = s.results.WorkbookTyping(ctx, d, q.SegmentBy); err != nil {
		return export.Input{}, err
	}
	if in.Canvas, err = s.results.WorkbookCanvas(ctx, d, q.SegmentBy, opps); err != nil {
		return export.Input{}, err
	}
	if withResponses {
		if in.Responses, err = s.results.WideResponses(ctx, d); err != nil {
			return export.Input{}, err
		}
	}
	return in, nil
}

// sendWorkbook sends the workbook as a download (sendFile).
func sendWorkbook(c *fiber.Ctx, d *surveys.Design, in export.Input) error {
	return sendFile(c, xlsxType, attachment(d.Study.Name, d.Study.ID, "opportunities.xlsx"),
		func(w io.Writer) error { return export.Workbook(w, in) })
}

// sendFile writes a download to an unlinked temporary file and sends it from
// there: the whole file is built before the first byte goes out, so a
// failure is still a proper error status, and a large file (a workbook, the
// responses of a big study) is never held in memory.
func sendFile(c *fiber.Ctx, contentType, disposition string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp("", "odi-download-*")
	if err != nil {
		return fmt.Errorf("download temporary file: %w", err)
	}
	os.Remove(tmp.Name()) // the open file lives on until the answer is sent
	size, err := writeFile(tmp, func(w io.Writer) error { return write(ctxWriter{c.UserContext(), w}) })
	if err != nil {
		tmp.Close()
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, disposition)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStream(tmp, int(size)) // closed by fasthttp once sent
	return nil
}

// writeFile writes f through a buffer and rewinds it, giving its size.
func writeFile(f *os.File, write func(io.Writer) error) (int64, error) {
	w := bufio.NewWriterSize(f, 1<<16)
	if err := write(w); err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, fmt.Errorf("write download: %w", err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	_, err = f.Seek(0, io.SeekStart)
	return size, err
}

// attachment names a download after the study, in plain ASCII so every
// browser keeps the name as given.
func attachment(name string, id int64, suffix string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	base := strings.Trim(b.String(), "-")
	if base == "" {
		base = fmt.Sprintf("study-%d", id)
	}
	return fmt.Sprintf(`attachment; filename="%s-%s"`, base, suffix)
}
