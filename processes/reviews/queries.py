"""What the register says about a project under review, and the reviews of a project.

* :func:`register_checks`: computed from the project register, what the secretariat checks:
  other projects with overlapping focus domains or the same building blocks (Afstemming),
  building blocks other projects deliver that this one could reuse (Samenwerking), and
  organisations in projects that share its focus domains as possible partners (Financiering).
* :func:`reviews_of`: a project's reviews and their advice, for the project page and the
  projects API (labels in both languages, no codes).

Read-only; the caller holds the session.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.storage.models import UserAccount
from processes.records.models import Organisation
from processes.records.reference import FOCUS_DOMAINS, ORGANISATION_KIND_LABELS, Label
from processes.records.steering import (
    ADVICE_VERDICTS,
    BUILDING_BLOCKS,
    PROJECT_STATUSES,
    REVIEW_STATUSES,
    Project,
    ProjectBuildingBlock,
    ProjectFocusDomain,
    ProjectPartner,
    ProjectReview,
)

FLEMISH_KINDS = ("agency", "department")
"""Organisation kinds of the Flemish administration; the others are other governments."""


def _label(table: dict[str, Label], code: str | None) -> Label:
    if not code:
        return {"nl": "—", "en": "—"}
    return table.get(code) or {"nl": code, "en": code}


@dataclass(frozen=True)
class Owner:
    """An organisation by name, and whether it is another government than the Flemish one."""

    id: str
    name: str
    kind_label: Label
    other_government: bool


@dataclass(frozen=True)
class RelatedProject:
    """Another project that shares focus domains or building blocks with the one under review."""

    id: int
    title: str
    owner: Owner
    vrd2: bool
    status: Label
    shared_domains: tuple[Label, ...]
    shared_blocks: tuple[tuple[Label, Label], ...]
    """(building block, how both use it): "gebruiken allebei", "levert het", ..."""


@dataclass(frozen=True)
class ReusableBlock:
    """A building block another project delivers, which the project under review does not
    deliver itself."""

    block: Label
    delivered_by: tuple[tuple[int, str, str], ...]
    """(project id, project title, owner name) of each project that delivers it."""
    already_used: bool
    """The project under review already says it uses this block."""


@dataclass(frozen=True)
class Partner:
    """An organisation in projects that share focus domains with the one under review."""

    owner: Owner
    projects: tuple[str, ...]
    domains: tuple[Label, ...]


@dataclass(frozen=True)
class Checks:
    project_id: int
    domains: tuple[Label, ...]
    uses: tuple[Label, ...]
    delivers: tuple[Label, ...]
    related: tuple[RelatedProject, ...] = ()
    reusable: tuple[ReusableBlock, ...] = ()
    partners: tuple[Partner, ...] = ()


def _owners(session: Session, ids: set[str]) -> dict[str, Owner]:
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind).where(
            Organisation.id.in_(sorted(ids))
        )
    ).all()
    found = {
        r.id: Owner(
            r.id,
            r.name,
            _label(ORGANISATION_KIND_LABELS, r.kind),
            r.kind not in FLEMISH_KINDS,
        )
        for r in rows
    }
    for code in ids - set(found):
        found[code] = Owner(code, code, _label(ORGANISATION_KIND_LABELS, None), False)
    return found


def _blocks(rows: list[tuple[int, str, str]]) -> dict[int, dict[str, set[str]]]:
    """{project id: {building block: {"uses", "delivers"}}}"""
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for project_id, block, role in rows:
        found[project_id][block].add(role)
    return found


_BOTH_USE = {"nl": "gebruiken het allebei", "en": "both use it"}
_THEY_DELIVER = {"nl": "dat project levert het", "en": "that project delivers it"}
_WE_DELIVER = {"nl": "dit project levert het", "en": "this project delivers it"}
_BOTH_DELIVER = {"nl": "leveren het allebei", "en": "both deliver it"}


def _how_shared(mine: set[str], theirs: set[str]) -> Label:
    if "delivers" in mine and "delivers" in theirs:
        return _BOTH_DELIVER
    if "delivers" in theirs:
        return _THEY_DELIVER
    if "delivers" in mine:
        return _WE_DELIVER
    return _BOTH_USE


def register_checks(session: Session, project_id: int) -> Checks | None:
    """What the register says about project `project_id` (None when it does not exist)."""
    project = session.get(Project, project_id)
    if project is None:
        return None
    domain_rows = session.execute(
        select(ProjectFocusDomain.project_id, ProjectFocusDomain.focus_domain)
    ).all()
    domains: dict[int, set[str]] = defaultdict(set)
    for pid, code in domain_rows:
        domains[pid].add(code)
    blocks = _blocks(
        [
            (r.project_id, r.building_block, r.role)
            for r in session.execute(
                select(
                    ProjectBuildingBlock.project_id,
                    ProjectBuildingBlock.building_block,
                    ProjectBuildingBlock.role,
                )
            )
        ]
    )
    mine_domains = domains.get(project_id, set())
    mine_blocks = blocks.get(project_id, {})
    others = {
        p.id: p
        for p in session.execute(
            select(Project).where(Project.id != project_id, Project.status != "stopped")
        ).scalars()
    }
    partner_rows = session.execute(
        select(ProjectPartner.project_id, ProjectPartner.organisation_id).where(
            ProjectPartner.project_id.in_(list(others))
        )
    ).all()
    partners_of: dict[int, set[str]] = defaultdict(set)
    for pid, org in partner_rows:
        partners_of[pid].add(org)
    owners = _owners(
        session,
        {p.owner_organisation_id for p in others.values()}
        | {org for orgs in partners_of.values() for org in orgs},
    )

    def order(code: str, table: dict[str, Label]) -> int:
        return list(table).index(code) if code in table else len(table)

    related: list[RelatedProject] = []
    for other in others.values():
        shared_domains = sorted(mine_domains & domains.get(other.id, set()),
                                key=lambda c: order(c, FOCUS_DOMAINS))  # fmt: skip
        theirs = blocks.get(other.id, {})
        shared_blocks = sorted(set(mine_blocks) & set(theirs),
                               key=lambda c: order(c, BUILDING_BLOCKS))  # fmt: skip
        if not shared_domains and not shared_blocks:
            continue
        related.append(
            RelatedProject(
                id=other.id,
                title=other.title,
                owner=owners[other.owner_organisation_id],
                vrd2=other.vrd2,
                status=_label(PROJECT_STATUSES, other.status),
                shared_domains=tuple(_label(FOCUS_DOMAINS, c) for c in shared_domains),
                shared_blocks=tuple(
                    (_label(BUILDING_BLOCKS, c), _how_shared(mine_blocks[c], theirs[c]))
                    for c in shared_blocks
                ),
            )
        )
    related.sort(key=lambda r: (-(len(r.shared_domains) + len(r.shared_blocks)), r.title))

    delivered: dict[str, list[Project]] = defaultdict(list)
    for other in others.values():
        for code, roles in blocks.get(other.id, {}).items():
            if "delivers" in roles:
                delivered[code].append(other)
    reusable = [
        ReusableBlock(
            block=_label(BUILDING_BLOCKS, code),
            delivered_by=tuple(
                (p.id, p.title, owners[p.owner_organisation_id].name)
                for p in sorted(delivered[code], key=lambda p: p.title)
            ),
            already_used="uses" in mine_blocks.get(code, set()),
        )
        for code in sorted(delivered, key=lambda c: order(c, BUILDING_BLOCKS))
        if "delivers" not in mine_blocks.get(code, set())
    ]

    found: dict[str, tuple[list[str], set[str]]] = {}
    for other in sorted(others.values(), key=lambda p: p.title):
        shared = mine_domains & domains.get(other.id, set())
        if not shared:
            continue
        for org in [other.owner_organisation_id, *sorted(partners_of.get(other.id, set()))]:
            if org == project.owner_organisation_id:
                continue
            titles, codes = found.setdefault(org, ([], set()))
            if other.title not in titles:
                titles.append(other.title)
            codes |= shared
    partners = [
        Partner(
            owner=owners[org],
            projects=tuple(titles),
            domains=tuple(
                _label(FOCUS_DOMAINS, c)
                for c in sorted(codes, key=lambda c: order(c, FOCUS_DOMAINS))
            ),
        )
        for org, (titles, codes) in found.items()
    ]
    partners.sort(key=lambda p: (-len(p.domains), -len(p.projects), p.owner.name))
    return Checks(
        project_id=project_id,
        domains=tuple(
            _label(FOCUS_DOMAINS, c)
            for c in sorted(mine_domains, key=lambda c: order(c, FOCUS_DOMAINS))
        ),
        uses=tuple(
            _label(BUILDING_BLOCKS, c)
            for c, roles in sorted(mine_blocks.items(), key=lambda i: order(i[0], BUILDING_BLOCKS))
            if "uses" in roles
        ),
        delivers=tuple(
            _label(BUILDING_BLOCKS, c)
            for c, roles in sorted(mine_blocks.items(), key=lambda i: order(i[0], BUILDING_BLOCKS))
            if "delivers" in roles
        ),
        related=tuple(related),
        reusable=tuple(reusable),
        partners=tuple(partners),
    )


# -- the reviews of a project --------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewView:
    """One review of a project, as the project page and the API show it."""

    id: int
    uuid: str
    case_id: int | None
    status: str
    status_label: Label
    government_meeting_on: date
    advice_due_on: date
    question: str
    verdict: str | None
    verdict_label: Label | None
    advice_text: str | None
    overlap_findings: str | None
    reuse_findings: str | None
    partner_suggestions: str | None
    intake_note: str | None
    approved_by: str | None
    approved_by_name: str | None
    approved_at: datetime | None
    created_at: datetime
    late: bool = field(default=False)
    """Past its advice due date (by `today`) and not approved, declined or withdrawn."""

    def as_dict(self, language: str = "nl") -> dict[str, Any]:
        """JSON-able, labels in `language` (for the projects API)."""
        pick = "en" if language == "en" else "nl"
        return {
            "id": self.uuid,
            "case_id": self.case_id,
            "status": self.status,
            "status_label": self.status_label[pick],
            "government_meeting_on": self.government_meeting_on.isoformat(),
            "advice_due_on": self.advice_due_on.isoformat(),
            "question": self.question,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label[pick] if self.verdict_label else None,
            "advice_text": self.advice_text,
            "overlap_findings": self.overlap_findings,
            "reuse_findings": self.reuse_findings,
            "partner_suggestions": self.partner_suggestions,
            "approved_by": self.approved_by_name,
            "approved_at": self.approved_at.isoformat() if self.approved_at else None,
            "late": self.late,
        }


OPEN_STATUSES = ("intake", "checking", "drafted")


def reviews_of(session: Session, project_id: int, today: date | None = None) -> list[ReviewView]:
    """The reviews of project `project_id`, newest government meeting first. With `today`,
    open reviews past their advice due date are marked `late`."""
    rows = list(
        session.execute(
            select(ProjectReview)
            .where(ProjectReview.project_id == project_id)
            .order_by(ProjectReview.government_meeting_on.desc(), ProjectReview.id.desc())
        ).scalars()
    )
    approvers = {r.approved_by for r in rows if r.approved_by}
    names = (
        dict(
            session.execute(
                select(UserAccount.id, UserAccount.display_name).where(
                    UserAccount.id.in_(sorted(approvers))
                )
            ).all()
        )
        if approvers
        else {}
    )
    return [
        ReviewView(
            id=r.id,
            uuid=r.uuid,
            case_id=r.case_id,
            status=r.status,
            status_label=_label(REVIEW_STATUSES, r.status),
            government_meeting_on=r.government_meeting_on,
            advice_due_on=r.advice_due_on,
            question=r.question,
            verdict=r.verdict,
            verdict_label=_label(ADVICE_VERDICTS, r.verdict) if r.verdict else None,
            advice_text=r.advice_text,
            overlap_findings=r.overlap_findings,
            reuse_findings=r.reuse_findings,
            partner_suggestions=r.partner_suggestions,
            intake_note=r.intake_note,
            approved_by=r.approved_by,
            approved_by_name=names.get(r.approved_by, r.approved_by) if r.approved_by else None,
            approved_at=r.approved_at,
            created_at=r.created_at,
            late=today is not None and r.status in OPEN_STATUSES and r.advice_due_on < today,
        )
        for r in rows
    ]


def review_of_case(session: Session, case_id: int) -> ProjectReview | None:
    """The review a `project_review` case records."""
    return (
        session.execute(
            select(ProjectReview)
            .where(ProjectReview.case_id == case_id)
            .order_by(ProjectReview.id.desc())
        )
        .scalars()
        .first()
    )
