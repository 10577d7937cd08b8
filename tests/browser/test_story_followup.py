"""What follows a meeting, walked through the pages as new users would, choosing from pickers
(no code or number typed anywhere) and reading each task's brief first:

- the government liaison (gert, the browser site's *kabinet.info*) opens the Flemish
  Government's answer to an escalation, reads the dossier, records a binding agreement and picks
  the committee decision it belongs to from a select (by its title and meeting date): the
  comply-or-explain follow-up starts, one case per bound entity, named after the decision;
- the working group's chair (wim, the site's *wg.data*) opens the mandate, reads it, accepts
  it, and submits the report with the mandate still above the form;
- the secretariat opens an entity's explanation, reads it (and the decision) in the brief, and
  accepts it;
- the college of chairs' representative (cleo, the site's *college*) asks a question through
  the start form, choosing entities, domains and the meeting from pickers, and later reads the
  committee's answer below the question.

axe-core checks every task page (no WCAG 2.1 A/AA violation). The meeting itself and the steps
before these tasks are set through the engine (tests/browser/committee.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from processes.records import choices, dates
from processes.records.models import Meeting
from tests.browser import committee as scene
from tests.browser.conftest import Site, data
from tests.browser.test_accessibility import AXE, violations
from tests.browser.test_story import complete, open_task

pytestmark = pytest.mark.usefixtures("site")

QUESTION = "Welke datastandaarden leggen alle besturen samen vast?"


def no_axe_violations(page: Page) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `make setup` (npm ci)")
    found = violations(page)
    assert not found, "\n".join(found)


def brief(page: Page) -> str:
    """The brief above the form, as the person reads it."""
    shown = page.locator(".brief")
    expect(shown).to_be_visible()
    return shown.inner_text()


def treated_meeting(site: Site) -> dict[str, int | str]:
    """A meeting that decided one topic, escalated a second to the Flemish Government and gave
    a third to working group Data. The escalation dossier is prepared, approved and sent; the
    chair approved the mandate."""
    meeting_case, meeting_id = scene.plan_meeting(site)
    titles = {
        "cloud": scene.unique("Cloudbeleid voor de Vlaamse overheid"),
        "budget": scene.unique("Budget voor VRD2"),
        "data": scene.unique("Datastandaarden voor lokale besturen"),
    }
    topics = {key: scene.admitted_topic(site, meeting_id, title) for key, title in titles.items()}
    scene.hold_meeting(site, meeting_case)
    board = scene.committee(site)
    due = dates.local_date(site.clock.now()) + timedelta(days=120)
    board.complete(
        meeting_case,
        "record_treatments",
        {
            "attendance": ["chris", "mia", "mo"],
            "treatments": [
                {
                    "agenda_item_id": scene.agenda_item(site, topics["cloud"]),
                    "outcome": "decided",
                    "decision_text": "De Vlaamse overheid kiest voor één gedeelde cloud.",
                },
                {
                    "agenda_item_id": scene.agenda_item(site, topics["budget"]),
                    "outcome": "escalated",
                    "escalation_summary": "Het budget voor VRD2 volstaat niet.",
                    "decision_needed": "Bijkomend budget van 2 miljoen euro.",
                },
                {
                    "agenda_item_id": scene.agenda_item(site, topics["data"]),
                    "outcome": "working_group",
                    "working_group_id": "wg-data",
                    "wg_question": QUESTION,
                    "wg_deliverable": "Een voorstel van gemeenschappelijke standaarden.",
                    "wg_due_date": due.isoformat(),
                },
            ],
        },
        "sara",
    )
    escalation = next(
        c.id
        for c in board.cases("government_escalation")
        if c.data.get("topic_case_id") == topics["budget"]
    )
    board.complete(
        escalation,
        "prepare_dossier",
        {
            "title": titles["budget"],
            "summary": "Het budget voor VRD2 volstaat niet.",
            "decision_needed": "Bijkomend budget van 2 miljoen euro.",
        },
        "sara",
    )
    board.complete(escalation, "approve_dossier", {"dossier_decision": "approve"}, "chris")
    assignment = next(
        c.id
        for c in board.cases("working_group_assignment")
        if c.data.get("topic_case_id") == topics["data"]
    )
    board.complete(assignment, "approve_mandate", {"approval": "approve"}, "chris")
    with site.engine.db.read() as session:
        day = session.get(Meeting, meeting_id).meeting_date  # type: ignore[union-attr]
    return {
        "escalation": escalation,
        "assignment": assignment,
        "cloud_title": titles["cloud"],
        "budget_title": titles["budget"],
        "data_title": titles["data"],
        "meeting_day": choices.day_label(day, "nl"),
    }


def test_the_liaison_records_a_binding_agreement_and_picks_the_decision(
    site: Site, open_as: Callable[[str], Page]
) -> None:
    s = treated_meeting(site)
    gert = open_as("gert")
    task = "Antwoord van de Vlaamse Regering registreren"
    open_task(gert, site, task, f"Escalatie: {s['budget_title']}")
    shown = brief(gert)
    assert "Het escalatiedossier" in shown and "Bijkomend budget van 2 miljoen euro." in shown
    no_axe_violations(gert)

    gert.get_by_role("radio", name="Bindende afspraak").check()
    gert.get_by_label("Tekst van het antwoord").fill(
        "Elke entiteit reserveert budget voor de VRD2-bouwstenen."
    )
    today = dates.local_date(site.clock.now())
    gert.get_by_label("Datum van het antwoord").fill(today.strftime("%d-%m-%Y"))
    deadline = today + timedelta(days=90)
    gert.get_by_label("Uiterste datum voor de instanties").fill(deadline.strftime("%d-%m-%Y"))
    gert.get_by_role("checkbox", name="Departement Omgeving").check()
    gert.get_by_role("checkbox", name="Stad Gent").check()
    gert.get_by_label("Focusdomein").select_option(label="Financiering")
    picker = gert.get_by_label("Besluit van het Stuurorgaan")
    decision = f"{s['cloud_title']} (zitting van {s['meeting_day']})"
    assert picker.locator("optgroup").first.get_attribute("label") == (
        "Over dit onderwerp of van dezelfde zitting"
    )
    picker.select_option(label=decision)
    complete(gert, task)

    board = scene.committee(site)
    assert board.case(int(s["escalation"])).status == "completed"
    followup = [
        c
        for c in board.cases("comply_or_explain")
        if c.data.get("source_case_id") == s["escalation"]
    ]
    assert len(followup) == 1
    obligations = sorted(
        c.title or ""
        for c in board.cases("obligation")
        if c.data.get("parent_case_id") == followup[0].id
    )
    assert obligations == [
        f"Pas toe of leg uit: {s['cloud_title']}, Departement Omgeving",
        f"Pas toe of leg uit: {s['cloud_title']}, Stad Gent",
    ]


def test_the_working_group_chair_reads_the_mandate_accepts_it_and_reports(
    site: Site, open_as: Callable[[str], Page]
) -> None:
    s = treated_meeting(site)
    wim = open_as("wim")
    case_title = f"Werkgroep: {s['data_title']}"

    open_task(wim, site, "Opdracht aanvaarden", case_title)
    shown = brief(wim)
    assert "De opdracht" in shown and QUESTION in shown and "Werkgroep Data" in shown
    no_axe_violations(wim)
    wim.get_by_role("radio", name="Aanvaarden").check()
    complete(wim, "Opdracht aanvaarden")

    open_task(wim, site, "Rapport indienen", case_title)
    shown = brief(wim)
    assert "De opdracht" in shown and QUESTION in shown
    assert "Een voorstel van gemeenschappelijke standaarden." in shown
    no_axe_violations(wim)
    wim.get_by_label("Rapport", exact=True).fill(
        "De werkgroep stelt DCAT-AP Vlaanderen en OSLO voor als gemeenschappelijke standaarden."
    )
    complete(wim, "Rapport indienen")
    assert data(site, int(s["assignment"]))["report"].startswith("De werkgroep stelt")


def test_the_secretariat_reads_the_explanation_and_assesses_it(
    site: Site, open_as: Callable[[str], Page]
) -> None:
    title = scene.unique("Gemeenschappelijk aanmeldplatform")
    decision = scene.unique("Alle entiteiten gebruiken het gemeenschappelijke aanmeldplatform.")
    meeting_case, meeting_id = scene.plan_meeting(site)
    topic_case = scene.admitted_topic(site, meeting_id, title)
    scene.hold_meeting(site, meeting_case)
    scene.record_binding_decision(site, meeting_case, topic_case, decision, ["dep-omg"])
    entity_case = scene.obligation_case(site, topic_case, "dep-omg")
    reason = "Ons eigen platform loopt nog tot het contract afloopt."
    scene.committee(site).complete(
        entity_case,
        "answer_obligation",
        {
            "response": "explain",
            "reason": reason,
            "risks": "Twee aanmeldingen naast elkaar tot eind volgend jaar.",
            "mitigation": "We verwijzen vanaf nu door naar het platform.",
            "planned_on": (dates.local_date(site.clock.now()) + timedelta(days=200)).isoformat(),
        },
        "eva",
    )

    sara = open_as("sara")
    sara.goto(site.at("/taken"))
    row = sara.get_by_role("row").filter(has=sara.locator(f'a[href="/dossiers/{entity_case}"]'))
    row.get_by_role("link", name="Uitleg beoordelen", exact=True).click()
    shown = brief(sara)
    assert reason in shown and decision in shown  # the explanation, in plain words
    assert "reason" not in shown and "{" not in shown
    no_axe_violations(sara)
    sara.get_by_role("radio", name="Aanvaard", exact=True).check()
    sara.get_by_label("Motivering").fill("De overgang is gepland en de risico's zijn beperkt.")
    complete(sara, "Uitleg beoordelen")
    assert data(site, entity_case).get("verdict") == "accepted"


def test_the_college_asks_a_question_and_reads_the_committees_answer(
    site: Site, open_as: Callable[[str], Page]
) -> None:
    title = scene.unique("Vraag over gedeelde identiteitsdiensten")
    question = "Kan het Stuurorgaan onderzoeken of de besturen één identiteitsdienst delen?"
    meeting_case, meeting_id = scene.plan_meeting(site)

    # The college's representative asks through the start form, choosing from pickers.
    cleo = open_as("cleo")
    cleo.goto(site.at("/dossiers/nieuw/college_question"))
    cleo.get_by_label("Titel").fill(title)
    cleo.get_by_label("Vraag", exact=True).fill(question)
    cleo.get_by_label("Samenvattende nota").fill("Elk bestuur bouwt vandaag een eigen aanmelding.")
    cleo.get_by_label("Impact").fill("Minder dubbel werk voor alle besturen.")
    cleo.get_by_role("checkbox", name="Departement Omgeving").check()
    cleo.get_by_role("checkbox", name="Stad Gent").check()
    with site.engine.db.read() as session:
        day = session.get(Meeting, meeting_id).meeting_date  # type: ignore[union-attr]
    wanted = choices.day_label(day, "nl") + " ("
    picker = cleo.get_by_label("Gewenste zitting")
    [label] = [t for t in picker.locator("option").all_inner_texts() if t.startswith(wanted)][:1]
    picker.select_option(label=label)
    cleo.locator("input[name=focus_domains][value=common_counter_functions]").check()
    cleo.locator("input[name=vrd2_priorities][value=mijn_burgerprofiel]").check()
    no_axe_violations(cleo)
    cleo.get_by_role("button", name="Indienen").click()
    expect(cleo.locator(".flash-success")).to_be_visible()

    # The committee treats it (through the engine) and the secretariat writes the answer.
    board = scene.committee(site)
    [topic] = [c.id for c in board.cases("topic") if c.title == title]
    board.complete(topic, "confirm_screening", {}, "sara")
    board.complete(
        topic,
        "chair_decision",
        {"chair_decision": "admit", "chair_meeting_id": meeting_id,
         "chair_item_kind": "discussion", "chair_public": True},
        "chris",
    )  # fmt: skip
    scene.hold_meeting(site, meeting_case)
    board.complete(
        meeting_case,
        "record_treatments",
        {
            "attendance": ["chris", "mia", "mo"],
            "treatments": [{"agenda_item_id": scene.agenda_item(site, topic), "outcome": "noted"}],
        },
        "sara",
    )
    answer = "Het Stuurorgaan laat de werkgroep Data een gedeelde dienst uitwerken."
    board.complete(topic, "record_answer", {"answer": answer}, "sara")
    site.advance(minutes=1)  # the answer travels to the college's case as a message
    [asked] = [c.id for c in board.cases("college_question") if c.title == title]
    assert [t.element_id for t in board.tasks(asked)] == ["read_answer"]

    # The college reads the answer with its own question above it.
    cleo = open_as("cleo")  # weeks later: signed in again
    open_task(cleo, site, "Antwoord lezen", title)
    shown = brief(cleo)
    assert question in shown and answer in shown
    no_axe_violations(cleo)
    complete(cleo, "Antwoord lezen")
