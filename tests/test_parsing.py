"""Deploy-time parsing: hostile XML, invalid models and a good model (no database needed)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from engine.errors import DeployError
from engine.model import xmlguard
from engine.model.parsing import ParsedModels, parse_models

MODELS = Path(__file__).parent / "models"
GOOD = MODELS / "good"
BAD = MODELS / "bad"
PASSWD_MARKERS = ("root:", "/bin/", "nologin")


def upload(path: Path) -> tuple[str, bytes]:
    return path.name, path.read_bytes()


def refused(*files: tuple[str, bytes]) -> DeployError:
    with pytest.raises(DeployError) as info:
        parse_models(list(files))
    assert info.value.code == "DEPLOY_FAILED"
    return info.value


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first occurrence of `needle` in a fixture (keeps line asserts exact)."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def assert_where(error: DeployError, file: str, line: int | None, element: str | None) -> None:
    assert (error.file, error.line, error.element) == (file, line, element)
    where = f"{file}, line {line}" if line else file
    assert str(error).startswith(where)
    if element:
        assert f"element '{element}'" in str(error)


HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"\n'
    '    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"\n'
    '    id="defs" targetNamespace="http://example.org/stuurboord/tests">\n'
)
FLOWS = "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"


def one_step(step: str, process_id: str = "p", executable: str = "true") -> bytes:
    """A process start -> `step` (which must have id "x" and use FLOWS) -> end, step on line 7."""
    return (
        HEADER + f'  <bpmn:process id="{process_id}" name="One step" isExecutable="{executable}">\n'
        '    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
        f"    {step}\n"
        '    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="x"/>\n'
        '    <bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="end"/>\n'
        "  </bpmn:process>\n"
        "</bpmn:definitions>\n"
    ).encode()


def timer_step(tag: str, expression: str) -> bytes:
    return one_step(
        f'<bpmn:intermediateCatchEvent id="x">{FLOWS}<bpmn:timerEventDefinition id="t">'
        f"<bpmn:{tag}>{expression}</bpmn:{tag}></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
    )


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP listener; after the test, nothing may have connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        pass
    else:
        connection.close()
        pytest.fail("the parser connected to the network")
    finally:
        server.close()


@pytest.fixture(params=["byte scan", "parsed docinfo"])
def doctype_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the byte scan on, then with it off to prove the second line of defence."""
    if request.param == "parsed docinfo":
        monkeypatch.setattr(xmlguard, "_scan_for_dtd", lambda name, content: None)
    return str(request.param)


# --- malformed and hostile XML -------------------------------------------------------------


def test_not_xml_is_refused_with_file_and_line() -> None:
    error = refused(upload(BAD / "not_xml.bpmn"))
    assert_where(error, "not_xml.bpmn", 1, None)
    assert "not well-formed XML" in error.detail
    assert "Start tag expected" in error.detail


def test_truncated_xml_reports_the_line_where_it_stops() -> None:
    error = refused(upload(BAD / "truncated.bpmn"))
    assert_where(error, "truncated.bpmn", 12, None)
    assert "not well-formed XML: Premature end of data in tag flowNodeRef" in error.detail


def test_empty_file_is_malformed() -> None:
    error = refused(("empty.bpmn", b""))
    assert_where(error, "empty.bpmn", 1, None)
    assert "Document is empty" in error.detail


def test_xxe_doctype_is_refused_and_the_file_is_never_read(doctype_guard: str) -> None:
    error = refused(upload(BAD / "xxe.bpmn"))
    assert error.file == "xxe.bpmn"
    assert "DOCTYPE declarations are not allowed" in error.detail
    if doctype_guard == "byte scan":
        assert error.line == 2
    for marker in PASSWD_MARKERS:
        assert marker not in str(error)
    assert error.__cause__ is None


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:{port}/e">]>',
        '<!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/r.dtd">',
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>',
    ],
    ids=["external entity", "external DTD", "parameter entity"],
)
def test_doctype_pointing_at_the_network_is_refused_without_connecting(
    doctype: str, listener: socket.socket, doctype_guard: str
) -> None:
    port = listener.getsockname()[1]
    document = f'<?xml version="1.0"?>\n{doctype.format(port=port)}\n<r>&amp;</r>\n'
    error = refused(("ssrf.bpmn", document.encode()))
    assert error.file == "ssrf.bpmn"
    assert "DOCTYPE declarations are not allowed" in error.detail


