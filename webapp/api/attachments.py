"""/api/v1/cases/{case_id}/documents and /api/v1/documents/{document_id}: a case's documents
(list, upload as multipart/form-data) and one document's content.

As on the case page (webapp/cases.py): whoever may see a case may list, add and download its
documents; a case you may not see answers 404 like one that does not exist. Uploads go through
`Engine.add_document` (checked by content, audited `document_added`); a refused file answers 422
naming the reason under `file`, and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from engine import NotFound
from engine.running.documents import BINARY_KINDS, OFFICE_TYPES
from engine.running.queries import DocumentInfo
from webapp import rights
from webapp.api import authenticate, documents, require_actor
from webapp.downloads import attachment
from webapp.errors import ApiError
from webapp.identity import engine

blp = Blueprint(
    "Documents", __name__, url_prefix="/api/v1", description="Documents on cases (bijlagen)"
)
blp.before_request(authenticate)


@blp.before_request
def _case_first() -> None:
    """A case you may not see answers 404 before the body is looked at."""
    if request.view_args and "case_id" in request.view_args:
        rights.visible_case(engine(), require_actor(), int(request.view_args["case_id"]))


CONTENT_TYPES = sorted(
    {
        *(content_type for _ext, content_type in BINARY_KINDS.values()),
        *OFFICE_TYPES.values(),
        "text/plain",
        "text/csv",
    }
)
"""What a download can be: the server decided it from the content at upload."""


class DocumentSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    filename = fields.String(metadata={"description": "The last part of the uploaded name"})
    content_type = fields.String(metadata={"description": "Decided by the server from the content"})
    size_bytes = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()


class UploadSchema(Schema):
    file = Upload(
        required=True,
        metadata={
            "description": "PDF, PNG, JPEG, docx/xlsx/pptx/odt/ods, or UTF-8 text/CSV; "
            "no HTML-like markup, not empty, within the size limit"
        },
    )


DOCUMENT_EXAMPLE = {
    "id": 7,
    "case_id": 12,
    "filename": "nota.pdf",
    "content_type": "application/pdf",
    "size_bytes": 48213,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "uploaded_by": "indiener",
    "uploaded_at": "2026-12-01T09:30:00+00:00",
}


@blp.route("/cases/<int:case_id>/documents")
class CaseDocuments(MethodView):
    @blp.response(200, DocumentSchema(many=True), example=[DOCUMENT_EXAMPLE])
    @documents(blp, 404)
    def get(self, case_id: int) -> list[DocumentInfo]:
        """The case's documents, oldest first."""
        eng = engine()
        rights.visible_case(eng, require_actor(), case_id)
        return eng.documents(case_id)

    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, DocumentSchema, example=DOCUMENT_EXAMPLE)
    @documents(blp, 404, 413, 422)
    def post(self, body: dict[str, Any], case_id: int) -> DocumentInfo:
        """Add a document (multipart/form-data, field `file`); audited as on the case page."""
        eng = engine()
        actor = require_actor()
        rights.visible_case(eng, actor, case_id)
        upload = body["file"]
        data = upload.stream.read(eng.max_document_bytes + 1)
        return eng.add_document(case_id, upload.filename or "", data, actor)


@blp.route("/documents/<int:document_id>")
class Document(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "The file as an attachment, in the content type the server "
                "decided from its content at upload.",
                "content": {
                    content_type: {
                        "schema": {"type": "string", "format": "binary"},
                        **(
                            {"example": "Samenvatting van het dossier\n"}
                            if content_type == "text/plain"
                            else {}
                        ),
                    }
                    for content_type in CONTENT_TYPES
                },
            }
        }
    )
    @documents(blp, 404)
    def get(self, document_id: int) -> Response:
        """Download a document of a case you may see."""
        eng = engine()
        if not 0 < document_id <= rights.MAX_ID:
            raise NotFound(f"document {document_id} not found")
        try:
            info, data = eng.document(document_id)
        except FileNotFoundError as error:
            raise ApiError(404, "NOT_FOUND") from error
        rights.visible_case(eng, require_actor(), info.case_id)
        return attachment(info, data)
