"""Request and response bodies of the REST API (marshmallow; documented in OpenAPI)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class ProblemSchema(Schema):
    type = fields.String(metadata={"description": "URN naming the problem kind"})
    title = fields.String(metadata={"description": "What went wrong, for people"})
    status = fields.Integer()
    code = fields.String(
        metadata={
            "description": "Stable machine code: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, "
            "TASK_CONFLICT, TASK_NOT_ACTIVE, CASE_STATE, VALIDATION_FAILED, "
            "PAYLOAD_TOO_LARGE, RATE_LIMITED, ..."
        }
    )
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "VALIDATION_FAILED only: every bad field with its messages"},
    )


class CaseSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    version = fields.Integer()
    status = fields.String(metadata={"description": "running, incident, completed, terminated"})
    suspended = fields.Boolean()
    title = fields.String(allow_none=True)
    started_by = fields.String()
    started_at = fields.DateTime()
    updated_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    data = fields.Dict(keys=fields.String())


class FormFieldSchema(Schema):
    name = fields.String()
    kind = fields.String(metadata={"description": "text, textarea, integer, decimal, date, ..."})
    label = fields.String()
    help = fields.String(allow_none=True)
    required = fields.Boolean()
    choices = fields.List(fields.List(fields.String()), metadata={"description": "[code, label]"})


class TaskSchema(Schema):
    id = fields.String()
    case_id = fields.Integer()
    process_id = fields.String()
    element_id = fields.String()
    name = fields.String(allow_none=True)
    role = fields.String()
    scope = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "ready, completed, cancelled"})
    claimed_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class BriefFactSchema(Schema):
    label = fields.String()
    value = fields.String(metadata={"description": "for people: names, dates, labels"})
    verdict = fields.Boolean(
        allow_none=True, metadata={"description": "a condition: met (true) or not (false)"}
    )
    link = fields.Dict(
        allow_none=True, metadata={"description": '{"kind": "case" or "meeting", "id": ...}'}
    )


class BriefSectionSchema(Schema):
    label = fields.String()
    empty = fields.String(allow_none=True, metadata={"description": "said when no facts"})
    facts = fields.List(fields.Nested(BriefFactSchema))


class BriefSchema(Schema):
    sections = fields.List(fields.Nested(BriefSectionSchema))


FORM_SCHEMA_DESCRIPTION = (
    "The form as JSON Schema (draft 2020-12), in the language of Accept-Language: every "
    "property with `title` and `description`, `required`, `additionalProperties: false`; "
    "choices (the web form's pickers too) as `oneOf` of `{const, title}`; dates as "
    "`format: date` with `formatMinimum`/`formatMaximum`; a field required (or to be left "
    "empty) with a choice as an `if`/`then` clause in `allOf`. The data to send is an "
    "object valid by it."
)


class TaskDetailSchema(TaskSchema):
    form = fields.List(
        fields.Nested(FormFieldSchema),
        metadata={"description": "inputs as the web form shows them (see form_schema)"},
    )
    form_schema = fields.Dict(metadata={"description": FORM_SCHEMA_DESCRIPTION})
    brief = fields.Nested(
        BriefSchema,
        allow_none=True,
        metadata={"description": "what the person needs to decide the task, in their language"},
    )


class CaseDetailSchema(CaseSchema):
    tasks = fields.List(fields.Nested(TaskSchema))


class AuditEntrySchema(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    on_behalf_of = fields.String(allow_none=True)
    action = fields.String()
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    changes = fields.Dict(allow_none=True)
    reason = fields.String(allow_none=True)


class NotificationSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    template = fields.String()
    title = fields.String()
    body = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class UnreadCountSchema(Schema):
    unread = fields.Integer()


class MarkedSchema(Schema):
    marked = fields.Integer()


class StartCaseSchema(StrictSchema):
    process_id = fields.String(required=True, validate=validate.Length(min=1, max=255))
    title = fields.String(validate=validate.Length(max=500))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class CompleteTaskSchema(StrictSchema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


class MarkReadSchema(StrictSchema):
    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1)),
        validate=validate.Length(max=500),
        allow_none=True,
        load_default=None,
        metadata={"description": "Notifications to mark; leave out to mark all"},
    )


class CaseListArgs(StrictSchema):
    status = fields.String(
        validate=validate.OneOf(["running", "incident", "completed", "terminated"])
    )
    process_id = fields.String(validate=validate.Length(max=255))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class TaskListArgs(StrictSchema):
    role = fields.String(validate=validate.Length(max=100))


class NotificationListArgs(StrictSchema):
    unread_only = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ProcessSchema(Schema):
    id = fields.String(metadata={"description": "the process_id to start it with"})
    name = fields.String(metadata={"description": "in the language of Accept-Language"})
    version = fields.Integer(metadata={"description": "the latest version, which a start uses"})
    start_event = fields.String()
    role = fields.String(
        allow_none=True, metadata={"description": "the role starting it needs; null: anyone"}
    )
    form_schema = fields.Dict(metadata={"description": FORM_SCHEMA_DESCRIPTION})


_NOTE = {
    "title": "Note on the screening",
    "description": "Optional: context for the submitter or the chair.",
    "type": "string",
    "maxLength": 2000,
    "default": "",
}
PROCESS_EXAMPLE = {
    "id": "college_question",
    "name": "Question from the college of chairs",
    "version": 1,
    "start_event": "ask",
    "role": "college_liaison",
    "form_schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "title": {"title": "Title", "type": "string", "minLength": 1, "maxLength": 200},
            "question": {"title": "Question", "type": "string", "maxLength": 4000},
            "focus_domains": {
                "title": "Focus domains",
                "type": "array",
                "items": {"oneOf": [{"const": "data", "title": "Data"}]},
                "uniqueItems": True,
                "maxItems": 14,
                "default": [],
            },
        },
        "required": ["title", "question"],
        "additionalProperties": False,
    },
}
TASK_EXAMPLE = {
    "id": "7d0c5a8e-3f1b-4c2a-9a53-2a8f0e1c9b44",
    "case_id": 12,
    "process_id": "topic",
    "element_id": "confirm_screening",
    "name": "Screening bevestigen",
    "role": "secretariat",
    "scope": None,
    "assignee": None,
    "state": "ready",
    "claimed_by": None,
    "created_at": "2026-03-02T09:00:00+00:00",
    "completed_at": None,
    "completed_by": None,
    "due_at": "2026-03-09T17:00:00+00:00",
    "form": [
        {
            "name": "screening_note",
            "kind": "textarea",
            "label": "Note on the screening",
            "help": "Optional: context for the submitter or the chair.",
            "required": False,
            "choices": [],
        }
    ],
    "form_schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"screening_note": _NOTE},
        "additionalProperties": False,
    },
    "brief": {
        "sections": [
            {
                "label": "Admission conditions",
                "empty": None,
                "facts": [
                    {
                        "label": "Serves a priority of the strategic plan",
                        "value": "Yes",
                        "verdict": True,
                        "link": None,
                    }
                ],
            }
        ]
    },
}
