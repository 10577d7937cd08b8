"""The database goes away and comes back: 503 with Retry-After, quiet logs, /readyz."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from engine import Database, Engine
from tests.tcpproxy import CuttableProxy
from tests.web.conftest import USERS, bearer, sign_in, token_for
from webapp.app import create_app
from webapp.outage import QUIET, QuietLog


@pytest.fixture
def proxied(web_engine: Engine):
    """The same database, reached through a proxy the test can cut (PostgreSQL only)."""
    if not web_engine.db.is_postgresql:
        pytest.skip("the outage is staged on a PostgreSQL connection")
    url = make_url(web_engine.db.url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    db = Database(url.set(port=proxy.port).render_as_string(hide_password=False))
    engine = Engine(db, web_engine.registry, web_engine.clock)
    yield engine, proxy
    proxy.close()
    db.dispose()


@pytest.fixture
def outage_app(proxied, app):
    engine, _ = proxied
    application = create_app(engine, {"TESTING": True, "TOPIC_PROCESS": "review"})
    return application


def test_database_outage_answers_503_and_recovers(proxied, outage_app, caplog) -> None:
    engine, proxy = proxied
    client = outage_app.test_client()
    token = token_for(outage_app, "carla")
    assert client.get("/readyz").status_code == 200
    sign_in(client, "carla")
    assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 200

    proxy.cut()
    caplog.set_level(logging.WARNING)
    caplog.clear()
    api = client.get("/api/v1/tasks", headers=bearer(token))
    assert api.status_code == 503
    assert api.headers["Retry-After"].isdigit()
    assert api.mimetype == "application/problem+json"
    assert api.json["code"] == "UNAVAILABLE"
    english = client.get("/api/v1/tasks", headers={**bearer(token), "Accept-Language": "en"})
    assert "database" in english.json["detail"] and "databank" not in english.json["detail"]
    page = client.get("/taken")
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert "Even niet beschikbaar" in page.text and "Traceback" not in page.text
    for _ in range(20):
        assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 503
    assert client.get("/healthz").status_code == 200  # alive, just not ready
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["database"] == "unavailable"
    lines = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(lines) <= 2, [r.getMessage() for r in lines]  # not one per request
    assert not any(r.exc_info for r in caplog.records)  # and no tracebacks

    proxy.restore()
    assert client.get("/readyz").status_code == 200
    assert client.get("/api/v1/tasks", headers=bearer(token)).status_code == 200
    assert set(USERS) <= set(engine.display_names())


def test_sqlite_lock_not_granted_answers_503(web_engine, tmp_path) -> None:
    if not web_engine.db.is_sqlite:
        pytest.skip("SQLite's write lock")
    db = Database(web_engine.db.url, busy_timeout_ms=50)
    engine = Engine(db, web_engine.registry, web_engine.clock)
    app = create_app(engine, {"TESTING": True, "TOPIC_PROCESS": "review"})
    token = token_for(app, "carla")
    client = app.test_client()
    holder = db.engine.connect()
    holder.begin()  # BEGIN IMMEDIATE: another writer holds the lock
    holder.exec_driver_sql("SELECT 1")
    try:
        response = client.post(
            "/api/v1/cases", json={"process_id": "review", "data": {}}, headers=bearer(token)
        )
        assert response.status_code == 503, response.text
        assert response.json["code"] == "UNAVAILABLE"
    finally:
        holder.rollback()
        holder.close()
    with db.snapshot() as connection:
        assert connection.execute(text("SELECT count(*) FROM case_instance")).scalar() == 0
    db.dispose()


def test_quiet_log_writes_one_line_per_class_per_interval(caplog) -> None:
    now = [0.0]
    quiet = QuietLog(interval=60, clock=lambda: now[0])
    caplog.set_level(logging.WARNING)
    assert quiet.failure("OperationalError", "connection refused")
    assert not any(quiet.failure("OperationalError", "connection refused") for _ in range(50))
    assert quiet.failure("TimeoutError", "pool")  # another class gets its own line
    now[0] = 61
    assert quiet.failure("OperationalError", "connection refused")
    assert "50 more since the last line" in caplog.records[-1].getMessage()
    assert QUIET.interval == 60


def test_readyz_includes_the_embedded_scheduler(app, web_engine) -> None:
    from engine.scheduling.scheduler import Scheduler
    from webapp.outage import SCHEDULER_KEY

    scheduler = Scheduler(web_engine, name="embedded")
    app.extensions[SCHEDULER_KEY] = scheduler
    client = app.test_client()
    assert client.get("/readyz").status_code == 503  # its lease was never checked
    scheduler.lead()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"]["scheduler"]["role"] == "leader"