def test_billion_laughs_is_refused_within_a_second(doctype_guard: str) -> None:
    started = time.perf_counter()
    error = refused(upload(BAD / "billion_laughs.bpmn"))
    assert time.perf_counter() - started < 1.0
    assert error.file == "billion_laughs.bpmn"
    if doctype_guard == "byte scan":
        assert error.line == 2
        assert "DOCTYPE declarations are not allowed" in error.detail
    else:
        # Without the scan, libxml2 (pinned with lxml) stops the expansion itself, even though
        # resolve_entities=False: it still parses entity content to check it is well-formed.
        assert "Maximum entity amplification factor exceeded" in error.detail
    assert "lollol" not in str(error)


def test_doctype_in_utf16_is_refused() -> None:
    document = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE r>\n<r/>'.encode("utf-16")
    error = refused(("wide.bpmn", document))
    assert_where(error, "wide.bpmn", 2, None)
    assert "DOCTYPE" in error.detail


def test_xinclude_is_refused() -> None:
    error = refused(upload(BAD / "xinclude.bpmn"))
    assert_where(error, "xinclude.bpmn", line_of(BAD / "xinclude.bpmn", "<xi:include"), None)
    assert "XInclude (xi:include) is not allowed" in error.detail
    for marker in PASSWD_MARKERS:
        assert marker not in str(error)


def test_xinclude_2003_namespace_is_refused() -> None:
    document = one_step(
        '<bpmn:task id="x" xmlns:xi="http://www.w3.org/2003/XInclude">'
        f'{FLOWS}<xi:fallback id="fb"/></bpmn:task>'
    )
    error = refused(("old.bpmn", document))
    assert_where(error, "old.bpmn", 7, "fb")
    assert "XInclude (xi:fallback) is not allowed" in error.detail


def test_deeply_nested_xml_is_refused_by_the_depth_limit() -> None:
    started = time.perf_counter()
    error = refused(("deep.bpmn", b"<a>" * 10_000 + b"</a>" * 10_000))
    assert time.perf_counter() - started < 1.0
    assert "Excessive depth" in error.detail


def test_oversized_file_is_refused_before_parsing() -> None:
    error = refused(("huge.bpmn", b" " * (xmlguard.MAX_XML_BYTES + 1)))
    assert error.file == "huge.bpmn"
    assert f"the limit is {xmlguard.MAX_XML_BYTES} bytes" in error.detail


# --- upload shape ------------------------------------------------------------------------------


def test_empty_file_list_is_refused() -> None:
    error = refused()
    assert error.file is None
    assert str(error) == "no files to deploy; upload at least one .bpmn file"


def test_txt_file_is_refused() -> None:
    error = refused(upload(GOOD / "two_processes.bpmn"), upload(BAD / "notes.txt"))
    assert_where(error, "notes.txt", None, None)
    assert "only .bpmn (processes) and .dmn (decision tables)" in error.detail


def test_only_dmn_files_is_refused() -> None:
    error = refused(upload(GOOD / "risk.dmn"))
    assert "no .bpmn file among the uploaded files" in str(error)


def test_duplicate_file_names_are_refused() -> None:
    error = refused(upload(GOOD / "risk.dmn"), upload(GOOD / "risk.dmn"))
    assert_where(error, "risk.dmn", None, None)
    assert "appears twice" in error.detail


def test_no_executable_process_is_refused() -> None:
    document = one_step(f'<bpmn:task id="x">{FLOWS}</bpmn:task>', executable="false")
    error = refused(("draft.bpmn", document))
    assert_where(error, "draft.bpmn", None, None)
    assert "no executable process" in error.detail
    assert 'isExecutable="true"' in error.detail


