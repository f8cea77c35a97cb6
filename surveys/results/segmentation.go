package results

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"odi/surveys"
	"odi/surveys/cluster"
	"odi/surveys/problem"
)

// Segmentation is a saved needs-based segmentation: each member respondent is
// in one segment, and each segment has a label named after its job.
type Segmentation struct {
	ID         int64          `json:"-"`
	StudyID    int64          `json:"-"`
	Key        string         `json:"key"`
	Labels     []string       `json:"labels" gorm:"serializer:json"`
	Members    map[string]int `json:"members" gorm:"serializer:json"` // respondent id -> segment index
	Silhouette float64        `json:"silhouette"`
	// Model places a respondent who is not a member (one who answered or was
	// imported after saving) in the nearest segment; nil for segmentations
	// saved before odi kept models, which stay member lists.
	Model      *cluster.Model      `json:"model,omitempty" gorm:"serializer:json"`
	TypingTool *cluster.TypingTool `json:"typing_tool,omitempty" gorm:"serializer:json"`
	// Canvases are what the researcher wrote on each segment's canvas, in
	// the order of Labels (canvas.go); shorter when some were never edited.
	Canvases  []SegmentCanvas `json:"-" gorm:"serializer:json"`
	CreatedAt time.Time       `json:"created_at"`
}

// SegmentID is the group key of segment i, as results and exports name it.
func SegmentID(i int) string { return "s" + strconv.Itoa(i+1) }

func (sg *Segmentation) splitter() *splitter {
	keys := make([]string, len(sg.Labels))
	for i := range sg.Labels {
		keys[i] = SegmentID(i)
	}
	var markets []float64
	for i, c := range sg.Canvases {
		if c.MarketSize > 0 {
			if markets == nil {
				markets = make([]float64, len(keys))
			}
			if i < len(markets) {
				markets[i] = c.MarketSize
			}
		}
	}
	return &splitter{name: "Segmentation " + sg.Key, keys: keys, labels: sg.Labels, markets: markets, of: func(r *scored) []string {
		if i := sg.segmentOf(r); i >= 0 {
			return keys[i : i+1]
		}
		return nil
	}}
}

// segmentOf is the segment of r: a member's own, anyone else's the nearest by
// the model; -1 when neither places r.
func (sg *Segmentation) segmentOf(r *scored) int {
	i, ok := sg.Members[r.RespondentID]
	if !ok {
		i = -1
		if sg.Model != nil {
			i = sg.Model.Nearest(r.Ratings)
		}
	}
	if i < 0 || i >= len(sg.Labels) {
		return -1
	}
	return i
}

func (s *Store) segmentation(ctx context.Context, studyID int64, key string) (*Segmentation, error) {
	var sg Segmentation
	err := s.db.WithContext(ctx).Where("study_id = ? AND key = ?", studyID, key).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load segmentation %s: %w", key, err)
	}
	return &sg, nil
}

// Segmentations lists a study's saved segmentations.
func (s *Store) Segmentations(ctx context.Context, d *surveys.Design) ([]Segmentation, error) {
	var out []Segmentation
	if err := s.db.WithContext(ctx).Where("study_id = ?", d.Study.ID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("segmentations of study %d: %w", d.Study.ID, err)
	}
	return out, nil
}

// SegmentationInput saves a discovered segmentation under a key.
type SegmentationInput struct {
	Key        string         `json:"key" validate:"required,max=40"`
	Labels     []string       `json:"labels" validate:"required,min=2,max=20,dive,required,max=100"`
	Members    map[string]int `json:"members" validate:"required"`
	Silhouette float64        `json:"silhouette"`
}

// SaveSegmentation stores a segmentation; its key must not clash with a
// profile question, since both name a way to split results.
func (s *Store) SaveSegmentation(ctx context.Context, d *surveys.Design, in SegmentationInput) (*Segmentation, error) {
	if err := problem.Check(in); err != nil {
		return nil, err
	}
	if msg := surveys.KeyProblem(in.Key); msg != "" {
		return nil, problem.Invalid("key", msg)
	}
	for id, seg := range in.Members {
		if seg < 0 || seg >= len(in.Labels) {
			return nil, problem.Invalid("members", fmt.Sprintf("%s is in segment %d, but there are %d labels", id, seg, len(in.Labels)))
		}
	}
	for _, q := range d.Questions {
		if q.Key == in.Key {
			return nil, problem.Invalid("key", in.Key+" is already a profile question")
		}
	}
	labels := make([]string, len(in.Labels))
	for i, l := range in.Labels {
		labels[i] = strings.TrimSpace(l)
	}
	model, err := s.segmentationModel(ctx, d, in.Members, len(labels))
	if err != nil {
		return nil, err
	}
	sg := &Segmentation{StudyID: d.Study.ID, Key: in.Key, Labels: labels, Members: in.Members, Silhouette: in.Silhouette, Model: model}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Segmentation{}).Where("study_id = ? AND key = ?", d.Study.ID, in.Key).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return problem.Invalid("key", in.Key+" is already a saved segmentation")
		}
		return tx.Create(sg).Error
	})
	if err != nil {
		return nil, fmt.Errorf("save segmentation %s: %w", in.Key, err)
	}
	return sg, nil
}

