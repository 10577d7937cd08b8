"""Choices that come from the records: the pickers of the forms, and the check that refuses
unknown codes before a task completes.

A form field names its source in its metadata (``choices_from``, see
:func:`processes.records.formkit.pick`). The web form asks :func:`options` for the choices at
render time (labels in the person's language, grouped where that helps: organisations by kind);
the engine runs :func:`check_references` on every form before anything is stored, so the web
form and the API refuse an unknown organisation, meeting, working group or user alike, with
the field named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from engine import FormInput
from engine.storage import hotsql
from engine.storage.models import Case, UserAccount
from processes.records import dates, titles
from processes.records.models import (
    AgendaItem,
    CommitteeSeat,
    Decision,
    Meeting,
    Organisation,
    Person,
    WorkingGroup,
)
from processes.records.reference import (
    ORGANISATION_KIND_LABELS,
    ORGANISATION_KINDS,
    SEAT_KIND_LABELS,
)
from processes.records.steering import Project

_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class Option:
    """One choice: the value the form posts (an id or code), its label, and the group it is
    shown in (empty: no group)."""

    value: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class Source:
    """Where a field's choices come from: `options` lists them for a picker (in a language),
    `known` says which of some values exist (and may be chosen), `unknown` is the message for
    the others (Dutch, English; ``{values}`` is filled in)."""

    options: Callable[[Session, str], list[Option]]
    known: Callable[[Session, list[Any]], set[str]]
    unknown: tuple[str, str]
    labels_from: str | None = None
    """Another source whose labels name a value chosen earlier that is no longer offered (a
    meeting whose agenda has closed since)."""
    related: Callable[[Session, CaseContext], list[str]] | None = None
    """The values that matter to a case, most relevant first: listed first, under `headings`."""
    headings: tuple[tuple[str, str], tuple[str, str]] = (("", ""), ("", ""))
    """(Dutch, English) group names of the related values and of the others."""


@dataclass(frozen=True)
class CaseContext:
    """The case a form belongs to: its id (None for a form that starts a case) and its data."""

    case_id: int | None
    data: Mapping[str, Any]

    def ints(self, *keys: str) -> list[int]:
        """The whole numbers the case data holds under `keys`, in that order, once each."""
        found: list[int] = []
        for key in keys:
            value = self.data.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value not in found:
                found.append(value)
        return found


def day_label(day: date, language: str, *, year: bool = True) -> str:
    """``24 december 2026`` (``24 December 2026`` in English)."""
    months = _MONTHS_EN if language == "en" else _MONTHS_NL
    text = f"{day.day} {months[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def meeting_label(meeting: Meeting, language: str) -> str:
    """``24 december 2026 (agendadeadline 14 december)``."""
    deadline = day_label(
        meeting.agenda_deadline,
        language,
        year=meeting.agenda_deadline.year != meeting.meeting_date.year,
    )
    word = "agenda deadline" if language == "en" else "agendadeadline"
    return f"{day_label(meeting.meeting_date, language)} ({word} {deadline})"


def _as_ints(values: Iterable[Any]) -> list[int]:
    found = []
    for value in values:
        try:
            found.append(int(value))
        except (TypeError, ValueError):
            continue
    return found


# -- organisations ------------------------------------------------------------------------------


def _organisation_options(session: Session, language: str) -> list[Option]:
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.active.is_(True))
        .order_by(Organisation.name)
    ).all()
    order = {kind: n for n, kind in enumerate(ORGANISATION_KINDS)}
    rows = sorted(rows, key=lambda r: (order.get(r.kind, len(order)), r.name.casefold()))
    return [
        Option(r.id, r.name, (ORGANISATION_KIND_LABELS.get(r.kind) or {}).get(language, r.kind))
        for r in rows
    ]


_ORGANISATIONS_BY_ID: dict[tuple[int, bool, bool], Select[Any]] = {}
_MOST_IDS = 64
"""Up to this many ids go through a prebuilt statement (one per power of two of them)."""


def _organisations_statement(size: int, names: bool, active_only: bool) -> Select[Any]:
    """SELECT id[, name] FROM organisation WHERE id IN (:id0, ... :id<size-1>)[ AND active]:
    fixed parameters, not an expanding list, so that `hotsql.run` sends it as compiled."""
    key = (size, names, active_only)
    found = _ORGANISATIONS_BY_ID.get(key)
    if found is None:
        columns = (Organisation.id, Organisation.name) if names else (Organisation.id,)
        wanted = [bindparam(f"id{n}", type_=Organisation.id.type) for n in range(size)]
        found = select(*columns).where(Organisation.id.in_(wanted))
        if active_only:
            found = found.where(Organisation.active.is_(True))
        found = _ORGANISATIONS_BY_ID.setdefault(key, found)
    return found


def organisation_rows(
    session: Session, codes: list[str], *, names: bool = False, active_only: bool = False
) -> list[Any]:
    """The rows (id, and name with `names`) of the organisations among `codes`, active ones
    only with `active_only`; in no particular order."""
    if not codes:
        return []
    if session.autoflush:
        session.flush()  # what `session.execute` would do first (nothing when clean)
    if len(codes) > _MOST_IDS:
        columns = (Organisation.id, Organisation.name) if names else (Organisation.id,)
        query = select(*columns).where(Organisation.id.in_(codes))
        if active_only:
            query = query.where(Organisation.active.is_(True))
        return list(session.execute(query).all())
    size = 1 << (len(codes) - 1).bit_length()
    # the list padded to the statement's size with its first code: IN ignores repeats
    params = {f"id{n}": codes[n] if n < len(codes) else codes[0] for n in range(size)}
    return hotsql.run(session, _organisations_statement(size, names, active_only), params).rows


def _known_organisations(session: Session, values: list[Any]) -> set[str]:
    codes = [str(v) for v in values]
    return {row[0] for row in organisation_rows(session, codes, active_only=True)}


# -- meetings -----------------------------------------------------------------------------------


def _meetings(session: Session, *, deadline_open: bool) -> list[Meeting]:
    today = dates.today()
    query = select(Meeting).where(Meeting.status == "planned", Meeting.meeting_date >= today)
    if deadline_open:
        query = query.where(Meeting.agenda_deadline >= today)
    return list(session.execute(query.order_by(Meeting.meeting_date, Meeting.id)).scalars())


def _meeting_options(deadline_open: bool) -> Callable[[Session, str], list[Option]]:
    def options(session: Session, language: str) -> list[Option]:
        found = _meetings(session, deadline_open=deadline_open)
        labels = [meeting_label(m, language) for m in found]
        return [
            # two meetings on one day: their titles tell them apart
            Option(str(m.id), f"{label}: {m.title}" if labels.count(label) > 1 else label)
            for m, label in zip(found, labels, strict=True)
        ]

    return options


def _known_meetings(planned_only: bool) -> Callable[[Session, list[Any]], set[str]]:
    def known(session: Session, values: list[Any]) -> set[str]:
        query = select(Meeting.id).where(Meeting.id.in_(_as_ints(values)))
        if planned_only:
            query = query.where(Meeting.status == "planned")
        return {str(i) for i in session.execute(query).scalars()}

    return known


def _all_meeting_options(session: Session, language: str) -> list[Option]:
    rows = session.execute(select(Meeting).order_by(Meeting.meeting_date.desc(), Meeting.id))
    return [Option(str(m.id), day_label(m.meeting_date, language)) for m in rows.scalars()]


# -- working groups and people ------------------------------------------------------------------


def _working_group_options(session: Session, language: str) -> list[Option]:
    rows = session.execute(
        select(WorkingGroup.id, WorkingGroup.name)
        .where(WorkingGroup.active.is_(True))
        .order_by(WorkingGroup.name)
    ).all()
    return [Option(r.id, r.name) for r in rows]


def _known_working_groups(session: Session, values: list[Any]) -> set[str]:
    codes = [str(v) for v in values]
    query = select(WorkingGroup.id).where(WorkingGroup.id.in_(codes), WorkingGroup.active.is_(True))
    return set(session.execute(query).scalars())


def _seat_options(session: Session, language: str) -> list[Option]:
    """The people holding a seat on the committee today, by seat in the plan's order."""
    today = dates.today()
    rows = session.execute(
        select(UserAccount.id, UserAccount.display_name, CommitteeSeat.seat_kind)
        .join(Person, Person.user_id == UserAccount.id)
        .join(CommitteeSeat, CommitteeSeat.person_id == Person.id)
        .where(
            UserAccount.active.is_(True),
            (CommitteeSeat.ended_on.is_(None)) | (CommitteeSeat.ended_on >= today),
        )
    ).all()
    order = {kind: n for n, kind in enumerate(SEAT_KIND_LABELS)}
    seen: set[str] = set()
    options = []
    for row in sorted(rows, key=lambda r: (order.get(r.seat_kind, 99), r.display_name)):
        if row.id in seen:
            continue
        seen.add(row.id)
        seat = (SEAT_KIND_LABELS.get(row.seat_kind) or {}).get(language, row.seat_kind)
        options.append(Option(row.id, f"{row.display_name} ({seat})"))
    return options


