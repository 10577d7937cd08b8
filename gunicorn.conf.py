"""gunicorn settings for the web app; gunicorn reads this file from the working directory
(the repository root) by itself, or take it along with `-c path/to/gunicorn.conf.py`:

    gunicorn 'webapp.wsgi:app' --workers 4 --bind 127.0.0.1:8000

Threaded workers (gthread): a worker serves `threads` requests at once, so a page or a probe
does not queue behind a completion that waits for PostgreSQL or the disk. The app keeps no
per-request state outside Flask's request context and `g`; the engine's caches are safe for
threads. Each worker process has its own connection pool (`engine.storage.db.Database`: 10
connections, 10 more on demand), which covers these threads. Command-line flags override
what is set here; `bench/http.py` serves the app with this file (and `--workers 2`).
"""

from __future__ import annotations

import os

worker_class = "gthread"
threads = int(os.environ.get("STUURBOORD_WEB_THREADS", "4"))
timeout = 60
