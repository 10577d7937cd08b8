"""Herkomst (lineage): the chain a record belongs to, from a topic to the KPIs it led to.

The chain, read from the records (parent → child):

    project → topic                          (project_topic: a topic brought up about a project)
    topic → working-group mandate            (mandate.topic_case_id)
    topic → agenda item → treatment          (agenda_item.topic_case_id, treatment.agenda_item_id)
    treatment → decision                     (decision.treatment_id)
    decision → obligation per entity         (obligation.decision_id)
    decision → action, decision → KPI        (decision_action, decision_kpi)
    project → action → KPI                   (steering_action.project_id, action_kpi)

:func:`lineage` starts from one record of an *entry kind* (``ENTRY_KINDS``) and walks up to
every record it comes from and down to every record it led to; siblings (another decision's
actions, the KPI's other actions) are not part of the chain. Two additions make the chain
read as people expect: a topic always brings its working-group mandates (the group that
prepared it), and an obligation brings what its decision led to besides the obligations
(actions and KPIs): an entity's obligation is one branch of the decision's follow-up.

The walk queries by level and by kind (``IN`` lists), so a chain costs a few queries per step,
not per record. The result is plain data: nodes (kind, id, a title in plain words, a status
label in Dutch and English, a date, and the references a page needs to link each node) and
edges. An unknown kind raises :class:`UnknownKind`; an unknown id ``engine.NotFound``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import NotFound
from engine.storage.models import Case
from processes.records.dates import local_date
from processes.records.followup import STATUS_LABELS, Mandate, Obligation
from processes.records.models import (
    AgendaItem,
    Decision,
    Meeting,
    Organisation,
    Treatment,
    WorkingGroup,
)
from processes.records.oslo import PUBLISHED_STATUS
from processes.records.reference import AGENDA_KINDS, OUTCOMES, Label
from processes.records.steering import (
    ACTION_STATUSES,
    PROJECT_STATUSES,
    ActionKpi,
    DecisionAction,
    DecisionKpi,
    Kpi,
    KpiMeasurement,
    Project,
    ProjectTopic,
    SteeringAction,
)
from processes.records.titles import TOPIC_PROCESS, short

ENTRY_KINDS: tuple[str, ...] = ("topic", "decision", "obligation", "project", "action", "kpi")
"""The kinds a lineage can start from (``/herkomst/<kind>/<id>``)."""

KINDS: tuple[str, ...] = (
    "project",
    "topic",
    "mandate",
    "agenda_item",
    "treatment",
    "decision",
    "obligation",
    "action",
    "kpi",
)
"""Every kind of node, in the order of the chain (a page lists the steps in this order)."""

KIND_LABELS: dict[str, Label] = {
    "project": {"nl": "Project", "en": "Project"},
    "topic": {"nl": "Onderwerp", "en": "Topic"},
    "mandate": {"nl": "Opdracht aan een werkgroep", "en": "Working-group mandate"},
    "agenda_item": {"nl": "Agendapunt", "en": "Agenda item"},
    "treatment": {"nl": "Behandeling", "en": "Treatment"},
    "decision": {"nl": "Besluit", "en": "Decision"},
    "obligation": {"nl": "Pas toe of leg uit", "en": "Comply or explain"},
    "action": {"nl": "Actie", "en": "Action"},
    "kpi": {"nl": "KPI", "en": "KPI"},
}

CASE_STATUSES: dict[str, Label] = {
    "running": {"nl": "Lopend", "en": "Running"},
    "completed": {"nl": "Afgerond", "en": "Completed"},
    "terminated": {"nl": "Stopgezet", "en": "Stopped"},
    "incident": {"nl": "Wacht op de beheerder", "en": "Waiting for the administrator"},
}
DECISION_STATUSES: dict[str, Label] = {
    "binding": {"nl": "Bindend", "en": "Binding"},
    "recommendation": {"nl": "Niet bindend", "en": "Not binding"},
}
KPI_STATUSES: dict[str, Label] = {
    "unmeasured": {"nl": "Nog niet gemeten", "en": "Not measured yet"},
    "reached": {"nl": "Doel gehaald", "en": "Target reached"},
    "not_reached": {"nl": "Doel nog niet gehaald", "en": "Target not reached yet"},
}


class UnknownKind(ValueError):
    """A lineage was asked for a kind of record that has none."""

    def __init__(self, kind: str) -> None:
        super().__init__(
            f"unknown kind of record {kind!r}: a lineage starts from one of "
            + ", ".join(ENTRY_KINDS)
        )
        self.kind = kind


Key = tuple[str, int]
"""(kind, id) of a node; a topic's id is its case id."""


