"""Reference lists of the committee, with Dutch and English labels.

The codes are stored in records and case data; the labels are for forms and screens. Lists come
from the seed (strategic plan 2020-2024, annex): focus domains in the plan's order of priority,
the VRD2 priorities, the composition of the committee. The focus-domain codes are the same as
in ``processes.followup.vocabulary``.
"""

from __future__ import annotations

from collections.abc import Mapping

Label = Mapping[str, str]
"""{"nl": "...", "en": "..."}"""

NON_FUNCTIONAL_FOCUS_DOMAINS: dict[str, Label] = {
    "service_strategy": {"nl": "Servicestrategie", "en": "Service strategy"},
    "data": {"nl": "Data", "en": "Data"},
    "digital_instruments": {
        "nl": "Strategie digitaal instrumentarium",
        "en": "Digital instruments strategy",
    },
    "cybersecurity": {"nl": "Cybersecurity", "en": "Cybersecurity"},
    "privacy": {"nl": "Privacy", "en": "Privacy"},
    "digital_legislation": {
        "nl": "Wetgeving 'designed for digital'",
        "en": "Legislation designed for digital",
    },
    "intergovernmental_cooperation": {
        "nl": "Interbestuurlijke samenwerking",
        "en": "Cooperation between governments",
    },
    "innovation": {"nl": "Innovatie", "en": "Innovation"},
    "financing": {"nl": "Financiering", "en": "Financing"},
    "digital_upskilling": {"nl": "Digital upskilling", "en": "Digital upskilling"},
}

FUNCTIONAL_FOCUS_DOMAINS: dict[str, Label] = {
    "streamlining_sites_counters": {
        "nl": "Stroomlijnen van sites en loketten",
        "en": "Streamlining sites and counters",
    },
    "common_counter_functions": {
        "nl": "Gemeenschappelijke loketfunctionaliteiten",
        "en": "Common counter functions",
    },
    "generic_process_parts": {
        "nl": "Generieke delen van bedrijfsprocessen en user journeys",
        "en": "Generic parts of business processes and user journeys",
    },
    "data_driven_policy": {"nl": "Datagedreven beleid", "en": "Data-driven policy"},
}

FOCUS_DOMAINS: dict[str, Label] = {**NON_FUNCTIONAL_FOCUS_DOMAINS, **FUNCTIONAL_FOCUS_DOMAINS}

VRD2_PRIORITIES: dict[str, Label] = {
    "mijn_burgerprofiel": {"nl": "Mijn Burgerprofiel", "en": "Mijn Burgerprofiel"},
    "e_loket_ondernemers": {
        "nl": "e-loket voor ondernemers",
        "en": "e-counter for entrepreneurs",
    },
    "lblod": {
        "nl": "Lokale Besluiten als geLinkte Open Data",
        "en": "Local decisions as linked open data",
    },
    "kbv_magda": {"nl": "Kruispuntbank Vlaanderen/MAGDA", "en": "Kruispuntbank Vlaanderen/MAGDA"},
    "webplatform": {"nl": "Webplatform", "en": "Web platform"},
    "generic_counter_functions": {
        "nl": "Generieke loketfunctionaliteiten",
        "en": "Generic counter functions",
    },
}

ORGANISATION_KINDS: tuple[str, ...] = ("agency", "department", "province", "municipality", "other")
ORGANISATION_KIND_LABELS: dict[str, Label] = {
    "agency": {"nl": "Agentschap", "en": "Agency"},
    "department": {"nl": "Departement", "en": "Department"},
    "province": {"nl": "Provincie", "en": "Province"},
    "municipality": {"nl": "Gemeente", "en": "Municipality"},
    "other": {"nl": "Andere", "en": "Other"},
}

SEAT_KINDS: tuple[str, ...] = (
    "chair",
    "policy_domain",
    "local",
    "facilitair_bedrijf",
    "informatie_vlaanderen",
    "innovator",
    "minister_representative",
    "digitalisation_expert",
)
SEAT_KIND_LABELS: dict[str, Label] = {
    "chair": {"nl": "Voorzitter", "en": "Chair"},
    "policy_domain": {"nl": "Lid voor een beleidsdomein", "en": "Policy-domain member"},
    "local": {"nl": "Lokaal bestuur", "en": "Local government"},
    "facilitair_bedrijf": {"nl": "Facilitair Bedrijf", "en": "Facilitair Bedrijf"},
    "informatie_vlaanderen": {"nl": "Informatie Vlaanderen", "en": "Informatie Vlaanderen"},
    "innovator": {"nl": "Externe innovator", "en": "External innovator"},
    "minister_representative": {
        "nl": "Vertegenwoordiger van een minister",
        "en": "Minister's representative",
    },
    "digitalisation_expert": {
        "nl": "Interne digitaliseringsexpert",
        "en": "Internal digitalisation expert",
    },
}

TOPIC_KINDS: dict[str, Label] = {
    "topic": {"nl": "Onderwerp", "en": "Topic"},
    "escalation": {"nl": "Escalatie van een overheidsinstantie", "en": "Escalation by an entity"},
    "question": {"nl": "Vraag van het Voorzitterscollege", "en": "Question from the college"},
}

MEETING_STATUSES: tuple[str, ...] = (
    "planned",
    "agenda_frozen",
    "published",
    "held",
    "minutes_approved",
)

AGENDA_KINDS: dict[str, Label] = {
    "decision": {"nl": "Ter beslissing", "en": "For decision"},
    "discussion": {"nl": "Ter bespreking", "en": "For discussion"},
    "information": {"nl": "Ter informatie", "en": "For information"},
}

AGENDA_ITEM_STATUSES: tuple[str, ...] = ("scheduled", "treated", "deferred")

OUTCOMES: dict[str, Label] = {
    "decided": {"nl": "Beslist", "en": "Decided"},
    "working_group": {"nl": "Naar een werkgroep", "en": "Assigned to a working group"},
    "deferred": {"nl": "Uitgesteld", "en": "Deferred"},
    "escalated": {"nl": "Geëscaleerd naar de Vlaamse Regering", "en": "Escalated"},
    "noted": {"nl": "Genoteerd", "en": "Noted"},
}
