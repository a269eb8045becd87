package npscore

/*
#include "npscore/c_api.h"
*/
import "C"

// IntervalMethod is the confidence-interval method of an NPS.
type IntervalMethod int32

// The interval methods (npscore_nps_interval_method).
const (
	IntervalWald         IntervalMethod = C.NPSCORE_INTERVAL_WALD          // NPS ± z·se
	IntervalAdjustedWald IntervalMethod = C.NPSCORE_INTERVAL_ADJUSTED_WALD // Rocks (2016), the default
	IntervalScore        IntervalMethod = C.NPSCORE_INTERVAL_SCORE         // Tango (1998)
)

// Missing says what a missing (NaN) score does.
type Missing int32

// The missing-score rules (npscore_nps_missing).
const (
	MissingError Missing = C.NPSCORE_MISSING_ERROR // the first NaN is an error naming its row
	MissingSkip  Missing = C.NPSCORE_MISSING_SKIP  // NaNs are left out and counted in Skipped
)

// NPSOptions are the segment cut-offs, scale, missing-score rule and
// interval of the NPS functions, and of the other functions that read
// scores. A nil *NPSOptions means DefaultNPSOptions().
type NPSOptions struct {
	DetractorMax int32          // scores 0..DetractorMax are detractors (6)
	PassiveMax   int32          // ..PassiveMax are passives (8), the rest promoters
	ScaleMax     int32          // highest valid score (10)
	Missing      Missing        // (MissingError)
	Method       IntervalMethod // (IntervalAdjustedWald)
	Confidence   float64        // two-sided level in (0, 1) (0.95)
	MinN         float64        // groups with a smaller (effective) n are small (30)
}

// DefaultNPSOptions returns the library's defaults: the 0-10 question with
// adjusted-Wald 95% intervals.
func DefaultNPSOptions() NPSOptions {
	var c C.npscore_nps_options
	mustInit(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_nps_options_init(&c, C.NPSCORE_NPS_OPTIONS_VERSION, e)
	})
	return NPSOptions{
		DetractorMax: int32(c.detractor_max),
		PassiveMax:   int32(c.passive_max),
		ScaleMax:     int32(c.scale_max),
		Missing:      Missing(c.missing),
		Method:       IntervalMethod(c.method),
		Confidence:   float64(c.confidence),
		MinN:         float64(c.min_n),
	}
}

// cOptions returns the C options (nil for nil: the library's defaults).
func (o *NPSOptions) cOptions() *C.npscore_nps_options {
	if o == nil {
		return nil
	}
	return &C.npscore_nps_options{
		version:       C.NPSCORE_NPS_OPTIONS_VERSION,
		detractor_max: C.int32_t(o.DetractorMax),
		passive_max:   C.int32_t(o.PassiveMax),
		scale_max:     C.int32_t(o.ScaleMax),
		missing:       C.int32_t(o.Missing),
		method:        C.int32_t(o.Method),
		confidence:    C.double(o.Confidence),
		min_n:         C.double(o.MinN),
	}
}

// Counts are respondent counts per segment: the mergeable aggregate.
type Counts struct {
	Detractors, Passives, Promoters int64
	Skipped                         int64 // missing scores left out (MissingSkip)
}

// Summary is an NPS with its uncertainty, on the -100..100 scale. Counts are
// weighted sums when weights were given; NEffective is then Kish's
// effective n, otherwise n.
type Summary struct {
	N, Detractors, Passives, Promoters float64
	NEffective                         float64
	Skipped                            int64
	NPS                                float64 // 100 * (promoters - detractors) / n
	SE                                 float64
	CILow, CIHigh                      float64 // interval by Method
	Method                             IntervalMethod
	Confidence                         float64
}

func summaryFromC(s *C.npscore_nps_summary) Summary {
	return Summary{
		N: float64(s.n), Detractors: float64(s.detractors), Passives: float64(s.passives),
		Promoters: float64(s.promoters), NEffective: float64(s.n_effective),
		Skipped: int64(s.skipped), NPS: float64(s.nps), SE: float64(s.se),
		CILow: float64(s.ci_low), CIHigh: float64(s.ci_high),
		Method: IntervalMethod(s.method), Confidence: float64(s.confidence),
	}
}

