"""Briefs of the meeting's tasks: the meeting (date, time, place, agenda deadline) and its
agenda in order; for the minutes, the decisions taken and who was present, excused or absent
with the quorum."""

from __future__ import annotations

from processes.meetings import quorum
from processes.records import queries
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
    in_sentence,
    section,
    text,
)
from processes.records.reference import AGENDA_KINDS, OUTCOMES, SEAT_KIND_LABELS


def meeting_section(ctx: BriefContext) -> Section:
    meeting = queries.meeting_of_case(ctx.session, ctx.case_id)
    if meeting is None:
        return section(
            ("De zitting", "The meeting"),
            [],
            empty=("De zitting is nog niet vastgelegd.", "No meeting recorded yet."),
        )
    return section(
        ("De zitting", "The meeting"),
        [
            fact(
                ("Datum", "Date"),
                day(meeting.meeting_date),
                link=Link("meeting", meeting.meeting_id),
            ),
            fact(("Aanvang", "Starts at"), text(meeting.start_time.strftime("%H:%M"))),
            fact(("Locatie", "Location"), text(meeting.location)),
            fact(("Agenda afgesloten op", "Agenda closed on"), day(meeting.agenda_deadline)),
            fact(
                ("Notulen goedgekeurd op", "Minutes approved on"), day(meeting.minutes_approved_on)
            )
            if meeting.minutes_approved_on
            else None,
        ],
    )


def agenda_section(ctx: BriefContext) -> Section:
    meeting = queries.meeting_of_case(ctx.session, ctx.case_id)
    entries = queries.agenda(ctx.session, meeting.meeting_id) if meeting else []
    facts = []
    for number, entry in enumerate(entries, start=1):
        kind = choice(entry.kind, AGENDA_KINDS)
        state = choice(entry.outcome, OUTCOMES) if entry.outcome else None
        value = {
            lang: f"{entry.title} ({in_sentence(kind[lang])}"
            + (f"; {in_sentence(state[lang])}" if state else "")
            + ")"
            for lang in ("nl", "en")
        }
        facts.append(
            Fact(
                {"nl": f"Punt {number}", "en": f"Item {number}"},
                value,
                link=Link("case", entry.topic_case_id),
            )
        )
    return section(
        ("De agenda", "The agenda"), facts, empty=("De agenda is leeg.", "The agenda is empty.")
    )


def decisions_section(ctx: BriefContext) -> Section:
    meeting = queries.meeting_of_case(ctx.session, ctx.case_id)
    decisions = queries.decision_list(ctx.session, meeting_id=meeting.meeting_id) if meeting else []
    facts = [
        fact(("Besluit", "Decision"), text(d.text), link=Link("case", d.topic_case_id), long=True)
        for d in decisions
    ]
    return section(
        ("Besluiten van deze zitting", "Decisions of this meeting"),
        facts,
        empty=("Deze zitting nam geen besluiten.", "This meeting took no decisions."),
    )


ATTENDANCE_LABELS: dict[str, tuple[str, str]] = {
    "present": ("Aanwezig", "Present"),
    "excused": ("Verontschuldigd", "Excused"),
    "absent": ("Afwezig", "Absent"),
}


def attendance_section(ctx: BriefContext) -> Section | None:
    """Who held a seat and was present, excused or absent, and the quorum (None before the
    attendance is recorded)."""
    meeting = queries.meeting_of_case(ctx.session, ctx.case_id)
    attendees = quorum.attendance_of(ctx.session, meeting.meeting_id) if meeting else []
    tally = quorum.quorum_of(attendees)
    if tally is None:
        return None
    facts = []
    for status, label in ATTENDANCE_LABELS.items():
        people = [a for a in attendees if a.status == status]
        if not people:
            continue
        seat = {a.user_id: SEAT_KIND_LABELS.get(a.seat_kind, {}) for a in people}
        value = {
            lang: ", ".join(f"{a.name} ({seat[a.user_id].get(lang, a.seat_kind)})" for a in people)
            for lang in ("nl", "en")
        }
        facts.append(fact(label, value))
    met = ("bereikt", "met") if tally.met else ("niet bereikt", "not met")
    facts.append(
        fact(
            ("Quorum", "Quorum"),
            both(
                f"{met[0].capitalize()}: {tally.present} van {tally.seats} zetels aanwezig, "
                f"{tally.needed} nodig",
                f"{met[1].capitalize()}: {tally.present} of {tally.seats} seats present, "
                f"{tally.needed} needed",
            ),
            verdict=tally.met,
        )
    )
    return section(("Aanwezigheden", "Attendance"), facts)


def _agenda(ctx: BriefContext) -> Brief:
    return Brief((meeting_section(ctx), agenda_section(ctx)))


def _minutes(ctx: BriefContext) -> Brief:
    attendance = attendance_section(ctx)
    sections = (meeting_section(ctx), attendance, decisions_section(ctx), agenda_section(ctx))
    return Brief(tuple(s for s in sections if s is not None))


BRIEFS: dict[str, Builder] = {
    "order_agenda": _agenda,
    "record_treatments": _agenda,
    "approve_minutes": _minutes,
}


# -- the case view ----------------------------------------------------------------------------

_STAGES: dict[str, tuple[str, str]] = {
    "planned": ("Gepland; de agenda neemt nog onderwerpen aan.",
                "Planned; the agenda still takes topics."),
    "agenda_frozen": ("De agenda is afgesloten; het secretariaat ordent en publiceert ze.",
                      "The agenda is closed; the secretariat orders and publishes it."),
    "published": ("De agenda is gepubliceerd.", "The agenda is published."),
    "held": ("De zitting is gehouden.", "The meeting was held."),
    "minutes_approved": ("De notulen zijn goedgekeurd.", "The minutes are approved."),
}  # fmt: skip


def case_view(ctx: BriefContext) -> Brief:
    meeting = queries.meeting_of_case(ctx.session, ctx.case_id)
    lines = []
    if meeting is not None:
        stage = _STAGES.get(meeting.status)
        when = day(meeting.meeting_date)
        lines.append(fact(("Zitting", "Meeting"), both(when["nl"], when["en"]),
                          link=Link("meeting", meeting.meeting_id)))  # fmt: skip
        if stage:
            lines.append(fact(("Stand", "Status"), both(*stage)))
    return Brief((section(("Uitkomst", "Outcome"), lines), agenda_section(ctx)))
