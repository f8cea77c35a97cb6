package app

import (
	"context"
	"encoding/json"
	"math"
	"time"
)

// Failed logins are counted per account and address, and per address alone.
// Past a few free failures each further attempt has to wait twice as long
// as the one before, up to a cap; the count is forgotten an hour after the
// last failure. So a guesser is slowed to a crawl, while the right password
// is never locked out for longer than the cap, and never at all from another
// address. A success clears its account's count at that address, not the
// address's own: one valid account must not reset a sprayer's counter.
type loginLimit struct {
	key  string
	free int
}

const (
	accountFailuresFree = 5
	addressFailuresFree = 30
	loginBackoffMax     = 15 * time.Minute
	loginFailuresTTL    = time.Hour
)

type loginFailures struct {
	N     int   `json:"n"`
	Until int64 `json:"until"` // unix milliseconds before which no attempt is taken
}

func loginLimits(email, ip string) []loginLimit {
	return []loginLimit{
		{key: "login:account:" + email + "|" + ip, free: accountFailuresFree},
		{key: "login:address:" + ip, free: addressFailuresFree},
	}
}

func loginBackoff(n, free int) time.Duration {
	if n <= free {
		return 0
	}
	exp := n - free - 1
	if exp > 20 {
		return loginBackoffMax
	}
	return min(time.Duration(math.Pow(2, float64(exp)))*time.Second, loginBackoffMax)
}

func (s *Server) loginFailuresOf(ctx context.Context, key string) (loginFailures, error) {
	var f loginFailures
	b, err := s.accounts.Get(ctx, key)
	if err != nil || b == nil {
		return f, err
	}
	if json.Unmarshal(b, &f) != nil {
		return loginFailures{}, nil
	}
	return f, nil
}

// loginWait is how long the caller must wait before the next attempt.
func (s *Server) loginWait(ctx context.Context, limits []loginLimit) (time.Duration, error) {
	var wait time.Duration
	now := time.Now()
	for _, l := range limits {
		f, err := s.loginFailuresOf(ctx, l.key)
		if err != nil {
			return 0, err
		}
		wait = max(wait, time.UnixMilli(f.Until).Sub(now))
	}
	return wait, nil
}

func (s *Server) loginFailed(ctx context.Context, limits []loginLimit) error {
	now := time.Now()
	for _, l := range limits {
		f, err := s.loginFailuresOf(ctx, l.key)
		if err != nil {
			return err
		}
		f.N++
		f.Until = now.Add(loginBackoff(f.N, l.free)).UnixMilli()
		b, _ := json.Marshal(f)
		if err := s.accounts.Set(ctx, l.key, b, loginFailuresTTL); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) loginSucceeded(ctx context.Context, limits []loginLimit) error {
	return s.accounts.Delete(ctx, limits[0].key)
}
