//! Raw declarations of libnpscore_c, npscore's C library: the entry points of
//! `npscore/c_api.h` that the `npscore` crate wraps, with `#[repr(C)]`
//! mirrors of the structs they exchange. Names and types are the header's;
//! every struct's size, alignment and field offsets are checked against the
//! C compiler's by this crate's tests (build.rs compiles a C program that
//! prints them). Use the `npscore` crate for a safe interface.
//!
//! The library is found through the environment variable `NPSCORE_LIB_DIR`
//! (and `NPSCORE_INCLUDE_DIR`, default `$NPSCORE_LIB_DIR/../include`) or
//! else through `pkg-config npscore_c`.

#![allow(non_camel_case_types, non_snake_case)]
#![cfg_attr(not(test), no_std)]

use core::ffi::{c_char, c_int};
use core::marker::{PhantomData, PhantomPinned};

/// `npscore_status`: 0 or a negative error code (returned as `int32_t`-sized enum).
pub type npscore_status = i32;
pub const NPSCORE_OK: npscore_status = 0;
pub const NPSCORE_EINVAL: npscore_status = -1;
pub const NPSCORE_ENOMEM: npscore_status = -2;
pub const NPSCORE_EINTERNAL: npscore_status = -3;
pub const NPSCORE_ENULL: npscore_status = -4;
pub const NPSCORE_EVERSION: npscore_status = -5;
pub const NPSCORE_ERANGE: npscore_status = -6;
pub const NPSCORE_EIO: npscore_status = -7;

/// Bytes of `npscore_error::message`, including its NUL.
pub const NPSCORE_ERROR_MESSAGE_SIZE: usize = 1024;

/// The status and message of one call (the last parameter of every fallible
/// function), whatever thread it ran on.
#[repr(C)]
pub struct npscore_error {
    pub status: i32,
    pub truncated: i32,
    pub message: [c_char; NPSCORE_ERROR_MESSAGE_SIZE],
}

// npscore_dtype
pub const NPSCORE_F64: i32 = 0;
pub const NPSCORE_F32: i32 = 1;
pub const NPSCORE_I8: i32 = 2;
pub const NPSCORE_I16: i32 = 3;
pub const NPSCORE_I32: i32 = 4;
pub const NPSCORE_I64: i32 = 5;
pub const NPSCORE_U8: i32 = 6;
pub const NPSCORE_U16: i32 = 7;
pub const NPSCORE_U32: i32 = 8;
pub const NPSCORE_U64: i32 = 9;

/// `NPSCORE_MISSING_TIME`: a missing time (numpy's NaT).
pub const NPSCORE_MISSING_TIME: i64 = i64::MIN;
/// `NPSCORE_NO_SEGMENT`: the segment of a row without a response.
pub const NPSCORE_NO_SEGMENT: i32 = -128;

// --- nps ---------------------------------------------------------------------

