// Package surveys is the domain of odi at its core: studies and their design,
// and the Store that keeps them. It knows nothing of HTTP; package app decodes
// requests and calls into it. The packages beside it share its database and
// build on it: fieldwork (responses coming in), results (what they say),
// accounts (who may get in), export (files for spreadsheets), problem (what
// went wrong, field by field).
//
// Words used across the code:
//
//   - Study: one core job researched with one survey; draft, then open, then
//     closed. Its structure is locked once published.
//   - Design: a study with its job steps, outcomes (statements with codes,
//     parsed and linted) and profile questions, in survey order: everything a
//     respondent will be asked. A request resolves it once (app's
//     study-access middleware) and the read methods take it.
//   - Survey: what a respondent sees, generated from a design
//     (fieldwork.Survey): the intro, screeners and profile questions, one
//     page of paired ratings per job step, the four forces, the thanks.
//   - Page: one job step's outcomes in a survey, each worded as its
//     importance and satisfaction questions.
//   - Stage: one screen of a respondent's way through a survey (welcome,
//     questions, a page of outcomes, forces), in the order their seed gives.
//   - form: a published study compiled for checking submissions quickly
//     (fieldwork/form.go), cached per instance and checked against the
//     database.
//   - Response: one respondent's answers to one study, with its status,
//     source and quality flags; ratings are two bytes per outcome slot.
package surveys
