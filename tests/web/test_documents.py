"""Documents and comments on the case page, and attachments on *Nieuw onderwerp*."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.web.conftest import csrf_of, sign_in, start_review

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def document_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "documents"
    monkeypatch.setenv("STUURBOORD_DOCUMENT_PATH", str(folder))
    return folder


def _upload(client, case_id: int, name: str, data: bytes, token: str | None = None):
    form = {"bestand": (io.BytesIO(data), name)}
    if token is not None:
        form["csrf_token"] = token
    return client.post(
        f"/dossiers/{case_id}/documenten", data=form, content_type="multipart/form-data"
    )


def _download_link(html: str) -> str:
    match = re.search(r'href="(/documenten/\d+)"', html)
    assert match, "no download link on the page"
    return match.group(1)


def test_upload_and_download_with_safe_headers(client, web_engine):
    case_id, _task = start_review(web_engine, "carla")
    sign_in(client, "carla")
    page = client.get(f"/dossiers/{case_id}")
    assert "Documenten" in page.text and 'enctype="multipart/form-data"' in page.text
    assert 'accept=".pdf,' in page.text
    response = _upload(client, case_id, "Nota één.pdf", PDF, csrf_of(page.text))
    assert response.status_code == 302
    page = client.get(f"/dossiers/{case_id}")
    assert "Nota één.pdf" in page.text and "Carla Clerk" in page.text
    download = client.get(_download_link(page.text))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Nota%20%C3%A9%C3%A9n.pdf" in disposition
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_refused_upload_shows_the_reason_and_stores_nothing(client, web_engine, document_folder):
    case_id, _task = start_review(web_engine, "carla")
    sign_in(client, "carla")
    token = csrf_of(client.get(f"/dossiers/{case_id}").text)
    trail = len(web_engine.audit_trail())
    response = _upload(client, case_id, "factuur.pdf", b"MZ\x90\x00" + b"\x00" * 60, token)
    assert response.status_code == 302
    page = client.get(f"/dossiers/{case_id}")
    assert "factuur.pdf is geweigerd" in page.text
    assert "dit soort bestand wordt niet aanvaard" in page.text
    assert web_engine.documents(case_id) == []
    assert not document_folder.exists() or not any(p.is_file() for p in document_folder.rglob("*"))
    assert len(web_engine.audit_trail()) == trail


def test_someone_else_gets_the_same_404_as_for_a_missing_document(client, app, web_engine):
    case_id, _task = start_review(web_engine, "carla")
    document = web_engine.add_document(case_id, "nota.pdf", PDF, web_engine.actor("carla"))
    other = app.test_client()
    sign_in(other, "dirk")  # another submitter: neither started the case nor has a task in it
    web_engine.complete_task(_task, {"amount": 5}, web_engine.actor("carla"))
    theirs = other.get(f"/documenten/{document.id}")
    missing = other.get(f"/documenten/{document.id + 1000}")
    assert theirs.status_code == missing.status_code == 404
    # the same page (it only repeats the requested address, in the language switch, and the
    # CSRF token, which carries the time of the request)
    def same(text: str, requested: int) -> str:
        text = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="T"', text)
        return text.replace(f"/documenten/{requested}?", "/documenten/N?")

    assert same(theirs.text, document.id) == same(missing.text, document.id + 1000)
    assert other.get(f"/dossiers/{case_id}").status_code == 404
    token = csrf_of(other.get("/taken").text)
    assert _upload(other, case_id, "x.pdf", PDF, token).status_code == 404
    assert len(web_engine.documents(case_id)) == 1
    sign_in(client, "sofie")  # the secretariat sees every case
    assert client.get(f"/documenten/{document.id}").status_code == 200


def test_a_comment_appears_on_the_page(client, web_engine):
    case_id, _task = start_review(web_engine, "carla")
    sign_in(client, "carla")
    token = csrf_of(client.get(f"/dossiers/{case_id}").text)
    response = client.post(
        f"/dossiers/{case_id}/opmerkingen",
        data={"opmerking": "Graag <b>snel</b> bekijken", "csrf_token": token},
    )
    assert response.status_code == 302
    page = client.get(f"/dossiers/{case_id}")
    assert "Opmerkingen" in page.text and "Je opmerking is toegevoegd." in page.text
    assert "Graag &lt;b&gt;snel&lt;/b&gt; bekijken" in page.text
    assert [c.author for c in web_engine.comments(case_id)] == ["carla"]
    client.post(f"/dossiers/{case_id}/opmerkingen", data={"opmerking": " ", "csrf_token": token})
    assert "Je opmerking is leeg." in client.get(f"/dossiers/{case_id}").text
    assert len(web_engine.comments(case_id)) == 1


def test_posts_without_csrf_token_are_refused(client, web_engine):
    case_id, _task = start_review(web_engine, "carla")
    sign_in(client, "carla")
    comment = client.post(f"/dossiers/{case_id}/opmerkingen", data={"opmerking": "hallo"})
    upload = _upload(client, case_id, "nota.pdf", PDF)
    assert comment.status_code == upload.status_code == 400
    assert web_engine.comments(case_id) == [] and web_engine.documents(case_id) == []


def test_new_topic_with_attachments(client, web_engine):
    sign_in(client, "carla")
    form = client.get("/onderwerpen/nieuw")
    assert 'type="file"' in form.text and 'enctype="multipart/form-data"' in form.text
    response = client.post(
        "/onderwerpen/nieuw",
        data={
            "requester": "carla",
            "title": "Met bijlagen",
            "csrf_token": csrf_of(form.text),
            "bestand": [
                (io.BytesIO(PDF), "voorstel.pdf"),
                (io.BytesIO(b"<html><script>alert(1)</script>"), "kwaad.txt"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert [d.filename for d in web_engine.documents(case_id)] == ["voorstel.pdf"]
    page = client.get(response.headers["Location"])
    assert "Je dossier is aangemaakt" in page.text
    assert "voorstel.pdf" in page.text
    assert "kwaad.txt is geweigerd" in page.text and "HTML" in page.text
