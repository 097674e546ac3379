"""Freshness per company file: which active company files are behind on an entity, and how far."""

from datetime import date, datetime, timedelta, timezone

from qbd_pipeline.sync.freshness import Age, judge

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
FAIL, WARN = timedelta(hours=3), timedelta(hours=2)
LONG_AGO = NOW - timedelta(days=30)


def _age(company: str, hours: float | None, entity: str = "customers", due: datetime = LONG_AGO) -> Age:
    return Age(company, entity, None if hours is None else NOW - timedelta(hours=hours), due)


def test_fresh_when_every_company_pulled_within_the_warn_window():
    verdict = judge([_age("a", 0.5), _age("b", 1.9), _age("c", 30, entity="vendors")], "customers", NOW, FAIL, WARN)
    assert verdict.finding.passed and verdict.severity == ""
    assert verdict.finding.description == "every active company file (2) pulled customers completely within 3 h"


def test_a_company_past_the_warn_window_warns_past_the_fail_window_errs_and_is_named_oldest_first():
    warned = judge([_age("a", 0.5), _age("b", 2.5)], "customers", NOW, FAIL, WARN)
    assert not warned.finding.passed and warned.severity == "WARN"
    assert warned.finding.description == "1 of 2 company file(s) behind on customers (stale after 3 h): b (2.5 h ago)"
    failed = judge([_age("a", 2.5), _age("b", 26), _age("c", 0.1)], "customers", NOW, FAIL, WARN)
    assert failed.severity == "ERROR" and failed.finding.count == 2
    assert [r["company"] for r in failed.finding.sample] == ["b", "a"]
    assert [r["over"] for r in failed.finding.sample] == ["fail", "warn"]


def test_a_company_never_pulled_is_late_only_once_its_first_pull_was_due_for_the_window():
    just_added = judge([_age("new", None, due=NOW - timedelta(minutes=20))], "customers", NOW, FAIL, WARN)
    assert just_added.finding.passed
    forgotten = judge([_age("new", None, due=NOW - timedelta(hours=5))], "customers", NOW, FAIL, WARN)
    assert forgotten.severity == "ERROR" and "new (never pulled)" in forgotten.finding.description
    assert date.fromisoformat(NOW.date().isoformat())  # sanity of the fixture's clock
