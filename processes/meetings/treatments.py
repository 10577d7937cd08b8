"""After the meeting: the treatment of every agenda item, the decisions, the outcome message to
each topic case, and the decision list for the college of chairs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import FormInput, ServiceCall
from engine.storage.models import UserAccount
from processes.meetings import quorum, votes
from processes.meetings.lifecycle import MeetingStateError, change, load_meeting
from processes.records import dates, events
from processes.records.models import (
    AgendaItem,
    Decision,
    DecisionEntity,
    Meeting,
    Organisation,
    Treatment,
    WorkingGroup,
)
from processes.records.notify import case_starter, day_names, notify, role_holders
from processes.records.queries import decision_list
from processes.records.reference import OUTCOMES

OUTCOME_MESSAGE = "treatment_outcome"
REPORT_TO = "college_liaison"


def _text(value: Any) -> str | None:
    """Form text as stored: empty means none."""
    text = str(value).strip() if value is not None else ""
    return text or None


def _problem(nl: str, en: str) -> dict[str, str]:
    return {"nl": nl, "en": en}


def _quoted(title: str) -> str:
    return f"„{title}”"


def _named(items: list[AgendaItem]) -> dict[int, str]:
    """Each agenda item still to treat as the form names it: ``agendapunt 3 („Titel”)``
    (its place on this agenda, then its title; never its number in the records)."""
    return {item.id: f"{n} ({_quoted(item.title)})" for n, item in enumerate(items, start=1)}


def _listed(words: list[str], last: str) -> str:
    """``a, b en c`` (`last`: "en" or "and")."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def _elsewhere(session: Session, item_ids: list[Any]) -> list[str]:
    """The titles of agenda items that are not on this agenda (any that exist at all)."""
    wanted = [i for i in item_ids if isinstance(i, int) and not isinstance(i, bool)]
    if not wanted:
        return []
    found = session.execute(select(AgendaItem.title).where(AgendaItem.id.in_(wanted)))
    return [_quoted(title) for title in found.scalars()]


def _problems(
    call: ServiceCall, items: list[AgendaItem], entries: list[dict[str, Any]]
) -> list[dict[str, str]]:
    """What makes this set of treatments unusable, in words for the secretariat: agenda items
    by their place and title, never an id or a code."""
    problems = []
    named = _named(items)
    given = [entry["agenda_item_id"] for entry in entries]
    missing = [named[item.id] for item in items if item.id not in given]
    unknown = [item_id for item_id in given if item_id not in named]
    if missing:
        word = (
            ("agendapunt", "agenda item") if len(missing) == 1 else ("agendapunten", "agenda items")
        )
        problems.append(
            _problem(
                f"Geen behandeling voor {word[0]} {_listed(missing, 'en')}.",
                f"No treatment for {word[1]} {_listed(missing, 'and')}.",
            )
        )
    if unknown:
        titles = _elsewhere(call.session, unknown)
        problems.append(
            _problem(
                f"Niet op deze agenda: {_listed(titles, 'en')}."
                if len(titles) == len(unknown)
                else "Een behandeling hoort bij een agendapunt dat niet (meer) op deze agenda "
                "staat.",
                f"Not on this agenda: {_listed(titles, 'and')}."
                if len(titles) == len(unknown)
                else "A treatment belongs to an agenda item that is not (or no longer) on this "
                "agenda.",
            )
        )
    on_agenda = [e for e in entries if e["agenda_item_id"] in named]
    groups = {e.get("working_group_id") for e in on_agenda if e["outcome"] == "working_group"}
    known_groups = set(
        call.session.execute(select(WorkingGroup.id).where(WorkingGroup.id.in_(groups))).scalars()
    )
    entities = {code for e in on_agenda for code in e.get("bound_entities") or []}
    known_entities = set(
        call.session.execute(select(Organisation.id).where(Organisation.id.in_(entities))).scalars()
    )
    for entry in on_agenda:
        where = named[entry["agenda_item_id"]]
        if (
            entry["outcome"] == "working_group"
            and entry.get("working_group_id") not in known_groups
        ):
            problems.append(
                _problem(
                    f"Agendapunt {where}: de gekozen werkgroep bestaat niet (meer). Kies een "
                    "werkgroep uit de lijst.",
                    f"Agenda item {where}: the chosen working group does not exist (any more). "
                    "Choose a working group from the list.",
                )
            )
        strange = {c for c in entry.get("bound_entities") or [] if c not in known_entities}
        if strange:
            nl = (
                "een gekozen overheidsinstantie is onbekend"
                if len(strange) == 1
                else f"{len(strange)} gekozen overheidsinstanties zijn onbekend"
            )
            en = (
                "a chosen government entity is unknown"
                if len(strange) == 1
                else f"{len(strange)} chosen government entities are unknown"
            )
            problems.append(
                _problem(
                    f"Agendapunt {where}: {nl}. Kies ze uit de lijst.",
                    f"Agenda item {where}: {en}. Choose them from the list.",
                )
            )
    return problems


