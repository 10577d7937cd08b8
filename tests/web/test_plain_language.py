"""Plain language on every page of the demo.

The demo committee (processes.demo) is loaded once; then each main role signs in and walks the
pages reachable from the navigation, and every case, task and meeting page those link to. The
visible text of each page (no markup, scripts or styles) must not show:

* in Dutch: the audit trail's action keys ("topic_submitted", "topic submitted"), Python dicts
  (``{'``, ``': ``), ISO dates or timestamps, role ids (``secretariat``, ``entity_contact``...),
  entity codes (``gem-gent``) or "dag(en)"-style plurals;
* in the meeting packs' PDF text (both languages): none of that either (in English: no dicts,
  ISO dates or codes), and no case numbers (``Dossier #12``): the pack names a case by title.
  (The pages still show a case's number after its title, as its reference: ``… #12``.)
* in English: the Dutch names of user tasks and processes (case titles, which people typed or the
  processes composed in Dutch, are taken out first: they are data, not the software's words).
"""

from __future__ import annotations

import re
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select

import processes
from engine import Database, Engine
from engine.notify.mailer import LogTransport, Sender
from engine.scheduling.scheduler import Scheduler
from engine.storage.models import AuditEntry, Notification
from engine.timing.policy import load_policy
from processes import demo
from processes.records.names import ENGLISH
from tests.processes_fixtures import BPMN_DIR
from tests.web.conftest import csrf_of
from webapp.app import create_app
from webapp.demo import DEMO_PASSWORD, give_demo_passwords
from webapp.identity import state

ROLES_NL = (
    "indiener",
    "indiener.vlaio",
    "secretariaat",
    "voorzitter",
    "lid.omgeving",
    "wg.data",
    "contact.leuven",
    "kabinet.info",
    "college",
    "beheerder",
)
ROLES_EN = ("secretariaat", "voorzitter", "contact.leuven", "beheerder")
START_PAGES = (
    "/taken",
    "/dossiers",
    "/meldingen",
    "/account",
    "/onderwerpen/nieuw",
    "/zittingen",
    "/pas-toe-of-leg-uit",
    "/sturingskader",
    "/sturingskader/domeinen/data",
    "/beheer/",
    "/beheer/gebruikers",
    "/beheer/processen",
    "/beheer/incidenten",
    "/besluiten",
)
FOLLOW = re.compile(
    r"^/(dossiers/\d+|herkomst/\w+/\d+|taken/[0-9a-f-]{36}|zittingen/\d+(/bundel)?|beheer/\w+"
    r"|id/(zittingen|besluiten)/[0-9a-f-]{36})$"
)
SKIP = re.compile(r"\.(pdf|csv|ics)$|/afmelden|/documenten/")

ROLE_IDS = (
    "submitter",
    "secretariat",
    "chair",
    "member",
    "wg_chair",
    "wg_member",
    "entity_contact",
    "government_liaison",
    "college_liaison",
    "admin",
)
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
ENTITY_CODE = re.compile(r"\b(?:dep|ag|gem|prov|kab|ext|wg)-[a-z]+\b")
AWKWARD_PLURAL = re.compile(r"\w\((?:en|s)\)")
DICT = re.compile(r"\{'|': ")
CASE_NUMBER = re.compile(r"#\s?\d+")
PACK_PDF = re.compile(r"^/zittingen/\d+/bundel\.pdf$")


def _technical(attrs: list[tuple[str, str | None]]) -> bool:
    return any(name == "data-technical" for name, _value in attrs)


