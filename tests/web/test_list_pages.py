"""The list pages (Mijn taken, Dossiers) render their rows without per-row url_for, macro and
Flask-Babel calls: the same HTML as those calls would give."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale, format_datetime

from tests.web.conftest import csrf_of, sign_in, start_review
from webapp.app import url_prefix
from webapp.i18n import WHEN, language, when
from webapp.wording import role_label


def _moments() -> list[datetime]:
    """Every month, both changes of summer time (to the minute around them), midnight, naive."""
    found = [datetime(2026, month, 2, 10, 7, tzinfo=UTC) for month in range(1, 13)]
    for change in (
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    ):
        found += [change + timedelta(minutes=m) for m in range(-61, 62, 30)]
    found += [datetime(2026, 12, 31, 23, 0, tzinfo=UTC), datetime(999, 1, 1, 12, 0, tzinfo=UTC)]
    found += [datetime(2026, 7, 1, 22, 30), datetime(2026, 1, 1, 0, 0)]  # naive: UTC
    return found


@pytest.mark.parametrize("language", ["nl", "en"])
def test_when_writes_what_flask_babel_writes(app, language):
    with app.test_request_context("/"), force_locale(language):
        for moment in _moments():
            assert when(moment) == format_datetime(moment, WHEN), moment
        assert when(None) == ""


def test_when_follows_a_change_of_language_within_the_request(app):
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with app.test_request_context("/"):
        dutch = when(moment)
        with force_locale("en"):
            english = when(moment)
        assert (dutch, english, when(moment)) == ("2 mrt 2026 10:00", "2 Mar 2026 10:00", dutch)


def test_language_is_worked_out_once_but_follows_force_locale(app, client):
    with app.test_request_context("/"):
        assert (language(), role_label("chair")) == ("nl", "voorzitter")
        with force_locale("en"):
            assert (language(), role_label("chair")) == ("en", "chair")
        assert (language(), role_label("chair")) == ("nl", "voorzitter")
    sign_in(client, "carla")
    client.post("/taal", data={"taal": "en", "csrf_token": csrf_of(client.get("/taken").text)})
    assert '<html lang="en">' in client.get("/taken").text


def test_url_prefix_plus_id_is_url_for(app):
    with app.test_request_context("/"):
        for case_id in (1, 42, 9_999_999):
            assert url_prefix("cases.show", "case_id") + str(case_id) == url_for(
                "cases.show", case_id=case_id
            )
        task_id = "0b6f4a8e-3c1d-4f7a-9d2e-5a6b7c8d9e0f"
        assert url_prefix("tasks.show", "task_id") + task_id == url_for(
            "tasks.show", task_id=task_id
        )
        with pytest.raises(ValueError):
            url_prefix("inbox.index", "pagina")  # not a part of the path


def _rows(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r"<tr[ >].*?</tr>", body, re.S)


def test_inbox_rows_as_the_due_macro_and_url_for_write_them(app, client, web_engine, clock):
    """An overdue task, one without a term and one done as deputy: each cell as before."""
    _, late = start_review(web_engine, "carla")
    _, open_ended = start_review(web_engine, "carla")
    case_id, intake = start_review(web_engine, "carla")
    web_engine.complete_task(intake, {"amount": 5000}, web_engine.actor("carla"))
    [approve] = [t for t in web_engine.case_tasks(case_id) if t.state == "ready"]
    maria, now = web_engine.actor("maria"), clock.now()
    web_engine.set_deputy("maria", "dirk", now - timedelta(days=1), now + timedelta(days=7), maria)
    web_engine.extend_due(late, now + timedelta(days=1), "test", web_engine.actor("anna"))
    clock.advance(days=2)
    sign_in(client, "dirk")
    html = client.get("/taken").text
    rows = _rows(html)
    assert len(rows) == 3
    macro = '{% from "macros.html" import due %}{{ due(task, overdue) }}'
    with app.test_request_context("/"):
        for task_id in (late, open_ended, approve.id):
            task = web_engine.task(task_id)
            [row] = [r for r in rows if f'value="{task_id}"' in r]
            overdue = task.due_at is not None and task.due_at < clock.now()
            cell = render_template_string(macro, task=task, overdue=overdue)
            assert f'<td data-label="Termijn">{cell}</td>' in row
            assert f'href="{url_for("tasks.show", task_id=task_id)}"' in row
            assert f'href="{url_for("cases.show", case_id=task.case_id)}"' in row
    assert "te laat" in html and "geen termijn" in html and "voor Maria Manager" in html


def test_case_list_links_and_kinds(client, web_engine):
    ids = [start_review(web_engine, "carla")[0] for _ in range(3)]
    sign_in(client, "carla")
    html = client.get("/dossiers").text
    rows = _rows(html)
    assert len(rows) == 3
    for case_id, row in zip(sorted(ids, reverse=True), rows, strict=True):
        assert f'<a href="/dossiers/{case_id}">Review</a>' in row


def _names_asked(monkeypatch, web_engine) -> list[set[str] | None]:
    """Record each display_names call's ids (None: every user's)."""
    asked: list[set[str] | None] = []
    loader = web_engine.display_names

    def recording(user_ids=None):
        asked.append(None if user_ids is None else set(user_ids))
        return loader(user_ids)

    monkeypatch.setattr(web_engine, "display_names", recording)
    return asked


def test_inbox_and_case_list_load_only_the_names_they_show(monkeypatch, client, web_engine, clock):
    """One query for the names on the page (and the header's), not every user's; a rename
    shows on the next request."""
    _, intake = start_review(web_engine, "carla")
    web_engine.complete_task(intake, {"amount": 5000}, web_engine.actor("carla"))
    maria, now = web_engine.actor("maria"), clock.now()
    web_engine.set_deputy("maria", "dirk", now - timedelta(days=1), now + timedelta(days=7), maria)
    asked = _names_asked(monkeypatch, web_engine)
    sign_in(client, "dirk")
    asked.clear()
    html = client.get("/taken").text
    assert "voor Maria Manager" in html and "Dirk" in html
    assert asked == [{"dirk", "maria"}]
    asked.clear()
    html = client.get("/dossiers").text
    assert "Carla" in html
    assert asked == [{"dirk", "carla"}]
    web_engine.set_display_name("maria", "Maria Nieuw", web_engine.actor("anna"))
    assert "voor Maria Nieuw" in client.get("/taken").text


def test_display_name_beyond_the_remembered_ones_loads_every_name(app, web_engine):
    with app.test_request_context("/"):
        from flask import g

        from webapp.app import display_name, remember_names

        g.actor = web_engine.actor("dirk")
        remember_names(["carla", None, "system"])
        assert set(g._names) == {"carla", "dirk", "system"}
        assert not g.get("_all_names")
        assert display_name("carla") == "Carla Clerk"
        assert display_name("system") == "system"
        assert display_name("maria") == "Maria Manager"  # not remembered: every name loads
        assert g._all_names
        assert display_name("nobody") == "nobody"
        assert display_name(None) == ""