def _user_options(session: Session, language: str) -> list[Option]:
    rows = session.execute(
        select(UserAccount.id, UserAccount.display_name)
        .where(UserAccount.active.is_(True))
        .order_by(UserAccount.display_name)
    ).all()
    return [Option(r.id, r.display_name) for r in rows]


def _known_users(session: Session, values: list[Any]) -> set[str]:
    ids = [str(v) for v in values]
    return set(session.execute(select(UserAccount.id).where(UserAccount.id.in_(ids))).scalars())


# -- decisions and topics -----------------------------------------------------------------------


def decision_label(name: titles.DecisionName, language: str) -> str:
    """``Eén aanmeldplatform (zitting van 24 december 2026)``."""
    word = "meeting of" if language == "en" else "zitting van"
    return f"{name.title} ({word} {day_label(name.meeting_date, language)})"


def _decision_options(session: Session, language: str) -> list[Option]:
    return [
        Option(str(n.decision_id), decision_label(n, language))
        for n in titles.decision_names(session)
    ]


def _known_decisions(session: Session, values: list[Any]) -> set[str]:
    query = select(Decision.id).where(Decision.id.in_(_as_ints(values)))
    return {str(i) for i in session.execute(query).scalars()}


def _related_decisions(session: Session, context: CaseContext) -> list[str]:
    """A decision the case already names; then the decisions on its topic (the escalated one,
    the one it follows up); then those taken at the meetings that treated that topic."""
    topics = context.ints("topic_case_id", "source_case_id")
    if context.case_id is not None:
        topics.append(context.case_id)
    found = [str(i) for i in context.ints("decision_id")]
    if not topics:
        return found
    names = titles.decision_names(session)
    found += [str(n.decision_id) for n in names if n.topic_case_id in topics]
    meetings = set(
        session.execute(
            select(AgendaItem.meeting_id).where(AgendaItem.topic_case_id.in_(topics))
        ).scalars()
    )
    found += [str(n.decision_id) for n in names if n.meeting_id in meetings]
    return list(dict.fromkeys(found))


