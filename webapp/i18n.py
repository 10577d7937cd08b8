"""Languages and dates. Dutch is the source language (message ids are Dutch), English comes
from the catalog in webapp/translations (compiled with `pybabel compile -d webapp/translations`;
`compile_catalogs()` does the same from Python). Without a compiled catalog the app stays fully
Dutch. Dates show in Europe/Brussels.

Pages take the language from the session (the switch in the header), API responses from
Accept-Language; both default to Dutch.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    get_locale,
    get_timezone,
    get_translations,
)

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
    """This request's language ("nl" or "en"), worked out once per request (and again when the
    locale changes, as under force_locale): str() of Babel's Locale is slow, and a list page
    asks for it a few times per row (role, task and kind names)."""
    ctx = g.get("_flask_babel") if g else None
    cached = getattr(ctx, "stuurboord_language", None)
    if cached is not None and cached[0] is getattr(ctx, "babel_locale", None):
        return cached[1]
    locale = get_locale()
    name = str(locale or DEFAULT_LANGUAGE)
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None and locale is not None:
        ctx.stuurboord_language = (locale, name)
    return name


def translations() -> Any:
    """Flask-Babel's translations for this request's language, looked up once per request (and
    again when the language changes, as under force_locale): its own lookup walks the request
    context several times for every string, hundreds of times on a list page."""
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None:
        cached = getattr(ctx, "stuurboord_translations", None)
        if cached is not None and cached[0] is getattr(ctx, "babel_locale", None):
            return cached[1]
    found = get_translations()
    ctx = g.get("_flask_babel") if g else None
    if ctx is not None:
        ctx.stuurboord_translations = (getattr(ctx, "babel_locale", None), found)
    return found


def gettext(string: str, **variables: Any) -> str:
    """flask_babel.gettext through the per-request translations (for text built per row)."""
    text = translations().ugettext(string)
    return text if not variables else text % variables


def localized(value: Any) -> str | None:
    """A text that may be given per language ({"nl": ..., "en": ...}) in the current one."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get(language()) or value.get(DEFAULT_LANGUAGE) or next(iter(value.values()))
    return str(value)


WHEN = "d MMM y HH:mm"
"""The pattern of `when` (Babel's): day, short month name, year, hours and minutes."""


def _when_parts() -> tuple[Any, list[str] | Any]:
    """This request's time zone and short month names, looked up once per request (again
    when the language changes, as under force_locale), as Flask-Babel's format_datetime would."""
    locale = get_locale()
    ctx = g.get("_flask_babel") if g else None
    cached = getattr(ctx, "stuurboord_when", None)
    if cached is not None and cached[0] is locale:
        return cached[1], cached[2]
    zone, months = get_timezone(), (locale or Locale.parse(DEFAULT_LANGUAGE)).months
    if ctx is not None:
        ctx.stuurboord_when = (locale, zone, months["format"]["abbreviated"])
    return zone, months["format"]["abbreviated"]


def when(moment: datetime | None) -> str:
    """A moment as people here read it: '2 mrt. 2026 10:00' (Brussels time).

    The same text as Flask-Babel's format_datetime(moment, WHEN), written out: a list page
    shows one per row, and Babel's lookups of locale and time zone per call cost 3 times as
    much as the formatting (tests/web/test_list_pages.py compares the two)."""
    if moment is None:
        return ""
    if not g:  # outside a request: Flask-Babel's defaults
        return format_datetime(moment, WHEN)
    zone, months = _when_parts()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = zone.normalize(moment.astimezone(zone))
    return f"{local.day} {months[local.month]} {local.year} {local.hour:02d}:{local.minute:02d}"


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


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # Flask-Babel's own, through translations()
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.globals["current_language"] = language
