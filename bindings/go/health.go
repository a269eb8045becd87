package npscore

/*
#include <stdlib.h>
#include "npscore/c_api.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Frequency is a calendar period length.
type Frequency int32

// The period lengths (npscore_health_frequency).
const (
	Day     Frequency = C.NPSCORE_FREQ_DAY     // labelled "2025-03-14"
	Week    Frequency = C.NPSCORE_FREQ_WEEK    // ISO weeks, labelled "2025-W11"
	Month   Frequency = C.NPSCORE_FREQ_MONTH   // labelled "2025-03"
	Quarter Frequency = C.NPSCORE_FREQ_QUARTER // labelled "2025Q1"
)

// Adjustment is a multiple-comparison adjustment of p-values.
type Adjustment int32

// The adjustments (npscore_health_adjustment).
const (
	AdjustHolm Adjustment = C.NPSCORE_ADJUST_HOLM // family-wise error rate
	AdjustBH   Adjustment = C.NPSCORE_ADJUST_BH   // Benjamini-Hochberg: false discovery rate
	AdjustNone Adjustment = C.NPSCORE_ADJUST_NONE
)

// FlagMode says how the p-values behind the flags are adjusted.
type FlagMode int32

// The flag modes (npscore_health_flag_mode).
const (
	FlagModeAlert  FlagMode = C.NPSCORE_FLAG_MODE_ALERT  // Holm within each period: alerting
	FlagModeReview FlagMode = C.NPSCORE_FLAG_MODE_REVIEW // Benjamini-Hochberg over everything
)

// Health flags: bits of HealthRow.Flags.
const (
	FlagLowN                 uint32 = C.NPSCORE_FLAG_LOW_N
	FlagPassiveVulnerability uint32 = C.NPSCORE_FLAG_PASSIVE_VULNERABILITY
	FlagDetractorSurge       uint32 = C.NPSCORE_FLAG_DETRACTOR_SURGE
	FlagPromoterErosion      uint32 = C.NPSCORE_FLAG_PROMOTER_EROSION
	FlagNPSDrop              uint32 = C.NPSCORE_FLAG_NPS_DROP
	FlagLevelShift           uint32 = C.NPSCORE_FLAG_LEVEL_SHIFT
)

// PeriodGrid is a run of consecutive calendar periods in a time zone.
type PeriodGrid struct {
	h handle[*C.npscore_health_period_grid] // first: the cleanup is attached to it
}

// NewPeriodGrid makes the periods of freq in timeZone (an IANA name such as
// "Europe/Berlin", or "UTC") that cover [minTime, maxTime], in nanoseconds
// since the epoch (UTC).
func NewPeriodGrid(minTime, maxTime int64, freq Frequency, timeZone string) (*PeriodGrid, error) {
	tz, err := cString("NewPeriodGrid", "timeZone", timeZone)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(tz))
	var p *C.npscore_health_period_grid
	if err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_health_period_grid_new(&p, C.int64_t(minTime), C.int64_t(maxTime),
			C.int32_t(freq), tz, e)
	}); err != nil {
		return nil, err
	}
	g := &PeriodGrid{}
	g.h.own(p, func(p *C.npscore_health_period_grid) { C.npscore_health_period_grid_free(p) })
	return g, nil
}

// Close frees the grid; later calls do nothing.
func (g *PeriodGrid) Close() { g.h.close() }

// Len returns the number of periods (0 once closed).
func (g *PeriodGrid) Len() int {
	n := int(C.npscore_health_period_grid_size(g.h.p))
	runtime.KeepAlive(g)
	return n
}

// Period is one period of a grid: [Start, End) in UTC nanoseconds.
type Period struct {
	Start, End int64
	Label      string // "2025-03", "2025-W11", ...
}

// Period returns period i.
func (g *PeriodGrid) Period(i int) (Period, error) {
	if g.h.p == nil {
		return Period{}, closedError("PeriodGrid")
	}
	var start, end C.int64_t
	var label *C.char
	var out Period
	err := call(func(e *C.npscore_error) C.npscore_status {
		st := C.npscore_health_period_grid_get(&start, &end, &label, g.h.p, C.size_t(i), e)
		if st == C.NPSCORE_OK {
			out = Period{int64(start), int64(end), C.GoString(label)}
		}
		return st
	})
	runtime.KeepAlive(g)
	return out, err
}

// Assign returns the period index of each time (ns UTC): -1 outside the
// grid, and for MissingTime when skipMissing is true (otherwise a missing
// time is an error naming its row).
func (g *PeriodGrid) Assign(times []int64, skipMissing bool) ([]int32, error) {
	if g.h.p == nil {
		return nil, closedError("PeriodGrid")
	}
	out := make([]int32, len(times))
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_health_assign_periods(i32p(out), C.size_t(len(out)), i64p(times),
			C.size_t(len(times)), g.h.p, boolInt(skipMissing), e)
	})
	runtime.KeepAlive(g)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// HealthOptions are the p-value adjustment and flag thresholds of a health
// table. A nil *HealthOptions means DefaultHealthOptions().
type HealthOptions struct {
	Adjustment            Adjustment // (AdjustHolm)
	Alpha                 float64    // level of every flag test but the NPS drop's (0.05)
	MinN                  float64    // fewer responses: FlagLowN, no verdicts (30)
	PassiveShareHigh      float64    // (0.40)
	PassiveTrendPoints    float64    // (1.0)
	StableNPSPoints       float64    // (5.0)
	DetractorSurgePoints  float64    // (5.0)
	PromoterErosionPoints float64    // (5.0)
	TrendPeriods          int32      // (6)
	FlagMode              FlagMode   // (FlagModeAlert)
	Frequency             Frequency  // period length of the period codes (Month)
	BaselineMonths        float64    // (12)
	DropAlpha             float64    // (0.01)
	DropPoints            float64    // (5.0)
	CusumK                float64    // (0.5)
	CusumH                float64    // (4.0)
	Power                 float64    // (0.80)
}

// DefaultHealthOptions returns the library's defaults (the C++ core's).
func DefaultHealthOptions() HealthOptions {
	var c C.npscore_health_options
	mustInit(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_health_options_init(&c, C.NPSCORE_HEALTH_OPTIONS_VERSION, e)
	})
	return HealthOptions{
		Adjustment: Adjustment(c.adjustment), Alpha: float64(c.alpha), MinN: float64(c.min_n),
		PassiveShareHigh: float64(c.passive_share_high), PassiveTrendPoints: float64(c.passive_trend_points),
		StableNPSPoints: float64(c.stable_nps_points), DetractorSurgePoints: float64(c.detractor_surge_points),
		PromoterErosionPoints: float64(c.promoter_erosion_points), TrendPeriods: int32(c.trend_periods),
		FlagMode: FlagMode(c.flag_mode), Frequency: Frequency(c.frequency),
		BaselineMonths: float64(c.baseline_months), DropAlpha: float64(c.drop_alpha),
		DropPoints: float64(c.drop_points), CusumK: float64(c.cusum_k), CusumH: float64(c.cusum_h),
		Power: float64(c.power),
	}
}

func (o *HealthOptions) cOptions() *C.npscore_health_options {
	if o == nil {
		return nil
	}
	return &C.npscore_health_options{
		version: C.NPSCORE_HEALTH_OPTIONS_VERSION, adjustment: C.int32_t(o.Adjustment),
		alpha: C.double(o.Alpha), min_n: C.double(o.MinN),
		passive_share_high: C.double(o.PassiveShareHigh), passive_trend_points: C.double(o.PassiveTrendPoints),
		stable_nps_points: C.double(o.StableNPSPoints), detractor_surge_points: C.double(o.DetractorSurgePoints),
		promoter_erosion_points: C.double(o.PromoterErosionPoints), trend_periods: C.int32_t(o.TrendPeriods),
		flag_mode: C.int32_t(o.FlagMode), frequency: C.int32_t(o.Frequency),
		baseline_months: C.double(o.BaselineMonths), drop_alpha: C.double(o.DropAlpha),
		drop_points: C.double(o.DropPoints), cusum_k: C.double(o.CusumK), cusum_h: C.double(o.CusumH),
		power: C.double(o.Power),
	}
}

// HealthRow is one (slice, period) row of a health table. An empty period
// has N = 0 and NaN statistics. Shares are 0..1, changes and trends points.
type HealthRow struct {
	Slice, Period                       int64
	N, Detractors, Passives, Promoters  int64
	Skipped                             int64
	ShareDetractors, ShareDetractorsLow float64
	ShareDetractorsHigh                 float64
	SharePassives, SharePassivesLow     float64
	SharePassivesHigh                   float64
	SharePromoters, SharePromotersLow   float64
	SharePromotersHigh                  float64
	NPS, SE, CILow, CIHigh              float64
	NPSChange, ChangeSE, ChangeP        float64
	ChangePAdjusted                     float64
	DetractorChange                     float64
	DetractorChangePAdjusted            float64
	PromoterChange                      float64
	PromoterChangePAdjusted             float64
	PassiveTrend, PassiveTrendPAdjusted float64
	NPSTrend                            float64
	Flags                               uint32 // Flag* bits
}

func healthRowFromC(r *C.npscore_health_row) HealthRow {
	return HealthRow{
		Slice: int64(r.slice), Period: int64(r.period), N: int64(r.n),
		Detractors: int64(r.detractors), Passives: int64(r.passives), Promoters: int64(r.promoters),
		Skipped:         int64(r.skipped),
		ShareDetractors: float64(r.share_detractors), ShareDetractorsLow: float64(r.share_detractors_low),
		ShareDetractorsHigh: float64(r.share_detractors_high),
		SharePassives:       float64(r.share_passives), SharePassivesLow: float64(r.share_passives_low),
		SharePassivesHigh: float64(r.share_passives_high),
		SharePromoters:    float64(r.share_promoters), SharePromotersLow: float64(r.share_promoters_low),
		SharePromotersHigh: float64(r.share_promoters_high),
		NPS:                float64(r.nps), SE: float64(r.se), CILow: float64(r.ci_low), CIHigh: float64(r.ci_high),
		NPSChange: float64(r.nps_change), ChangeSE: float64(r.change_se), ChangeP: float64(r.change_p),
		ChangePAdjusted:          float64(r.change_p_adjusted),
		DetractorChange:          float64(r.detractor_change),
		DetractorChangePAdjusted: float64(r.detractor_change_p_adjusted),
		PromoterChange:           float64(r.promoter_change),
		PromoterChangePAdjusted:  float64(r.promoter_change_p_adjusted),
		PassiveTrend:             float64(r.passive_trend), PassiveTrendPAdjusted: float64(r.passive_trend_p_adjusted),
		NPSTrend: float64(r.nps_trend), Flags: uint32(r.flags),
	}
}

// HealthTable holds per (slice, period) statistics, slice-major.
type HealthTable struct {
	h handle[*C.npscore_health_table] // first: the cleanup is attached to it
}

// NewHealthTable counts (score, period, slice) rows and derives the table:
// one row per (slice, period), row = slice * nPeriods + period. periods[i] is
// in [0, nPeriods) or -1 (left out); slices may be nil (one slice; nSlices is
// then ignored), else has one code in [0, nSlices) or -1 per score. npsOpts
// gives the cut-offs, missing scores and interval; opts the flags.
func NewHealthTable[T Score](scores []T, periods []int32, nPeriods int, slices []int64,
	nSlices int, npsOpts *NPSOptions, opts *HealthOptions) (*HealthTable, error) {
	if err := sameLength("NewHealthTable", "periods", len(periods), len(scores)); err != nil {
		return nil, err
	}
	if slices != nil {
		if err := sameLength("NewHealthTable", "slices", len(slices), len(scores)); err != nil {
			return nil, err
		}
	}
	if nPeriods < 0 || nSlices < 0 {
		return nil, invalid("NewHealthTable: nPeriods %d and nSlices %d must be >= 0", nPeriods, nSlices)
	}
	var p *C.npscore_health_table
	if err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_health_table_new(&p, ptr(scores), dtypeOf[T](), C.size_t(len(scores)),
			i32p(periods), C.size_t(nPeriods), i64p(slices), C.size_t(nSlices),
			npsOpts.cOptions(), opts.cOptions(), e)
	}); err != nil {
		return nil, err
	}
	t := &HealthTable{}
	t.h.own(p, func(p *C.npscore_health_table) { C.npscore_health_table_free(p) })
	return t, nil
}

// Close frees the table; later calls do nothing.
func (t *HealthTable) Close() { t.h.close() }

// Len returns the number of rows (0 once closed).
func (t *HealthTable) Len() int {
	n := int(C.npscore_health_table_size(t.h.p))
	runtime.KeepAlive(t)
	return n
}

// Row returns row i.
func (t *HealthTable) Row(i int) (HealthRow, error) {
	if t.h.p == nil {
		return HealthRow{}, closedError("HealthTable")
	}
	var r C.npscore_health_row
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_health_table_get(&r, t.h.p, C.size_t(i), e)
	})
	runtime.KeepAlive(t)
	if err != nil {
		return HealthRow{}, err
	}
	return healthRowFromC(&r), nil
}

// Rows returns every row.
func (t *HealthTable) Rows() ([]HealthRow, error) {
	rows := make([]HealthRow, t.Len())
	for i := range rows {
		r, err := t.Row(i)
		if err != nil {
			return nil, err
		}
		rows[i] = r
	}
	return rows, nil
}

// Reasons returns the numbers that raised row i's flags, "; "-separated
// ("" without flags).
func (t *HealthTable) Reasons(i int) (string, error) {
	if t.h.p == nil {
		return "", closedError("HealthTable")
	}
	var s *C.char
	var out string
	err := call(func(e *C.npscore_error) C.npscore_status {
		st := C.npscore_health_table_reasons(&s, t.h.p, C.size_t(i), e)
		if st == C.NPSCORE_OK {
			out = C.GoString(s)
		}
		return st
	})
	runtime.KeepAlive(t)
	return out, err
}

// Histogram returns the score histogram of row i: counts of the scores
// 0..scale_max.
func (t *HealthTable) Histogram(i int) ([]int64, error) {
	if t.h.p == nil {
		return nil, closedError("HealthTable")
	}
	var h *C.int64_t
	var bins C.size_t
	var out []int64
	err := call(func(e *C.npscore_error) C.npscore_status {
		st := C.npscore_health_table_histogram(&h, &bins, t.h.p, C.size_t(i), e)
		if st == C.NPSCORE_OK {
			out = append([]int64(nil), unsafe.Slice((*int64)(unsafe.Pointer(h)), int(bins))...)
		}
		return st
	})
	runtime.KeepAlive(t)
	return out, err
}
