"""/api/v1/tasks: my tasks, one task (with its form), claim, unclaim, complete."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from engine.running.queries import CaseInfo, TaskInfo
from webapp import briefing, forms, formschema, rights
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import (
    TASK_EXAMPLE,
    CaseSchema,
    CompleteTaskSchema,
    TaskDetailSchema,
    TaskListArgs,
    TaskSchema,
)
from webapp.identity import engine

blp = Blueprint("Tasks", __name__, url_prefix="/api/v1/tasks", description="Tasks")
blp.before_request(authenticate)

TASK_ID = "<string(maxlength=36):task_id>"


@blp.route("")
class Tasks(MethodView):
    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, TaskSchema(many=True))
    @documents(blp, 422)
    def get(self, args: dict[str, Any]) -> list[TaskInfo]:
        """Ready tasks you may do (also those of people you are deputy for)."""
        return [task for task, _ in rights.my_tasks(engine(), require_actor(), args.get("role"))]


@blp.route(f"/{TASK_ID}")
class Task(MethodView):
    @blp.response(200, TaskDetailSchema, example=TASK_EXAMPLE)
    @documents(blp, 404)
    def get(self, task_id: str) -> dict[str, Any]:
        """One task, with its form as JSON Schema (`form_schema`; complete the task with an
        object valid by it), the inputs as the web form shows them (`form`) and its brief: what
        the person needs to decide it (sections of labelled facts). All in the language of
        Accept-Language."""
        eng = engine()
        task = rights.visible_task(eng, require_actor(), task_id)
        schema = eng.registry.form_for(task.process_id, task.element_id)
        form = [
            {
                "name": f.name,
                "kind": f.kind,
                "label": f.label,
                "help": f.help,
                "required": f.required,
                "choices": [list(c) for c in f.choices],
            }
            for f in forms.fields_for(schema)
        ]
        brief = briefing.described(eng, task) if task.state == "ready" else None
        return {
            **asdict(task),
            "form": form,
            "form_schema": formschema.for_form(schema),
            "brief": brief,
        }


@blp.route(f"/{TASK_ID}/claim")
class Claim(MethodView):
    @blp.response(200, TaskSchema)
    @documents(blp, 403, 404, 409)
    def post(self, task_id: str) -> TaskInfo:
        """Take the task, so that colleagues with the same role see it is yours."""
        eng = engine()
        actor = require_actor()
        task = rights.visible_task(eng, actor, task_id)
        return eng.claim(task.id, rights.actor_for_task(eng, actor, task))


@blp.route(f"/{TASK_ID}/unclaim")
class Unclaim(MethodView):
    @blp.response(200, TaskSchema)
    @documents(blp, 403, 404, 409)
    def post(self, task_id: str) -> TaskInfo:
        """Give the task back to everyone with its role."""
        eng = engine()
        actor = require_actor()
        task = rights.visible_task(eng, actor, task_id)
        return eng.unclaim(task.id, rights.actor_for_task(eng, actor, task))


@blp.route(f"/{TASK_ID}/complete")
class Complete(MethodView):
    @blp.arguments(CompleteTaskSchema)
    @blp.response(200, CaseSchema)
    @documents(blp, 403, 404, 409, 413, 422)
    def post(self, body: dict[str, Any], task_id: str) -> CaseInfo:
        """Complete the task with its form data; answers the case as it is afterwards."""
        eng = engine()
        actor = require_actor()
        task = rights.visible_task(eng, actor, task_id)
        return eng.complete_task(task.id, body["data"], rights.actor_for_task(eng, actor, task))
