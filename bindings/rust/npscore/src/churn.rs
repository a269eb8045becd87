use std::ffi::{c_char, CString};
use std::path::Path;
use std::ptr::{self, NonNull};

use crate::error::{call, lent_str};
use crate::nps::as_ptr;
use crate::{check_len, opt_ptr, ptr_or_null, sys, Error, Result};

/// How a fit ended; `converged` is 0 for a fit that reached max_iter (usable,
/// to be checked: not an error). Prior models have `is_prior` 1.
pub type FitInfo = sys::npscore_churn_fit_info;

/// The memory layout of a matrix of doubles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Layout {
    /// Element (i, j) at data[i * cols + j].
    #[default]
    RowMajor,
    /// Element (i, j) at data[j * rows + i].
    ColMajor,
}

/// A rows x cols matrix of doubles, read in place.
#[derive(Clone, Copy, Debug)]
pub struct Matrix<'a> {
    pub data: &'a [f64],
    pub rows: usize,
    pub cols: usize,
    pub layout: Layout,
}

impl<'a> Matrix<'a> {
    /// A row-major matrix.
    pub fn row_major(data: &'a [f64], rows: usize, cols: usize) -> Self {
        Matrix {
            data,
            rows,
            cols,
            layout: Layout::RowMajor,
        }
    }

    /// A column-major matrix.
    pub fn col_major(data: &'a [f64], rows: usize, cols: usize) -> Self {
        Matrix {
            data,
            rows,
            cols,
            layout: Layout::ColMajor,
        }
    }

    /// Checks that data holds exactly rows x cols values, so that the library
    /// never reads past the slice.
    fn check(&self, func: &str) -> Result<()> {
        if self.rows.checked_mul(self.cols) != Some(self.data.len()) {
            return Err(Error::invalid(format!(
                "{func}: x has {} values for {} rows x {} columns",
                self.data.len(),
                self.rows,
                self.cols
            )));
        }
        Ok(())
    }

    fn layout_code(&self) -> i32 {
        match self.layout {
            Layout::RowMajor => sys::NPSCORE_ROW_MAJOR,
            Layout::ColMajor => sys::NPSCORE_COL_MAJOR,
        }
    }
}

/// The class weights of a churn fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClassWeight {
    /// All 1 (the default).
    None,
    /// sum(w) / (2 sum(w of the class)), as scikit-learn's "balanced".
    Balanced,
    /// The weights of class 0 and class 1.
    Given(f64, f64),
}

/// The options of [`ChurnModel::fit`]: L2 logistic regression with
/// scikit-learn's objective, solved by Newton's method. `Default` is the
/// library's (scikit-learn's LogisticRegression).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChurnFitOptions {
    /// Inverse L2 strength, > 0; f64::INFINITY: no penalty (1).
    pub c: f64,
    pub fit_intercept: bool,
    /// Fit on standardized columns; coefficients stay on the original scale.
    pub standardize: bool,
    pub class_weight: ClassWeight,
    /// Gradient tolerance (1e-8).
    pub tol: f64,
    /// Newton iterations (100).
    pub max_iter: i32,
    /// 0: automatic.
    pub threads: i32,
}

impl Default for ChurnFitOptions {
    fn default() -> Self {
        let mut c = sys::npscore_churn_fit_options::default();
        call(|e| unsafe {
            sys::npscore_churn_fit_options_init(&mut c, sys::NPSCORE_CHURN_FIT_OPTIONS_VERSION, e)
        })
        .expect("npscore: the library rejected its own options version");
        ChurnFitOptions {
            c: c.C,
            fit_intercept: c.fit_intercept != 0,
            standardize: c.standardize != 0,
            class_weight: match c.class_weight_mode {
                sys::NPSCORE_CLASS_WEIGHT_BALANCED => ClassWeight::Balanced,
                sys::NPSCORE_CLASS_WEIGHT_GIVEN => {
                    ClassWeight::Given(c.class_weight[0], c.class_weight[1])
                }
                _ => ClassWeight::None,
            },
            tol: c.tol,
            max_iter: c.max_iter,
            threads: c.threads,
        }
    }
}

