"""npscore over Apache Spark DataFrames: the same tables as one machine.

Each function runs the C++ core on every partition, through ``mapInArrow``,
to count what the statistics need (segment counts per group, score
histograms per slice and period, migrations per period), adds those counts
up across partitions, and derives the statistics on the driver exactly as
the single-machine function does (``HealthFromHistogram`` for health: equal
histograms give equal tables). Partitions send a few counts per group, never
their rows. Results are pandas DataFrames shaped as the single-machine
functions' results for the same data as pandas reads it from Arrow
(``df.toArrow().to_pandas()``: the values of ``df.toPandas()``, with text
keys as pandas' ``str`` rather than ``object``).

``migration`` and ``account_nps`` need all responses of a customer / account
in one partition; they repartition by that column first (a shuffle of the
columns they read) unless ``partitioned=True`` says the data is so already.

Needs PySpark (``pip install 'npscore[spark]'``) and npscore installed on
every executor (docs/spark.md).

The package has one module per capability, named as in npscore itself:
``npscore.spark.nps`` (by_group), ``npscore.spark.health`` (health,
migration, account_nps).
"""

from __future__ import annotations

from ._common import CHUNK_ROWS, _pyspark  # noqa: F401  (documented; the import check)
from .clv import customer_lifetime_value, fit_clv_models, rfm_summary
from .health import account_nps, health, migration
from .nps import by_group
from .churn import explain, predict_proba
from .monitor import monitor
from .priority import prioritize

__all__ = ["by_group", "health", "account_nps", "migration"]
__all__ += ["rfm_summary", "fit_clv_models", "customer_lifetime_value"]
__all__ += ["predict_proba", "explain", "prioritize", "monitor"]
