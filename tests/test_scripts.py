"""Scripts run in the sandbox: no imports, no files, no OS (escapes: tests/test_containment.py)."""

from __future__ import annotations

import pytest

from engine import Engine
from tests import modelkit as m


def _run_script(engine: Engine, code: str):
    model = m.definitions(m.process("scripted", [m.script("code", code), m.user("after")]))
    engine.deploy_files([("scripted.bpmn", model)])
    return engine.start_case("scripted", {})


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        ("import os\nresult = os.getcwd()", "ImportError"),
        ("result = __import__('os').getcwd()", "ScriptRefused"),
        ("result = open('/etc/hostname').read()", "NameError"),
        ("result = eval('1 + 1')", "ScriptRefused"),
        ("result = globals()", "NameError"),
    ],
)
def test_escape_attempts_are_refused(engine: Engine, code: str, error_type: str) -> None:
    case = _run_script(engine, code)
    assert case.status == "incident"
    [incident] = engine.incidents()
    assert incident.error_type == error_type
    assert "result" not in case.data


def test_no_file_is_written(engine: Engine, tmp_path) -> None:
    target = tmp_path / "owned.txt"
    case = _run_script(engine, f"open({str(target)!r}, 'w').write('x')")
    assert case.status == "incident"
    assert not target.exists()


def test_curated_helpers_work_and_dates_survive_persistence(engine: Engine) -> None:
    case = _run_script(
        engine,
        "due = date(2026, 3, 2) + timedelta(days=10)\n"
        "items = sorted([3, 1, 2])\n"
        "total = sum(items) + len(items)",
    )
    assert case.status == "running"
    assert case.data["due"] == "2026-03-12"
    assert case.data["items"] == [1, 2, 3] and case.data["total"] == 9
