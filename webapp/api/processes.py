"""/api/v1/processes: the processes you may start, each with its start form as JSON Schema."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from engine import Actor, Engine, UnknownProcess
from webapp import formschema
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import PROCESS_EXAMPLE, ProcessSchema
from webapp.i18n import localized
from webapp.identity import engine

blp = Blueprint(
    "Processes", __name__, url_prefix="/api/v1/processes", description="Processes to start"
)
blp.before_request(authenticate)


def startable(eng: Engine, actor: Actor) -> list[dict[str, Any]]:
    """The latest version of every deployed process with a start form you may use: the same
    right as the web app's *Nieuw dossier* page (the role of the start event's lane, if any)."""
    latest: dict[str, Any] = {}
    for version in eng.versions():
        if version.process_id not in latest or version.version > latest[version.process_id].version:
            latest[version.process_id] = version
    found = []
    for process_id, version in sorted(latest.items()):
        try:
            element = eng.start_event_id(process_id)
            role = eng.start_role(process_id)
        except UnknownProcess:
            continue
        if element is None or (role is not None and not actor.holds(role)):
            continue
        schema = eng.registry.form_for(process_id, element)
        found.append(
            {
                "id": process_id,
                "name": localized(eng.registry.name_of(version.name)) or process_id,
                "version": version.version,
                "start_event": element,
                "role": role,
                "form_schema": formschema.for_form(schema),
            }
        )
    return found


@blp.route("")
class Processes(MethodView):
    @blp.response(200, ProcessSchema(many=True), example=[PROCESS_EXAMPLE])
    @documents(blp)
    def get(self) -> list[dict[str, Any]]:
        """Processes you may start, in the language of Accept-Language. Start one with
        `POST /api/v1/cases` (`process_id` and, as `data`, an object valid by `form_schema`:
        JSON Schema 2020-12, its choices as `oneOf` of `const` with a `title`)."""
        return startable(engine(), require_actor())
