use std::ptr;

use crate::error::call;
use crate::{check_len, opt_ptr, ptr_or_null, sys, Result, Score};

/// Respondent counts per segment: the mergeable aggregate.
pub type Counts = sys::npscore_nps_counts;
/// An NPS (-100..100) with its standard error and interval; `method` is an
/// [`IntervalMethod`] code.
pub type Summary = sys::npscore_nps_summary;
/// The difference a - b of two independent NPS, with its test.
pub type Comparison = sys::npscore_nps_comparison;

/// The confidence-interval method of an NPS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntervalMethod {
    /// NPS ± z·se.
    Wald,
    /// Rocks (2016): Wald after 0.75 / 1.5 / 0.75 pseudo-respondents (the default).
    AdjustedWald,
    /// Tango (1998) score interval.
    Score,
}

impl IntervalMethod {
    pub(crate) fn code(self) -> i32 {
        match self {
            IntervalMethod::Wald => sys::NPSCORE_INTERVAL_WALD,
            IntervalMethod::AdjustedWald => sys::NPSCORE_INTERVAL_ADJUSTED_WALD,
            IntervalMethod::Score => sys::NPSCORE_INTERVAL_SCORE,
        }
    }
    fn from_code(c: i32) -> IntervalMethod {
        match c {
            sys::NPSCORE_INTERVAL_WALD => IntervalMethod::Wald,
            sys::NPSCORE_INTERVAL_SCORE => IntervalMethod::Score,
            _ => IntervalMethod::AdjustedWald,
        }
    }
}

/// What a missing (NaN) score does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// The first missing score is an error naming its row (the default).
    Error,
    /// Missing scores are left out and counted in `skipped`.
    Skip,
}

/// The cut-offs, scale, missing-score rule and interval of the functions
/// that read scores. `Default` is the library's defaults: the 0-10 question,
/// adjusted-Wald 95% intervals; `None` in a call means the same.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NpsOptions {
    /// Scores 0..=detractor_max are detractors (6).
    pub detractor_max: i32,
    /// ..=passive_max are passives (8), the rest promoters.
    pub passive_max: i32,
    /// The highest valid score (10).
    pub scale_max: i32,
    pub missing: Missing,
    pub method: IntervalMethod,
    /// Two-sided level in (0, 1) (0.95).
    pub confidence: f64,
    /// Groups with a smaller (effective) n are small (30).
    pub min_n: f64,
}

impl Default for NpsOptions {
    fn default() -> Self {
        let mut c = sys::npscore_nps_options::default();
        call(|e| unsafe {
            sys::npscore_nps_options_init(&mut c, sys::NPSCORE_NPS_OPTIONS_VERSION, e)
        })
        .expect("npscore: the library rejected its own options version");
        NpsOptions {
            detractor_max: c.detractor_max,
            passive_max: c.passive_max,
            scale_max: c.scale_max,
            missing: if c.missing == sys::NPSCORE_MISSING_SKIP {
                Missing::Skip
            } else {
                Missing::Error
            },
            method: IntervalMethod::from_code(c.method),
            confidence: c.confidence,
            min_n: c.min_n,
        }
    }
}

impl NpsOptions {
    pub(crate) fn to_c(self) -> sys::npscore_nps_options {
        sys::npscore_nps_options {
            version: sys::NPSCORE_NPS_OPTIONS_VERSION,
            detractor_max: self.detractor_max,
            passive_max: self.passive_max,
            scale_max: self.scale_max,
            missing: match self.missing {
                Missing::Error => sys::NPSCORE_MISSING_ERROR,
                Missing::Skip => sys::NPSCORE_MISSING_SKIP,
            },
            method: self.method.code(),
            confidence: self.confidence,
            min_n: self.min_n,
        }
    }
}

/// The C options of `opts`, kept alive by the caller, and their pointer
/// (NULL for None: the library's defaults).
pub(crate) fn nps_opts(opts: Option<&NpsOptions>) -> Option<sys::npscore_nps_options> {
    opts.map(|o| o.to_c())
}

pub(crate) fn as_ptr<T>(o: &Option<T>) -> *const T {
    o.as_ref().map_or(ptr::null(), |v| v as *const T)
}

/// The segment code of each score: -1 detractor, 0 passive, +1 promoter.
/// A missing score is an error.
pub fn segment<T: Score>(scores: &[T], opts: Option<&NpsOptions>) -> Result<Vec<i8>> {
    let mut out = vec![0i8; scores.len()];
    let o = nps_opts(opts);
    call(|e| unsafe {
        sys::npscore_nps_segment(
            out.as_mut_ptr(),
            out.len(),
            ptr_or_null(scores).cast(),
            T::DTYPE,
            scores.len(),
            as_ptr(&o),
            e,
        )
    })?;
    Ok(out)
}

/// Counts the segments of scores in one pass, validating every score.
pub fn count<T: Score>(scores: &[T], opts: Option<&NpsOptions>) -> Result<Counts> {
    let mut out = Counts::default();
    let o = nps_opts(opts);
    call(|e| unsafe {
        sys::npscore_nps_count(
            &mut out,
            ptr_or_null(scores).cast(),
            T::DTYPE,
            scores.len(),
            as_ptr(&o),
            e,
        )
    })?;
    Ok(out)
}

/// The NPS of scores with its standard error and interval. `weights` (e.g.
/// revenue, finite and >= 0), one per score, give a weighted NPS whose SE
/// uses Kish's effective n.
pub fn summarize<T: Score>(
    scores: &[T],
    weights: Option<&[f64]>,
    opts: Option<&NpsOptions>,
) -> Result<Summary> {
    if let Some(w) = weights {
        check_len("summarize", "weights", w.len(), scores.len())?;
    }
    let mut out = Summary::default();
    let o = nps_opts(opts);
    call(|e| unsafe {
        sys::npscore_nps_summarize(
            &mut out,
            ptr_or_null(scores).cast(),
            T::DTYPE,
            scores.len(),
            opt_ptr(weights),
            as_ptr(&o),
            e,
        )
    })?;
    Ok(out)
}

/// The summary of counts (e.g. merged partitions).
pub fn summarize_counts(counts: &Counts, opts: Option<&NpsOptions>) -> Result<Summary> {
    let mut out = Summary::default();
    let o = nps_opts(opts);
    call(|e| unsafe { sys::npscore_nps_summarize_counts(&mut out, counts, as_ptr(&o), e) })?;
    Ok(out)
}

/// Tests two independent summaries: diff = nps(a) - nps(b), a two-sided
/// p-value and an interval for the difference, by the options' method.
pub fn compare(a: &Summary, b: &Summary, opts: Option<&NpsOptions>) -> Result<Comparison> {
    let mut out = Comparison::default();
    let o = nps_opts(opts);
    call(|e| unsafe { sys::npscore_nps_compare(&mut out, a, b, as_ptr(&o), e) })?;
    Ok(out)
}
