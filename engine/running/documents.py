"""Documents (attachments) and comments on a case.

Files are checked by their content, never trusted by name or by what the browser claims:
PDF, PNG, JPEG, ZIP-based office files (with a matching extension and the package's own
marker inside), and plain UTF-8 text/CSV. Anything else is refused with the reason. Content
that a browser could take for HTML/SVG/XML (a "polyglot") is refused too.

The bytes are stored content-addressed under the document folder (`<sha256[:2]>/<sha256>`),
written atomically (temp file, fsync, `os.replace`) before the row commits: an orphan file after
a rollback is harmless, a row without its file cannot happen. The same content is stored once.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.errors import EngineError, NotFound, ValidationFailed
from engine.people.actors import Actor
from engine.running.queries import CommentInfo, DocumentInfo
from engine.storage.models import Case, CaseComment, CaseDocument
from engine.timing.clock import Clock

MAX_FILENAME = 200
MAX_COMMENT = 5000

OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
BINARY_KINDS = {  # kind: (extensions, content type)
    "pdf": (("pdf",), "application/pdf"),
    "png": (("png",), "image/png"),
    "jpeg": (("jpg", "jpeg"), "image/jpeg"),
}
# Text is accepted under any name but these: a browser or the desktop would render or run them.
_RISKY = "htm html xhtml shtml svg svgz xml xsl xslt js mjs hta bat cmd ps1 vbs vbe wsf wsh lnk"
RISKY_TEXT_EXTENSIONS = frozenset((_RISKY + " url scf exe dll com scr msi jar sh php").split())
# Markup a browser's sniffer or an HTML renderer would act on, in the first bytes.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|!--|\?xml|(?:html|head|body|script|iframe|object|embed|svg|img|a|style|"
    rb"meta|link|title|table|font|br|p|div|form|base)(?=[\s>/]))",
    re.IGNORECASE,
)
_SNIFF_WINDOW = 1024


class DocumentRefused(ValidationFailed):
    """The file was not accepted; `reason` says why (and `errors` = {"file": [reason]}).
    `kind` is a stable word for the reason (for translations): name, empty, too_large, markup,
    type, extension, office."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason, {"file": [reason]})
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class Accepted:
    filename: str
    content_type: str
    kind: str


def clean_filename(raw: str) -> str:
    """The last path part of `raw`, NFC, trimmed, at most 200 characters (extension kept).
    Refuses control and format characters (also bidi overrides) and names that stay empty."""
    if not isinstance(raw, str):
        raise DocumentRefused("the file has no name", "name")
    name = unicodedata.normalize("NFC", raw)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in name):
        raise DocumentRefused("the file name contains control characters", "name")
    name = re.split(r"[/\\]", name)[-1].strip().lstrip(".").strip()
    if not name:
        raise DocumentRefused("the file has no usable name", "name")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_FILENAME - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_FILENAME]
    return name


def _extension(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def _office_kind(data: bytes, ext: str) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if ext in ("docx", "xlsx", "pptx"):
            folder = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}[ext]
            ok = "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
            return ext if ok else None
        info = archive.getinfo("mimetype")
        if info.file_size > 100:
            return None
        wanted = OFFICE_TYPES[ext].encode()
        return ext if archive.read(info).strip() == wanted else None
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, NotImplementedError):
        return None


def sniff(filename: str, data: bytes) -> Accepted:
    """What the file is by its content; DocumentRefused if it is nothing we accept."""
    ext = _extension(filename)
    head = data[:_SNIFF_WINDOW]
    if _MARKUP.search(head):
        raise DocumentRefused(
            "the file contains HTML or other markup a browser would render", "markup"
        )
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif data.startswith(b"PK\x03\x04"):
        if ext not in OFFICE_TYPES:
            raise DocumentRefused(
                "a ZIP file is accepted only as an office document "
                "(.docx, .xlsx, .pptx, .odt, .ods)",
                "extension",
            )
        if _office_kind(data, ext) is None:
            raise DocumentRefused(f"the file is not a valid .{ext} document", "office")
        return Accepted(filename, OFFICE_TYPES[ext], ext)
    else:
        if b"\x00" in data:
            raise DocumentRefused("this kind of file is not accepted (binary content)", "type")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentRefused(
                "this kind of file is not accepted (not PDF, PNG, JPEG, an office document "
                "or UTF-8 text)",
                "type",
            ) from None
        if ext in RISKY_TEXT_EXTENSIONS:
            raise DocumentRefused(f"text files named .{ext} are not accepted", "extension")
        if _MARKUP.search(text.encode("utf-8")[: _SNIFF_WINDOW * 4]):
            raise DocumentRefused(
                "the file contains HTML or other markup a browser would render", "markup"
            )
        kind = "text"
        content_type = "text/csv; charset=utf-8" if ext == "csv" else "text/plain; charset=utf-8"
        return Accepted(filename, content_type, kind)
    extensions, content_type = BINARY_KINDS[kind]
    if ext not in extensions:
        raise DocumentRefused(
            f"the content is {kind.upper()} but the name ends in "
            f"{'.' + ext if ext else 'no extension'}",
            "extension",
        )
    return Accepted(filename, content_type, kind)


