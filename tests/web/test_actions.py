"""Actions, KPIs and ambitions per focus domain on the pages and in the API, over the real
committee processes: the secretariat creates and edits, links and unlinks decisions and actions;
the owner updates an action's status; members and the chair read; others get 404, like for an
id that does not exist. A form with an error answers 422, keeps what was typed and stores
nothing."""

from __future__ import annotations

import html
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.storage.models import AuditEntry
from processes.records.steering import DecisionAction, DecisionKpi, Kpi, SteeringAction
from processes.steering import operations, queries
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.conftest import bearer, csrf_of, sign_in, token_for
from tests.web.test_meetings import web_app

ACTIONS = "/sturingskader/acties"
KPIS = "/sturingskader/kpis"


def browser(app, user_id: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, user_id).status_code == 302
    return client


def post(client: FlaskClient, url: str, data: dict, page: str | None = None):
    token = csrf_of(client.get(page or url).text)
    return client.post(url, data={**data, "csrf_token": token})


def action_form(**changes: str) -> dict[str, str]:
    data = {
        "focus_domain": "digital_upskilling",
        "title": "Basisopleiding data voor leidinggevenden",
        "description": "Vier sessies per beleidsdomein, samen met de werkgroep Data.",
        "kind": "training",
        "owner_organisation_id": "dep-wvg",
        "owner_user_id": "wim",
        "due_on": "30-06-2026",
        "status": "planned",
    }
    data.update(changes)
    return data


def count(committee: Committee, model) -> int:
    with committee.engine.db.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def audit_actions(committee: Committee) -> list[str]:
    with committee.engine.db.read() as session:
        return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def make_action(committee: Committee, **changes) -> int:
    values = {
        "focus_domain": "digital_upskilling",
        "title": "Opleidingsaanbod digitale vaardigheden",
        "description": "",
        "kind": "training",
        "owner_organisation_id": None,
        "owner_user_id": "wim",
        "due_on": date(2026, 6, 30),
        "status": "planned",
        "project_id": None,
        **changes,
    }
    with operations.writing(committee.engine, committee.actor("sara")) as w:
        return operations.create_action(w, values).id


def make_kpi(committee: Committee, **changes) -> int:
    values = {
        "focus_domain": "digital_upskilling",
        "name": "Ambtenaren met een basisopleiding digitalisering",
        "unit": "%",
        "baseline": 12.0,
        "target": 60.0,
        "target_on": date(2026, 12, 31),
        "higher_is_better": True,
        "owner_user_id": "wim",
        "measure_every_months": 3,
        **changes,
    }
    return operations.define_kpi(committee.engine, committee.actor("sara"), values)


def test_the_secretariat_creates_an_action_and_a_wrong_form_keeps_what_was_typed(
    committee: Committee,
) -> None:
    app = web_app(committee)
    sara = browser(app, "sara")
    assert sara.get(f"{ACTIONS}/nieuw").status_code == 200

    wrong = post(
        sara,
        f"{ACTIONS}/nieuw",
        action_form(title="", due_on="31-02-2026", owner_user_id="niemand",
                    description="Mijn getypte omschrijving <b>blijft</b>"),
    )  # fmt: skip
    assert wrong.status_code == 422
    page = wrong.text
    assert "Mijn getypte omschrijving &lt;b&gt;blijft&lt;/b&gt;" in page  # kept, escaped
    assert 'value="2026-02-31"' in page  # the impossible date, kept
    assert "Controleer je gegevens" in page
    assert "Onbekende gebruiker" in page
    assert count(committee, SteeringAction) == 0

    done = post(sara, f"{ACTIONS}/nieuw", action_form())
    assert done.status_code == 302
    action_id = int(done.headers["Location"].rsplit("/", 1)[1])
    with committee.engine.db.read() as session:
        row = session.get(SteeringAction, action_id)
        assert (row.title, row.kind, row.owner_user_id, row.due_on, row.status) == (
            "Basisopleiding data voor leidinggevenden", "training", "wim", date(2026, 6, 30),
            "planned",
        )  # fmt: skip
    assert "steering_action_created" in audit_actions(committee)
    shown = sara.get(f"{ACTIONS}/{action_id}").text
    assert "Basisopleiding data voor leidinggevenden" in shown
    assert "Opleiding" in shown and "Wim De Smet" in shown and "30 jun 2026" in shown
    assert "digital_upskilling" not in html.unescape(shown.split("<main", 1)[-1].split("<form")[0])

    # Editing: an error stores nothing; a good edit is audited field by field.
    url = f"{ACTIONS}/{action_id}"
    bad = post(sara, url, action_form(status="klaar", title="Nieuwe titel"))
    assert bad.status_code == 422 and 'value="Nieuwe titel"' in bad.text
    with committee.engine.db.read() as session:
        assert (
            session.get(SteeringAction, action_id).title
            == "Basisopleiding data voor leidinggevenden"
        )
    assert post(sara, url, action_form(status="done")).status_code == 302
    with committee.engine.db.read() as session:
        row = session.get(SteeringAction, action_id)
        assert row.status == "done" and row.done_on == committee.today()
    assert "steering_action_updated" in audit_actions(committee)


