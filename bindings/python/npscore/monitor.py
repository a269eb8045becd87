"""A live monitor of responses as they arrive: cases, SLA breaches, NPS shifts
and health flags.

`Monitor` wraps the C++ core's monitor (npscore/monitor.h, docs/monitor.md):
it ingests responses one at a time (`Monitor.ingest`) or in batches
(`Monitor.ingest_batch`: pandas, polars or Arrow tables, or columns) and
returns the alerts each call raised as a DataFrame:

- ``case_opened``: a new detractor (by option a passive or a promoter) with
  its owner, deadline, play and priority, computed exactly as `prioritize`
  computes it at the response time;
- ``sla_breach``: a case past its deadline without a recorded contact;
- ``nps_shift``: a rolling window's NPS against the window before it;
- ``health_flag`` (``health=True``): a calendar period closed with a flag in a
  slice, with the flags, reasons and p-values that `health` gives for it.

`Monitor.advance` moves the clock, `record_contact` and `close_case` move
cases through their life, `snapshot` sums the state up, `closed_health` is
the health table of the closed periods (as `health` shapes it). The state
round-trips through `to_bytes` / `Monitor.from_bytes` (the bytes of the C ABI
and of C++, versioned and checksummed; pickling uses them), and monitors fed
disjoint shards of customers `merge` into the state of one monitor fed
everything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _npscore
from . import _args
from ._convert import as_cutoffs, as_scores, column, instant, read_table, utc_index, utc_nanos
from .health import FLAGS, _FLAG_TEXT, _table_frame, _thresholds
from .nps import DEFAULT_CONFIDENCE, DEFAULT_CUTOFFS, DEFAULT_METHOD
from .priority import DEFAULT_SLA_HOURS, _owners, _sla, recovery_curve

__all__ = ["Monitor", "MonitorSnapshot", "ALERT_COLUMNS", "DEFAULTS"]

_D = _npscore.monitor_defaults
#: The core's defaults of the monitor's options (hours, window steps, the
#: minimum n and level of nps_shift, the flags that raise health_flag).
DEFAULTS: dict = dict(_D)

#: The columns of every alert frame, in order.
ALERT_COLUMNS: tuple[str, ...] = (
    "kind", "time", "slice", "customer", "responded_at", "segment", "play", "owner", "deadline",
    "revenue_at_risk", "priority", "window_end", "n", "n_previous", "nps", "nps_previous", "diff",
    "p_value", "ci_low", "ci_high", "period", "period_start", "period_end", "flags", "reasons",
    "baseline_nps", "drop_p_adjusted", "surge_p_adjusted", "erosion_p_adjusted",
    "passive_growth_p_adjusted", "cusum",
)

_OUTCOMES = {"not_recovered": 0, "recovered": 1, "churned": 2}
_SEGMENT_NAMES = {-1: "detractor", 0: "passive", 1: "promoter"}
_PLAYS = {-1: "recover", 0: "make_it_a_10", 1: "advocacy"}
_INT32_MAX = 2**31 - 1
_FREQS = ("D", "W", "M", "Q")


def _flag_mask(value: Any) -> int:
    """health_flag_mask: an int of flag bits, or flag names ("nps_drop", ...)."""
    if _args.is_number(value):
        return _args.whole(value, "health_flag_mask", minimum=0, maximum=2**32 - 1)
    names = {v: k for k, v in FLAGS.items()}
    if isinstance(value, str):
        value = [value]
    mask = 0
    try:
        items = list(value)
    except TypeError:
        raise TypeError("health_flag_mask must be flag bits (an int) or flag names such as "
                        f"['nps_drop', 'level_shift'], got {_args.shown(value)}") from None
    for name in items:
        if name not in names:
            raise ValueError(f"health_flag_mask has {name!r}: use the flag names "
                             f"{sorted(names)}")
        mask |= names[name]
    return mask


def _slice_labels(slices: Any) -> list:
    """Slice labels: a sequence of distinct hashable labels, in code order."""
    if isinstance(slices, (str, bytes, Mapping, set, frozenset)) or not hasattr(slices, "__len__"):
        raise TypeError("slices must be a number of slices or a list of slice labels, got "
                        f"{_args.shown(slices)}")
    labels = list(slices)
    if not labels:
        raise ValueError("slices is empty: give at least one slice label")
    seen: dict = {}
    for i, v in enumerate(labels):
        try:
            if v in seen:
                raise ValueError(f"slices has the label {v!r} twice (at {seen[v]} and {i})")
        except TypeError:
            raise TypeError(f"slices[{i}] is {_args.shown(v)}: labels must be hashable") from None
        seen[v] = i
    return labels


def _times_of(values: Any, name: str, tz: str) -> np.ndarray:
    s = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values))
    return utc_nanos(s, name, tz)


def _time_or_nat(ns: np.ndarray, applies: np.ndarray) -> pd.DatetimeIndex:
    return utc_index(np.where(applies, ns, np.iinfo(np.int64).min))


class Monitor:
    """A live monitor (see the module's docstring and docs/monitor.md).

    Parameters
    ----------
    slices : int or sequence of labels
        The slices: their number (codes 0..n-1) or their labels (``["eu",
        "us"]``; responses then name a label). At most 65536.
    owners : mapping {name: capacity}, Series or DataFrame, optional
        Owners and the open cases each can hold. A case without a given
        owner goes round-robin to the next owner below capacity (none:
        owner None); a given owner takes it even at capacity.
    sla_hours : number or mapping
        Deadlines per play, as in `prioritize` (24 h recover, 72 h
        make_it_a_10, 168 h advocacy).
    urgency_hours, recovery : as in `prioritize`; `recovery` may be the
        table of `npscore.loop.learn_recovery_curve`.
    open_detractors, open_passives, open_promoters : which segments open a case.
    lateness_hours : float
        A response older than the clock by more is late (default 24).
    late : "error" (default) or "count" (left out and counted).
    shift_step_hours, shift_window_steps, shift_min_n, shift_alpha :
        rolling windows of steps (24 h, aligned to the epoch, UTC) x steps
        (7); nps_shift when both windows have at least `shift_min_n`
        responses (30) and the score test's p < `shift_alpha` (0.05).
    method, confidence : the interval of the rolling NPS and health periods.
    health : bool
        Count calendar periods and raise health_flag alerts (default False).
    health_frequency : "D", "W", "M" (default) or "Q", in `time_zone`.
    time_zone : IANA name of the health periods; naive times given to the
        monitor are read in it too (default "UTC").
    health_thresholds : overrides of `npscore.health.DEFAULT_THRESHOLDS`.
    health_flag_mask : flag names (or bits) that raise health_flag (default:
        every flag but low_n).
    cutoffs : the segment cut-offs.
    """

    def __init__(
        self,
        *,
        slices: Union[int, Sequence[Any]] = 1,
        owners: Any = None,
        sla_hours: Any = DEFAULT_SLA_HOURS["recover"],
        urgency_hours: float = _D["urgency_hours"],
        recovery: Any = None,
        open_detractors: bool = True,
        open_passives: bool = False,
        open_promoters: bool = False,
        lateness_hours: float = _D["lateness_hours"],
        late: str = "error",
        shift_step_hours: float = _D["shift_step_hours"],
        shift_window_steps: int = _D["shift_window_steps"],
        shift_min_n: int = _D["shift_min_n"],
        shift_alpha: float = _D["shift_alpha"],
        method: str = DEFAULT_METHOD,
        confidence: float = DEFAULT_CONFIDENCE,
        health: bool = False,
        health_frequency: str = "M",
        time_zone: str = "UTC",
        health_thresholds: Optional[Mapping[str, float]] = None,
        health_flag_mask: Any = _D["health_flag_mask"],
        cutoffs: Any = DEFAULT_CUTOFFS,
    ) -> None:
        if _args.is_number(slices):
            n = _args.whole(slices, "slices", minimum=1, maximum=_D["max_slices"],
                            hint=" (or a list of slice labels)")
            labels: Optional[list] = None
        else:
            labels = _slice_labels(slices)
            n = len(labels)
            if n > _D["max_slices"]:
                raise ValueError(f"slices has {n} labels: at most {_D['max_slices']}")
        names, caps = ([], []) if owners is None else _owners(owners)
        curve = recovery_curve(recovery)
        sla = _sla(sla_hours)
        _args.option(late, "late", ("error", "count"))
        _args.option(health_frequency, "health_frequency", _FREQS)
        tz = _args.time_zone(time_zone, "time_zone")
        options = dict(
            cutoffs=as_cutoffs(cutoffs), sla_hours=sla["recover"],
            passive_sla_hours=sla["make_it_a_10"], promoter_sla_hours=sla["advocacy"],
            recovery_hours=curve["hours"].tolist(),
            recovery_probability=curve["probability"].tolist(),
            urgency_hours=_args.number(urgency_hours, "urgency_hours"),
            open_detractors=_args.flag(open_detractors, "open_detractors"),
            open_passives=_args.flag(open_passives, "open_passives"),
            open_promoters=_args.flag(open_promoters, "open_promoters"),
            capacities=caps, lateness_hours=_args.number(lateness_hours, "lateness_hours"),
            late=late, n_slices=n,
            shift_step_hours=_args.number(shift_step_hours, "shift_step_hours"),
            shift_window_steps=_args.whole(shift_window_steps, "shift_window_steps"),
            shift_min_n=_args.whole(shift_min_n, "shift_min_n", maximum=_args.INT64_MAX),
            shift_alpha=_args.number(shift_alpha, "shift_alpha"),
            method=_args.option(method, "method"),
            confidence=_args.number(confidence, "confidence"),
            health=_args.flag(health, "health"), health_frequency=health_frequency,
            time_zone=tz, thresholds=_thresholds(health_thresholds),
            health_flag_mask=_flag_mask(health_flag_mask),
        )
        self._m = _npscore.Monitor(options)
        self._options = self._m.options()
        self._set_labels(labels, names)

    # --- labels ---------------------------------------------------------------------------------

    def _set_labels(self, slices: Optional[list], owners: list) -> None:
        self._slices = slices
        self._slice_code = None if slices is None else {v: k for k, v in enumerate(slices)}
        self._owners = list(owners)
        self._owner_code = {v: k for k, v in enumerate(self._owners)}
        self._tz = self._options["time_zone"]
        # The text id of each customer that opened a case, by code (see
        # `_customer_codes`): memory per such customer, never per response.
        self._ids: dict = {}

    # --- customers --------------------------------------------------------------------------------

    @staticmethod
    def _text_codes(ids: list) -> np.ndarray:
        """The codes of text ids: their stable 64-bit hash (the FNV-1a 64 +
        SplitMix64 hash of docs/survey.md, as int64), the same in every
        process, shard and language, so states merge and restore."""
        return np.asarray(_npscore.survey_cohorts(ids, 1)[1]).view(np.int64)

    def _customer_of(self, value: Any) -> int:
        """One customer: an integer code as it is, a text id by its hash."""
        if isinstance(value, str):
            code = int(self._text_codes([value])[0])
            self._ids.setdefault(code, value)
            return code
        return _args.whole(value, "customer", minimum=None, maximum=_args.INT64_MAX)

    def _customer_codes(self, s: pd.Series) -> tuple[np.ndarray, Optional[np.ndarray]]:
        """A customer column as int64 codes, and the text ids if it holds text."""
        if pd.api.types.is_integer_dtype(s.dtype) or s.empty:
            return np.ascontiguousarray(s.to_numpy(), dtype=np.int64), None
        if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            text = s.to_numpy(dtype=object)
            bad = np.flatnonzero([not isinstance(v, str) for v in text])
            if len(bad):
                row = int(bad[0])
                v = text[row]
                shown = "missing" if v is None or v is pd.NA or v != v else _args.shown(v)
                raise ValueError(f"customer at row {row} is {shown}: customer ids are integer "
                                 "codes or text, never missing")
            ids = text.tolist()
            return self._text_codes(ids), text
        raise TypeError(f"customer must be integer codes or text ids, got {s.dtype}")

    def _remember(self, alerts: pd.DataFrame, codes: np.ndarray, text: np.ndarray) -> None:
        """Keeps the text ids of the cases a batch opened (for later alerts)."""
        opened = alerts.loc[alerts["kind"] == "case_opened", "customer"].to_numpy(dtype=np.int64)
        if not len(opened):
            return
        order = np.argsort(codes, kind="stable")
        pos = order[np.searchsorted(codes, opened, sorter=order)]
        for c, i in zip(opened.tolist(), pos.tolist()):
            self._ids[c] = text[i]

    def _named(self, customer: Any) -> Any:
        """Customer codes with the text ids known put back (object), or as they are."""
        if not self._ids:
            return customer
        out = np.asarray(pd.array(customer, dtype="Int64").astype(object))
        for i, c in enumerate(out.tolist()):
            if c is not pd.NA and c in self._ids:
                out[i] = self._ids[c]
        return out

    def _slice_of(self, value: Any, name: str = "slice") -> int:
        if value is None:
            return 0
        if self._slice_code is None:
            return _args.whole(value, name, minimum=0, maximum=_INT32_MAX)
        if value not in self._slice_code:
            raise ValueError(f"{name} is {_args.shown(value)}: not one of the monitor's slices "
                             f"{self._slices}")
        return self._slice_code[value]

    def _owner_of(self, value: Any, name: str = "owner") -> int:
        if value is None or (_args.is_number(value) and value == -1):
            return -1
        if value not in self._owner_code:
            raise ValueError(f"{name} is {_args.shown(value)}: not one of the monitor's owners "
                             f"{self._owners}")
        return self._owner_code[value]

    def _codes(self, values: Any, n: int, name: str, lookup: dict, none: int) -> np.ndarray:
        """Labels (or codes without labels) as int32 codes, naming the first bad row."""
        s = pd.Series(values if not isinstance(values, pd.Series) else values.to_numpy())
        if len(s) != n:
            raise ValueError(f"{name} has {len(s)} rows but customer has {n}")
        if not lookup:
            if not (pd.api.types.is_integer_dtype(s.dtype) or s.empty):
                raise TypeError(f"{name} must be integer codes, got {s.dtype}")
            return np.ascontiguousarray(s.to_numpy(), dtype=np.int32)
        codes = s.map(lookup)
        if none is not None:
            codes = codes.where(s.notna(), none)
        bad = codes.isna().to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} at row {row} is {_args.shown(s.iloc[row])}: not one of the "
                             f"monitor's {name}s {list(lookup)}")
        return np.ascontiguousarray(codes.to_numpy(), dtype=np.int32)

    def _time(self, value: Any, name: str) -> int:
        return instant(value, name, self._tz)

    # --- alerts ---------------------------------------------------------------------------------

    def _alerts(self, cols: dict) -> pd.DataFrame:
        kind = np.asarray(cols["kind"], dtype=object)
        case = (kind == "case_opened") | (kind == "sla_breach")
        shift = kind == "nps_shift"
        flag = kind == "health_flag"
        slice_codes = cols["slice"]
        if self._slices is None:
            slices = pd.array(np.where(slice_codes >= 0, slice_codes, 0), dtype="Int64")
            slices[slice_codes < 0] = pd.NA
        else:
            labels = np.asarray(self._slices + [None], dtype=object)
            slices = labels[np.where(slice_codes >= 0, slice_codes, len(self._slices))]
        owners = np.asarray(self._owners + [None], dtype=object)
        owner_codes = cols["owner"]
        seg = cols["segment"]
        data = {
            "kind": kind,
            "time": utc_index(cols["time"]),
            "slice": slices,
            "customer": pd.array(cols["customer"], dtype="Int64"),
            "responded_at": _time_or_nat(cols["responded_at"], case),
            "segment": np.asarray([_SEGMENT_NAMES.get(int(v)) for v in seg], dtype=object),
            "play": np.asarray([p or None for p in cols["play"]], dtype=object),
            "owner": owners[np.where(owner_codes >= 0, owner_codes, len(self._owners))]
            if len(owner_codes) else np.asarray([], dtype=object),
            "deadline": _time_or_nat(cols["deadline"], case),
            "revenue_at_risk": cols["revenue_at_risk"],
            "priority": cols["priority"],
            "window_end": _time_or_nat(cols["window_end"], shift),
            "n": cols["n"],
            "n_previous": cols["n_previous"],
            "nps": np.where(shift | flag, cols["nps"], np.nan),
            "nps_previous": np.where(shift, cols["nps_previous"], np.nan),
            "diff": np.where(shift, cols["diff"], np.nan),
            "p_value": np.where(shift, cols["p_value"], np.nan),
            "ci_low": np.where(shift, cols["ci_low"], np.nan),
            "ci_high": np.where(shift, cols["ci_high"], np.nan),
            "period": np.asarray([p or None for p in cols["period_label"]], dtype=object),
            "period_start": _time_or_nat(cols["period_start"], flag),
            "period_end": _time_or_nat(cols["period_end"], flag),
            "flags": _FLAG_TEXT[cols["flags"] & (len(_FLAG_TEXT) - 1)],
            "reasons": np.asarray(cols["reasons"], dtype=object),
        }
        for name in ("baseline_nps", "drop_p_adjusted", "surge_p_adjusted", "erosion_p_adjusted",
                     "passive_growth_p_adjusted", "cusum"):  # NaN but for health_flag
            data[name] = cols[name]
        customer = data["customer"]
        customer[~case] = pd.NA
        data["customer"] = self._named(customer)
        return pd.DataFrame(data, columns=list(ALERT_COLUMNS))

    # --- ingest and the clock ---------------------------------------------------------------------

    def ingest(self, customer: int, score: float, time: Any, slice: Any = None,
               clv: float = math.nan, churn_risk: float = math.nan,
               owner: Any = -1) -> pd.DataFrame:
        """Ingests one response; returns the alerts it raised (columns
        `ALERT_COLUMNS`). `customer` is an integer code or a text id (coded
        by its stable 64-bit hash, docs/monitor.md); `time` a timestamp
        (naive: in the monitor's time_zone); `slice` a slice label (or code);
        (default: the first); `owner` an owner's name, or -1 / None for
        round-robin. A bad response
        is a ValueError naming it, and leaves the monitor unchanged."""
        return self._alerts(self._m.ingest(
            self._customer_of(customer),
            _args.number(score, "score"), self._time(time, "time"), self._slice_of(slice),
            _args.number(clv, "clv"), _args.number(churn_risk, "churn_risk"),
            self._owner_of(owner)))

    def ingest_batch(self, df: Any = None, *, customer: Any = "customer_id",
                     score: Any = "score", time: Any = "responded_at", slice: Any = None,
                     clv: Any = None, churn_risk: Any = None,
                     owner: Any = None) -> pd.DataFrame:
        """Ingests the rows in order, as `ingest` would one by one, and
        returns their alerts. With `df` (pandas, polars, pyarrow or any Arrow
        table) the arguments are column names; without, they are columns
        (arrays, Series). customer: integer codes or text ids (coded by their
        stable 64-bit hash, the same in every process and language; alerts
        show the text); slice: labels (or codes);
        owner: owner names (missing: round-robin). A bad row is a ValueError
        naming it; the rows before it stay ingested, and the alerts they
        raised are the exception's ``alerts`` attribute."""
        if df is not None:
            table, _ = read_table(df)

            def get(v: Any, role: str) -> Any:
                return None if v is None else column(table, v, role) if isinstance(v, str) else v
        else:
            def get(v: Any, role: str) -> Any:
                if isinstance(v, str):
                    raise TypeError(f"{role} is the column name {v!r} but no table was given")
                return v
        cust = get(customer, "customer")
        s = cust if isinstance(cust, pd.Series) else pd.Series(
            cust if isinstance(cust, (list, np.ndarray)) else np.asarray(cust))
        cust, text = self._customer_codes(s.reset_index(drop=True))
        n = len(cust)
        scores = np.ascontiguousarray(as_scores(get(score, "score"), "score"), dtype=np.float64)
        times = _times_of(get(time, "time"), "time", self._tz)
        for name, arr in (("score", scores), ("time", times)):
            if len(arr) != n:
                raise ValueError(f"{name} has {len(arr)} rows but customer has {n}")
        sl = None if slice is None else self._codes(get(slice, "slice"), n, "slice",
                                                    self._slice_code or {}, None)
        ow = None if owner is None else self._codes(get(owner, "owner"), n, "owner",
                                                    self._owner_code, -1)

        def floats(v: Any, name: str) -> Optional[np.ndarray]:
            if v is None:
                return None
            a = np.ascontiguousarray(pd.Series(get(v, name)).to_numpy(dtype=np.float64,
                                                                       na_value=np.nan))
            if len(a) != n:
                raise ValueError(f"{name} has {len(a)} rows but customer has {n}")
            return a

        cols, error = self._m.ingest_batch(cust, scores, times, sl, floats(clv, "clv"),
                                           floats(churn_risk, "churn_risk"), ow)
        if text is not None:
            self._remember(pd.DataFrame({"kind": cols["kind"], "customer": cols["customer"]}),
                           cust, text)
        alerts = self._alerts(cols)
        if error is not None:
            e = ValueError(error)
            e.alerts = alerts  # type: ignore[attr-defined]
            raise e
        return alerts

    def advance(self, now: Any) -> pd.DataFrame:
        """Moves the clock to `now` (an earlier time changes nothing) and
        returns what became due: nps_shift, health_flag, then sla_breach."""
        return self._alerts(self._m.advance(self._time(now, "now")))

    # --- cases ------------------------------------------------------------------------------------

    def _key(self, key: Any) -> tuple[int, int]:
        if isinstance(key, pd.Series):
            key = (key["customer"], key["responded_at"])
        try:
            customer, responded_at = key
        except (TypeError, ValueError):
            raise TypeError("a case is (customer, responded_at), or a row of an alert or "
                            f"open-case frame, got {_args.shown(key)}") from None
        return self._customer_of(customer), self._time(responded_at, "responded_at")

    def record_contact(self, key: Any, time: Any) -> None:
        """Records a contact at `time` with the case `key`: (customer,
        responded_at), or a row of an alert or open-case frame. The earliest
        contact counts; a case contacted by its deadline never breaches.
        An unknown case is a KeyError."""
        customer, at = self._key(key)
        self._m.record_contact(customer, at, self._time(time, "time"))

    def close_case(self, key: Any, time: Any, outcome: str = "not_recovered") -> pd.Series:
        """Closes the case `key` at `time` with `outcome` ("not_recovered",
        "recovered" or "churned") and returns its final record; it leaves
        the monitor and frees its owner's place."""
        _args.option(outcome, "outcome", tuple(_OUTCOMES))
        customer, at = self._key(key)
        rec = self._m.close_case(customer, at, self._time(time, "time"), _OUTCOMES[outcome])
        return self._cases(rec).iloc[0]

    def _cases(self, c: dict) -> pd.DataFrame:
        owners = np.asarray(self._owners + [None], dtype=object)
        outcomes = np.asarray(list(_OUTCOMES), dtype=object)
        slices = (c["slice"] if self._slices is None
                  else np.asarray(self._slices, dtype=object)[c["slice"]])
        missing = np.iinfo(np.int64).min
        return pd.DataFrame({
            "customer": self._named(c["customer"]),
            "responded_at": utc_index(c["responded_at"]),
            "segment": np.asarray([_SEGMENT_NAMES.get(int(v)) for v in c["segment"]], dtype=object),
            "play": np.asarray([_PLAYS.get(int(v)) for v in c["segment"]], dtype=object),
            "slice": slices,
            "owner": owners[np.where(c["owner"] >= 0, c["owner"], len(self._owners))],
            "deadline": utc_index(c["deadline"]),
            "contacted_at": utc_index(c["contacted_at"]),
            "closed_at": utc_index(c["closed_at"]),
            "outcome": np.where(c["closed_at"] != missing, outcomes[c["outcome"]], None),
            "breached": c["breached"].astype(bool),
            "clv": c["clv"],
            "churn_risk": c["churn_risk"],
            "priority": c["priority"],
            "hours": c["hours"],
        })

    # --- state ------------------------------------------------------------------------------------

    def snapshot(self) -> "MonitorSnapshot":
        """The counts, rolling windows and open cases now (priorities at the
        clock, as `prioritize` gives them with ``now`` = the clock)."""
        d = self._m.snapshot()
        names = (list(range(self._options["n_slices"])) if self._slices is None
                 else list(self._slices))
        counts = pd.DataFrame(d["counts"], index=pd.Index(names + ["all"], dtype=object,
                                                          name="slice"))
        w = pd.DataFrame(d["windows"])
        windows = w.iloc[:-1].set_axis(pd.Index(names + ["all"], dtype=object, name="slice"))
        missing = np.iinfo(np.int64).min

        def ts(v: int) -> Optional[pd.Timestamp]:
            return None if v == missing else pd.Timestamp(v, unit="ns", tz="UTC")

        end = ts(d["window_end"])
        step = pd.Timedelta(hours=self._options["shift_step_hours"])
        length = step * self._options["shift_window_steps"]
        return MonitorSnapshot(
            clock=ts(d["clock"]), responses=d["responses"], late=d["late"],
            cases_opened=d["cases_opened"],
            cases_closed=dict(zip(_OUTCOMES, d["cases_closed"])), breaches=d["breaches"],
            unassigned=d["unassigned"], health_periods=d["health_periods"],
            health_closed=d["health_closed"], counts=counts, windows=windows,
            previous_window=w.iloc[-1].to_dict(),
            window_start=None if end is None else end - length, window_end=end,
            open_cases=self._cases(d["open_cases"]),
            owner_load=pd.Series(d["owner_load"], index=pd.Index(self._owners, dtype=object),
                                 name="open_cases", dtype=np.int64),
        )

    def closed_health(self) -> pd.DataFrame:
        """The health table of the closed periods (``health=True``), shaped
        as `npscore.health(df, by="slice", ...)` returns it: one row per
        slice and period from the monitor's first period (its earliest
        response's), with the monitor's thresholds in alert mode."""
        cols = self._m.closed_health()
        d = self._m.snapshot()
        n = d["health_closed"]
        labels = list(d["health_labels"][:n])
        starts = np.asarray(d["health_starts"][:n + 1], dtype=np.int64)
        if n == 0:
            starts = np.zeros(1, dtype=np.int64)
        names = (list(range(self._options["n_slices"])) if self._slices is None
                 else list(self._slices))
        keys = pd.DataFrame({"slice": pd.Series(names, dtype=object if self._slices else
                                                np.int64)})
        out = _table_frame(cols, labels, starts, keys)
        out.attrs.update(keys=["slice"], method=self._options["method"],
                         confidence=self._options["confidence"],
                         freq=self._options["health_frequency"], tz=self._options["time_zone"],
                         thresholds=cols["thresholds"], flag_mode=cols["flag_mode"])
        return out

    def to_bytes(self) -> bytes:
        """The state as versioned, checksummed bytes: those of the C ABI
        (npscore_monitor_serialize) and of C++ (Monitor::Serialize). Slice
        and owner labels are not in them (give them to `from_bytes`)."""
        return self._m.serialize()

    @classmethod
    def from_bytes(cls, data: bytes, *, slices: Optional[Sequence[Any]] = None,
                   owners: Optional[Sequence[Any]] = None) -> "Monitor":
        """The monitor of `to_bytes`'s bytes, exactly (from Python, C or C++);
        damaged, truncated or foreign bytes are a ValueError. `slices` and
        `owners` give the labels of the codes (default: the codes)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        core = _npscore.Monitor.restore(bytes(data))
        self = cls.__new__(cls)
        self._m = core
        self._options = core.options()
        n_slices, n_owners = self._options["n_slices"], len(self._options["capacities"])
        labels = None if slices is None else _slice_labels(slices)
        if labels is not None and len(labels) != n_slices:
            raise ValueError(f"slices has {len(labels)} labels but the monitor has {n_slices} "
                             "slices")
        names = list(range(n_owners)) if owners is None else list(owners)
        if len(names) != n_owners:
            raise ValueError(f"owners has {len(names)} names but the monitor has {n_owners} "
                             "owners")
        self._set_labels(labels, names)
        return self

    def __reduce__(self):
        return (_restore, (self.to_bytes(), self._slices, list(self._owners), dict(self._ids)))

    def merge(self, other: "Monitor") -> pd.DataFrame:
        """Adds the state of `other` (equal options, disjoint customers;
        docs/monitor.md) and returns the breaches the later clock raised. A
        case in both is a ValueError, and this monitor is then unchanged."""
        if not isinstance(other, Monitor):
            raise TypeError(f"other must be a Monitor, got {type(other).__name__}")
        if other._slices != self._slices or other._owners != self._owners:
            raise ValueError("other has other slice or owner labels: only monitors with equal "
                             "options merge")
        cols = self._m.merge(other._m)
        self._ids = {**self._ids, **other._ids}
        return self._alerts(cols)

    @property
    def clock(self) -> Optional[pd.Timestamp]:
        """The latest response or advance time (None before the first)."""
        c = self._m.clock
        return None if c == np.iinfo(np.int64).min else pd.Timestamp(c, unit="ns", tz="UTC")

    def __repr__(self) -> str:
        return (f"Monitor(slices={self._slices or self._options['n_slices']}, "
                f"clock={self.clock}, open_cases={self._m.n_open_cases})")


def _restore(data: bytes, slices: Optional[list], owners: list,
             ids: Optional[dict] = None) -> Monitor:
    m = Monitor.from_bytes(data, slices=slices, owners=owners)
    m._ids = dict(ids or {})
    return m


@dataclass
class MonitorSnapshot:
    """A monitor's state at one moment (`Monitor.snapshot`)."""

    clock: Optional[pd.Timestamp]
    responses: int
    late: int
    cases_opened: int
    cases_closed: dict
    breaches: int
    unassigned: int
    health_periods: int
    health_closed: int
    counts: pd.DataFrame = field(repr=False)
    windows: pd.DataFrame = field(repr=False)
    previous_window: dict = field(repr=False)
    window_start: Optional[pd.Timestamp] = None
    window_end: Optional[pd.Timestamp] = None
    open_cases: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]
    owner_load: pd.Series = field(default=None, repr=False)  # type: ignore[assignment]

    def to_dict(self) -> dict:
        """The scalars as a dict."""
        return {k: getattr(self, k) for k in (
            "clock", "responses", "late", "cases_opened", "cases_closed", "breaches",
            "unassigned", "health_periods", "health_closed", "window_start", "window_end")}

    def _repr_html_(self) -> str:
        import html
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                       for k, v in self.to_dict().items())
        return (f"<div><b>Monitor snapshot</b><table>{rows}</table>"
                f"<p>Rolling window</p>{self.windows.to_html()}"
                f"<p>Open cases ({len(self.open_cases)})</p>"
                f"{self.open_cases.head(10).to_html()}</div>")
