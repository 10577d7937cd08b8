"""The brief of a task (what the person needs to decide it), built by the builder its process
registered (`processes.records.brief`) and shown above the form on the task page, with the
inline form on the case page, and in the API's task description.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import url_for

from engine import Engine, NotFound
from engine.running.queries import CaseInfo, TaskInfo
from processes.records import dates
from processes.records.brief import CASE_VIEW, Brief, BriefContext, CaseRef, Link
from webapp.i18n import language

log = logging.getLogger(__name__)


def build(eng: Engine, task: TaskInfo) -> Brief | None:
    """The brief of a task, or None when its process declares none. A builder that fails is
    logged and the page goes on without it: the form stays usable."""
    return _built(eng, eng.case(task.case_id), task.element_id)


def _built(eng: Engine, case: CaseInfo, element_id: str) -> Brief | None:
    builder = eng.registry.brief_for(case.process_id, element_id)
    if builder is None:
        return None
    people = eng.display_names()

    def title(case_id: int) -> str | None:
        found = eng.cases([case_id]).get(case_id)
        return found.title if found is not None else None

    def cases_of(process_id: str) -> list[CaseRef]:
        listed = eng.list_cases(process_id=process_id, limit=500)
        return [CaseRef(c.id, c.title, c.data) for c in listed]

    try:
        with eng.db.read() as session:
            context = BriefContext(
                session=session,
                case_id=case.id,
                process_id=case.process_id,
                element_id=element_id,
                data=case.data,
                today=dates.local_date(eng.clock.now()),
                people=people,
                case_titles=title,
                cases_of=cases_of,
            )
            brief = builder(context)
    except Exception:  # a broken brief must not cost the person their form
        log.exception("brief of %s/%s failed", case.process_id, element_id)
        return None
    return brief if isinstance(brief, Brief) else None


@dataclass(frozen=True)
class ShownFact:
    label: str
    value: str
    href: str | None
    verdict: bool | None
    long: bool


@dataclass(frozen=True)
class ShownSection:
    label: str
    facts: list[ShownFact]
    empty: str | None


def _href(link: Link | None) -> str | None:
    """The link's URL, or None (plain text) when the reader could not open it (a 404)."""
    if link is None:
        return None
    from webapp import meetings, rights
    from webapp.identity import current_actor, engine

    actor = current_actor()
    if actor is None:
        return None
    if link.kind == "case":
        if not rights.may_see_case(engine(), actor, link.id):
            return None
        return url_for("cases.show", case_id=link.id)
    try:
        meetings.visible_meeting(engine(), actor, link.id)
    except NotFound:
        return None
    return url_for("meetings.show", meeting_id=link.id)


def shown(brief: Brief | None) -> list[ShownSection]:
    """The brief in the page's language, with links as URLs."""
    if brief is None:
        return []
    lang = language()

    def pick(label: Any) -> str:
        return str(label.get(lang) or label.get("nl") or "") if label else ""

    return [
        ShownSection(
            pick(section.label),
            [
                ShownFact(pick(f.label), pick(f.value), _href(f.link), f.verdict, f.long)
                for f in section.facts
            ],
            pick(section.empty) if section.empty else None,
        )
        for section in brief.sections
    ]


def described(eng: Engine, task: TaskInfo) -> dict[str, Any] | None:
    """The brief as the API gives it (in the request's language)."""
    brief = build(eng, task)
    return brief.localized(language()) if brief is not None else None


def for_task(eng: Engine, task: TaskInfo) -> list[ShownSection]:
    return shown(build(eng, task))


def case_view(eng: Engine, case: CaseInfo) -> list[ShownSection]:
    """The case's outcome and related cases, as its process declares them (case page)."""
    return shown(_built(eng, case, CASE_VIEW))
