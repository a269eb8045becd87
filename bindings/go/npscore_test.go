package npscore

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.12g, want %.12g (tol %g)", what, got, want, tol)
	}
}

func TestVersion(t *testing.T) {
	if VersionNumber() != HeaderVersionNumber {
		t.Fatalf("library %d (%s), header %d", VersionNumber(), Version(), HeaderVersionNumber)
	}
	if !strings.HasPrefix(StatusRange.String(), "NPSCORE_ERANGE") {
		t.Errorf("StatusRange.String() = %q", StatusRange.String())
	}
}

// NPS by hand: {9, 10, 7, 3, 9, 6, 10, 8} has 2 detractors, 2 passives and
// 4 promoters, so NPS = 100 (4 - 2) / 8 = 25, V = (p + d) - (p - d)^2 =
// 0.75 - 0.0625 = 0.6875 and the Wald SE 100 sqrt(V / 8).
func TestSummarizeByHand(t *testing.T) {
	opts := DefaultNPSOptions()
	opts.Method = IntervalWald
	s, err := Summarize([]int{9, 10, 7, 3, 9, 6, 10, 8}, nil, &opts)
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 8 || s.Detractors != 2 || s.Passives != 2 || s.Promoters != 4 {
		t.Errorf("counts %+v", s)
	}
	se := 100 * math.Sqrt(0.6875/8)
	near(t, "nps", s.NPS, 25, 1e-12)
	near(t, "se", s.SE, se, 1e-12)
	const z = 1.959963984540054 // the 97.5% normal quantile
	near(t, "ci_low", s.CILow, 25-z*se, 1e-9)
	near(t, "ci_high", s.CIHigh, 25+z*se, 1e-9)

	// The R package NPS's unit tests: counts (1, 2, 3) give NPS 1/3 and SE
	// 0.3042903097 on the -1..1 scale.
	c, err := SummarizeCounts(Counts{Detractors: 1, Passives: 2, Promoters: 3}, &opts)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "nps(1,2,3)", c.NPS, 100.0/3, 1e-12)
	near(t, "se(1,2,3)", c.SE, 30.42903097, 1e-8)

	seg, err := Segment([]float32{0, 6, 7, 8, 9, 10}, nil)
	if err != nil || fmt.Sprint(seg) != "[-1 -1 0 0 1 1]" {
		t.Errorf("Segment = %v, %v", seg, err)
	}
}

