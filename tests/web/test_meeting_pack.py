"""The meeting pack (page and PDF) lists each item's documents and shows the note the
secretariat published the agenda with."""

from __future__ import annotations

from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.web.test_meetings import frozen, pdf_content, planned

NOTE = "Punt 2 vraagt een standpunt; lees de nota\u2019s vooraf."


def test_the_pack_shows_the_publication_note_and_each_items_documents(
    committee: Committee,
) -> None:
    s = frozen(planned(committee))
    first, _second, _third = s.topics
    engine = committee.engine
    engine.add_document(
        first, "nota-aanmeldplatform.pdf", b"%PDF-1.4\n%%EOF\n", engine.actor("sara")
    )
    engine.add_document(first, "raming é.txt", b"Raming: 4 miljoen euro.\n", engine.actor("sara"))
    unpublished = s.client("mia").get(f"/zittingen/{s.meeting_id}/bundel").text
    assert NOTE not in unpublished
    committee.complete(s.meeting_case, "order_agenda", {"agenda_note": NOTE}, "sara")

    mia = s.client("mia")
    page = mia.get(f"/zittingen/{s.meeting_id}/bundel").text
    assert "Begeleidende nota van het secretariaat" in page
    assert "Punt 2 vraagt een standpunt; lees de nota\u2019s vooraf." in page
    assert page.index("Begeleidende nota") < page.index('id="pack-agenda"')
    assert "nota-aanmeldplatform.pdf" in page and "raming é.txt" in page
    assert page.count("Geen documenten bij dit punt.") == 2  # the other two items
    documents = engine.documents(first)
    assert f'href="/documenten/{documents[0].id}"' in page
    assert f'href="/dossiers/{first}">Bekijk het dossier</a>' in page  # no "#12"
    assert f">#{first}<" not in page
    meeting_page = s.client("sara").get(f"/zittingen/{s.meeting_id}").text
    assert f'href="/dossiers/{s.meeting_case}">Dossier van de zitting</a>' in meeting_page

    pdf = pdf_content(mia.get(f"/zittingen/{s.meeting_id}/bundel.pdf").data)
    assert "Begeleidende nota van het secretariaat".encode("cp1252") in pdf
    assert NOTE.encode("cp1252") in pdf
    assert b"nota-aanmeldplatform.pdf" in pdf
    assert "raming é.txt".encode("cp1252") in pdf
