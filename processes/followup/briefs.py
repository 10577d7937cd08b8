"""Briefs of an entity's obligation (comply-or-explain): the decision text, its deadline, that
it binds, which entity answers; the explanation in readable form for the assessment; how late
an overdue answer is."""

from __future__ import annotations

from sqlalchemy import select

from processes.records.brief import (
    Brief,
    BriefContext,
    Builder,
    Section,
    both,
    choice,
    day,
    fact,
    meeting_label,
    section,
    text,
)
from processes.records.followup import STATUS_LABELS, Obligation
from processes.records.models import Decision
from processes.records.reference import FOCUS_DOMAINS

RESPONSES = {
    "comply": {"nl": "Pas toe", "en": "Comply"},
    "explain": {"nl": "Leg uit", "en": "Explain"},
}


def _obligation(ctx: BriefContext) -> Obligation | None:
    by_case = select(Obligation).where(Obligation.entity_case_id == ctx.case_id)
    row = ctx.session.execute(by_case).scalars().first()
    if row is None and ctx.data.get("obligation_id"):
        row = ctx.session.get(Obligation, int(ctx.data["obligation_id"]))
    return row


def decision_section(ctx: BriefContext) -> Section:
    row = _obligation(ctx)
    data = ctx.data
    decision_id = row.decision_id if row else data.get("decision_id")
    decision = ctx.session.get(Decision, int(decision_id)) if decision_id else None
    meeting = ctx.meeting(decision.meeting_id) if decision else None
    deadline = row.deadline if row else data.get("deadline")
    return section(
        ("Het besluit", "The decision"),
        [
            fact(
                ("Tekst van het besluit", "Text of the decision"),
                text(row.decision_text if row else data.get("decision_text")),
                long=True,
            ),
            fact(
                ("Bindend", "Binding"),
                both("ja: pas het toe, of leg uit waarom niet", "yes: comply, or explain why not"),
            ),
            fact(("Uiterste datum", "Deadline"), day(deadline)),
            fact(
                ("Voor", "For"),
                text(ctx.organisation(row.organisation_id if row else data.get("entity_id"))),
            ),
            fact(
                ("Focusdomein", "Focus domain"),
                choice(row.focus_domain if row else data.get("focus_domain"), FOCUS_DOMAINS),
            ),
            fact(("Genomen op", "Taken at"), meeting_label(meeting)) if meeting else None,
            fact(("Stand", "Status"), choice(row.status, STATUS_LABELS)) if row else None,
        ],
    )


def explanation_section(ctx: BriefContext) -> Section:
    """The entity's answer, field by field, as people read it."""
    row = _obligation(ctx)
    if row is None or row.answered_at is None:
        return section(
            ("Het antwoord van de instantie", "The entity's answer"),
            [],
            empty=("Nog geen antwoord.", "No answer yet."),
        )
    explained = bool(row.reason)
    return section(
        ("Het antwoord van de instantie", "The entity's answer"),
        [
            fact(("Antwoord", "Answer"), choice("explain" if explained else "comply", RESPONSES)),
            fact(("Gegeven door", "Given by"), text(ctx.person(row.answered_by)))
            if row.answered_by
            else None,
            fact(("Op", "On"), day(row.answered_at)) if row.answered_at else None,
            fact(("Waarom (nog) niet", "Why not (yet)"), text(row.reason), long=True)
            if explained
            else None,
            fact(("Risico's", "Risks"), text(row.risks), long=True) if explained else None,
            fact(("Wat in de plaats", "What instead"), text(row.mitigation), long=True)
            if explained
            else None,
            fact(("Toegepast tegen", "Applied by"), day(row.planned_on))
            if explained and row.planned_on
            else None,
            fact(("Wat werd gedaan", "What was done"), text(row.what_done), long=True)
            if not explained
            else None,
            fact(("Toegepast op", "Done on"), day(row.done_on))
            if not explained and row.done_on
            else None,
        ],
    )


def _overdue_section(ctx: BriefContext) -> Section:
    row = _obligation(ctx)
    if row is None:
        return section(("Termijn", "Deadline"), [])
    late = (ctx.today - row.deadline).days
    return section(
        ("Termijn", "Deadline"),
        [
            fact(("Uiterste datum", "Deadline"), day(row.deadline)),
            fact(
                ("Te laat", "Late by"),
                both(
                    f"{late} dag" if late == 1 else f"{late} dagen",
                    f"{late} day" if late == 1 else f"{late} days",
                ),
            )
            if late > 0
            else None,
        ],
    )


def _answer(ctx: BriefContext) -> Brief:
    return Brief((decision_section(ctx),))


def _assess(ctx: BriefContext) -> Brief:
    return Brief((explanation_section(ctx), decision_section(ctx)))


def _overdue(ctx: BriefContext) -> Brief:
    return Brief((_overdue_section(ctx), decision_section(ctx)))


BRIEFS: dict[str, Builder] = {
    "answer_obligation": _answer,
    "assess_explanation": _assess,
    "handle_overdue": _overdue,
}
