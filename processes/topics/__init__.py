"""Topic submission and agenda admission (process ``topic``), and questions from the college of
chairs (process ``college_question``).

Models: ``bpmn/topic.bpmn``, ``bpmn/college_question.bpmn``, the admission conditions in
``bpmn/admission.dmn``; reminder policy in ``bpmn/policy/10-topics-meetings.toml``.
"""

from __future__ import annotations

from engine import Registry
from processes.records import brief
from processes.topics.briefs import (
    COLLEGE_BRIEFS,
    TOPIC_BRIEFS,
    college_case_view,
    topic_case_view,
)
from processes.topics.forms import COLLEGE_FORMS, TOPIC_FORMS
from processes.topics.services import SERVICES

PROCESS_ID = "topic"
COLLEGE_PROCESS_ID = "college_question"
OUTCOME_MESSAGE = "treatment_outcome"
"""The message a meeting case sends each treated topic case (payload: the outcome)."""
ANSWER_MESSAGE = "question_answered"
"""The message a topic of kind question sends back to its college_question case."""


def register(registry: Registry) -> None:
    """Add the forms, briefs and service handlers of the topic and college-question processes."""
    for element_id, schema in TOPIC_FORMS.items():
        registry.form(PROCESS_ID, element_id, schema)
    for element_id, schema in COLLEGE_FORMS.items():
        registry.form(COLLEGE_PROCESS_ID, element_id, schema)
    brief.register(registry, PROCESS_ID, TOPIC_BRIEFS, topic_case_view)
    brief.register(registry, COLLEGE_PROCESS_ID, COLLEGE_BRIEFS, college_case_view)
    for name, handler in SERVICES.items():
        registry.service(name)(handler)
