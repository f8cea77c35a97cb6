package results

import (
	"fmt"

	"odi/surveys"
)

// FlagRule says in one line when a response gets quality flag f, with the
// thresholds review.go applies, so that the page explaining a flag can never
// disagree with the cleaning it explains. It is "" for anything but a
// quality flag.
func FlagRule(f string) string {
	switch f {
	case surveys.FlagStraightLining:
		return fmt.Sprintf("One answer on at least %.0f%% of the importance grid or of the satisfaction grid (of %d or more outcomes rated).",
			gridShare*100, gridMinimum)
	case surveys.FlagSpeeding:
		return fmt.Sprintf("Finished in under a third of the median time of the complete responses (once %d are timed), or under %.0f s for each outcome rated.",
			speedingMinimum, pairFloor.Seconds())
	case surveys.FlagAttention:
		return "Missed or got wrong an attention check (an item that asks for one given answer)."
	case surveys.FlagDuplicate:
		return "The same panel id or invitation finishing again, or the same answers again from the same network; the first one stands."
	}
	return ""
}
