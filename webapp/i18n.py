"""Languages and dates. Dutch is the source language (message ids are Dutch), English comes
from the catalog in webapp/translations (compiled with `pybabel compile -d webapp/translations`;
`compile_catalogs()` does the same from Python). Without a compiled catalog the app stays fully
Dutch. Dates show in Europe/Brussels.

Pages take the language from the session (the switch in the header), API responses from
Accept-Language; both default to Dutch.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import Babel, format_date, format_datetime, get_locale, get_translations

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
TIMEZONE = "Europe/Brussels"
TRANSLATIONS = Path(__file__).parent / "translations"

log = logging.getLogger(__name__)


def select_locale() -> str:
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
    language = session.get("lang")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def localized(value: Any) -> str | None:
    """A text that may be given per language ({"nl": ..., "en": ...}) in the current one."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get(language()) or value.get(DEFAULT_LANGUAGE) or next(iter(value.values()))
    return str(value)


def when(moment: datetime | None) -> str:
    """A moment as people here read it: '2 mrt. 2026 10:00' (Brussels time)."""
    if moment is None:
        return ""
    return format_datetime(moment, "d MMM y HH:mm")


def day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_date(moment, "d MMM y")


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older (like `pybabel compile`)."""
    written = []
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as source:
                catalog = read_po(source, locale=po_path.parent.parent.name)
            with mo_path.open("wb") as target:
                write_mo(target, catalog)
            written.append(mo_path)
        except OSError as error:
            log.warning("could not compile %s: %s", po_path, error)
    return written


def _catalog() -> Any:
    """The request's translations (Flask-Babel fixes the locale for a request)."""
    found = g.get("_catalog")
    if found is None:
        found = g._catalog = get_translations()
    return found


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    # Templates look up the catalog once per request, not on every _() (a page with a few
    # hundred texts spent a tenth of its time finding the catalog again).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
    )
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.globals["current_language"] = language
