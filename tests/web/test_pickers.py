"""Choices instead of codes, nothing typed lost, honest forms (issue 8, points 2-4).

- Pickers from the records: meetings by date with their agenda deadline, entities by name
  grouped by kind, attendance from the committee's seats, working groups, roles in *Beheer*.
- Unknown codes are refused before the task completes, on the form (naming the agenda item)
  and in the API (the field named); nothing is stored.
- When the step after *Behandelingen vastleggen* fails, the task comes back with everything
  that was typed; a revision starts from the dossier as it stands, and a box left ticked stays.
- Required markers follow the form's rules, dates are dd-mm-jjjj, and a page with errors says
  "Fout:" in its title and puts focus on the summary.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html
from marshmallow import ValidationError

from engine import ServiceCall
from processes.records import choices, dates, formkit
from processes.records.formkit import StrictForm
from processes.records.models import Meeting
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_topic import MEETING_1, topic_data
from tests.web.conftest import csrf_of, sign_in, token_for
from tests.web.test_meetings import at, planned, published, web_app
from webapp import forms, pickers
from webapp.forms import SEPARATOR

STORE = "meetings/store_treatments"


def page_form(html: str, css_class: str = "task-form") -> dict[str, list[str]]:
    """What a browser would post from the page's form as it is shown."""
    page = lxml_html.fromstring(html)
    form = page.xpath(f"//form[contains(@class, '{css_class}')]")[0]
    found: dict[str, list[str]] = {}
    for control in form.xpath(".//input | .//textarea | .//select"):
        name, kind = control.get("name"), control.get("type")
        if not name or kind == "submit":
            continue
        if kind in ("radio", "checkbox") and control.get("checked") is None:
            continue
        if control.tag == "textarea":
            value = control.text or ""
        elif control.tag == "select":
            chosen = control.xpath(".//option[@selected]/@value")
            value = chosen[0] if chosen else ""
        else:
            value = control.get("value", "on" if kind == "checkbox" else "")
        found.setdefault(name, []).append(value)
    return found


def checked(html: str, name: str) -> list[str]:
    return lxml_html.fromstring(html).xpath(f"//input[@name='{name}'][@checked]/@value")


def text_of(html: str, element_id: str) -> str:
    found = lxml_html.fromstring(html).xpath(f"//*[@id='{element_id}']")
    assert found, element_id
    node = found[0]
    return (node.text or "") if node.tag == "textarea" else str(node.get("value", ""))


def title(html: str) -> str:
    return lxml_html.fromstring(html).findtext(".//title") or ""