// segmentationModel is the model of a segmentation of the study's counted
// respondents: their standardisation, and each segment's centre over its
// members among them.
func (s *Store) segmentationModel(ctx context.Context, d *surveys.Design, members map[string]int, k int) (*cluster.Model, error) {
	counted, ratings, slots, err := s.countedRatings(ctx, d)
	if err != nil {
		return nil, err
	}
	assign := make([]int, len(counted))
	for i, r := range counted {
		assign[i] = -1
		if seg, ok := members[r.RespondentID]; ok {
			assign[i] = seg
		}
	}
	md := cluster.NewModel(ratings, slots, assign, k)
	return &md, nil
}

// countedRatings are the study's counted respondents (complete, kept by the
// cleaning, as discovery sees them), their ratings, and how many outcome
// slots the ratings hold.
func (s *Store) countedRatings(ctx context.Context, d *surveys.Design) ([]*scored, [][]byte, int, error) {
	rows, rv, err := s.reviewed(ctx, d)
	if err != nil {
		return nil, nil, 0, err
	}
	counted := countedOf(rows, rv)
	slots := 0
	for _, o := range d.Outcomes {
		slots = max(slots, o.Slot+1)
	}
	ratings := make([][]byte, len(counted))
	for i, r := range counted {
		ratings[i] = r.Ratings
	}
	return counted, ratings, slots, nil
}

// Sizes are how many counted respondents each segment of sg holds now: its
// members and, by the model, everyone who answered or was imported later.
func (s *Store) Sizes(ctx context.Context, d *surveys.Design, sg *Segmentation) ([]int, error) {
	counted, _, _, err := s.countedRatings(ctx, d)
	if err != nil {
		return nil, err
	}
	sizes := make([]int, len(sg.Labels))
	for _, r := range counted {
		if i := sg.segmentOf(r); i >= 0 {
			sizes[i]++
		}
	}
	return sizes, nil
}

// savedSegmentation is the segmentation saved under key; problem.ErrNotFound
// when there is none.
func (s *Store) savedSegmentation(ctx context.Context, d *surveys.Design, key string) (*Segmentation, error) {
	sg, err := s.segmentation(ctx, d.Study.ID, key)
	if err == nil && sg == nil {
		err = problem.ErrNotFound
	}
	return sg, err
}

// Canvas is the needs-based segment canvas of one saved segment: the
// segment scored, and what canvas.go works out and the researcher wrote.
type Canvas struct {
	Key     string        // the saved segmentation
	Group   Group         // the segment, scored like any group of results
	AllN    int           // respondents counted in all
	Segment CanvasSegment // its canvas
}

// CanvasProfile is one segment question seen from the segment: Cramér's V
// of the whole segmentation against it, and each answer's lift.
type CanvasProfile struct {
	Key      string         `json:"key"`
	Text     string         `json:"text"`
	CramersV float64        `json:"cramers_v"`
	Lifts    []cluster.Lift `json:"lifts"`
}

// Canvas is the canvas of segment (a group key such as "s2") of the saved
// segmentation key; an unknown segmentation or segment is problem.ErrNotFound.
func (s *Store) Canvas(ctx context.Context, d *surveys.Design, key, segment string) (*Canvas, error) {
	sg, err := s.savedSegmentation(ctx, d, key)
	if err != nil {
		return nil, err
	}
	at := slices.Index(sg.splitter().keys, segment)
	if at < 0 {
		return nil, problem.ErrNotFound
	}
	opps, err := s.Opportunities(ctx, d, OpportunityQuery{SegmentBy: key})
	if err != nil {
		return nil, err
	}
	segs, err := s.canvases(ctx, d, sg, opps)
	if err != nil {
		return nil, err
	}
	return &Canvas{Key: key, Group: opps.Groups[at+1], AllN: opps.Groups[0].N, Segment: segs[at]}, nil
}
