"""/api/v1/cases/{case_id}/comments: a case's comments (list, add).

As on the case page (webapp/cases.py): whoever may see a case may read and add comments; a case
you may not see answers 404. `Engine.add_comment` keeps the remark (1 to 5,000 characters) and
writes `comment_added` to the audit trail in the same transaction.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.running.documents import MAX_COMMENT
from engine.running.queries import CommentInfo
from webapp import rights
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.identity import engine

blp = Blueprint(
    "Comments", __name__, url_prefix="/api/v1/cases", description="Comments on cases (opmerkingen)"
)
blp.before_request(authenticate)


@blp.before_request
def _case_first() -> None:
    """A case you may not see answers 404 before the body is looked at."""
    if request.view_args and "case_id" in request.view_args:
        rights.visible_case(engine(), require_actor(), int(request.view_args["case_id"]))


class CommentSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    author = fields.String()
    body = fields.String()
    created_at = fields.DateTime()


class NewCommentSchema(StrictSchema):
    body = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_COMMENT),
        metadata={"description": f"The remark, 1 to {MAX_COMMENT} characters"},
    )


COMMENT_EXAMPLE = {
    "id": 3,
    "case_id": 12,
    "author": "secretariaat",
    "body": "De impactanalyse volgt volgende week.",
    "created_at": "2026-12-01T10:15:00+00:00",
}


@blp.route("/<int:case_id>/comments")
class CaseComments(MethodView):
    @blp.response(200, CommentSchema(many=True), example=[COMMENT_EXAMPLE])
    @documents(blp, 404)
    def get(self, case_id: int) -> list[CommentInfo]:
        """The case's comments, oldest first."""
        eng = engine()
        rights.visible_case(eng, require_actor(), case_id)
        return eng.comments(case_id)

    @blp.arguments(NewCommentSchema, example={"body": COMMENT_EXAMPLE["body"]})
    @blp.response(201, CommentSchema, example=COMMENT_EXAMPLE)
    @documents(blp, 404, 413, 422)
    def post(self, body: dict[str, Any], case_id: int) -> CommentInfo:
        """Add a comment; audited as on the case page."""
        eng = engine()
        actor = require_actor()
        rights.visible_case(eng, actor, case_id)
        return eng.add_comment(case_id, body["body"], actor)
