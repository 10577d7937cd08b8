"""Incident handling in *Beheer*: retry says honestly whether it worked; an admin corrects case
data with a reason (audited) and retries; only admins read the technical error."""

from __future__ import annotations

from flask.testing import FlaskClient
from marshmallow import Schema, fields

from engine import Engine
from tests import modelkit as m
from tests.web.conftest import csrf_of, sign_in


class Numbers(Schema):
    divisor = fields.Integer()


def incident_case(engine: Engine, user_id: str = "carla") -> int:
    engine.registry.forms.setdefault(("script_fail", "script_fail_start"), Numbers)
    model = m.definitions(
        m.process("script_fail", [m.script("divide", "ratio = 10 / divisor"), m.user("after")])
    )
    engine.deploy_files([("steps.bpmn", model)])
    case = engine.start_case("script_fail", {"divisor": 0}, engine.actor(user_id))
    assert case.status == "incident"
    return case.id


def token(client: FlaskClient, path: str) -> str:
    return csrf_of(client.get(path).text)


def test_a_retry_that_fails_again_says_so(client, web_engine) -> None:
    case_id = incident_case(web_engine)
    sign_in(client, "anna")
    page = client.post(
        f"/beheer/dossiers/{case_id}/opnieuw",
        data={"csrf_token": token(client, "/beheer/incidenten")},
        follow_redirects=True,
    )
    assert "loopt opnieuw vast" in page.text
    assert "ZeroDivisionError" in page.text
    assert "Het dossier is opnieuw geprobeerd." not in page.text
    assert web_engine.case(case_id).status == "incident"


def test_the_admin_corrects_data_with_a_reason_and_the_retry_works(client, web_engine) -> None:
    case_id = incident_case(web_engine)
    sign_in(client, "anna")
    form = client.get(f"/beheer/dossiers/{case_id}/gegevens")
    assert form.status_code == 200
    assert "ZeroDivisionError" in form.text and "divisor" in form.text
    csrf = csrf_of(form.text)
    path = f"/beheer/dossiers/{case_id}/gegevens"

    bad = client.post(path, data={"csrf_token": csrf, "variabele": "divisor", "waarde": "vier",
                                  "reden": "tikfout"})  # fmt: skip
    assert bad.status_code == 422
    assert "Geef een geldige JSON-waarde" in bad.text
    assert "<title>Fout:" in bad.text
    no_reason = client.post(path, data={"csrf_token": csrf, "variabele": "divisor",
                                        "waarde": "4", "reden": ""})  # fmt: skip
    assert no_reason.status_code == 422 and "Geef een reden" in no_reason.text
    assert web_engine.case(case_id).data["divisor"] == 0
    assert "case_data_corrected" not in [e.action for e in web_engine.audit_trail(case_id)]

    done = client.post(
        path,
        data={"csrf_token": csrf, "variabele": "divisor", "waarde": "4",
              "reden": "De deler was 0 door een tikfout.", "opnieuw": "1"},
        follow_redirects=True,
    )  # fmt: skip
    assert "het lukte, het dossier loopt weer" in done.text
    case = web_engine.case(case_id)
    assert (case.status, case.data["ratio"]) == ("running", 2.5)
    [entry] = [e for e in web_engine.audit_trail(case_id) if e.action == "case_data_corrected"]
    assert (entry.actor, entry.reason) == ("anna", "De deler was 0 door een tikfout.")
    assert entry.changes == {"divisor": {"before": 0, "after": 4}}


def test_only_admins_correct_data(client, web_engine) -> None:
    case_id = incident_case(web_engine)
    sign_in(client, "carla")
    assert client.get(f"/beheer/dossiers/{case_id}/gegevens").status_code == 403


def test_the_technical_error_is_for_admins_only(client, web_engine) -> None:
    case_id = incident_case(web_engine)
    sign_in(client, "carla")
    page = client.get(f"/dossiers/{case_id}")
    assert page.status_code == 200
    assert "ZeroDivisionError" not in page.text and "division by zero" not in page.text
    assert "Een automatische stap liep mis. De beheerder is verwittigd" in page.text
    client.post("/afmelden", data={"csrf_token": csrf_of(page.text)})
    sign_in(client, "anna")
    assert "ZeroDivisionError" in client.get(f"/dossiers/{case_id}").text


def test_others_see_a_calm_status_not_incident(client, web_engine) -> None:
    """Issue 8, point 6: no alarming status label for people who can do nothing about it; the
    admin sees the incident as such."""
    case_id = incident_case(web_engine)
    sign_in(client, "carla")
    for path in (f"/dossiers/{case_id}", "/dossiers"):
        page = client.get(path).text
        assert "wacht op de beheerder" in page, path
        assert "tag-incident" not in page, path
    client.post("/afmelden", data={"csrf_token": csrf_of(page)})
    sign_in(client, "anna")
    assert "tag-incident" in client.get(f"/dossiers/{case_id}").text