def check(filename: str, data: bytes, max_bytes: int) -> Accepted:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise DocumentRefused("the file has no content", "empty")
    name = clean_filename(filename)
    if len(data) == 0:
        raise DocumentRefused("the file is empty", "empty")
    if len(data) > max_bytes:
        raise DocumentRefused(
            f"the file is larger than {max_bytes // (1024 * 1024) or 1} MB", "too_large"
        )
    return sniff(name, bytes(data))


# -- storage ------------------------------------------------------------------------------


def blob_path(root: Path, digest: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError("not a sha256 digest")
    return root / digest[:2] / digest


def store(root: Path, data: bytes) -> str:
    """Write `data` under its sha256 (once); returns the digest. Atomic: temp file + replace."""
    digest = hashlib.sha256(data).hexdigest()
    target = blob_path(root, digest)
    if target.is_file() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return digest


def load(root: Path, digest: str) -> bytes:
    path = blob_path(root, digest)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound("document file missing") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise EngineError("document file damaged: its content no longer matches its hash")
    return data


# -- rows -----------------------------------------------------------------------------------


def _require_case(session: Session, case_id: int) -> None:
    if not isinstance(case_id, int) or session.get(Case, case_id) is None:
        raise NotFound(f"case {case_id} not found")


def add_document(
    session: Session,
    audit: AuditRecorder,
    clock: Clock,
    *,
    case_id: int,
    accepted: Accepted,
    digest: str,
    size: int,
    actor: Actor,
) -> DocumentInfo:
    _require_case(session, case_id)
    row = CaseDocument(
        case_id=case_id,
        filename=accepted.filename,
        content_type=accepted.content_type,
        size_bytes=size,
        sha256=digest,
        uploaded_by=actor.user_id,
        uploaded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        actor.user_id,
        "document_added",
        case_id=case_id,
        on_behalf_of=actor.on_behalf_of,
        changes={
            "document": {
                "before": None,
                "after": {
                    "id": row.id,
                    "filename": row.filename,
                    "size_bytes": size,
                    "sha256": digest,
                    "content_type": row.content_type,
                },
            }
        },
    )
    return DocumentInfo.of(row)


def documents(session: Session, case_id: int) -> list[DocumentInfo]:
    _require_case(session, case_id)
    rows = session.scalars(
        select(CaseDocument).where(CaseDocument.case_id == case_id).order_by(CaseDocument.id)
    )
    return [DocumentInfo.of(row) for row in rows]


def document(session: Session, document_id: int) -> DocumentInfo:
    row = session.get(CaseDocument, document_id) if isinstance(document_id, int) else None
    if row is None:
        raise NotFound(f"document {document_id} not found")
    return DocumentInfo.of(row)


def clean_comment(body: str) -> str:
    if not isinstance(body, str):
        raise ValidationFailed("comment is empty", {"body": ["the comment is empty"]})
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    if not text:
        raise ValidationFailed("comment is empty", {"body": ["the comment is empty"]})
    if len(text) > MAX_COMMENT:
        raise ValidationFailed(
            "comment too long", {"body": [f"the comment is longer than {MAX_COMMENT} characters"]}
        )
    return text


def add_comment(
    session: Session, audit: AuditRecorder, clock: Clock, *, case_id: int, body: str, actor: Actor
) -> CommentInfo:
    _require_case(session, case_id)
    row = CaseComment(case_id=case_id, author=actor.user_id, body=body, created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(
        actor.user_id,
        "comment_added",
        case_id=case_id,
        on_behalf_of=actor.on_behalf_of,
        changes={
            "comment": {
                "before": None,
                "after": {
                    "id": row.id,
                    "length": len(body),
                    "sha256": hashlib.sha256(body.encode()).hexdigest(),
                },
            }
        },
    )
    return CommentInfo.of(row)


def comments(session: Session, case_id: int) -> list[CommentInfo]:
    _require_case(session, case_id)
    rows = session.scalars(
        select(CaseComment).where(CaseComment.case_id == case_id).order_by(CaseComment.id)
    )
    return [CommentInfo.of(row) for row in rows]
