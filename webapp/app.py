"""The application factory: `create_app(engine, config)`.

Settings come from STUURBOORD_* environment variables (webapp/config.py); `config` overrides
them (tests pass {"TESTING": True, ...}). Without an engine, one is built as the command line
builds it (STUURBOORD_DATABASE_URL etc.).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask, g, url_for

from engine import Engine
from webapp import errors, i18n, identity, outage, security
from webapp.accounts import Accounts
from webapp.config import secret_key, settings_from_env
from webapp.identity import WebState


def _instance_path() -> Path:
    return Path(os.environ.get("STUURBOORD_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def _configure(app: Flask, config: dict[str, Any] | None) -> None:
    app.config.update(settings_from_env())
    app.config.update(config or {})
    if app.config.get("TESTING"):
        app.config["STUURBOORD_MODE"] = "testing"
    app.config["SECRET_KEY"] = secret_key(app.config, Path(app.instance_path))
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["STUURBOORD_MODE"] == "production"
    secure = bool(app.config["SESSION_COOKIE_SECURE"])
    app.config.update(
        SESSION_COOKIE_NAME="__Host-stuurboord" if secure else "stuurboord",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        API_TITLE="Stuurboord API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
    )


def _context() -> dict[str, Any]:
    from webapp.plain import scope_label
    from webapp.wording import (
        case_kind,
        days,
        model_name,
        process_label,
        role_label,
        status_label,
        task_label,
    )

    actor = g.get("actor")
    unread = 0
    if actor is not None:
        unread = identity.engine().unread_count(actor.user_id)
    return {
        "actor": actor,
        "unread_count": unread,
        "is_admin": bool(actor and actor.is_admin),
        "role_label": role_label,
        "status_label": status_label,
        "display_name": display_name,
        "task_label": task_label,
        "process_label": process_label,
        "case_kind": case_kind,
        "model_name": model_name,
        "days": days,
        "scope_label": scope_label,
    }


def display_name(user_id: str | None) -> str:
    """A user's name for pages (cached per request); ids of system actors as they are.

    A page that called `remember_names` for the people it shows has their names; any other
    name loads every user's (once per request), as does the first name on any other page."""
    if not user_id:
        return ""
    names: dict[str, str] | None = g.get("_names")
    if names is None:
        names = g._names = {}
    name = names.get(user_id)
    if name is None:
        if not g.get("_all_names"):
            for known, known_name in identity.engine().display_names().items():
                names.setdefault(known, known_name)
            g._all_names = True
        name = names.get(user_id, user_id)
    return str(name)


def remember_names(user_ids: Iterable[str | None]) -> None:
    """Load the names of the people a page is about to show, and the signed-in user's (its
    header), in one query: the page's `display_name` calls need not load every user's name.
    Read on every request, so a rename shows on the next one."""
    names: dict[str, str] | None = g.get("_names")
    if names is None:
        names = g._names = {}
    if g.get("_all_names"):
        return
    wanted = {user_id for user_id in user_ids if user_id}
    actor = g.get("actor")
    if actor is not None:
        wanted.add(actor.user_id)
    wanted.difference_update(names)
    if wanted:
        found = identity.engine().display_names(wanted)
        names.update({user_id: found.get(user_id, user_id) for user_id in wanted})


def url_prefix(endpoint: str, key: str) -> str:
    """The URL of `endpoint` without the value of `key`, its last part: a list page adds each
    row's id to it instead of calling url_for per row (slow). For ids that url_for leaves as
    they are (numbers, uuids): url_prefix("cases.show", "case_id") + "12" equals
    url_for("cases.show", case_id=12)."""
    url = url_for(endpoint, **{key: 0})
    if not url.endswith("/0"):
        raise ValueError(f"{key} is not the last part of the URL of {endpoint}: {url}")
    return url[:-1]


def create_app(engine: Engine | None = None, config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(_instance_path()), instance_relative_config=False)
    _configure(app, config)
    if engine is None:
        from webapp.cli import build_engine  # the committee's registry, not the bare engine

        engine = build_engine()
    app.extensions["stuurboord"] = WebState(engine, Accounts(engine, app.config))
    i18n.init_app(app)
    security.init_app(app)
    identity.init_app(app)
    app.context_processor(_context)
    app.jinja_env.globals["display_name"] = display_name
    app.jinja_env.globals["url_prefix"] = url_prefix

    from webapp import (
        account,
        actions,
        admin,
        admin_mail,  # noqa: F401  (its routes sit on the admin blueprint)
        admin_migrations,  # noqa: F401  (its routes sit on the admin blueprint)
        admin_webhooks,  # noqa: F401  (its routes sit on the admin blueprint)
        auth,
        cases,
        compliance,
        inbox,
        lineage,
        meetings,
        notifications,
        oidc,
        opendata,
        projects,
        steering,
        tasks,
    )
    from webapp.api import init_api

    for blueprint in (
        auth.bp,
        oidc.bp,
        inbox.bp,
        tasks.bp,
        cases.bp,
        meetings.bp,
        compliance.bp,
        notifications.bp,
        account.bp,
        admin.bp,
        opendata.bp,
        projects.bp,
        steering.bp,
        actions.bp,
        lineage.bp,
    ):
        app.register_blueprint(blueprint)
    init_api(app)
    errors.init_app(app)
    outage.init_app(app)
    from webapp import case_diagram, vendor

    case_diagram.init_app(app)
    vendor.init_app(app)

    from webapp.commands import register_commands

    register_commands(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
