//! npscore for Rust: Net Promoter Score summaries with intervals,
//! distribution health over time, churn-risk models and the contact queue,
//! over libnpscore_c (npscore's C library) through `npscore-sys`.
//!
//! The crate is a thin, safe layer: every statistic is computed by the C
//! library, so results equal those of C, C++, Python and Go exactly. Inputs
//! are slices read in place; results are plain `Copy` structs (the C
//! structs, re-exported) or owned `Vec`s.
//!
//! * **Errors**: every fallible function returns [`Result<T>`] whose
//!   [`Error`] carries the npscore [`Status`] and the library's message,
//!   which names the argument and, for bad data, the first offending row and
//!   value. Each call passes its own `npscore_error` to the library, so the
//!   message belongs to that call whichever thread ran it (async executors
//!   may move tasks between threads freely); the crate never reads the
//!   thread-local `npscore_last_error_message()`.
//! * **Handles** ([`PeriodGrid`], [`HealthTable`], [`ChurnModel`],
//!   [`PriorityQueue`]) own C memory and free it on `Drop`. They are
//!   immutable, `Send` and `Sync`: share one with `&` or `Arc` across
//!   threads. Strings and slices they lend (`reasons`, `histogram`) borrow
//!   the handle, so the borrow checker keeps them valid.
//! * **Linking**: `npscore-sys` finds the library through `NPSCORE_LIB_DIR`
//!   or `pkg-config npscore_c` (docs/rust.md).
//!
//! ```no_run
//! let s = npscore::summarize(&[9, 10, 7, 3, 9, 6, 10, 8], None, None)?;
//! println!("NPS {:.1} [{:.1}, {:.1}]", s.nps, s.ci_low, s.ci_high);
//! # Ok::<(), npscore::Error>(())
//! ```

pub use npscore_sys as sys;

mod arrow;
mod churn;
mod error;
mod health;
mod nps;
mod priority;

pub use churn::*;
pub use error::{Error, Result, Status};
pub use health::*;
pub use nps::*;
pub use priority::*;

use std::ffi::CStr;

/// A missing time in time columns, which are `i64` nanoseconds since the
/// Unix epoch, UTC.
pub const MISSING_TIME: i64 = sys::NPSCORE_MISSING_TIME;
/// The segment code of a row without a response.
pub const NO_SEGMENT: i32 = sys::NPSCORE_NO_SEGMENT;

/// The linked library's version number (major * 10000 + minor * 100 + patch).
pub fn version_number() -> i32 {
    unsafe { sys::npscore_version_number() }
}

/// The linked library's version string, e.g. "0.5.0".
pub fn version() -> &'static str {
    // Static, NUL-terminated ASCII.
    unsafe { CStr::from_ptr(sys::npscore_version_string()) }
        .to_str()
        .unwrap_or("")
}

/// An element type of score columns: every integer and float type (a float
/// NaN is a missing score). Sealed: the library reads exactly these.
pub trait Score: sealed::Sealed + Copy {
    /// The `npscore_dtype` of the type.
    const DTYPE: i32;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! score_types {
    ($($t:ty => $d:ident),*) => {$(
        impl sealed::Sealed for $t {}
        impl Score for $t { const DTYPE: i32 = sys::$d; }
    )*};
}
score_types!(f64 => NPSCORE_F64, f32 => NPSCORE_F32, i8 => NPSCORE_I8, i16 => NPSCORE_I16,
             i32 => NPSCORE_I32, i64 => NPSCORE_I64, u8 => NPSCORE_U8, u16 => NPSCORE_U16,
             u32 => NPSCORE_U32, u64 => NPSCORE_U64);
#[cfg(target_pointer_width = "64")]
score_types!(isize => NPSCORE_I64, usize => NPSCORE_U64);
#[cfg(target_pointer_width = "32")]
score_types!(isize => NPSCORE_I32, usize => NPSCORE_U32);

/// A slice's data pointer, or NULL for an empty slice (the C convention).
pub(crate) fn ptr_or_null<T>(s: &[T]) -> *const T {
    if s.is_empty() {
        std::ptr::null()
    } else {
        s.as_ptr()
    }
}

/// An optional column's pointer (NULL for None or empty).
pub(crate) fn opt_ptr<T>(s: Option<&[T]>) -> *const T {
    s.map_or(std::ptr::null(), ptr_or_null)
}

/// Checks that an optional column has one value per row.
pub(crate) fn check_len(func: &str, name: &str, got: usize, want: usize) -> Result<()> {
    if got != want {
        return Err(Error::invalid(format!(
            "{func}: {name} has {got} elements, want {want} (one per row)"
        )));
    }
    Ok(())
}
