"""Turn uploaded BPMN/DMN files into SpiffWorkflow process specs, or one precise `DeployError`.

Pipeline for a deploy: `xmlguard.check_xml` on every file (DOCTYPE, XInclude and malformed XML
refused), then `SpiffBpmnParser` with XSD validation on, then the parser is forced to build every
executable process and its subprocesses (SpiffWorkflow parses lazily, so most structural errors
only appear then), then the static checks in `engine.modelcheck`. Whatever goes wrong is reported
as a `DeployError` naming the file, the line and the element id where they can be found; no raw
exception escapes. The static checks report every problem at once (`DeployError.problems`);
a structural error SpiffWorkflow raises stops the parse, so it comes alone. An abstract
`bpmn:task` becomes a pass-through step, and a timer written as plain ISO-8601 text (`PT2H`)
is stored as the string it stands for.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.errors import DeployError
from engine.model import modelcheck
from engine.model.modelcheck import ElementIndex
from engine.model.xmlguard import check_xml
from engine.running import abstract_task
from engine.timing import timers

FileKind = Literal["bpmn", "dmn"]

# The shared XSD validator keeps its error log on the object, and SpiffWorkflow reads that log
# after validating; one deploy at a time keeps concurrent uploads from seeing each other's errors.
_PARSE_LOCK = threading.Lock()

_NAMESPACE_PREFIXES = {
    "http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://www.omg.org/spec/DD/20100524/DC": "dc",
    "http://www.omg.org/spec/DD/20100524/DI": "di",
    "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow",
    **dict.fromkeys(DMN_SCHEMAS, "dmn"),
}


class _Parser(SpiffBpmnParser):
    """SpiffWorkflow's parser, with `bpmn:task` as a pass-through (`engine.abstract_task`)."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        **abstract_task.PARSER_CLASSES,
    }


_CLARK_NAME = re.compile(r"\{([^}]*)\}")
_XSD_ELEMENT = re.compile(r"Element '(?:[\w.-]+:)?([\w.-]+)'")


@dataclass(frozen=True)
class ParsedProcess:
    """One executable top-level process, ready to instantiate with `BpmnWorkflow`."""

    process_id: str
    name: str | None
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    source_file: str
    source_xml: str


@dataclass(frozen=True)
class ParsedModels:
    """Result of `parse_models`: executable processes by id, plus every file's text by name."""

    processes: dict[str, ParsedProcess]
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Document:
    name: str
    kind: FileKind
    root: etree._Element
    text: str


def parse_models(files: Sequence[tuple[str, bytes]]) -> ParsedModels:
    """Parse and check uploaded `(file name, content)` pairs; raise `DeployError` on any problem.

    `.bpmn` files hold processes, `.dmn` files decision tables used by business rule tasks.
    Every executable process (`isExecutable="true"`, the default) becomes a `ParsedProcess`.
    """
    documents = _read_files(files)
    with _PARSE_LOCK:
        return _parse_documents(documents)


def _read_files(files: Sequence[tuple[str, bytes]]) -> list[_Document]:
    if not files:
        raise DeployError("no files to deploy; upload at least one .bpmn file")
    kinds: dict[str, FileKind] = {}
    for name, _content in files:
        if name in kinds:
            raise DeployError("the same file name appears twice in the upload", file=name)
        kinds[name] = _file_kind(name)
    if "bpmn" not in kinds.values():
        raise DeployError("no .bpmn file among the uploaded files; a deploy needs a process")
    documents: list[_Document] = []
    for name, content in files:
        root = check_xml(name, content)
        documents.append(_Document(name, kinds[name], root, _source_text(content, root)))
    return documents


def _file_kind(name: str) -> FileKind:
    lowered = name.lower()
    if lowered.endswith(".bpmn"):
        return "bpmn"
    if lowered.endswith(".dmn"):
        return "dmn"
    raise DeployError(
        "unsupported file type; only .bpmn (processes) and .dmn (decision tables) can be deployed",
        file=name,
    )


def _source_text(content: bytes, root: etree._Element) -> str:
    """The file as text, in the encoding it declares (a UTF-8 byte-order mark is dropped)."""
    declared = root.getroottree().docinfo.encoding or "utf-8"
    try:
        codec = codecs.lookup(declared).name
        if codec == "utf-8":
            codec = "utf-8-sig"
        return content.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return etree.tostring(root.getroottree(), encoding="unicode")


