"""With NPSCORE_REQUIRE_ALL_TESTS=1 (scripts/test.sh sets it), a test or a test
module skipped because a module or package is missing fails instead: every test
dependency is in the `test` extra, so in CI such a skip means a broken install,
never a test that quietly did not run. Other skips are left alone.
"""

from __future__ import annotations

import os
import re

import pytest

# pytest.importorskip says "could not import 'x': No module named 'x'".
MISSING_PACKAGE = re.compile(
    r"could not import|no module named|not installed|missing (?:module|package)", re.IGNORECASE)


def _required() -> bool:
    return os.environ.get("NPSCORE_REQUIRE_ALL_TESTS", "") == "1"


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str | None:
    """The reason of a skip (not an xfail), or None."""
    if not report.skipped or hasattr(report, "wasxfail"):
        return None
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, reason)
        return str(longrepr[2])
    return str(longrepr)


def _fail_if_missing_package(report: pytest.TestReport | pytest.CollectReport) -> None:
    reason = _skip_reason(report)
    if reason is not None and MISSING_PACKAGE.search(reason):
        report.outcome = "failed"
        report.longrepr = (f"skipped for a missing package, which NPSCORE_REQUIRE_ALL_TESTS=1 "
                           f"forbids (install the `test` extra): {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if _required():
        _fail_if_missing_package(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    if _required():
        _fail_if_missing_package(outcome.get_result())


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session (local[2]) for every npscore.spark test module;
    the module is skipped when PySpark is missing (a failure in CI, above)."""
    pytest.importorskip("pyspark")
    import sys

    from pyspark.sql import SparkSession

    # Executors run this interpreter, where npscore is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = (SparkSession.builder.master("local[2]").appName("npscore-test")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.default.parallelism", "4")
         .config("spark.driver.memory", "1g")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .config("spark.sql.execution.arrow.maxRecordsPerBatch", "256")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()
