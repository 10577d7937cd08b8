"""The *brief* of a user task: what the person needs to decide it, above the form.

Each process package declares, per user task of its models, a builder: a function that reads the
case data and the committee's records and returns a :class:`Brief`, sections of labelled facts in
Dutch and English. Values are written for people: names, not ids; dates as "24 december 2026";
choices by their label. The web app shows the brief above the form on the task page, with the
inline form on the case page and in the API's task description; a test fails when a user task in
``bpmn/`` has none.

    def _confirm_screening(ctx: BriefContext) -> Brief:
        return Brief((dossier_section(ctx), screening_section(ctx)))

    brief.register(registry, "topic", {"confirm_screening": _confirm_screening})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Registry
from processes.records import dates
from processes.records.models import Meeting, Organisation, WorkingGroup
from processes.records.reference import Label

_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Link:
    """Where a fact points: another case or a meeting (the web app makes the URL)."""

    kind: Literal["case", "meeting"]
    id: int


@dataclass(frozen=True)
class Fact:
    """One labelled value. `verdict` marks a condition met (True) or not (False); `long` text
    keeps its line breaks."""

    label: Label
    value: Label
    link: Link | None = None
    verdict: bool | None = None
    long: bool = False


@dataclass(frozen=True)
class Section:
    label: Label
    facts: tuple[Fact, ...]
    empty: Label | None = None
    """Said instead of the facts when there are none."""


@dataclass(frozen=True)
class Brief:
    sections: tuple[Section, ...]

    def localized(self, language: str) -> dict[str, Any]:
        """The brief in one language, as JSON-able data (the API's task description)."""

        def pick(label: Label | None) -> str | None:
            return None if label is None else label.get(language) or label.get("nl", "")

        return {
            "sections": [
                {
                    "label": pick(section.label),
                    "empty": pick(section.empty) if not section.facts else None,
                    "facts": [
                        {
                            "label": pick(fact.label),
                            "value": pick(fact.value),
                            "verdict": fact.verdict,
                            "link": {"kind": fact.link.kind, "id": fact.link.id}
                            if fact.link
                            else None,
                        }
                        for fact in section.facts
                    ],
                }
                for section in self.sections
            ]
        }


@dataclass(frozen=True)
class CaseRef:
    id: int
    title: str | None
    data: Mapping[str, Any]


CASE_VIEW = "#case"
"""The key a process registers its case view under (the outcome and related cases shown on the
case page): a brief of the case rather than of one task."""


@dataclass(frozen=True)
class BriefContext:
    """What a builder reads: the case's data, the records (an open read session), today and
    people's display names."""

    session: Session
    case_id: int
    process_id: str
    element_id: str
    data: Mapping[str, Any]
    today: date
    people: Mapping[str, str] = field(default_factory=dict)
    case_titles: Callable[[int], str | None] = field(default=lambda _case_id: None)
    """The title of another case (the application looks it up), or None."""
    cases_of: Callable[[str], list[CaseRef]] = field(default=lambda _process_id: [])
    """The cases of a process (id, title, data), newest first: to find those this one started."""

    def case_link(self, label: tuple[str, str], case_id: Any) -> Fact | None:
        """A link to another case, shown by its title; None without a usable case id."""
        if case_id is None or isinstance(case_id, bool):
            return None
        try:
            number = int(case_id)
        except (TypeError, ValueError):
            return None
        title = self.case_titles(number) or f"#{number}"
        return fact(label, text(title), link=Link("case", number))

    def person(self, user_id: Any) -> str:
        return self.people.get(str(user_id), str(user_id)) if user_id else "—"

    def organisation(self, code: str) -> str:
        return self.organisation_names([code])[0]

    def organisation_names(self, codes: Iterable[Any]) -> list[str]:
        wanted = [str(code) for code in codes]
        if not wanted:
            return []
        found = dict(
            self.session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
            ).all()
        )
        return [found.get(code, code) for code in wanted]

    def working_group(self, group_id: Any) -> str:
        if not group_id:
            return "—"
        name = self.session.execute(
            select(WorkingGroup.name).where(WorkingGroup.id == str(group_id))
        ).scalar_one_or_none()
        return name or str(group_id)

    def meeting(self, meeting_id: Any) -> Meeting | None:
        if meeting_id is None or isinstance(meeting_id, bool):
            return None
        try:
            return self.session.get(Meeting, int(meeting_id))
        except (TypeError, ValueError):
            return None


Builder = Callable[[BriefContext], Brief]


def register(registry: Registry, process_id: str, builders: Mapping[str, Builder],
             case_view: Builder | None = None) -> None:  # fmt: skip
    """Add the briefs of one process, by user task id, and its case view (the outcome and the
    related cases, for the case page)."""
    for element_id, builder in builders.items():
        registry.brief(process_id, element_id, builder)
    if case_view is not None:
        registry.brief(process_id, CASE_VIEW, case_view)


def started_from(ctx: BriefContext, process_id: str) -> list[CaseRef]:
    """The cases of `process_id` this case put on their way (their data names it as origin)."""
    found = []
    for case in ctx.cases_of(process_id):
        origin = case.data.get("origin") or {}
        if isinstance(origin, Mapping) and origin.get("case_id") == ctx.case_id:
            found.append(case)
    return found


# -- values for people -------------------------------------------------------------------------


def text(value: Any) -> Label:
    """The same text in both languages; empty shows as a dash."""
    shown = str(value).strip() if value is not None else ""
    return {"nl": shown or "—", "en": shown or "—"}


def both(nl: str, en: str) -> Label:
    return {"nl": nl, "en": en}


def day(value: Any) -> Label:
    """A date as people read it: "24 december 2026" / "24 December 2026"."""
    try:
        parsed = dates.parse_date(value[:10] if isinstance(value, str) else value)
    except ValueError:
        parsed = None
    if parsed is None:
        return text(None)
    english = f"{parsed.day} {_MONTHS_EN[parsed.month - 1]} {parsed.year}"
    return {"nl": dates.format_nl(parsed), "en": english}


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Ter beslissing" -> "ter beslissing" (only the first letter,
    so "Vlaamse Regering" keeps its capitals)."""
    return label[:1].lower() + label[1:]


def yes_no(value: Any) -> Label:
    return both("ja", "yes") if value else both("nee", "no")


def choice(code: Any, table: Mapping[str, Label]) -> Label:
    """A code by its label (an unknown code as itself)."""
    if code is None or code == "":
        return text(None)
    label = table.get(str(code))
    return dict(label) if label else text(code)


def choices(codes: Iterable[Any], table: Mapping[str, Label]) -> Label:
    labels = [choice(code, table) for code in codes or ()]
    if not labels:
        return text(None)
    return {lang: ", ".join(label[lang] for label in labels) for lang in ("nl", "en")}


def joined(names: Iterable[str]) -> Label:
    return text(", ".join(names))


def meeting_label(meeting: Meeting | None) -> Label:
    """ "zitting van 24 december 2026" """
    if meeting is None:
        return text(None)
    when = day(meeting.meeting_date)
    return {"nl": f"zitting van {when['nl']}", "en": f"meeting of {when['en']}"}


def fact(label: tuple[str, str], value: Label, **extra: Any) -> Fact:
    return Fact(both(*label), value, **extra)


def section(label: tuple[str, str], facts: Iterable[Fact | None],
            empty: tuple[str, str] | None = None) -> Section:  # fmt: skip
    return Section(both(*label), tuple(f for f in facts if f is not None),
                   both(*empty) if empty else None)  # fmt: skip
