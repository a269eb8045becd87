"""The sample: five frames of one simulated world."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Dict, Mapping, Sequence

import pandas as pd

from .. import _args
from ._params import EVENTS, MAX_CUSTOMERS
from ._util import _utc_series
from .churn import make_churn
from .customers import make_customers
from .responses import make_responses
from .transactions import make_transactions

# --------------------------------------------------------------------------------------------------
# The sample.
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, repr=False)
class Sample:
    """The sample data set: five frames of one simulated world.

    Attributes
    ----------
    customers : pandas.DataFrame
        From ``make_customers``.
    responses : pandas.DataFrame
        From ``make_responses``, without responses given after the customer churned.
    transactions : pandas.DataFrame
        From ``make_transactions``, without purchases after the customer churned.
    churn : pandas.DataFrame
        From ``make_churn``.
    events : pandas.DataFrame
        The event log ``EVENTS`` without its latent ``effect`` column: ``time``, ``kind``, ``label``,
        ``plan``, ``theme``, ``end``.
    cases : pandas.DataFrame
        The case log of the detractor answers, ``make_case_log(responses, customers, seed)`` with the
        seed of ``load_sample`` (42 for a Sample built by hand): built on first access (by
        ``to_dict``, the repr and the HTML repr too) and kept; derived from the other frames, its
        outcomes do not feed back into them.
    """

    customers: pd.DataFrame
    responses: pd.DataFrame
    transactions: pd.DataFrame
    churn: pd.DataFrame
    events: pd.DataFrame

    @functools.cached_property
    def cases(self) -> pd.DataFrame:
        """The case log (see the class docstring)."""
        from .cases import make_case_log

        return make_case_log(self.responses, self.customers,
                             seed=self.__dict__.get("_seed", 42))

    def to_dict(self) -> Dict[str, pd.DataFrame]:
        """Returns the frames by name: the five fields, then ``cases``."""
        frames = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        frames["cases"] = self.cases
        return frames

    def __repr__(self) -> str:
        # One line: the frames' shapes (print a frame to see its rows).
        shapes = ", ".join(f"{name}={len(f)}x{f.shape[1]}" for name, f in self.to_dict().items())
        return f"Sample({shapes})"

    def _repr_html_(self) -> str:
        from .._display import table

        rows = [(name, f"{len(f):,}", ", ".join(map(str, f.columns)))
                for name, f in self.to_dict().items()]
        times = self.responses.get("responded_at")
        note = ""
        if times is not None and len(times):
            note = f"responses from {times.min():%Y-%m-%d} to {times.max():%Y-%m-%d}"
        return table("npscore sample data", ("frame", "rows", "columns"), rows, note)


def _events_frame(events: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Returns the public event log: time, kind, label, plan, theme, end (times in UTC)."""
    columns = ["time", "kind", "label", "plan", "theme", "end"]
    frame = pd.DataFrame([{k: e.get(k) for k in columns} for e in events], columns=columns)
    for col in ("time", "end"):
        frame[col] = _utc_series(frame[col], f"events.{col}", allow_nat=True).astype("datetime64[ns, UTC]")
    return frame


def load_sample(seed: int = 42, n_customers: int = 2000) -> Sample:
    """Return the sample data that ships with npscore: one seeded world of ``n_customers`` customers.

    The frames are built with the defaults of this module and one seed: ``make_customers``,
    ``make_responses``, ``make_churn`` (as of ``DEFAULT_END``), then responses after each churn are
    dropped, then ``make_transactions`` with the churn. With the defaults the responses land at NPS
    +32..+35 with about 54% promoters, 26% passives and 20% detractors; starter-plan NPS falls by
    about 20 points after the pricing change of ``EVENTS``.

    Parameters
    ----------
    seed : int, default 42
        Seed of every generator.
    n_customers : int, default 2000
        Number of customers, 1..``MAX_CUSTOMERS``.

    Returns
    -------
    Sample
        Frozen dataclass of ``customers``, ``responses``, ``transactions``, ``churn`` and ``events``,
        and the case log ``cases`` (``make_case_log`` with the same seed, built on first access).
    """
    n_customers = _args.whole(n_customers, "n_customers", minimum=1, maximum=MAX_CUSTOMERS)
    customers = make_customers(n_customers, seed=seed)
    responses = make_responses(customers, seed=seed)
    churn = make_churn(customers, responses, seed=seed)
    churned_at = responses["customer_id"].map(churn.set_index("customer_id")["churned_at"])
    responses = responses[~(responses["responded_at"] > churned_at)].reset_index(drop=True)
    transactions = make_transactions(customers, seed=seed, churn=churn)
    sample = Sample(
        customers=customers,
        responses=responses,
        transactions=transactions,
        churn=churn,
        events=_events_frame(EVENTS),
    )
    object.__setattr__(sample, "_seed", seed)  # the seed of `cases`, not a field
    return sample
