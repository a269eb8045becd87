use std::ffi::CString;
use std::ptr::{self, NonNull};

use crate::error::{call, lent_str};
use crate::nps::{as_ptr, nps_opts};
use crate::{check_len, opt_ptr, ptr_or_null, sys, Error, NpsOptions, Result, Score};

/// One (slice, period) row of a health table. An empty period has n = 0 and
/// NaN statistics; shares are 0..1, changes and trends in points; `flags`
/// holds `FLAG_*` bits.
pub type HealthRow = sys::npscore_health_row;

pub const FLAG_LOW_N: u32 = sys::NPSCORE_FLAG_LOW_N;
pub const FLAG_PASSIVE_VULNERABILITY: u32 = sys::NPSCORE_FLAG_PASSIVE_VULNERABILITY;
pub const FLAG_DETRACTOR_SURGE: u32 = sys::NPSCORE_FLAG_DETRACTOR_SURGE;
pub const FLAG_PROMOTER_EROSION: u32 = sys::NPSCORE_FLAG_PROMOTER_EROSION;
pub const FLAG_NPS_DROP: u32 = sys::NPSCORE_FLAG_NPS_DROP;
pub const FLAG_LEVEL_SHIFT: u32 = sys::NPSCORE_FLAG_LEVEL_SHIFT;

/// A calendar period length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frequency {
    /// Days, labelled "2025-03-14".
    Day,
    /// ISO weeks, labelled "2025-W11".
    Week,
    /// Months, labelled "2025-03".
    Month,
    /// Quarters, labelled "2025Q1".
    Quarter,
}

impl Frequency {
    fn code(self) -> i32 {
        match self {
            Frequency::Day => sys::NPSCORE_FREQ_DAY,
            Frequency::Week => sys::NPSCORE_FREQ_WEEK,
            Frequency::Month => sys::NPSCORE_FREQ_MONTH,
            Frequency::Quarter => sys::NPSCORE_FREQ_QUARTER,
        }
    }
}

/// The p-value adjustment of a health table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adjustment {
    /// Holm step-down: family-wise error rate.
    Holm,
    /// Benjamini-Hochberg: false discovery rate.
    BenjaminiHochberg,
    None,
}

/// How the p-values behind the flags are adjusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagMode {
    /// Holm within each period: alerting.
    Alert,
    /// Benjamini-Hochberg over all periods, slices and tests.
    Review,
}

/// The p-value adjustment and flag thresholds of a health table (the score
/// options are separate). `Default` is the library's (the C++ core's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HealthOptions {
    pub adjustment: Adjustment,
    pub alpha: f64,
    pub min_n: f64,
    pub passive_share_high: f64,
    pub passive_trend_points: f64,
    pub stable_nps_points: f64,
    pub detractor_surge_points: f64,
    pub promoter_erosion_points: f64,
    pub trend_periods: i32,
    pub flag_mode: FlagMode,
    /// The period length of the period codes, so that baselines are in time.
    pub frequency: Frequency,
    pub baseline_months: f64,
    pub drop_alpha: f64,
    pub drop_points: f64,
    pub cusum_k: f64,
    pub cusum_h: f64,
    pub power: f64,
}

impl Default for HealthOptions {
    fn default() -> Self {
        let mut c = sys::npscore_health_options::default();
        call(|e| unsafe {
            sys::npscore_health_options_init(&mut c, sys::NPSCORE_HEALTH_OPTIONS_VERSION, e)
        })
        .expect("npscore: the library rejected its own options version");
        HealthOptions {
            adjustment: match c.adjustment {
                sys::NPSCORE_ADJUST_BH => Adjustment::BenjaminiHochberg,
                sys::NPSCORE_ADJUST_NONE => Adjustment::None,
                _ => Adjustment::Holm,
            },
            alpha: c.alpha,
            min_n: c.min_n,
            passive_share_high: c.passive_share_high,
            passive_trend_points: c.passive_trend_points,
            stable_nps_points: c.stable_nps_points,
            detractor_surge_points: c.detractor_surge_points,
            promoter_erosion_points: c.promoter_erosion_points,
            trend_periods: c.trend_periods,
            flag_mode: if c.flag_mode == sys::NPSCORE_FLAG_MODE_REVIEW {
                FlagMode::Review
            } else {
                FlagMode::Alert
            },
            frequency: match c.frequency {
                sys::NPSCORE_FREQ_DAY => Frequency::Day,
                sys::NPSCORE_FREQ_WEEK => Frequency::Week,
                sys::NPSCORE_FREQ_QUARTER => Frequency::Quarter,
                _ => Frequency::Month,
            },
            baseline_months: c.baseline_months,
            drop_alpha: c.drop_alpha,
            drop_points: c.drop_points,
            cusum_k: c.cusum_k,
            cusum_h: c.cusum_h,
            power: c.power,
        }
    }
}

