"""Typed stub of the compiled core module npscore._npscore."""

from typing import Any, Optional

import numpy as np
import numpy.typing as npt

__version__: str
version_number: int
#: The core's documented bounds checked by the Python layer (npscore._args).
limits: dict[str, float]
#: The core's defaults, read from its option structs: the Python layer's
#: module constants and signature defaults come from here.
defaults: dict[str, Any]

class Cutoffs:
    detractor_max: int
    passive_max: int
    scale_max: int
    def __init__(self, detractor_max: int = 6, passive_max: int = 8, scale_max: int = 10) -> None: ...

class Counts:
    detractors: int
    passives: int
    promoters: int
    skipped: int
    @property
    def n(self) -> int: ...
    def __init__(self, detractors: int, passives: int, promoters: int, skipped: int = 0) -> None: ...
    def merge(self, other: Counts) -> Counts: ...

class Summary:
    @property
    def n(self) -> int | float: ...
    @property
    def detractors(self) -> int | float: ...
    @property
    def passives(self) -> int | float: ...
    @property
    def promoters(self) -> int | float: ...
    nps: float
    se: float
    ci_low: float
    ci_high: float
    method: str
    confidence: float
    n_effective: float
    skipped: int
    weighted: bool
    rows: int
    share_detractors: float
    share_passives: float
    share_promoters: float
    def to_dict(self) -> dict[str, object]: ...

class Comparison:
    diff: float
    se: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    method: str
    confidence: float
    test: str
    def to_dict(self) -> dict[str, object]: ...

