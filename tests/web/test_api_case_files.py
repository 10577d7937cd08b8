"""REST API: documents and comments on a case, with the case page's rights and audit rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.web.conftest import bearer, start_review, token_for

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def document_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "documents"
    monkeypatch.setenv("STUURBOORD_DOCUMENT_PATH", str(folder))
    return folder


def _upload(client, case_id: int, name: str, data: bytes, headers: dict[str, str]):
    return client.post(
        f"/api/v1/cases/{case_id}/documents",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def _actions(engine, case_id: int) -> list[str]:
    return [entry.action for entry in engine.audit_trail(case_id)]


def test_documents_upload_list_download_as_on_the_case_page(app, client, web_engine) -> None:
    case_id, _task = start_review(web_engine, "carla")
    carla = bearer(token_for(app, "carla"))
    added = _upload(client, case_id, "map/nota.pdf", PDF, carla)
    assert added.status_code == 201, added.json
    assert added.json | {"filename": "nota.pdf", "content_type": "application/pdf"} == added.json
    assert added.json["uploaded_by"] == "carla" and added.json["size_bytes"] == len(PDF)
    assert "document_added" in _actions(web_engine, case_id)

    listed = client.get(f"/api/v1/cases/{case_id}/documents", headers=carla)
    assert [d["id"] for d in listed.json] == [added.json["id"]]
    download = client.get(f"/api/v1/documents/{added.json['id']}", headers=carla)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="nota.pdf"')
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_documents_refuse_what_the_engine_refuses_and_hide_other_cases(
    app, client, web_engine
) -> None:
    case_id, _task = start_review(web_engine, "carla")
    carla = bearer(token_for(app, "carla"))
    refused = _upload(client, case_id, "page.html", b"<html><script>x</script></html>", carla)
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert "file" in refused.json["errors"]
    missing = client.post(f"/api/v1/cases/{case_id}/documents", headers=carla, data={})
    assert missing.status_code == 422 and "file" in missing.json["errors"]
    assert web_engine.documents(case_id) == []
    assert "document_added" not in _actions(web_engine, case_id)

    stored = _upload(client, case_id, "nota.pdf", PDF, carla).json
    maria = bearer(token_for(app, "maria"))  # no part in this case: it does not exist for her
    for response in (
        _upload(client, case_id, "nota.pdf", PDF, maria),
        client.get(f"/api/v1/cases/{case_id}/documents", headers=maria),
        client.get(f"/api/v1/documents/{stored['id']}", headers=maria),
        client.get("/api/v1/documents/999999", headers=carla),
        client.get("/api/v1/cases/999999/documents", headers=carla),
    ):
        assert response.status_code == 404 and response.json["code"] == "NOT_FOUND"
    assert len(web_engine.documents(case_id)) == 1


def test_comments_list_and_add_with_their_audit_row(app, client, web_engine) -> None:
    case_id, _task = start_review(web_engine, "carla")
    carla = bearer(token_for(app, "carla"))
    added = client.post(
        f"/api/v1/cases/{case_id}/comments", json={"body": "Nota volgt."}, headers=carla
    )
    assert added.status_code == 201
    assert added.json | {"author": "carla", "body": "Nota volgt.", "case_id": case_id} == added.json
    listed = client.get(f"/api/v1/cases/{case_id}/comments", headers=carla).json
    assert [c["body"] for c in listed] == ["Nota volgt."]
    assert "comment_added" in _actions(web_engine, case_id)


def test_comments_refuse_bad_bodies_and_hide_other_cases(app, client, web_engine) -> None:
    case_id, _task = start_review(web_engine, "carla")
    carla = bearer(token_for(app, "carla"))
    url = f"/api/v1/cases/{case_id}/comments"
    for body, field in (({"body": ""}, "body"), ({"body": "x" * 5001}, "body"), ({}, "body"),
                        ({"body": "ok", "extra": 1}, "extra")):  # fmt: skip
        response = client.post(url, json=body, headers=carla)
        assert response.status_code == 422, body
        assert field in response.json["errors"]
    broken = client.post(url, data="{", headers={**carla, "Content-Type": "application/json"})
    assert broken.status_code == 400 and broken.mimetype == PROBLEM
    no_body = client.post(url, headers=carla)
    assert no_body.status_code == 400 and no_body.json["code"] == "BAD_REQUEST"
    maria = bearer(token_for(app, "maria"))
    hidden = client.post(url, json={"body": "hallo"}, headers=maria)
    assert hidden.status_code == 404
    assert client.get(url, headers=maria).status_code == 404
    assert web_engine.comments(case_id) == []
