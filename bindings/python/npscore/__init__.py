"""npscore: Net Promoter Score analytics, from score to action.

Segmentation and NPS with honest uncertainty (`summarize`, `compare`,
`by_group`), distribution health over time (`health`, `segment_trends`) and
customer lifetime value (`rfm_summary`, `BetaGeo`, `GammaGamma`,
`customer_lifetime_value`),
with a C++ core that is also usable from C++ and through a
stable C ABI. See README.md for the quick starts.
"""

from ._npscore import __version__
from .nps import (
    Comparison,
    Counts,
    Cutoffs,
    Summary,
    by_group,
    compare,
    count,
    segment,
    summarize,
    summarize_counts,
)
from .health import account_nps, attribute_change, event_impact, health, migration, segment_trends
from .clv import BetaGeo, GammaGamma, customer_lifetime_value, rfm_summary
from . import plot
from . import datasets, report

__all__ = [
    "__version__",
    "Comparison", "Counts", "Cutoffs", "Summary",
    "by_group", "compare", "count", "segment", "summarize", "summarize_counts",
    "health", "segment_trends", "migration", "attribute_change", "event_impact", "account_nps",
    "rfm_summary", "BetaGeo", "GammaGamma", "customer_lifetime_value",
    "datasets", "plot", "report",
]
