package npscore

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The golden vectors of tests/capi/golden_vectors.c: fixed inputs and the C
// library's results on them. The tests below compute the same results
// through this package and compare every number exactly (both run the same
// core). NPSCORE_GOLDEN names the file (scripts/test-bindings.sh writes it);
// without it these tests are skipped.

type golden struct {
	nums  map[string][]string
	texts map[string]string
}

func loadGolden(t *testing.T) *golden {
	t.Helper()
	path := os.Getenv("NPSCORE_GOLDEN")
	if path == "" {
		t.Skip("NPSCORE_GOLDEN is not set (scripts/test-bindings.sh sets it)")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := &golden{nums: map[string][]string{}, texts: map[string]string{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" || line[0] == '#':
		case line[0] == '$':
			name, text, _ := strings.Cut(line[1:], " ")
			g.texts[name] = text
		default:
			fields := strings.Fields(line)
			g.nums[fields[0]] = fields[1:]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

func (g *golden) tokens(t *testing.T, name string) []string {
	t.Helper()
	v, ok := g.nums[name]
	if !ok {
		t.Fatalf("golden vectors lack %s", name)
	}
	return v
}

func (g *golden) f64s(t *testing.T, name string) []float64 {
	t.Helper()
	tok := g.tokens(t, name)
	out := make([]float64, len(tok))
	for i, s := range tok {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%s[%d]: %v", name, i, err)
		}
		out[i] = v
	}
	return out
}

func (g *golden) i64s(t *testing.T, name string) []int64 {
	t.Helper()
	tok := g.tokens(t, name)
	out := make([]int64, len(tok))
	for i, s := range tok {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s[%d]: %v", name, i, err)
		}
		out[i] = v
	}
	return out
}

func (g *golden) text(t *testing.T, name string) string {
	t.Helper()
	v, ok := g.texts[name]
	if !ok {
		t.Fatalf("golden vectors lack $%s", name)
	}
	return v
}

// flatten lists the fields of a result struct in declaration order (arrays
// element by element, bools as 0/1): the order golden_vectors.c writes them.
func flatten(v any) []any {
	var out []any
	var walk func(r reflect.Value)
	walk = func(r reflect.Value) {
		switch r.Kind() {
		case reflect.Struct:
			for i := 0; i < r.NumField(); i++ {
				walk(r.Field(i))
			}
		case reflect.Array:
			for i := 0; i < r.Len(); i++ {
				walk(r.Index(i))
			}
		case reflect.Bool:
			out = append(out, map[bool]int64{false: 0, true: 1}[r.Bool()])
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
			out = append(out, r.Int())
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			out = append(out, int64(r.Uint()))
		case reflect.Float32, reflect.Float64:
			out = append(out, r.Float())
		default:
			panic("flatten: unexpected field kind " + r.Kind().String())
		}
	}
	walk(reflect.ValueOf(v))
	return out
}

// sameFloat is exact equality, NaN equal to NaN.
func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// expectRecord compares a result struct with the golden record, exactly.
func (g *golden) expectRecord(t *testing.T, name string, got any) {
	t.Helper()
	want := g.tokens(t, name)
	vals := flatten(got)
	if len(vals) != len(want) {
		t.Fatalf("%s: %d fields, golden has %d", name, len(vals), len(want))
	}
	for i, v := range vals {
		switch v := v.(type) {
		case int64:
			w, err := strconv.ParseInt(want[i], 10, 64)
			if err != nil || w != v {
				t.Errorf("%s field %d: got %d, C gives %s", name, i, v, want[i])
			}
		case float64:
			w, err := strconv.ParseFloat(want[i], 64)
			if err != nil || !sameFloat(v, w) {
				t.Errorf("%s field %d: got %.17g, C gives %s", name, i, v, want[i])
			}
		}
	}
}

func (g *golden) expectF64s(t *testing.T, name string, got []float64) {
	t.Helper()
	want := g.f64s(t, name)
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, golden has %d", name, len(got), len(want))
	}
	for i := range got {
		if !sameFloat(got[i], want[i]) {
			t.Errorf("%s[%d]: got %.17g, C gives %.17g", name, i, got[i], want[i])
		}
	}
}

func convert[T Score](x []int64) []T {
	out := make([]T, len(x))
	for i, v := range x {
		out[i] = T(v)
	}
	return out
}

// summarizeAs summarizes the scores converted to T: every dtype must give
// the C result.
func summarizeAs[T Score](t *testing.T, g *golden, scores []int64, weights []float64, name string) {
	t.Helper()
	s, err := Summarize(convert[T](scores), weights, nil)
	if err != nil {
		t.Fatalf("%T: %v", *new(T), err)
	}
	g.expectRecord(t, name, s)
}

type myScore uint16 // a named type: read as its underlying uint16

func TestGoldenNPS(t *testing.T) {
	g := loadGolden(t)
	scores := g.i64s(t, "in.nps.scores")
	weights := g.f64s(t, "in.nps.weights")

	for _, name := range []string{"out.nps.summary", "out.nps.summary_weighted"} {
		w := weights
		if name == "out.nps.summary" {
			w = nil
		}
		summarizeAs[int32](t, g, scores, w, name)
		summarizeAs[float64](t, g, scores, w, name)
		summarizeAs[float32](t, g, scores, w, name)
		summarizeAs[int8](t, g, scores, w, name)
		summarizeAs[int16](t, g, scores, w, name)
		summarizeAs[int64](t, g, scores, w, name)
		summarizeAs[int](t, g, scores, w, name)
		summarizeAs[uint8](t, g, scores, w, name)
		summarizeAs[uint32](t, g, scores, w, name)
		summarizeAs[uint64](t, g, scores, w, name)
		summarizeAs[uint](t, g, scores, w, name)
		summarizeAs[myScore](t, g, scores, w, name)
	}

	counts, err := Count(convert[int32](scores), nil)
	if err != nil {
		t.Fatal(err)
	}
	g.expectRecord(t, "out.nps.counts", counts)

	opts := DefaultNPSOptions()
	opts.Method, opts.Confidence = IntervalScore, 0.90
	s90, err := Summarize(scores, nil, &opts)
	if err != nil {
		t.Fatal(err)
	}
	g.expectRecord(t, "out.nps.summary_score90", s90)

	a, err := Summarize(scores[:500], nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Summarize(scores[500:], nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(a, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.expectRecord(t, "out.nps.compare", c)
}

func TestGoldenHealth(t *testing.T) {
	g := loadGolden(t)
	scores := convert[int32](g.i64s(t, "in.health.scores"))
	times := g.i64s(t, "in.health.times")
	slices := g.i64s(t, "in.health.slices")
	tMin, tMax := times[0], times[0]
	for _, x := range times {
		tMin, tMax = min(tMin, x), max(tMax, x)
	}
	grid, err := NewPeriodGrid(tMin, tMax, Month, "UTC")
	if err != nil {
		t.Fatal(err)
	}
	defer grid.Close()
	if want := g.i64s(t, "out.health.grid.size")[0]; int64(grid.Len()) != want {
		t.Fatalf("grid has %d periods, C gives %d", grid.Len(), want)
	}
	for i := 0; i < grid.Len(); i++ {
		p, err := grid.Period(i)
		if err != nil {
			t.Fatal(err)
		}
		g.expectRecord(t, fmt.Sprintf("out.health.grid.%d", i), [2]int64{p.Start, p.End})
		if want := g.text(t, fmt.Sprintf("out.health.grid.label.%d", i)); p.Label != want {
			t.Errorf("period %d label %q, C gives %q", i, p.Label, want)
		}
	}
	periods, err := grid.Assign(times, false)
	if err != nil {
		t.Fatal(err)
	}
	wantPeriods := g.i64s(t, "out.health.periods")
	for i := range periods {
		if int64(periods[i]) != wantPeriods[i] {
			t.Fatalf("period of row %d: %d, C gives %d", i, periods[i], wantPeriods[i])
		}
	}
	table, err := NewHealthTable(scores, periods, grid.Len(), slices, 2, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer table.Close()
	if want := g.i64s(t, "out.health.table.size")[0]; int64(table.Len()) != want {
		t.Fatalf("table has %d rows, C gives %d", table.Len(), want)
	}
	rows, err := table.Rows()
	if err != nil {
		t.Fatal(err)
	}
	flagged := 0
	for i, r := range rows {
		g.expectRecord(t, fmt.Sprintf("out.health.row.%d", i), r)
		reasons, err := table.Reasons(i)
		if err != nil {
			t.Fatal(err)
		}
		if want := g.text(t, fmt.Sprintf("out.health.reasons.%d", i)); reasons != want {
			t.Errorf("row %d reasons %q, C gives %q", i, reasons, want)
		}
		hist, err := table.Histogram(i)
		if err != nil {
			t.Fatal(err)
		}
		want := g.i64s(t, fmt.Sprintf("out.health.histogram.%d", i))
		if !reflect.DeepEqual(hist, want) {
			t.Errorf("row %d histogram %v, C gives %v", i, hist, want)
		}
		if r.Flags != 0 {
			flagged++
		}
	}
	if flagged == 0 {
		t.Error("the golden data should raise flags (slice 1 loses promoters)")
	}

	// Whole columns through the Arrow C Data Interface equal the row getters.
	for _, name := range []string{"nps", "share_passives_low", "change_p_adjusted", "nps_trend"} {
		col, err := table.Float64Column(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			want := map[string]float64{"nps": r.NPS, "share_passives_low": r.SharePassivesLow,
				"change_p_adjusted": r.ChangePAdjusted, "nps_trend": r.NPSTrend}[name]
			if len(col) != len(rows) || !sameFloat(col[i], want) {
				t.Fatalf("Arrow column %s row %d: %v, row getter %v", name, i, col[i], want)
			}
		}
	}
	for _, name := range []string{"slice", "period", "n", "promoters"} {
		col, err := table.Int64Column(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			want := map[string]int64{"slice": r.Slice, "period": r.Period, "n": r.N, "promoters": r.Promoters}[name]
			if len(col) != len(rows) || col[i] != want {
				t.Fatalf("Arrow column %s row %d: %d, row getter %d", name, i, col[i], want)
			}
		}
	}
	if _, err := table.Float64Column("flags"); !errors.Is(err, ErrInvalid) {
		t.Errorf("flags (uint32) read as float64: %v", err)
	}
	if _, err := table.Int64Column("no_such_column"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown column: %v", err)
	}
}

func TestGoldenChurn(t *testing.T) {
	g := loadGolden(t)
	x := g.f64s(t, "in.churn.x")
	y := g.f64s(t, "in.churn.y")
	names := []string{g.text(t, "in.churn.name.0"), g.text(t, "in.churn.name.1"),
		g.text(t, "in.churn.name.2")}
	m := Matrix{Data: x, Rows: len(y), Cols: 3, Layout: RowMajor}
	model, err := FitChurnModel(m, y, nil, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer model.Close()
	coef, intercept, err := model.Coef()
	if err != nil {
		t.Fatal(err)
	}
	g.expectF64s(t, "out.churn.coef", coef)
	g.expectF64s(t, "out.churn.intercept", []float64{intercept})
	info, err := model.Info()
	if err != nil {
		t.Fatal(err)
	}
	g.expectRecord(t, "out.churn.info", info)
	p, err := model.Predict(m)
	if err != nil {
		t.Fatal(err)
	}
	g.expectF64s(t, "out.churn.predict", p)
	gotNames, err := model.FeatureNames()
	if err != nil || !reflect.DeepEqual(gotNames, names) {
		t.Errorf("feature names %v (%v), want %v", gotNames, err, names)
	}

	// The same data column-major gives the same model.
	cm := Matrix{Data: make([]float64, len(x)), Rows: m.Rows, Cols: 3, Layout: ColMajor}
	for i := 0; i < m.Rows; i++ {
		for j := 0; j < 3; j++ {
			cm.Data[j*m.Rows+i] = x[i*3+j]
		}
	}
	pc, err := model.Predict(cm)
	if err != nil {
		t.Fatal(err)
	}
	g.expectF64s(t, "out.churn.predict", pc)

	// Saved and loaded, the model predicts the same.
	path := t.TempDir() + "/churn.model"
	if err := model.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadChurnModel(path)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	pl, err := loaded.Predict(m)
	if err != nil {
		t.Fatal(err)
	}
	g.expectF64s(t, "out.churn.predict", pl)

	prior, err := NewChurnPrior(180, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer prior.Close()
	px := g.f64s(t, "in.churn.prior_x")
	pp, err := prior.Predict(Matrix{Data: px, Rows: len(px) / 4, Cols: 4})
	if err != nil {
		t.Fatal(err)
	}
	g.expectF64s(t, "out.churn.prior180.predict", pp)
}

func TestGoldenPriority(t *testing.T) {
	g := loadGolden(t)
	segment := convert[int8](g.i64s(t, "in.priority.segment"))
	closedInts := g.i64s(t, "in.priority.closed")
	closed := make([]bool, len(closedInts))
	for i, c := range closedInts {
		closed[i] = c != 0
	}
	in := QueueInput{
		ChurnRisk:   g.f64s(t, "in.priority.churn_risk"),
		CLV:         g.f64s(t, "in.priority.clv"),
		Segment:     segment,
		RespondedAt: g.i64s(t, "in.priority.responded_at"),
		ContactedAt: g.i64s(t, "in.priority.contacted_at"),
		Closed:      closed,
		Now:         g.i64s(t, "in.priority.now")[0],
		Capacities:  g.i64s(t, "in.priority.capacities"),
	}
	r, err := Recoverability(g.f64s(t, "in.priority.hours"), nil)
	if err != nil {
		t.Fatal(err)
	}
	g.expectF64s(t, "out.priority.recoverability", r)

	q, err := NewPriorityQueue(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if want := g.i64s(t, "out.priority.size")[0]; int64(q.Len()) != want {
		t.Fatalf("queue has %d entries, C gives %d", q.Len(), want)
	}
	cases, err := q.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range cases {
		g.expectRecord(t, fmt.Sprintf("out.priority.case.%d", k), c)
	}
	totals, err := q.Totals()
	if err != nil {
		t.Fatal(err)
	}
	g.expectRecord(t, "out.priority.totals", totals)
	summary, err := q.Summary()
	if err != nil {
		t.Fatal(err)
	}
	g.expectRecord(t, "out.priority.summary", summary)
	missed, err := q.Missed()
	if err != nil {
		t.Fatal(err)
	}
	if want := g.i64s(t, "out.priority.missed.size")[0]; int64(len(missed)) != want {
		t.Fatalf("%d missed cases, C gives %d", len(missed), want)
	}
	for k, m := range missed {
		g.expectRecord(t, fmt.Sprintf("out.priority.missed.%d", k), m)
	}
}
