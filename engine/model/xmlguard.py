"""Hardened pre-parse of uploaded XML (BPMN and DMN), run before SpiffWorkflow sees a byte.

Refused outright, each with a `DeployError` naming the file and, where known, the line:

* any DOCTYPE, so external entities (XXE), parameter entities and entity expansion
  ("billion laughs") never reach a parser that could act on them. A cheap byte scan catches
  `<!DOCTYPE` / `<!ENTITY` before parsing; the parsed tree's docinfo is checked as well, for
  encodings the scan does not cover;
* any XInclude element, anywhere in the document;
* malformed XML (the line comes from lxml's `XMLSyntaxError`);
* files larger than `MAX_XML_BYTES`.

The parser never resolves entities, never loads a DTD and never touches the network, and
`huge_tree` stays off so libxml2's depth and text-size limits apply.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.errors import DeployError

MAX_XML_BYTES = 5 * 1024 * 1024
"""Largest accepted model file. Real BPMN/DMN files are a few hundred kB at most."""

XINCLUDE_NAMESPACES = (
    "http://www.w3.org/2001/XInclude",
    "http://www.w3.org/2003/XInclude",
)

_DTD_MARKUP = ("<!DOCTYPE", "<!ENTITY")
_SCAN_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_DTD_PATTERNS = tuple(
    (markup, encoding, markup.encode(encoding))
    for markup in _DTD_MARKUP
    for encoding in _SCAN_ENCODINGS
)
_LXML_POSITION = re.compile(r",\s*line \d+, column (\d+)\s*$")

DOCTYPE_REFUSED = (
    "DOCTYPE declarations are not allowed in uploaded models (they can read local files, "
    "reach the network or expand entities); remove the <!DOCTYPE ...> block"
)
ENTITY_REFUSED = "ENTITY declarations are not allowed in uploaded models; " + DOCTYPE_REFUSED


def make_parser() -> etree.XMLParser:
    """Return a fresh, locked-down lxml parser (lxml parsers must not be shared across threads)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def check_xml(name: str, content: bytes) -> etree._Element:
    """Parse `content` safely and return its root element, or raise `DeployError`.

    `name` is the uploaded file name; it only labels errors. The returned element keeps its
    document alive, so hand this same object to SpiffWorkflow (`add_bpmn_xml` / `add_dmn_xml`).
    """
    if not isinstance(content, bytes):
        raise DeployError("the file content must be bytes", file=name)
    if len(content) > MAX_XML_BYTES:
        raise DeployError(
            f"the file is {len(content)} bytes; the limit is {MAX_XML_BYTES} bytes", file=name
        )
    _scan_for_dtd(name, content)
    root = _parse(name, content)
    _refuse_doctype(name, root.getroottree())
    _refuse_xinclude(name, root)
    return root


def _scan_for_dtd(name: str, content: bytes) -> None:
    """Refuse DOCTYPE/ENTITY markup found by a byte scan, before any parsing or expansion."""
    for markup, encoding, pattern in _DTD_PATTERNS:
        position = content.find(pattern)
        if position >= 0:
            newline = "\n".encode(encoding)
            line = content.count(newline, 0, position) + 1
            detail = DOCTYPE_REFUSED if markup == "<!DOCTYPE" else ENTITY_REFUSED
            raise DeployError(detail, file=name, line=line)


def _parse(name: str, content: bytes) -> etree._Element:
    try:
        return etree.fromstring(content, make_parser())
    except etree.XMLSyntaxError as exc:
        raise DeployError(
            f"not well-formed XML: {_syntax_message(exc)}", file=name, line=exc.lineno or None
        ) from None
    except (ValueError, etree.LxmlError) as exc:
        raise DeployError(f"cannot be read as XML: {exc}", file=name) from None


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    """lxml's message without its trailing ', line N, column M' (the line is reported apart)."""
    message = str(exc.msg or exc)
    match = _LXML_POSITION.search(message)
    if match is None:
        return message
    return f"{message[: match.start()]} (column {match.group(1)})"


def _refuse_doctype(name: str, tree: etree._ElementTree) -> None:
    """Second line of defence: a DOCTYPE the byte scan missed (e.g. an exotic encoding)."""
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise DeployError(DOCTYPE_REFUSED, file=name)
    if info.public_id or info.system_url:
        raise DeployError(DOCTYPE_REFUSED, file=name)


def _refuse_xinclude(name: str, root: etree._Element) -> None:
    for namespace in XINCLUDE_NAMESPACES:
        for element in root.iter(f"{{{namespace}}}*"):
            local = etree.QName(element).localname
            raise DeployError(
                f"XInclude (xi:{local}) is not allowed in uploaded models; "
                "put everything the model needs in the uploaded files",
                file=name,
                line=element.sourceline,
                element=element.get("id"),
            )