def topic_label(name: titles.TopicName, language: str) -> str:
    """``Budget voor VRD2 (Departement Omgeving)``."""
    title = name.title or ("Untitled topic" if language == "en" else "Onderwerp zonder titel")
    return f"{title} ({name.organisation})" if name.organisation else title


def _topic_options(session: Session, language: str) -> list[Option]:
    return [Option(str(n.case_id), topic_label(n, language)) for n in titles.topic_names(session)]


def _known_topics(session: Session, values: list[Any]) -> set[str]:
    query = select(Case.id).where(
        Case.id.in_(_as_ints(values)), Case.process_id == titles.TOPIC_PROCESS
    )
    return {str(i) for i in session.execute(query).scalars()}


def _related_topics(session: Session, context: CaseContext) -> list[str]:
    return [str(i) for i in context.ints("topic_case_id")]


# -- projects -----------------------------------------------------------------------------------

REVIEWABLE_STATUSES = ("planned", "running")
"""Projects the committee may review for the Flemish Government: outside VRD2, not yet ended."""


def _reviewable_projects() -> Any:
    return (
        select(Project.id, Project.title, Organisation.name.label("owner"))
        .outerjoin(Organisation, Organisation.id == Project.owner_organisation_id)
        .where(Project.vrd2.is_(False), Project.status.in_(REVIEWABLE_STATUSES))
    )


