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


class TaskDetailSchema(TaskSchema):
    form = fields.List(fields.Nested(FormFieldSchema), metadata={"description": "inputs"})
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