def test_filters_on_the_list(committee: Committee) -> None:
    make_action(committee, title="Opleiding A")
    make_action(committee, title="Kennisdag B", kind="knowledge_sharing", status="running")
    make_action(committee, title="Dataplatform C", kind="technical", focus_domain="data")
    sara = browser(web_app(committee), "sara")
    everything = sara.get(ACTIONS).text
    assert all(t in everything for t in ("Opleiding A", "Kennisdag B", "Dataplatform C"))
    data = sara.get(f"{ACTIONS}?domein=data").text
    assert "Dataplatform C" in data and "Opleiding A" not in data
    running = sara.get(f"{ACTIONS}?status=running").text
    assert "Kennisdag B" in running and "Opleiding A" not in running
    kind = sara.get(f"{ACTIONS}?soort=technical").text
    assert "Dataplatform C" in kind and "Kennisdag B" not in kind
    assert "Opleiding A" in sara.get(f"{ACTIONS}?status=onzin").text  # unknown: all


def test_who_sees_and_who_may_change_an_action(committee: Committee) -> None:
    app = web_app(committee)
    action_id = make_action(committee, owner_user_id="wim")
    url = f"{ACTIONS}/{action_id}"
    for user_id in ("mia", "chris", "ada"):  # member, chair, admin: read only
        page = browser(app, user_id).get(url)
        assert page.status_code == 200, user_id
        assert "Actie bewerken" not in page.text and "Besluit koppelen" not in page.text
    sofie = browser(app, "sofie")  # a submitter: as if it did not exist
    assert sofie.get(url).status_code == 404
    assert sofie.get(f"{ACTIONS}/999999").status_code == 404
    assert "Opleidingsaanbod" not in sofie.get(ACTIONS).text
    assert browser(app, "sara").get(f"{ACTIONS}/99999999999").status_code == 404
    assert browser(app, "sara").get(f"{ACTIONS}/0").status_code == 404
    # The member may not post; the submitter gets 404, not 403.
    mia = browser(app, "mia")
    assert post(mia, url, {"status": "running"}).status_code == 403
    token = csrf_of(mia.get(url).text)
    assert sofie.post(url, data={"status": "running", "csrf_token": token}).status_code in (
        400, 404,
    )  # fmt: skip

    # The owner (no see-all role) sees the action and updates only its status.
    wim = browser(app, "wim")
    page = wim.get(url)
    assert page.status_code == 200 and "Status bijwerken" in page.text
    assert "Actie bewerken" not in page.text
    wrong = post(wim, url, {"status": "klaar"})
    assert wrong.status_code == 422 and "Controleer je gegevens" in wrong.text
    assert post(wim, url, {"status": "running", "title": "Andere titel"}).status_code == 302
    with committee.engine.db.read() as session:
        row = session.get(SteeringAction, action_id)
        assert (row.status, row.title) == ("running", "Opleidingsaanbod digitale vaardigheden")
    assert "steering_action_status" in audit_actions(committee)
    assert "Opleidingsaanbod" in wim.get(ACTIONS).text


