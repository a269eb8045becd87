"""npscore over Apache Spark DataFrames: the same results as one machine.

What the statistics need is counted where the rows are, then added up,
and the driver derives the statistics with the core exactly as the
single-machine function does (``summarize_counts``, ``HealthFromHistogram``:
equal counts give equal tables). Counts that are simple and additive (rows
per group in each segment for `by_group`; per slice and period of each score
for `health`) are counted by Spark's own aggregation; everything else runs
the C++ core on each partition through ``mapInArrow``. Nothing moves rows but
the repartitions by customer / account of the functions that need a
customer's rows together (`migration`, `account_nps`, `rfm_summary`,
`monitor`; ``partitioned=True`` skips them).

Modules, one per capability, named as in npscore itself: ``nps``
(by_group), ``health`` (health, segment_trends, migration, account_nps), ``clv``
(rfm_summary, fit_clv_models, customer_lifetime_value), ``churn``
(predict_proba, explain), ``priority`` (prioritize), ``monitor`` (monitor).
Tables come back as pandas DataFrames shaped as the single-machine results
for the same data as pandas reads it from Arrow (``df.toArrow().to_pandas()``);
per-customer results (the RFM summary, CLV, churn scores) stay Spark
DataFrames.

Needs PySpark (``pip install 'npscore[spark]'``) and npscore installed on
every executor (docs/spark.md).
"""

from __future__ import annotations

from ._common import CHUNK_ROWS, _pyspark  # noqa: F401  (documented; the import check)
from .clv import customer_lifetime_value, fit_clv_models, rfm_summary
from .health import account_nps, health, migration, segment_trends
from .nps import by_group
from .churn import explain, predict_proba
from .monitor import monitor
from .priority import prioritize

__all__ = ["by_group", "health", "segment_trends", "account_nps", "migration"]
__all__ += ["rfm_summary", "fit_clv_models", "customer_lifetime_value"]
__all__ += ["predict_proba", "explain", "prioritize", "monitor"]
