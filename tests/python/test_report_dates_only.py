"""The report on an export whose answer times are dates only (dd.mm.yyyy, no
time of day), so that many customers answer twice on one day: the churn
stage, the queue and the migrations then rest on the tie rule (answers at the
same instant in file order). Every section check of test_report_sections runs
on what was read, against the library functions called directly, and the
report says that the times are dates."""

from __future__ import annotations

import dataclasses

import pytest

from npscore._report_io import load_config, read_inputs

# The checks and the fixtures shared with the export of full timestamps.
from test_report_files_sections import _write_world, joined, sample  # noqa: F401
from test_report_sections import (  # noqa: F401
    full,
    test_churn_backtest_equals_a_direct_backtest,
    test_health_flags_trends_drivers_events_equal_the_library,
    test_overall_equals_summarize,
    test_period_over_period_equals_compare,
    test_queue_and_revenue_equal_priority,
    test_slices_equal_by_group,
    test_themes_equal_top_themes,
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    read = read_inputs(load_config(_write_world(tmp_path_factory.mktemp("dates"),
                                                dates_only=True)))
    return dataclasses.replace(read, churn_columns=["plan", "company_size"])


def test_the_export_has_same_day_answers_and_the_report_says_so(inputs, full):
    r = inputs.responses
    assert r.duplicated(["customer_id", "responded_at"]).sum() >= 5
    assert "responded_at holds dates only" in inputs.data_note
    churn = next(s for s in full.sections if s.key == "churn")
    assert churn.data["model"] in ("model", "prior") and "backtest_error" not in churn.data
