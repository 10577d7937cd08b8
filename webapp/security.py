"""Protection on every response and every form: security headers, CSRF, proxies.

- CSP allows only this origin's scripts and styles (no inline scripts), no framing. bpmn-js and
  dmn-js are served from this origin (webapp/vendor.py) and need no eval.
- Pages and API answers are `Cache-Control: no-store` (they show cases and tasks); static
  files may be cached.
- HSTS when the request came over https (directly, or via a trusted proxy: STUURBOORD_PROXY_COUNT).
- CSRF: Flask-WTF checks a token on every POST/PUT/PATCH/DELETE of the pages. The API is exempt
  because it authenticates by bearer token only (a browser never sends one by itself).
"""

from __future__ import annotations

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

csrf = CSRFProtect()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI and dmn-js's decision table (webapp/modeller.py) set inline style attributes; their
# pages alone may use them (still no inline scripts). bpmn-js (viewer and modeller) needs neither.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HSTS = "max-age=31536000; includeSubDomains"


def add_headers(response: Response) -> Response:
    headers = response.headers
    docs = request.path.startswith("/api/v1/docs")
    headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint not in ("static", "vendor.asset") and not request.path.startswith(
        "/api/v1/docs/assets"
    ):
        headers["Cache-Control"] = "no-store"
        headers.setdefault("Pragma", "no-cache")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    app.config.setdefault("WTF_CSRF_SSL_STRICT", True)
    csrf.init_app(app)
    app.after_request(add_headers)
