"""Type aliases shared by the public signatures (for type checkers; nothing
here changes what a function accepts at run time).

The option aliases list the spellings the core's parsers accept, in the case
the docs use; the core also ignores ASCII case ("Holm", "WALD"), which a
`Literal` cannot express: such spellings still run, but a type checker
asks for the documented one (or a ``typing.cast``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Optional, Protocol, Sequence, Union

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Method", "CompareTest", "Missing", "Adjust", "Freq", "RfmFreq", "Mode", "Basis", "WeightBy",
    "RollUp", "InvalidText", "UnknownCustomer", "ClvBasis", "NonPositiveSpend",
    "ArrowArrayExportable", "ArrowStreamExportable", "ArrayLike", "FloatArray", "IntArray",
    "Prediction",
]

#: Interval method (npscore/nps.h ParseIntervalMethod).
Method = Literal["adjusted-wald", "wald", "score"]
#: Significance test of `compare` (ParseCompareTest).
CompareTest = Literal["auto", "asymptotic", "exact", "mid-p"]
#: What a missing (NaN) score does: fail naming its row, or be left out and counted.
Missing = Literal["error", "skip"]
#: Multiple-testing adjustment (ParseAdjustment): "bh", "fdr_bh" and
#: "benjamini-hochberg" are one method.
Adjust = Literal["holm", "bh", "fdr_bh", "benjamini-hochberg", "none"]
#: Calendar period of `health` and friends (ParseFrequency): days, ISO
#: (Monday) weeks, months, quarters; pandas' aliases and the unit names too.
Freq = Literal["D", "W", "M", "Q", "W-MON", "MS", "ME", "QS", "QE",
               "day", "week", "month", "quarter"]
#: Time unit of recency and T (ParseRfmUnit): a `Freq` or clock hours.
RfmFreq = Literal[Freq, "H", "hour"]
#: Health flags: fire once when a rule trips ("alert") or every period it holds ("review").
Mode = Literal["alert", "review"]
#: Every response, or each customer's latest response per period.
Basis = Literal["all", "latest"]
#: Revenue weights spread over an account's respondents, or given per response.
WeightBy = Literal["account", "response"]
#: `account_nps` roll-up (ParseRollUp).
RollUp = Literal["pooled", "average", "latest"]
#: Invalid UTF-8 in a comment: an error naming its row, or replaced by U+FFFD.
InvalidText = Literal["error", "replace"]
#: Responses of customers absent from the customer table: error or left out.
UnknownCustomer = Literal["error", "skip"]
#: The CLV a theme's impact is weighted by: its segment's mean or its mentioners' own.
ClvBasis = Literal["segment", "mentioners"]
#: Repeat buyers with non-positive spend in `GammaGamma.fit`.
NonPositiveSpend = Literal["error", "exclude"]


class ArrowArrayExportable(Protocol):
    """An array with the Arrow PyCapsule interface (pyarrow, polars, nanoarrow...)."""

    def __arrow_c_array__(self, requested_schema: Optional[object] = None
                          ) -> tuple[object, object]: ...


class ArrowStreamExportable(Protocol):
    """A table or chunked array with the Arrow PyCapsule stream interface."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...


#: A column of values: a list, a numpy array, a pandas or polars Series (they
#: implement ``__array__``) or an Arrow array. Broad by design: the functions
#: check dtypes and values at run time and name the offending row.
ArrayLike = Union[npt.ArrayLike, "pd.Series[Any]", ArrowArrayExportable, ArrowStreamExportable,
                  Sequence[Any]]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: A per-customer prediction: a float for scalar inputs, a float64 array for
#: arrays, a Series on the first Series' index.
Prediction = Union[float, FloatArray, "pd.Series[float]"]
