"""Stuurboord's web app: server-rendered pages (Flask + Jinja) and the REST API under /api/v1.

`create_app(engine)` in `webapp.app` builds it; `webapp.wsgi:app` is the entry for gunicorn;
`webapp.serve.serve(host, port)` runs it embedded with the scheduler. The web app keeps its own
tables (credentials, sessions, API tokens, login throttling) on its own Alembic branch,
`MIGRATIONS`, which depends on the engine's schema.
"""

from __future__ import annotations

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"

__all__ = ["MIGRATIONS"]
