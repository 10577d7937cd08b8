"""The *Verloop* of a case: its audit trail told as sentences in the reader's language.

The audit trail keeps what happened in the engine's and the processes' own terms (action keys,
role ids, entity codes, ISO dates, technical reasons). A page shows each entry as one sentence
("Ines Vandenberghe diende het onderwerp in."), with a reason only where a person wrote it (a
chair's reason, a secretariat's note). Bookkeeping entries (changed case data, a linked record)
are left out; technical incident text is for admins only, others read a plain sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from engine.running.queries import AuditInfo, TaskInfo
from webapp.i18n import day
from webapp.plain import scope_label
from webapp.wording import role_label, task_label

SYSTEM_ACTORS = frozenset({"system", "scheduler"})

HIDDEN = frozenset(
    {
        "case_data_changed",
        "obligation_linked",
        "escalation_dossier_linked",
        "agenda_item_changed",
        "preferences_changed",
        "case_retitled",
    }
)
"""Bookkeeping that says nothing a reader of the case needs."""

HUMAN_REASONS = frozenset(
    {
        "case_suspended",
        "case_resumed",
        "case_terminated",
        "case_retried",
        "topic_deferred",
        "agenda_published",
        "mandate_revised",
        "mandate_accepted",
        "mandate_status_update",
        "mandate_extended",
        "obligation_explanation_accepted",
        "obligation_explanation_rejected",
        "project_review_declined",
        "project_review_advice_sent_back",
    }
)
"""Actions whose reason a person wrote (the others carry technical notes)."""


@dataclass(frozen=True)
class Moment:
    """One line of the timeline."""

    at: datetime
    sentence: str
    reason: str | None = None
    technical: str | None = None
    """Incident detail: shown to admins only."""


def _who(entry: AuditInfo, name: Callable[[str | None], str]) -> str:
    if entry.actor in SYSTEM_ACTORS:
        return "Stuurboord"
    if entry.on_behalf_of:
        return _(
            "%(deputy)s (vervanger van %(principal)s)",
            deputy=name(entry.actor),
            principal=name(entry.on_behalf_of),
        )
    return name(entry.actor)


def _after(entry: AuditInfo, key: str) -> Any:
    change = (entry.changes or {}).get(key)
    return change.get("after") if isinstance(change, dict) else None


def _date_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return day(value)
    if isinstance(value, str):
        try:
            return day(datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value))
        except ValueError:
            return ""
    return ""


def _assigned_to(task: TaskInfo | None, name: Callable[[str | None], str]) -> str:
    if task is None:
        return ""
    if task.assignee:
        return name(task.assignee)
    label = role_label(task.role)
    return f"{label}, {scope_label(task.scope)}" if task.scope else label


def sentence(entry: AuditInfo, task: TaskInfo | None, name: Callable[[str | None], str]) -> str:
    """What one audit entry says, as a sentence."""
    who = _who(entry, name)
    what = f"„{task_label(task)}”" if task is not None else _("een taak")
    action = entry.action
    simple = {
        "case_started": _("%(who)s startte het dossier."),
        "case_completed": _("Het dossier is afgerond."),
        "case_terminated": _("%(who)s stopte het dossier."),
        "case_suspended": _("%(who)s schortte het dossier op."),
        "case_resumed": _("%(who)s hervatte het dossier."),
        "case_retried": _("%(who)s liet de mislukte stap opnieuw proberen."),
        "message_received": _("Er kwam een antwoord of bericht binnen voor dit dossier."),
        "timer_fired": _("Een termijn of gepland tijdstip is bereikt."),
        "topic_submitted": _("%(who)s diende het onderwerp in."),
        "question_submitted": _("De vraag is als onderwerp ingediend."),
        "question_answered": _("De vraag is beantwoord en het antwoord is bezorgd."),
        "question_overdue": _("Het antwoord op de vraag laat op zich wachten."),
        "treatment_outcome_overdue": _("De uitkomst van de behandeling laat op zich wachten."),
        "follow_up_started": _("De opvolging van de behandeling is gestart."),
        "agenda_item_added": _("Het onderwerp is op de agenda geplaatst."),
        "agenda_published": _("De agenda is gepubliceerd en naar de leden gestuurd."),
        "agenda_requested": _("Er is gevraagd om dit op de agenda van het Stuurorgaan te zetten."),
        "meeting_planned": _("De zitting is gepland."),
        "meeting_agenda_frozen": _("De agenda is afgesloten."),
        "meeting_published": _("De agenda is gepubliceerd."),
        "meeting_held": _("De zitting is gehouden."),
        "meeting_minutes_approved": _("De notulen zijn goedgekeurd."),
        "minutes_approved": _("De goedkeuring van de notulen is geregistreerd."),
        "treatment_recorded": _("De behandeling van een agendapunt is vastgelegd."),
        "decision_recorded": _("Een besluit is vastgelegd."),
        "decisions_reported": _("De besluiten zijn aan het Voorzitterscollege gemeld."),
        "followup_requested": _("Pas toe of leg uit is gevraagd voor de bindende afspraak."),
        "mandate_proposed": _("De opdracht aan de werkgroep is voorgesteld."),
        "mandate_revised": _("De opdracht is herwerkt."),
        "mandate_approved": _("De voorzitter keurde de opdracht goed."),
        "mandate_accepted": _("De werkgroep aanvaardde de opdracht."),
        "mandate_status_update": _("De werkgroep meldde de stand van zaken."),
        "mandate_extended": _("De termijn van de opdracht is verlengd."),
        "mandate_reported": _("De werkgroep diende haar rapport in."),
        "mandate_late": _("Het rapport van de werkgroep is te laat."),
        "mandate_bundled": _("Het secretariaat bundelde het rapport tot een voorstel."),
        "escalation_dossier_opened": _("Het escalatiedossier is geopend."),
        "escalation_dossier_prepared": _("Het escalatiedossier is voorbereid."),
        "escalation_dossier_approved": _("De voorzitter keurde het escalatiedossier goed."),
        "escalation_dossier_sent": _("Het dossier is naar de Vlaamse Regering gestuurd."),
        "escalation_dossier_answered": _("Het antwoord van de Vlaamse Regering is geregistreerd."),
        "obligation_opened": _("De verplichting voor de overheidsinstantie is opgelegd."),
        "obligation_complied": _("De overheidsinstantie past het besluit toe."),
        "obligation_explained": _("De overheidsinstantie legde uit waarom ze het niet toepast."),
        "obligation_explanation_accepted": _("Het secretariaat aanvaardde de uitleg."),
        "obligation_explanation_rejected": _("Het secretariaat aanvaardde de uitleg niet."),
        "obligation_overdue": _("Het antwoord van de overheidsinstantie is te laat."),
        "obligation_escalated": _("De laattijdige overheidsinstantie is geëscaleerd."),
        "project_review_opened": _("De toetsing van het project is geopend."),
        "project_review_taken_up": _("Het secretariaat nam de toetsing in behandeling."),
        "project_review_declined": _("Het secretariaat nam de toetsing niet in behandeling."),
        "project_review_checked": _("Het secretariaat legde zijn bevindingen vast."),
        "project_review_advice_drafted": _("Het secretariaat stelde het advies op."),
        "project_review_advice_sent_back": _("De voorzitter stuurde het advies terug."),
        "project_review_advice_approved": _("De voorzitter keurde het advies goed."),
        "comment_added": _("%(who)s schreef een opmerking."),
        "project_report_added_to_topic": _(
            "Het rapport buiten tolerantie is bij het onderwerp gevoegd dat nog loopt."
        ),
        "task_created": _("De taak %(what)s staat klaar (%(whom)s)."),
        "task_completed": _("%(who)s rondde de taak %(what)s af."),
        "task_claimed": _("%(who)s nam de taak %(what)s op."),
        "task_unclaimed": _("%(who)s gaf de taak %(what)s vrij."),
        "task_cancelled": _("De taak %(what)s is vervallen."),
        "due_date_extended": _("De termijn van de taak %(what)s is verschoven."),
        "reminder_sent": _("Er ging een herinnering uit voor de taak %(what)s."),
        "escalation_raised": _("De taak %(what)s is te laat en is geëscaleerd."),
        "incident_raised": _(
            "Een automatische stap liep mis. De beheerder is verwittigd en lost het op."
        ),
    }
    if action == "screening_recorded":
        admissible = _after(entry, "verdict") == "admissible"
        return (
            _("De screening is vastgelegd: het onderwerp is toelaatbaar.")
            if admissible
            else _("De screening is vastgelegd: het onderwerp is (nog) niet toelaatbaar.")
        )
    if action == "topic_deferred":
        until = _date_text(_after(entry, "deferred_until"))
        if until:
            return _("De voorzitter stelde het onderwerp uit tot %(day)s.", day=until)
    template = simple.get(action)
    if template is None:
        return _("Er is een stap in het dossier vastgelegd.")
    return template % {"who": who, "what": what, "whom": _assigned_to(task, name)}


def moments(
    trail: Iterable[AuditInfo],
    tasks: Iterable[TaskInfo],
    name: Callable[[str | None], str],
    *,
    admin: bool = False,
) -> list[Moment]:
    """The case's timeline, newest first."""
    by_id = {task.id: task for task in tasks}
    shown = []
    for entry in trail:
        if entry.action in HIDDEN:
            continue
        task = by_id.get(entry.task_id or "")
        reason = entry.reason if entry.action in HUMAN_REASONS and entry.reason else None
        technical = (
            entry.reason if admin and entry.action in ("incident_raised", "job_failed") else None
        )
        shown.append(Moment(entry.at, sentence(entry, task, name), reason, technical))
    shown.reverse()
    return shown
