"""gunicorn settings for the web app; gunicorn reads this file from the working directory
(the repository root) by itself, or take it along with `-c path/to/gunicorn.conf.py`:

    gunicorn 'webapp.wsgi:app' --workers 4 --bind 127.0.0.1:8000

Sync workers by default: a worker serves one request at a time. The app's work is CPU in
Python (the engine, the templates), so threads in one worker share one interpreter lock; on a
2-core machine with PostgreSQL on the same host, `bench/http.py` measured sync workers ahead of
4 threads per worker on completions per second and on the inbox and case list (README). With
PostgreSQL on another host, where a request spends part of its time waiting for the network,
`STUURBOORD_WEB_THREADS=4` (threaded `gthread` workers) lets a worker take other requests
meanwhile: the app keeps no per-request state outside Flask's request context and `g`, and the
engine's caches are safe for threads. Each worker process has its own connection pool
(`engine.storage.db.Database`: 10 connections, 10 more on demand), which covers up to 10
threads. Command-line flags override what is set here; `bench/http.py` serves the app with this
file (and `--workers 2`).
"""

from __future__ import annotations

import os

threads = int(os.environ.get("STUURBOORD_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = 60
