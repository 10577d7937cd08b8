"""Records of the follow-up processes: working-group mandates, escalation dossiers to the Flemish
Government, and comply-or-explain obligations with their status history.

These tables reference the committee's core records (`decision`, `organisation`,
`working_group`) and cases by id only, without foreign-key constraints, so that this module and
the core records can be deployed in either order. Organisation and working-group ids are kept
as strings (up to 50 characters): the same values are used as role-grant scopes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.models import Base

MANDATE_STATUSES = ("proposed", "approved", "accepted", "reporting", "reported", "bundled", "late")
"""proposed → approved (chair) → accepted (wg chair) → reporting (first status update) →
reported (report in) → bundled (proposal back on the agenda); `late` once the due date passed
without a report (it stays late until the report comes in)."""

DOSSIER_STATUSES = ("draft", "approved", "sent", "answered")
ANSWERS = ("binding_agreement", "refusal", "amendment")

OBLIGATION_STATUSES = (
    "open",
    "complied",
    "explained",
    "explanation_accepted",
    "explanation_rejected",
    "overdue",
    "escalated",
)
SETTLED_STATUSES = ("complied", "explanation_accepted")
"""Statuses that need nothing more from the entity or the secretariat."""

STATUS_LABELS: dict[str, dict[str, str]] = {
    # mandate
    "proposed": {"nl": "Voorgesteld", "en": "Proposed"},
    "approved": {"nl": "Goedgekeurd", "en": "Approved"},
    "accepted": {"nl": "Aanvaard", "en": "Accepted"},
    "reporting": {"nl": "Rapporteert", "en": "Reporting"},
    "reported": {"nl": "Rapport ingediend", "en": "Reported"},
    "bundled": {"nl": "Gebundeld tot voorstel", "en": "Bundled into a proposal"},
    "late": {"nl": "Laattijdig", "en": "Late"},
    # escalation dossier
    "draft": {"nl": "Ontwerp", "en": "Draft"},
    "sent": {"nl": "Verstuurd", "en": "Sent"},
    "answered": {"nl": "Beantwoord", "en": "Answered"},
    # obligation
    "open": {"nl": "Open", "en": "Open"},
    "complied": {"nl": "Toegepast", "en": "Complied"},
    "explained": {"nl": "Uitgelegd", "en": "Explained"},
    "explanation_accepted": {"nl": "Uitleg aanvaard", "en": "Explanation accepted"},
    "explanation_rejected": {"nl": "Uitleg niet aanvaard", "en": "Explanation not accepted"},
    "overdue": {"nl": "Laattijdig", "en": "Overdue"},
    "escalated": {"nl": "Geëscaleerd", "en": "Escalated"},
}
"""Display labels of every status above (Dutch and English), for the web app."""

ANSWER_LABELS: dict[str, dict[str, str]] = {
    "binding_agreement": {"nl": "Bindende afspraak", "en": "Binding agreement"},
    "refusal": {"nl": "Weigering", "en": "Refusal"},
    "amendment": {"nl": "Amendement", "en": "Amendment"},
}


class Mandate(Base):
    """A working group's mandate (opdracht): question, focus domain, deliverable, due date."""

    __tablename__ = "mandate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    topic_case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    working_group_id: Mapped[str] = mapped_column(String(50), index=True)
    question: Mapped[str] = mapped_column(Text)
    focus_domain: Mapped[str | None] = mapped_column(String(60))
    deliverable: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    status_every_weeks: Mapped[int | None] = mapped_column(Integer)
    """Requested when proposed; at acceptance, the rhythm decided by workgroup_reporting.dmn."""
    status: Mapped[str] = mapped_column(String(20), index=True)
    last_status_note: Mapped[str | None] = mapped_column(Text)
    last_status_at: Mapped[datetime | None]
    status_updates: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None]
    proposal: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class EscalationDossier(Base):
    """A dossier the committee sends up to the Flemish Government, and the answer that came back."""

    __tablename__ = "escalation_dossier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    topic_case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    decision_id: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    decision_needed: Mapped[str] = mapped_column(Text)
    background: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(30))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Obligation(Base):
    """What one entity must do about one decision (comply or explain), and its answer.

    `case_id` is the comply-or-explain case that created it; `entity_case_id` the per-entity
    `obligation` case that follows it up. `decision_text` and `focus_domain` are a snapshot of
    the decision as the entity was asked to apply it.
    """

    __tablename__ = "obligation"
    __table_args__ = (
        Index("ix_obligation_decision_org", "decision_id", "organisation_id"),
        # the dashboard's adoption figures (processes/records/dashboard.py): covering indexes
        Index("ix_obligation_org_status", "organisation_id", "status"),
        Index("ix_obligation_domain_org_status", "focus_domain", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    entity_case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    decision_id: Mapped[int] = mapped_column(Integer, index=True)
    organisation_id: Mapped[str] = mapped_column(String(50), index=True)
    decision_text: Mapped[str] = mapped_column(Text)
    focus_domain: Mapped[str | None] = mapped_column(String(60), index=True)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), index=True)
    # comply
    what_done: Mapped[str | None] = mapped_column(Text)
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    # explain
    reason: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    mitigation: Mapped[str | None] = mapped_column(Text)
    planned_on: Mapped[date | None] = mapped_column(Date)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(100))
    # assessment of an explanation by the secretariat
    assessment_note: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime | None]
    assessed_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ObligationStatus(Base):
    """One status an obligation went through: when, by whom, and why."""

    __tablename__ = "obligation_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligation.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