def check_treatments(session: Session, form: FormInput) -> dict[str, Any]:
    """Before *Behandelingen vastleggen* completes: one treatment for every agenda item still
    to treat, and none for an item that is not (errors name the agenda items by title)."""
    if form.process_id != "meeting" or form.element_id != "record_treatments":
        return {}
    if form.case_id is None:
        return {}
    meeting = session.execute(
        select(Meeting).where(Meeting.case_id == form.case_id)
    ).scalar_one_or_none()
    if meeting is None:
        return {}
    items = list(
        session.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.status == "scheduled")
            .order_by(AgendaItem.position)
        ).scalars()
    )
    entries = [e for e in form.data.get("treatments") or [] if isinstance(e, dict)]
    scheduled = {item.id for item in items}
    errors: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        if entry.get("agenda_item_id") not in scheduled:
            titles = _elsewhere(session, [entry.get("agenda_item_id")])
            errors[f"treatments.{index}.agenda_item_id"] = [
                f"Agendapunt {titles[0]} staat niet (meer) op deze agenda. / "
                f"Agenda item {titles[0]} is not (or no longer) on this agenda."
                if titles
                else "Dit agendapunt staat niet (meer) op deze agenda. / "
                "This agenda item is not (or no longer) on this agenda."
            ]
    errors.update(_quorum_errors(session, meeting, items, entries, form.data.get("attendance")))
    errors.update(_attendance_errors(session, form.data, entries))
    given = {entry.get("agenda_item_id") for entry in entries}
    missing = [_quoted(item.title) for item in items if item.id not in given]
    if missing:
        listed = ", ".join(missing)
        errors["treatments"] = [
            f"Geef een behandeling voor agendapunt {listed}. / "
            f"Give a treatment for agenda item {listed}."
        ]
    return errors


def _people(value: Any) -> list[str]:
    return [str(u) for u in value] if isinstance(value, list) else []


def _names(session: Session, user_ids: set[str]) -> dict[str, str]:
    rows = session.execute(
        select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(user_ids))
    ).all()
    return {user: name or user for user, name in rows}


