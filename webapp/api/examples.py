"""Examples in the OpenAPI document for the operations whose modules do not give their own:
a request body and/or the success answer, as a client would see them. `add_examples` puts
them in after the blueprints are registered; it never overrides an example an operation gives
itself.
"""

from __future__ import annotations

from typing import Any

CASE = {
    "id": 12,
    "process_id": "topic",
    "version": 1,
    "status": "running",
    "suspended": False,
    "title": "Gemeenschappelijk loket voor ondernemers",
    "started_by": "indiener",
    "started_at": "2026-11-20T09:00:00+00:00",
    "updated_at": "2026-12-03T12:00:00+00:00",
    "ended_at": None,
    "data": {"title": "Gemeenschappelijk loket voor ondernemers", "kind": "topic"},
}
TASK = {
    "id": "4f1c2b9e-7d3a-4c1e-9b2f-0a5d6e7f8a9b",
    "case_id": 12,
    "process_id": "topic",
    "element_id": "confirm_screening",
    "name": "Screening bevestigen",
    "role": "secretariat",
    "scope": None,
    "assignee": None,
    "state": "ready",
    "claimed_by": None,
    "created_at": "2026-12-01T09:00:00+00:00",
    "completed_at": None,
    "completed_by": None,
    "due_at": "2026-12-08T17:00:00+00:00",
}
TASK_DETAIL = {
    **TASK,
    "form": [
        {
            "name": "screening_note",
            "kind": "textarea",
            "label": "Opmerking bij de screening",
            "help": "Optioneel: context voor de indiener of de voorzitter.",
            "required": False,
            "choices": [],
        }
    ],
    "brief": {
        "sections": [
            {
                "label": "Toelatingsvoorwaarden",
                "empty": None,
                "facts": [
                    {"label": "Dient een prioriteit", "value": "ja", "verdict": True, "link": None}
                ],
            }
        ]
    },
}
AUDIT = {
    "seq": 481,
    "at": "2026-12-01T09:00:00+00:00",
    "actor": "secretariaat",
    "on_behalf_of": None,
    "action": "task_completed",
    "task_id": TASK["id"],
    "element_id": "confirm_screening",
    "changes": {"screening_note": {"before": None, "after": "In orde."}},
    "reason": None,
}
NOTIFICATION = {
    "id": 31,
    "case_id": 12,
    "template": "topic_admitted",
    "title": "Je onderwerp staat op de agenda",
    "body": "Gemeenschappelijk loket voor ondernemers komt op de zitting van 14 januari 2027.",
    "created_at": "2026-12-02T09:00:00+00:00",
    "read_at": None,
}
AGENDA_ITEM = {
    "agenda_item_id": 5,
    "meeting_id": 2,
    "position": 1,
    "topic_case_id": 12,
    "title": "Gemeenschappelijk loket voor ondernemers",
    "kind": "decision",
    "public": True,
    "topic_kind": "topic",
    "focus_domain": "service_strategy",
    "status": "scheduled",
    "outcome": None,
}
MEETING = {
    "meeting_id": 2,
    "case_id": 30,
    "title": "Zitting van 14 januari 2027",
    "meeting_date": "2027-01-14",
    "start_time": "10:00:00",
    "starts_at": "2027-01-14T09:00:00+00:00",
    "agenda_deadline": "2027-01-04",
    "location": "Herman Teirlinckgebouw, Brussel",
    "status": "planned",
    "published_at": None,
    "reported_at": None,
    "minutes_approved_on": None,
}
OBLIGATION = {
    "obligation_id": 9,
    "decision_id": 3,
    "decision_text": "Alle entiteiten gebruiken de gemeenschappelijke aanmelddienst.",
    "focus_domain": "service_strategy",
    "organisation_id": "gem-leuven",
    "status": "open",
    "status_label": "Open",
    "deadline": "2027-03-31",
    "answered_at": None,
    "entity_case_id": 41,
    "decision_adoption_pct": 50.0,
}
DECISION = {
    "decision_id": 3,
    "meeting_id": 1,
    "topic_case_id": 8,
    "treatment_id": 4,
    "text": OBLIGATION["decision_text"],
    "binding": True,
    "deadline": "2027-03-31",
    "focus_domain": "service_strategy",
    "decided_at": "2026-11-12T11:00:00+00:00",
    "entities": ["gem-gent", "gem-leuven"],
    "adoption_pct": 50.0,
}
KPI = {
    "kpi_id": 2,
    "focus_domain": "digital_upskilling",
    "name": "Ambtenaren met een basisopleiding digitalisering",
    "unit": "%",
    "baseline": 12.0,
    "target": 60.0,
    "target_on": "2027-12-31",
    "higher_is_better": True,
    "owner_user_id": "wim",
    "measure_every_months": 3,
    "measurement_case_id": 57,
    "last_value": 31.5,
    "last_measured_on": "2027-03-31",
    "trend": "better",
    "target_met": False,
}

