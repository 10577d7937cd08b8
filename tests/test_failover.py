"""Scheduler failover: a standby leads within 10 s of the leader's death by default, and the
lease check is what readiness probes report."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from engine import Engine, ManualClock
from engine.scheduling.health_probe import serve_probe
from engine.scheduling.scheduler import Scheduler
from engine.settings import scheduler_lease_seconds


def test_default_lease_lets_a_standby_take_over_within_ten_seconds(db, clock: ManualClock):
    leader = Scheduler(Engine(db, clock=clock), name="leader")
    standby = Scheduler(Engine(db, clock=clock), name="standby")
    assert leader.lease == timedelta(seconds=6) and leader.renew_every == timedelta(seconds=2)
    step = standby.renew_every.total_seconds()
    assert leader.lead() is not None
    for _ in range(3):  # the leader renews while it lives; the standby keeps trying
        clock.advance(seconds=step)
        assert leader.lead() is not None
        assert standby.lead() is None
    died_at = clock.now()  # the leader's last renewal, then kill -9
    while standby.lead() is None:
        clock.advance(seconds=step)
        assert clock.now() - died_at <= timedelta(seconds=10), "no failover within 10 s"
    assert standby.fence is not None and standby.fence.token == leader.fence.token + 1


def test_lease_setting_is_read_and_checked(monkeypatch) -> None:
    monkeypatch.setenv("STUURBOORD_SCHEDULER_LEASE_SECONDS", "3")
    assert scheduler_lease_seconds() == 3
    monkeypatch.setenv("STUURBOORD_SCHEDULER_LEASE_SECONDS", "0.5")
    with pytest.raises(ValueError, match="at least 1"):
        scheduler_lease_seconds()


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_scheduler_probe_reports_its_lease(db, clock: ManualClock) -> None:
    scheduler = Scheduler(Engine(db, clock=clock), name="probe")
    server = serve_probe(scheduler, 0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert _get(f"{base}/healthz")[0] == 200
        status, body = _get(f"{base}/readyz")
        assert status == 503 and body["checks"]["scheduler"]["ok"] is False  # never checked
        scheduler.lead()
        status, body = _get(f"{base}/readyz")
        assert status == 200, body
        probe = body["checks"]["scheduler"]
        assert body["checks"]["database"] == "ok"
        assert (probe["ok"], probe["role"]) == (True, "leader")
        # checked just now (a loaded machine may take a tenth of a second to answer)
        assert 0.0 <= probe["lease_checked_seconds_ago"] < 5
        scheduler.lease_checked_at = time.monotonic() - 60  # renewals stalled for a minute
        status, body = _get(f"{base}/readyz")
        assert status == 503 and body["checks"]["scheduler"]["ok"] is False
        assert _get(f"{base}/anything")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
