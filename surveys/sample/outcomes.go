package sample

import (
	"fmt"
	"strconv"
)

// steps is the default job map, in order.
var steps = []string{"Define", "Locate", "Prepare", "Confirm", "Execute", "Monitor", "Modify", "Conclude"}

// Themes say for whom an outcome is underserved. 0..2 are the planted needs
// segments; the rest behave the same for everybody.
const (
	themeContext    = 0 // "Stop losing context"
	themeInvestors  = 1 // "Look organized to investors"
	themeShip       = 2 // "Ship faster as the team scales"
	themeEveryone   = 3 // underserved for every segment: the job's own "so I can"
	themeOverserved = 4 // unimportant and well satisfied for everybody
	themeServed     = 5 // moderately important, well satisfied
	numThemes       = 6
)

// base is one built-in outcome statement without a contextual clarifier.
type base struct {
	statement string
	step      string
	theme     int
}

// builtin is the study's outcome set in job-map order. The statements follow the
// ODI form (direction + metric + object of control) and avoid naming a tool, so
// they pass the statement lint.
var builtin = []base{
	{"Minimize the time it takes to start a new conversation thread", "Define", themeOverserved},
	{"Minimize the effort it takes to decide where new work should be written down", "Define", themeServed},
	{"Minimize the time it takes to agree what the team needs to keep on record", "Define", themeContext},
	{"Minimize the time it takes to see who owns a task", "Locate", themeShip},
	{"Minimize the time it takes to find a past decision", "Locate", themeContext},
	{"Minimize the time it takes to trace why a trade-off was made", "Locate", themeContext},
	{"Minimize the time it takes to verify the source of a metric", "Locate", themeInvestors},
	{"Minimize the time it takes to bring a new teammate up to speed", "Prepare", themeContext},
	{"Minimize the time it takes to prepare a board update", "Prepare", themeInvestors},
	{"Minimize the effort it takes to plan the work of a sprint", "Prepare", themeShip},
	{"Minimize the likelihood of working from an outdated spec", "Confirm", themeContext},
	{"Minimize the likelihood that an investor sees conflicting numbers", "Confirm", themeInvestors},
	{"Minimize the likelihood that two people work on the same task", "Confirm", themeShip},
	{"Minimize the number of times you answer the same question in a week", "Execute", themeEveryone},
	{"Minimize the effort it takes to send a quick message to a teammate", "Execute", themeOverserved},
	{"Minimize the effort it takes to show the current state of key metrics", "Execute", themeInvestors},
	{"Minimize the time it takes to explain the roadmap to an outsider", "Execute", themeInvestors},
	{"Minimize the time it takes to link a task to the change that completes it", "Execute", themeShip},
	{"Minimize the effort it takes to share a file with a teammate", "Execute", themeOverserved},
	{"Minimize the likelihood that context is lost when a conversation moves to private messages", "Monitor", themeContext},
	{"Minimize the time it takes to spot a blocked teammate", "Monitor", themeShip},
	{"Minimize the number of meetings needed to know what everyone is doing", "Monitor", themeShip},
	{"Minimize the time spent setting context at the start of a board meeting", "Monitor", themeInvestors},
	{"Minimize the effort it takes to update a decision the team relies on", "Modify", themeContext},
	{"Minimize the effort it takes to change priorities in the middle of a sprint", "Modify", themeShip},
	{"Minimize the likelihood that the board questions how a decision was reached", "Modify", themeInvestors},
	{"Minimize the effort it takes to hand over context to a teammate", "Conclude", themeContext},
	{"Minimize the effort it takes to summarise progress for an investor update", "Conclude", themeInvestors},
	{"Minimize the likelihood of missing a deadline without warning", "Conclude", themeShip},
	{"Minimize the effort it takes to archive a finished project", "Conclude", themeServed},
}

// clarifiers vary the built-in statements when a study asks for more outcomes
// than there are built-ins.
var clarifiers = []string{
	"when the team has grown past ten people",
	"during a busy sprint",
	"before a board meeting",
	"when a new hire joins",
	"while working across time zones",
	"after a reorganisation",
	"when a key teammate is on leave",
	"at the end of a quarter",
}

// pickOrder is the order in which built-ins are taken when fewer than all of
// them are wanted: the planted segments in turn, with the shared outcomes mixed
// in, so even a handful of outcomes carries all three segments.
var pickOrder = func() []int {
	byTheme := make([][]int, numThemes)
	for i, b := range builtin {
		byTheme[b.theme] = append(byTheme[b.theme], i)
	}
	cycle := []int{themeContext, themeInvestors, themeShip, themeEveryone,
		themeContext, themeInvestors, themeShip, themeOverserved,
		themeContext, themeInvestors, themeShip, themeServed}
	order := make([]int, 0, len(builtin))
	for len(order) < len(builtin) {
		for _, t := range cycle {
			if len(byTheme[t]) > 0 {
				order = append(order, byTheme[t][0])
				byTheme[t] = byTheme[t][1:]
			}
		}
	}
	return order
}()

// outcomes returns m outcomes and the theme of each. The first len(builtin) are
// the built-ins (a balanced subset in job-map order when m is smaller); after
// that every built-in comes round again with a clarifier, then with a clarifier
// and a set number, so statements never repeat.
func outcomes(m int) ([]Outcome, []uint8) {
	out := make([]Outcome, m)
	themes := make([]uint8, m)
	width := max(2, len(strconv.Itoa(m)))
	var idx []int
	if m < len(builtin) {
		chosen := make([]bool, len(builtin))
		for _, i := range pickOrder[:m] {
			chosen[i] = true
		}
		for i, c := range chosen {
			if c {
				idx = append(idx, i)
			}
		}
	}
	for i := range out {
		b := i % len(builtin)
		if idx != nil {
			b = idx[i]
		}
		round := i / len(builtin)
		st := builtin[b].statement
		if round > 0 {
			st += " " + clarifiers[(round-1)%len(clarifiers)]
			if set := (round-1)/len(clarifiers) + 1; set > 1 {
				st += fmt.Sprintf(" (set %d)", set)
			}
		}
		out[i] = Outcome{
			Code:      fmt.Sprintf("O%0*d", width, i+1),
			Statement: st,
			Step:      builtin[b].step,
		}
		themes[i] = uint8(builtin[b].theme)
	}
	return out, themes
}