MIGRATION_PLAN = {
    "process_id": "topic",
    "from_version": 1,
    "to_version": 2,
    "mapping": {"confirm_screening": "confirm_screening", "chair_decision": None},
    "unmapped": [{"id": "chair_decision", "name": "Beslissen over agendering", "kind": "UserTask"}],
    "suggested": {"chair_decision": "decide_admission"},
    "new_elements": [
        {"id": "decide_admission", "name": "Beslissen over toelating", "kind": "UserTask"}
    ],
}

LINEAGE = {
    "start": {"kind": "topic", "id": 12},
    "nodes": [
        {
            "kind": "topic",
            "id": 12,
            "kind_label": "Onderwerp",
            "title": "Mijn Burgerprofiel als standaard voor de status van dossiers",
            "status": "completed",
            "status_label": "Afgerond",
            "date": "2026-10-01",
            "case_id": 12,
            "page": "/dossiers/12",
            "lineage": "/api/v1/lineage/topic/12",
        },
        {
            "kind": "decision",
            "id": 3,
            "kind_label": "Besluit",
            "title": "Mijn Burgerprofiel als standaard voor de status van dossiers",
            "status": "binding",
            "status_label": "Bindend",
            "date": "2026-10-29",
            "case_id": 12,
            "page": "/dossiers/12",
            "lineage": "/api/v1/lineage/decision/3",
        },
        {
            "kind": "kpi",
            "id": 1,
            "kind_label": "KPI",
            "title": "Lokale besturen die de dossierstatus tonen in Mijn Burgerprofiel",
            "status": "not_reached",
            "status_label": "Doel nog niet gehaald",
            "date": "2026-09-30",
            "case_id": None,
            "page": "/sturingskader/kpis/1",
            "lineage": "/api/v1/lineage/kpi/1",
        },
    ],
    "edges": [
        {"source": {"kind": "topic", "id": 12}, "target": {"kind": "agenda_item", "id": 7}},
        {"source": {"kind": "decision", "id": 3}, "target": {"kind": "kpi", "id": 1}},
    ],
}
MILESTONE = {
    "id": 7,
    "position": 2,
    "title": "Livegang",
    "planned_on": "2027-03-31",
    "forecast_on": "2027-06-14",
    "done_on": None,
    "delay_days": 75,
}
PROJECT = {
    "id": 3,
    "title": "Omgevingsloket 2.0",
    "owner_organisation_id": "dep-omg",
    "owner": "Departement Omgeving",
    "vrd2": True,
    "status": "running",
    "status_label": "Lopend",
    "health": "at_risk",
    "health_label": "Risico",
    "budget_planned": 1000000,
    "budget_spent": 1180000,
    "budget_over_percent": 18.0,
    "focus_domains": ["common_counter_functions", "data"],
    "next_milestone": MILESTONE,
    "followup_case_id": 40,
}
PROJECT_DETAIL = {
    **PROJECT,
    "description": "Eén loket voor alle omgevingsvergunningen.",
    "owner_user_id": "indiener",
    "started_on": "2026-01-05",
    "planned_end_on": "2027-06-30",
    "report_every_weeks": 6,
    "blocks_used": ["magda"],
    "blocks_delivered": ["notificatieplatform"],
    "partners": [{"organisation_id": "gem-gent", "name": "Stad Gent"}],
    "sponsors": [{"organisation_id": "fb", "name": "Facilitair Bedrijf"}],
    "milestones": [MILESTONE],
    "reports": [
        {
            "id": 5,
            "case_id": 40,
            "reported_on": "2026-11-30",
            "health": "at_risk",
            "budget_spent": 1180000,
            "summary": "De aanbesteding liep duurder uit dan gepland.",
            "budget_over_percent": 18.0,
            "worst_milestone_delay_days": 75,
            "over_tolerance": True,
            "topic_case_id": 41,
            "submitted_by": "indiener",
        }
    ],
    "topics": [
        {
            "case_id": 41,
            "title": "Project Omgevingsloket 2.0: budget 18 % boven planning",
            "reason": "Project Omgevingsloket 2.0: budget 18 % boven planning",
            "linked_on": "2026-11-30",
        }
    ],
    "reviews": [
        {
            "id": "5b0c6f0e-2f55-4a39-9c1e-7d0e8a1f4b21",
            "case_id": 52,
            "status": "approved",
            "status_label": "Advies goedgekeurd",
            "government_meeting_on": "2027-02-19",
            "advice_due_on": "2027-02-05",
            "question": "Past het project in de afspraken over gedeelde bouwstenen?",
            "verdict": "conditional",
            "verdict_label": "Gunstig onder voorwaarden",
            "advice_text": "Gunstig, als het project het notificatieplatform hergebruikt.",
            "overlap_findings": "Overlapt met het meldingenproject van Stad Gent.",
            "reuse_findings": "Het notificatieplatform bestaat al.",
            "partner_suggestions": "Stad Gent en Stad Leuven.",
            "approved_by": "Voorzitter Stuurorgaan",
            "approved_at": "2027-02-03T10:15:00+00:00",
            "late": False,
        }
    ],
}

EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/api/v1/cases"): {"response": [CASE]},
    ("post", "/api/v1/cases"): {
        "request": {
            "process_id": "topic",
            "title": "Gemeenschappelijk loket voor ondernemers",
            "data": {
                "kind": "topic",
                "title": "Gemeenschappelijk loket voor ondernemers",
                "summary": "Eén loket voor alle aanvragen van ondernemers.",
                "question": "Kiest het Stuurorgaan voor één gemeenschappelijk loket?",
                "impact": "Minder dubbele aanvragen; alle entiteiten sluiten aan.",
                "affected_entities": ["dep-omg", "gem-gent"],
                "focus_domains": ["service_strategy"],
            },
        },
        "response": CASE,
    },
    ("get", "/api/v1/cases/{case_id}"): {"response": {**CASE, "tasks": [TASK]}},
    ("get", "/api/v1/cases/{case_id}/audit"): {"response": [AUDIT]},
    ("get", "/api/v1/tasks"): {"response": [TASK]},
    ("get", "/api/v1/tasks/{task_id}"): {"response": TASK_DETAIL},
    ("post", "/api/v1/tasks/{task_id}/claim"): {"response": {**TASK, "claimed_by": "secretariaat"}},
    ("post", "/api/v1/tasks/{task_id}/unclaim"): {"response": TASK},
    ("post", "/api/v1/tasks/{task_id}/complete"): {
        "request": {"data": {"screening_note": "In orde."}},
        "response": CASE,
    },
    ("get", "/api/v1/notifications"): {"response": [NOTIFICATION]},
    ("get", "/api/v1/notifications/unread-count"): {"response": {"unread": 3}},
    ("post", "/api/v1/notifications/read"): {"request": {"ids": [31]}, "response": {"marked": 1}},
    ("get", "/api/v1/meetings"): {"response": [MEETING]},
    ("get", "/api/v1/meetings/{meeting_id}"): {"response": {**MEETING, "agenda": [AGENDA_ITEM]}},
    ("get", "/api/v1/meetings/{meeting_id}/agenda"): {"response": [AGENDA_ITEM]},
    ("get", "/api/v1/decisions"): {"response": [DECISION]},
    ("get", "/api/v1/decisions/{decision_id}"): {
        "response": {**DECISION, "obligations": [OBLIGATION]}
    },
    ("get", "/api/v1/obligations"): {"response": [OBLIGATION]},
    ("get", "/api/v1/lineage/{kind}/{record_id}"): {
        "parameters": {"kind": "topic", "record_id": 12},
        "response": LINEAGE,
    },
    ("get", "/api/v1/obligations/{obligation_id}"): {"response": OBLIGATION},
    ("get", "/api/v1/kpis"): {"response": [KPI]},
    ("get", "/api/v1/kpis/{kpi_id}"): {
        "response": {
            **KPI,
            "measurements": [
                {"measured_on": "2026-12-31", "value": 24.0, "note": None, "entered_by": "wim"},
                {
                    "measured_on": "2027-03-31",
                    "value": 31.5,
                    "note": "Bron: opleidingsregister",
                    "entered_by": "wim",
                },
            ],
            "action_ids": [4],
            "decision_ids": [3],
        }
    },
    ("post", "/api/v1/signals"): {
        "request": {"name": "voorbeeld_signaal", "data": {"reden": "voorbeeld"}},
        "response": {
            "name": "voorbeeld_signaal",
            "delivered": [],
            "started": [],
            "skipped": [],
            "conflicts": [],
        },
    },
    ("delete", "/api/v1/deputies/{deputy_period_id}"): {"parameters": {"deputy_period_id": 4}},
    ("get", "/api/v1/migrations/plan"): {"response": [MIGRATION_PLAN]},
    ("get", "/api/v1/projects"): {"response": [PROJECT]},
    ("get", "/api/v1/projects/{project_id}"): {"response": PROJECT_DETAIL},
    ("post", "/api/v1/migrations"): {
        "request": {"process_id": "topic", "to_version": 2, "dry_run": True},
        "response": {
            "process_id": "topic",
            "to_version": 2,
            "dry_run": True,
            "plans": [MIGRATION_PLAN],
            "cases": [
                {
                    "case_id": 12,
                    "title": "Gemeenschappelijk loket voor ondernemers",
                    "from_version": 1,
                    "to_version": 2,
                    "result": "can_move",
                    "waiting_in": ["confirm_screening"],
                    "reasons": [],
                }
            ],
            "summary": {"can_move": 1},
        },
    },
}


def add_examples(paths: dict[str, dict[str, Any]]) -> None:
    """Put the examples above into the document's operations (those without their own)."""
    for (method, path), example in EXAMPLES.items():
        item = paths.get(path)
        operation = (item or {}).get(method)
        if not isinstance(operation, dict):
            continue
        if "request" in example:
            for media in operation.get("requestBody", {}).get("content", {}).values():
                media.setdefault("example", example["request"])
        if "response" in example:
            for code, response in operation.get("responses", {}).items():
                if str(code).startswith("2") and isinstance(response, dict):
                    for media in response.get("content", {}).values():
                        media.setdefault("example", example["response"])
        for name, value in example.get("parameters", {}).items():
            for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                if isinstance(parameter, dict) and parameter.get("name") == name:
                    parameter.setdefault("example", value)
