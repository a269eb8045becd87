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
