"""Typed stub of the compiled core module npscore._npscore."""

from typing import Optional

import numpy as np
import numpy.typing as npt

__version__: str
version_number: int

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
def compare(a: Summary, b: Summary, method: str, confidence: float) -> Comparison: ...
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