impl HealthOptions {
    fn to_c(self) -> sys::npscore_health_options {
        sys::npscore_health_options {
            version: sys::NPSCORE_HEALTH_OPTIONS_VERSION,
            adjustment: match self.adjustment {
                Adjustment::Holm => sys::NPSCORE_ADJUST_HOLM,
                Adjustment::BenjaminiHochberg => sys::NPSCORE_ADJUST_BH,
                Adjustment::None => sys::NPSCORE_ADJUST_NONE,
            },
            alpha: self.alpha,
            min_n: self.min_n,
            passive_share_high: self.passive_share_high,
            passive_trend_points: self.passive_trend_points,
            stable_nps_points: self.stable_nps_points,
            detractor_surge_points: self.detractor_surge_points,
            promoter_erosion_points: self.promoter_erosion_points,
            trend_periods: self.trend_periods,
            flag_mode: match self.flag_mode {
                FlagMode::Alert => sys::NPSCORE_FLAG_MODE_ALERT,
                FlagMode::Review => sys::NPSCORE_FLAG_MODE_REVIEW,
            },
            frequency: self.frequency.code(),
            baseline_months: self.baseline_months,
            drop_alpha: self.drop_alpha,
            drop_points: self.drop_points,
            cusum_k: self.cusum_k,
            cusum_h: self.cusum_h,
            power: self.power,
        }
    }
}

/// One period of a grid: [start, end) in UTC nanoseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub start: i64,
    pub end: i64,
    /// "2025-03", "2025-W11", ...
    pub label: String,
}

/// A run of consecutive calendar periods in a time zone. Freed on drop.
#[derive(Debug)]
pub struct PeriodGrid {
    ptr: NonNull<sys::npscore_health_period_grid>,
}

// Immutable once made: the C library allows reads from several threads.
unsafe impl Send for PeriodGrid {}
unsafe impl Sync for PeriodGrid {}

impl PeriodGrid {
    /// The periods of `frequency` in `time_zone` (an IANA name such as
    /// "Europe/Berlin", or "UTC") that cover [min_time, max_time], in
    /// nanoseconds since the epoch (UTC).
    pub fn new(
        min_time: i64,
        max_time: i64,
        frequency: Frequency,
        time_zone: &str,
    ) -> Result<Self> {
        let tz = CString::new(time_zone).map_err(|_| {
            Error::invalid(format!(
                "PeriodGrid::new: time_zone {time_zone:?} contains a NUL byte"
            ))
        })?;
        let mut p = ptr::null_mut();
        call(|e| unsafe {
            sys::npscore_health_period_grid_new(
                &mut p,
                min_time,
                max_time,
                frequency.code(),
                tz.as_ptr(),
                e,
            )
        })?;
        Ok(PeriodGrid {
            ptr: NonNull::new(p).expect("npscore: OK without a grid"),
        })
    }

    /// The number of periods.
    pub fn len(&self) -> usize {
        unsafe { sys::npscore_health_period_grid_size(self.ptr.as_ptr()) }
    }

    /// True for a grid without periods.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Period i.
    pub fn period(&self, i: usize) -> Result<Period> {
        let (mut start, mut end, mut label) = (0i64, 0i64, ptr::null());
        call(|e| unsafe {
            sys::npscore_health_period_grid_get(
                &mut start,
                &mut end,
                &mut label,
                self.ptr.as_ptr(),
                i,
                e,
            )
        })?;
        // Owned by the grid, which outlives this call.
        let label = unsafe { lent_str(label) }?.to_owned();
        Ok(Period { start, end, label })
    }

