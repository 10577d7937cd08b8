"""/api/v1/deployments: the deployed process versions, and deploy .bpmn/.dmn files (admins).

The same call as *Beheer → Processen* (webapp/admin.py): `Engine.deploy_files`, all or nothing,
audited. A file the engine refuses (malformed XML, a DOCTYPE, an XSD error, a script that does
not compile, a task without a role...) answers 422 DEPLOY_FAILED with the engine's precise
message (file, line, element) in `detail` and under `errors.files`; nothing is stored.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from engine import DeployError, Forbidden
from webapp.admin import MODEL_SUFFIXES
from webapp.api import authenticate, documents, require_actor
from webapp.errors import ApiError
from webapp.identity import engine

blp = Blueprint(
    "Deployments",
    __name__,
    url_prefix="/api/v1/deployments",
    description="Admins: process versions and deploys",
)
blp.before_request(authenticate)


@blp.before_request
def _admin_first() -> None:
    _admin()


class VersionSchema(Schema):
    process_id = fields.String()
    version = fields.Integer()
    name = fields.String(allow_none=True)
    content_hash = fields.String()
    source_file = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String()


class DeployedSchema(Schema):
    process_id = fields.String()
    version = fields.Integer()
    content_hash = fields.String()
    created = fields.Boolean(metadata={"description": "false: unchanged, no new version"})


class DeployFilesSchema(Schema):
    files = fields.List(
        Upload(),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "One or more .bpmn and .dmn files, deployed all or nothing"},
    )


HASH = "5d41402abc4b2a76b9719d911017c592d1c1f1ae8b5f36d4a1c5d8e1b2f3a4c5"
VERSION_EXAMPLE = {
    "process_id": "topic",
    "version": 2,
    "name": "Onderwerp",
    "content_hash": HASH,
    "source_file": "topic.bpmn",
    "deployed_at": "2026-12-01T08:00:00+00:00",
    "deployed_by": "beheerder",
}


def _admin() -> Any:
    actor = require_actor()
    if not actor.is_admin:
        raise Forbidden("only an admin may deploy")
    return actor


@blp.route("")
class Deployments(MethodView):
    @blp.response(200, VersionSchema(many=True), example=[VERSION_EXAMPLE])
    @documents(blp, 403)
    def get(self) -> list[dict[str, Any]]:
        """Every deployed process version (admins)."""
        _admin()
        return [asdict(v) for v in engine().versions()]

    @blp.arguments(DeployFilesSchema, location="files")
    @blp.response(
        201,
        DeployedSchema(many=True),
        example=[{"process_id": "topic", "version": 3, "content_hash": HASH, "created": True}],
    )
    @documents(blp, 403, 413, 422)
    def post(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """Deploy .bpmn/.dmn files (multipart/form-data, field `files`, repeatable; admins).
        Each process whose content changed becomes a new version; the rest is unchanged."""
        actor = _admin()
        files: list[tuple[str, bytes]] = []
        problems: list[str] = []
        for upload in body["files"]:
            name = (upload.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
            if not name.lower().endswith(MODEL_SUFFIXES):
                problems.append(f"{name or '?'}: only .bpmn and .dmn files.")
                continue
            files.append((name, upload.read()))
        if problems or not files:
            problems = problems or ["Send one or more .bpmn or .dmn files."]
            raise ApiError(422, "VALIDATION_FAILED", problems[0], errors={"files": problems})
        try:
            result = engine().deploy_files(files, actor=actor.user_id)
        except DeployError as error:
            raise ApiError(
                422,
                "DEPLOY_FAILED",
                error.message,
                errors={"files": [problem.message for problem in error.problems]},
            ) from error
        return [asdict(item) for item in result]