func (s *Summary) cSummary() C.npscore_nps_summary {
	return C.npscore_nps_summary{
		n: C.double(s.N), detractors: C.double(s.Detractors), passives: C.double(s.Passives),
		promoters: C.double(s.Promoters), n_effective: C.double(s.NEffective),
		skipped: C.int64_t(s.Skipped), nps: C.double(s.NPS), se: C.double(s.SE),
		ci_low: C.double(s.CILow), ci_high: C.double(s.CIHigh),
		method: C.int32_t(s.Method), confidence: C.double(s.Confidence),
	}
}

// Comparison is the difference a - b of two independent NPS, with its test.
type Comparison struct {
	Diff, SE, Z, PValue float64
	CILow, CIHigh       float64 // excludes 0 exactly when PValue < 1 - Confidence
	Method              IntervalMethod
	Confidence          float64
}

// Segment returns the segment code of each score: -1 detractor, 0 passive,
// +1 promoter. A missing score is an error.
func Segment[T Score](scores []T, opts *NPSOptions) ([]int8, error) {
	out := make([]int8, len(scores))
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_nps_segment(i8p(out), C.size_t(len(out)), ptr(scores), dtypeOf[T](),
			C.size_t(len(scores)), opts.cOptions(), e)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Count counts the segments of scores in one pass, validating every score.
func Count[T Score](scores []T, opts *NPSOptions) (Counts, error) {
	var c C.npscore_nps_counts
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_nps_count(&c, ptr(scores), dtypeOf[T](), C.size_t(len(scores)),
			opts.cOptions(), e)
	})
	return Counts{int64(c.detractors), int64(c.passives), int64(c.promoters), int64(c.skipped)}, err
}

// Summarize returns the NPS of scores with its standard error and interval.
// weights (e.g. revenue, finite and >= 0) may be nil; otherwise it has one
// value per score and the SE uses Kish's effective n.
func Summarize[T Score](scores []T, weights []float64, opts *NPSOptions) (Summary, error) {
	if weights != nil {
		if err := sameLength("Summarize", "weights", len(weights), len(scores)); err != nil {
			return Summary{}, err
		}
	}
	var s C.npscore_nps_summary
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_nps_summarize(&s, ptr(scores), dtypeOf[T](), C.size_t(len(scores)),
			f64p(weights), opts.cOptions(), e)
	})
	if err != nil {
		return Summary{}, err
	}
	return summaryFromC(&s), nil
}

// SummarizeCounts returns the summary of counts (e.g. merged partitions).
func SummarizeCounts(counts Counts, opts *NPSOptions) (Summary, error) {
	c := C.npscore_nps_counts{C.int64_t(counts.Detractors), C.int64_t(counts.Passives),
		C.int64_t(counts.Promoters), C.int64_t(counts.Skipped)}
	var s C.npscore_nps_summary
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_nps_summarize_counts(&s, &c, opts.cOptions(), e)
	})
	if err != nil {
		return Summary{}, err
	}
	return summaryFromC(&s), nil
}

// Compare tests two independent summaries: Diff = NPS(a) - NPS(b), a
// two-sided p-value and an interval for the difference, by opts.Method.
func Compare(a, b Summary, opts *NPSOptions) (Comparison, error) {
	ca, cb := a.cSummary(), b.cSummary()
	var c C.npscore_nps_comparison
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_nps_compare(&c, &ca, &cb, opts.cOptions(), e)
	})
	if err != nil {
		return Comparison{}, err
	}
	return Comparison{
		Diff: float64(c.diff), SE: float64(c.se), Z: float64(c.z), PValue: float64(c.p_value),
		CILow: float64(c.ci_low), CIHigh: float64(c.ci_high),
		Method: IntervalMethod(c.method), Confidence: float64(c.confidence),
	}, nil
}
