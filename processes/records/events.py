"""The committee's own webhook event types (CloudEvents), emitted by the service tasks that
record what they announce, in the same transaction (`ServiceCall.emit_event`).

The payloads carry ids, codes and dates, never free text such as a decision's wording or an
entity's explanation: a receiver that needs more asks the API, which checks its rights.
"""

from __future__ import annotations

from engine import Registry

DECISION_RECORDED = "be.stuurboord.decision.recorded"
OBLIGATION_ANSWERED = "be.stuurboord.obligation.answered"
OBLIGATION_OVERDUE = "be.stuurboord.obligation.overdue"

TYPES = {
    DECISION_RECORDED: {"nl": "Besluit vastgelegd", "en": "Decision recorded"},
    OBLIGATION_ANSWERED: {
        "nl": "Pas toe of leg uit beantwoord",
        "en": "Comply-or-explain answered",
    },
    OBLIGATION_OVERDUE: {
        "nl": "Pas toe of leg uit laattijdig",
        "en": "Comply-or-explain overdue",
    },
}


def register(registry: Registry) -> None:
    for event_type, names in TYPES.items():
        registry.webhook_event(event_type, names)
