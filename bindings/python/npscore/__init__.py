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
from .health import (account_nps, adjust_p_values, attribute_change, event_impact, health,
                     migration, segment_trends)
from .priority import prioritize, recoverability, recovery_curve, revenue_at_risk
from .themes import ThemeTagger, theme_impact, top_themes
from .churn import churn_features, churn_labels
from .churn import ChurnDataWarning, ChurnModel, ConvergenceWarning, evaluate
from .clv import (BetaGeo, GammaGamma, calibration_and_holdout_data, customer_lifetime_value,
                  rfm_summary)
from . import plot
from . import report
from . import survey
from . import loop
from . import monitor
from .monitor import Monitor


def __getattr__(name: str):
    # npscore.datasets (the sample-data simulator) is imported on first use,
    # so `import npscore` does not pay for it.
    if name == "datasets":
        import importlib

        module = importlib.import_module(f"{__name__}.datasets")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | {"datasets"})


__all__ = [
    "__version__",
    "Comparison", "Counts", "Cutoffs", "Summary",
    "by_group", "compare", "count", "segment", "summarize", "summarize_counts",
    "health", "segment_trends", "migration", "attribute_change", "event_impact", "account_nps",
    "adjust_p_values",
    "prioritize", "recoverability", "recovery_curve", "revenue_at_risk",
    "ThemeTagger", "theme_impact", "top_themes",
    "churn_features", "churn_labels",
    "ChurnModel", "evaluate", "ConvergenceWarning", "ChurnDataWarning",
    "rfm_summary", "calibration_and_holdout_data", "BetaGeo", "GammaGamma",
    "customer_lifetime_value",
    "datasets", "plot", "report", "survey", "loop", "monitor", "Monitor",
]
