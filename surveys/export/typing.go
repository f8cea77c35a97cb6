package export

import (
	"fmt"
	"strconv"
)

// typing writes a segmentation's typing tool so that an analyst can type
// anyone in a spreadsheet: one row per item with each segment's
// coefficient, the constants below them, and a note that says how, with
// the cells to use. No formula: the sheet holds the numbers, the analyst
// writes the formula beside their own data.
func (b *book) typing(sh *sheet) {
	t := b.in.Typing
	k := len(t.Segments)
	widths := []float64{8, 60, 14, 14}
	for range k {
		widths = append(widths, 18)
	}
	sh.widths(widths...)
	sh.text(1, 1, "Typing tool of "+t.Segmentation, b.st.title)
	sh.text(1, 2, "Accuracy (5-fold cross-validated)", b.st.label)
	sh.merge(cell(1, 2), cell(2, 2))
	sh.value(3, 2, t.Accuracy, b.st.percent)

	const head = 4
	header := []string{"Code", "Outcome", "Rating", "If unanswered"}
	for _, s := range t.Segments {
		header = append(header, s.ID+" "+s.Label)
	}
	sh.header(1, head, header)
	for i, it := range t.Items {
		row := head + 1 + i
		sh.text(1, row, it.Code, b.st.text)
		sh.text(2, row, it.Statement, b.st.wrap)
		sh.value(3, row, it.Scale, b.st.text)
		sh.value(4, row, it.Fill, b.st.dec3)
		for j, s := range t.Segments {
			sh.value(5+j, row, s.Coef[i], b.st.dec3)
		}
	}
	constRow := head + 1 + len(t.Items)
	sh.value(2, constRow, "Constant", b.st.label)
	for j, s := range t.Segments {
		sh.value(5+j, constRow, s.Const, b.st.dec3)
	}

	// The note names the cells of the first segment, as a worked example.
	first, last := head+1, constRow-1
	coef := fmt.Sprintf("%s%d:%s%d", colName(5), first, colName(5), last)
	note := constRow + 2
	sh.value(1, note, "How to type someone: take their ratings of the items (1 to 5), in the order of the rows above, an "+
		"unanswered one counting as its \"If unanswered\" value. For each segment, multiply each rating by the segment's "+
		"number in that row, add them up and add the segment's constant: for "+t.Segments[0].ID+", =SUMPRODUCT(ratings, "+coef+
		")+"+cell(5, constRow)+". The segment with the highest score is theirs. Its probability is EXP(its score − the highest) "+
		"divided by the sum of EXP(score − the highest) over the "+strconv.Itoa(k)+" segments.", b.st.wrap)
	sh.merge(cell(1, note), cell(4+k, note))
	sh.height(note, 75)
	sh.freeze(3, head+1)
}