// A health table by hand: period 0 of one slice holds 10, 10, 10, 0, so
// n = 4, NPS = 100 (3 - 1) / 4 = 50 and the promoter share 3/4 with its
// Wilson interval; period 1 is empty (n = 0, NaN NPS); a row with period -1
// is left out.
func TestHealthTableByHand(t *testing.T) {
	scores := []uint8{10, 10, 10, 0, 5}
	periods := []int32{0, 0, 0, 0, -1}
	tab, err := NewHealthTable(scores, periods, 2, nil, 0, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	if tab.Len() != 2 {
		t.Fatalf("%d rows, want 2", tab.Len())
	}
	r, err := tab.Row(0)
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 4 || r.Promoters != 3 || r.Detractors != 1 || r.Passives != 0 {
		t.Errorf("row 0 counts %+v", r)
	}
	near(t, "nps", r.NPS, 50, 1e-12)
	near(t, "share_promoters", r.SharePromoters, 0.75, 1e-15)
	const z = 1.959963984540054
	n, p := 4.0, 0.75
	center := (p + z*z/(2*n)) / (1 + z*z/n)
	half := z / (1 + z*z/n) * math.Sqrt(p*(1-p)/n+z*z/(4*n*n))
	near(t, "wilson low", r.SharePromotersLow, center-half, 1e-12)
	near(t, "wilson high", r.SharePromotersHigh, center+half, 1e-12)
	if r.Flags&FlagLowN == 0 {
		t.Errorf("4 responses should be flagged low_n, flags %#x", r.Flags)
	}
	hist, err := tab.Histogram(0)
	if err != nil || len(hist) != 11 || hist[10] != 3 || hist[0] != 1 {
		t.Errorf("histogram %v, %v", hist, err)
	}
	empty, err := tab.Row(1)
	if err != nil || empty.N != 0 || !math.IsNaN(empty.NPS) {
		t.Errorf("empty period %+v, %v", empty, err)
	}
	if _, err := tab.Row(2); !errors.Is(err, ErrInvalid) {
		t.Errorf("row 2 of 2: %v, want an EINVAL", err)
	}
}

// Churn by hand: with one 0/1 feature and no penalty, the logistic MLE fits
// each group's rate exactly: group 0 churns 1 of 4, group 1 3 of 5, so the
// intercept is logit(1/4) = ln(1/3) and the coefficient logit(3/5) -
// logit(1/4) = ln(3/2) - ln(1/3) = ln(4.5).
func TestChurnByHand(t *testing.T) {
	x := []float64{0, 0, 0, 0, 1, 1, 1, 1, 1}
	y := []float64{1, 0, 0, 0, 1, 1, 1, 0, 0}
	opts := DefaultChurnFitOptions()
	opts.C = math.Inf(1)
	m, err := FitChurnModel(Matrix{Data: x, Rows: 9, Cols: 1}, y, nil, []string{"detractor"}, &opts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	coef, intercept, err := m.Coef()
	if err != nil {
		t.Fatal(err)
	}
	near(t, "intercept", intercept, math.Log(1.0/3), 1e-7)
	near(t, "coef", coef[0], math.Log(4.5), 1e-7)
	p, err := m.Predict(Matrix{Data: []float64{0, 1}, Rows: 2, Cols: 1})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "p(group 0)", p[0], 0.25, 1e-8)
	near(t, "p(group 1)", p[1], 0.6, 1e-8)
	if info, err := m.Info(); err != nil || !info.Converged || info.IsPrior {
		t.Errorf("info %+v, %v", info, err)
	}

	// The prior at 180 days: a constant hazard turns 40% in 90 days into
	// 1 - 0.6^2 = 64%, the 5% baseline into 1 - 0.95^2; promoters' 9% is
	// already a 180-day rate.
	prior, err := NewChurnPrior(180, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer prior.Close()
	pp, err := prior.Predict(Matrix{Data: []float64{1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0}, Rows: 3, Cols: 4})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "prior detractor", pp[0], 0.64, 1e-12)
	near(t, "prior promoter", pp[1], 0.09, 1e-12)
	near(t, "prior baseline", pp[2], 1-0.95*0.95, 1e-12)
	def := DefaultChurnPriorOptions()
	if def.DetractorRate != 0.40 || def.DetractorDays != 90 {
		t.Errorf("default prior %+v", def)
	}
}

// The contact queue by hand, without times: priority = risk x CLV, so rows
// 1 (200), 0 (50), 2 (45), 3 (30) in that order; owners with capacities
// (2, 1) take entries in queue order, the one with the most left first
// (first listed on ties): 0, 0, 1, then none.
func TestQueueByHand(t *testing.T) {
	q, err := NewPriorityQueue(QueueInput{
		ChurnRisk:  []float64{0.5, 0.2, 0.9, 0.1},
		CLV:        []float64{100, 1000, 50, 300},
		Segment:    []int8{-1, -1, -1, -1},
		Capacities: []int64{2, 1},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	cases, err := q.Cases()
	if err != nil {
		t.Fatal(err)
	}
	wantRows := []int64{1, 0, 2, 3}
	wantPriority := []float64{200, 50, 45, 30}
	wantOwner := []int32{0, 0, 1, -1}
	if len(cases) != 4 {
		t.Fatalf("%d cases", len(cases))
	}
	for k, c := range cases {
		if c.Row != wantRows[k] || c.Owner != wantOwner[k] || c.Segment != -1 {
			t.Errorf("case %d: %+v", k, c)
		}
		near(t, "priority", c.Priority, wantPriority[k], 1e-9)
		near(t, "revenue_at_risk", c.RevenueAtRisk, wantPriority[k], 1e-9)
	}
	tot, err := q.Totals()
	if err != nil || tot.NRows != 4 {
		t.Errorf("totals %+v, %v", tot, err)
	}
	near(t, "total revenue at risk", tot.RevenueAtRisk, 325, 1e-9)
	// The default curve at its anchors (docs/sources.md section 5).
	r, err := Recoverability([]float64{1, 24, 72}, nil)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "r(1)", r[0], 0.65, 1e-15)
	near(t, "r(24)", r[1], 0.40, 1e-15)
	near(t, "r(72)", r[2], 0.10, 1e-15)
	if name, err := PlayName(-1); err != nil || name != "recover" {
		t.Errorf("PlayName(-1) = %q, %v", name, err)
	}
}

// Bad input returns an *Error naming the row and value; nothing panics.
func TestErrors(t *testing.T) {
	_, err := Summarize([]int{9, 10, 11}, nil, nil)
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusInvalid || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(e.Message, "row 2") || !strings.Contains(e.Message, "11") {
		t.Errorf("message %q does not name row 2 and value 11", e.Message)
	}
	if _, err := Summarize([]float64{9, math.NaN()}, nil, nil); err == nil ||
		!strings.Contains(err.Error(), "row 1") {
		t.Errorf("NaN score: %v", err)
	}
	opts := DefaultNPSOptions()
	opts.Missing = MissingSkip
	if s, err := Summarize([]float64{9, math.NaN()}, nil, &opts); err != nil || s.Skipped != 1 {
		t.Errorf("skipped NaN: %+v, %v", s, err)
	}
	if _, err := Summarize([]int{}, nil, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("no scores: %v", err)
	}
	if _, err := Summarize([]int{9}, []float64{1, 2}, nil); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "weights") {
		t.Errorf("weights of another length: %v", err)
	}
	opts = DefaultNPSOptions()
	opts.Confidence = 1.5
	if _, err := Summarize([]int{9}, nil, &opts); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "confidence") {
		t.Errorf("confidence 1.5: %v", err)
	}
	if _, err := NewPeriodGrid(0, 1, Month, "Not/AZone"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad zone: %v", err)
	}
	if _, err := NewPeriodGrid(0, 1, Month, "UTC\x00Europe/Berlin"); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "NUL") {
		t.Errorf("zone with a NUL byte: %v", err)
	}
	if _, err := NewHealthTable([]int{9}, []int32{3}, 2, nil, 0, nil, nil); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "row 0") {
		t.Errorf("period out of range: %v", err)
	}
	if _, err := FitChurnModel(Matrix{Data: []float64{0, 1, math.NaN()}, Rows: 3, Cols: 1},
		[]float64{0, 1, 0}, nil, nil, nil); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("NaN in X: %v", err)
	}
	if _, err := FitChurnModel(Matrix{Data: []float64{0, 1}, Rows: 3, Cols: 1},
		[]float64{0, 1, 0}, nil, nil, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("short X: %v", err)
	}
	if _, err := NewPriorityQueue(QueueInput{ChurnRisk: []float64{0.5, 1.5}, CLV: []float64{1, 1}}, nil); !errors.Is(err, ErrInvalid) ||
		!strings.Contains(err.Error(), "row 1") || !strings.Contains(err.Error(), "1.5") {
		t.Errorf("risk 1.5: %v", err)
	}
	if _, err := LoadChurnModel(t.TempDir() + "/missing.model"); !errors.Is(err, ErrIO) {
		t.Errorf("missing model file: %v", err)
	}
	if _, err := PlayName(7); !errors.Is(err, ErrInvalid) {
		t.Errorf("PlayName(7): %v", err)
	}

	// Closed handles: an error, never a crash; Close twice is fine.
	tab, err := NewHealthTable([]int{9}, []int32{0}, 1, nil, 0, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tab.Close()
	tab.Close()
	if _, err := tab.Row(0); !errors.Is(err, ErrNull) || tab.Len() != 0 {
		t.Errorf("closed table: %v", err)
	}
}

