// Package surveys is the domain of odi: studies, outcomes, profile questions,
// responses and the people who own them, and the Store that keeps them. It knows
// nothing of HTTP; the app package decodes requests and calls into it.
package surveys
