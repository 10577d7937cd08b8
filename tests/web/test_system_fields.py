"""Start forms offer choices, never a number to type for another case or record (issue 8).

Links a process fills in when it starts another case (comply-or-explain's source case, an
obligation's record and parent case) are marked ``set_by_system``: the web form neither shows
nor reads them, the API and the engine still take them. A process whose start *requires* such a
link (``obligation``: only comply-or-explain can make its record) is not offered on the web at
all: its start page says so in a sentence and nothing starts.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from processes.followup.forms import ComplyOrExplainStartForm, ObligationStartForm
from processes.records import dates
from tests.processes_fixtures import BPMN_DIR, Committee, committee_fixture  # noqa: F401
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_meetings import web_app
from webapp import forms, formschema

BY_HAND_REFUSED = "dossier start vanzelf vanuit een ander dossier"


def test_every_start_page_offers_no_number_input_for_an_id(committee: Committee) -> None:
    client = web_app(committee).test_client()
    sign_in(client, "sara")
    processes = sorted(p.stem for p in BPMN_DIR.glob("*.bpmn"))
    assert {"comply_or_explain", "obligation"} <= set(processes)
    offered = []
    for process_id in processes:
        page = client.get(f"/dossiers/nieuw/{process_id}")
        if page.status_code == 404:
            assert BY_HAND_REFUSED in page.text, process_id
            continue
        assert page.status_code == 200, process_id
        offered.append(process_id)
        tree = lxml_html.fromstring(page.text)
        numbers = tree.xpath("//form//input[@type='number']/@name")
        assert not [n for n in numbers if n.endswith("_id")], (process_id, numbers)
    assert "comply_or_explain" in offered and "obligation" not in offered


def test_comply_or_explain_by_hand_has_no_source_field_and_ignores_one_posted(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    decided = committee.reference
    client = web_app(committee).test_client()
    sign_in(client, "sara")
    page = client.get("/dossiers/nieuw/comply_or_explain")
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.text)
    assert not tree.xpath("//*[@name='source_case_id']")
    assert "Herkomst" not in page.text
    assert tree.xpath("//select[@name='decision_id']")  # the decision is picked by name

    response = client.post(
        "/dossiers/nieuw/comply_or_explain",
        data={
            "csrf_token": csrf_of(page.text),
            "decision_id": str(decided.decision_id),
            "decision_text": "Alle entiteiten gebruiken het aanmeldplatform.",
            "deadline": "30-04-2026",
            "entities": ["dep-omg"],
            "source_case_id": str(decided.topic_case_id),  # not on the form: not read
        },
    )
    assert response.status_code == 302, response.text
    [followup] = committee.cases("comply_or_explain")
    assert followup.data["source_case_id"] is None
    [obligation] = committee.cases("obligation")
    assert obligation.data["parent_case_id"] == followup.id  # the engine took the link

    # The obligation's own case page lists its facts without the numbers of its links.
    case_page = client.get(f"/dossiers/{obligation.id}").text
    labels = lxml_html.fromstring(case_page).xpath("//section[@aria-labelledby='gegevens']//dt")
    shown = [dt.text_content().strip() for dt in labels]
    assert shown and "Verplichting" not in shown and "Opvolgingsdossier" not in shown


def test_an_obligation_cannot_be_started_by_hand(committee: Committee) -> None:
    client = web_app(committee).test_client()
    sign_in(client, "sara")
    page = client.get("/dossiers/nieuw/obligation")
    assert page.status_code == 404
    assert BY_HAND_REFUSED in page.text
    tree = lxml_html.fromstring(page.text)
    assert not tree.xpath("//*[@name='obligation_id' or @name='decision_text']")
    token = csrf_of(client.get("/taken").text)
    posted = client.post(
        "/dossiers/nieuw/obligation",
        data={"csrf_token": token, "obligation_id": "1", "parent_case_id": "1"},
    )
    assert posted.status_code == 404
    assert committee.cases("obligation") == []


def test_system_fields_stay_in_the_api_schema_and_out_of_the_web_form() -> None:
    schema = formschema.for_form(ComplyOrExplainStartForm)
    assert "source_case_id" in schema["properties"]
    assert "obligation_id" in formschema.for_form(ObligationStartForm)["properties"]
    web = [f.key for f in forms.fields_for(ComplyOrExplainStartForm)]
    assert "source_case_id" not in web and "decision_id" in web
    assert forms.started_by_system(ObligationStartForm)
    assert not forms.started_by_system(ComplyOrExplainStartForm)
