package surveys

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// optionRenames tells whether q is old with at most its text and its
// options' texts changed, each option staying in its place, and which
// option texts changed (old to new). The screen-out options and the quotas
// of q must name the options by their new texts; an option may not take
// another's text.
func optionRenames(old, q Question) (map[string]string, bool) {
	if len(old.Options) != len(q.Options) {
		return nil, false
	}
	renames := map[string]string{}
	for i, o := range old.Options {
		if o == q.Options[i] {
			continue
		}
		// Moving a text to another place would move the answers given to
		// it: that is a change of structure, not of wording.
		if slices.IndexFunc(old.Options, func(p string) bool { return strings.EqualFold(p, q.Options[i]) }) >= 0 && !strings.EqualFold(o, q.Options[i]) {
			return nil, false
		}
		renames[o] = q.Options[i]
	}
	renamed := old
	renamed.Options = q.Options
	renamed.ScreenOut = renameAll(old.ScreenOut, renames)
	renamed.Quotas = nil
	if old.Quotas != nil {
		renamed.Quotas = map[string]int{}
		for k, n := range old.Quotas {
			renamed.Quotas[rename(k, renames)] = n
		}
	}
	return renames, sameButText(q, renamed)
}

func rename(o string, renames map[string]string) string {
	if to, ok := renames[o]; ok {
		return to
	}
	return o
}

func renameAll(os []string, renames map[string]string) []string {
	if os == nil {
		return nil
	}
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = rename(o, renames)
	}
	return out
}

// renameAnswers carries a published question's option renames into what is
// stored by option text: the answers already given (a multiple choice is
// the chosen options joined by ";"), the study's weighting targets and, for
// the role question, the roles each outcome is asked of. The
// rewritten responses take one seq above the study's highest, so every
// instance's results cache reloads them (results/responsecache.go).
func renameAnswers(tx *gorm.DB, st *Study, q Question, renames map[string]string) error {
	studyID := st.ID
	if q.Key == st.RoleQuestion {
		if err := renameRoles(tx, studyID, renames); err != nil {
			return err
		}
	}
	var seq int64
	if err := tx.Model(&Response{}).Select("COALESCE(MAX(seq), 0) + 1").Where("study_id = ?", studyID).Scan(&seq).Error; err != nil {
		return fmt.Errorf("number the renamed answers: %w", err)
	}
	var batch []Response
	err := tx.Select("id, answers").Where("study_id = ?", studyID).Order("id").
		FindInBatches(&batch, 5000, func(tx *gorm.DB, _ int) error {
			for _, r := range batch {
				a, ok := r.Answers[q.Key]
				if !ok || a == "" {
					continue
				}
				now := rename(a, renames)
				if q.Kind == KindMulti {
					now = strings.Join(renameAll(strings.Split(a, ";"), renames), ";")
				}
				if now == a {
					continue
				}
				answers := maps.Clone(r.Answers)
				answers[q.Key] = now
				if err := tx.Model(&Response{}).Where("id = ?", r.ID).
					Updates(map[string]any{"answers": mustJSON(answers), "seq": seq}).Error; err != nil {
					return err
				}
			}
			return nil
		}).Error
	if err != nil {
		return fmt.Errorf("rename the answers to %s: %w", q.Key, err)
	}
	// The targets live with the results (results/weighting.go); a row of
	// them is a JSON object of question key to option to share.
	var targets []string
	if err := tx.Table("weightings").Where("study_id = ?", studyID).Pluck("targets", &targets).Error; err != nil || len(targets) == 0 {
		return err
	}
	var t map[string]map[string]float64
	if err := json.Unmarshal([]byte(targets[0]), &t); err != nil || t[q.Key] == nil {
		return err
	}
	shares := map[string]float64{}
	for o, share := range t[q.Key] {
		shares[rename(o, renames)] = share
	}
	t[q.Key] = shares
	return tx.Table("weightings").Where("study_id = ?", studyID).Update("targets", mustJSON(t)).Error
}

// renameRoles renames the roles the study's outcomes are asked of.
func renameRoles(tx *gorm.DB, studyID int64, renames map[string]string) error {
	var os []Outcome
	if err := tx.Select("id, roles").Where("study_id = ?", studyID).Find(&os).Error; err != nil {
		return fmt.Errorf("read the outcomes' roles: %w", err)
	}
	for _, o := range os {
		roles := renameAll(o.Roles, renames)
		if slices.Equal(roles, o.Roles) {
			continue
		}
		if err := tx.Model(&Outcome{}).Where("id = ?", o.ID).Update("roles", mustJSON(roles)).Error; err != nil {
			return fmt.Errorf("rename the roles of outcome %d: %w", o.ID, err)
		}
	}
	return nil
}

// mustJSON is v encoded: maps of strings and numbers always encode.
func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
