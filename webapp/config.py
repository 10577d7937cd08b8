"""Web settings, read from STUURBOORD_* environment variables. Every one is listed here.

| variable | default | meaning |
|---|---|---|
| STUURBOORD_SECRET_KEY | (required in production) | signs cookies; demo/testing generate one |
| STUURBOORD_MODE | production | production, demo (embedded `stuurboord run`) or testing |
| STUURBOORD_MAX_CONTENT_LENGTH | 5242880 | largest request body in bytes (413 above) |
| STUURBOORD_SESSION_HOURS | 8 | a sign-in lasts this long (server-side) |
| STUURBOORD_COOKIE_SECURE | 1 in production | send the session cookie over https only |
| STUURBOORD_PROXY_COUNT | 0 | trusted reverse proxies in front (X-Forwarded-For/-Proto) |
| STUURBOORD_TOPIC_PROCESS | topic | the process "Nieuw onderwerp" starts |
| STUURBOORD_LOGIN_MAX_FAILURES | 5 | failed sign-ins of one account before it is locked |
| STUURBOORD_LOGIN_LOCK_SECONDS | 300 | first lock; each further failure doubles it (max 1 h) |
| STUURBOORD_LOGIN_IP_MAX_FAILURES | 20 | failed sign-ins from one address per window |
| STUURBOORD_LOGIN_IP_WINDOW_SECONDS | 900 | that window |
| STUURBOORD_API_START_LIMIT | 30 | cases one API client may start per minute |
| STUURBOORD_OIDC_ISSUER | (off) | OpenID Connect issuer; see webapp/oidc.py |
| STUURBOORD_OIDC_CLIENT_ID / _SECRET | | the client registered at that issuer |
| STUURBOORD_OIDC_SCOPES | openid email profile | scopes asked for (`openid` is always added) |
| STUURBOORD_OIDC_USER_CLAIM | preferred_username | claim holding the user id (or `email`) |
| STUURBOORD_OIDC_PROVIDER_NAME | (issuer's host name) | the button label: "Aanmelden met ACM/IDM" |
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MODES = ("production", "demo", "testing")
_KEY_FILE = "web_secret_key"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from error


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def settings_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The Flask config keys the web app uses, from the environment."""
    env = os.environ if env is None else env
    mode = env.get("STUURBOORD_MODE", "production")
    if mode not in MODES:
        raise RuntimeError(f"STUURBOORD_MODE must be one of {', '.join(MODES)}, not {mode!r}")
    return {
        "STUURBOORD_MODE": mode,
        "SECRET_KEY": env.get("STUURBOORD_SECRET_KEY") or None,
        "MAX_CONTENT_LENGTH": _int(env, "STUURBOORD_MAX_CONTENT_LENGTH", 5 * 1024 * 1024),
        "SESSION_HOURS": _int(env, "STUURBOORD_SESSION_HOURS", 8),
        "SESSION_COOKIE_SECURE": (
            _bool(env, "STUURBOORD_COOKIE_SECURE", True)
            if env.get("STUURBOORD_COOKIE_SECURE")
            else None  # decided by the mode: secure in production
        ),
        "PROXY_COUNT": _int(env, "STUURBOORD_PROXY_COUNT", 0),
        "TOPIC_PROCESS": env.get("STUURBOORD_TOPIC_PROCESS", "topic"),
        "LOGIN_MAX_FAILURES": _int(env, "STUURBOORD_LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_SECONDS": _int(env, "STUURBOORD_LOGIN_LOCK_SECONDS", 300),
        "LOGIN_IP_MAX_FAILURES": _int(env, "STUURBOORD_LOGIN_IP_MAX_FAILURES", 20),
        "LOGIN_IP_WINDOW_SECONDS": _int(env, "STUURBOORD_LOGIN_IP_WINDOW_SECONDS", 900),
        "API_START_LIMIT": _int(env, "STUURBOORD_API_START_LIMIT", 30),
        "OIDC_ISSUER": env.get("STUURBOORD_OIDC_ISSUER") or None,
        "OIDC_CLIENT_ID": env.get("STUURBOORD_OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": env.get("STUURBOORD_OIDC_CLIENT_SECRET") or None,
        "OIDC_SCOPES": env.get("STUURBOORD_OIDC_SCOPES") or "openid email profile",
        "OIDC_USER_CLAIM": env.get("STUURBOORD_OIDC_USER_CLAIM") or "preferred_username",
        "OIDC_PROVIDER_NAME": env.get("STUURBOORD_OIDC_PROVIDER_NAME") or None,
    }


def secret_key(config: Mapping[str, Any], instance_path: Path) -> str:
    """The configured key; in demo mode one kept in the instance folder; in testing a fresh one.

    Production without STUURBOORD_SECRET_KEY is refused: a key made up per worker would sign
    cookies the other workers reject, and one lost at restart signs everyone out.
    """
    if config.get("SECRET_KEY"):
        return str(config["SECRET_KEY"])
    mode = config.get("STUURBOORD_MODE")
    if config.get("TESTING") or mode == "testing":
        return secrets.token_urlsafe(32)
    if mode == "demo":
        path = instance_path / _KEY_FILE
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
        instance_path.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key)
        return key
    raise RuntimeError(
        "STUURBOORD_SECRET_KEY is not set. Set it to a long random value shared by all web "
        "workers, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
    )