def test_decisions_link_to_actions_and_kpis_and_unlink(committee: Committee) -> None:
    decided = committee.reference
    app = web_app(committee)
    sara = browser(app, "sara")
    action_id = make_action(committee)
    kpi_id = make_kpi(committee)

    url = f"{ACTIONS}/{action_id}"
    unknown = post(sara, f"{url}/besluiten", {"decision_id": "987654"}, url)
    assert unknown.status_code == 422 and "Onbekend besluit" in unknown.text
    assert count(committee, DecisionAction) == 0
    assert (
        post(sara, f"{url}/besluiten", {"decision_id": str(decided.decision_id)}, url).status_code
        == 302
    )
    page = sara.get(url).text
    assert "Eén aanmeldplatform voor lokale besturen (zitting van 22 januari 2026)" in page
    assert f'action="{url}/besluiten/{decided.decision_id}/ontkoppelen"' in page
    assert f'action="{url}/besluiten"' in page
    again = post(sara, f"{url}/besluiten", {"decision_id": str(decided.decision_id)}, url)
    assert again.status_code == 302 and count(committee, DecisionAction) == 1

    kpi_url = f"{KPIS}/{kpi_id}"
    assert post(sara, f"{kpi_url}/besluiten", {"decision_id": str(decided.decision_id)},
                kpi_url).status_code == 302  # fmt: skip
    assert (
        post(sara, f"{kpi_url}/acties", {"action_id": str(action_id)}, kpi_url).status_code == 302
    )
    assert post(sara, f"{kpi_url}/acties", {"action_id": "424242"}, kpi_url).status_code == 422
    kpi_page = sara.get(kpi_url).text
    assert "Opleidingsaanbod digitale vaardigheden" in kpi_page
    assert "Eén aanmeldplatform voor lokale besturen" in kpi_page
    assert f'action="{kpi_url}/besluiten/{decided.decision_id}/ontkoppelen"' in kpi_page
    assert "Ambtenaren met een basisopleiding digitalisering" in sara.get(url).text

    # A member may not link or unlink.
    mia = browser(app, "mia")
    forbidden = post(mia, f"{kpi_url}/acties/{action_id}/ontkoppelen", {}, kpi_url)
    assert forbidden.status_code == 403

    assert (
        post(sara, f"{url}/besluiten/{decided.decision_id}/ontkoppelen", {}, url).status_code == 302
    )
    assert post(sara, f"{kpi_url}/besluiten/{decided.decision_id}/ontkoppelen", {},
                kpi_url).status_code == 302  # fmt: skip
    assert post(sara, f"{kpi_url}/acties/{action_id}/ontkoppelen", {}, kpi_url).status_code == 302
    assert (
        post(sara, f"{url}/besluiten/{decided.decision_id}/ontkoppelen", {}, url).status_code == 404
    )
    assert count(committee, DecisionAction) == 0 and count(committee, DecisionKpi) == 0
    trail = audit_actions(committee)
    for action in (
        "decision_action_linked",
        "decision_kpi_linked",
        "action_kpi_linked",
        "decision_action_unlinked",
        "decision_kpi_unlinked",
        "action_kpi_unlinked",
    ):
        assert action in trail, action  # fmt: skip


