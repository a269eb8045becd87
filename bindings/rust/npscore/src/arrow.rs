//! Whole columns of result tables through the Arrow C Data Interface, read
//! with the struct layout of the specification (no Arrow dependency).

use std::ffi::CStr;
use std::mem::MaybeUninit;

use crate::error::call;
use crate::{sys, Error, HealthTable, Result};

/// An exported struct array and its schema, released on drop.
struct Export {
    array: sys::ArrowArray,
    schema: sys::ArrowSchema,
}

impl Drop for Export {
    fn drop(&mut self) {
        // The producer's callbacks, each called once (NULL once released).
        unsafe {
            if let Some(release) = self.array.release {
                release(&mut self.array);
            }
            if let Some(release) = self.schema.release {
                release(&mut self.schema);
            }
        }
    }
}

/// A typed column: its Arrow format and how a null reads.
trait Column: Copy {
    const FORMAT: &'static str;
    fn null(name: &str, row: usize) -> Result<Self>;
}

impl Column for f64 {
    const FORMAT: &'static str = "g";
    fn null(_: &str, _: usize) -> Result<f64> {
        Ok(f64::NAN)
    }
}

impl Column for i64 {
    const FORMAT: &'static str = "l";
    fn null(name: &str, row: usize) -> Result<i64> {
        Err(Error::invalid(format!(
            "column {name:?} is null at row {row}"
        )))
    }
}

impl Export {
    /// Copies the child column `name` of format T::FORMAT.
    fn column<T: Column>(&self, name: &str) -> Result<Vec<T>> {
        let n = self.schema.n_children.min(self.array.n_children).max(0) as usize;
        if n == 0 || self.schema.children.is_null() || self.array.children.is_null() {
            return Err(Error::invalid(format!(
                "no column {name:?} in the table's Arrow export"
            )));
        }
        // The producer's children arrays hold n_children valid pointers.
        let schemas = unsafe { std::slice::from_raw_parts(self.schema.children, n) };
        let arrays = unsafe { std::slice::from_raw_parts(self.array.children, n) };
        for (s, a) in schemas.iter().zip(arrays) {
            let (s, a) = unsafe { (&**s, &**a) };
            if unsafe { CStr::from_ptr(s.name) }.to_bytes() != name.as_bytes() {
                continue;
            }
            let format = unsafe { CStr::from_ptr(s.format) }.to_string_lossy();
            if format != T::FORMAT || a.n_buffers != 2 {
                return Err(Error::invalid(format!(
                    "column {name:?} has Arrow format {format:?} with {} buffers, not {:?}",
                    a.n_buffers,
                    T::FORMAT
                )));
            }
            let buffers = unsafe { std::slice::from_raw_parts(a.buffers, 2) };
            let len = a.length.max(0) as usize;
            let offset = a.offset.max(0) as usize;
            if len == 0 {
                return Ok(Vec::new());
            }
            // Values: length + offset elements of T (both formats are 8 bytes).
            let values =
                unsafe { std::slice::from_raw_parts(buffers[1].cast::<T>().add(offset), len) };
            let validity = buffers[0].cast::<u8>();
            if a.null_count == 0 || validity.is_null() {
                return Ok(values.to_vec());
            }
            return values
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let j = i + offset;
                    let valid = unsafe { *validity.add(j / 8) } & (1 << (j % 8)) != 0;
                    if valid {
                        Ok(v)
                    } else {
                        T::null(name, i)
                    }
                })
                .collect();
        }
        Err(Error::invalid(format!(
            "no column {name:?} in the table's Arrow export"
        )))
    }
}

impl HealthTable {
    fn export(&self) -> Result<Export> {
        let mut array = MaybeUninit::<sys::ArrowArray>::zeroed();
        let mut schema = MaybeUninit::<sys::ArrowSchema>::zeroed();
        call(|e| unsafe {
            sys::npscore_health_table_export_arrow(
                array.as_mut_ptr(),
                schema.as_mut_ptr(),
                self.raw(),
                e,
            )
        })?;
        // Written by the library on success (and zeroed before).
        Ok(unsafe {
            Export {
                array: array.assume_init(),
                schema: schema.assume_init(),
            }
        })
    }

    /// A float64 column (e.g. "nps", "share_passives", "change_p_adjusted":
    /// the names of [`crate::HealthRow`]'s fields) read whole through the
    /// Arrow C Data Interface: one copy instead of one call per row. A null
    /// reads as NaN.
    pub fn f64_column(&self, name: &str) -> Result<Vec<f64>> {
        self.export()?.column::<f64>(name)
    }

    /// An int64 column (e.g. "n", "promoters", "slice", "period") read whole
    /// through the Arrow C Data Interface. A null is an error.
    pub fn i64_column(&self, name: &str) -> Result<Vec<i64>> {
        self.export()?.column::<i64>(name)
    }
}