def segment(scores: npt.NDArray[np.generic], cutoffs: Cutoffs) -> npt.NDArray[np.int8]: ...
def count(scores: npt.NDArray[np.generic], cutoffs: Cutoffs, missing: str) -> Counts: ...
def summarize(
    scores: npt.NDArray[np.generic],
    weights: Optional[npt.NDArray[np.float64]],
    cutoffs: Cutoffs,
    missing: str,
    method: str,
    confidence: float,
) -> Summary: ...
def summarize_counts(counts: Counts, method: str, confidence: float) -> Summary: ...
def compare(a: Summary, b: Summary, method: str, confidence: float, test: str) -> Comparison: ...
def by_group(
    scores: npt.NDArray[np.generic],
    codes: npt.NDArray[np.int64],
    n_groups: int,
    weights: Optional[npt.NDArray[np.float64]],
    cutoffs: Cutoffs,
    missing: str,
    method: str,
    confidence: float,
    min_n: float,
) -> dict[str, npt.NDArray[np.generic]]: ...
def factorize_keys(
    keys: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
def by_key(
    scores: npt.NDArray[np.generic],
    keys: npt.NDArray[np.int64],
    weights: Optional[npt.NDArray[np.float64]],
    cutoffs: Cutoffs,
    missing: str,
    method: str,
    confidence: float,
    min_n: float,
) -> tuple[npt.NDArray[np.int64], dict[str, npt.NDArray[np.generic]]]: ...

# --- health -------------------------------------------------------------------
def default_health_thresholds() -> dict[str, float]: ...
def adjust_p_values(p: npt.NDArray[np.float64], adjustment: str) -> npt.NDArray[np.float64]: ...
def factorize_strings(
    values: npt.NDArray[np.object_], missing: tuple[object, ...]
) -> Optional[tuple[npt.NDArray[np.signedinteger], list[str], bool]]: ...
def time_range(times: npt.NDArray[np.int64]) -> tuple[int, int, int]: ...
def period_grid(
    min_time: int, max_time: int, freq: str, tz: str
) -> tuple[npt.NDArray[np.int64], list[str]]: ...
def assign_periods(
    times: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], labels: list[str],
    skip_missing: bool,
) -> npt.NDArray[np.int32]: ...
def health_table(
    scores: npt.NDArray[np.generic], periods: npt.NDArray[np.int32], n_periods: int,
    slices: Optional[npt.NDArray[np.signedinteger]], n_slices: int, cutoffs: Cutoffs,
    missing: str, method: str, confidence: float, adjustment: str,
    thresholds: dict[str, float], mode: str = "alert", freq: str = "M",
) -> dict[str, object]: ...
def health_over_time(
    scores: npt.NDArray[np.generic], times: npt.NDArray[np.int64], starts: npt.NDArray[np.int64],
    labels: list[str], slices: Optional[npt.NDArray[np.signedinteger]], n_slices: int,
    cutoffs: Cutoffs, missing: str, method: str, confidence: float, adjustment: str,
    thresholds: dict[str, float], mode: str = "alert", freq: str = "M",
) -> dict[str, object]: ...
def rolling_health_over_time(
    scores: npt.NDArray[np.generic], times: npt.NDArray[np.int64], starts: npt.NDArray[np.int64],
    labels: list[str], tz: str, window_days: int,
    slices: Optional[npt.NDArray[np.signedinteger]], n_slices: int, cutoffs: Cutoffs,
    missing: str, method: str, confidence: float, adjustment: str,
    thresholds: dict[str, float], mode: str = "alert", freq: str = "M",
) -> dict[str, object]: ...
def segment_trends(
    scores: npt.NDArray[np.generic], periods: npt.NDArray[np.int32], n_periods: int,
    slices: Optional[npt.NDArray[np.signedinteger]], n_slices: int, cutoffs: Cutoffs,
    missing: str, trend_periods: int, adjustment: str,
) -> dict[str, npt.NDArray[np.generic]]: ...
def migration(
    scores: npt.NDArray[np.generic], customers: npt.NDArray[np.int64],
    times: npt.NDArray[np.int64], periods: npt.NDArray[np.int32], n_periods: int,
    cutoffs: Cutoffs, missing: str,
) -> dict[str, object]: ...
def attribute_change(a: list[Counts], b: list[Counts]) -> dict[str, object]: ...
def event_impact(
    scores: npt.NDArray[np.generic], times: npt.NDArray[np.int64],
    slices: Optional[npt.NDArray[np.int64]], n_slices: int, events: npt.NDArray[np.int64],
    before_ns: int, after_ns: int, cutoffs: Cutoffs, missing: str, method: str,
    confidence: float,
) -> list[tuple[int, int, Summary, Summary, Comparison, bool]]: ...
def account_nps(
    scores: npt.NDArray[np.generic], accounts: npt.NDArray[np.int64], n_accounts: int,
    contacts: Optional[npt.NDArray[np.int64]], times: Optional[npt.NDArray[np.int64]],
    how: str, account_weights: Optional[npt.NDArray[np.float64]], min_n: float,
    cutoffs: Cutoffs, missing: str, method: str, confidence: float,
) -> dict[str, object]: ...

# --- priority ---------------------------------------------------------------------
def default_recovery() -> tuple[list[float], list[float]]: ...
def recoverability(
    hours: npt.NDArray[np.float64], anchor_hours: list[float], anchor_probability: list[float],
) -> npt.NDArray[np.float64]: ...
def prioritize(
    churn_risk: npt.NDArray[np.float64], clv: npt.NDArray[np.float64],
    segment: Optional[npt.NDArray[np.int8]], responded_at: Optional[npt.NDArray[np.int64]],
    now: int, sla_hours: float, anchor_hours: list[float], anchor_probability: list[float],
    top: int, capacities: list[int], threads: int = 0,
    contacted_at: Optional[npt.NDArray[np.int64]] = None,
    closed: Optional[npt.NDArray[np.uint8]] = None, passive_sla_hours: float = 72.0,
    promoter_sla_hours: float = 168.0, window_hours: float = -1.0, urgency_hours: float = 24.0,
) -> dict[str, object]: ...
def revenue_at_risk(
    churn_risk: npt.NDArray[np.float64], clv: npt.NDArray[np.float64],
    codes: Optional[npt.NDArray[np.int32]], n_groups: int,
) -> dict[str, object]: ...
def latest_responses(
    customers: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    groups: Optional[npt.NDArray[np.int64]] = None, missing: str = "error",
) -> dict[str, object]: ...
def play_name(code: int) -> str: ...
def play_script(code: int) -> str: ...