impl ChurnFitOptions {
    fn to_c(self) -> sys::npscore_churn_fit_options {
        let (mode, weights) = match self.class_weight {
            ClassWeight::None => (sys::NPSCORE_CLASS_WEIGHT_NONE, [1.0, 1.0]),
            ClassWeight::Balanced => (sys::NPSCORE_CLASS_WEIGHT_BALANCED, [1.0, 1.0]),
            ClassWeight::Given(w0, w1) => (sys::NPSCORE_CLASS_WEIGHT_GIVEN, [w0, w1]),
        };
        sys::npscore_churn_fit_options {
            version: sys::NPSCORE_CHURN_FIT_OPTIONS_VERSION,
            C: self.c,
            fit_intercept: self.fit_intercept as i32,
            standardize: self.standardize as i32,
            class_weight_mode: mode,
            class_weight: weights,
            tol: self.tol,
            max_iter: self.max_iter,
            threads: self.threads,
        }
    }
}

/// The segment base rates of a prior model: each a churn rate within a
/// horizon in days. `Default` is the library's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChurnPriorOptions {
    pub detractor_rate: f64,
    pub detractor_days: f64,
    pub early_life_detractor_rate: f64,
    pub early_life_detractor_days: f64,
    pub passive_rate: f64,
    pub passive_days: f64,
    pub promoter_rate: f64,
    pub promoter_days: f64,
    /// No answer yet.
    pub baseline_rate: f64,
    pub baseline_days: f64,
}

impl Default for ChurnPriorOptions {
    fn default() -> Self {
        let mut c = sys::npscore_churn_prior_options::default();
        call(|e| unsafe {
            sys::npscore_churn_prior_options_init(
                &mut c,
                sys::NPSCORE_CHURN_PRIOR_OPTIONS_VERSION,
                e,
            )
        })
        .expect("npscore: the library rejected its own options version");
        ChurnPriorOptions {
            detractor_rate: c.detractor_rate,
            detractor_days: c.detractor_days,
            early_life_detractor_rate: c.early_life_detractor_rate,
            early_life_detractor_days: c.early_life_detractor_days,
            passive_rate: c.passive_rate,
            passive_days: c.passive_days,
            promoter_rate: c.promoter_rate,
            promoter_days: c.promoter_days,
            baseline_rate: c.baseline_rate,
            baseline_days: c.baseline_days,
        }
    }
}

impl ChurnPriorOptions {
    fn to_c(self) -> sys::npscore_churn_prior_options {
        sys::npscore_churn_prior_options {
            version: sys::NPSCORE_CHURN_PRIOR_OPTIONS_VERSION,
            detractor_rate: self.detractor_rate,
            detractor_days: self.detractor_days,
            early_life_detractor_rate: self.early_life_detractor_rate,
            early_life_detractor_days: self.early_life_detractor_days,
            passive_rate: self.passive_rate,
            passive_days: self.passive_days,
            promoter_rate: self.promoter_rate,
            promoter_days: self.promoter_days,
            baseline_rate: self.baseline_rate,
            baseline_days: self.baseline_days,
        }
    }
}

fn c_string(func: &str, what: &str, bytes: &[u8]) -> Result<CString> {
    CString::new(bytes).map_err(|_| Error::invalid(format!("{func}: {what} contains a NUL byte")))
}

/// A fitted, prior or loaded churn model. Immutable, `Send` and `Sync`;
/// freed on drop.
#[derive(Debug)]
pub struct ChurnModel {
    ptr: NonNull<sys::npscore_churn_model>,
}

unsafe impl Send for ChurnModel {}
unsafe impl Sync for ChurnModel {}

impl ChurnModel {
    fn from_raw(p: *mut sys::npscore_churn_model) -> Self {
        ChurnModel {
            ptr: NonNull::new(p).expect("npscore: OK without a model"),
        }
    }

