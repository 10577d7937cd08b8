"""The partial the project page includes: a project's reviews for the Flemish Government and the
approved advice, in Dutch and English, with names and dates for people (no codes or ids)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, render_template, session

from processes.reviews.queries import ReviewView


def _view(**changes: object) -> ReviewView:
    values: dict[str, object] = {
        "id": 7,
        "uuid": "0b9d2c1e-0000-4000-8000-000000000007",
        "case_id": 41,
        "status": "approved",
        "status_label": {"nl": "Advies goedgekeurd", "en": "Advice approved"},
        "government_meeting_on": date(2026, 4, 24),
        "advice_due_on": date(2026, 4, 17),
        "question": "Is het loket afgestemd?",
        "verdict": "conditional",
        "verdict_label": {"nl": "Gunstig onder voorwaarden", "en": "Favourable with conditions"},
        "advice_text": "Gunstig, mits hergebruik van het betaalplatform.",
        "overlap_findings": "Stad Gent bouwt hetzelfde.",
        "reuse_findings": None,
        "partner_suggestions": None,
        "intake_note": None,
        "approved_by": "chris",
        "approved_by_name": "Chris Maes",
        "approved_at": datetime(2026, 4, 10, 9, 0, tzinfo=UTC),
        "created_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    }
    values.update(changes)
    return ReviewView(**values)  # type: ignore[arg-type]


def _render(app: Flask, reviews: list[ReviewView], language: str = "nl") -> str:
    with app.test_request_context("/projecten/1"):
        session["lang"] = language
        return render_template("projects/_reviews.html", reviews=reviews)


def test_an_approved_advice_reads_with_its_verdict_approver_and_case_link(app: Flask) -> None:
    html = _render(app, [_view()])
    assert "Voor de zitting van de Vlaamse Regering van 24 apr 2026" in html
    assert "Gunstig onder voorwaarden" in html
    assert "Gunstig, mits hergebruik van het betaalplatform." in html
    assert "10 apr 2026 door Chris Maes" in html
    assert 'href="/dossiers/41"' in html
    assert "Advies klaar tegen" not in html  # settled: no deadline shown
    assert "conditional" not in html and ">chris<" not in html

    english = _render(app, [_view()], "en")
    assert "meeting of 24 Apr 2026" in english
    assert "Favourable with conditions" in english and "by Chris Maes" in english


def test_an_open_late_review_shows_its_deadline_and_no_advice_yet(app: Flask) -> None:
    html = _render(
        app,
        [_view(status="drafted", status_label={"nl": "Advies in ontwerp", "en": "Advice drafted"},
               approved_by=None, approved_by_name=None, approved_at=None, late=True)],
    )  # fmt: skip
    assert "Advies in ontwerp" in html and "te laat" in html
    assert "Advies klaar tegen" in html and "17 apr 2026" in html
    assert "Gunstig onder voorwaarden" not in html  # a draft is not the committee's advice yet


def test_a_project_without_reviews_says_so(app: Flask) -> None:
    assert "Het Stuurorgaan heeft dit project nog niet getoetst." in _render(app, [])
