"""Briefs of an entity's obligation (comply-or-explain): the decision text, its deadline, that
it binds, which entity answers; the explanation in readable form for the assessment; how late
an overdue answer is."""

from __future__ import annotations

from sqlalchemy import select

from processes.records import related
from processes.records.brief import (
    Brief,
    BriefContext,
    Builder,
    Fact,
    Link,
    Section,
    both,
    choice,
    day,
    fact,
    meeting_label,
    section,
    started_from,
    text,
)
from processes.records.followup import SETTLED_STATUSES, STATUS_LABELS, Obligation
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


# -- the case views ----------------------------------------------------------------------------


def followup_case_view(ctx: BriefContext) -> Brief:
    """comply_or_explain: how far the entities are, each linked to its own case."""
    children = related.obligation_cases(ctx.session, ctx.case_id)
    by_case = {
        row.entity_case_id: row
        for row in ctx.session.execute(
            select(Obligation).where(Obligation.case_id == ctx.case_id)
        ).scalars()
    }
    settled = sum(1 for row in by_case.values() if row.status in SETTLED_STATUSES)
    deadline = day(ctx.data.get("deadline"))
    lines = [
        fact(("Stand", "Status"),
             both(f"{settled} van {len(by_case)} instanties in orde; uiterste datum "
                  f"{deadline['nl']}.",
                  f"{settled} of {len(by_case)} entities settled; deadline {deadline['en']}."))
    ] if by_case else []  # fmt: skip
    links = [ctx.case_link(("Komt van", "Comes from"), ctx.data.get("source_case_id"))]
    for case_id, org in children:
        row = by_case.get(case_id)
        status = choice(row.status, STATUS_LABELS) if row else text(None)
        links.append(
            Fact({"nl": ctx.organisation(org), "en": ctx.organisation(org)},
                 {lang: f"{status[lang]}" for lang in ("nl", "en")},
                 link=Link("case", case_id))
        )  # fmt: skip
    return Brief(
        (
            section(("Uitkomst", "Outcome"), lines),
            section(("Verwante dossiers", "Related cases"), links),
        )
    )


def obligation_case_view(ctx: BriefContext) -> Brief:
    row = _obligation(ctx)
    lines = []
    if row is not None:
        status = choice(row.status, STATUS_LABELS)
        deadline = day(row.deadline)
        lines.append(fact(("Stand", "Status"),
                          both(f"{status['nl']}; uiterste datum {deadline['nl']}.",
                               f"{status['en']}; deadline {deadline['en']}.")))  # fmt: skip
        if row.assessment_note:
            lines.append(fact(("Beoordeling", "Assessment"), text(row.assessment_note), long=True))
    links = [ctx.case_link(("Pas toe of leg uit", "Comply or explain"),
                           row.case_id if row else ctx.data.get("parent_case_id"))]  # fmt: skip
    links += [ctx.case_link(("Op de agenda", "On the agenda"), t.id)
              for t in started_from(ctx, "topic")]  # fmt: skip
    return Brief(
        (
            section(("Uitkomst", "Outcome"), lines),
            section(("Verwante dossiers", "Related cases"), links),
        )
    )