@dataclass(frozen=True)
class Node:
    """One record in a chain."""

    kind: str
    id: int
    title: str
    """In plain words (the record's own title or name; data, usually Dutch)."""
    status: str | None
    status_label: Label | None
    day: date | None
    """The date that places it in time: submitted, held, decided, due, measured."""
    refs: dict[str, Any] = field(default_factory=dict)
    """What a page needs to link it: ``case_id`` (its case page), ``meeting_id``,
    ``public_uuid`` (a published decision's public page), ``topic_case_id``."""

    @property
    def key(self) -> Key:
        return (self.kind, self.id)

    @property
    def kind_label(self) -> Label:
        return KIND_LABELS[self.kind]

    @property
    def is_entry(self) -> bool:
        """Whether it has a lineage page of its own."""
        return self.kind in ENTRY_KINDS


@dataclass(frozen=True)
class Edge:
    """`source` led to `target` (parent → child)."""

    source: Key
    target: Key


@dataclass(frozen=True)
class Lineage:
    start: Key
    nodes: tuple[Node, ...]
    """In the order of the chain: by kind (``KINDS``), then date, then id."""
    edges: tuple[Edge, ...]

    def node(self, key: Key) -> Node:
        return next(n for n in self.nodes if n.key == key)

    def node_keys(self) -> set[Key]:
        return {n.key for n in self.nodes}

    def parents(self, key: Key) -> list[Node]:
        found = {e.source for e in self.edges if e.target == key}
        return [n for n in self.nodes if n.key in found]

    def children(self, key: Key) -> list[Node]:
        found = {e.target for e in self.edges if e.source == key}
        return [n for n in self.nodes if n.key in found]


# -- the walk ----------------------------------------------------------------------------------


def lineage(session: Session, kind: str, record_id: int) -> Lineage:
    """The chain the record `kind`/`record_id` belongs to (see the module docstring)."""
    if kind not in ENTRY_KINDS:
        raise UnknownKind(kind)
    start: Key = (kind, record_id)
    if not _exists(session, kind, record_id):
        raise NotFound(f"{kind} {record_id} not found")
    edges: set[tuple[Key, Key]] = set()
    up = _walk(session, {start}, _parents, edges, upward=True)
    down = _walk(session, {start}, _children, edges, upward=False)
    keys = {start} | up | down
    if kind == "obligation":
        decisions = {source for source, target in edges if target == start}
        further = _walk(session, decisions, _children, edges, upward=False, skip={"obligation"})
        keys |= further
    topics = {key for key in keys if key[0] == "topic"}
    keys |= _walk(session, topics, _children, edges, upward=False, only={"mandate"})
    kept = tuple(Edge(s, t) for s, t in sorted(edges) if s in keys and t in keys)
    nodes = _describe(session, keys)
    order = {k: i for i, k in enumerate(KINDS)}
    nodes.sort(key=lambda n: (order[n.kind], n.day or date.min, n.id))
    return Lineage(start, tuple(nodes), kept)


def _walk(
    session: Session,
    seeds: set[Key],
    step: Callable[[Session, set[Key]], list[tuple[Key, Key]]],
    edges: set[tuple[Key, Key]],
    *,
    upward: bool,
    only: set[str] | None = None,
    skip: set[str] | None = None,
) -> set[Key]:
    """Every key reached from `seeds` by repeating `step` (one query per kind per level)."""
    seen: set[Key] = set()
    frontier = set(seeds)
    while frontier:
        found: set[Key] = set()
        for near, far in step(session, frontier):
            if (only is not None and far[0] not in only) or (skip and far[0] in skip):
                continue
            edges.add((far, near) if upward else (near, far))
            if far not in seen and far not in seeds:
                found.add(far)
        seen |= found
        frontier = found
    return seen