    /// The period index of each time (ns UTC): -1 outside the grid, and for
    /// MISSING_TIME when skip_missing (else a missing time is an error).
    pub fn assign(&self, times: &[i64], skip_missing: bool) -> Result<Vec<i32>> {
        let mut out = vec![0i32; times.len()];
        call(|e| unsafe {
            sys::npscore_health_assign_periods(
                out.as_mut_ptr(),
                out.len(),
                ptr_or_null(times),
                times.len(),
                self.ptr.as_ptr(),
                skip_missing as i32,
                e,
            )
        })?;
        Ok(out)
    }
}

impl Drop for PeriodGrid {
    fn drop(&mut self) {
        unsafe { sys::npscore_health_period_grid_free(self.ptr.as_ptr()) }
    }
}

/// Per (slice, period) statistics, slice-major. Freed on drop.
#[derive(Debug)]
pub struct HealthTable {
    ptr: NonNull<sys::npscore_health_table>,
}

unsafe impl Send for HealthTable {}
unsafe impl Sync for HealthTable {}

impl HealthTable {
    /// Counts (score, period, slice) rows and derives the table: one row per
    /// (slice, period), row = slice * n_periods + period. periods[i] is in
    /// [0, n_periods) or -1 (left out); slices is None (one slice) or a code
    /// in [0, n_slices) or -1 per score.
    pub fn new<T: Score>(
        scores: &[T],
        periods: &[i32],
        n_periods: usize,
        slices: Option<(&[i64], usize)>,
        nps_options: Option<&NpsOptions>,
        options: Option<&HealthOptions>,
    ) -> Result<Self> {
        check_len("HealthTable::new", "periods", periods.len(), scores.len())?;
        if let Some((s, _)) = slices {
            check_len("HealthTable::new", "slices", s.len(), scores.len())?;
        }
        let no = nps_opts(nps_options);
        let ho = options.map(|o| o.to_c());
        let mut p = ptr::null_mut();
        call(|e| unsafe {
            sys::npscore_health_table_new(
                &mut p,
                ptr_or_null(scores).cast(),
                T::DTYPE,
                scores.len(),
                ptr_or_null(periods),
                n_periods,
                opt_ptr(slices.map(|s| s.0)),
                slices.map_or(0, |s| s.1),
                as_ptr(&no),
                as_ptr(&ho),
                e,
            )
        })?;
        Ok(HealthTable {
            ptr: NonNull::new(p).expect("npscore: OK without a table"),
        })
    }

    pub(crate) fn raw(&self) -> *const sys::npscore_health_table {
        self.ptr.as_ptr()
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        unsafe { sys::npscore_health_table_size(self.ptr.as_ptr()) }
    }

    /// True for a table without rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row i.
    pub fn row(&self, i: usize) -> Result<HealthRow> {
        let mut out = HealthRow::default();
        call(|e| unsafe { sys::npscore_health_table_get(&mut out, self.ptr.as_ptr(), i, e) })?;
        Ok(out)
    }

    /// Every row.
    pub fn rows(&self) -> Result<Vec<HealthRow>> {
        (0..self.len()).map(|i| self.row(i)).collect()
    }

    /// The numbers that raised row i's flags, "; "-separated ("" without
    /// flags), borrowed from the table.
    pub fn reasons(&self, i: usize) -> Result<&str> {
        let mut s = ptr::null();
        call(|e| unsafe { sys::npscore_health_table_reasons(&mut s, self.ptr.as_ptr(), i, e) })?;
        // Owned by the table, which the borrow of self keeps alive.
        unsafe { lent_str(s) }
    }

    /// The score histogram of row i (counts of 0..=scale_max), borrowed from
    /// the table.
    pub fn histogram(&self, i: usize) -> Result<&[i64]> {
        let (mut h, mut bins) = (ptr::null(), 0usize);
        call(|e| unsafe {
            sys::npscore_health_table_histogram(&mut h, &mut bins, self.ptr.as_ptr(), i, e)
        })?;
        if bins == 0 {
            return Ok(&[]);
        }
        // bins counts owned by the table, which the borrow of self keeps alive.
        Ok(unsafe { std::slice::from_raw_parts(h, bins) })
    }
}

impl Drop for HealthTable {
    fn drop(&mut self) {
        unsafe { sys::npscore_health_table_free(self.ptr.as_ptr()) }
    }
}