pub const NPSCORE_INTERVAL_WALD: i32 = 0;
pub const NPSCORE_INTERVAL_ADJUSTED_WALD: i32 = 1;
pub const NPSCORE_INTERVAL_SCORE: i32 = 2;
pub const NPSCORE_MISSING_ERROR: i32 = 0;
pub const NPSCORE_MISSING_SKIP: i32 = 1;
pub const NPSCORE_NPS_OPTIONS_VERSION: u32 = 1;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_nps_options {
    pub version: u32,
    pub detractor_max: i32,
    pub passive_max: i32,
    pub scale_max: i32,
    pub missing: i32,
    pub method: i32,
    pub confidence: f64,
    pub min_n: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct npscore_nps_counts {
    pub detractors: i64,
    pub passives: i64,
    pub promoters: i64,
    pub skipped: i64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_nps_summary {
    pub n: f64,
    pub detractors: f64,
    pub passives: f64,
    pub promoters: f64,
    pub n_effective: f64,
    pub skipped: i64,
    pub nps: f64,
    pub se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub method: i32,
    pub confidence: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_nps_comparison {
    pub diff: f64,
    pub se: f64,
    pub z: f64,
    pub p_value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub method: i32,
    pub confidence: f64,
}

// --- health ------------------------------------------------------------------

pub const NPSCORE_FREQ_DAY: i32 = 0;
pub const NPSCORE_FREQ_WEEK: i32 = 1;
pub const NPSCORE_FREQ_MONTH: i32 = 2;
pub const NPSCORE_FREQ_QUARTER: i32 = 3;
pub const NPSCORE_ADJUST_HOLM: i32 = 0;
pub const NPSCORE_ADJUST_BH: i32 = 1;
pub const NPSCORE_ADJUST_NONE: i32 = 2;
pub const NPSCORE_FLAG_MODE_ALERT: i32 = 0;
pub const NPSCORE_FLAG_MODE_REVIEW: i32 = 1;
pub const NPSCORE_FLAG_LOW_N: u32 = 0x1;
pub const NPSCORE_FLAG_PASSIVE_VULNERABILITY: u32 = 0x2;
pub const NPSCORE_FLAG_DETRACTOR_SURGE: u32 = 0x4;
pub const NPSCORE_FLAG_PROMOTER_EROSION: u32 = 0x8;
pub const NPSCORE_FLAG_NPS_DROP: u32 = 0x10;
pub const NPSCORE_FLAG_LEVEL_SHIFT: u32 = 0x20;
pub const NPSCORE_HEALTH_OPTIONS_VERSION: u32 = 1;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_health_options {
    pub version: u32,
    pub adjustment: i32,
    pub alpha: f64,
    pub min_n: f64,
    pub passive_share_high: f64,
    pub passive_trend_points: f64,
    pub stable_nps_points: f64,
    pub detractor_surge_points: f64,
    pub promoter_erosion_points: f64,
    pub trend_periods: i32,
    pub flag_mode: i32,
    pub frequency: i32,
    pub baseline_months: f64,
    pub drop_alpha: f64,
    pub drop_points: f64,
    pub cusum_k: f64,
    pub cusum_h: f64,
    pub power: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_health_row {
    pub slice: i64,
    pub period: i64,
    pub n: i64,
    pub detractors: i64,
    pub passives: i64,
    pub promoters: i64,
    pub skipped: i64,
    pub share_detractors: f64,
    pub share_detractors_low: f64,
    pub share_detractors_high: f64,
    pub share_passives: f64,
    pub share_passives_low: f64,
    pub share_passives_high: f64,
    pub share_promoters: f64,
    pub share_promoters_low: f64,
    pub share_promoters_high: f64,
    pub nps: f64,
    pub se: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub nps_change: f64,
    pub change_se: f64,
    pub change_p: f64,
    pub change_p_adjusted: f64,
    pub detractor_change: f64,
    pub detractor_change_p_adjusted: f64,
    pub promoter_change: f64,
    pub promoter_change_p_adjusted: f64,
    pub passive_trend: f64,
    pub passive_trend_p_adjusted: f64,
    pub nps_trend: f64,
    pub flags: u32,
}

/// Opaque `npscore_health_period_grid`.
#[repr(C)]
pub struct npscore_health_period_grid {
    _private: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// Opaque `npscore_health_table`.
#[repr(C)]
pub struct npscore_health_table {
    _private: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

// --- churn -------------------------------------------------------------------

pub const NPSCORE_ROW_MAJOR: i32 = 0;
pub const NPSCORE_COL_MAJOR: i32 = 1;
pub const NPSCORE_CLASS_WEIGHT_NONE: i32 = 0;
pub const NPSCORE_CLASS_WEIGHT_BALANCED: i32 = 1;
pub const NPSCORE_CLASS_WEIGHT_GIVEN: i32 = 2;
pub const NPSCORE_CHURN_FIT_OPTIONS_VERSION: u32 = 1;
pub const NPSCORE_CHURN_PRIOR_OPTIONS_VERSION: u32 = 1;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_churn_fit_options {
    pub version: u32,
    pub C: f64,
    pub fit_intercept: i32,
    pub standardize: i32,
    pub class_weight_mode: i32,
    pub class_weight: [f64; 2],
    pub tol: f64,
    pub max_iter: i32,
    pub threads: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_churn_prior_options {
    pub version: u32,
    pub detractor_rate: f64,
    pub detractor_days: f64,
    pub early_life_detractor_rate: f64,
    pub early_life_detractor_days: f64,
    pub passive_rate: f64,
    pub passive_days: f64,
    pub promoter_rate: f64,
    pub promoter_days: f64,
    pub baseline_rate: f64,
    pub baseline_days: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_churn_fit_info {
    pub n_iter: i32,
    pub converged: i32,
    pub grad_norm: f64,
    pub objective: f64,
    pub n_warnings: usize,
    pub is_prior: i32,
    pub horizon_days: f64,
}

/// Opaque `npscore_churn_model`.
#[repr(C)]
pub struct npscore_churn_model {
    _private: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

// --- priority ----------------------------------------------------------------

pub const NPSCORE_PRIORITY_OPTIONS_VERSION: u32 = 1;

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_priority_options {
    pub version: u32,
    pub sla_hours: f64,
    pub passive_sla_hours: f64,
    pub promoter_sla_hours: f64,
    pub window_hours: f64,
    pub urgency_hours: f64,
    pub top: i64,
    pub threads: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_priority_case {
    pub row: i64,
    pub segment: i32,
    pub priority: f64,
    pub urgency: f64,
    pub revenue_at_risk: f64,
    pub recoverability: f64,
    pub expected_recoverable: f64,
    pub hours_since_response: f64,
    pub deadline: i64,
    pub overdue: i32,
    pub owner: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_priority_totals {
    pub n_rows: i64,
    pub revenue_at_risk: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_priority_summary {
    pub queued: [i64; 4],
    pub contacted: [i64; 4],
    pub closed: [i64; 4],
    pub missed: [i64; 4],
    pub detractors_due: i64,
    pub detractors_within_sla: i64,
    pub window_hours: f64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct npscore_priority_missed {
    pub row: i64,
    pub segment: i32,
    pub revenue_at_risk: f64,
}

/// Opaque `npscore_priority_queue`.
#[repr(C)]
pub struct npscore_priority_queue {
    _private: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

// --- Arrow C Data Interface (as the Arrow specification declares it) ----------

pub const ARROW_FLAG_DICTIONARY_ORDERED: i64 = 1;
pub const ARROW_FLAG_NULLABLE: i64 = 2;
pub const ARROW_FLAG_MAP_KEYS_SORTED: i64 = 4;

#[repr(C)]
#[derive(Debug)]
pub struct ArrowSchema {
    pub format: *const c_char,
    pub name: *const c_char,
    pub metadata: *const c_char,
    pub flags: i64,
    pub n_children: i64,
    pub children: *mut *mut ArrowSchema,
    pub dictionary: *mut ArrowSchema,
    pub release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    pub private_data: *mut core::ffi::c_void,
}

#[repr(C)]
#[derive(Debug)]
pub struct ArrowArray {
    pub length: i64,
    pub null_count: i64,
    pub offset: i64,
    pub n_buffers: i64,
    pub n_children: i64,
    pub buffers: *mut *const core::ffi::c_void,
    pub children: *mut *mut ArrowArray,
    pub dictionary: *mut ArrowArray,
    pub release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    pub private_data: *mut core::ffi::c_void,
}

extern "C" {
    // common
    pub fn npscore_status_string(status: i32) -> *const c_char;
    pub fn npscore_version_number() -> c_int;
    pub fn npscore_version_string() -> *const c_char;

    // nps
    pub fn npscore_nps_options_init(
        opts: *mut npscore_nps_options,
        version: u32,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_nps_segment(
        out: *mut i8,
        out_capacity: usize,
        scores: *const core::ffi::c_void,
        dtype: i32,
        n: usize,
        opts: *const npscore_nps_options,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_nps_count(
        out: *mut npscore_nps_counts,
        scores: *const core::ffi::c_void,
        dtype: i32,
        n: usize,
        opts: *const npscore_nps_options,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_nps_summarize(
        out: *mut npscore_nps_summary,
        scores: *const core::ffi::c_void,
        dtype: i32,
        n: usize,
        weights: *const f64,
        opts: *const npscore_nps_options,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_nps_summarize_counts(
        out: *mut npscore_nps_summary,
        counts: *const npscore_nps_counts,
        opts: *const npscore_nps_options,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_nps_compare(
        out: *mut npscore_nps_comparison,
        a: *const npscore_nps_summary,
        b: *const npscore_nps_summary,
        opts: *const npscore_nps_options,
        err: *mut npscore_error,
    ) -> npscore_status;

    // health
    pub fn npscore_health_options_init(
        opts: *mut npscore_health_options,
        version: u32,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_health_period_grid_new(
        out: *mut *mut npscore_health_period_grid,
        min_time: i64,
        max_time: i64,
        frequency: i32,
        time_zone: *const c_char,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_health_period_grid_size(grid: *const npscore_health_period_grid) -> usize;
    pub fn npscore_health_period_grid_get(
        out_start: *mut i64,
        out_end: *mut i64,
        out_label: *mut *const c_char,
        grid: *const npscore_health_period_grid,
        i: usize,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_health_period_grid_free(grid: *mut npscore_health_period_grid);
    pub fn npscore_health_assign_periods(
        out: *mut i32,
        out_capacity: usize,
        times: *const i64,
        n: usize,
        grid: *const npscore_health_period_grid,
        skip_missing: i32,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_health_table_new(
        out: *mut *mut npscore_health_table,
        scores: *const core::ffi::c_void,
        dtype: i32,
        n: usize,
        periods: *const i32,
        n_periods: usize,
        slices: *const i64,
        n_slices: usize,
        nps_opts: *const npscore_nps_options,
        opts: *const npscore_health_options,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_health_table_size(t: *const npscore_health_table) -> usize;
    pub fn npscore_health_table_get(
        out: *mut npscore_health_row,
        t: *const npscore_health_table,
        i: usize,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_health_table_reasons(
        out: *mut *const c_char,
        t: *const npscore_health_table,
        i: usize,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_health_table_histogram(
        out: *mut *const i64,
        out_bins: *mut usize,
        t: *const npscore_health_table,
        i: usize,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_health_table_free(t: *mut npscore_health_table);
    pub fn npscore_health_table_export_arrow(
        out: *mut ArrowArray,
        out_schema: *mut ArrowSchema,
        t: *const npscore_health_table,
        err: *mut npscore_error,
    ) -> npscore_status;

    // churn
    pub fn npscore_churn_fit_options_init(
        opts: *mut npscore_churn_fit_options,
        version: u32,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_prior_options_init(
        opts: *mut npscore_churn_prior_options,
        version: u32,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_fit(
        out: *mut *mut npscore_churn_model,
        x: *const f64,
        rows: usize,
        cols: usize,
        layout: i32,
        y: *const f64,
        sample_weight: *const f64,
        feature_names: *const *const c_char,
        opts: *const npscore_churn_fit_options,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_new(
        out: *mut *mut npscore_churn_model,
        horizon_days: f64,
        opts: *const npscore_churn_prior_options,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_info(
        out: *mut npscore_churn_fit_info,
        model: *const npscore_churn_model,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_n_features(model: *const npscore_churn_model) -> usize;
    pub fn npscore_churn_model_coef(
        out: *mut f64,
        out_capacity: usize,
        out_intercept: *mut f64,
        model: *const npscore_churn_model,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_feature_name(
        out: *mut *const c_char,
        model: *const npscore_churn_model,
        j: usize,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_predict(
        out: *mut f64,
        out_capacity: usize,
        model: *const npscore_churn_model,
        x: *const f64,
        rows: usize,
        cols: usize,
        layout: i32,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_save(
        model: *const npscore_churn_model,
        path: *const c_char,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_load(
        out: *mut *mut npscore_churn_model,
        path: *const c_char,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_churn_model_free(model: *mut npscore_churn_model);

    // priority
    pub fn npscore_priority_options_init(
        opts: *mut npscore_priority_options,
        version: u32,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_priority_recoverability(
        out: *mut f64,
        out_capacity: usize,
        hours: *const f64,
        n: usize,
        anchor_hours: *const f64,
        anchor_probability: *const f64,
        n_anchors: usize,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_priority_queue_new(
        out: *mut *mut npscore_priority_queue,
        churn_risk: *const f64,
        clv: *const f64,
        segment: *const i8,
        responded_at: *const i64,
        contacted_at: *const i64,
        closed: *const u8,
        n: usize,
        now: i64,
        recovery_hours: *const f64,
        recovery_probability: *const f64,
        n_recovery: usize,
        capacities: *const i64,
        n_owners: usize,
        opts: *const npscore_priority_options,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_priority_queue_size(q: *const npscore_priority_queue) -> usize;
    pub fn npscore_priority_queue_get(
        out: *mut npscore_priority_case,
        q: *const npscore_priority_queue,
        k: usize,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_priority_queue_totals(
        out: *mut npscore_priority_totals,
        q: *const npscore_priority_queue,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_priority_queue_summary(
        out: *mut npscore_priority_summary,
        q: *const npscore_priority_queue,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_priority_queue_free(q: *mut npscore_priority_queue);
    pub fn npscore_priority_missed_size(q: *const npscore_priority_queue) -> usize;
    pub fn npscore_priority_missed_get(
        out: *mut npscore_priority_missed,
        q: *const npscore_priority_queue,
        k: usize,
        err: *mut npscore_error,
    ) -> npscore_status;
    pub fn npscore_priority_play_name(
        out: *mut *const c_char,
        segment: i32,
        err: *mut npscore_error,
    ) -> npscore_status;
}

// Sizes, alignments and field offsets of every struct above against the C
// compiler's (generated by build.rs from this file and the header).
#[cfg(test)]
mod layout {
    include!(concat!(env!("OUT_DIR"), "/layout_test.rs"));
}
