"""What the web app needs from the engine that the facade does not offer yet.

`start_event_id(engine, process_id)`: the id of the process's single none start event in its
latest version (the key its start form is registered under). Uses `Engine.start_event_id`
when the facade has it; until then reads the deployed model itself (read only, hardened parser).
Remove the fallback once the facade method exists.
"""

from __future__ import annotations

from lxml import etree
from sqlalchemy import select

from engine import Engine

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def start_event_id(engine: Engine, process_id: str) -> str | None:
    method = getattr(engine, "start_event_id", None)
    if callable(method):
        return method(process_id)  # type: ignore[no-any-return]
    from engine.models import ProcessVersion  # temporary: until the facade has start_event_id

    with engine.db.read() as session:
        xml = session.execute(
            select(ProcessVersion.source_xml)
            .where(ProcessVersion.process_id == process_id)
            .order_by(ProcessVersion.version.desc())
            .limit(1)
        ).scalar_one_or_none()
    if xml is None:
        return None
    root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") != process_id:
            continue
        starts = [
            event.get("id")
            for event in process.findall(f"{{{BPMN}}}startEvent")
            if not any(str(child.tag).endswith("EventDefinition") for child in event)
        ]
        return starts[0] if len(starts) == 1 else None
    return None
