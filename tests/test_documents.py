"""Documents (attachments) and comments on a case, via the facade."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from engine import Database, Engine, ManualClock, NotFound, Registry, ValidationFailed
from engine.running.documents import MAX_COMMENT
from tests.conftest import BPMN
from tests.helpers import ApproveForm, IntakeForm, StartForm, actor

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 40


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "documents"


@pytest.fixture
def review(db: Database, clock: ManualClock, store: Path) -> Engine:
    registry = Registry()
    registry.form("review", "start", StartForm)
    registry.form("review", "intake", IntakeForm)
    registry.form("review", "approve", ApproveForm)
    engine = Engine(db, registry, clock, documents_path=store, max_document_bytes=1024)
    engine.deploy([BPMN / "review.bpmn"])
    return engine


@pytest.fixture
def case_id(review: Engine) -> int:
    carla = actor(review, "carla", ("clerk", None))
    return review.start_case("review", {"requester": "carla"}, carla).id


def _files(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*") if p.is_file())


def test_add_list_and_read_back(review: Engine, case_id: int, store: Path) -> None:
    carla = review.actor("carla")
    info = review.add_document(case_id, "Nota.pdf", PDF, carla)
    assert (info.filename, info.content_type, info.size_bytes) == ("Nota.pdf", "application/pdf",
                                                                    len(PDF))  # fmt: skip
    assert info.sha256 == hashlib.sha256(PDF).hexdigest() and info.uploaded_by == "carla"
    csv = review.add_document(case_id, "cijfers.csv", "jaar;plaats\n2026;Liège\n".encode(), carla)
    assert csv.content_type == "text/csv; charset=utf-8"
    docx = review.add_document(case_id, "verslag.docx", _docx(), carla)
    assert docx.content_type.endswith("wordprocessingml.document")
    png = review.add_document(case_id, "schema.png", PNG, carla)
    assert png.content_type == "image/png"
    assert [d.id for d in review.documents(case_id)] == [info.id, csv.id, docx.id, png.id]
    again, data = review.document(info.id)
    assert again == info and data == PDF
    # stored under its hash, never under the user's name
    assert all(p.name == hashlib.sha256(p.read_bytes()).hexdigest() for p in _files(store))
    with pytest.raises(NotFound):
        review.document(info.id + 100)
    with pytest.raises(NotFound):
        review.add_document(case_id + 100, "x.pdf", PDF, carla)
    with pytest.raises(NotFound):
        review.documents(case_id + 100)


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "not accepted"),
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "HTML"),
        ("page.txt", b"  <!DOCTYPE html><p>hi</p>", "HTML"),
        ("page.html", b"just words", ".html"),
        ("leeg.pdf", b"", "empty"),
        ("groot.pdf", b"%PDF-" + b"a" * 2000, "larger"),
        ("foto.pdf", PNG, "PNG"),
        ("archief.zip", _docx(), "office document"),
        ("nep.docx", b"PK\x03\x04" + b"\x00" * 30, "not a valid .docx"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "not accepted"),
        ("evil\x00.pdf", PDF, "control characters"),
        ("evil\u202efdp.exe", PDF, "control characters"),
        ("../../", PDF, "no usable name"),
    ],
)
def test_refusals_name_the_reason_and_store_nothing(
    review: Engine, case_id: int, store: Path, filename: str, data: bytes, reason: str
) -> None:
    before = len(review.audit_trail())
    with pytest.raises(ValidationFailed, match="^.*" + reason.replace(".", r"\.")) as refused:
        review.add_document(case_id, filename, data, review.actor("carla"))
    assert refused.value.errors["file"]
    assert review.documents(case_id) == []
    assert _files(store) == []
    assert len(review.audit_trail()) == before


def test_path_parts_are_stripped(review: Engine, case_id: int, store: Path) -> None:
    carla = review.actor("carla")
    stored = review.add_document(case_id, "../../app.py", b"print('hallo')\n", carla)
    assert stored.filename == "app.py" and stored.content_type.startswith("text/plain")
    windows = review.add_document(case_id, "..\\..\\C:\\nota.pdf", PDF, carla)
    assert windows.filename == "nota.pdf"
    with pytest.raises(ValidationFailed):
        review.add_document(case_id, "../../app.py", b"MZ\x00\x00binary", carla)
    long = review.add_document(case_id, "x" * 300 + ".pdf", PDF, carla)
    assert len(long.filename) == 200 and long.filename.endswith(".pdf")
    assert {p.parent.parent for p in _files(store)} == {store}


def test_same_content_is_stored_once(review: Engine, case_id: int, store: Path) -> None:
    carla = review.actor("carla")
    first = review.add_document(case_id, "a.pdf", PDF, carla)
    second = review.add_document(case_id, "b.pdf", PDF, carla)
    assert first.id != second.id and first.sha256 == second.sha256
    assert len(_files(store)) == 1
    assert review.document(second.id)[1] == PDF


def test_comments_and_the_audit_trail(review: Engine, case_id: int) -> None:
    carla = review.actor("carla")
    comment = review.add_comment(case_id, "  Graag tegen vrijdag.\r\n  ", carla)
    assert (comment.body, comment.author) == ("Graag tegen vrijdag.", "carla")
    with pytest.raises(ValidationFailed):
        review.add_comment(case_id, "   \n ", carla)
    with pytest.raises(ValidationFailed):
        review.add_comment(case_id, "x" * (MAX_COMMENT + 1), carla)
    with pytest.raises(NotFound):
        review.add_comment(case_id + 100, "hallo", carla)
    assert [c.body for c in review.comments(case_id)] == ["Graag tegen vrijdag."]
    document = review.add_document(case_id, "nota.pdf", PDF, carla)
    trail = review.audit_trail(case_id)
    [added] = [e for e in trail if e.action == "document_added"]
    after = added.changes["document"]["after"]
    assert (after["filename"], after["size_bytes"], after["sha256"]) == (
        "nota.pdf", len(PDF), document.sha256)  # fmt: skip
    assert added.actor == "carla"
    assert [e.action for e in trail].count("comment_added") == 1
    assert review.verify_audit().ok


def test_document_whose_file_is_gone_is_not_found(review: Engine, case_id: int, store: Path):
    info = review.add_document(case_id, "nota.pdf", PDF, review.actor("carla"))
    for path in _files(store):
        path.unlink()
    with pytest.raises(NotFound):
        review.document(info.id)


def test_default_folder_sits_beside_an_sqlite_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("STUURBOORD_DOCUMENT_PATH", raising=False)
    engine = Engine(Database(f"sqlite:///{tmp_path / 'x.db'}"))
    assert engine.documents_path == tmp_path.resolve() / "documents"
    monkeypatch.setenv("STUURBOORD_DOCUMENT_PATH", str(tmp_path / "elders"))
    assert Engine(Database(f"sqlite:///{tmp_path / 'x.db'}")).documents_path == (
        tmp_path / "elders").resolve()  # fmt: skip
    assert engine.max_document_bytes == 25 * 1024 * 1024