// The test that failed in 0.2.0: 64 goroutines x 200 failing calls, each
// with its own bad value at its own row, yielding between calls so the
// runtime moves them between threads. Every message must name its own call's
// row and value.
func TestConcurrentErrors(t *testing.T) {
	const goroutines, calls, n = 64, 200, 17
	var wrong sync.Map
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			scores := make([]int32, n)
			for i := range scores {
				scores[i] = int32(i % 11)
			}
			for i := 0; i < calls; i++ {
				row := (g + i) % n
				bad := int32(11 + g*calls + i) // 12,800 distinct values, all above 10
				scores[row] = bad
				_, err := Summarize(scores, nil, nil)
				scores[row] = int32(row % 11)
				want := fmt.Sprintf("row %d is %d", row, bad)
				if err == nil || !strings.Contains(err.Error(), want) {
					wrong.Store(fmt.Sprintf("%d/%d", g, i), fmt.Sprintf("want %q, got %v", want, err))
				}
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	count := 0
	wrong.Range(func(k, v any) bool {
		if count < 5 {
			t.Errorf("call %v: %v", k, v)
		}
		count++
		return true
	})
	if count > 0 {
		t.Fatalf("%d of %d messages wrong", count, goroutines*calls)
	}
}

// Successful calls from many goroutines share one read-only table and one
// model and get what a single goroutine gets.
func TestConcurrentReads(t *testing.T) {
	const n = 5000
	scores := make([]float64, n)
	periods := make([]int32, n)
	x := make([]float64, 2*n)
	y := make([]float64, n)
	for i := range scores {
		scores[i] = float64((i * 7) % 11)
		periods[i] = int32(i % 12)
		x[2*i], x[2*i+1] = float64(i%3), float64((i*13)%17)/17
		y[i] = float64((i / 3) % 2)
	}
	tab, err := NewHealthTable(scores, periods, 12, nil, 0, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	want, err := tab.Rows()
	if err != nil {
		t.Fatal(err)
	}
	xm := Matrix{Data: x, Rows: n, Cols: 2}
	model, err := FitChurnModel(xm, y, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer model.Close()
	wantP, err := model.Predict(xm)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 32)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 20; rep++ {
				rows, err := tab.Rows()
				if err != nil || len(rows) != len(want) {
					errs <- fmt.Sprint("rows: ", err)
					return
				}
				for i := range rows {
					if !sameRecord(rows[i], want[i]) {
						errs <- fmt.Sprintf("row %d differs", i)
						return
					}
				}
				p, err := model.Predict(xm)
				if err != nil {
					errs <- fmt.Sprint("predict: ", err)
					return
				}
				for i := range p {
					if p[i] != wantP[i] {
						errs <- fmt.Sprintf("p[%d] differs", i)
						return
					}
				}
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// sameRecord compares two result structs field by field, NaN equal to NaN.
func sameRecord(a, b any) bool {
	fa, fb := flatten(a), flatten(b)
	for i := range fa {
		x, xf := fa[i].(float64)
		y, yf := fb[i].(float64)
		if xf && yf {
			if !sameFloat(x, y) {
				return false
			}
		} else if fa[i] != fb[i] {
			return false
		}
	}
	return len(fa) == len(fb)
}

// Handles dropped without Close are freed by their cleanups, and closed ones
// are not freed twice (a double free would abort the test binary).
func TestCleanups(t *testing.T) {
	for i := 0; i < 200; i++ {
		tab, err := NewHealthTable([]int{9, 3}, []int32{0, 0}, 1, nil, 0, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			tab.Close()
		}
		q, err := NewPriorityQueue(QueueInput{ChurnRisk: []float64{0.5}, CLV: []float64{10}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			q.Close()
		}
	}
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}

	// The mechanism, observed: an owner dropped without close is freed once
	// by its cleanup; a closed one once by close, never again.
	type owner struct{ h handle[*int] }
	var freed [2]atomic.Int32
	dropped, closed := &owner{}, &owner{}
	dropped.h.own(new(int), func(*int) { freed[0].Add(1) })
	closed.h.own(new(int), func(*int) { freed[1].Add(1) })
	closed.h.close()
	closed.h.close()
	dropped, closed = nil, nil
	for i := 0; i < 100 && freed[0].Load() == 0; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if freed[0].Load() != 1 || freed[1].Load() != 1 {
		t.Errorf("frees: dropped %d, closed %d; want 1 and 1", freed[0].Load(), freed[1].Load())
	}
}
