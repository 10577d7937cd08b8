"""*Vergelijken* in the modeller: what changed between two BPMN documents, element by id.

Every BPMN model element with an id (tasks, events, gateways, flows, lanes, data objects,
messages…) is compared; the diagram (BPMN DI: positions and sizes) is left out, so moving a
shape is no change. An element is *changed* when its kind, name, attributes, text or any of its
own children (documentation, extension properties, scripts, conditions, incoming/outgoing
flows, lane members) differ; an element nested inside it with its own id (a task in a
subprocess) is compared on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class Element:
    id: str
    kind: str
    name: str


@dataclass(frozen=True)
class Comparison:
    added: tuple[Element, ...]
    removed: tuple[Element, ...]
    changed: tuple[Element, ...]

    def as_json(self) -> dict[str, list[dict[str, str]]]:
        return {
            key: [{"id": e.id, "kind": e.kind, "name": e.name} for e in getattr(self, key)]
            for key in ("added", "removed", "changed")
        }


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           remove_blank_text=True, remove_comments=True)  # fmt: skip


def parse(source: str | bytes) -> etree._Element:
    data = source.encode("utf-8") if isinstance(source, str) else source
    return etree.fromstring(data, _parser())


def _fingerprint(element: etree._Element) -> bytes:
    """The element without its nested id-bearing BPMN elements, canonical."""
    copy = etree.fromstring(etree.tostring(element))
    for child in list(copy.iterdescendants()):
        if child.get("id") and etree.QName(child).namespace == BPMN_NS:
            parent = child.getparent()
            if parent is not None:
                parent.remove(child)
    for node in copy.iter():
        if node.text is not None:
            node.text = node.text.strip() or None
        if node.tail is not None:
            node.tail = node.tail.strip() or None
    return etree.tostring(copy, method="c14n")


def elements(root: etree._Element) -> dict[str, tuple[Element, bytes]]:
    found: dict[str, tuple[Element, bytes]] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or etree.QName(node).namespace != BPMN_NS:
            continue
        element_id = node.get("id")
        if not element_id or node is root:
            continue
        kind = etree.QName(node).localname
        found[element_id] = (Element(element_id, kind, node.get("name") or ""), _fingerprint(node))
    return found


def compare(before: str | bytes, after: str | bytes) -> Comparison:
    """What `after` adds, removes and changes against `before` (both BPMN XML)."""
    old, new = elements(parse(before)), elements(parse(after))
    return Comparison(
        added=tuple(new[i][0] for i in new if i not in old),
        removed=tuple(old[i][0] for i in old if i not in new),
        changed=tuple(new[i][0] for i in new if i in old and new[i][1] != old[i][1]),
    )
