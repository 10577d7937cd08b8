"""What the pages call things: roles, statuses, audit actions, processes, tasks and kinds, in the
current language."""

from __future__ import annotations

import functools
from typing import Any

from flask import g
from flask_babel import ngettext

from processes.records import names
from processes.records.reference import TOPIC_KINDS
from webapp.i18n import gettext as _
from webapp.i18n import language, localized


def get_locale_name() -> str:
    return language()


ROLES: tuple[str, ...] = (
    "submitter",
    "secretariat",
    "chair",
    "member",
    "wg_chair",
    "wg_member",
    "entity_contact",
    "government_liaison",
    "college_liaison",
    "admin",
)
"""Every role a user can hold (the lanes of the models), in the order pages list them."""


def role_label(role: str) -> str:
    return _role_labels(get_locale_name()).get(role, role)


@functools.lru_cache(maxsize=8)
def _role_labels(_language: str) -> dict[str, str]:
    """The translated role names, built once per language (gettext per row is slow)."""
    return {
        "submitter": _("indiener"),
        "secretariat": _("secretariaat"),
        "chair": _("voorzitter"),
        "member": _("lid"),
        "wg_chair": _("voorzitter werkgroep"),
        "wg_member": _("werkgroeplid"),
        "entity_contact": _("contactpersoon overheidsinstantie"),
        "government_liaison": _("vertegenwoordiger minister"),
        "college_liaison": _("Voorzitterscollege"),
        "admin": _("beheerder"),
    }


def status_label(status: str) -> str:
    return _status_labels(get_locale_name()).get(status, status)


@functools.lru_cache(maxsize=8)
def _status_labels(_language: str) -> dict[str, str]:
    """The translated status names, built once per language (a list page shows one per row)."""
    return {
        "running": _("lopend"),
        "incident": _("incident"),
        "completed": _("afgerond"),
        "terminated": _("stopgezet"),
        "ready": _("open"),
        "cancelled": _("geannuleerd"),
        "open": _("open"),
        "resolved": _("opgelost"),
        "planned": _("gepland"),
        "agenda_frozen": _("agenda afgesloten"),
        "published": _("agenda gepubliceerd"),
        "held": _("gehouden"),
        "minutes_approved": _("notulen goedgekeurd"),
        "pending": _("wacht op verzending"),
        "sent": _("verzonden"),
        "failed": _("mislukt"),
    }


def action_label(action: str) -> str:
    labels = {
        "case_started": _("Dossier gestart"),
        "case_completed": _("Dossier afgerond"),
        "case_terminated": _("Dossier stopgezet"),
        "case_suspended": _("Dossier opgeschort"),
        "case_resumed": _("Dossier hervat"),
        "case_retried": _("Opnieuw geprobeerd"),
        "case_data_changed": _("Gegevens gewijzigd"),
        "task_created": _("Taak aangemaakt"),
        "task_completed": _("Taak afgerond"),
        "task_claimed": _("Taak opgenomen"),
        "task_unclaimed": _("Taak vrijgegeven"),
        "task_cancelled": _("Taak vervallen"),
        "due_date_extended": _("Vervaldatum verschoven"),
        "message_received": _("Bericht ontvangen"),
        "signal_received": _("Signaal ontvangen"),
        "signal_broadcast": _("Signaal verstuurd"),
        "decision_evaluated": _("Beslissingstabel toegepast"),
        "timer_fired": _("Termijn verstreken"),
        "reminder_sent": _("Herinnering verstuurd"),
        "escalation_raised": _("Geëscaleerd"),
        "incident_raised": _("Incident"),
        "process_deployed": _("Procesversie geïnstalleerd"),
        "user_created": _("Gebruiker aangemaakt"),
        "role_granted": _("Rol toegekend"),
        "role_revoked": _("Rol ingetrokken"),
        "user_activated": _("Gebruiker geactiveerd"),
        "user_deactivated": _("Gebruiker gedeactiveerd"),
        "deputy_named": _("Vervanger aangeduid"),
        "job_failed": _("Geplande stap mislukt"),
        "webhook_added": _("Webhook toegevoegd"),
        "webhook_switched_on": _("Webhook aangezet"),
        "webhook_switched_off": _("Webhook uitgezet"),
        "webhook_deleted": _("Webhook verwijderd"),
        "webhook_resent": _("Webhookbericht opnieuw verstuurd"),
    }
    return labels.get(action, action.replace("_", " "))


# -- the names of processes, tasks and other model elements -------------------------------------


def model_name(name: str | None) -> str:
    """A name from a BPMN model (process, task, event, flow) in the current language."""
    if not name:
        return ""
    return names.in_language(name, get_locale_name())


def task_label(task: Any) -> str:
    """A task's name in the current language (its element id when the model names none)."""
    return model_name(getattr(task, "name", None)) or str(getattr(task, "element_id", ""))


def process_label(process_id: str) -> str:
    """A process's name in the current language, from its newest deployed version."""
    return model_name(_process_names().get(process_id)) or process_id


def _process_names() -> dict[str, str]:
    """Dutch process names by id (per request: deploys add versions while the app runs)."""
    found = g.get("_process_names")
    if found is None:
        from webapp.identity import engine

        found = {}
        for version in engine().versions():
            if version.name:
                found[version.process_id] = version.name
        g._process_names = found
    return found


def kind_label(kind: str | None) -> str:
    """What a topic case is about: onderwerp, escalatie or vraag."""
    if not kind:
        return ""
    return localized(TOPIC_KINDS.get(kind)) or kind


CASE_KIND_KEYS = ("kind",)
"""The keys of a case's data that case_kind reads (lists load only these: Engine.list_cases)."""


def case_kind(case: Any) -> str:
    """The kind shown for a case in *Dossiers*: the topic's kind, else the process's name."""
    data = getattr(case, "data", None) or {}
    kind = data.get("kind") if isinstance(data, dict) else None
    if getattr(case, "process_id", None) == "topic" and isinstance(kind, str) and kind:
        return kind_label(kind)
    return process_label(getattr(case, "process_id", ""))


def days(count: int) -> str:
    """Days with the right plural: "1 dag", "7 dagen" ("1 day", "7 days" in English)."""
    return ngettext("%(num)d dag", "%(num)d dagen", count)


def vote_counts(yes: int, no: int, abstain: int) -> str:
    """ "2 voor, 1 tegen, 1 onthouding" with the right plural ("2 for, 1 against, 1 abstention")."""
    return _(
        "%(yes)d voor, %(no)d tegen, %(abstentions)s",
        yes=yes,
        no=no,
        abstentions=ngettext("%(num)d onthouding", "%(num)d onthoudingen", abstain),
    )


def one_language(message: Any) -> str:
    """A message written as "Nederlands. / English." in the current language only."""
    text = str(message)
    if " / " not in text:
        return text
    dutch, _sep, english = text.partition(" / ")
    return english.strip() if get_locale_name() == "en" else dutch.strip()
