"""Briefs of the topic and college-question tasks: the dossier, the screening per admission
condition, the secretariat's note, the meetings the chair can choose from, the outcome."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from processes.records import queries, related
from processes.records.brief import (
    Brief,
    BriefContext,
    Builder,
    Fact,
    Link,
    Section,
    both,
    choice,
    choices,
    day,
    fact,
    in_sentence,
    joined,
    meeting_label,
    section,
    text,
    yes_no,
)
from processes.records.reference import (
    AGENDA_KINDS,
    FOCUS_DOMAINS,
    OUTCOMES,
    TOPIC_KINDS,
    VRD2_PRIORITIES,
    Label,
)
from processes.topics import screening
from processes.topics.forms import CHAIR_DECISIONS

VERDICTS: dict[str, Label] = {
    "admissible": {"nl": "Toelaatbaar", "en": "Admissible"},
    "not_admissible": {"nl": "Niet toelaatbaar", "en": "Not admissible"},
}


def dossier_section(ctx: BriefContext, data: Mapping[str, Any] | None = None) -> Section:
    """The topic as submitted (or as last revised)."""
    data = ctx.data if data is None else data
    meeting = ctx.meeting(data.get("target_meeting_id"))
    return section(
        ("Het dossier", "The dossier"),
        [
            fact(("Titel", "Title"), text(data.get("title"))),
            fact(("Soort", "Kind"), choice(data.get("kind") or "topic", TOPIC_KINDS)),
            fact(("Ingediend door", "Submitted by"), text(ctx.person(data.get("submitted_by"))))
            if data.get("submitted_by")
            else None,
            fact(("Samenvattende nota", "Summary note"), text(data.get("summary")), long=True),
            fact(
                ("Vraag of voorstel tot besluit", "Question or proposed decision"),
                text(data.get("question")),
                long=True,
            ),
            fact(("Impact", "Impact"), text(data.get("impact")), long=True),
            fact(
                ("Focusdomeinen", "Focus domains"),
                choices(data.get("focus_domains") or [], FOCUS_DOMAINS),
            ),
            fact(
                ("VRD2-prioriteiten", "VRD2 priorities"),
                choices(data.get("vrd2_priorities") or [], VRD2_PRIORITIES),
            ),
            fact(
                ("Betrokken overheidsinstanties", "Entities affected"),
                joined(ctx.organisation_names(data.get("affected_entities") or [])),
            ),
            fact(
                ("Hergebruikt generieke componenten", "Reuses generic components"),
                yes_no(data.get("reuses_generic_components")),
            ),
            fact(
                ("Kan generieke componenten opleveren", "Could yield generic components"),
                yes_no(data.get("creates_generic_components")),
            ),
            fact(
                ("Gewenste zitting", "Target meeting"),
                _meeting_with_deadline(meeting) if meeting else both("geen voorkeur", "none"),
                link=Link("meeting", meeting.id) if meeting else None,
            ),
        ],
    )


def _meeting_with_deadline(meeting: Any) -> Label:
    name, deadline = meeting_label(meeting), day(meeting.agenda_deadline)
    return {
        "nl": f"{name['nl']} (agenda sluit op {deadline['nl']})",
        "en": f"{name['en']} (agenda closes on {deadline['en']})",
    }


def _on_time(met: bool, facts: Mapping[str, Any], ctx: BriefContext) -> Label:
    reason = facts.get("reason")
    meeting = ctx.meeting(facts.get("meeting_id"))
    if reason in ("no_target_meeting", "unknown_meeting") or meeting is None:
        return screening.explain("on_time", met, facts)
    name, deadline = meeting_label(meeting), day(meeting.agenda_deadline)
    received = day(facts.get("received_on"))
    if reason == "agenda_closed":
        return {
            "nl": f"De agenda van de {name['nl']} is al afgesloten.",
            "en": f"The agenda of the {name['en']} is already closed.",
        }
    if met:
        return {
            "nl": f"Ingediend op {received['nl']}, vóór de agenderingsdeadline van de "
            f"{name['nl']} ({deadline['nl']}).",
            "en": f"Submitted on {received['en']}, before the agenda deadline of the "
            f"{name['en']} ({deadline['en']}).",
        }
    return {
        "nl": f"Ingediend op {received['nl']}, na de agenderingsdeadline van de {name['nl']} "
        f"({deadline['nl']}). Kies een latere zitting.",
        "en": f"Submitted on {received['en']}, after the agenda deadline of the {name['en']} "
        f"({deadline['en']}). Choose a later meeting.",
    }


def condition_explanation(condition: Mapping[str, Any], ctx: BriefContext) -> Label:
    """Why a condition is met or not, with names for entities and dates people read."""
    facts: dict[str, Any] = dict(ctx.data.get("screening_facts") or {})
    met = bool(condition.get("met"))
    name = condition.get("id")
    if name == "on_time":
        return _on_time(met, facts, ctx)
    if name == "transversal":
        facts["known_entities"] = ctx.organisation_names(facts.get("known_entities") or [])
        return screening.explain("transversal", met, facts)
    if name in screening.CONDITIONS:
        return screening.explain(str(name), met, facts)
    return dict(condition.get("explanation") or text(None))


def screening_section(ctx: BriefContext, *, failed_only: bool = False) -> Section:
    """The automatic verdict of the admission rules, per condition: met or not, and why."""
    record: Mapping[str, Any] = ctx.data.get("screening") or {}
    conditions = [c for c in record.get("conditions") or [] if not failed_only or not c.get("met")]
    facts: list[Fact | None] = []
    if not failed_only and record.get("verdict"):
        facts.append(
            fact(
                ("Oordeel van de regels", "Verdict of the rules"),
                choice(record.get("verdict"), VERDICTS),
            )
        )
    for condition in conditions:
        label = condition.get("label") or text(condition.get("id"))
        facts.append(
            Fact(
                dict(label),
                condition_explanation(condition, ctx),
                verdict=bool(condition.get("met")),
            )
        )
    title = ("Niet voldaan", "Not met") if failed_only else ("Screening", "Screening")
    return section(
        title,
        facts,
        empty=("De screening is nog niet gebeurd.", "The screening has not been done yet."),
    )


def note_section(ctx: BriefContext) -> Section:
    return section(
        ("Nota van het secretariaat", "The secretariat's note"),
        [fact(("Nota", "Note"), text(ctx.data.get("screening_note")), long=True)]
        if str(ctx.data.get("screening_note") or "").strip()
        else [],
        empty=("Het secretariaat schreef geen nota.", "The secretariat wrote no note."),
    )


def meetings_section(ctx: BriefContext) -> Section:
    """The meetings that still take agenda items, by date, with their agenda deadline."""
    rows = queries.open_meetings(ctx.session, ctx.today)
    facts = []
    for meeting in rows:
        name, deadline = (
            meeting_label(ctx.meeting(meeting.meeting_id)),
            day(meeting.agenda_deadline),
        )
        facts.append(
            Fact(
                {"nl": name["nl"].capitalize(), "en": name["en"].capitalize()},
                {
                    "nl": f"agenda sluit op {deadline['nl']}",
                    "en": f"agenda closes on {deadline['en']}",
                },
                link=Link("meeting", meeting.meeting_id),
            )
        )
    return section(
        ("Zittingen die nog onderwerpen aannemen", "Meetings still taking topics"),
        facts,
        empty=(
            "Er is geen zitting gepland waarvan de agenda nog open is.",
            "No meeting is planned whose agenda is still open.",
        ),
    )


def outcome_section(ctx: BriefContext) -> Section:
    """What the meeting did with the topic."""
    outcome: Mapping[str, Any] = ctx.data.get("outcome") or {}
    meeting = ctx.meeting(outcome.get("meeting_id"))
    return section(
        ("Behandeling op de zitting", "Treatment at the meeting"),
        [
            fact(
                ("Zitting", "Meeting"),
                meeting_label(meeting),
                link=Link("meeting", meeting.id) if meeting else None,
            )
            if meeting
            else None,
            fact(("Uitkomst", "Outcome"), choice(outcome.get("outcome"), OUTCOMES))
            if outcome.get("outcome")
            else None,
            fact(("Besluit", "Decision"), text(outcome.get("decision_text")), long=True)
            if outcome.get("decision_text")
            else None,
            fact(("Nota", "Note"), text(outcome.get("note")), long=True)
            if outcome.get("note")
            else None,
        ],
        empty=("Nog niet behandeld.", "Not treated yet."),
    )


def chair_section(ctx: BriefContext) -> Section:
    data = ctx.data
    return section(
        ("Beslissing van de voorzitter", "The chair's decision"),
        [
            fact(("Beslissing", "Decision"), choice(data.get("chair_decision"), CHAIR_DECISIONS))
            if data.get("chair_decision")
            else None,
            fact(("Reden", "Reason"), text(data.get("chair_reason")), long=True),
        ],
    )


def _confirm_screening(ctx: BriefContext) -> Brief:
    return Brief((screening_section(ctx), dossier_section(ctx)))


def _revise(ctx: BriefContext) -> Brief:
    return Brief(
        (screening_section(ctx, failed_only=True), note_section(ctx), dossier_section(ctx))
    )


def _chair_decision(ctx: BriefContext) -> Brief:
    return Brief((dossier_section(ctx), screening_section(ctx), meetings_section(ctx)))


def _acknowledge_decline(ctx: BriefContext) -> Brief:
    return Brief((chair_section(ctx), dossier_section(ctx)))


def _record_answer(ctx: BriefContext) -> Brief:
    question = section(
        ("De vraag", "The question"),
        [
            fact(("Vraag", "Question"), text(ctx.data.get("question")), long=True),
            fact(("Toelichting", "Explanation"), text(ctx.data.get("summary")), long=True),
            ctx.case_link(
                ("Dossier van het Voorzitterscollege", "The college's case"),
                ctx.data.get("college_case_id"),
            ),
        ],
    )
    return Brief((question, outcome_section(ctx)))


def _read_answer(ctx: BriefContext) -> Brief:
    answer: Mapping[str, Any] = ctx.data.get("answer") or {}
    outcome = answer.get("outcome")
    return Brief(
        (
            section(
                ("Je vraag", "Your question"),
                [fact(("Vraag", "Question"), text(ctx.data.get("question")), long=True)],
            ),
            section(
                ("Het antwoord van het Stuurorgaan", "The committee's answer"),
                [
                    fact(("Antwoord", "Answer"), text(answer.get("answer")), long=True),
                    fact(("Uitkomst", "Outcome"), choice(outcome, OUTCOMES)) if outcome else None,
                    fact(("Besluit", "Decision"), text(answer.get("decision_text")), long=True)
                    if answer.get("decision_text")
                    else None,
                    fact(
                        ("Beantwoord door", "Answered by"),
                        text(ctx.person(answer.get("answered_by"))),
                    )
                    if answer.get("answered_by")
                    else None,
                    fact(("Op", "On"), day(answer.get("answered_at")))
                    if answer.get("answered_at")
                    else None,
                    ctx.case_link(("Onderwerp", "Topic"), answer.get("topic_case_id")),
                ],
                empty=("Nog geen antwoord.", "No answer yet."),
            ),
        )
    )


TOPIC_BRIEFS: dict[str, Builder] = {
    "confirm_screening": _confirm_screening,
    "revise_submission": _revise,
    "revise_for_origin": _revise,
    "chair_decision": _chair_decision,
    "acknowledge_decline": _acknowledge_decline,
    "record_answer": _record_answer,
}
COLLEGE_BRIEFS: dict[str, Builder] = {"read_answer": _read_answer}


# -- the case view: where the topic stands, and the cases it led to ------------------------------


def _said(nl: str, en: str, **extra: Any) -> Fact:
    return Fact(both("Stand", "Status"), both(nl, en), **extra)


def _outcome_lines(ctx: BriefContext) -> list[Fact | None]:
    data = ctx.data
    lines: list[Fact | None] = []
    record: Mapping[str, Any] = data.get("screening") or {}
    item: Mapping[str, Any] = data.get("agenda_item") or {}
    outcome: Mapping[str, Any] = data.get("outcome") or {}
    decision = data.get("chair_decision")
    if data.get("revision_action") == "withdraw":
        return [_said("Ingetrokken.", "Withdrawn.")]
    if not record:
        return [
            _said(
                "Ingediend; wacht op de screening door het secretariaat.",
                "Submitted; waiting for the secretariat's screening.",
            )
        ]
    if record.get("verdict") == "not_admissible" and not decision:
        return [
            _said(
                "Niet toelaatbaar volgens de screening; terug bij de indiener om aan te "
                "passen of in te trekken.",
                "Not admissible by the screening; back with the submitter to revise or withdraw.",
            )
        ]
    if not decision:
        return [
            _said(
                "Toelaatbaar; wacht op de beslissing van de voorzitter.",
                "Admissible; waiting for the chair's decision.",
            )
        ]
    if decision == "decline":
        reason = str(data.get("chair_reason") or "").strip()
        return [
            _said(
                f"Niet geagendeerd: {reason}" if reason else "Niet geagendeerd.",
                f"Declined: {reason}" if reason else "Declined.",
            )
        ]
    if decision == "defer" and not item:
        until = day(data.get("chair_defer_until"))
        return [_said(f"Uitgesteld tot {until['nl']}.", f"Deferred until {until['en']}.")]
    if item:
        meeting = ctx.meeting(item.get("meeting_id"))
        name = meeting_label(meeting)
        kind = choice(item.get("kind"), AGENDA_KINDS)
        lines.append(
            _said(
                f"Geagendeerd op de {name['nl']}, {in_sentence(kind['nl'])}.",
                f"On the agenda of the {name['en']}, {in_sentence(kind['en'])}.",
                link=Link("meeting", meeting.id) if meeting else None,
            )
        )
    kind = outcome.get("outcome")
    if kind and outcome.get("meeting_id") == item.get("meeting_id"):
        lines.extend(_treated(ctx, outcome))
    elif kind == "deferred":
        when = meeting_label(ctx.meeting(outcome.get("meeting_id")))
        lines.insert(0, _said(f"Uitgesteld op de {when['nl']}.", f"Deferred at the {when['en']}."))
    return lines


def _treated(ctx: BriefContext, outcome: Mapping[str, Any]) -> list[Fact | None]:
    kind = outcome.get("outcome")
    if kind == "decided":
        text_ = str(outcome.get("decision_text") or "")
        lines: list[Fact | None] = [_said(f"Beslist: {text_}", f"Decided: {text_}")]
        if outcome.get("binding"):
            names = ", ".join(ctx.organisation_names(outcome.get("entities") or []))
            deadline = day(outcome.get("deadline"))
            followups = related.followup_cases(ctx.session, int(outcome["decision_id"])) \
                if outcome.get("decision_id") else []  # fmt: skip
            lines.append(
                _said(
                    f"Bindend voor {names}; pas toe of leg uit tegen {deadline['nl']}.",
                    f"Binding for {names}; comply or explain by {deadline['en']}.",
                    link=Link("case", followups[0]) if followups else None,
                )
            )
        return lines
    if kind == "working_group":
        found = related.assignment_cases(ctx.session, ctx.case_id)
        group = ctx.working_group(outcome.get("working_group_id"))
        return [
            _said(
                f"Naar werkgroep {_bare(group)}.",
                f"To working group {_bare(group)}.",
                link=Link("case", found[-1][0]) if found else None,
            )
        ]
    if kind == "escalated":
        found = related.escalation_cases(ctx.session, ctx.case_id)
        return [
            _said(
                "Voorgelegd aan de Vlaamse Regering.",
                "Put before the Flemish Government.",
                link=Link("case", found[-1]) if found else None,
            )
        ]
    if kind == "noted":
        return [_said("Het Stuurorgaan nam er kennis van.", "The committee took note of it.")]
    return []


def _bare(group: str) -> str:
    """ "Werkgroep Data" -> "Data" (the sentence says "werkgroep" already)."""
    return group[len("Werkgroep ") :] if group.lower().startswith("werkgroep ") else group


def _related(ctx: BriefContext) -> list[Fact | None]:
    data = ctx.data
    origin: Mapping[str, Any] = data.get("origin") or {}
    facts: list[Fact | None] = [
        ctx.case_link(("Komt van", "Comes from"), origin.get("case_id")),
        ctx.case_link(
            ("Vraag van het Voorzitterscollege", "Question from the college"),
            data.get("college_case_id"),
        ),
    ]
    for case_id, _group in related.assignment_cases(ctx.session, ctx.case_id):
        facts.append(ctx.case_link(("Werkgroepopdracht", "Working-group assignment"), case_id))
    for case_id in related.escalation_cases(ctx.session, ctx.case_id):
        facts.append(ctx.case_link(("Escalatie", "Escalation"), case_id))
    outcome: Mapping[str, Any] = data.get("outcome") or {}
    if outcome.get("decision_id"):
        for case_id in related.followup_cases(ctx.session, int(outcome["decision_id"])):
            facts.append(ctx.case_link(("Pas toe of leg uit", "Comply or explain"), case_id))
    return facts


def topic_case_view(ctx: BriefContext) -> Brief:
    return Brief(
        (
            section(("Uitkomst", "Outcome"), _outcome_lines(ctx)),
            section(("Verwante dossiers", "Related cases"), _related(ctx)),
        )
    )


def college_case_view(ctx: BriefContext) -> Brief:
    answer: Mapping[str, Any] = ctx.data.get("answer") or {}
    line = (
        _said("Het Stuurorgaan heeft geantwoord.", "The committee has answered.")
        if answer
        else _said(
            "Wacht op het antwoord van het Stuurorgaan.", "Waiting for the committee's answer."
        )
    )
    topics = [
        ctx.case_link(("Onderwerp", "Topic"), case.id)
        for case in ctx.cases_of(PROCESS_TOPIC)
        if case.data.get("college_case_id") == ctx.case_id
    ]
    return Brief(
        (
            section(("Uitkomst", "Outcome"), [line]),
            section(("Verwante dossiers", "Related cases"), topics),
        )
    )


PROCESS_TOPIC = "topic"