def _parse_documents(documents: list[_Document]) -> ParsedModels:
    parser = _Parser(validator=VALIDATOR)
    index = ElementIndex()
    for doc in documents:
        index.add(doc.name, doc.root)
    document_problems: list[DeployError] = []
    for doc in documents:
        if doc.kind == "bpmn":
            document_problems += _add_bpmn(parser, doc, index)
        else:
            _add_dmn(parser, doc, index)
    modelcheck.raise_all(document_problems)  # SpiffWorkflow's own errors for these are worse
    process_ids = parser.get_process_ids()  # top-level only: read before any spec is built
    if not process_ids:
        raise DeployError(
            'no executable process in the uploaded files; set isExecutable="true" on the '
            "process to deploy",
            file=_single_bpmn_name(documents),
        )
    specs = {pid: _build_spec(parser, pid, index) for pid in process_ids}
    subprocesses = {pid: _build_subprocess_specs(parser, specs[pid], index) for pid in process_ids}
    all_specs = [*specs.values(), *(s for subs in subprocesses.values() for s in subs.values())]
    modelcheck.raise_all(modelcheck.check_processes(all_specs, index))
    timers.quote_plain_iso(all_specs)
    texts = {doc.name: doc.text for doc in documents}
    processes = {
        pid: ParsedProcess(
            process_id=pid,
            name=parser.get_process_parser(pid).node.get("name"),
            spec=specs[pid],
            subprocess_specs=subprocesses[pid],
            source_file=_process_file(parser, pid),
            source_xml=texts[_process_file(parser, pid)],
        )
        for pid in process_ids
    }
    return ParsedModels(processes=processes, sources=texts)


def _single_bpmn_name(documents: list[_Document]) -> str | None:
    names = [doc.name for doc in documents if doc.kind == "bpmn"]
    return names[0] if len(names) == 1 else None


def _process_file(parser: SpiffBpmnParser, process_id: str) -> str:
    return parser.get_process_parser(process_id).filename


def _add_bpmn(parser: SpiffBpmnParser, doc: _Document, index: ElementIndex) -> list[DeployError]:
    """Add one BPMN document to the parser; the problems of its XML-level checks."""
    with _spiff_errors(index, doc.name):
        # Pass the root element we keep referencing: SpiffWorkflow keys its lane index on id(root).
        parser.add_bpmn_xml(doc.root, filename=doc.name)
    return modelcheck.check_document(doc.name, doc.root)


def _add_dmn(parser: SpiffBpmnParser, doc: _Document, index: ElementIndex) -> None:
    namespace = _check_dmn_root(doc)
    decisions = doc.root.findall(f"{{{namespace}}}decision")
    if not decisions:
        raise DeployError(
            "the DMN file defines no decision", file=doc.name, line=doc.root.sourceline
        )
    if len(decisions) > 1:
        raise DeployError(
            "only one decision per DMN file is supported; move this decision to its own file",
            file=doc.name,
            line=decisions[1].sourceline,
            element=decisions[1].get("id"),
        )
    decision_id = decisions[0].get("id")
    if decision_id in parser.dmn_parsers:
        raise DeployError(
            f"decision id '{decision_id}' is defined in more than one DMN file",
            file=doc.name,
            line=decisions[0].sourceline,
            element=decision_id,
        )
    with _spiff_errors(index, doc.name):
        parser.add_dmn_xml(doc.root, filename=doc.name)


def _check_dmn_root(doc: _Document) -> str:
    """The DMN namespace of the document; refuse one SpiffWorkflow would not validate."""
    qname = etree.QName(doc.root)
    namespace = qname.namespace or ""
    declared = doc.root.nsmap.get(None) or doc.root.nsmap.get("dmn")
    if qname.localname != "definitions" or namespace not in DMN_SCHEMAS or declared != namespace:
        raise DeployError(
            "not a DMN 1.1/1.2/1.3 document: the root must be <definitions> in a DMN namespace, "
            "declared as the default namespace or with the dmn: prefix",
            file=doc.name,
            line=doc.root.sourceline,
        )
    return namespace


