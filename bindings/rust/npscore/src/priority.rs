use std::ptr::{self, NonNull};

use crate::error::{call, lent_str};
use crate::nps::as_ptr;
use crate::{check_len, opt_ptr, ptr_or_null, sys, Error, Result};

/// One entry of a contact queue.
pub type Case = sys::npscore_priority_case;
/// Totals of a queue over every input row.
pub type QueueTotals = sys::npscore_priority_totals;
/// Counts of a queue by play: index 0 recover, 1 make_it_a_10, 2 advocacy,
/// 3 no segment.
pub type QueueSummary = sys::npscore_priority_summary;
/// A case of the missed list (answered too long ago).
pub type MissedCase = sys::npscore_priority_missed;

/// The SLAs, window and urgency of the contact queue. `Default` is the
/// library's: 24 h / 72 h / 7 days, the recovery curve's window, one day of
/// urgency, every customer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PriorityOptions {
    pub sla_hours: f64,
    pub passive_sla_hours: f64,
    pub promoter_sla_hours: f64,
    /// Older cases leave the queue for the missed list; -1: the curve's last anchor.
    pub window_hours: f64,
    pub urgency_hours: f64,
    /// Entries per play, or -1 for all.
    pub top: i64,
    pub threads: i32,
}

impl Default for PriorityOptions {
    fn default() -> Self {
        let mut c = sys::npscore_priority_options::default();
        call(|e| unsafe {
            sys::npscore_priority_options_init(&mut c, sys::NPSCORE_PRIORITY_OPTIONS_VERSION, e)
        })
        .expect("npscore: the library rejected its own options version");
        PriorityOptions {
            sla_hours: c.sla_hours,
            passive_sla_hours: c.passive_sla_hours,
            promoter_sla_hours: c.promoter_sla_hours,
            window_hours: c.window_hours,
            urgency_hours: c.urgency_hours,
            top: c.top,
            threads: c.threads,
        }
    }
}

impl PriorityOptions {
    fn to_c(self) -> sys::npscore_priority_options {
        sys::npscore_priority_options {
            version: sys::NPSCORE_PRIORITY_OPTIONS_VERSION,
            sla_hours: self.sla_hours,
            passive_sla_hours: self.passive_sla_hours,
            promoter_sla_hours: self.promoter_sla_hours,
            window_hours: self.window_hours,
            urgency_hours: self.urgency_hours,
            top: self.top,
            threads: self.threads,
        }
    }
}

/// A recovery curve through anchors: hours increasing, probabilities
/// non-increasing. None in a call is the default curve: 65% at 0 and 1 h,
/// 40% at 24 h, 10% at 72 h, 5% from 168 h on.
#[derive(Clone, Copy, Debug)]
pub struct RecoveryCurve<'a> {
    pub hours: &'a [f64],
    pub probability: &'a [f64],
}

fn anchors(func: &str, c: Option<&RecoveryCurve<'_>>) -> Result<(*const f64, *const f64, usize)> {
    match c {
        None => Ok((ptr::null(), ptr::null(), 0)),
        Some(c) if c.hours.len() != c.probability.len() => Err(Error::invalid(format!(
            "{func}: the recovery curve has {} hours but {} probabilities",
            c.hours.len(),
            c.probability.len()
        ))),
        Some(c) if c.hours.is_empty() => Err(Error::invalid(format!(
            "{func}: the recovery curve has 0 anchors (None is the default curve)"
        ))),
        Some(c) => Ok((c.hours.as_ptr(), c.probability.as_ptr(), c.hours.len())),
    }
}

/// The chance to recover a customer hours[i] hours (>= 0) after the
/// response, on `curve` (None: the default curve).
pub fn recoverability(hours: &[f64], curve: Option<&RecoveryCurve<'_>>) -> Result<Vec<f64>> {
    let (ah, ap, na) = anchors("recoverability", curve)?;
    let mut out = vec![0.0; hours.len()];
    call(|e| unsafe {
        sys::npscore_priority_recoverability(
            out.as_mut_ptr(),
            out.len(),
            ptr_or_null(hours),
            hours.len(),
            ah,
            ap,
            na,
            e,
        )
    })?;
    Ok(out)
}

/// The customers of a contact queue, one row each. churn_risk and clv are
/// required; the other columns are None or one value per row.
#[derive(Clone, Copy, Debug, Default)]
pub struct QueueInput<'a> {
    /// In [0, 1].
    pub churn_risk: &'a [f64],
    /// Finite, >= 0.
    pub clv: &'a [f64],
    /// -1 / 0 / 1 or NO_SEGMENT.
    pub segment: Option<&'a [i8]>,
    /// ns UTC, not after `now`; None: no time discount and no window.
    pub responded_at: Option<&'a [i64]>,
    /// ns UTC or MISSING_TIME (not contacted).
    pub contacted_at: Option<&'a [i64]>,
    /// Closed cases leave the queue.
    pub closed: Option<&'a [bool]>,
    /// ns UTC.
    pub now: i64,
    /// None: the default curve.
    pub recovery: Option<RecoveryCurve<'a>>,
    /// Owners' capacities; None: no assignment.
    pub capacities: Option<&'a [i64]>,
}

