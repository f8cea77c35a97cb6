package migrations

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"
)

// TestPanelsMigrationKeepsOldStudiesAndQuotas: a SQLite database of version
// 10 moves to 11 with its data. A study's one redirect URL becomes its end
// URL for every outcome, a response screened out with the quota_full note
// becomes quota_full, and the other responses keep their status, the
// foreign keys holding.
func TestPanelsMigrationKeepsOldStudiesAndQuotas(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "old.db")+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sub, err := fs.Sub(files, "sqlite")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (id, email, password_hash, role, created_at) VALUES (1, 'a@example.com', 'x', 'admin', '2026-01-01')`,
		`INSERT INTO studies (id, owner_id, name, redirect_url, created_at, updated_at) VALUES (1, 1, 'Old', 'https://panel.example/done?pid={panel_id}', '2026-01-01', '2026-01-01')`,
		`INSERT INTO studies (id, owner_id, name, created_at, updated_at) VALUES (2, 1, 'Plain', '2026-01-01', '2026-01-01')`,
		`INSERT INTO responses (study_id, respondent_id, external_id, status, source, ratings, flags, started_at, updated_at)
			VALUES (1, 'a', 'p1', 'screened_out', 'link', x'', '["quota_full"]', '2026-01-01', '2026-01-01'),
			       (1, 'b', 'p2', 'screened_out', 'link', x'', '[]', '2026-01-01', '2026-01-01'),
			       (1, 'c', '', 'complete', 'link', x'', '[]', '2026-01-01', '2026-01-01')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var ends [2]string
	for i := range ends {
		if err := db.QueryRowContext(ctx, "SELECT end_urls FROM studies WHERE id = ?", i+1).Scan(&ends[i]); err != nil {
			t.Fatal(err)
		}
	}
	want := `{"complete":"https://panel.example/done?pid={panel_id}","screened_out":"https://panel.example/done?pid={panel_id}","quota_full":"https://panel.example/done?pid={panel_id}"}`
	if ends[0] != want || ends[1] != "{}" {
		t.Errorf("end_urls %q and %q, want %q and {}", ends[0], ends[1], want)
	}
	rows, err := db.QueryContext(ctx, "SELECT respondent_id || ':' || status || ':' || external_id || ':' || url_fields FROM responses ORDER BY respondent_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	wantRows := []string{"a:quota_full:p1:{}", "b:screened_out:p2:{}", "c:complete::{}"}
	if len(got) != 3 || got[0] != wantRows[0] || got[1] != wantRows[1] || got[2] != wantRows[2] {
		t.Errorf("responses %q, want %q", got, wantRows)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO responses (study_id, respondent_id, status, source, ratings, started_at, updated_at)
		VALUES (99, 'x', 'complete', 'link', x'', '2026-01-01', '2026-01-01')`); err == nil {
		t.Error("a response of no study was stored: the rebuilt table lost its foreign key")
	}
}