def _build_spec(parser: SpiffBpmnParser, process_id: str, index: ElementIndex) -> BpmnProcessSpec:
    with _spiff_errors(index, _process_file(parser, process_id)):
        return parser.get_spec(process_id)


def _build_subprocess_specs(
    parser: SpiffBpmnParser, top: BpmnProcessSpec, index: ElementIndex
) -> dict[str, BpmnProcessSpec]:
    """Build every called or embedded subprocess; name the call activity if a target is missing."""
    pending = [top]
    visited: set[str] = set()
    while pending:
        spec = pending.pop()
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, SubWorkflowTask) or task_spec.spec in visited:
                continue
            visited.add(task_spec.spec)
            _require_called_process(parser, spec, task_spec, index)
            with _spiff_errors(index, _process_file(parser, task_spec.spec)):
                pending.append(parser.get_spec(task_spec.spec))
    with _spiff_errors(index, top.file):
        return parser.get_subprocess_specs(top.name)


def _require_called_process(
    parser: SpiffBpmnParser,
    caller: BpmnProcessSpec,
    task_spec: SubWorkflowTask,
    index: ElementIndex,
) -> None:
    if parser.get_process_parser(task_spec.spec) is not None:
        return
    element_id = task_spec.bpmn_id
    known = ", ".join(sorted(parser.get_process_ids())) or "none"
    raise DeployError(
        f"call activity '{element_id}' calls process '{task_spec.spec}', which is not in the "
        f"uploaded files (processes found: {known})",
        file=caller.file,
        line=index.line(caller.file, element_id),
        element=element_id,
    )


@contextmanager
def _spiff_errors(index: ElementIndex, file_name: str | None) -> Iterator[None]:
    """Translate anything SpiffWorkflow or lxml raises into a `DeployError` for `file_name`."""
    try:
        yield
    except DeployError:
        raise
    except ValidationException as exc:
        raise _from_validation(exc, index, file_name) from exc
    except etree.XMLSyntaxError as exc:
        raise DeployError(
            f"not well-formed XML: {exc.msg}", file=file_name, line=exc.lineno or None
        ) from exc
    except Exception as exc:
        raise DeployError(
            f"the model could not be parsed: {type(exc).__name__}: {_shorten(str(exc))}",
            file=file_name,
        ) from exc


def _from_validation(
    exc: ValidationException, index: ElementIndex, context_file: str | None
) -> DeployError:
    """A `DeployError` from SpiffWorkflow's exception, filling in what it leaves out.

    SpiffWorkflow never sets `line_number` from an XML node (it reads a `line_number` attribute
    lxml elements do not have), so the line is looked up by element id; XSD errors carry a line
    but no id, so the id is looked up by line.
    """
    message = _validation_message(exc)
    element = getattr(exc, "id", "") or None
    file_name = _error_file(getattr(exc, "file_name", "") or None, element, index, context_file)
    line = getattr(exc, "line_number", None)
    line = line if isinstance(line, int) and line > 0 else None
    if line is None and element is not None:
        line = index.line(file_name, element)
    if element is None and line is not None and file_name is not None:
        match = _XSD_ELEMENT.search(message)
        element = index.id_on_line(file_name, line, match.group(1) if match else None)
    return DeployError(message, file=file_name, line=line, element=element)


def _validation_message(exc: ValidationException) -> str:
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    notes = [str(note) for note in getattr(exc, "notes", []) if note]
    if notes:
        message = f"{message.rstrip('. ')}. {'. '.join(notes)}"
    tag = getattr(exc, "tag", "")
    if tag and tag not in message:
        message = f"{message.rstrip()} ({tag})"
    return _shorten(message)


def _error_file(
    reported: str | None, element: str | None, index: ElementIndex, context_file: str | None
) -> str | None:
    """The file to blame: SpiffWorkflow's, else the one holding the element, else the context."""
    if reported:
        return reported
    if element is not None and index.find(context_file, element) is None:
        holders = index.files_with(element)
        if len(holders) == 1:
            return holders[0]
    return context_file


def _shorten(message: str) -> str:
    """Replace `{namespace-uri}` with the usual prefix, e.g. `bpmn:fooTask`."""

    def prefix(match: re.Match[str]) -> str:
        known = _NAMESPACE_PREFIXES.get(match.group(1))
        return f"{known}:" if known else match.group(0)

    return _CLARK_NAME.sub(prefix, message)