def _by_kind(keys: Iterable[Key]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for kind, record_id in keys:
        grouped[kind].append(record_id)
    return grouped


def _link(
    session: Session, near: tuple[str, Any], far: tuple[str, Any], ids: list[int]
) -> list[tuple[Key, Key]]:
    """(near key, far key) for the rows whose `near` column is in `ids` (one query)."""
    (near_kind, near_column), (far_kind, far_column) = near, far
    query = select(near_column, far_column).where(near_column.in_(ids))
    return [
        ((near_kind, a), (far_kind, b)) for a, b in session.execute(query).all() if b is not None
    ]


UP: dict[str, tuple[tuple[tuple[str, Any], tuple[str, Any]], ...]] = {
    "kpi": (
        (("kpi", ActionKpi.kpi_id), ("action", ActionKpi.action_id)),
        (("kpi", DecisionKpi.kpi_id), ("decision", DecisionKpi.decision_id)),
    ),
    "action": (
        (("action", DecisionAction.action_id), ("decision", DecisionAction.decision_id)),
        (("action", SteeringAction.id), ("project", SteeringAction.project_id)),
    ),
    "obligation": ((("obligation", Obligation.id), ("decision", Obligation.decision_id)),),
    "decision": ((("decision", Decision.id), ("treatment", Decision.treatment_id)),),
    "treatment": ((("treatment", Treatment.id), ("agenda_item", Treatment.agenda_item_id)),),
    "agenda_item": ((("agenda_item", AgendaItem.id), ("topic", AgendaItem.topic_case_id)),),
    "mandate": ((("mandate", Mandate.id), ("topic", Mandate.topic_case_id)),),
    "topic": ((("topic", ProjectTopic.topic_case_id), ("project", ProjectTopic.project_id)),),
}
"""Per kind, how to find its parents: (child column, parent column)."""

DOWN: dict[str, tuple[tuple[tuple[str, Any], tuple[str, Any]], ...]] = {
    "project": (
        (("project", ProjectTopic.project_id), ("topic", ProjectTopic.topic_case_id)),
        (("project", SteeringAction.project_id), ("action", SteeringAction.id)),
    ),
    "topic": (
        (("topic", Mandate.topic_case_id), ("mandate", Mandate.id)),
        (("topic", AgendaItem.topic_case_id), ("agenda_item", AgendaItem.id)),
    ),
    "agenda_item": ((("agenda_item", Treatment.agenda_item_id), ("treatment", Treatment.id)),),
    "treatment": ((("treatment", Decision.treatment_id), ("decision", Decision.id)),),
    "decision": (
        (("decision", Obligation.decision_id), ("obligation", Obligation.id)),
        (("decision", DecisionAction.decision_id), ("action", DecisionAction.action_id)),
        (("decision", DecisionKpi.decision_id), ("kpi", DecisionKpi.kpi_id)),
    ),
    "action": ((("action", ActionKpi.action_id), ("kpi", ActionKpi.kpi_id)),),
}
"""Per kind, how to find its children: (parent column, child column)."""


def _parents(session: Session, keys: set[Key]) -> list[tuple[Key, Key]]:
    """(child, parent) for every parent of `keys`."""
    return _follow(session, keys, UP)


def _children(session: Session, keys: set[Key]) -> list[tuple[Key, Key]]:
    """(parent, child) for every child of `keys`."""
    return _follow(session, keys, DOWN)


def _follow(
    session: Session,
    keys: set[Key],
    links: dict[str, tuple[tuple[tuple[str, Any], tuple[str, Any]], ...]],
) -> list[tuple[Key, Key]]:
    out: list[tuple[Key, Key]] = []
    for kind, ids in sorted(_by_kind(keys).items()):
        for near, far in links.get(kind, ()):
            out += _link(session, near, far, sorted(ids))
    return out


def _exists(session: Session, kind: str, record_id: int) -> bool:
    if not 0 < record_id <= 2**31 - 1:
        return False
    if kind == "topic":
        query = select(Case.id).where(Case.id == record_id, Case.process_id == TOPIC_PROCESS)
        return session.execute(query).first() is not None
    model = {
        "decision": Decision,
        "obligation": Obligation,
        "project": Project,
        "action": SteeringAction,
        "kpi": Kpi,
    }[kind]
    return session.get(model, record_id) is not None


# -- what each node says -----------------------------------------------------------------------


def _describe(session: Session, keys: set[Key]) -> list[Node]:
    ids = _by_kind(keys)
    nodes: list[Node] = []
    if "project" in ids:
        nodes += _projects(session, ids["project"])
    if "topic" in ids:
        nodes += _topics(session, ids["topic"])
    if "mandate" in ids:
        nodes += _mandates(session, ids["mandate"])
    if "agenda_item" in ids or "treatment" in ids or "decision" in ids:
        nodes += _meeting_records(
            session, ids.get("agenda_item", []), ids.get("treatment", []), ids.get("decision", [])
        )
    if "obligation" in ids:
        nodes += _obligations(session, ids["obligation"])
    if "action" in ids:
        nodes += _actions(session, ids["action"])
    if "kpi" in ids:
        nodes += _kpis(session, ids["kpi"])
    return nodes


def _projects(session: Session, ids: list[int]) -> list[Node]:
    rows = session.execute(select(Project).where(Project.id.in_(ids))).scalars()
    return [
        Node("project", p.id, p.title, p.status, PROJECT_STATUSES.get(p.status),
             p.started_on or local_date(p.created_at))
        for p in rows
    ]  # fmt: skip


def _topics(session: Session, ids: list[int]) -> list[Node]:
    rows = session.execute(
        select(Case.id, Case.title, Case.status, Case.started_at).where(Case.id.in_(ids))
    ).all()
    return [
        Node("topic", r.id, short(r.title or ""), r.status, CASE_STATUSES.get(r.status),
             local_date(r.started_at), {"case_id": r.id})
        for r in rows
    ]  # fmt: skip


def _mandates(session: Session, ids: list[int]) -> list[Node]:
    rows = session.execute(
        select(Mandate, WorkingGroup.name)
        .outerjoin(WorkingGroup, WorkingGroup.id == Mandate.working_group_id)
        .where(Mandate.id.in_(ids))
    ).all()
    return [
        Node("mandate", m.id, name or short(m.question), m.status, STATUS_LABELS.get(m.status),
             m.due_date, {"case_id": m.case_id, "topic_case_id": m.topic_case_id})
        for m, name in rows
    ]  # fmt: skip


def _meeting_records(
    session: Session, item_ids: list[int], treatment_ids: list[int], decision_ids: list[int]
) -> list[Node]:
    """Agenda items, treatments and decisions: one query, joined to their meeting."""
    query = (
        select(AgendaItem, Meeting, Treatment, Decision)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .outerjoin(Treatment, Treatment.agenda_item_id == AgendaItem.id)
        .outerjoin(Decision, Decision.treatment_id == Treatment.id)
        .where(
            AgendaItem.id.in_(item_ids)
            | Treatment.id.in_(treatment_ids)
            | Decision.id.in_(decision_ids)
        )
    )
    nodes: list[Node] = []
    for item, meeting, treatment, decision in session.execute(query).all():
        refs = {"meeting_id": meeting.id, "topic_case_id": item.topic_case_id}
        if item.id in item_ids:
            nodes.append(Node("agenda_item", item.id, meeting.title, item.kind,
                              AGENDA_KINDS.get(item.kind), meeting.meeting_date,
                              {**refs, "position": item.position}))  # fmt: skip
        if treatment is not None and treatment.id in treatment_ids:
            text = treatment.decision_text or treatment.note or item.title
            outcome = treatment.outcome
            nodes.append(Node("treatment", treatment.id, short(text), outcome,
                              OUTCOMES.get(outcome), meeting.meeting_date, refs))  # fmt: skip
        if decision is not None and decision.id in decision_ids:
            published = meeting.status == PUBLISHED_STATUS and item.public
            status = "binding" if decision.binding else "recommendation"
            nodes.append(Node("decision", decision.id, short(item.title or decision.text),
                              status, DECISION_STATUSES[status], meeting.meeting_date,
                              {**refs, "case_id": decision.topic_case_id,
                               "public_uuid": decision.uuid if published else None,
                               "deadline": decision.deadline}))  # fmt: skip
    return nodes


def _obligations(session: Session, ids: list[int]) -> list[Node]:
    rows = session.execute(
        select(Obligation, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Obligation.organisation_id)
        .where(Obligation.id.in_(ids))
    ).all()
    return [
        Node("obligation", o.id, name or short(o.decision_text), o.status,
             STATUS_LABELS.get(o.status), o.deadline,
             {"case_id": o.entity_case_id, "decision_id": o.decision_id})
        for o, name in rows
    ]  # fmt: skip


def _actions(session: Session, ids: list[int]) -> list[Node]:
    rows = session.execute(select(SteeringAction).where(SteeringAction.id.in_(ids))).scalars()
    return [
        Node("action", a.id, a.title, a.status, ACTION_STATUSES.get(a.status),
             a.done_on or a.due_on, {"focus_domain": a.focus_domain})
        for a in rows
    ]  # fmt: skip


def _kpis(session: Session, ids: list[int]) -> list[Node]:
    kpis = list(session.execute(select(Kpi).where(Kpi.id.in_(ids))).scalars())
    latest: dict[int, KpiMeasurement] = {}
    measured = session.execute(
        select(KpiMeasurement)
        .where(KpiMeasurement.kpi_id.in_(ids))
        .order_by(KpiMeasurement.kpi_id, KpiMeasurement.measured_on)
    ).scalars()
    for row in measured:
        latest[row.kpi_id] = row
    nodes = []
    for k in kpis:
        last = latest.get(k.id)
        if last is None:
            status = "unmeasured"
        else:
            reached = last.value >= k.target if k.higher_is_better else last.value <= k.target
            status = "reached" if reached else "not_reached"
        refs = {
            "focus_domain": k.focus_domain,
            "unit": k.unit,
            "target": k.target,
            "target_on": k.target_on,
            "last_value": None if last is None else last.value,
        }
        day = k.target_on if last is None else last.measured_on
        nodes.append(Node("kpi", k.id, k.name, status, KPI_STATUSES[status], day, refs))
    return nodes
