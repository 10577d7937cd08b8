"""What the pages call things: roles, statuses and audit actions, in the current language."""

from __future__ import annotations

import functools

from flask_babel import get_locale
from flask_babel import gettext as _


def get_locale_name() -> str:
    return str(get_locale() or "nl")


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
    labels = {
        "running": _("lopend"),
        "incident": _("incident"),
        "completed": _("afgerond"),
        "terminated": _("stopgezet"),
        "ready": _("open"),
        "cancelled": _("geannuleerd"),
        "open": _("open"),
        "resolved": _("opgelost"),
    }
    return labels.get(status, status)


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
    }
    return labels.get(action, action.replace("_", " "))
