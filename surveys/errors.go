package surveys

import (
	"errors"
	"sort"
	"strings"
)

// Sentinel errors that the web layer maps to HTTP statuses in one place.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrLocked       = errors.New("study structure is locked once published")
	ErrClosed       = errors.New("study is closed")
	ErrUnauthorized = errors.New("invalid credentials")
)

// ValidationError names every bad field of an input with a message a person can act on.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Invalid returns a ValidationError for a single field.
func Invalid(field, message string) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: message}}
}