# --- schema and SpiffWorkflow parser errors ----------------------------------------------------


def test_unknown_element_is_refused_by_the_xsd() -> None:
    path = BAD / "unknown_element.bpmn"
    error = refused(upload(path))
    assert_where(error, "unknown_element.bpmn", line_of(path, "<bpmn:fooTask"), "foo")
    assert error.line == 6
    assert "Element 'bpmn:fooTask': This element is not expected" in error.detail
    assert "{http" not in error.detail


def test_unsupported_element_names_the_tag() -> None:
    error = refused(
        ("gw.bpmn", one_step(f'<bpmn:complexGateway id="x">{FLOWS}</bpmn:complexGateway>'))
    )
    assert_where(error, "gw.bpmn", 7, "x")
    assert "no support implemented for this task type" in error.detail
    assert "bpmn:complexGateway" in error.detail


def test_duplicate_process_id_across_files_names_the_second_file() -> None:
    step = f'<bpmn:task id="x">{FLOWS}</bpmn:task>'
    error = refused(("a.bpmn", one_step(step)), ("b.bpmn", one_step(step)))
    assert_where(error, "b.bpmn", 5, "p")
    assert "Duplicate process ID: p" in error.detail


def test_flow_to_a_missing_element_names_the_flow() -> None:
    document = one_step(f'<bpmn:task id="x">{FLOWS}</bpmn:task>').replace(
        b'targetRef="end"', b'targetRef="nowhere"'
    )
    error = refused(("flow.bpmn", document))
    assert_where(error, "flow.bpmn", 10, "f2")
    assert 'targetRef="nowhere", which matches no element' in error.detail


def test_call_activity_to_a_missing_process_names_the_call_activity() -> None:
    step = f'<bpmn:callActivity id="x" calledElement="ghost">{FLOWS}</bpmn:callActivity>'
    error = refused(("call.bpmn", one_step(step)))
    assert_where(error, "call.bpmn", 7, "x")
    assert "calls process 'ghost', which is not in the uploaded files" in error.detail


def test_business_rule_task_without_its_dmn_names_the_bpmn_file() -> None:
    step = (
        '<bpmn:businessRuleTask id="x"><bpmn:extensionElements>'
        "<spiffworkflow:calledDecisionId>risk_decision</spiffworkflow:calledDecisionId>"
        f"</bpmn:extensionElements>{FLOWS}</bpmn:businessRuleTask>"
    )
    error = refused(("rules.bpmn", one_step(step)))
    assert_where(error, "rules.bpmn", 7, "x")
    assert 'No DMN Diagram available with id "risk_decision"' in error.detail


def test_dmn_schema_error_names_the_dmn_file_and_rule() -> None:
    dmn = (
        (GOOD / "risk.dmn").read_bytes().replace(b'<rule id="r_low">', b'<rule id="r_low"><bogus/>')
    )
    error = refused(upload(GOOD / "two_processes.bpmn"), ("risk.dmn", dmn))
    assert_where(error, "risk.dmn", line_of(GOOD / "risk.dmn", '<rule id="r_low">'), "r_low")
    assert "Element 'dmn:bogus': This element is not expected" in error.detail


def test_dmn_without_a_decision_is_refused_cleanly() -> None:
    dmn = b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x"/>'
    error = refused(upload(GOOD / "two_processes.bpmn"), ("empty.dmn", dmn))
    assert_where(error, "empty.dmn", 1, None)
    assert "defines no decision" in error.detail


def test_service_task_without_operator_is_refused() -> None:
    error = refused(("svc.bpmn", one_step(f'<bpmn:serviceTask id="x">{FLOWS}</bpmn:serviceTask>')))
    assert_where(error, "svc.bpmn", 7, "x")
    assert "service task 'x' has no operator" in error.detail


