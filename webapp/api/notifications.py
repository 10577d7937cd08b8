"""/api/v1/notifications: in-app notifications, the unread count, mark read."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import (
    MarkedSchema,
    MarkReadSchema,
    NotificationListArgs,
    NotificationSchema,
    UnreadCountSchema,
)
from webapp.identity import engine

blp = Blueprint(
    "Notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="In-app notifications",
)
blp.before_request(authenticate)


@blp.route("")
class Notifications(MethodView):
    @blp.arguments(NotificationListArgs, location="query")
    @blp.response(200, NotificationSchema(many=True))
    @documents(blp, 422)
    def get(self, args: dict[str, Any]) -> list[Any]:
        """Your notifications, newest first, in your language."""
        return engine().notifications(require_actor().user_id, **args)


@blp.route("/unread-count")
class UnreadCount(MethodView):
    @blp.response(200, UnreadCountSchema)
    @documents(blp)
    def get(self) -> dict[str, int]:
        """How many notifications you have not read."""
        return {"unread": engine().unread_count(require_actor().user_id)}


@blp.route("/read")
class MarkRead(MethodView):
    @blp.arguments(MarkReadSchema)
    @blp.response(200, MarkedSchema)
    @documents(blp, 413, 422)
    def post(self, body: dict[str, Any]) -> dict[str, int]:
        """Mark notifications read: the given ids, or all."""
        return {"marked": engine().mark_read(require_actor().user_id, body.get("ids"))}
