"""/api/v1/lineage/<kind>/<id>: the chain a record belongs to (processes.records.lineage), as
nodes and edges. The rights are those of the page (webapp/lineage.py): the secretariat, the
chair, members and admins; anyone else, an unknown kind and an unknown id answer 404.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from processes.records import lineage as chain
from webapp.api import authenticate, documents, require_actor
from webapp.errors import ApiError
from webapp.i18n import localized
from webapp.lineage import page_of, visible_lineage

blp = Blueprint(
    "Lineage",
    __name__,
    url_prefix="/api/v1/lineage",
    description="Herkomst: from a topic to its decision, obligations, actions and KPIs, and back",
)
blp.before_request(authenticate)


class KeySchema(Schema):
    kind = fields.String(metadata={"description": ", ".join(chain.KINDS)})
    id = fields.Integer(metadata={"description": "The record's id; a topic's is its case id"})


class NodeSchema(KeySchema):
    kind_label = fields.String(metadata={"description": "The kind in words (Accept-Language)"})
    title = fields.String(metadata={"description": "The record's title or name"})
    status = fields.String(allow_none=True)
    status_label = fields.String(
        allow_none=True, metadata={"description": "The status in words (Accept-Language)"}
    )
    date = fields.Date(
        allow_none=True, metadata={"description": "Submitted, held, decided, due or measured"}
    )
    case_id = fields.Integer(allow_none=True, metadata={"description": "Its case, if any"})
    page = fields.String(allow_none=True, metadata={"description": "Its page in Stuurboord"})
    lineage = fields.String(
        allow_none=True, metadata={"description": "Its own lineage, for the entry kinds"}
    )


class EdgeSchema(Schema):
    source = fields.Nested(KeySchema, metadata={"description": "The earlier step"})
    target = fields.Nested(KeySchema, metadata={"description": "What it led to"})


class LineageSchema(Schema):
    start = fields.Nested(KeySchema)
    nodes = fields.List(fields.Nested(NodeSchema), metadata={"description": "In chain order"})
    edges = fields.List(fields.Nested(EdgeSchema))


def _key(key: chain.Key) -> dict[str, Any]:
    return {"kind": key[0], "id": key[1]}


def _node(node: chain.Node) -> dict[str, Any]:
    lineage_path = f"/api/v1/lineage/{node.kind}/{node.id}" if node.is_entry else None
    return {
        **_key(node.key),
        "kind_label": localized(node.kind_label),
        "title": node.title,
        "status": node.status,
        "status_label": localized(node.status_label),
        "date": node.day,
        "case_id": node.refs.get("case_id"),
        "page": page_of(node),
        "lineage": lineage_path,
    }


@blp.route("/<kind>/<int:record_id>")
class Lineage(MethodView):
    @blp.response(200, LineageSchema)
    @documents(blp, 404)
    def get(self, kind: str, record_id: int) -> dict[str, Any]:
        """The chain of one topic, decision, obligation, project, action or KPI."""
        require_actor()
        try:
            found = visible_lineage(kind, record_id)
        except chain.UnknownKind as error:
            raise ApiError(404, "NOT_FOUND", str(error)) from error
        return {
            "start": _key(found.start),
            "nodes": [_node(n) for n in found.nodes],
            "edges": [{"source": _key(e.source), "target": _key(e.target)} for e in found.edges],
        }
