"""When the database cannot be reached: an honest 503, quiet logs, and a readiness probe.

* Any request that fails because the database is unreachable (connection refused or lost, a
  pool that cannot hand out a connection, SQLite's lock not granted within the busy timeout)
  answers 503 with ``Retry-After`` and a short plain message in the request's language (a
  problem document under ``/api/``, a page elsewhere) instead of a 500.
* The log gets one line per failure class per `LOG_INTERVAL` (with the number of failures
  swallowed since the last line), not a traceback per request.
* ``/healthz`` stays a liveness check (the process answers). ``/readyz`` answers 200 only when
  the database answers (and, in a process that runs the scheduler, the scheduler has checked its
  lease recently), so a load balancer takes a worker out while it cannot serve.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.wrappers import Response

from engine.scheduling import health_probe
from webapp.errors import problem

log = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 15
LOG_INTERVAL = 60.0
SCHEDULER_KEY = "stuurboord.scheduler"


class QuietLog:
    """Logs the first failure of each class, then at most one line per interval with a count."""

    def __init__(self, interval: float = LOG_INTERVAL, clock: Any = time.monotonic) -> None:
        self.interval, self.clock = interval, clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._swallowed: dict[str, int] = {}

    def failure(self, kind: str, message: str) -> bool:
        """Note one failure; True if a line was logged for it."""
        now = self.clock()
        with self._lock:
            last = self._last.get(kind)
            if last is not None and now - last < self.interval:
                self._swallowed[kind] = self._swallowed.get(kind, 0) + 1
                return False
            swallowed = self._swallowed.pop(kind, 0)
            self._last[kind] = now
        more = f" ({swallowed} more since the last line)" if swallowed else ""
        log.warning("database unavailable: %s: %s%s", kind, message, more)
        return True


QUIET = QuietLog()


def _kind(error: Exception) -> tuple[str, str]:
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0][:200]
    return f"{type(error).__name__}/{type(cause).__name__}", first


def handle_unavailable(error: Exception) -> Response:
    kind, message = _kind(error)
    QUIET.failure(kind, message)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    detail = _("De databank is even niet bereikbaar. Probeer het over een ogenblik opnieuw.")
    if request.path.startswith("/api/"):
        return problem(503, "UNAVAILABLE", detail, headers=headers)
    try:
        body = render_template("unavailable.html", detail=detail)
    except Exception:  # the page must not depend on anything that might be down too
        body = detail
    return Response(body, status=503, mimetype="text/html", headers=headers)


def _quiet_failure(error: Exception) -> None:
    QUIET.failure(*_kind(error))


def readiness(app: Flask) -> tuple[dict[str, Any], int]:
    """What /readyz answers: each check's state, and 200 or 503."""
    engine = app.extensions["stuurboord"].engine
    return health_probe.readiness(engine.db, app.extensions.get(SCHEDULER_KEY), _quiet_failure)


def init_app(app: Flask) -> None:
    for error in UNAVAILABLE:
        app.register_error_handler(error, handle_unavailable)

    @app.get("/readyz")
    def readyz() -> Response:
        body, status = readiness(current_app._get_current_object())  # type: ignore[attr-defined]
        response = jsonify(body)
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        if status == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
