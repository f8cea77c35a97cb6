package surveys

import "errors"

// Errors of a study's state, beside the general ones of package problem;
// the web layer maps each to its HTTP status in one place.
var (
	ErrLocked = errors.New("study structure is locked once published")
	ErrClosed = errors.New("study is closed")
)