@pytest.fixture
def held(committee: Committee, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A published meeting with topics A, B, C, just held: *Behandelingen vastleggen* is
    ready for the secretariat (sara)."""
    s = published(planned(committee))
    committee.advance_to(at(s.times()["starts_at"]) + timedelta(minutes=1))
    monkeypatch.setattr(dates, "today", committee.today)
    return s


def _fill(form: dict[str, list[str]], items: int, due: date) -> dict[str, list[str]]:
    """Sixteen-odd fields over three agenda items, as the secretariat types them."""
    form.update(
        {
            "attendance": ["chris", "mia"],
            "minutes_note": ["Vergadering in goede sfeer; 9 leden aanwezig."],
            "treatments-0-outcome": ["decided"],
            "treatments-0-decision_text": ["Alle entiteiten gebruiken het aanmeldplatform."],
            "treatments-0-binding": ["on"],
            "treatments-0-deadline": [due.strftime("%d-%m-%Y")],
            "treatments-0-bound_entities": ["dep-omg", "gem-gent"],
            "treatments-0-focus_domain": ["common_counter_functions"],
            "treatments-0-votes_for": ["9"],
            "treatments-0-note": ["Unaniem, op één onthouding na."],
            "treatments-1-outcome": ["working_group"],
            "treatments-1-working_group_id": ["wg-data"],
            "treatments-1-wg_question": ["Welke datastandaarden leggen we op?"],
            "treatments-1-wg_deliverable": ["Een voorstel van standaarden."],
            "treatments-1-wg_due_date": [(due + timedelta(days=30)).strftime("%d-%m-%Y")],
            "treatments-2-outcome": ["noted"],
            "treatments-2-note": ["Genoteerd."],
        }
    )
    assert len([k for k in form if k.startswith("treatments-")]) > 3 * items
    return form


def test_the_treatments_form_offers_pickers_not_codes(held: Any) -> None:
    s = held
    task = s.committee.task(s.meeting_case, "record_treatments")
    page = s.client("sara").get(f"/taken/{task.id}").text
    tree = lxml_html.fromstring(page)
    # attendance: a checklist of the committee's seats, by name
    present = tree.xpath("//input[@name='attendance']/following-sibling::text()")
    labels = [" ".join(t.split()) for t in present]
    assert labels == ["Chris Maes (Voorzitter)", "Mia Wouters (Lid voor een beleidsdomein)",
                      "Mo El Amrani (Lokaal bestuur)"]  # fmt: skip
    # entities: checkboxes grouped by kind, values are the codes, labels the names
    groups = tree.xpath("//*[@id='f-treatments-0']//fieldset[@class='picker-group']/legend")
    assert [g.text for g in groups] == ["Agentschap", "Departement", "Provincie", "Gemeente"]
    leuven = tree.xpath("//input[@name='treatments-0-bound_entities'][@value='gem-leuven']/..")
    assert " ".join(leuven[0].text_content().split()) == "Stad Leuven"
    # working group: a select of names
    options = tree.xpath("//select[@name='treatments-1-working_group_id']/option")
    assert [(o.get("value"), o.text) for o in options] == [("", "— kies —"),
                                                           ("wg-data", "Werkgroep Data")]  # fmt: skip
    # a field required with a choice says when, and carries the rule for forms.js
    field = tree.xpath("//*[@id='f-treatments-0']//label[@for='f-treatments-0-decision_text']")
    assert "verplicht bij Uitkomst „Beslist”" in field[0].text_content()
    holder = field[0].getparent()
    assert '"name": "treatments-0-outcome"' in holder.get("data-show-when")
    deadline = tree.xpath("//label[@for='f-treatments-0-deadline']")[0].text_content()
    assert "verplicht als „Bindend voor overheidsinstanties” aangevinkt is" in deadline
    date_input = tree.xpath("//input[@id='f-treatments-0-deadline']")[0]
    assert date_input.get("type") == "text" and date_input.get("placeholder") == "dd-mm-jjjj"


def test_an_unknown_entity_is_refused_on_the_form_naming_the_agenda_item(held: Any) -> None:
    s = held
    task = s.committee.task(s.meeting_case, "record_treatments")
    sara = s.client("sara")
    page = sara.get(f"/taken/{task.id}").text
    form = _fill(page_form(page), 3, s.committee.today() + timedelta(days=60))
    form["treatments-0-bound_entities"] = ["dep-omg", "gem-nergens"]
    refused = sara.post(f"/taken/{task.id}", data=form)
    assert refused.status_code == 422
    assert title(refused.text).startswith("Fout: ")
    tree = lxml_html.fromstring(refused.text)
    summary = tree.xpath("//div[@class='error-summary']")[0]
    assert summary.get("autofocus") is not None and summary.get("tabindex") == "-1"
    [line] = summary.xpath(".//a")
    assert line.get("href") == "#f-treatments-0-bound_entities"
    assert " ".join(line.text_content().split()) == (
        f"Behandelingen{SEPARATOR}Agendapunt 1: A: aanmeldplatform{SEPARATOR}Gebonden "
        "overheidsinstanties: Onbekende overheidsinstantie: gem-nergens. Kies uit de lijst."
    )
    # nothing was stored: the same task is still open, everything typed is still on the page
    assert s.committee.task(s.meeting_case, "record_treatments").id == task.id
    assert "treatment_result" not in s.committee.case(s.meeting_case).data
    assert checked(refused.text, "treatments-0-bound_entities") == ["dep-omg", "gem-nergens"]
    assert text_of(refused.text, "f-treatments-1-wg_question") == (
        "Welke datastandaarden leggen we op?"
    )


@pytest.mark.parametrize("incident", [False, True], ids=["refused", "incident-then-refused"])
def test_when_the_step_after_record_treatments_fails_the_task_comes_back_with_all_typed(
    held: Any, monkeypatch: pytest.MonkeyPatch, incident: bool
) -> None:
    """The step after the task refuses what it got (or first fails outright, an incident the
    admin retries): the task comes back under a new id, with everything that was typed."""
    s = held
    registry = s.committee.engine.registry
    real = registry.services[STORE]
    calls: list[int] = []

    def refuse_once(call: ServiceCall, params: dict[str, Any]) -> Any:
        calls.append(1)
        if incident and len(calls) == 1:
            raise RuntimeError("database briefly unavailable")
        if len(calls) == (2 if incident else 1):
            return {
                "stored": False,
                "problems": [{"nl": "De opslag was even niet bereikbaar.", "en": "Try again."}],
                "treatments": [],
            }
        return real(call, params)

    monkeypatch.setitem(registry.services, STORE, refuse_once)
    task = s.committee.task(s.meeting_case, "record_treatments")
    sara = s.client("sara")
    due = s.committee.today() + timedelta(days=60)
    form = _fill(page_form(sara.get(f"/taken/{task.id}").text), 3, due)
    sent = sara.post(f"/taken/{task.id}", data=form)
    assert sent.status_code == 302
    if incident:
        assert s.committee.case(s.meeting_case).status == "incident"
        s.committee.engine.retry(s.meeting_case, s.committee.actor("ada"))
    again = s.committee.task(s.meeting_case, "record_treatments")
    assert again.id != task.id
    if not incident:
        assert sent.headers["Location"].endswith(f"/taken/{again.id}")

    page = sara.get(f"/taken/{again.id}").text
    assert "De opslag was even niet bereikbaar." in page
    shown = page_form(page)
    for name, values in form.items():
        if name == "csrf_token":
            continue
        assert shown.get(name) == values, name
    assert text_of(page, "f-treatments-0-deadline") == due.strftime("%d-%m-%Y")

    # sent again as shown: stored, with every value
    shown["csrf_token"] = [csrf_of(page)]
    done = sara.post(f"/taken/{again.id}", data=shown)
    assert done.status_code == 302 and f"/dossiers/{s.meeting_case}" in done.headers["Location"]
    result = s.committee.case(s.meeting_case).data["treatment_result"]
    assert result["stored"] is True
    a = s.committee.case(s.topics[0]).data["outcome"]
    assert a["entities"] == ["dep-omg", "gem-gent"] and a["deadline"] == due.isoformat()
    assert s.committee.case(s.topics[1]).data["outcome"]["working_group_id"] == "wg-data"


def test_the_api_refuses_unknown_codes_with_the_field_named(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    app = web_app(committee)
    token = token_for(app, "sofie")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"process_id": "topic", "data": topic_data(affected_entities=["gem-gent", "gem-x"])}
    refused = client.post("/api/v1/cases", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "affected_entities": ["Onbekende overheidsinstantie: gem-x. Kies uit de lijst."]
    }
    assert committee.cases("topic") == []
    body["data"]["affected_entities"] = ["gem-gent", "gem-leuven"]
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 201


def test_meeting_picker_shows_upcoming_meetings_by_date_with_their_deadline(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    committee.plan_meeting(MEETING_1)
    committee.plan_meeting(date(2026, 12, 24), agenda_deadline=date(2026, 12, 14))
    app = web_app(committee)
    client = app.test_client()
    sign_in(client, "sofie")
    page = client.get("/onderwerpen/nieuw").text
    options = lxml_html.fromstring(page).xpath("//select[@name='target_meeting_id']/option")
    assert [o.text for o in options] == [
        "— kies —",
        "26 maart 2026 (agendadeadline 16 maart)",
        "24 december 2026 (agendadeadline 14 december)",
    ]
    with committee.engine.db.read() as session:
        meeting = session.query(Meeting).filter_by(meeting_date=date(2026, 12, 24)).one()
        assert choices.meeting_label(meeting, "en") == (
            "24 December 2026 (agenda deadline 14 December)"
        )


def _sent_back(committee: Committee) -> int:
    """A topic that fails screening (no impact) and is sent back to sofie."""
    topic = committee.start(
        "topic",
        topic_data(impact="", focus_domains=["data", "privacy"], affected_entities=["dep-omg"]),
        "sofie",
    )
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    committee.task(topic.id, "revise_submission")
    return topic.id


def _client(committee: Committee, user: str) -> FlaskClient:
    client = web_app(committee).test_client()
    sign_in(client, user)
    return client


def test_a_revision_starts_from_the_dossier_and_a_box_left_ticked_stays(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    topic = _sent_back(committee)
    sofie = _client(committee, "sofie")
    task = committee.task(topic, "revise_submission")
    page = sofie.get(f"/taken/{task.id}").text
    assert checked(page, "focus_domains") == ["data", "privacy"]
    assert checked(page, "affected_entities") == ["dep-omg"]
    assert text_of(page, "f-title") == topic_data()["title"]

    form = page_form(page)
    form.update({"revision_action": ["resubmit"], "impact": ["Eén aanmelding voor iedereen."]})
    form["affected_entities"] = ["dep-omg", "gem-gent"]
    assert sofie.post(f"/taken/{task.id}", data=form).status_code == 302
    data = committee.case(topic).data
    assert data["focus_domains"] == ["data", "privacy"]  # untouched boxes stay chosen
    assert data["affected_entities"] == ["dep-omg", "gem-gent"]
    assert data["impact"] == "Eén aanmelding voor iedereen."


def test_removing_a_ticked_box_on_a_revision_removes_only_that_one(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    topic = _sent_back(committee)
    sofie = _client(committee, "sofie")
    task = committee.task(topic, "revise_submission")
    form = page_form(sofie.get(f"/taken/{task.id}").text)
    form.update({"revision_action": ["resubmit"], "focus_domains": ["privacy"]})
    assert sofie.post(f"/taken/{task.id}", data=form).status_code == 302
    assert committee.case(topic).data["focus_domains"] == ["privacy"]


def test_chair_picks_a_meeting_and_an_unknown_one_is_refused(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    _case, meeting_id = committee.plan_meeting(MEETING_1)
    topic = committee.start("topic", topic_data(), "sofie")
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    task = committee.task(topic.id, "chair_decision")
    chris = _client(committee, "chris")
    page = chris.get(f"/taken/{task.id}").text
    tree = lxml_html.fromstring(page)
    label = tree.xpath("//label[@for='f-chair_meeting_id']")[0].text_content()
    assert "verplicht bij Beslissing „Agenderen op een zitting”" in label
    options = tree.xpath("//select[@name='chair_meeting_id']/option")
    assert [(o.get("value"), o.text) for o in options][1:] == [
        (str(meeting_id), "26 maart 2026 (agendadeadline 16 maart)")
    ]
    form = page_form(page)
    form.update({"chair_decision": ["admit"], "chair_meeting_id": ["4242"]})
    refused = chris.post(f"/taken/{task.id}", data=form)
    assert refused.status_code == 422 and title(refused.text).startswith("Fout: ")
    assert "bestaat niet of haar agenda is al afgesloten" in refused.text
    kept = lxml_html.fromstring(refused.text).xpath(
        "//select[@name='chair_meeting_id']/option[@selected]/@value"
    )
    assert kept == ["4242"]  # shown again as chosen, not silently dropped
    form.update({"chair_meeting_id": [str(meeting_id)], "csrf_token": [csrf_of(refused.text)]})
    assert chris.post(f"/taken/{task.id}", data=form).status_code == 302
    assert committee.case(topic.id).data["agenda_item"]["meeting_id"] == meeting_id


def test_admin_grants_only_known_roles_and_scopes(committee: Committee) -> None:
    ada = _client(committee, "ada")
    page = ada.get("/beheer/gebruikers/tom").text
    tree = lxml_html.fromstring(page)
    roles = tree.xpath("(//select[@name='rol'])[1]/option/@value")
    assert "chair" in roles and "voorzitter" not in roles
    groups = tree.xpath("(//select[@name='bereik'])[1]/optgroup/@label")
    assert groups == ["Agentschap", "Departement", "Provincie", "Gemeente", "Werkgroepen"]

    def grant(role: str, scope: str = "") -> str:
        token = csrf_of(ada.get("/beheer/gebruikers/tom").text)
        answer = ada.post(
            "/beheer/gebruikers/tom/rol",
            data={"rol": role, "bereik": scope, "csrf_token": token},
            follow_redirects=True,
        )
        return answer.text

    assert "„voorzitter” is geen rol" in grant("voorzitter")
    assert "„wg-nergens” is onbekend" in grant("wg_member", "wg-nergens")
    assert committee.engine.user("tom").grants == (("submitter", None),)
    assert "Opgeslagen." in grant("wg_member", "wg-data")
    assert ("wg_member", "wg-data") in committee.engine.user("tom").grants


# -- the pieces, without a database ------------------------------------------------------------


class _Dated(StrictForm):
    on = formkit.day(("Datum", "Date"), future=False)


def test_dates_are_typed_and_shown_the_dutch_way_and_iso_still_works() -> None:
    assert _Dated().load({"on": "24-12-2026"}) == {"on": date(2026, 12, 24)}
    assert _Dated().load({"on": "4/1/2027"}) == {"on": date(2027, 1, 4)}
    assert _Dated().load({"on": "2026-12-24"}) == {"on": date(2026, 12, 24)}
    assert _Dated().dump({"on": date(2026, 12, 24)}) == {"on": "2026-12-24"}
    with pytest.raises(ValidationError) as wrong:
        _Dated().load({"on": "24 december"})
    assert wrong.value.messages == {
        "on": ["Geef een datum als dd-mm-jjjj. / Enter a date as dd-mm-yyyy."]
    }
    assert pickers.dutch_day("2026-12-24") == "24-12-2026"
    assert pickers.dutch_day("24-12-20") == "24-12-20"  # as typed, shown again
    assert pickers.iso_day(" 24-12-2026 ") == "2026-12-24"


def test_a_form_opens_with_the_last_submission_and_a_revision_with_the_dossier() -> None:
    from processes.topics.forms import ChairDecisionForm, ReviseSubmissionForm

    last = {"chair_decision": "admit", "chair_meeting_id": 3}
    assert forms.prefill(ChairDecisionForm, last, {"title": "T"}) == last
    assert forms.prefill(ChairDecisionForm, None, {"title": "T"}) == {}
    case = {"title": "T", "focus_domains": ["data"], "screening": {"verdict": "x"}}
    opened = forms.prefill(ReviseSubmissionForm, {"revision_note": "eerder"}, case)
    assert opened == {"revision_note": "eerder", "title": "T", "focus_domains": ["data"]}


def test_two_meetings_on_one_day_are_told_apart_by_their_titles(
    committee: Committee, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dates, "today", committee.today)
    committee.plan_meeting(MEETING_1, title="Zitting A")
    committee.plan_meeting(MEETING_1, title="Zitting B")
    with committee.engine.db.read() as session:
        labels = [o.label for o in choices.options(session, "meetings", "nl")]
    assert labels == [
        "26 maart 2026 (agendadeadline 16 maart): Zitting A",
        "26 maart 2026 (agendadeadline 16 maart): Zitting B",
    ]