/// A ranked contact queue, one block per play. Immutable, `Send` and
/// `Sync`; freed on drop.
#[derive(Debug)]
pub struct PriorityQueue {
    ptr: NonNull<sys::npscore_priority_queue>,
}

unsafe impl Send for PriorityQueue {}
unsafe impl Sync for PriorityQueue {}

impl PriorityQueue {
    /// Ranks the customers of `input` into one queue per play.
    pub fn new(input: &QueueInput<'_>, options: Option<&PriorityOptions>) -> Result<Self> {
        const F: &str = "PriorityQueue::new";
        let n = input.churn_risk.len();
        check_len(F, "clv", input.clv.len(), n)?;
        if let Some(s) = input.segment {
            check_len(F, "segment", s.len(), n)?;
        }
        if let Some(s) = input.responded_at {
            check_len(F, "responded_at", s.len(), n)?;
        }
        if let Some(s) = input.contacted_at {
            check_len(F, "contacted_at", s.len(), n)?;
        }
        if let Some(s) = input.closed {
            check_len(F, "closed", s.len(), n)?;
        }
        let (ah, ap, na) = anchors(F, input.recovery.as_ref())?;
        let caps = input.capacities.unwrap_or(&[]);
        let o = options.map(|o| o.to_c());
        let mut p = ptr::null_mut();
        call(|e| unsafe {
            // bool is one byte holding 0 or 1: the C uint8_t flags as they are.
            sys::npscore_priority_queue_new(
                &mut p,
                ptr_or_null(input.churn_risk),
                ptr_or_null(input.clv),
                opt_ptr(input.segment),
                opt_ptr(input.responded_at),
                opt_ptr(input.contacted_at),
                opt_ptr(input.closed).cast(),
                n,
                input.now,
                ah,
                ap,
                na,
                ptr_or_null(caps),
                caps.len(),
                as_ptr(&o),
                e,
            )
        })?;
        Ok(PriorityQueue {
            ptr: NonNull::new(p).expect("npscore: OK without a queue"),
        })
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        unsafe { sys::npscore_priority_queue_size(self.ptr.as_ptr()) }
    }

    /// True for a queue without entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entry k (0 = best).
    pub fn case(&self, k: usize) -> Result<Case> {
        let mut out = Case::default();
        call(|e| unsafe { sys::npscore_priority_queue_get(&mut out, self.ptr.as_ptr(), k, e) })?;
        Ok(out)
    }

    /// Every entry, best first.
    pub fn cases(&self) -> Result<Vec<Case>> {
        (0..self.len()).map(|k| self.case(k)).collect()
    }

    /// The totals over every input row.
    pub fn totals(&self) -> Result<QueueTotals> {
        let mut out = QueueTotals::default();
        call(|e| unsafe { sys::npscore_priority_queue_totals(&mut out, self.ptr.as_ptr(), e) })?;
        Ok(out)
    }

    /// The counts of every input row by play.
    pub fn summary(&self) -> Result<QueueSummary> {
        let mut out = QueueSummary::default();
        call(|e| unsafe { sys::npscore_priority_queue_summary(&mut out, self.ptr.as_ptr(), e) })?;
        Ok(out)
    }

    /// The missed list, highest revenue at risk first.
    pub fn missed(&self) -> Result<Vec<MissedCase>> {
        let n = unsafe { sys::npscore_priority_missed_size(self.ptr.as_ptr()) };
        (0..n)
            .map(|k| {
                let mut out = MissedCase::default();
                call(|e| unsafe {
                    sys::npscore_priority_missed_get(&mut out, self.ptr.as_ptr(), k, e)
                })?;
                Ok(out)
            })
            .collect()
    }
}

impl Drop for PriorityQueue {
    fn drop(&mut self) {
        unsafe { sys::npscore_priority_queue_free(self.ptr.as_ptr()) }
    }
}

/// The recommended play of a segment code: "recover" (-1), "make_it_a_10"
/// (0), "advocacy" (1), "" for NO_SEGMENT.
pub fn play_name(segment: i32) -> Result<&'static str> {
    let mut s = ptr::null();
    call(|e| unsafe { sys::npscore_priority_play_name(&mut s, segment, e) })?;
    // Static in the library.
    unsafe { lent_str(s) }
}
