"""The contact log: who was called back, and when."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

import numpy as np
import pandas as pd

from .. import _npscore
from ._util import _merged, _require, _seed, _segment_codes, _utc_series

# --------------------------------------------------------------------------------------------------
# The contact log: who was called back, and when.
# --------------------------------------------------------------------------------------------------

#: Follow-up behaviour of the simulated CX team, per segment of the answer (illustrative): the
#: share contacted on time and its delay range in hours after the answer, the share contacted late
#: and its range; the rest are never contacted. On time is within the play's default SLA (24 h,
#: 72 h, 7 days); late is after it.
DEFAULT_FOLLOW_UP: Dict[str, Dict[str, Any]] = {
    "detractor": {"on_time": 0.5, "on_time_hours": (0.5, 20.0), "late": 0.2, "late_hours": (30.0, 150.0)},
    "passive": {"on_time": 0.35, "on_time_hours": (4.0, 70.0), "late": 0.15, "late_hours": (80.0, 300.0)},
    "promoter": {"on_time": 0.25, "on_time_hours": (12.0, 160.0), "late": 0.0, "late_hours": (170.0, 400.0)},
}


def make_contacts(
    responses: pd.DataFrame,
    seed: Optional[int] = 42,
    follow_up: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> pd.DataFrame:
    """Return a simulated contact log: when each response was followed up, if ever.

    A separate table (``load_sample`` is unchanged): pass ``load_sample().responses``. Each response
    is contacted on time, late or never with the shares of ``follow_up`` for its segment (from its
    score: 0-6 detractor, 7-8 passive, 9-10 promoter), after a delay drawn uniformly from the
    segment's hour range; a response without a score is never contacted.

    Returns
    -------
    pandas.DataFrame
        One row per response, in its order: ``response_id``, ``customer_id``, ``responded_at``,
        ``contacted_at`` (UTC; NaT if never contacted).
    """
    _require(responses, ["response_id", "customer_id", "responded_at", "score"], "responses")
    spec = _merged(DEFAULT_FOLLOW_UP, follow_up, "follow_up")
    rng = np.random.default_rng(None if _seed(seed) is None else [0xC0417AC7, _seed(seed)])
    n = len(responses)
    at = _utc_series(responses["responded_at"], "responses.responded_at")
    score = pd.to_numeric(responses["score"], errors="coerce").to_numpy(dtype=np.float64)
    codes = np.full(n, _npscore.defaults["no_segment"], dtype=np.int16)
    known = ~np.isnan(score)
    codes[known] = _segment_codes(score[known]) - 1  # -1/0/+1
    u, v = rng.random(n), rng.random(n)
    delay = np.full(n, np.nan)
    for label, code in (("detractor", -1), ("passive", 0), ("promoter", 1)):
        sp = spec[label]
        on_time, late = float(sp["on_time"]), float(sp["late"])
        if not (0 <= on_time and 0 <= late and on_time + late <= 1):
            raise ValueError(f"follow_up[{label!r}]: need on_time, late >= 0 with on_time + late <= 1")
        sel = codes == code
        lo, hi = sp["on_time_hours"]
        fast = sel & (u < on_time)
        delay[fast] = lo + (hi - lo) * v[fast]
        lo, hi = sp["late_hours"]
        slow = sel & (u >= on_time) & (u < on_time + late)
        delay[slow] = lo + (hi - lo) * v[slow]
    contacted = at + pd.to_timedelta(delay, unit="h")
    return pd.DataFrame({
        "response_id": responses["response_id"].to_numpy(),
        "customer_id": responses["customer_id"].to_numpy(),
        "responded_at": at.to_numpy(),
        "contacted_at": contacted.to_numpy(),
    }).astype({"responded_at": "datetime64[ns, UTC]", "contacted_at": "datetime64[ns, UTC]"})
