"""Records of the steering framework (sturingskader): digitisation projects and their follow-up,
reviews for the Flemish Government, and actions and KPIs per focus domain.

Tables (names are a contract with the process packages, the web app and the dashboard):

* ``project`` with ``project_focus_domain``, ``project_building_block`` (generic building
  blocks a project uses or delivers), ``project_partner`` (partners and sponsors),
  ``project_milestone`` and ``project_report`` (a progress report: status, budget spent,
  milestones, and the topic it submitted when it broke a tolerance); ``project_topic`` links a
  project to the topics it brought to the committee.
* ``project_review``: the committee's review (toetsing) of a project outside VRD2 that goes to
  the Flemish Government, and the advice it produced (a formal record).
* ``focus_domain_ambition``: each focus domain's ambition from the strategic plan.
* ``steering_action`` and ``kpi`` with ``kpi_measurement``; ``decision_action``,
  ``decision_kpi`` and ``action_kpi`` link decisions, actions and KPIs (the lineage).

Like ``processes.records.followup``, cases, decisions and organisations are referenced by id
without foreign keys, so the record modules deploy in any order. Amounts are whole euros.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import uuid4

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.models import Base
from processes.records.reference import Label

PROJECT_STATUSES: dict[str, Label] = {
    "planned": {"nl": "Gepland", "en": "Planned"},
    "running": {"nl": "Lopend", "en": "Running"},
    "completed": {"nl": "Afgerond", "en": "Completed"},
    "stopped": {"nl": "Stopgezet", "en": "Stopped"},
}
REPORT_HEALTH: dict[str, Label] = {
    "on_track": {"nl": "Op schema", "en": "On track"},
    "at_risk": {"nl": "Risico", "en": "At risk"},
    "off_track": {"nl": "Ontspoord", "en": "Off track"},
}
"""The owner's own judgement in a progress report (the dashboard's project health)."""

BUILDING_BLOCKS: dict[str, Label] = {
    "mijn_burgerprofiel": {"nl": "Mijn Burgerprofiel", "en": "Mijn Burgerprofiel"},
    "magda": {"nl": "MAGDA-diensten", "en": "MAGDA services"},
    "acm_idm": {"nl": "Gebruikersbeheer (ACM/IDM)", "en": "User management (ACM/IDM)"},
    "basisregisters": {"nl": "Basisregisters", "en": "Base registries"},
    "e_loket": {"nl": "e-loket ondernemers", "en": "e-counter for entrepreneurs"},
    "lblod": {"nl": "Lokale besluiten als linked open data", "en": "Local decisions as LOD"},
    "vlaamse_wegwijzer": {"nl": "Vlaamse Wegwijzer", "en": "Flemish signpost"},
    "digitaal_archief": {"nl": "Digitaal archief", "en": "Digital archive"},
    "notificatieplatform": {"nl": "Notificatieplatform", "en": "Notification platform"},
    "betaalplatform": {"nl": "Betaalplatform", "en": "Payment platform"},
}
"""The generic building blocks (generieke bouwstenen) the register tracks."""

BLOCK_ROLES: dict[str, Label] = {
    "uses": {"nl": "Gebruikt", "en": "Uses"},
    "delivers": {"nl": "Levert", "en": "Delivers"},
}
PARTNER_ROLES: dict[str, Label] = {
    "partner": {"nl": "Partner", "en": "Partner"},
    "sponsor": {"nl": "Sponsor", "en": "Sponsor"},
}
REVIEW_STATUSES: dict[str, Label] = {
    "intake": {"nl": "Intake", "en": "Intake"},
    "checking": {"nl": "Toetsing", "en": "Checking"},
    "drafted": {"nl": "Advies in ontwerp", "en": "Advice drafted"},
    "approved": {"nl": "Advies goedgekeurd", "en": "Advice approved"},
    "declined": {"nl": "Niet in behandeling genomen", "en": "Not taken up"},
    "withdrawn": {"nl": "Ingetrokken", "en": "Withdrawn"},
}
ADVICE_VERDICTS: dict[str, Label] = {
    "favourable": {"nl": "Gunstig", "en": "Favourable"},
    "conditional": {"nl": "Gunstig onder voorwaarden", "en": "Favourable with conditions"},
    "unfavourable": {"nl": "Ongunstig", "en": "Unfavourable"},
}
ACTION_KINDS: dict[str, Label] = {
    "training": {"nl": "Opleiding", "en": "Training"},
    "knowledge_sharing": {"nl": "Kennisdeling", "en": "Knowledge sharing"},
    "service": {"nl": "Nieuwe dienst", "en": "New service"},
    "technical": {"nl": "Technische oplossing", "en": "Technical solution"},
    "communication": {"nl": "Marketing en communicatie", "en": "Marketing and communication"},
}
ACTION_STATUSES: dict[str, Label] = {
    "planned": {"nl": "Gepland", "en": "Planned"},
    "running": {"nl": "Lopend", "en": "Running"},
    "done": {"nl": "Uitgevoerd", "en": "Done"},
    "dropped": {"nl": "Geschrapt", "en": "Dropped"},
}


def new_uuid() -> str:
    return str(uuid4())


class Project(Base):
    """A digitisation project the committee follows (VRD2) or reviews (outside VRD2)."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, index=True, default=new_uuid)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_organisation_id: Mapped[str] = mapped_column(String(50), index=True)
    owner_user_id: Mapped[str | None] = mapped_column(String(100), index=True)
    """The project owner's contact: the person who writes the progress reports."""
    vrd2: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    started_on: Mapped[date | None] = mapped_column(Date)
    planned_end_on: Mapped[date | None] = mapped_column(Date)
    budget_planned: Mapped[int] = mapped_column(Integer, default=0)
    budget_spent: Mapped[int] = mapped_column(Integer, default=0)
    """The last reported spend (each report's own figure stays on ``project_report``)."""
    health: Mapped[str | None] = mapped_column(String(20))
    """The last report's health (``REPORT_HEALTH``); None before the first report."""
    report_every_weeks: Mapped[int | None] = mapped_column(Integer)
    followup_case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProjectFocusDomain(Base):
    __tablename__ = "project_focus_domain"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    focus_domain: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class ProjectBuildingBlock(Base):
    __tablename__ = "project_building_block"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    building_block: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    """``uses`` or ``delivers`` (``BLOCK_ROLES``)."""