    /// Fits a model to x, labels y (0 or 1, one per row, both present) and
    /// sample weights (None: all 1). feature_names: None (x0, x1, ...) or
    /// one distinct name per column; churn_features' names
    /// ("segment=detractor", ...) switch on the core's reason rules.
    pub fn fit(
        x: &Matrix<'_>,
        y: &[f64],
        sample_weight: Option<&[f64]>,
        feature_names: Option<&[&str]>,
        options: Option<&ChurnFitOptions>,
    ) -> Result<Self> {
        const F: &str = "ChurnModel::fit";
        x.check(F)?;
        check_len(F, "y", y.len(), x.rows)?;
        if let Some(w) = sample_weight {
            check_len(F, "sample_weight", w.len(), x.rows)?;
        }
        let names: Option<Vec<CString>> = match feature_names {
            Some(n) if n.len() != x.cols => {
                return Err(Error::invalid(format!(
                    "{F}: feature_names has {} names for {} columns",
                    n.len(),
                    x.cols
                )))
            }
            Some(n) => Some(
                n.iter()
                    .map(|s| c_string(F, "a feature name", s.as_bytes()))
                    .collect::<Result<_>>()?,
            ),
            None => None,
        };
        let name_ptrs: Option<Vec<*const c_char>> = names
            .as_ref()
            .map(|v| v.iter().map(|s| s.as_ptr()).collect());
        let o = options.map(|o| o.to_c());
        let mut p = ptr::null_mut();
        call(|e| unsafe {
            sys::npscore_churn_model_fit(
                &mut p,
                ptr_or_null(x.data),
                x.rows,
                x.cols,
                x.layout_code(),
                ptr_or_null(y),
                opt_ptr(sample_weight),
                name_ptrs.as_ref().map_or(ptr::null(), |v| ptr_or_null(v)),
                as_ptr(&o),
                e,
            )
        })?;
        Ok(Self::from_raw(p))
    }

    /// A prior model without training data: the base rates converted to
    /// horizon_days, read from four 0/1 columns in this order:
    /// "segment=detractor", "segment=passive", "has_response",
    /// "early_life_detractor".
    pub fn prior(horizon_days: f64, options: Option<&ChurnPriorOptions>) -> Result<Self> {
        let o = options.map(|o| o.to_c());
        let mut p = ptr::null_mut();
        call(|e| unsafe { sys::npscore_churn_model_new(&mut p, horizon_days, as_ptr(&o), e) })?;
        Ok(Self::from_raw(p))
    }

    /// Reads a model saved by any language's npscore.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = c_string(
            "ChurnModel::load",
            "path",
            path.as_ref().as_os_str().as_encoded_bytes(),
        )?;
        let mut p = ptr::null_mut();
        call(|e| unsafe { sys::npscore_churn_model_load(&mut p, path.as_ptr(), e) })?;
        Ok(Self::from_raw(p))
    }

    /// Writes the model (versioned binary format with a checksum).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = c_string(
            "ChurnModel::save",
            "path",
            path.as_ref().as_os_str().as_encoded_bytes(),
        )?;
        call(|e| unsafe { sys::npscore_churn_model_save(self.ptr.as_ptr(), path.as_ptr(), e) })
    }

    /// How the fit ended.
    pub fn info(&self) -> Result<FitInfo> {
        let mut out = FitInfo::default();
        call(|e| unsafe { sys::npscore_churn_model_info(&mut out, self.ptr.as_ptr(), e) })?;
        Ok(out)
    }

    /// The number of features.
    pub fn n_features(&self) -> usize {
        unsafe { sys::npscore_churn_model_n_features(self.ptr.as_ptr()) }
    }

    /// The coefficients (original scale) and the intercept.
    pub fn coef(&self) -> Result<(Vec<f64>, f64)> {
        let mut coef = vec![0.0; self.n_features()];
        let mut intercept = 0.0;
        call(|e| unsafe {
            sys::npscore_churn_model_coef(
                coef.as_mut_ptr(),
                coef.len(),
                &mut intercept,
                self.ptr.as_ptr(),
                e,
            )
        })?;
        Ok((coef, intercept))
    }

    /// The feature names, borrowed from the model.
    pub fn feature_names(&self) -> Result<Vec<&str>> {
        (0..self.n_features())
            .map(|j| {
                let mut s = ptr::null();
                call(|e| unsafe {
                    sys::npscore_churn_model_feature_name(&mut s, self.ptr.as_ptr(), j, e)
                })?;
                // Owned by the model, which the borrow of self keeps alive.
                unsafe { lent_str(s) }
            })
            .collect()
    }

    /// P(churn) of each row of x.
    pub fn predict(&self, x: &Matrix<'_>) -> Result<Vec<f64>> {
        x.check("ChurnModel::predict")?;
        let mut out = vec![0.0; x.rows];
        call(|e| unsafe {
            sys::npscore_churn_model_predict(
                out.as_mut_ptr(),
                out.len(),
                self.ptr.as_ptr(),
                ptr_or_null(x.data),
                x.rows,
                x.cols,
                x.layout_code(),
                e,
            )
        })?;
        Ok(out)
    }
}

impl Drop for ChurnModel {
    fn drop(&mut self) {
        unsafe { sys::npscore_churn_model_free(self.ptr.as_ptr()) }
    }
}
