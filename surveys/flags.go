package surveys

import "slices"

// Quality flags a completed response can carry; flagged responses stay in the
// data until the researcher excludes them.
const (
	FlagStraightLining = "straight_lining"
	FlagSpeeding       = "speeding"
	FlagAttention      = "failed_attention"
)

// FlagQuotaFull says why a response was screened out: its segment's quota was
// full. It is kept with the flags but says nothing of the response's quality.
const FlagQuotaFull = "quota_full"

// QualityFlagNames are the quality flags, in the order pages and the
// workbook list them.
var QualityFlagNames = []string{FlagStraightLining, FlagSpeeding, FlagAttention}

// IsQualityFlag tells a quality flag from a note such as FlagQuotaFull.
func IsQualityFlag(flag string) bool { return slices.Contains(QualityFlagNames, flag) }

// QuotaFull tells whether r was screened out because its quota was full.
func (r *Response) QuotaFull() bool { return slices.Contains(r.Flags, FlagQuotaFull) }

// QualityFlags are r's flags that question its quality.
func (r *Response) QualityFlags() []string {
	var out []string
	for _, f := range r.Flags {
		if IsQualityFlag(f) {
			out = append(out, f)
		}
	}
	return out
}