def _attendance_errors(
    session: Session, data: dict[str, Any], entries: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """Nobody both present and excused; in an open vote by seat, only people present vote, and
    each of them once (the errors name the people)."""
    present = _people(data.get("attendance"))
    excused = _people(data.get("excused"))
    wanted = set(present) | set(excused)
    for entry in entries:
        for users in votes.voters_of(entry).values():
            wanted.update(users)
    names = _names(session, wanted) if wanted else {}

    def listed(users: list[str], last: str) -> str:
        return _listed([names.get(u, u) for u in users], last)

    errors: dict[str, list[str]] = {}
    both = [u for u in excused if u in set(present)]
    if both:
        one = len(both) == 1
        errors["excused"] = [
            f"{listed(both, 'en')} {'staat' if one else 'staan'} zowel bij de aanwezigen als "
            "bij verontschuldigd. Kies één van beide. / "
            f"{listed(both, 'and')} {'is' if one else 'are'} ticked both as present and as "
            "excused. Choose one."
        ]
    for index, entry in enumerate(entries):
        cast = votes.voters_of(entry)
        seen: set[str] = set()
        for choice, users in cast.items():
            field = f"treatments.{index}.voters_{choice}"
            absent = [u for u in users if u not in set(present)]
            twice = [u for u in users if u in seen]
            seen.update(users)
            found = []
            if absent:
                found.append(
                    f"Alleen wie aanwezig was, kan stemmen: {listed(absent, 'en')} "
                    "staat niet bij de aanwezigen. / Only people present can vote: "
                    f"{listed(absent, 'and')} not ticked as present."
                )
            if twice:
                found.append(
                    f"Iedereen stemt één keer: {listed(twice, 'en')} staat al bij een andere "
                    f"keuze. / Everyone votes once: {listed(twice, 'and')} already ticked "
                    "under another choice."
                )
            if found:
                errors[field] = found
    return errors


def _quorum_errors(
    session: Session,
    meeting: Meeting,
    items: list[AgendaItem],
    entries: list[dict[str, Any]],
    attendance: Any,
) -> dict[str, list[str]]:
    """An outcome "decided" needs the quorum (processes.meetings.quorum): the error names the
    agenda item and the count."""
    decided = [(i, e) for i, e in enumerate(entries) if e.get("outcome") == "decided"]
    if not decided:
        return {}
    present = _people(attendance)
    tally = quorum.count(session, meeting.meeting_date, present)
    if tally.met:
        return {}
    titles = {item.id: item.title for item in items}
    errors: dict[str, list[str]] = {}
    for index, entry in decided:
        title = titles.get(entry.get("agenda_item_id"), "")
        errors[f"treatments.{index}.outcome"] = [
            f"Geen quorum voor agendapunt „{title}”: {tally.present} van de {tally.seats} leden "
            f"aanwezig, er zijn er {tally.needed} nodig om te beslissen. / No quorum for agenda "
            f"item „{title}”: {tally.present} of {tally.seats} members present, {tally.needed} "
            "needed to decide."
        ]
    return errors


def _store_one(
    call: ServiceCall,
    meeting: Meeting,
    item: AgendaItem,
    entry: dict[str, Any],
    attendance: list[str],
) -> dict[str, Any]:
    """Store one treatment (and its decision), mark the item, tell the topic case."""
    outcome = entry["outcome"]
    now = call.clock.now()
    details = {
        "wg_question": _text(entry.get("wg_question")),
        "wg_deliverable": _text(entry.get("wg_deliverable")),
        "wg_due_date": entry.get("wg_due_date"),
        "escalation_summary": _text(entry.get("escalation_summary")),
        "decision_needed": _text(entry.get("decision_needed")),
        "vote_held": True if votes.held(entry) else None,
        "vote_secret": True if votes.held(entry) and entry.get("vote_secret") else None,
    }
    treatment = Treatment(
        agenda_item_id=item.id,
        attendance=list(attendance),
        outcome=outcome,
        decision_text=_text(entry.get("decision_text")),
        votes_for=entry.get("votes_for"),
        votes_against=entry.get("votes_against"),
        votes_abstain=entry.get("votes_abstain"),
        working_group_id=_text(entry.get("working_group_id"))
        if outcome == "working_group"
        else None,
        details={k: v for k, v in details.items() if v is not None},
        note=_text(entry.get("note")),
        recorded_at=now,
        recorded_by=call.actor,
    )
    call.session.add(treatment)
    status_before = item.status
    item.status = "deferred" if outcome == "deferred" else "treated"
    call.session.flush()
    vote = votes.record_vote(
        call.session,
        treatment,
        item,
        meeting.meeting_date,
        {**entry, "vote_secret": bool(details["vote_secret"])},
        now,
    )
    if vote is not None:
        treatment.votes_for, treatment.votes_against, treatment.votes_abstain = (
            vote.count_for,
            vote.count_against,
            vote.count_abstain,
        )
    call.record(
        "treatment_recorded",
        changes={
            "treatment": change(
                None,
                {
                    "id": treatment.id,
                    "agenda_item_id": item.id,
                    "outcome": outcome,
                    "attendance": len(attendance),
                    "vote": {
                        "for": vote.count_for,
                        "against": vote.count_against,
                        "abstain": vote.count_abstain,
                        "secret": vote.secret,
                        "by_seat": any(votes.voters_of(entry).values()),
                    }
                    if vote is not None
                    else None,
                },
            ),
            "agenda_item_status": change(status_before, item.status),
        },
        reason=f"agenda item {item.id}, topic case {item.topic_case_id}",
    )
    decision = None
    entities = list(entry.get("bound_entities") or []) if entry.get("binding") else []
    if outcome == "decided":
        decision = Decision(
            treatment_id=treatment.id,
            meeting_id=meeting.id,
            topic_case_id=item.topic_case_id,
            text=_text(entry.get("decision_text")) or "",
            binding=bool(entry.get("binding")),
            deadline=dates.parse_date(entry.get("deadline")),
            focus_domain=entry.get("focus_domain") or item.focus_domain,
            decided_at=now,
        )
        call.session.add(decision)
        call.session.flush()
        for code in entities:
            call.session.add(DecisionEntity(decision_id=decision.id, organisation_id=code))
        call.session.flush()
        call.record(
            "decision_recorded",
            changes={
                "decision": change(
                    None,
                    {
                        "id": decision.id,
                        "text": decision.text,
                        "binding": decision.binding,
                        "deadline": entry.get("deadline"),
                        "entities": entities,
                        "focus_domain": decision.focus_domain,
                    },
                ),
            },
            reason=f"topic case {item.topic_case_id}",
        )
        call.emit_event(
            events.DECISION_RECORDED,
            {
                "decision_id": decision.id,
                "meeting_id": meeting.id,
                "agenda_item_id": item.id,
                "topic_case_id": item.topic_case_id,
                "binding": decision.binding,
                "deadline": entry.get("deadline"),
                "entities": entities,
                "focus_domain": decision.focus_domain,
            },
            subject=f"decisions/{decision.id}",
        )
    payload = {
        "meeting_id": meeting.id,
        "meeting_date": meeting.meeting_date.isoformat(),
        "agenda_item_id": item.id,
        "treatment_id": treatment.id,
        "outcome": outcome,
        "decision_id": decision.id if decision else None,
        "decision_text": decision.text if decision else None,
        "binding": bool(decision.binding) if decision else False,
        "deadline": entry.get("deadline") if decision else None,
        "entities": entities,
        "focus_domain": (decision.focus_domain if decision else entry.get("focus_domain"))
        or item.focus_domain,
        "working_group_id": treatment.working_group_id,
        "wg_question": details["wg_question"],
        "wg_deliverable": details["wg_deliverable"],
        "wg_due_date": details["wg_due_date"],
        "escalation_summary": details["escalation_summary"],
        "decision_needed": details["decision_needed"],
        "note": treatment.note,
    }
    call.send_message(item.topic_case_id, OUTCOME_MESSAGE, payload)
    _tell_submitter(call, meeting, item, outcome, decision, treatment.note)
    return {
        "agenda_item_id": item.id,
        "topic_case_id": item.topic_case_id,
        "treatment_id": treatment.id,
        "outcome": outcome,
        "decision_id": decision.id if decision else None,
    }


def _tell_submitter(
    call: ServiceCall,
    meeting: Meeting,
    item: AgendaItem,
    outcome: str,
    decision: Decision | None,
    note: str | None,
) -> None:
    """The topic's submitter hears how the committee treated it (deferrals come back later)."""
    if outcome == "deferred":
        return
    submitter, title = case_starter(call, item.topic_case_id)
    if submitter is None:
        return
    notify(
        call,
        [submitter],
        event=f"decided:{item.id}",
        template="topic_decided",
        params={
            "title": title or item.title,
            "meeting_title": meeting.title,
            "outcome": {k: v.lower() for k, v in OUTCOMES.get(outcome, OUTCOMES["noted"]).items()},
            "decision_text": decision.text if decision else "",
            "note": note or "",
        },
    )


def store_treatments(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Store the treatment of every agenda item and send each topic case its outcome.

    All or nothing: if an item is missing or a code unknown, nothing is stored and the task
    comes back with ``problems``. params: ``meeting_id``, ``attendance``, ``treatments``.
    """
    meeting = load_meeting(call, params["meeting_id"])
    if meeting.status != "held":
        raise MeetingStateError(f"meeting {meeting.id} is {meeting.status}, not held")
    items = list(
        call.session.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.status == "scheduled")
            .order_by(AgendaItem.position)
        ).scalars()
    )
    entries = list(params.get("treatments") or [])
    problems = _problems(call, items, entries)
    if problems:
        return {"stored": False, "problems": problems, "treatments": []}
    by_item = {entry["agenda_item_id"]: entry for entry in entries}
    attendance = [str(user) for user in params.get("attendance") or []]
    stored = [_store_one(call, meeting, item, by_item[item.id], attendance) for item in items]
    excused = [str(user) for user in params.get("excused") or [] if user not in attendance]
    quorum.record_attendance(
        call.session, meeting.id, meeting.meeting_date, attendance, call.clock.now(), excused
    )
    return {"stored": True, "problems": [], "treatments": stored}


def report_to_college(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Send the meeting's decision list to the college of chairs (Voorzitterscollege).

    params: ``meeting_id``.
    """
    meeting = load_meeting(call, params["meeting_id"])
    decisions = [d.as_dict() for d in decision_list(call.session, meeting_id=meeting.id)]
    notified = notify(
        call,
        role_holders(call, REPORT_TO),
        event="decisions_reported",
        template="decisions_reported",
        params={
            "meeting_title": meeting.title,
            "meeting_day": day_names(meeting.meeting_date),
            "count": len(decisions),
        },
    )
    before = meeting.reported_at.isoformat() if meeting.reported_at else None
    meeting.reported_at = call.clock.now()
    call.session.flush()
    call.record(
        "decisions_reported",
        changes={
            "reported_at": change(before, meeting.reported_at.isoformat()),
            "decisions": change(None, [d["decision_id"] for d in decisions]),
            "notified": change(None, notified),
        },
        reason=f"meeting {meeting.id} to the college of chairs",
    )
    return {
        "reported_at": meeting.reported_at.isoformat(),
        "decisions": decisions,
        "notified": notified,
    }
