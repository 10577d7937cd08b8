"""A tiny HTTP probe for the scheduler process (which serves no web app).

`stuurboord scheduler --health-port PORT` answers on 127.0.0.1 (or `--health-host`):
``GET /healthz`` 200 while the process runs (liveness); ``GET /readyz`` 200 when the database
answers and this scheduler has checked its lease within one lease time, else 503 (readiness),
with the checks as JSON. Nothing else is served.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import text

from engine.scheduling.scheduler import Scheduler
from engine.storage.db import Database

log = logging.getLogger(__name__)


def _log_failure(error: Exception) -> None:
    log.warning("readiness: database unavailable: %s", type(error).__name__)


def readiness(
    db: Database,
    scheduler: Scheduler | None,
    on_failure: Callable[[Exception], None] = _log_failure,
) -> tuple[dict[str, Any], int]:
    """The readiness checks (the database answers; the scheduler, if this process runs one, has
    its lease in hand) and 200 or 503. The web app's /readyz answers the same."""
    checks: dict[str, Any] = {}
    try:
        with db.snapshot() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        on_failure(error)
        checks["database"] = "unavailable"
    if scheduler is not None:
        checks["scheduler"] = scheduler.health()
    ready = checks["database"] == "ok" and bool(checks.get("scheduler", {}).get("ok", True))
    return {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503


def serve_probe(scheduler: Scheduler, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Start the probe in a daemon thread; returns the server (``shutdown()`` stops it)."""

    class Probe(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/healthz":
                body, status = {"status": "ok"}, 200
            elif self.path == "/readyz":
                body, status = readiness(scheduler.engine.db, scheduler)
            else:
                body, status = {"status": "not found"}, 404
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # probes every few seconds
            return

    server = ThreadingHTTPServer((host, port), Probe)
    threading.Thread(target=server.serve_forever, name="stuurboord-probe", daemon=True).start()
    return server
