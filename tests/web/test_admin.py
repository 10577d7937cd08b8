"""*Beheer*: admins only; deploys with a clear error report; incidents; users; audit check."""

from __future__ import annotations

import io
import re

from tests import modelkit as m
from tests.web.conftest import BPMN, csrf_of, sign_in, start_review

BROKEN = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE d [<!ENTITY x "y">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
    targetNamespace="http://x">
  <bpmn:process id="broken" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:scriptTask id="calc"><bpmn:script>x = = 1</bpmn:script></bpmn:scriptTask>
  </bpmn:process>
</bpmn:definitions>
"""


def test_only_admins_get_in(client):
    sign_in(client, "carla")
    assert client.get("/beheer/").status_code == 403
    assert client.get("/beheer/gebruikers").status_code == 403
    token = csrf_of(client.get("/taken").text)
    assert (
        client.post(
            "/beheer/gebruikers", data={"id": "x", "naam": "X", "csrf_token": token}
        ).status_code
        == 403
    )


def test_deploy_reports_errors_and_changes_nothing(client, web_engine):
    sign_in(client, "anna")
    page = client.get("/beheer/processen")
    assert "review" in page.text
    before = web_engine.versions()
    response = client.post(
        "/beheer/processen",
        data={
            "csrf_token": csrf_of(page.text),
            "modellen": [
                (io.BytesIO(BROKEN), "broken.bpmn"),
                (io.BytesIO((BPMN / "loop.bpmn").read_bytes()), "loop.bpmn"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Niet geïnstalleerd" in response.text and "broken.bpmn" in response.text
    assert web_engine.versions() == before
    wrong_kind = client.post(
        "/beheer/processen",
        data={"csrf_token": csrf_of(page.text), "modellen": [(io.BytesIO(b"MZ"), "tool.exe")]},
        content_type="multipart/form-data",
    )
    assert wrong_kind.status_code == 422 and "alleen .bpmn" in wrong_kind.text


def test_deploy_shows_every_problem_each_on_its_element(client, web_engine):
    sign_in(client, "anna")
    page = client.get("/beheer/processen")
    before = web_engine.versions()
    response = client.post(
        "/beheer/processen",
        data={
            "csrf_token": csrf_of(page.text),
            "modellen": [(io.BytesIO(m.two_faults()), "two.bpmn")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "2 problemen gevonden" in response.text
    assert "<code>oops</code>" in response.text and "<code>wait</code>" in response.text
    assert web_engine.versions() == before


def test_deploy_a_good_model(client, web_engine):
    sign_in(client, "anna")
    token = csrf_of(client.get("/beheer/processen").text)
    response = client.post(
        "/beheer/processen",
        data={
            "csrf_token": token,
            "modellen": [(io.BytesIO((BPMN / "loop.bpmn").read_bytes()), "loop.bpmn")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "geïnstalleerd" in client.get("/beheer/processen").text
    assert len(web_engine.versions()) > 1
    assert {v.source_file for v in web_engine.versions()} == {"review.bpmn", "loop.bpmn"}


def test_suspend_and_resume_a_case(client, web_engine):
    case_id, _task = start_review(web_engine, "carla")
    sign_in(client, "anna")
    token = csrf_of(client.get(f"/dossiers/{case_id}").text)
    client.post(
        f"/beheer/dossiers/{case_id}/opschorten", data={"reden": "wacht", "csrf_token": token}
    )
    assert web_engine.case(case_id).suspended
    client.post(f"/beheer/dossiers/{case_id}/hervatten", data={"csrf_token": token})
    assert not web_engine.case(case_id).suspended
    assert client.get("/beheer/incidenten").status_code == 200


def test_users_and_roles(client, web_engine, app):
    sign_in(client, "anna")
    token = csrf_of(client.get("/beheer/gebruikers").text)
    client.post(
        "/beheer/gebruikers",
        data={
            "id": "nora",
            "naam": "Nora Nieuw",
            "taal": "nl",
            "wachtwoord": "a long enough secret",
            "csrf_token": token,
        },
    )
    client.post("/beheer/gebruikers/nora/rol", data={"rol": "member", "csrf_token": token})
    assert ("member", None) in web_engine.actor("nora").grants
    nora = app.test_client()
    assert sign_in(nora, "nora", "a long enough secret").status_code == 302
    client.post(
        "/beheer/gebruikers/nora/rol-intrekken",
        data={"rol": "member", "bevestigd": "ja", "csrf_token": token},
    )
    assert ("member", None) not in web_engine.actor("nora").grants
    client.post(
        "/beheer/gebruikers/nora/deactiveren", data={"bevestigd": "ja", "csrf_token": token}
    )
    assert nora.get("/taken").status_code == 302  # her session ended
    page = client.get("/beheer/gebruikers")
    assert re.search(r"Nora Nieuw.*?gedeactiveerd", page.text, re.S)


def test_audit_check(client):
    sign_in(client, "anna")
    page = client.get("/beheer/audit")
    result = client.post("/beheer/audit", data={"csrf_token": csrf_of(page.text)})
    assert "De keten is intact." in result.text
