"""The committee's core domain records, shared by every process package and the web app.

* :mod:`processes.records.models`: the tables (organisation, person, committee_seat,
  working_group(_member), meeting, agenda_item, treatment, decision, decision_entity);
* :mod:`processes.records.reference`: reference lists (focus domains, VRD2 priorities, kinds)
  with Dutch and English labels;
* :mod:`processes.records.directory`: writing reference data (organisations, people, seats,
  working groups);
* :mod:`processes.records.queries`: read helpers for screens (agenda of a meeting, meetings,
  decisions);
* :mod:`processes.records.formkit` and :mod:`processes.records.dates`: form building blocks and
  the committee's calendar dates;
* :mod:`processes.records.notify` and :mod:`processes.records.announcements`: notifications
  from service handlers and from the tasks people wait for;
* :mod:`processes.records.steering`: the steering framework's tables (projects, reviews,
  actions, KPIs and their links);
* :mod:`processes.records.names`: the models' names in Dutch and English;
* :mod:`processes.records.choices`: the choices of pickers from the records, and the check that
  refuses unknown codes before a task completes.
"""

from __future__ import annotations

from engine import Registry
from processes.records import (
    models,  # noqa: F401 - the tables join Base.metadata on import
    steering,  # noqa: F401 - idem
)
from processes.records.choices import check_references


def register(registry: Registry) -> None:
    """No forms or service handlers of its own: it checks every form's references to records
    (:func:`processes.records.choices.check_references`), registers the task hooks that notify
    people, the English names of the models' elements and the committee's webhook event
    types (:mod:`processes.records.events`)."""
    from processes.records import announcements, events, names

    registry.form_check(check_references)
    announcements.register(registry)
    events.register(registry)
    registry.names = names.names_of
