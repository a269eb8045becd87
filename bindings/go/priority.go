package npscore

/*
#include "npscore/c_api.h"
*/
import "C"

import "runtime"

// PriorityOptions are the SLAs, window and urgency of the contact queue.
// A nil *PriorityOptions means DefaultPriorityOptions().
type PriorityOptions struct {
	SLAHours         float64 // "recover" deadline after the answer (24)
	PassiveSLAHours  float64 // "make_it_a_10" deadline (72)
	PromoterSLAHours float64 // "advocacy" deadline (168)
	WindowHours      float64 // older cases go to the missed list; -1: the curve's last anchor (-1)
	UrgencyHours     float64 // priority = risk x clv x [r(h) - r(h + this)] (24)
	Top              int64   // entries per play, or -1 for all (-1)
	Threads          int32   // 0: automatic (0)
}

// DefaultPriorityOptions returns the library's defaults.
func DefaultPriorityOptions() PriorityOptions {
	var c C.npscore_priority_options
	mustInit(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_priority_options_init(&c, C.NPSCORE_PRIORITY_OPTIONS_VERSION, e)
	})
	return PriorityOptions{
		SLAHours: float64(c.sla_hours), PassiveSLAHours: float64(c.passive_sla_hours),
		PromoterSLAHours: float64(c.promoter_sla_hours), WindowHours: float64(c.window_hours),
		UrgencyHours: float64(c.urgency_hours), Top: int64(c.top), Threads: int32(c.threads),
	}
}

func (o *PriorityOptions) cOptions() *C.npscore_priority_options {
	if o == nil {
		return nil
	}
	return &C.npscore_priority_options{
		version: C.NPSCORE_PRIORITY_OPTIONS_VERSION, sla_hours: C.double(o.SLAHours),
		passive_sla_hours: C.double(o.PassiveSLAHours), promoter_sla_hours: C.double(o.PromoterSLAHours),
		window_hours: C.double(o.WindowHours), urgency_hours: C.double(o.UrgencyHours),
		top: C.int64_t(o.Top), threads: C.int32_t(o.Threads),
	}
}

// RecoveryCurve is the chance to recover a customer as a function of the
// hours since the response, through anchors (Hours increasing,
// Probability non-increasing). A nil *RecoveryCurve is the default curve:
// 65% at 0 and 1 h, 40% at 24 h, 10% at 72 h, 5% from 168 h on.
type RecoveryCurve struct {
	Hours, Probability []float64
}

func (c *RecoveryCurve) anchors(fn string) (*C.double, *C.double, C.size_t, error) {
	if c == nil {
		return nil, nil, 0, nil
	}
	if len(c.Hours) != len(c.Probability) {
		return nil, nil, 0, invalid("%s: the recovery curve has %d hours but %d probabilities", fn,
			len(c.Hours), len(c.Probability))
	}
	if len(c.Hours) == 0 {
		return nil, nil, 0, invalid("%s: the recovery curve has 0 anchors (use nil for the default curve)", fn)
	}
	return f64p(c.Hours), f64p(c.Probability), C.size_t(len(c.Hours)), nil
}

// Recoverability returns the chance to recover a customer hours[i] hours
// (>= 0) after the response, on curve (nil: the default curve).
func Recoverability(hours []float64, curve *RecoveryCurve) ([]float64, error) {
	ah, ap, na, err := curve.anchors("Recoverability")
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(hours))
	if err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_priority_recoverability(f64p(out), C.size_t(len(out)), f64p(hours),
			C.size_t(len(hours)), ah, ap, na, e)
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// QueueInput is one row per customer for NewPriorityQueue. ChurnRisk and
// CLV are required; the other columns are nil or one value per row.
type QueueInput struct {
	ChurnRisk   []float64      // in [0, 1]
	CLV         []float64      // finite, >= 0
	Segment     []int8         // -1 / 0 / 1 or NoSegment; nil: none
	RespondedAt []int64        // ns UTC, not after Now; nil: no time discount, no window
	ContactedAt []int64        // ns UTC or MissingTime (not contacted); nil: none
	Closed      []bool         // closed cases leave the queue; nil: none
	Now         int64          // ns UTC
	Recovery    *RecoveryCurve // nil: the default curve
	Capacities  []int64        // owners' capacities; nil: no assignment
}

// Case is one entry of a contact queue.
type Case struct {
	Row                 int64   // input row
	Segment             int32   // the play: -1, 0, 1 or NoSegment
	Priority            float64 // the ranking value within the play
	Urgency             float64 // r(h) - r(h + urgency); 1 without times; NaN for promoters
	RevenueAtRisk       float64 // churn risk x CLV
	Recoverability      float64 // r(h); 1 without times; NaN for promoters
	ExpectedRecoverable float64
	HoursSinceResponse  float64 // NaN without response times
	Deadline            int64   // ns UTC; MissingTime without times
	Overdue             bool
	Owner               int32 // index into Capacities, or -1
}

// QueueTotals are totals over every input row.
type QueueTotals struct {
	NRows         int64
	RevenueAtRisk float64
}

// QueueSummary counts every input row by play: index 0 recover,
// 1 make_it_a_10, 2 advocacy, 3 no segment.
type QueueSummary struct {
	Queued, Contacted, Closed, Missed [4]int64
	DetractorsDue                     int64
	DetractorsWithinSLA               int64
	WindowHours                       float64 // +Inf for none
}

// MissedCase is one case of the missed list (answered too long ago).
type MissedCase struct {
	Row           int64
	Segment       int32
	RevenueAtRisk float64
}

// PriorityQueue is a ranked contact queue: one block per play.
type PriorityQueue struct {
	h handle[*C.npscore_priority_queue] // first: the cleanup is attached to it
}