# --- themes -----------------------------------------------------------------------
def default_taxonomy() -> list[tuple[str, list[str]]]: ...
def normalize_text(text: str, replace: bool = False) -> str: ...

class ThemeTagger:
    def __init__(self, taxonomy: list[tuple[str, list[str]]]) -> None: ...
    @property
    def taxonomy(self) -> list[tuple[str, list[str]]]: ...
    @property
    def themes(self) -> list[str]: ...
    def tag(self, comments: npt.NDArray[np.object_], invalid: str = "error",
            threads: int = 0) -> npt.NDArray[np.uint8]: ...

def theme_impact(
    indicators: npt.NDArray[np.uint8], segment: npt.NDArray[np.int8],
    clv: npt.NDArray[np.float64], clv_basis: str = "segment",
) -> dict[str, npt.NDArray[np.generic]]: ...

# Churn features (npscore/churn.h).
def churn_features(
    customers: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    scores: npt.NDArray[np.generic], followed_up: Optional[npt.NDArray[np.int64]],
    customer_ids: npt.NDArray[np.int64], signup_times: Optional[npt.NDArray[np.int64]],
    as_of: int, cutoffs: Cutoffs, missing: str, early_life_days: float, unknown: str,
) -> dict[str, object]: ...  # "table": the core's _ChurnFeatures
class _ChurnFeatures: ...
class _ChurnDesign:
    names: list[str]
    fill: bool
    def serialize(self) -> bytes: ...
    def select(self, names: list[str]) -> _ChurnDesign: ...
def churn_feature_columns() -> list[str]: ...
def churn_design(
    signup: bool, followed_up: bool, themes: list[str],
    user: list[tuple[str, bool, list[str], bool]], fill: bool, cutoffs: Cutoffs,
) -> _ChurnDesign: ...
def churn_design_parse(data: bytes) -> _ChurnDesign: ...
def churn_design_matrix(
    design: _ChurnDesign, features: _ChurnFeatures, theme_flags: npt.NDArray[np.float64],
    n_response_rows: int, numeric: list[Optional[npt.NDArray[np.float64]]],
    codes: list[Optional[npt.NDArray[np.int32]]],
) -> npt.NDArray[np.float64]: ...
def churn_labels(
    churned_at: npt.NDArray[np.int64], signup_times: Optional[npt.NDArray[np.int64]],
    as_of: int, horizon_ns: int,
) -> dict[str, object]: ...
def check_time_split(train_as_of: int, test_as_of: int, horizon_ns: int,
                     observed_until: int) -> None: ...
# --- churn model (bindings/python/src/churn.cc) ---
class _ChurnModel:
    coef: npt.NDArray[np.float64]
    intercept: float
    feature_names: list[str]
    reference: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    n_iter: int
    converged: bool
    grad_norm: float
    objective: float
    warnings: list[str]
    is_prior: bool
    horizon_days: float
    design: Optional[_ChurnDesign]
    C: float
    fit_intercept: bool
    standardize: bool
    tol: float
    max_iter: int
    class_weight: object

def churn_fit(
    X: npt.NDArray[np.float64], y: npt.NDArray[np.float64],
    sample_weight: Optional[npt.NDArray[np.float64]], names: list[str], C: float,
    fit_intercept: bool, standardize: bool, class_weight: list[float], balanced: bool,
    tol: float, max_iter: int, threads: int, design: Optional[_ChurnDesign] = None,
) -> _ChurnModel: ...
def churn_check_columns(model: _ChurnModel, names: list[str]) -> None: ...
def churn_explain(
    model: _ChurnModel, X: npt.NDArray[np.float64], top: int, threads: int = 0,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32], npt.NDArray[np.float64]]: ...
