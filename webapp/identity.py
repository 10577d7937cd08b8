"""Who is asking: the signed-in browser user (server-side session) or the API client (bearer
token). Loaded once per request into `g.actor`; pages and endpoints then check rights.

The API listens to bearer tokens only, never to the session cookie, so it needs no CSRF token
and a page on another site cannot make a signed-in browser call it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from engine import Actor, Engine, NotFound
from webapp import sessions, tokens
from webapp.accounts import Accounts
from webapp.redirects import same_site_path


@dataclass
class WebState:
    """What the app keeps in `app.extensions["stuurboord"]`."""

    engine: Engine
    accounts: Accounts
    extra: dict[str, Any] = field(default_factory=dict)


def state() -> WebState:
    return current_app.extensions["stuurboord"]  # type: ignore[no-any-return]


def engine() -> Engine:
    return state().engine


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def current_actor() -> Actor | None:
    return g.get("actor")


def _actor_or_none(user_id: str | None) -> Actor | None:
    if user_id is None:
        return None
    try:
        return engine().actor(user_id)
    except NotFound:  # deactivated or removed since: the sign-in no longer counts
        return None


def load_user() -> None:
    """before_request: set `g.actor` (or None)."""
    g.actor = None
    if request.endpoint in ("static", "healthz", "readyz"):  # probes must not need a user
        return
    if is_api_request():
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            g.actor = tokens.actor_of(engine(), token.strip())
        return
    secret = session.get("sid")
    if not secret:
        return
    user_id = sessions.resolve(engine(), secret)
    actor = _actor_or_none(user_id)
    if actor is None:
        if user_id is not None:  # a live session of a deactivated user: end it
            sessions.end(engine(), secret)
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        return
    g.actor = actor


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages: send anonymous visitors to the sign-in page, and back here afterwards."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_actor() is None:
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("auth.login", next=target.rstrip("?") if target else None))
        return view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed (no open redirect): see `webapp.redirects`."""
    return same_site_path(target)


def redirect_after_login() -> Response:
    return redirect(safe_next(request.args.get("next")) or url_for("inbox.index"))


def init_app(app: Flask) -> None:
    app.before_request(load_user)
