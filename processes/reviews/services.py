"""Service tasks of the review of a project for the Flemish Government: the review record
through its life (intake, checks, draft, sent back, approved), every change audited, and the
project owner told of the approved advice.

The advice due date is the policy's: the due date of the chair's approval
(``[task."project_review/approve_advice"]`` in ``bpmn/policy/31-reviews.toml``, counted from
``review.government_meeting_on``). It is stored on the review and in the case data
(``review["advice_due_on"]``), which the other tasks' due dates count back from.
"""

from __future__ import annotations

from typing import Any

from engine import Registry, ServiceCall
from processes.followup import recording
from processes.followup.recording import RecordError
from processes.records import dates, notify, titles
from processes.records.steering import ADVICE_VERDICTS, Project, ProjectReview
from processes.reviews.forms import (
    PROCESS,
    ApproveAdviceForm,
    ChecksForm,
    DraftAdviceForm,
    IntakeForm,
    ReviewStartForm,
)

ADVICE_TASK = "approve_advice"
"""The task whose policy due date is the advice due date."""


def review_view(review: ProjectReview, project: Project) -> dict[str, Any]:
    """What the model reads from case data (`review["id"]`; the due rules of the policy count
    from `review["advice_due_on"]` and `review["government_meeting_on"]`)."""
    return {
        "id": review.id,
        "project_id": review.project_id,
        "project_title": project.title,
        "status": review.status,
        "government_meeting_on": review.government_meeting_on.isoformat(),
        "advice_due_on": review.advice_due_on.isoformat(),
    }


def _load(call: ServiceCall, params: dict[str, Any]) -> tuple[ProjectReview, Project]:
    review = recording.load(call.session, ProjectReview, params.get("review_id"), "review")
    if review.case_id != call.case_id:
        raise RecordError(f"review {review.id} belongs to case {review.case_id}")
    project = recording.load(call.session, Project, review.project_id, "project")
    return review, project


def open_review(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Record the review from the start data (status intake), its advice due date from the
    policy."""
    terms = recording.validated(ReviewStartForm, call.data, "review")
    project = recording.load(call.session, Project, terms["project_id"], "project")
    if project.vrd2:
        raise RecordError(f"project {project.id} is a VRD2 project: the committee follows it up")
    meeting_on = terms["government_meeting_on"]
    due = call.policy_due(ADVICE_TASK, {"review": {"government_meeting_on": meeting_on}})
    if due is None:
        raise RecordError(f"the policy sets no due date for {PROCESS}/{ADVICE_TASK}")
    now = call.clock.now()
    review = ProjectReview(
        project_id=project.id,
        case_id=call.case_id,
        government_meeting_on=meeting_on,
        advice_due_on=dates.local_date(due),
        status="intake",
        question=terms["question"],
        created_at=now,
        updated_at=now,
    )
    recording.create(call, review, "project_review_opened", reason=project.title)
    call.set_title(f"Toetsing: {titles.short(project.title)}")
    return review_view(review, project)


def record_intake(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The secretariat took the review up (status checking) or declined it (status declined)."""
    review, project = _load(call, params)
    recording.expect_status(review, ("intake",), "review")
    intake = recording.validated(IntakeForm, call.data, "intake")
    accepted = intake["intake_decision"] == "accept"
    recording.update(
        call,
        review,
        {"status": "checking" if accepted else "declined", "intake_note": intake["intake_note"]},
        "project_review_taken_up" if accepted else "project_review_declined",
        reason=intake["intake_note"],
    )
    if accepted:
        return review_view(review, project)
    told = _tell_owner(call, review, project, "review_declined",
                       {"intake_note": review.intake_note or ""})  # fmt: skip
    return {**review_view(review, project), "owner_notified": told}


def record_checks(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Store the findings on overlap (Afstemming), reuse (Samenwerking) and partners
    (Financiering)."""
    review, project = _load(call, params)
    recording.expect_status(review, ("checking",), "review")
    findings = recording.validated(ChecksForm, call.data, "findings")
    recording.update(call, review, findings, "project_review_checked")
    return review_view(review, project)


def record_draft(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Store the drafted advice (status drafted)."""
    review, project = _load(call, params)
    recording.expect_status(review, ("checking", "drafted"), "review")
    draft = recording.validated(DraftAdviceForm, call.data, "advice")
    recording.update(
        call,
        review,
        {
            **draft,
            "status": "drafted",
            "drafted_by": call.actor,
            "drafted_at": call.clock.now(),
        },
        "project_review_advice_drafted",
        reason=ADVICE_VERDICTS[draft["verdict"]]["nl"],
    )
    return review_view(review, project)


def send_back(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The chair sent the advice back with a remark; the secretariat reworks it."""
    review, project = _load(call, params)
    recording.expect_status(review, ("drafted",), "review")
    decision = recording.validated(ApproveAdviceForm, call.data, "approval")
    if decision["advice_decision"] != "send_back":
        raise RecordError(f"review {review.id}: the chair did not send the advice back")
    recording.update(
        call,
        review,
        {"status": "checking", "chair_remark": decision["advice_remark"]},
        "project_review_advice_sent_back",
        reason=decision["advice_remark"],
    )
    return review_view(review, project)


def approve(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The chair approved the advice: a formal record (status approved), and the project owner
    hears of it."""
    review, project = _load(call, params)
    recording.expect_status(review, ("drafted",), "review")
    decision = recording.validated(ApproveAdviceForm, call.data, "approval")
    if decision["advice_decision"] != "approve":
        raise RecordError(f"review {review.id}: the chair did not approve the advice")
    recording.update(
        call,
        review,
        {"status": "approved", "approved_by": call.actor, "approved_at": call.clock.now()},
        "project_review_advice_approved",
        reason=decision["advice_remark"],
    )
    verdict = ADVICE_VERDICTS.get(review.verdict or "", {"nl": "", "en": ""})
    told = _tell_owner(call, review, project, "review_advice", {
        "verdict": {language: text.lower() for language, text in verdict.items()},
        "advice_text": review.advice_text or "",
    })  # fmt: skip
    return {**review_view(review, project), "owner_notified": told}


def _tell_owner(
    call: ServiceCall, review: ProjectReview, project: Project, template: str,
    params: dict[str, Any],
) -> list[str]:  # fmt: skip
    """Notify the project's owner (if it names one) about its review: `template`, with the
    project's title and the government's meeting day besides `params`."""
    if not project.owner_user_id:
        return []
    return notify.notify(
        call,
        [project.owner_user_id],
        event=f"{template.replace('_', '-')}:{review.id}",
        template=template,
        params={
            "project_title": project.title,
            "government_meeting": notify.day_names(review.government_meeting_on),
            **params,
        },
    )


HANDLERS = {
    "reviews/open_review": open_review,
    "reviews/record_intake": record_intake,
    "reviews/record_checks": record_checks,
    "reviews/record_draft": record_draft,
    "reviews/send_back": send_back,
    "reviews/approve": approve,
}


def register(registry: Registry) -> None:
    """Add the handlers above under their operator names."""
    for name, handler in HANDLERS.items():
        registry.service(name)(handler)
