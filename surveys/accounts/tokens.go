package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"odi/surveys/problem"
)

// APIToken is a revocable bearer token; only its hash is stored.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"-"`
	Name       string     `json:"name"`
	TokenHash  string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// NewSecret returns a random URL-safe token with the given prefix; 32 random bytes
// make guessing pointless.
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is how tokens, share links and resume tokens are stored: a SHA-256
// of a high-entropy secret needs no salt or slow hash, and a stolen database
// yields no usable token.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes an API token for a user and returns the plain token, which is
// shown once and never stored.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string) (string, *APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "token"
	}
	if msg := problem.Rule(name, "max=100"); msg != "" {
		return "", nil, problem.Invalid("name", msg)
	}
	plain := NewSecret("odi_")
	t := &APIToken{UserID: userID, Name: name, TokenHash: HashSecret(plain)}
	if err := s.db.WithContext(ctx).Create(t).Error; err != nil {
		return "", nil, fmt.Errorf("create token for user %d: %w", userID, err)
	}
	return plain, t, nil
}

// ListTokens returns a user's tokens, newest first.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]APIToken, error) {
	var ts []APIToken
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&ts).Error
	return ts, err
}

// Token loads one API token by id, whoever it belongs to: for an admin's
// chores on the command line, never for a web request.
func (s *Store) Token(ctx context.Context, id int64) (*APIToken, error) {
	var t APIToken
	if err := s.db.WithContext(ctx).First(&t, id).Error; err != nil {
		return nil, fmt.Errorf("token %d: %w", id, notFound(err))
	}
	return &t, nil
}

// RevokeToken stops a token from working; only its owner can revoke it.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	res := s.db.WithContext(ctx).Model(&APIToken{}).
		Where("id = ? AND user_id = ? AND revoked_at IS NULL", tokenID, userID).
		Update("revoked_at", time.Now().UTC())
	return problem.OneRow(res, "revoke token %d", tokenID)
}

// UserByToken resolves a bearer token to its user; revoked or unknown tokens,
// and tokens of a disabled user, are problem.ErrUnauthorized. The lookup is by hash,
// so no token is ever compared in the clear.
func (s *Store) UserByToken(ctx context.Context, plain string) (*User, error) {
	var t APIToken
	err := s.db.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", HashSecret(plain)).First(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, problem.ErrUnauthorized
	}
	if err != nil {
		return nil, fmt.Errorf("look up token: %w", err)
	}
	now := time.Now().UTC()
	// Writing on every request would serialise readers behind SQLite's writer; a
	// minute's precision is enough for "last used".
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		s.db.WithContext(ctx).Model(&APIToken{}).Where("id = ?", t.ID).Update("last_used_at", now)
	}
	u, err := s.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if u.DisabledAt != nil {
		return nil, problem.ErrUnauthorized
	}
	return u, nil
}