def test_a_kpi_made_on_the_page_starts_its_measurements_and_shows_its_values(
    committee: Committee,
) -> None:
    app = web_app(committee)
    sara = browser(app, "sara")
    form = {
        "focus_domain": "digital_upskilling",
        "name": "Ambtenaren met een basisopleiding digitalisering",
        "unit": "%",
        "baseline": "12",
        "target": "veel",
        "target_on": "31-12-2026",
        "higher_is_better": "on",
        "owner_user_id": "wim",
        "measure_every_months": "3",
    }
    wrong = post(sara, f"{KPIS}/nieuw", form)
    assert wrong.status_code == 422 and 'value="veel"' in wrong.text
    assert count(committee, Kpi) == 0
    done = post(sara, f"{KPIS}/nieuw", {**form, "target": "60,5"})
    assert done.status_code == 302
    kpi_id = int(done.headers["Location"].rsplit("/", 1)[1])
    with committee.engine.db.read() as session:
        kpi = session.get(Kpi, kpi_id)
        assert (kpi.target, kpi.target_on) == (60.5, date(2026, 12, 31))
        case_id = kpi.measurement_case_id
    assert committee.case(case_id).process_id == "kpi_measurement"

    committee.advance(days=92)  # the first measurement is asked for
    committee.complete(case_id, "enter_measurement",
                       {"value": 31.5, "measured_on": committee.today().isoformat()}, "wim")  # fmt: skip
    sara = browser(app, "sara")  # signed in again: three months on, the session has ended
    page = sara.get(f"{KPIS}/{kpi_id}").text
    assert "60,5\u00a0%" in page and "31,5\u00a0%" in page and "31 dec 2026" in page
    assert "Metingen" in page and "Wim De Smet" in page
    assert "Ambtenaren met een basisopleiding" in sara.get(KPIS).text
    assert "Ambtenaren met een basisopleiding" not in sara.get(f"{KPIS}?domein=data").text
    assert browser(app, "sofie").get(f"{KPIS}/{kpi_id}").status_code == 404
    assert browser(app, "mia").get(f"{KPIS}/{kpi_id}").status_code == 200
    assert browser(app, "wim").get(f"{KPIS}/{kpi_id}").status_code == 200  # the owner

    edit = post(sara, f"{KPIS}/{kpi_id}", {**form, "target": "70", "measure_every_months": "13"})
    assert edit.status_code == 422 and 'value="13"' in edit.text
    assert post(sara, f"{KPIS}/{kpi_id}", {**form, "target": "70"}).status_code == 302
    with committee.engine.db.read() as session:
        assert session.get(Kpi, kpi_id).target == 70.0
    assert "kpi_updated" in audit_actions(committee)


def test_the_ambitions_from_the_plan_and_their_editing(committee: Committee) -> None:
    app = web_app(committee)
    sara = browser(app, "sara")
    page = sara.get("/sturingskader/ambities").text
    assert "één loket in de Dorpsstraat" in page
    assert "Centrale opleidingen voorzien op alle niveaus" in page
    assert "Nog geen ambitie vastgelegd" in page  # domains the plan's copy leaves out
    assert browser(app, "sofie").get("/sturingskader/ambities").status_code == 404
    url = "/sturingskader/ambities/cybersecurity"
    assert browser(app, "mia").get(url).status_code == 403
    empty = post(sara, url, {"ambition_nl": "  ", "ambition_en": "Safe by design"})
    assert empty.status_code == 422 and "Safe by design" in empty.text
    assert post(sara, url, {"ambition_nl": "Veilig by design.", "ambition_en": "Secure by design."}
                ).status_code == 302  # fmt: skip
    assert "Veilig by design." in sara.get("/sturingskader/ambities").text
    assert "ambition_written" in audit_actions(committee)
    assert browser(app, "sara").get("/sturingskader/ambities/onbekend").status_code == 404


def test_the_kpi_api_lists_filters_and_shows_one_with_its_links(committee: Committee) -> None:
    app = web_app(committee)
    client = app.test_client()
    decided = committee.reference
    action_id = make_action(committee)
    kpi_id = make_kpi(committee)
    other = make_kpi(committee, name="Datasets als open data", focus_domain="data", unit="datasets",
                     owner_user_id="mia")  # fmt: skip
    with operations.writing(committee.engine, committee.actor("sara")) as w:
        operations.link(w, "action_kpi", action_id, kpi_id)
        operations.link(w, "decision_kpi", decided.decision_id, kpi_id)
    sara = bearer(token_for(app, "sara"))
    listed = client.get("/api/v1/kpis", headers=sara)
    assert listed.status_code == 200
    assert {k["kpi_id"] for k in listed.json} == {kpi_id, other}
    only = client.get("/api/v1/kpis?focus_domain=data", headers=sara).json
    assert [k["kpi_id"] for k in only] == [other]
    assert client.get("/api/v1/kpis?focus_domain=onzin", headers=sara).status_code == 422
    one = client.get(f"/api/v1/kpis/{kpi_id}", headers=sara)
    assert one.status_code == 200
    assert one.json["action_ids"] == [action_id]
    assert one.json["decision_ids"] == [decided.decision_id]
    assert one.json["measurements"] == [] and one.json["target"] == 60.0
    assert client.get("/api/v1/kpis/987654", headers=sara).status_code == 404
    sofie = bearer(token_for(app, "sofie"))
    assert client.get(f"/api/v1/kpis/{kpi_id}", headers=sofie).status_code == 404
    assert client.get("/api/v1/kpis", headers=sofie).json == []
    assert client.get("/api/v1/kpis").status_code == 401


