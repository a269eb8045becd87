use std::ffi::CStr;
use std::fmt;
use std::mem::MaybeUninit;

use crate::sys;

/// The status of a failed call (npscore_status).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// NPSCORE_EINVAL: an invalid argument or invalid data.
    Invalid,
    /// NPSCORE_ENOMEM: out of memory.
    NoMemory,
    /// NPSCORE_EINTERNAL: a bug in npscore.
    Internal,
    /// NPSCORE_ENULL: a required pointer was NULL.
    Null,
    /// NPSCORE_EVERSION: an options version the library does not know.
    Version,
    /// NPSCORE_ERANGE: an output capacity too small.
    Range,
    /// NPSCORE_EIO: a file could not be read or written.
    Io,
    /// A code this crate does not know (from a newer library).
    Other(i32),
}

impl Status {
    /// The status of a C code (not NPSCORE_OK).
    pub fn from_code(code: i32) -> Status {
        match code {
            sys::NPSCORE_EINVAL => Status::Invalid,
            sys::NPSCORE_ENOMEM => Status::NoMemory,
            sys::NPSCORE_EINTERNAL => Status::Internal,
            sys::NPSCORE_ENULL => Status::Null,
            sys::NPSCORE_EVERSION => Status::Version,
            sys::NPSCORE_ERANGE => Status::Range,
            sys::NPSCORE_EIO => Status::Io,
            c => Status::Other(c),
        }
    }

    /// The C code.
    pub fn code(self) -> i32 {
        match self {
            Status::Invalid => sys::NPSCORE_EINVAL,
            Status::NoMemory => sys::NPSCORE_ENOMEM,
            Status::Internal => sys::NPSCORE_EINTERNAL,
            Status::Null => sys::NPSCORE_ENULL,
            Status::Version => sys::NPSCORE_EVERSION,
            Status::Range => sys::NPSCORE_ERANGE,
            Status::Io => sys::NPSCORE_EIO,
            Status::Other(c) => c,
        }
    }

    /// The library's name and meaning of the status (npscore_status_string).
    pub fn description(self) -> &'static str {
        // Static and never NULL.
        unsafe { CStr::from_ptr(sys::npscore_status_string(self.code())) }
            .to_str()
            .unwrap_or("")
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// The error of a failed call: its status and the library's message for
/// that very call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
}

impl Error {
    /// The status code.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The message: the function, the argument and, for data, the first
    /// offending row and value.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// An error found before calling the library (a Rust-only condition,
    /// such as columns of different lengths).
    pub(crate) fn invalid(message: String) -> Error {
        Error {
            status: Status::Invalid,
            message,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "npscore: {}", self.message)
    }
}

impl std::error::Error for Error {}

/// The result of every fallible function.
pub type Result<T> = std::result::Result<T, Error>;

/// Runs one C call with its own npscore_error and converts a failure.
pub(crate) fn call(f: impl FnOnce(*mut sys::npscore_error) -> sys::npscore_status) -> Result<()> {
    let mut err = MaybeUninit::<sys::npscore_error>::zeroed();
    let status = f(err.as_mut_ptr());
    if status == sys::NPSCORE_OK {
        return Ok(());
    }
    // Zeroed, then written by the library: initialised either way.
    let err = unsafe { err.assume_init() };
    let bytes: &[u8] =
        unsafe { std::slice::from_raw_parts(err.message.as_ptr().cast(), err.message.len()) };
    let message = CStr::from_bytes_until_nul(bytes)
        .map(|m| m.to_string_lossy().into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned());
    Err(Error {
        status: Status::from_code(status),
        message,
    })
}

/// Reads a string the library lent (owned by a handle or static).
///
/// # Safety
/// `p` is a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn lent_str<'a>(p: *const std::ffi::c_char) -> Result<&'a str> {
    CStr::from_ptr(p).to_str().map_err(|e| Error {
        status: Status::Internal,
        message: format!("invalid UTF-8 from the library: {e}"),
    })
}
