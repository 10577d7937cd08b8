"""Briefs of the escalation to the Flemish Government: the dossier as it stands (and the topic
it comes from), the chair's comment when it came back, the answer, the decisions to link."""

from __future__ import annotations

from sqlalchemy import select

from processes.records import queries, related, titles
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
    joined,
    meeting_label,
    section,
    started_from,
    text,
    yes_no,
)
from processes.records.followup import ANSWER_LABELS, STATUS_LABELS, EscalationDossier


def _dossier(ctx: BriefContext) -> EscalationDossier | None:
    return (
        ctx.session.execute(
            select(EscalationDossier)
            .where(EscalationDossier.case_id == ctx.case_id)
            .order_by(EscalationDossier.id.desc())
        )
        .scalars()
        .first()
    )


def dossier_section(ctx: BriefContext) -> Section:
    row = _dossier(ctx)
    data = ctx.data
    if row is None:
        return section(
            ("Het escalatiedossier", "The escalation dossier"),
            [ctx.case_link(("Onderwerp", "Topic"), data.get("topic_case_id"))],
            empty=("Nog geen dossier.", "No dossier yet."),
        )
    return section(
        ("Het escalatiedossier", "The escalation dossier"),
        [
            ctx.case_link(("Onderwerp", "Topic"), row.topic_case_id),
            fact(("Titel", "Title"), text(row.title)),
            fact(("Samenvatting", "Summary"), text(row.summary), long=True),
            fact(("Gevraagde beslissing", "Decision needed"), text(row.decision_needed), long=True),
            fact(("Achtergrond", "Background"), text(row.background), long=True)
            if row.background
            else None,
            fact(("Status", "Status"), choice(row.status, STATUS_LABELS)),
            fact(("Goedgekeurd door", "Approved by"), text(ctx.person(row.approved_by)))
            if row.approved_by
            else None,
            fact(("Verstuurd op", "Sent on"), day(row.sent_at)) if row.sent_at else None,
        ],
    )


def _comment_section(ctx: BriefContext) -> Section:
    comment = ctx.data.get("dossier_comment")
    sent_back = ctx.data.get("dossier_decision") == "send_back" and comment
    return section(
        ("Opmerking van de voorzitter", "The chair's comment"),
        [fact(("Opmerking", "Comment"), text(comment), long=True)] if sent_back else [],
        empty=(
            "De voorzitter heeft het dossier nog niet teruggestuurd.",
            "The chair has not sent the dossier back.",
        ),
    )


def _answer_section(ctx: BriefContext) -> Section:
    row = _dossier(ctx)
    data = ctx.data
    answer = (row.answer if row else None) or data.get("answer")
    return section(
        ("Het antwoord van de Vlaamse Regering", "The Flemish Government's answer"),
        [
            fact(("Antwoord", "Answer"), choice(answer, ANSWER_LABELS)),
            fact(
                ("Tekst", "Text"),
                text((row.answer_text if row else None) or data.get("answer_text")),
                long=True,
            ),
            fact(
                ("Datum", "Date"),
                day((row.answered_on if row else None) or data.get("answered_on")),
            ),
            fact(
                ("Uiterste datum voor de instanties", "Deadline for the entities"),
                day(data.get("deadline")),
            )
            if data.get("deadline")
            else None,
            fact(
                ("Gebonden instanties", "Bound entities"),
                joined(ctx.organisation_names(data.get("entities") or [])),
            )
            if data.get("entities")
            else None,
        ]
        if answer
        else [],
        empty=("Nog geen antwoord.", "No answer yet."),
    )


def _decisions_section(ctx: BriefContext) -> Section:
    """The committee's decisions on the topic the dossier comes from: the ones to link to."""
    row = _dossier(ctx)
    topic = row.topic_case_id if row else ctx.data.get("topic_case_id")
    decisions = queries.decision_list(ctx.session, topic_case_id=int(topic)) if topic else []
    titled = {
        n.decision_id: n.title
        for n in titles.decision_names(ctx.session, [d.decision_id for d in decisions])
    }
    facts: list[Fact | None] = []
    for decision in decisions:
        meeting = ctx.meeting(decision.meeting_id)
        name = meeting_label(meeting)
        title = titled.get(decision.decision_id) or titles.short(decision.text, 60)
        facts.append(
            Fact(
                {"nl": f"{title} ({name['nl']})", "en": f"{title} ({name['en']})"},
                {
                    "nl": f"{decision.text} (bindend: {yes_no(decision.binding)['nl']})",
                    "en": f"{decision.text} (binding: {yes_no(decision.binding)['en']})",
                },
                link=Link("meeting", decision.meeting_id),
            )
        )
    return section(
        ("Besluiten van het Stuurorgaan over dit onderwerp", "The committee's decisions on it"),
        facts,
        empty=(
            "Het Stuurorgaan nam over dit onderwerp nog geen besluit.",
            "The committee took no decision on this topic yet.",
        ),
    )


def _prepare(ctx: BriefContext) -> Brief:
    return Brief((_comment_section(ctx), dossier_section(ctx)))


def _dossier_only(ctx: BriefContext) -> Brief:
    return Brief((dossier_section(ctx),))


def _answer(ctx: BriefContext) -> Brief:
    return Brief((dossier_section(ctx), _decisions_section(ctx)))


def _link(ctx: BriefContext) -> Brief:
    return Brief((_answer_section(ctx), _decisions_section(ctx), dossier_section(ctx)))


BRIEFS: dict[str, Builder] = {
    "prepare_dossier": _prepare,
    "approve_dossier": _dossier_only,
    "record_answer": _answer,
    "link_decision": _link,
}


# -- the case view ----------------------------------------------------------------------------


def case_view(ctx: BriefContext) -> Brief:
    row = _dossier(ctx)
    lines: list[Fact | None] = []
    links: list[Fact | None] = []
    if row is not None:
        links.append(ctx.case_link(("Onderwerp", "Topic"), row.topic_case_id))
        if row.status == "draft":
            lines.append(
                fact(
                    ("Stand", "Status"),
                    both("Het dossier wordt voorbereid.", "The dossier is being prepared."),
                )
            )
        elif row.status in ("approved", "sent"):
            sent = day(row.sent_at)
            lines.append(fact(("Stand", "Status"),
                              both(f"Verstuurd naar de Vlaamse Regering op {sent['nl']}; wacht op "
                                   "haar antwoord.",
                                   f"Sent to the Flemish Government on {sent['en']}; waiting for "
                                   "its answer.")))  # fmt: skip
        elif row.status == "answered":
            answer = choice(row.answer, ANSWER_LABELS)
            when = day(row.answered_on)
            lines.append(fact(("Antwoord", "Answer"),
                              both(f"{answer['nl']} ({when['nl']}): {row.answer_text}",
                                   f"{answer['en']} ({when['en']}): {row.answer_text}"),
                              long=True))  # fmt: skip
        if row.decision_id:
            for case_id in related.followup_cases(ctx.session, row.decision_id):
                links.append(ctx.case_link(("Pas toe of leg uit", "Comply or explain"), case_id))
    for topic in started_from(ctx, "topic"):
        links.append(ctx.case_link(("Terug op de agenda", "Back on the agenda"), topic.id))
    return Brief(
        (
            section(("Uitkomst", "Outcome"), lines),
            section(("Verwante dossiers", "Related cases"), links),
        )
    )
