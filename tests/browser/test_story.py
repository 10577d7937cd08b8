"""The main story, walked through the pages as new users would: a submitter proposes a topic,
the secretariat screens it, the chair admits it to a meeting, it shows on the agenda and in the
calendar feed; after the meeting the secretariat records a binding decision; an entity's contact
explains why it does not comply yet; the comply-or-explain register shows it.

The story is cut in three tests so that each can run on its own (one server per session, the
clock moves): the second records the decision on the treatments page; the third starts from a
decision recorded through the engine, so that it does not walk that page again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from processes.records import choices, dates
from tests.browser import committee as board
from tests.browser.conftest import Site, as_user, case_id_from, data

pytestmark = pytest.mark.usefixtures("site")


def open_task(page: Page, site: Site, task_name: str, case_title: str) -> None:
    """From *Mijn taken*, open the task of that name in the case with that title."""
    page.goto(site.at("/taken"))
    row = page.get_by_role("row").filter(has_text=case_title).filter(has_text=task_name)
    row.get_by_role("link", name=task_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(task_name)


def complete(page: Page, task_name: str) -> None:
    page.get_by_role("button", name="Afronden").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Taak „{task_name}” afgerond.")


def unfolded(ics: str) -> str:
    """An iCalendar text with its folded lines joined (RFC 5545, 3.1)."""
    return ics.replace("\r\n ", "").replace("\r\n\t", "")


def meeting_option(picker: Locator, day: date, title: str) -> str:
    """The label of the meeting on `day` in a meeting picker ("24 december 2026
    (agendadeadline 14 december)", followed by its title when another meeting is that day)."""
    wanted = choices.day_label(day, "nl") + " ("
    found = [t for t in picker.locator("option").all_inner_texts() if t.startswith(wanted)]
    if len(found) > 1:
        found = [t for t in found if t.endswith(title)]
    assert len(found) == 1, found
    return found[0]


def test_submit_screen_admit_and_find_it_on_the_agenda_and_in_the_calendar(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    title = board.unique("Eén aanmeldplatform voor lokale besturen")
    meeting_title = board.unique("Zitting Stuurorgaan")
    day = board.meeting_date(site)

    # The secretariat plans the meeting (Nieuw dossier → meeting).
    sara = as_user(new_context, site, "sara")
    sara.goto(site.at("/dossiers/nieuw/meeting"))
    sara.get_by_label("Titel").fill(meeting_title)
    sara.get_by_label("Datum van de zitting").fill(day.strftime("%d-%m-%Y"))
    sara.get_by_label("Locatie").fill("Herman Teirlinckgebouw, Brussel")
    sara.get_by_role("button", name="Indienen").click()
    expect(sara.locator(".flash-success")).to_be_visible()
    sara.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zittingen").click()
    sara.get_by_role("link", name=meeting_title).click()
    meeting_id = int(re.search(r"/zittingen/(\d+)", sara.url).group(1))  # type: ignore[union-attr]

    # A submitter proposes a topic through the generated form.
    sofie = as_user(new_context, site, "sofie")
    sofie.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Nieuw onderwerp"
    ).click()
    sofie.get_by_label("Titel").fill(title)
    sofie.get_by_label("Samenvattende nota").fill(
        "Lokale besturen bouwen elk een eigen aanmelding; we stellen één platform voor."
    )
    sofie.get_by_label("Vraag of voorstel tot besluit").fill(
        "Het Stuurorgaan beslist dat alle entiteiten het aanmeldplatform gebruiken."
    )
    sofie.get_by_label("Impact").fill("Minder dubbel werk en één aanmelding voor de burger.")
    entities = sofie.get_by_role("group", name=re.compile("Betrokken overheidsinstanties"))
    entities.get_by_label("Departement Omgeving").check()
    entities.get_by_label("Stad Gent").check()
    sofie.locator("input[name=focus_domains][value=common_counter_functions]").check()
    sofie.locator("input[name=vrd2_priorities][value=mijn_burgerprofiel]").check()
    sofie.get_by_label("Hergebruikt bestaande generieke componenten").check()
    meeting = meeting_option(sofie.get_by_label("Gewenste zitting"), day, meeting_title)
    sofie.get_by_label("Gewenste zitting").select_option(label=meeting)
    sofie.get_by_role("button", name="Indienen").click()
    expect(sofie.locator(".flash-success")).to_contain_text("Je dossier is aangemaakt")
    expect(sofie.get_by_role("heading", level=1)).to_contain_text(title)
    topic_case = case_id_from(sofie.url)
    assert data(site, topic_case)["screening"]["verdict"] == "admissible"
    if "case_diagram" in site.app.jinja_env.globals:  # her case's diagram: where it stands
        expect(sofie.locator(".diagram-list-active")).to_contain_text("Screening bevestigen")

    # The secretariat confirms the screening.
    open_task(sara, site, "Screening bevestigen", title)
    brief = sara.locator(".brief")  # what she decides on, above the form
    expect(brief).to_contain_text(title)
    for condition in ("Dient een prioriteit van het strategisch plan", "Transversaal",
                      "Dossier volledig", "Tijdig ingediend voor de gewenste zitting"):  # fmt: skip
        expect(brief.locator("dt", has_text=condition)).to_be_visible()
    expect(brief.locator(".tag", has_text=re.compile(r"^voldaan$"))).to_have_count(4)
    complete(sara, "Screening bevestigen")

    # The chair admits it to the meeting, as a public item for decision.
    chris = as_user(new_context, site, "chris")
    open_task(chris, site, "Beslissen over agendering", title)
    meetings = chris.locator(".brief-section", has_text="Zittingen die nog onderwerpen aannemen")
    expect(meetings).to_contain_text(f"Zitting van {dates.format_nl(day)}")
    expect(meetings).to_contain_text("agenda sluit op")
    chris.get_by_label("Agenderen op een zitting", exact=True).check()
    chris.get_by_role("combobox", name="Zitting").select_option(label=meeting)
    chris.get_by_label("Ter beslissing").check()
    chris.get_by_label("Openbaar agendapunt").check()
    complete(chris, "Beslissen over agendering")
    placed = data(site, topic_case)["agenda_item"]
    assert placed["placed"] is True and placed["meeting_id"] == meeting_id

    # A member finds it on the meeting's agenda ...
    mia = as_user(new_context, site, "mia")
    mia.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zittingen").click()
    mia.get_by_role("link", name=meeting_title).click()
    agenda = mia.get_by_role("table").filter(has_text=title)
    expect(agenda.get_by_role("rowheader", name=title)).to_be_visible()
    expect(agenda).to_contain_text("Ter beslissing")

    # ... and in the calendar feed.
    feed = mia.request.get(site.at("/zittingen.ics"))
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    ics = unfolded(feed.text())
    event = next(e for e in ics.split("BEGIN:VEVENT")[1:] if meeting_title in e)
    assert f"DTSTART:{day.strftime('%Y%m%d')}" in event.replace(";TZID=Europe/Brussels", "")
    assert title in event.replace("\\,", ",")


def test_secretariat_records_a_binding_decision_after_the_meeting(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    title = board.unique("Gemeenschappelijke aanmelding")
    meeting_case, meeting_id = board.plan_meeting(site)
    topic_case = board.admitted_topic(site, meeting_id, title)
    board.hold_meeting(site, meeting_case)

    # The task's form has one fieldset per agenda item, its title in the legend.
    sara = as_user(new_context, site, "sara")
    meeting_title = board.committee(site).case(meeting_case).title or ""
    open_task(sara, site, "Behandelingen vastleggen", meeting_title)
    # Who was there: a decision needs a quorum of the committee's seats.
    present = sara.get_by_role("group", name=re.compile("^Aanwezigen"))
    for box in present.get_by_role("checkbox").all():
        box.check()
    item = sara.get_by_role("group", name=re.compile(re.escape(title)))
    item.get_by_role("group", name="Uitkomst").get_by_label("Beslist").check()
    item.get_by_label("Besluit").fill("Alle entiteiten gebruiken het aanmeldplatform.")
    item.get_by_label("Bindend voor overheidsinstanties", exact=True).check()
    deadline = dates.local_date(site.clock.now()) + timedelta(days=90)
    item.get_by_label("Uiterste datum").fill(deadline.strftime("%d-%m-%Y"))

    # Forgetting the bound entities: the error is on that input, linked from the summary.
    sara.get_by_role("button", name="Afronden").click()
    summary = sara.locator(".error-summary")
    link = summary.get_by_role("link", name=re.compile("Gebonden overheidsinstanties"))
    expect(link).to_contain_text("Verplicht bij een bindend besluit.")
    link.click()
    item = sara.get_by_role("group", name=re.compile(re.escape(title)))
    entities = item.get_by_role("group", name=re.compile("Gebonden overheidsinstanties"))
    legend = entities.locator("legend").first
    assert sara.url.endswith("#" + (legend.get_attribute("id") or "-"))
    expect(entities).to_have_attribute("aria-invalid", "true")
    expect(item.get_by_label("Besluit")).to_have_value(
        "Alle entiteiten gebruiken het aanmeldplatform."
    )

    # Filled in, the decision is stored and comply-or-explain starts at both entities.
    entities.get_by_label("Departement Omgeving").check()
    entities.get_by_label("Stad Gent").check()
    complete(sara, "Behandelingen vastleggen")
    outcome = data(site, topic_case)["outcome"]
    assert outcome["outcome"] == "decided" and outcome["binding"] is True
    assert sorted(outcome["entities"]) == ["dep-omg", "gem-gent"]
    for organisation in ("dep-omg", "gem-gent"):
        assert board.obligation_case(site, topic_case, organisation) > 0


def test_entity_contact_explains_and_the_register_shows_it(
    site: Site, new_context: Callable[[], BrowserContext]
) -> None:
    title = board.unique("Gemeenschappelijk aanmeldplatform")
    decision = board.unique("Alle entiteiten gebruiken het gemeenschappelijke aanmeldplatform.")
    meeting_case, meeting_id = board.plan_meeting(site)
    topic_case = board.admitted_topic(site, meeting_id, title)
    board.hold_meeting(site, meeting_case)
    board.record_binding_decision(site, meeting_case, topic_case, decision, ["dep-omg", "gem-gent"])

    # The contact person of Departement Omgeving explains why it does not comply yet.
    entity_case = board.obligation_case(site, topic_case, "dep-omg")
    eva = as_user(new_context, site, "eva")
    eva.goto(site.at("/taken"))
    row = eva.get_by_role("row").filter(has=eva.locator(f'a[href="/dossiers/{entity_case}"]'))
    row.get_by_role("link", name="Pas toe of leg uit", exact=True).click()
    expect(eva.locator(".brief")).to_contain_text(decision)
    eva.get_by_label("Leg uit", exact=True).check()
    eva.get_by_label("Reden").fill("Ons eigen platform loopt nog tot het contract afloopt.")
    eva.get_by_label("Risico's").fill("Twee aanmeldingen naast elkaar tot eind volgend jaar.")
    eva.get_by_label("Wat in de plaats").fill("We verwijzen vanaf nu door naar het platform.")
    planned = dates.local_date(site.clock.now()) + timedelta(days=200)
    eva.get_by_label("Geplande datum").fill(planned.strftime("%d-%m-%Y"))
    complete(eva, "Pas toe of leg uit")

    # The register shows the explanation, for the secretariat and for the contact person.
    for page in (eva, as_user(new_context, site, "sara")):
        nav = page.get_by_role("navigation", name="Hoofdmenu")
        nav.get_by_role("link", name="Pas toe of leg uit", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Pas toe of leg uit")
        row = page.get_by_role("row").filter(has_text=decision)
        columns = page.locator("table.matrix thead th").all_inner_texts()
        cells = row.locator("td").all_inner_texts()
        status = dict(zip(columns[1:], cells, strict=False))
        assert status["Departement Omgeving"].strip() == "Uitgelegd"