// NewPriorityQueue ranks the customers of in into one queue per play.
func NewPriorityQueue(in QueueInput, opts *PriorityOptions) (*PriorityQueue, error) {
	const fn = "NewPriorityQueue"
	n := len(in.ChurnRisk)
	if err := sameLength(fn, "CLV", len(in.CLV), n); err != nil {
		return nil, err
	}
	for _, col := range []struct {
		name string
		n    int
		set  bool
	}{
		{"Segment", len(in.Segment), in.Segment != nil},
		{"RespondedAt", len(in.RespondedAt), in.RespondedAt != nil},
		{"ContactedAt", len(in.ContactedAt), in.ContactedAt != nil},
		{"Closed", len(in.Closed), in.Closed != nil},
	} {
		if col.set {
			if err := sameLength(fn, col.name, col.n, n); err != nil {
				return nil, err
			}
		}
	}
	ah, ap, na, err := in.Recovery.anchors(fn)
	if err != nil {
		return nil, err
	}
	var closed []uint8
	if in.Closed != nil {
		closed = make([]uint8, n)
		for i, c := range in.Closed {
			if c {
				closed[i] = 1
			}
		}
	}
	var p *C.npscore_priority_queue
	if err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_priority_queue_new(&p, f64p(in.ChurnRisk), f64p(in.CLV), i8p(in.Segment),
			i64p(in.RespondedAt), i64p(in.ContactedAt), u8p(closed), C.size_t(n), C.int64_t(in.Now),
			ah, ap, na, i64p(in.Capacities), C.size_t(len(in.Capacities)), opts.cOptions(), e)
	}); err != nil {
		return nil, err
	}
	q := &PriorityQueue{}
	q.h.own(p, func(p *C.npscore_priority_queue) { C.npscore_priority_queue_free(p) })
	return q, nil
}

// Close frees the queue; later calls do nothing.
func (q *PriorityQueue) Close() { q.h.close() }

// Len returns the number of entries (0 once closed).
func (q *PriorityQueue) Len() int {
	n := int(C.npscore_priority_queue_size(q.h.p))
	runtime.KeepAlive(q)
	return n
}

// Case returns entry k (0 = best).
func (q *PriorityQueue) Case(k int) (Case, error) {
	if q.h.p == nil {
		return Case{}, closedError("PriorityQueue")
	}
	var c C.npscore_priority_case
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_priority_queue_get(&c, q.h.p, C.size_t(k), e)
	})
	runtime.KeepAlive(q)
	if err != nil {
		return Case{}, err
	}
	return Case{
		Row: int64(c.row), Segment: int32(c.segment), Priority: float64(c.priority),
		Urgency: float64(c.urgency), RevenueAtRisk: float64(c.revenue_at_risk),
		Recoverability: float64(c.recoverability), ExpectedRecoverable: float64(c.expected_recoverable),
		HoursSinceResponse: float64(c.hours_since_response), Deadline: int64(c.deadline),
		Overdue: c.overdue != 0, Owner: int32(c.owner),
	}, nil
}

// Cases returns every entry, best first.
func (q *PriorityQueue) Cases() ([]Case, error) {
	out := make([]Case, q.Len())
	for k := range out {
		c, err := q.Case(k)
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}

// Totals returns the totals over every input row.
func (q *PriorityQueue) Totals() (QueueTotals, error) {
	if q.h.p == nil {
		return QueueTotals{}, closedError("PriorityQueue")
	}
	var t C.npscore_priority_totals
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_priority_queue_totals(&t, q.h.p, e)
	})
	runtime.KeepAlive(q)
	return QueueTotals{int64(t.n_rows), float64(t.revenue_at_risk)}, err
}

// Summary returns the counts of every input row by play.
func (q *PriorityQueue) Summary() (QueueSummary, error) {
	if q.h.p == nil {
		return QueueSummary{}, closedError("PriorityQueue")
	}
	var s C.npscore_priority_summary
	err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_priority_queue_summary(&s, q.h.p, e)
	})
	runtime.KeepAlive(q)
	out := QueueSummary{
		DetractorsDue: int64(s.detractors_due), DetractorsWithinSLA: int64(s.detractors_within_sla),
		WindowHours: float64(s.window_hours),
	}
	for i := 0; i < 4; i++ {
		out.Queued[i], out.Contacted[i] = int64(s.queued[i]), int64(s.contacted[i])
		out.Closed[i], out.Missed[i] = int64(s.closed[i]), int64(s.missed[i])
	}
	return out, err
}

// Missed returns the missed list, highest revenue at risk first.
func (q *PriorityQueue) Missed() ([]MissedCase, error) {
	if q.h.p == nil {
		return nil, closedError("PriorityQueue")
	}
	out := make([]MissedCase, int(C.npscore_priority_missed_size(q.h.p)))
	for k := range out {
		var m C.npscore_priority_missed
		if err := call(func(e *C.npscore_error) C.npscore_status {
			return C.npscore_priority_missed_get(&m, q.h.p, C.size_t(k), e)
		}); err != nil {
			return nil, err
		}
		out[k] = MissedCase{int64(m.row), int32(m.segment), float64(m.revenue_at_risk)}
	}
	runtime.KeepAlive(q)
	return out, nil
}

// PlayName returns the recommended play of a segment code: "recover" (-1),
// "make_it_a_10" (0), "advocacy" (1), "" for NoSegment.
func PlayName(segment int32) (string, error) {
	var s *C.char
	if err := call(func(e *C.npscore_error) C.npscore_status {
		return C.npscore_priority_play_name(&s, C.int32_t(segment), e)
	}); err != nil {
		return "", err
	}
	return C.GoString(s), nil
}