def test_the_owner_enters_a_measurement_on_the_task_page_with_the_kpi_beside_it(
    committee: Committee,
) -> None:
    app = web_app(committee)
    kpi_id = make_kpi(committee, measure_every_months=1)
    with committee.engine.db.read() as session:
        case_id = session.get(Kpi, kpi_id).measurement_case_id
    committee.advance(days=31)  # 2 April: the first measurement is asked for
    task = committee.task(case_id, "enter_measurement")
    wim = browser(app, "wim")
    page = wim.get(f"/taken/{task.id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    for shown in (
        "KPI-meting invoeren",
        "Ambtenaren met een basisopleiding digitalisering",
        "Streefwaarde",
        "60\u00a0%",
        "31 december 2026",
        "elke maand",
        "Nog geen metingen: dit is de eerste.",
        "Gemeten waarde",
    ):
        assert shown in text, shown  # fmt: skip
    assert browser(app, "sofie").get(f"/taken/{task.id}").status_code == 404

    url = f"/taken/{task.id}"
    wrong = post(wim, url, {"value": "veel", "measured_on": "02-04-2026"})
    assert wrong.status_code == 422 and 'value="veel"' in wrong.text
    done = post(wim, url, {"value": "18,5", "measured_on": "02-04-2026", "note": "Register"})
    assert done.status_code == 302
    with committee.engine.db.read() as session:
        view = queries.kpi_view(session, kpi_id)
    assert [(m.measured_on, m.value, m.entered_by) for m in view.measurements] == [
        (date(2026, 4, 2), 18.5, "wim")
    ]


def test_in_english_the_pages_speak_english(committee: Committee) -> None:
    app = web_app(committee)
    action_id = make_action(committee)
    kpi_id = make_kpi(committee)
    mia = browser(app, "mia")
    mia.post("/taal", data={"taal": "en", "csrf_token": csrf_of(mia.get(ACTIONS).text)})
    ambitions = html.unescape(mia.get("/sturingskader/ambities").text)
    assert "Ambitions per focus domain" in ambitions
    assert "one counter in the village street" in ambitions
    assert "één loket in de Dorpsstraat" not in ambitions
    action = html.unescape(mia.get(f"{ACTIONS}/{action_id}").text)
    assert "Kind of action" in action and "Training" in action and "Planned" in action
    kpi = html.unescape(mia.get(f"{KPIS}/{kpi_id}").text)
    assert "Target" in kpi and "60\u00a0%" in kpi and "every 3 months" in kpi
    assert "No measurements yet." in kpi


def test_the_owners_deputy_sees_and_updates_the_action(committee: Committee) -> None:
    app = web_app(committee)
    action_id = make_action(committee, owner_user_id="wim")
    start = committee.clock.now()
    committee.engine.set_deputy(
        "wim", "tom", start, start.replace(year=2027), committee.actor("wim")
    )
    tom = browser(app, "tom")
    assert "Opleidingsaanbod digitale vaardigheden" in tom.get(ACTIONS).text
    url = f"{ACTIONS}/{action_id}"
    assert tom.get(url).status_code == 200
    assert post(tom, url, {"status": "running"}).status_code == 302
    [entry] = [e for e in trail_of(committee) if e.action == "steering_action_status"]
    assert (entry.actor, entry.on_behalf_of) == ("tom", "wim")


def trail_of(committee: Committee) -> list[AuditEntry]:
    with committee.engine.db.read() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
        session.expunge_all()
    return list(rows)
