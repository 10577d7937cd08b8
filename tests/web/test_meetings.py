"""*Zittingen* over the real committee processes: the meetings list, the agenda in order and who
may reorder it (through the meeting process's *Agenda ordenen en markeren* task), the meeting
pack as a page and as PDF, and the ICS calendar feed.

The scenario helpers here (a web app on the committee engine; a meeting with three admitted
topics; publication; treatments with binding decisions; answered obligations) are shared with
test_compliance.py and test_api_followup.py.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from processes.followup import queries as followup
from processes.records import directory
from processes.records import queries as records
from tests.processes_fixtures import PEOPLE, Committee, committee_fixture  # noqa: F401
from tests.test_process_topic import admit, topic_data
from tests.web.conftest import PASSWORD, csrf_of, sign_in
from webapp import ics
from webapp.app import create_app
from webapp.identity import state

MEETING = date(2026, 3, 26)
TITLE = "Zitting van 26 maart \u2013 één platform"  # an en dash and accents
EVIL_ENTITY = '@SUM(1+1)*cmd|" /C calc"!A0'
EVIL_DECISION = '=HYPERLINK("http://x")'
BINDING_TEXT = "Alle entiteiten gebruiken het aanmeldplatform tegen eind 2026."


# -- the scenario (shared) ---------------------------------------------------------------------


@dataclass
class Scenario:
    committee: Committee
    app: Flask
    meeting_case: int
    meeting_id: int
    topics: tuple[int, int, int]
    items: dict[int, int]
    """topic case id → agenda item id"""

    def client(self, user_id: str | None = None) -> FlaskClient:
        """A browser, signed in as `user_id` (or anonymous)."""
        client = self.app.test_client()
        if user_id is not None:
            assert sign_in(client, user_id).status_code == 302
        return client

    def agenda(self) -> list[records.AgendaEntry]:
        with self.committee.engine.db.read() as session:
            return records.agenda(session, self.meeting_id)

    def meeting(self) -> records.MeetingInfo:
        with self.committee.engine.db.read() as session:
            found = records.meeting(session, self.meeting_id)
        assert found is not None
        return found

    def times(self) -> dict[str, str]:
        return self.committee.case(self.meeting_case).data["meeting"]


def web_app(committee: Committee) -> Flask:
    """The web app on the committee's engine, everyone with the test password."""
    app = create_app(committee.engine, {"TESTING": True, "SERVER_NAME": "stuurboord.test"})
    with app.app_context():
        for user_id, *_rest in PEOPLE:
            state().accounts.set_password(user_id, PASSWORD)
    return app


