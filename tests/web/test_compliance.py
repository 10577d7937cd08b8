"""*Pas toe of leg uit* over the real committee processes: a meeting takes two binding decisions,
one entity complies, one explains, others have not answered yet. The register shows each
status as text and colour, filters work, each person sees what they may, the CSV export is
safe to open in a spreadsheet, and the status colours have enough contrast."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from processes.records.followup import OBLIGATION_STATUSES
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.conftest import csrf_of
from tests.web.test_meetings import (
    BINDING_TEXT,
    EVIL_DECISION,
    EVIL_ENTITY,
    answered,
    planned,
)
from webapp.compliance import neutralise

CSS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "css" / "stuurboord.css"
URL = "/pas-toe-of-leg-uit"


class _Table(HTMLParser):
    """The register table: header texts, then per row the decision and each cell's text and
    status class."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.header: list[str] = []
        self.rows: list[list[tuple[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._status: str | None = None
        self._row: list[tuple[str, str | None]] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "matrix" in (found.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self._row = []
        elif tag in ("td", "th"):
            self._cell, self._status = [], None
        classes = (found.get("class") or "").split()
        for name in classes:
            if name.startswith("status-"):
                self._status = name.removeprefix("status-")

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "table":
            self.inside = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if self._in_head:
                self.header.append(text)
            elif self._row is not None:
                self._row.append((text, self._status))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def register(html: str) -> tuple[list[str], dict[str, dict[str, tuple[str, str | None]]]]:
    """(entity column names, {decision text: {entity name: (cell text, status)}})."""
    table = _Table()
    table.feed(html)
    entities = table.header[1:-1]
    found = {}
    for row in table.rows:
        decision = row[0][0]
        key = next(text for text in (BINDING_TEXT, EVIL_DECISION) if decision.startswith(text))
        found[key] = dict(zip(entities, row[1:-1], strict=True)) | {"adoption": row[-1]}
    return entities, found


def test_matrix_shows_each_status_as_text_and_colour(committee: Committee) -> None:
    s = planned(committee)
    answered(s)
    page = s.client("sara").get(URL)
    assert page.status_code == 200
    entities, rows = register(page.text)
    assert entities == [EVIL_ENTITY, "Departement Omgeving", "Stad Gent"]  # by name
    a, b = rows[BINDING_TEXT], rows[EVIL_DECISION]
    assert a["Departement Omgeving"] == ("Toegepast", "complied")
    assert a["Stad Gent"] == ("Uitgelegd", "explained")
    assert a[EVIL_ENTITY] == ("Open", "open")
    assert a["adoption"][0].startswith("33,3 % 1 van 3 passen toe")
    assert b["Departement Omgeving"] == ("Open", "open")
    assert b["Stad Gent"][1] is None and b["Stad Gent"][0].endswith("niet getoond of niet gebonden")
    assert b["adoption"][0].startswith("0 % 0 van 1 passen toe")
    assert '<th scope="col">Stad Gent</th>' in page.text and '<th scope="row"' in page.text
    # rows come by deadline: B's (30 November) before A's (31 December)
    assert page.text.index("=HYPERLINK") < page.text.index(BINDING_TEXT)


def test_filters_by_focus_domain_entity_and_status(committee: Committee) -> None:
    s = planned(committee)
    answered(s)
    sara = s.client("sara")
    _entities, rows = register(sara.get(f"{URL}?status=complied").text)
    assert list(rows) == [BINDING_TEXT]
    assert list(rows[BINDING_TEXT]) == ["Departement Omgeving", "adoption"]
    assert "33,3 %" in rows[BINDING_TEXT]["adoption"][0]  # adoption counts every entity

    page = sara.get(f"{URL}?domein=data").text
    _entities, rows = register(page)
    assert list(rows) == [EVIL_DECISION]
    assert '<option value="data" selected>' in page

    entities, rows = register(sara.get(f"{URL}?entiteit=gem-gent").text)
    assert entities == ["Stad Gent"] and list(rows) == [BINDING_TEXT]

    page = sara.get(f"{URL}?domein=data&status=complied").text
    assert "Geen verplichtingen gevonden voor deze filters." in page

    entities, rows = register(sara.get(f"{URL}?status=bogus&entiteit=nergens&domein=x").text)
    assert len(entities) == 3 and len(rows) == 2  # unknown filter values mean "all"


def test_each_person_sees_the_entities_they_answer_for(committee: Committee) -> None:
    s = planned(committee)
    answered(s)
    entities, rows = register(s.client("eva").get(URL).text)  # contact of dep-omg
    assert entities == ["Departement Omgeving"] and len(rows) == 2
    jan = s.client("jan")  # contact of gem-gent
    page = jan.get(URL).text
    entities, rows = register(page)
    assert entities == ["Stad Gent"] and list(rows) == [BINDING_TEXT]
    assert 'href="/pas-toe-of-leg-uit"' in page.split('class="main-nav"')[1]
    entities, rows = register(jan.get(f"{URL}?entiteit=dep-omg").text)
    assert entities == ["Stad Gent"]  # another entity is no filter choice for jan: all of his
    assert len(rows_of(jan.get(f"{URL}.csv"))) == 2

    sofie = s.client("sofie")  # a submitter: an empty register, no menu item
    page = sofie.get(URL)
    assert page.status_code == 200 and "Geen verplichtingen gevonden" in page.text
    assert 'href="/pas-toe-of-leg-uit"' not in page.text.split('class="main-nav"')[1]
    assert len(rows_of(sofie.get(f"{URL}.csv"))) == 1
    assert s.client().get(URL).status_code == 302


def rows_of(response) -> list[list[str]]:
    """The CSV as Excel with Belgian settings reads it: UTF-8 with a BOM, semicolons."""
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_has_a_header_and_neutralises_formulas(committee: Committee) -> None:
    s = planned(committee)
    decisions = answered(s)
    sara = s.client("sara")
    response = sara.get(f"{URL}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][:4] == ["Besluit (nr)", "Besluit", "Focusdomein", "Overheidsinstantie"]
    assert len(rows) == 1 + 4 and all(len(row) == len(rows[0]) for row in rows)
    body = rows[1:]
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    evil = next(r for r in body if r[0] == str(decisions["B"]))
    assert evil[1] == "'" + EVIL_DECISION and evil[4] == "Open"
    bound = next(r for r in body if r[3] == "'" + EVIL_ENTITY)
    assert bound[1] == BINDING_TEXT and bound[14] == "33,3\u00a0%"  # as the page shows it
    complied = rows_of(sara.get(f"{URL}.csv?status=complied"))
    assert len(complied) == 2 and complied[1][3] == "Departement Omgeving"


def test_csv_export_reads_well_in_a_belgian_spreadsheet(committee: Committee) -> None:
    s = planned(committee)
    decisions = answered(s)
    rows = rows_of(s.client("sara").get(f"{URL}.csv"))
    header, body = rows[0], rows[1:]
    column = {name: index for index, name in enumerate(header)}
    mine = [r for r in body if r[0] == str(decisions["A"])]
    gent = next(r for r in mine if r[column["Overheidsinstantie"]] == "Stad Gent")
    omg = next(r for r in mine if r[column["Overheidsinstantie"]] == "Departement Omgeving")
    assert gent[column["Status"]] == "Uitgelegd"
    assert gent[column["Uitleg: waarom niet"]].startswith("Ons loket draait op een contract")
    assert gent[column["Wat in de plaats"]].startswith("Doorverwijzing naar het platform")
    assert gent[column["Gepland tegen"]] == "31-01-2027"
    assert omg[column["Wat er gedaan is"]].startswith("Alle e-loketten")
    assert omg[column["Gedaan op"]] == "20-03-2026"
    for row in body:
        assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", row[column["Uiterste datum"]])
        assert not re.search(r"\d{4}-\d{2}-\d{2}", ";".join(row))  # no ISO dates anywhere
        assert row[column["Adoptie van het besluit"]].endswith("\u00a0%")
    text = ";".join(";".join(row) for row in rows)
    for code in ("gem-gent", "dep-omg", "explained", "complied"):
        assert code not in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_every_formula_start(start: str) -> None:
    assert neutralise(start + "1+1") == "'" + start + "1+1"


def test_neutralise_leaves_other_text_alone() -> None:
    assert neutralise("Stad Gent") == "Stad Gent"
    assert neutralise(None) == "" and neutralise(33.3) == "33.3"
    assert neutralise(" =1") == " =1"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_status_colour_pair_has_contrast_of_at_least_4_5() -> None:
    css = CSS.read_text()
    for status in OBLIGATION_STATUSES:
        match = re.search(
            rf"\.status-{status} {{ color: (#[0-9a-f]{{6}}); background: (#[0-9a-f]{{6}}); }}",
            css,
        )
        assert match, status
        light, dark = sorted((_luminance(match[1]), _luminance(match[2])), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, status


def test_register_in_english(committee: Committee) -> None:
    s = planned(committee)
    answered(s)
    chris = s.client("chris")
    chris.post("/taal", data={"taal": "en", "csrf_token": csrf_of(chris.get(URL).text)})
    page = chris.get(URL).text
    assert "Comply or explain" in page and "Complied" in page and "Explained" in page
    header = rows_of(chris.get(f"{URL}.csv"))[0]
    assert header[:2] == ["Decision (no.)", "Decision"]