class ProjectPartner(Base):
    __tablename__ = "project_partner"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    """``partner`` or ``sponsor`` (``PARTNER_ROLES``)."""


class ProjectMilestone(Base):
    """A milestone: planned date, the owner's latest forecast, and when it was reached."""

    __tablename__ = "project_milestone"
    __table_args__ = (
        Index("ix_project_milestone_project", "project_id", "position"),
        # the dashboard's late-milestone count (processes/records/dashboard.py): covering
        Index("ix_project_milestone_dates", "project_id", "planned_on", "forecast_on", "done_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    planned_on: Mapped[date] = mapped_column(Date)
    forecast_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class ProjectReport(Base):
    """One progress report from the project owner (in a follow-up case)."""

    __tablename__ = "project_report"
    __table_args__ = (Index("ix_project_report_project", "project_id", "reported_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    health: Mapped[str] = mapped_column(String(20))
    budget_spent: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    budget_over_percent: Mapped[float | None] = mapped_column(Float)
    """How far the spend runs over plan, as computed for the tolerance table."""
    worst_milestone_delay_days: Mapped[int | None] = mapped_column(Integer)
    over_tolerance: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """The topic this report submitted to the committee, when it broke a tolerance."""
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime]


class ProjectTopic(Base):
    """A topic (case) brought to the committee about a project."""

    __tablename__ = "project_topic"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    topic_case_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    linked_at: Mapped[datetime]


class ProjectReview(Base):
    """The committee's review of a project going to the Flemish Government, and its advice."""

    __tablename__ = "project_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, index=True, default=new_uuid)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    government_meeting_on: Mapped[date] = mapped_column(Date)
    """The date of the Flemish Government's meeting that takes the project."""
    advice_due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="intake", index=True)
    question: Mapped[str] = mapped_column(Text, default="")
    overlap_findings: Mapped[str | None] = mapped_column(Text)
    reuse_findings: Mapped[str | None] = mapped_column(Text)
    partner_suggestions: Mapped[str | None] = mapped_column(Text)
    intake_note: Mapped[str | None] = mapped_column(Text)
    """Why the secretariat took the review up or declined it (p009)."""
    chair_remark: Mapped[str | None] = mapped_column(Text)
    """The chair's remark when the advice was last sent back (p009)."""
    verdict: Mapped[str | None] = mapped_column(String(20))
    advice_text: Mapped[str | None] = mapped_column(Text)
    drafted_by: Mapped[str | None] = mapped_column(String(100))
    drafted_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FocusDomainAmbition(Base):
    """A focus domain's ambition as the strategic plan states it."""

    __tablename__ = "focus_domain_ambition"

    focus_domain: Mapped[str] = mapped_column(String(60), primary_key=True)
    ambition_nl: Mapped[str] = mapped_column(Text)
    ambition_en: Mapped[str] = mapped_column(Text)


class SteeringAction(Base):
    """An action in a focus domain (training, knowledge sharing, a new service, a solution)."""

    __tablename__ = "steering_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    focus_domain: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))
    owner_organisation_id: Mapped[str | None] = mapped_column(String(50), index=True)
    owner_user_id: Mapped[str | None] = mapped_column(String(100), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Kpi(Base):
    """A high-level KPI of a focus domain: a target, and values measured by its owner."""

    __tablename__ = "kpi"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    focus_domain: Mapped[str] = mapped_column(String(60), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    """Shown after each value: "%", "gebruikers", "diensten"."""
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    target_on: Mapped[date] = mapped_column(Date)
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    owner_user_id: Mapped[str | None] = mapped_column(String(100), index=True)
    measure_every_months: Mapped[int] = mapped_column(Integer, default=3)
    measurement_case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class KpiMeasurement(Base):
    """One measured value of a KPI."""

    __tablename__ = "kpi_measurement"
    __table_args__ = (Index("ix_kpi_measurement_kpi", "kpi_id", "measured_on", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"))
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(Integer)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime]


class DecisionAction(Base):
    __tablename__ = "decision_action"

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("steering_action.id"), primary_key=True)


class DecisionKpi(Base):
    __tablename__ = "decision_kpi"

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), primary_key=True)


class ActionKpi(Base):
    __tablename__ = "action_kpi"

    action_id: Mapped[int] = mapped_column(ForeignKey("steering_action.id"), primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), primary_key=True)
