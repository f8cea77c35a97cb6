// Package problem says what went wrong with a request in words its sender may
// read: a thing that is not there or not theirs, a conflict with the state of
// things, missing credentials, or input that breaks a rule, field by field.
// The web layer maps each to its HTTP status in one place (app/errors.go).
package problem

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"
)

// Sentinel errors, wrapped with context where they happen.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("invalid credentials")
)

// OneRow is what a write meant for exactly one row came to: its error,
// wrapped with what it was doing, or ErrNotFound when no row matched, which
// is how a thing gone, or not the caller's, reads.
func OneRow(res *gorm.DB, doing string, args ...any) error {
	if res.Error != nil {
		return fmt.Errorf("%s: %w", fmt.Sprintf(doing, args...), res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// Validation names every bad field of an input with a message a person can act on.
type Validation struct {
	Fields map[string]string
}

func (e *Validation) Error() string {
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

// Invalid is a Validation of a single field.
func Invalid(field, message string) *Validation {
	return &Validation{Fields: map[string]string{field: message}}
}

// List collects bad fields, so that an input is refused once with all of
// them. Most inputs have none, so the map is made only for the first.
type List map[string]string

// Add names a bad field. The first message for a field stands: checks run
// from the most basic (the input's tags) to the most particular, and a
// field is told the first thing to fix.
func (l *List) Add(field, msg string) {
	if *l == nil {
		*l = map[string]string{}
	}
	if _, ok := (*l)[field]; !ok {
		(*l)[field] = msg
	}
}

// Merge adds the fields of a Validation; any other error is returned, to
// be passed up as it is.
func (l *List) Merge(err error) error {
	if err == nil {
		return nil
	}
	var v *Validation
	if !errors.As(err, &v) {
		return err
	}
	for f, m := range v.Fields {
		l.Add(f, m)
	}
	return nil
}

// Err is the Validation of what was collected, nil for nothing.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return &Validation{Fields: l}
}