def project_label(title: str, owner: str | None) -> str:
    """``Digitaal bouwdossier (Departement Omgeving)``."""
    return f"{title} ({owner})" if owner else title


def _project_options(session: Session, language: str) -> list[Option]:
    rows = session.execute(_reviewable_projects()).all()
    rows = sorted(rows, key=lambda r: (r.title.casefold(), r.id))
    return [Option(str(r.id), project_label(r.title, r.owner)) for r in rows]


def _known_projects(session: Session, values: list[Any]) -> set[str]:
    query = _reviewable_projects().where(Project.id.in_(_as_ints(values)))
    return {str(r.id) for r in session.execute(query)}


# -- any project (an action's project) ------------------------------------------------------------


def _any_project_options(session: Session, language: str) -> list[Option]:
    rows = session.execute(select(Project.id, Project.title).order_by(Project.title, Project.id))
    return [Option(str(r.id), r.title) for r in rows]


def _known_any_projects(session: Session, values: list[Any]) -> set[str]:
    query = select(Project.id).where(Project.id.in_(_as_ints(values)))
    return {str(i) for i in session.execute(query).scalars()}


SOURCES: dict[str, Source] = {
    "organisations": Source(
        _organisation_options,
        _known_organisations,
        (
            "Onbekende overheidsinstantie: {values}. Kies uit de lijst.",
            "Unknown entity: {values}. Choose from the list.",
        ),
    ),
    "meetings": Source(
        _meeting_options(deadline_open=True),
        _known_meetings(planned_only=False),
        (
            "Onbekende zitting: {values}. Kies een zitting uit de lijst.",
            "Unknown meeting: {values}. Choose a meeting from the list.",
        ),
        "all_meetings",
    ),
    "open_meetings": Source(
        _meeting_options(deadline_open=False),
        _known_meetings(planned_only=True),
        (
            "Zitting {values} bestaat niet of haar agenda is al afgesloten. Kies een zitting "
            "uit de lijst.",
            "Meeting {values} does not exist or its agenda is closed. Choose a meeting from "
            "the list.",
        ),
        "all_meetings",
    ),
    "all_meetings": Source(
        _all_meeting_options,
        _known_meetings(planned_only=False),
        ("Onbekende zitting: {values}.", "Unknown meeting: {values}."),
    ),
    "working_groups": Source(
        _working_group_options,
        _known_working_groups,
        (
            "Onbekende werkgroep: {values}. Kies een werkgroep uit de lijst.",
            "Unknown working group: {values}. Choose a working group from the list.",
        ),
    ),
    "committee_members": Source(
        _seat_options,
        _known_users,
        ("Onbekende gebruiker: {values}.", "Unknown user: {values}."),
    ),
    "users": Source(
        _user_options,
        _known_users,
        ("Onbekende gebruiker: {values}.", "Unknown user: {values}."),
    ),
    "decisions": Source(
        _decision_options,
        _known_decisions,
        (
            "Onbekend besluit: {values}. Kies een besluit uit de lijst.",
            "Unknown decision: {values}. Choose a decision from the list.",
        ),
        related=_related_decisions,
        headings=(
            (
                "Over dit onderwerp of van dezelfde zitting",
                "On this topic or from the same meeting",
            ),
            ("Andere besluiten", "Other decisions"),
        ),
    ),
    "topics": Source(
        _topic_options,
        _known_topics,
        (
            "Onbekend onderwerp: {values}. Kies een onderwerp uit de lijst.",
            "Unknown topic: {values}. Choose a topic from the list.",
        ),
        related=_related_topics,
        headings=(
            ("Bij dit dossier", "Related to this case"),
            ("Andere onderwerpen", "Other topics"),
        ),
    ),
    "projects": Source(
        _project_options,
        _known_projects,
        (
            "Onbekend project: {values}. Kies een lopend of gepland project buiten VRD2 uit de "
            "lijst.",
            "Unknown project: {values}. Choose a running or planned project outside VRD2 from "
            "the list.",
        ),
    ),
    "any_projects": Source(
        _any_project_options,
        _known_any_projects,
        (
            "Onbekend project: {values}. Kies een project uit de lijst.",
            "Unknown project: {values}. Choose a project from the list.",
        ),
    ),
}
"""Every source a field may name in ``choices_from``."""


