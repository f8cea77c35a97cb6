package app

import (
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		check   func(Config) bool
	}{
		{"defaults", nil, nil, "", func(c Config) bool { return c.Addr == ":8080" && c.DB == "odi.db" }},
		{"env", nil, map[string]string{"ODI_ADDR": "127.0.0.1:9000", "ODI_DB": "/tmp/x.db"}, "", func(c Config) bool { return c.Addr == "127.0.0.1:9000" && c.DB == "/tmp/x.db" }},
		{"flag beats env", []string{"--addr", ":7000"}, map[string]string{"ODI_ADDR": ":9000"}, "", func(c Config) bool { return c.Addr == ":7000" }},
		{"postgres url", []string{"--db", "postgres://u:p@h/db"}, nil, "", func(c Config) bool { return c.DB == "postgres://u:p@h/db" }},
		{"base url trailing slash", []string{"--base-url", "https://odi.example.com/"}, nil, "", func(c Config) bool { return c.BaseURL == "https://odi.example.com" && c.Secure() }},
		{"bad addr", []string{"--addr", "8080"}, nil, "--addr", nil},
		{"bad port", []string{"--addr", ":99999"}, nil, "port", nil},
		{"mysql", []string{"--db", "mysql://u:secret@h/db"}, nil, "only SQLite", nil},
		{"bad base url", []string{"--base-url", "odi.example.com"}, nil, "--base-url", nil},
		{"bad body limit", []string{"--body-limit", "lots"}, nil, "--body-limit", nil},
		{"stray argument", []string{"extra"}, nil, "unexpected argument", nil},
		{"unknown flag", []string{"--bogus"}, nil, "flag provided but not defined: -bogus", nil},
		{"limits", []string{"--body-limit", "64kb", "--import-limit", "1GB"}, nil, "", func(c Config) bool { return c.BodyLimit == 64<<10 && c.ImportLimit == 1<<30 }},
		{"limit beyond an int", []string{"--import-limit", "99999999999GB"}, nil, "--import-limit", nil},
		{"trusted proxies", nil, map[string]string{"ODI_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"}, "", func(c Config) bool { return len(c.Proxies) == 2 && c.Proxies[1] == "127.0.0.1" }},
		{"bad trusted proxy", []string{"--trusted-proxies", "proxy.internal"}, nil, "--trusted-proxies", nil},
		{"metrics addr", nil, map[string]string{"ODI_METRICS_ADDR": "127.0.0.1:9090"}, "", func(c Config) bool { return c.MetricsAddr == "127.0.0.1:9090" }},
		{"bad metrics addr", []string{"--metrics-addr", "9090"}, nil, "--metrics-addr", nil},
		{"connection caps", []string{"--max-conns", "500"}, map[string]string{"ODI_MAX_CONNS_PER_IP": "0"}, "", func(c Config) bool { return c.MaxConns == 500 && c.MaxConnsPerIP == 0 }},
		{"no connections", []string{"--max-conns", "0"}, nil, "--max-conns", nil},
		{"negative cap per address", nil, map[string]string{"ODI_MAX_CONNS_PER_IP": "-1"}, "--max-conns-per-ip", nil},
		{"no mail by default", nil, nil, "", func(c Config) bool { return c.SMTP == nil && c.MailRate == 5 }},
		{"smtp", []string{"--mail-from", "Research <r@example.com>"}, map[string]string{"ODI_SMTP_URL": "smtp://ana:secret@mail.example.com"}, "", func(c Config) bool {
			return c.SMTP != nil && c.SMTP.Host == "mail.example.com" && c.SMTP.Port == 587 && c.SMTP.Password == "secret" && c.MailFrom == `"Research" <r@example.com>`
		}},
		{"smtps", nil, map[string]string{"ODI_SMTP_URL": "smtps://mail.example.com", "ODI_MAIL_FROM": "r@example.com", "ODI_MAIL_RATE": "0.5"}, "", func(c Config) bool {
			return c.SMTP.Implicit && c.SMTP.Port == 465 && c.MailRate == 0.5
		}},
		{"smtp without from", []string{"--smtp-url", "smtp://ana:secret@mail.example.com"}, nil, "--mail-from is not", nil},
		{"from without smtp", []string{"--mail-from", "r@example.com"}, nil, "--smtp-url is not", nil},
		{"bad smtp url", []string{"--smtp-url", "http://ana:secret@mail.example.com", "--mail-from", "r@example.com"}, nil, "--smtp-url", nil},
		{"bad mail from", []string{"--smtp-url", "smtp://mail.example.com", "--mail-from", "research"}, nil, "--mail-from", nil},
		{"bad mail rate", []string{"--mail-rate", "0"}, nil, "--mail-rate", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig("odi", tt.args, env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want error containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("error leaks a password: %v", err)
				}
				return
			}
			if err != nil || !tt.check(c) {
				t.Fatalf("got %+v, %v", c, err)
			}
		})
	}
}

// Connections leave fdReserve descriptors of the open-file limit to the
// database and the log; a cap per address above the whole is lowered with it.
func TestFitOpenFiles(t *testing.T) {
	for _, tt := range []struct {
		limit                uint64
		conns, perIP         int
		wantConns, wantPerIP int
		wantErr              bool
	}{
		{1 << 20, 10000, 256, 10000, 256, false},
		{1023, 10000, 256, 895, 256, false},
		{200, 10000, 256, 72, 72, false},
		{1023, 10000, 0, 895, 0, false},
		{128, 10000, 256, 0, 0, true},
	} {
		c := Config{MaxConns: tt.conns, MaxConnsPerIP: tt.perIP}
		err := c.FitOpenFiles(tt.limit)
		if (err != nil) != tt.wantErr || !tt.wantErr && (c.MaxConns != tt.wantConns || c.MaxConnsPerIP != tt.wantPerIP) {
			t.Errorf("limit %d: %d, %d, %v; want %d, %d", tt.limit, c.MaxConns, c.MaxConnsPerIP, err, tt.wantConns, tt.wantPerIP)
		}
	}
}
