"""Quiet hours (pure) and the health gate against a real emulator, offline and back."""

from datetime import datetime, time, timezone

import pytest

from qbd_pipeline.sync import gates
from qbd_pipeline_tests.quickbooks.pull_helpers import control, resources


@pytest.mark.parametrize("spec,zone,utc,quiet", [
    ("22:00-06:00", "UTC", "2026-11-01T23:30", True),
    ("22:00-06:00", "UTC", "2026-11-01T05:59", True),
    ("22:00-06:00", "UTC", "2026-11-01T06:00", False),
    ("22:00-06:00", "UTC", "2026-11-01T12:00", False),
    ("01:00-03:00", "America/Chicago", "2026-11-01T08:30", True),  # 02:30 in Chicago (CST, UTC-6)
    ("01:00-03:00", "America/Chicago", "2026-11-01T10:00", False),
    (None, "UTC", "2026-11-01T23:30", False),
    ("", "UTC", "2026-11-01T23:30", False),
])
def test_quiet_hours_are_local_and_may_run_past_midnight(spec, zone, utc, quiet):
    now = datetime.fromisoformat(utc).replace(tzinfo=timezone.utc)
    assert gates.in_quiet_hours(now, gates.parse_quiet_hours(spec), zone) is quiet


def test_a_malformed_quiet_hours_setting_closes_the_gate_with_the_reason(monkeypatch, shared_server):
    monkeypatch.setenv(gates.QUIET_HOURS_VAR, "late evening")
    closed = gates.gate(resources(shared_server, None)["conductor"])
    assert not closed.open and "HH:MM-HH:MM" in closed.reason
    assert gates.parse_quiet_hours("22:00 - 06:30") == (time(22, 0), time(6, 30))


def test_quiet_hours_close_the_gate_without_asking_quickbooks(monkeypatch, server):
    monkeypatch.setenv(gates.QUIET_HOURS_VAR, "00:00-23:59")
    control(server, "DELETE", "requests")
    closed = gates.gate(resources(server, None)["conductor"])
    assert not closed.open and "quiet hours" in closed.reason
    assert control(server, "GET", "requests")["data"] == []


def test_offline_quickbooks_closes_the_gate_and_it_reopens_by_itself(server):
    gates.forget_health()
    conductor = resources(server, None)["conductor"]
    control(server, "POST", "faults", kind="qbd_offline", count=1, path_contains="health-check")
    closed = gates.quickbooks_health(conductor, cache_seconds=0)
    assert not closed.open and "offline" in closed.reason and conductor.end_user_id in closed.reason
    assert gates.quickbooks_health(conductor, cache_seconds=0).open  # QuickBooks is back
    control(server, "POST", "faults", kind="qbd_offline", count=1, path_contains="health-check")
    assert gates.quickbooks_health(conductor, cache_seconds=60).open  # a recent answer is reused briefly
    gates.forget_health()
    assert not gates.quickbooks_health(conductor).open
    gates.forget_health()


def test_a_missing_secret_closes_the_gate_naming_the_variable(server):
    from qbd_pipeline.conductor.resource import ConductorResource

    closed = gates.gate(ConductorResource(end_user_id="end_usr_x", base_url=server.base_url))
    assert not closed.open and "CONDUCTOR_SECRET_KEY" in closed.reason