def options(
    session: Session, source: str, language: str, context: CaseContext | None = None
) -> list[Option]:
    """The choices of `source` for a picker, labelled in `language` ("nl" or "en"). With the
    case the form belongs to (`context`), the records related to it come first, each part under
    its heading (when the source has related records and there are any)."""
    found = SOURCES[source].options(session, language)
    related = SOURCES[source].related
    if context is None or related is None:
        return found
    first = related(session, context)
    rank = {value: n for n, value in enumerate(first)}
    if not any(o.value in rank for o in found):
        return found
    mine, others = SOURCES[source].headings
    pick = 1 if language == "en" else 0
    ranked = sorted(found, key=lambda o: rank.get(o.value, len(rank)))
    return [
        Option(o.value, o.label, mine[pick] if o.value in rank else others[pick]) for o in ranked
    ]


# -- the check before a task completes ----------------------------------------------------------


def _sub_schema(item: fields.Field) -> Schema | None:
    if isinstance(item, fields.List) and isinstance(item.inner, fields.Nested):
        schema = item.inner.schema
        return schema if isinstance(schema, Schema) else None
    return None


def _references(
    schema: Schema, data: Mapping[str, Any], prefix: str
) -> Iterable[tuple[str, str, list[Any]]]:
    """(dotted field path, source, values) of every filled-in field with a source."""
    for name, item in schema.load_fields.items():
        key = item.data_key or name
        value = data.get(key)
        sub = _sub_schema(item)
        if sub is not None:
            for index, entry in enumerate(value if isinstance(value, list) else []):
                if isinstance(entry, Mapping):
                    yield from _references(sub, entry, f"{prefix}{key}.{index}.")
            continue
        source = item.metadata.get("choices_from")
        if source is None or value is None or value == "" or value == []:
            continue
        yield prefix + key, str(source), value if isinstance(value, list) else [value]


def reference_errors(session: Session, schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """Errors by dotted field path for values their source does not know."""
    found = list(_references(schema, data, ""))
    known: dict[str, set[str]] = {}
    for name in {source for _path, source, _values in found}:
        wanted = [v for _p, s, values in found if s == name for v in values]
        known[name] = SOURCES[name].known(session, wanted)
    errors: dict[str, Any] = {}
    for path, name, values in found:
        unknown = [str(v) for v in values if str(v) not in known[name]]
        if unknown:
            nl, en = SOURCES[name].unknown
            listed = ", ".join(unknown)
            errors[path] = [f"{nl.format(values=listed)} / {en.format(values=listed)}"]
    return errors


_SCHEMAS: dict[type[Schema], Schema] = {}
"""One instance per form class: making one costs more than the whole check (the instance is
only read: its fields and their metadata)."""


def check_references(session: Session, form: FormInput) -> dict[str, Any]:
    """The registry's form check: every field with ``choices_from`` names known records."""
    schema = _SCHEMAS.get(form.schema)
    if schema is None:
        schema = _SCHEMAS.setdefault(form.schema, form.schema())
    return reference_errors(session, schema, form.data)
