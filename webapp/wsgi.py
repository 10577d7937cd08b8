"""WSGI entry for production servers: `gunicorn 'webapp.wsgi:app'`.

Needs STUURBOORD_SECRET_KEY (shared by all workers) and STUURBOORD_DATABASE_URL; run the
scheduler as its own process (`stuurboord scheduler`), never inside web workers.
"""

from __future__ import annotations

from webapp.app import create_app

app = create_app()