def test_every_xml_level_problem_is_reported_each_on_its_element() -> None:
    document = one_step(f'<bpmn:serviceTask id="x">{FLOWS}</bpmn:serviceTask>').replace(
        b'sourceRef="start"', b'sourceRef="nowhere"'
    )
    error = refused(("two.bpmn", document))
    assert_where(error, "two.bpmn", 9, "f1")  # the first problem, as a single error was
    assert [(p.file, p.line, p.element) for p in error.problems] == [
        ("two.bpmn", 9, "f1"),
        ("two.bpmn", 7, "x"),
    ]
    assert "service task 'x' has no operator" in error.problems[1].detail


# --- static model checks -----------------------------------------------------------------------


def test_script_syntax_error_names_element_and_script_line() -> None:
    path = BAD / "script_syntax.bpmn"
    error = refused(upload(path))
    assert_where(error, "script_syntax.bpmn", line_of(path, 'id="compute_total"'), "compute_total")
    assert error.line == 7
    assert error.detail == (
        "script task 'compute_total': Python syntax error, "
        "expected ':' on line 2 of the script: for item in items"
    )


def test_script_error_inside_an_embedded_subprocess_is_found() -> None:
    step = (
        f'<bpmn:subProcess id="x">{FLOWS}\n'
        '      <bpmn:startEvent id="s0"><bpmn:outgoing>s1</bpmn:outgoing></bpmn:startEvent>\n'
        '      <bpmn:scriptTask id="inner"><bpmn:incoming>s1</bpmn:incoming>'
        "<bpmn:outgoing>s2</bpmn:outgoing><bpmn:script>x = (</bpmn:script></bpmn:scriptTask>\n"
        '      <bpmn:endEvent id="s9"><bpmn:incoming>s2</bpmn:incoming></bpmn:endEvent>\n'
        '      <bpmn:sequenceFlow id="s1" sourceRef="s0" targetRef="inner"/>\n'
        '      <bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="s9"/>\n'
        "    </bpmn:subProcess>"
    )
    error = refused(("sub.bpmn", one_step(step)))
    assert_where(error, "sub.bpmn", 9, "inner")
    assert "'(' was never closed on line 1 of the script" in error.detail


def test_bad_timer_duration_is_refused() -> None:
    path = BAD / "timer_bad_duration.bpmn"
    error = refused(upload(path))
    assert_where(error, path.name, line_of(path, 'id="wait_for_reply"'), "wait_for_reply")
    assert "timer on 'wait_for_reply': 'PTXYZ' is not a valid ISO-8601 duration" in error.detail


@pytest.mark.parametrize(
    ("tag", "expression", "problem"),
    [
        ("timeDuration", '"P"', "'P' is not a valid ISO-8601 duration"),
        ("timeDuration", "30", "the expression gives 30; a timer needs an ISO-8601 string"),
        ("timeDuration", '"PT1H', "unterminated string literal"),
        ("timeDuration", "", "the duration timer has no expression"),
        ("timeDate", '"PT1H"', "'PT1H' is not a valid ISO-8601 date and time"),
        ("timeDate", '"2025-13-01T00:00:00Z"', "is not a valid ISO-8601 date and time"),
        ("timeDate", "2025-01-06T25:00:00Z", "is not a valid ISO-8601 date and time"),
        ("timeCycle", "R3/PT1X", "in the cycle 'R3/PT1X': 'PT1X' is not a valid ISO-8601"),
        ("timeCycle", '"R3"', "'R3' is not a valid ISO-8601 repeating interval"),
        ("timeCycle", '"R/PT0S"', "repeats with a zero interval"),
    ],
)
def test_bad_timer_expressions(tag: str, expression: str, problem: str) -> None:
    error = refused(("timer.bpmn", timer_step(tag, expression)))
    assert_where(error, "timer.bpmn", 7, "x")
    assert problem in error.detail