class VisibleText(HTMLParser):
    """The text a person reads on a page, and the links on it. Blocks marked
    ``data-technical`` (an admin's view of raw process data or an incident's error) are left
    out: they are meant to be technical."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href.split("#")[0])
        if self._skip is not None:
            self._depth += tag == self._skip
        elif tag in ("script", "style", "template") or _technical(attrs):
            self._skip, self._depth = tag, 1

    def handle_endtag(self, tag: str) -> None:
        if self._skip is not None and tag == self._skip:
            self._depth -= 1
            if self._depth == 0:
                self._skip = None

    def handle_data(self, data: str) -> None:
        if self._skip is None:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


@dataclass
class Demo:
    app: Flask
    engine: Engine
    actions: set[str]
    titles: list[str]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("plain-language") / "stuurboord.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    engine = Engine(database, processes.build_registry(), policy=load_policy(BPMN_DIR / "policy"))
    engine.deploy([BPMN_DIR])
    demo.load(engine)
    sender = Sender(database, engine.clock, LogTransport())
    Scheduler(engine, sender, name="plain-language").run_due()  # deliver the notifications
    with database.read() as session:
        assert session.execute(
            select(Notification.id).where(Notification.status == "sent").limit(1)
        ).first(), "no notification was delivered: the sweep would not read any"
    app = create_app(engine, {"TESTING": True, "TOPIC_PROCESS": "topic"})
    with app.app_context():
        give_demo_passwords(engine, state().accounts)
    with database.read() as session:
        actions = set(session.execute(select(AuditEntry.action).distinct()).scalars())
    titles = sorted(
        {case.title for case in engine.list_cases(limit=1000) if case.title}, key=len, reverse=True
    )
    yield Demo(app, engine, actions, titles)
    database.dispose()


def signed_in(demo_site: Demo, user_id: str, language: str) -> FlaskClient:
    client = demo_site.app.test_client()
    page = client.get("/aanmelden")
    client.post(
        "/aanmelden",
        data={"gebruiker": user_id, "wachtwoord": DEMO_PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    if language != "nl":
        token = csrf_of(client.get("/taken").text)
        client.post("/taal", data={"taal": language, "csrf_token": token})
    return client


def crawl(client: FlaskClient, seen_cases: set[str]) -> Iterator[tuple[str, str]]:
    """(path, visible text) of every page reachable from the start pages (each case page once
    over all users, to keep the walk short)."""
    todo = list(START_PAGES)
    done: set[str] = set()
    while todo:
        path = todo.pop(0)
        if path in done:
            continue
        done.add(path)
        response = client.get(path)
        if response.status_code in (403, 404) and path.startswith(("/beheer", "/sturingskader")):
            continue
        assert response.status_code == 200, f"{path}: {response.status_code}"
        parsed = VisibleText()
        parsed.feed(response.text)
        yield path, parsed.text
        for link in parsed.links:
            if not link.startswith("/") or SKIP.search(link) or not FOLLOW.match(link):
                continue
            if link.startswith("/dossiers/"):
                if link in seen_cases:
                    continue
                seen_cases.add(link)
            if link not in done:
                todo.append(link)


def dutch_problems(text: str, actions: set[str]) -> list[str]:
    found = []
    for action in sorted(actions):
        for form in (action, action.replace("_", " ")):
            if re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
                found.append(f"action key {form!r}")
    for role in ROLE_IDS:
        if re.search(rf"(?<![\w.-]){role}(?![\w.-])", text):
            found.append(f"role id {role!r}")
    found += [f"ISO date {m!r}" for m in ISO.findall(text)]
    found += [f"entity code {m!r}" for m in ENTITY_CODE.findall(text)]
    found += [f"plural {m!r}" for m in AWKWARD_PLURAL.findall(text)]
    found += [f"raw dict {m!r}" for m in DICT.findall(text)]
    return found


def pdf_text(data: bytes) -> str:
    """The text an fpdf2 document shows (its ``(…) Tj`` strings, core fonts in WinAnsi)."""
    parts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(match[1])
        except zlib.error:
            content = match[1]
        for shown in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            raw = re.sub(rb"\\(.)", rb"\1", shown[1], flags=re.S)
            parts.append(raw.decode("cp1252"))
    return re.sub(r"\s+", " ", " ".join(parts))


def dutch_names() -> list[str]:
    """The Dutch names of every user task and process in bpmn/ (those differ in English)."""
    model = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    names = set()
    for path in BPMN_DIR.glob("*.bpmn"):
        root = etree.parse(str(path)).getroot()
        for tag in ("process", "userTask"):
            names |= {e.get("name") for e in root.iter(model + tag) if e.get("name")}
    return sorted(n for n in names if ENGLISH.get(n, n) != n)


def context(text: str, found: str) -> str:
    at = text.find(found.split("'")[1]) if "'" in found else -1
    return text[max(0, at - 80) : at + 80] if at >= 0 else ""


@pytest.mark.parametrize("user_id", ROLES_NL)
def test_every_page_speaks_plain_dutch(demo_site: Demo, user_id: str) -> None:
    client = signed_in(demo_site, user_id, "nl")
    seen: set[str] = set()
    pages = 0
    problems = []
    for path, text in crawl(client, seen):
        pages += 1
        problems += [
            f"{path}: {p} … {context(text, p)}" for p in dutch_problems(text, demo_site.actions)
        ]
    assert pages >= 5
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("user_id", ROLES_EN)
def test_english_pages_name_tasks_and_processes_in_english(demo_site: Demo, user_id: str) -> None:
    client = signed_in(demo_site, user_id, "en")
    names = dutch_names()
    problems = []
    for path, text in crawl(client, set()):
        for title in demo_site.titles:
            text = text.replace(title, " ")
        problems += [f"{path}: Dutch name {name!r}" for name in names if name in text]
    assert not problems, "\n".join(problems[:40])


def test_the_pdf_text_is_read_as_printed() -> None:
    from webapp.meeting_pack import _PackPdf

    pdf = _PackPdf("voet", "Pagina")
    pdf.add_page()
    pdf.para("Dossier (x) #12 é a\\b")
    text = pdf_text(bytes(pdf.output()))
    assert "Dossier (x) #12 é a\\b" in text and CASE_NUMBER.search(text)


@pytest.mark.parametrize("language", ("nl", "en"))
def test_meeting_packs_show_no_ids_or_codes(demo_site: Demo, language: str) -> None:
    """The meeting packs (PDF) of every meeting the secretariat sees: no case numbers
    ("Dossier #12"), role ids, entity codes, ISO dates or raw data in the text they print."""
    client = signed_in(demo_site, "secretariaat", language)
    pages = ["/zittingen"]
    parsed = VisibleText()
    parsed.feed(client.get("/zittingen").text)
    pages += [link for link in parsed.links if re.fullmatch(r"/zittingen/\d+", link)]
    packs: set[str] = set()
    for path in pages:
        page = VisibleText()
        page.feed(client.get(path).text)
        packs |= {link for link in page.links if PACK_PDF.match(link)}
    assert packs, "no meeting pack linked from the meetings"
    problems = []
    for path in sorted(packs):
        response = client.get(path)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), path
        text = pdf_text(response.data)
        assert "Agenda" in text, path
        found = dutch_problems(text, demo_site.actions) if language == "nl" else codes(text)
        found += [f"case number {m!r}" for m in CASE_NUMBER.findall(text)]
        problems += [f"{path}: {p} … {context(text, p)}" for p in found]
    assert not problems, "\n".join(problems[:40])


def codes(text: str) -> list[str]:
    """What no language shows: raw dicts, ISO dates, entity codes."""
    found = [f"ISO date {m!r}" for m in ISO.findall(text)]
    found += [f"entity code {m!r}" for m in ENTITY_CODE.findall(text)]
    return found + [f"raw dict {m!r}" for m in DICT.findall(text)]


def test_every_model_name_has_an_english_name() -> None:
    model = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    shown = ("process", "participant", "userTask", "serviceTask", "businessRuleTask",
             "scriptTask", "startEvent", "endEvent", "intermediateCatchEvent",
             "intermediateThrowEvent", "boundaryEvent", "receiveTask", "sendTask",
             "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
             "sequenceFlow", "subProcess", "callActivity")  # fmt: skip
    missing = set()
    for path in BPMN_DIR.glob("*.bpmn"):
        root = etree.parse(str(path)).getroot()
        for tag in shown:
            for element in root.iter(model + tag):
                name = element.get("name")
                if name and name not in ENGLISH:
                    missing.add(f"{path.name}: {tag} {name!r}")
    assert not missing, sorted(missing)


def test_the_sweep_sees_what_it_must_refuse() -> None:
    bad = (
        "topic submitted: {'id': 'x'} op 2026-12-24T10:00 voor secretariat,"
        " contactpersoon (gem-gent), 7 dag(en)"
    )
    found = " ".join(dutch_problems(bad, {"topic_submitted"}))
    for expected in ("action key", "raw dict", "ISO date", "role id", "entity code", "plural"):
        assert expected in found
    assert dutch_problems("Ines Vandenberghe diende het onderwerp in op 24 dec 2026.", set()) == []