def planned(committee: Committee, app: Flask | None = None) -> Scenario:
    """A meeting on 26 March with three admitted topics A, B, C (in that order)."""
    meeting_case, meeting_id = committee.plan_meeting(MEETING, title=TITLE)
    a = committee.start(
        "topic",
        topic_data(title="A: aanmeldplatform", summary="Eén aanmelding voor café en gemeente."),
        "sofie",
    ).id
    b = committee.start("topic", topic_data(title="B: datastandaarden"), "tom").id
    c = committee.start("topic", topic_data(title="C: budget VRD2", kind="escalation"), "sofie").id
    for case_id in (a, b, c):
        admit(committee, case_id, meeting_id)
    with committee.engine.db.read() as session:
        items = {e.topic_case_id: e.agenda_item_id for e in records.agenda(session, meeting_id)}
    return Scenario(
        committee, app or web_app(committee), meeting_case.id, meeting_id, (a, b, c), items
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def frozen(s: Scenario) -> Scenario:
    """Past the agenda deadline: the agenda freezes and the secretariat's order task is ready."""
    s.committee.advance_to(at(s.times()["freeze_at"]) + timedelta(minutes=1))
    s.committee.task(s.meeting_case, "order_agenda")
    return s


def published(s: Scenario) -> Scenario:
    """Frozen and published as it stands (through the engine, as the secretariat)."""
    frozen(s)
    s.committee.complete(s.meeting_case, "order_agenda", {}, "sara")
    return s


def treated(s: Scenario) -> dict[str, int]:
    """Published, held, and treated: A binds dep-omg, gem-gent and an entity with a malicious
    name; B (focus domain data, malicious text) binds dep-omg; C is noted. Returns the
    decision ids by topic letter."""
    with s.committee.engine.db.write() as session:
        directory.add_organisation(session, "evil", EVIL_ENTITY, "other")
    published(s)
    s.committee.advance_to(at(s.times()["starts_at"]) + timedelta(minutes=1))
    a, b, c = s.topics
    result = s.committee.complete(
        s.meeting_case,
        "record_treatments",
        {
            "attendance": ["chris", "mia", "mo"],
            "treatments": [
                {
                    "agenda_item_id": s.items[a],
                    "outcome": "decided",
                    "decision_text": BINDING_TEXT,
                    "binding": True,
                    "deadline": "2026-12-31",
                    "bound_entities": ["dep-omg", "gem-gent", "evil"],
                },
                {
                    "agenda_item_id": s.items[b],
                    "outcome": "decided",
                    "decision_text": EVIL_DECISION,
                    "binding": True,
                    "deadline": "2026-11-30",
                    "bound_entities": ["dep-omg"],
                    "focus_domain": "data",
                },
                {"agenda_item_id": s.items[c], "outcome": "noted"},
            ],
        },
        "sara",
    ).data["treatment_result"]
    assert result["stored"] is True, result
    ids = {t["topic_case_id"]: t["decision_id"] for t in result["treatments"]}
    return {"A": ids[a], "B": ids[b]}


def answered(s: Scenario) -> dict[str, int]:
    """Treated, then on decision A dep-omg complies and gem-gent explains (jan, its contact)."""
    decisions = treated(s)
    engine = s.committee.engine
    engine.ensure_user("jan", "Jan Gent", grants=[("entity_contact", "gem-gent")])
    with s.app.app_context():
        state().accounts.set_password("jan", PASSWORD)
    with engine.db.read() as session:
        row = next(
            r for r in followup.compliance_matrix(session).rows if r.decision_id == decisions["A"]
        )
    omg, gent = row.cells["dep-omg"].entity_case_id, row.cells["gem-gent"].entity_case_id
    assert omg is not None and gent is not None
    s.committee.complete(
        omg,
        "answer_obligation",
        {
            "response": "comply",
            "what_done": "Alle e-loketten van het departement gebruiken het platform.",
            "done_on": "2026-03-20",
            "evidence": "https://omgeving.vlaanderen.be/aanmelden",
        },
        "eva",
    )
    s.committee.complete(
        gent,
        "answer_obligation",
        {
            "response": "explain",
            "reason": "Ons loket draait op een contract dat pas in 2027 afloopt.",
            "risks": "Twee aanmeldingen naast elkaar tot eind 2026.",
            "mitigation": "Doorverwijzing naar het platform vanaf de startpagina.",
            "planned_on": "2027-01-31",
        },
        "jan",
    )
    return decisions


# -- helpers for these tests -------------------------------------------------------------------


def titles_in_order(html: str, titles: list[str]) -> list[str]:
    """The given titles in the order they appear in the agenda table of a page."""
    section = html.split('id="agenda"', 1)[1].split("<tbody>", 1)[1]
    return sorted(titles, key=section.index)


def order_form(html: str) -> dict[str, list[str]]:
    """The agenda order form's fields as a browser would send them (checked boxes only)."""
    form = html.split('class="agenda-order"', 1)[1].split("</form>", 1)[0]
    data: dict[str, list[str]] = {"csrf_token": [csrf_of(html)]}
    data["punt"] = re.findall(r'name="punt" value="(\d+)"', form)
    for item in data["punt"]:
        select = form.split(f'name="soort-{item}"', 1)[1].split("</select>", 1)[0]
        data[f"soort-{item}"] = re.findall(r'value="(\w+)" selected', select)
        if re.search(rf'name="openbaar-{item}" checked', form):
            data[f"openbaar-{item}"] = ["on"]
    data["nota"] = [re.search(r'<textarea id="nota"[^>]*>(.*?)</textarea>', form, re.S)[1]]
    return data


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def check_ics(text: str) -> list[dict[str, str]]:
    """Validate an iCalendar text's structure (RFC 5545) and return its events' properties."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "bare LF or CR"
    assert "\r" not in text.replace("\r\n", "")
    for physical in text.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= 75, physical
    lines = unfold(text)
    stack: list[str] = []
    events: list[dict[str, str]] = []
    calendar: dict[str, str] = {}
    for line in lines:
        name, _sep, value = line.partition(":")
        assert _sep, line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack and stack.pop() == value, f"END:{value} does not close {stack}"
        elif stack == ["VCALENDAR"]:
            calendar[name] = value
        elif stack == ["VCALENDAR", "VEVENT"]:
            events[-1][name.split(";")[0]] = value
    assert stack == [] and lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event, (required, event)
        for stamp in ("DTSTAMP", "DTSTART", "DTEND"):
            assert re.fullmatch(r"\d{8}T\d{6}Z", event[stamp]), event[stamp]
    return events


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def pdf_content(data: bytes) -> bytes:
    """Every stream of a PDF, inflated where it is compressed."""
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(match[1]))
        except zlib.error:
            chunks.append(match[1])
    return b"\n".join(chunks)


# -- the meetings list -------------------------------------------------------------------------


def test_meetings_list_shows_upcoming_first_to_members_only(committee: Committee) -> None:
    s = planned(committee)
    committee.plan_meeting(date(2026, 3, 12), title="Zitting van 12 maart")
    committee.plan_meeting(date(2026, 4, 23), title="Zitting van 23 april")
    member = s.client("mia")
    page = member.get("/zittingen")
    assert page.status_code == 200
    upcoming = page.text.split('id="komend"')[1].split('id="voorbij"')[0]
    assert upcoming.index("12 maart") < upcoming.index(TITLE) < upcoming.index("23 april")
    assert "gepland" in upcoming
    nav = page.text.split('class="main-nav"')[1].split("</nav>")[0]
    assert 'href="/zittingen" aria-current="page"' in nav

    committee.advance_to(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    page = s.client("mia").get("/zittingen").text  # signed in anew: sessions expire
    upcoming, past = page.split('id="komend"')[1].split('id="voorbij"')
    assert upcoming.index(TITLE) < upcoming.index("23 april") and "12 maart" not in upcoming
    assert "12 maart" in past

    submitter = s.client("sofie")
    page = submitter.get("/zittingen")
    assert page.status_code == 200 and TITLE not in page.text
    assert 'href="/zittingen"' not in page.text.split('class="main-nav"')[1].split("</nav>")[0]
    assert submitter.get(f"/zittingen/{s.meeting_id}").status_code == 404
    assert submitter.get("/zittingen/999999").status_code == 404
    assert s.client().get("/zittingen").status_code == 302  # to the sign-in page


# -- the agenda and its order ------------------------------------------------------------------


def test_agenda_in_order_and_only_the_secretariat_reorders_through_the_task(
    committee: Committee,
) -> None:
    s = planned(committee)
    a, b, c = s.topics
    titles = ["A: aanmeldplatform", "B: datastandaarden", "C: budget VRD2"]
    sara = s.client("sara")
    url = f"/zittingen/{s.meeting_id}"

    # Before the agenda deadline: the agenda in order, no buttons, no reordering yet.
    page = sara.get(url)
    assert page.status_code == 200
    assert titles_in_order(page.text, titles) == titles
    assert 'name="verplaats"' not in page.text and "Voorlopige agenda" in page.text
    assert "Ter beslissing" in page.text and "openbaar" in page.text
    early = sara.post(url + "/agenda", data={"csrf_token": csrf_of(page.text), "punt": []})
    assert early.status_code == 409

    frozen(s)
    sara = s.client("sara")  # the clock moved on 15 days: sign in anew
    page = sara.get(url)
    assert 'name="verplaats"' in page.text
    assert f'value="{s.items[c]}:op"' in page.text
    assert f'value="{s.items[a]}:op"' not in page.text  # the first cannot go up
    assert f'value="{s.items[c]}:neer"' not in page.text  # the last cannot go down

    # Up and down change a draft only: nothing is stored until publication.
    data = order_form(page.text)
    moved = sara.post(url + "/agenda", data={**data, "verplaats": f"{s.items[c]}:op"})
    assert moved.status_code == 200
    assert titles_in_order(moved.text, titles) == [titles[0], titles[2], titles[1]]
    assert "staat nu op plaats 2 van 3" in moved.text
    assert [e.topic_case_id for e in s.agenda()] == [a, b, c]
    data = order_form(moved.text)
    moved = sara.post(url + "/agenda", data={**data, "verplaats": f"{s.items[c]}:op"})
    assert titles_in_order(moved.text, titles) == [titles[2], titles[0], titles[1]]
    data = order_form(moved.text)
    data[f"soort-{s.items[c]}"] = ["discussion"]
    data.pop(f"openbaar-{s.items[c]}")
    data["nota"] = ["Punt C is besloten."]

    # Someone who may not do the task: a member sees the agenda but may not reorder (403);
    # a submitter does not see the meeting at all (404, like a meeting that does not exist).
    mia = s.client("mia")
    assert mia.get(url).status_code == 200
    assert 'name="verplaats"' not in mia.get(url).text
    token = csrf_of(mia.get(url).text)
    assert mia.post(url + "/agenda", data={**data, "csrf_token": [token]}).status_code == 403
    sofie = s.client("sofie")
    assert sofie.get(url).status_code == 404
    token = csrf_of(sofie.get("/taken").text)
    forbidden = sofie.post(url + "/agenda", data={**data, "csrf_token": [token], "publiceer": "1"})
    assert forbidden.status_code == 404
    assert sara.post(url + "/agenda", data={**data, "csrf_token": []}).status_code == 400
    stale = {**data, "punt": data["punt"][:2], "verplaats": f"{s.items[a]}:neer"}
    assert sara.post(url + "/agenda", data=stale).status_code == 409
    assert [e.topic_case_id for e in s.agenda()] == [a, b, c]

    # Publishing completes the order task; the process applies the order and publishes.
    done = sara.post(url + "/agenda", data={**data, "publiceer": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(url)
    assert [(e.topic_case_id, e.kind, e.public) for e in s.agenda()] == [
        (c, "discussion", False),
        (a, "decision", True),
        (b, "decision", True),
    ]
    assert s.meeting().status == "published"
    task = next(
        t for t in committee.engine.case_tasks(s.meeting_case) if t.element_id == "order_agenda"
    )
    assert task.state == "completed" and task.completed_by == "sara"
    trail = [e.action for e in committee.engine.audit_trail(s.meeting_case)]
    assert "agenda_published" in trail and "agenda_item_changed" in trail
    page = sara.get(url)
    assert "gepubliceerd voor de leden" in page.text
    assert titles_in_order(page.text, titles) == [titles[2], titles[0], titles[1]]
    assert 'name="verplaats"' not in page.text and "besloten" in page.text
    assert sara.post(url + "/agenda", data=data).status_code == 409  # no order task any more


def test_publishing_reports_the_forms_errors(committee: Committee) -> None:
    s = frozen(planned(committee))
    sara = s.client("sara")
    url = f"/zittingen/{s.meeting_id}"
    data = order_form(sara.get(url).text)
    data["nota"] = ["x" * 2500]  # the form allows 2000
    page = sara.post(url + "/agenda", data={**data, "publiceer": "1"})
    assert page.status_code == 422
    assert "ten hoogste 2000 tekens" in page.text
    assert committee.task(s.meeting_case, "order_agenda").state == "ready"


# -- the meeting pack --------------------------------------------------------------------------


def test_meeting_pack_page_and_pdf(committee: Committee) -> None:
    s = published(planned(committee))
    mia = s.client("mia")
    page = mia.get(f"/zittingen/{s.meeting_id}/bundel")
    assert page.status_code == 200
    assert TITLE in page.text and "Vergaderbundel" in page.text
    assert "Eén aanmelding voor café en gemeente." in page.text
    assert page.text.index("A: aanmeldplatform") < page.text.index("C: budget VRD2")
    assert "Ingediend door" in page.text and "Sofie Peeters" in page.text

    pdf = mia.get(f"/zittingen/{s.meeting_id}/bundel.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "vergaderbundel-2026-03-26" in pdf.headers["Content-Disposition"]
    content = pdf_content(pdf.data)
    assert TITLE.encode("cp1252") in content  # the en dash and é in WinAnsi encoding
    assert "Eén aanmelding voor café en gemeente.".encode("cp1252") in content
    assert b"C: budget VRD2" in content
    assert b"/Encoding /WinAnsiEncoding" in pdf.data
    # A case is named by its title, never by its number ("Dossier #12").
    assert not re.search(rb"#\s*\d", content), re.findall(rb".{0,40}#\s*\d+", content)

    sofie = s.client("sofie")
    assert sofie.get(f"/zittingen/{s.meeting_id}/bundel").status_code == 404
    assert sofie.get(f"/zittingen/{s.meeting_id}/bundel.pdf").status_code == 404


def test_pdf_text_keeps_dutch_and_replaces_what_the_font_cannot_show() -> None:
    from webapp.meeting_pack import pdf_text

    dutch = "Geëscaleerd \u2013 \u2018één\u2019 € 5"
    assert pdf_text(dutch) == dutch
    assert pdf_text("Łódź \u2603 a\x07b") == "Lódz ? ab"


# -- the calendar feed -------------------------------------------------------------------------


def test_ics_feed_for_a_signed_in_member_and_by_personal_link(committee: Committee) -> None:
    s = planned(committee)
    committee.plan_meeting(date(2026, 4, 23), title="Zitting van 23 april; met, tekens\\")
    published(s)
    mia = s.client("mia")
    feed = mia.get("/zittingen.ics")
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    events = check_ics(feed.text)
    by_uid = {e["UID"]: e for e in events}
    event = by_uid[f"zitting-{s.meeting_id}@stuurboord"]
    assert unescape(event["SUMMARY"]) == TITLE
    assert event["DTSTART"] == "20260326T090000Z"  # 10:00 in Brussels
    assert event["DTEND"] == "20260326T110000Z"
    assert unescape(event["LOCATION"]) == "Herman Teirlinckgebouw, Brussel"
    description = unescape(event["DESCRIPTION"])
    assert "1. A: aanmeldplatform (Ter beslissing)" in description
    assert "3. C: budget VRD2 (Ter beslissing)" in description
    assert f"http://stuurboord.test/zittingen/{s.meeting_id}" in description
    other = next(e for e in events if e is not event)
    assert other["SUMMARY"] == "Zitting van 23 april\\; met\\, tekens\\\\"

    # The personal link works without a session; a wrong key or a deactivated user gets 404.
    link = re.search(
        r'id="feed-link" type="text" readonly value="([^"]+)"', mia.get("/zittingen").text
    )[1]
    assert link.startswith("http://stuurboord.test/zittingen.ics?sleutel=")
    anonymous = s.client()
    by_link = anonymous.get(link.removeprefix("http://stuurboord.test"))
    assert by_link.status_code == 200
    assert f"zitting-{s.meeting_id}@stuurboord" in by_link.text
    assert anonymous.get("/zittingen.ics?sleutel=" + link[-10:]).status_code == 404
    assert anonymous.get("/zittingen.ics").status_code == 302  # sign in first
    with s.app.app_context():
        submitter_key = ics.feed_key("sofie")
    submitter_feed = anonymous.get(f"/zittingen.ics?sleutel={submitter_key}")
    assert submitter_feed.status_code == 200 and check_ics(submitter_feed.text) == []
    committee.engine.set_user_active("mia", False, committee.actor("ada"))
    assert anonymous.get(link.removeprefix("http://stuurboord.test")).status_code == 404


def test_closed_items_are_in_the_feed_without_their_title(committee: Committee) -> None:
    s = frozen(planned(committee))
    _a, _b, c = s.topics
    committee.complete(
        s.meeting_case,
        "order_agenda",
        {"agenda_order": [{"agenda_item_id": s.items[c], "kind": "information", "public": False}]},
        "sara",
    )
    text = s.client("chris").get("/zittingen.ics").text
    [event] = check_ics(text)
    description = unescape(event["DESCRIPTION"])
    assert "1. Besloten punt (Ter informatie)" in description
    assert "C: budget VRD2" not in description


def test_ics_writer_folds_escapes_and_keeps_utf8_whole() -> None:
    long = "Één aanmeldplatform, één loket; " * 10 + "\nnieuwe regel\\"
    assert ics.escape_text("a,b;c\\d\ne\r\nf\tg\x01") == "a\\,b\\;c\\\\d\\ne\\nf g"
    folded = ics.fold("DESCRIPTION:" + ics.escape_text(long))
    physical = folded.split("\r\n")
    assert len(physical) > 3
    for line in physical:
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")  # no character split
    assert physical[1].startswith(" ")
    assert unescape(folded.replace("\r\n ", "").removeprefix("DESCRIPTION:")) == long
    start = datetime(2026, 3, 26, 9, tzinfo=UTC)
    text = ics.calendar(
        [ics.Event("x@stuurboord", start, start + timedelta(hours=2), "Zitting", "Brussel", long)],
        name="Zittingen",
        stamp=start,
    )
    [event] = check_ics(text)
    assert unescape(event["DESCRIPTION"]) == long


@pytest.mark.parametrize(
    "language, words",
    [
        ("nl", ["Ter beslissing", "Zittingen", "gepland"]),
        ("en", ["For decision", "Meetings", "planned"]),
    ],
)
def test_agenda_words_follow_the_language(committee: Committee, language, words) -> None:
    s = planned(committee)
    chris = s.client("chris")
    token = csrf_of(chris.get("/zittingen").text)
    chris.post("/taal", data={"taal": language, "csrf_token": token})
    page = chris.get(f"/zittingen/{s.meeting_id}").text
    for word in words:
        assert word in page