@pytest.mark.parametrize(
    ("tag", "expression"),
    [
        ("timeDuration", '"PT30M"'),
        ("timeDuration", '"P1Y2M"'),
        ("timeDuration", 'f"PT{minutes}M"'),
        ("timeDuration", "reminder_after"),
        ("timeDate", '"2025-01-06T12:00:00+00:00"'),
        ("timeDate", "deadline"),
        ("timeCycle", '"R3/PT1H"'),
        ("timeCycle", '"R/2025-01-06T09:00:00+00:00/P1D"'),
        ("timeDuration", "PT30M"),
        ("timeDate", "2025-01-06T12:00:00+00:00"),
        ("timeCycle", "R3/PT1H"),
    ],
)
def test_good_timer_expressions(tag: str, expression: str) -> None:
    assert set(parse_models([("timer.bpmn", timer_step(tag, expression))]).processes) == {"p"}


def test_gateway_condition_syntax_error_names_the_flow() -> None:
    path = BAD / "gateway_condition_syntax.bpmn"
    error = refused(upload(path))
    assert_where(error, path.name, line_of(path, 'id="f_over"'), "f_over")
    assert error.detail == (
        "condition on the flow out of gateway 'budget_check' is not a valid Python expression: "
        "invalid syntax on line 1 of the condition: amount >> = 1000"
    )


def test_user_task_outside_a_lane_is_refused() -> None:
    path = BAD / "user_task_no_lane.bpmn"
    error = refused(upload(path))
    assert_where(error, path.name, line_of(path, 'id="sign_off"'), "sign_off")
    assert error.detail == (
        "user task 'sign_off' is not in a lane; put it in the lane of the role that does it "
        "(or give it a 'role' property)"
    )


def test_manual_task_in_a_nameless_lane_is_refused() -> None:
    step = (
        '<bpmn:laneSet id="ls"><bpmn:lane id="lane_1"><bpmn:flowNodeRef>x</bpmn:flowNodeRef>'
        f'</bpmn:lane></bpmn:laneSet><bpmn:manualTask id="x">{FLOWS}</bpmn:manualTask>'
    )
    error = refused(("lane.bpmn", one_step(step)))
    assert_where(error, "lane.bpmn", 7, "x")
    assert "manual task 'x' is in lane 'lane_1', which has no name" in error.detail


# --- a good model ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good() -> ParsedModels:
    return parse_models([upload(GOOD / "two_processes.bpmn"), upload(GOOD / "risk.dmn")])


def test_good_model_returns_both_processes(good: ParsedModels) -> None:
    assert set(good.processes) == {"request", "review"}
    request, review = good.processes["request"], good.processes["review"]
    assert (request.process_id, request.name) == ("request", "Project request")
    assert (review.process_id, review.name) == ("review", "Chair review")
    for parsed in (request, review):
        assert isinstance(parsed.spec, BpmnProcessSpec)
        assert parsed.spec.name == parsed.process_id
        assert parsed.source_file == "two_processes.bpmn"
        assert parsed.source_xml == (GOOD / "two_processes.bpmn").read_text(encoding="utf-8")


def test_good_model_specs_carry_lanes_subprocesses_and_the_dmn(good: ParsedModels) -> None:
    request = good.processes["request"]
    tasks = request.spec.task_specs
    assert tasks["fill_in"].lane == "submitter"
    assert tasks["call_review"].lane == "chair"
    assert tasks["score"].script.startswith("amount = int(budget) * 2")
    assert tasks["notify"].operation_name == "send_mail"
    assert tasks["classify"].dmnEngine.decision_table.id == "risk_table"
    assert set(request.subprocess_specs) == {"review"}
    assert request.subprocess_specs["review"] is good.processes["review"].spec
    assert good.processes["review"].subprocess_specs == {}
    assert set(good.sources) == {"two_processes.bpmn", "risk.dmn"}
    assert good.sources["risk.dmn"] == (GOOD / "risk.dmn").read_text(encoding="utf-8")


def test_utf8_byte_order_mark_is_dropped_from_the_source() -> None:
    content = b"\xef\xbb\xbf" + (GOOD / "two_processes.bpmn").read_bytes()
    parsed = parse_models([("bom.bpmn", content), upload(GOOD / "risk.dmn")])
    assert parsed.processes["review"].source_xml.startswith("<?xml")