def churn_reason_rules(names: list[str]) -> list[tuple[str, int, int, float]]: ...
def churn_predict(model: _ChurnModel, X: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
def churn_prior(horizon_days: float, rates: dict[str, object], columns: dict[str, str]) -> _ChurnModel: ...
def churn_prior_rates() -> dict[str, tuple[float, float]]: ...
def churn_convert_horizon(rate: float, from_days: float, horizon_days: float) -> float: ...
def churn_evaluate(y_true: npt.NDArray[np.float64], p: npt.NDArray[np.float64], bins: int) -> dict[str, object]: ...
def churn_folds(n: int, k: int, seed: int) -> npt.NDArray[np.int32]: ...
def churn_cross_validate(
    X: npt.NDArray[np.float64], y: npt.NDArray[np.float64],
    sample_weight: Optional[npt.NDArray[np.float64]], C: float, fit_intercept: bool,
    standardize: bool, class_weight: list[float], balanced: bool, tol: float, max_iter: int,
    threads: int, k: int, seed: int, bins: int,
) -> dict[str, npt.NDArray[Any]]: ...
def churn_prior_proba(
    X: npt.NDArray[np.float64], names: list[str], horizon_days: float,
) -> Optional[npt.NDArray[np.float64]]: ...
def churn_serialize(model: _ChurnModel) -> bytes: ...
def churn_parse(data: bytes) -> _ChurnModel: ...
def churn_save(model: _ChurnModel, path: str) -> None: ...
def churn_load(path: str) -> _ChurnModel: ...
# --- clv -------------------------------------------------------------------------
_F64 = npt.NDArray[np.float64]
def rfm_summary(
    customers: npt.NDArray[np.int64], n_customers: int, times: npt.NDArray[np.int64],
    amounts: Optional[_F64], observation_end: int, freq: str,
) -> dict[str, npt.NDArray[np.generic]]: ...
def clv_periods_per_month(freq: str) -> float: ...
def fit_beta_geo(
    frequency: _F64, recency: _F64, T: _F64, weights: Optional[_F64], penalizer: float,
    max_iterations: int, tolerance: float,
) -> tuple[tuple[float, float, float, float], dict[str, float | bool]]: ...
def beta_geo_probability_alive(
    params: tuple[float, float, float, float], frequency: _F64, recency: _F64, T: _F64,
) -> _F64: ...
def beta_geo_expected_purchases(
    params: tuple[float, float, float, float], t: float, frequency: _F64, recency: _F64,
    T: _F64,
) -> _F64: ...
def fit_gamma_gamma(
    frequency: _F64, monetary_value: _F64, weights: Optional[_F64], penalizer: float,
    max_iterations: int, tolerance: float, nonpositive_spend: str = "error",
) -> tuple[tuple[float, float, float], dict[str, float | bool]]: ...
def beta_geo_covariance(
    params: tuple[float, float, float, float], frequency: _F64, recency: _F64, T: _F64,
    weights: Optional[_F64], penalizer: float,
) -> _F64: ...
def gamma_gamma_covariance(
    params: tuple[float, float, float], frequency: _F64, monetary_value: _F64,
    weights: Optional[_F64], penalizer: float, nonpositive_spend: str,
) -> _F64: ...
def beta_geo_unconditional_purchases(
    params: tuple[float, float, float, float], t: _F64,
) -> _F64: ...
def beta_geo_purchase_probability(
    params: tuple[float, float, float, float], t: _F64, n: _F64,
) -> _F64: ...
def gamma_gamma_expected_profit(
    params: tuple[float, float, float], frequency: _F64, monetary_value: _F64,
) -> _F64: ...
def customer_lifetime_value(
    bg: tuple[float, float, float, float], gg: tuple[float, float, float], frequency: _F64,
    recency: _F64, T: _F64, monetary_value: _F64, months: int, discount_rate: float,
    periods_per_month: float,
) -> _F64: ...
