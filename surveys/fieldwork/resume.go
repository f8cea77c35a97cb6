package fieldwork

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"odi/surveys/problem"
)

// resumeToken is a response's resume token: its respondent id and a MAC of
// study and respondent under a server-wide secret. Nothing of it is stored:
// the id finds the row through the index every response has anyway, the MAC
// proves the token was made here, and a repeated submission is answered
// with the same token. (A stored, indexed hash of a random token would cost
// every insert a write at a random place in one more index.)
func (s *Store) resumeToken(ctx context.Context, studyID int64, respondentID string) (string, error) {
	mac, err := s.resumeMAC(ctx, studyID, respondentID)
	if err != nil {
		return "", err
	}
	return respondentID + "." + base64.RawURLEncoding.EncodeToString(mac), nil
}

func (s *Store) resumeMAC(ctx context.Context, studyID int64, respondentID string) ([]byte, error) {
	secret, err := s.accounts.Secret(ctx, "resume_secret")
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%d/%s", studyID, respondentID)
	return m.Sum(nil), nil
}

// resumedBy is the respondent a resume token of studyID names, or
// problem.ErrNotFound when the token was not made for that study here.
func (s *Store) resumedBy(ctx context.Context, studyID int64, token string) (string, error) {
	i := strings.LastIndexByte(token, '.')
	if i <= 0 {
		return "", problem.ErrNotFound
	}
	given, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	if err != nil {
		return "", problem.ErrNotFound
	}
	want, err := s.resumeMAC(ctx, studyID, token[:i])
	if err != nil {
		return "", err
	}
	if !hmac.Equal(given, want) {
		return "", problem.ErrNotFound
	}
	return token[:i], nil
}
