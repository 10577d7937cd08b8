"""Containment: a transaction runs a bounded number of engine steps for a bounded time, and
scripts and expressions run in a sandbox. Runaway models and escape attempts end as incidents;
the write lock is released at the bound, so other clients go on meanwhile."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from marshmallow import Schema, fields

from engine import SYSTEM_ACTOR, Database, Engine, ManualClock, Registry
from engine.running.sandbox import ScriptRefused, ScriptTimedOut
from engine.running.scripting import SandboxEnvironment
from engine.settings import Limits
from tests import modelkit as m
from tests.helpers import actor

BPMN = Path(__file__).parent / "bpmn"
BOUND = 0.5  # seconds: the time bound in these tests
SLACK = 2.5  # seconds of scheduling noise allowed on a busy machine (well under any lock wait)


class PassesForm(Schema):
    passes = fields.Integer(required=True)


@pytest.fixture
def bounded(
    monkeypatch: pytest.MonkeyPatch, db: Database, registry: Registry, clock: ManualClock
) -> Engine:
    """An engine whose transactions stop after BOUND seconds (and many steps)."""
    return _engine(monkeypatch, db, registry, clock, steps=1_000_000_000, seconds=BOUND)


def _engine(
    monkeypatch: pytest.MonkeyPatch,
    db: Database,
    registry: Registry,
    clock: ManualClock,
    *,
    steps: int,
    seconds: float,
) -> Engine:
    monkeypatch.setenv("STUURBOORD_MAX_STEPS_PER_TRANSACTION", str(steps))
    monkeypatch.setenv("STUURBOORD_MAX_SECONDS_PER_TRANSACTION", str(seconds))
    registry.form("endless_loop", "el_start", PassesForm)
    registry.service("spinning")(lambda call, params: "spinning")
    engine = Engine(db, registry, clock)
    engine.deploy([BPMN / "runaway.bpmn"])
    return engine


def _timed(action):
    began = time.monotonic()
    result = action()
    return result, time.monotonic() - began


# -- bounded transactions -----------------------------------------------------------------------


def test_settings_read_the_bounds_and_default_far_above_any_model(monkeypatch) -> None:
    monkeypatch.delenv("STUURBOORD_MAX_STEPS_PER_TRANSACTION", raising=False)
    monkeypatch.delenv("STUURBOORD_MAX_SECONDS_PER_TRANSACTION", raising=False)
    assert Limits.from_env() == Limits(max_steps=10_000, max_seconds=10.0)
    monkeypatch.setenv("STUURBOORD_MAX_STEPS_PER_TRANSACTION", "50")
    monkeypatch.setenv("STUURBOORD_MAX_SECONDS_PER_TRANSACTION", "0.25")
    assert Limits.from_env() == Limits(max_steps=50, max_seconds=0.25)
    with pytest.raises(ValueError, match="positive"):
        Limits(max_steps=0)


def test_always_true_loop_stops_at_the_step_bound_after_a_whole_step(
    monkeypatch, db, registry, clock
) -> None:
    engine = _engine(monkeypatch, db, registry, clock, steps=50, seconds=60)
    case = engine.start_case("endless_loop", {"passes": 0}, SYSTEM_ACTOR)
    assert case.status == "incident"
    # 50 steps: the library's own start task, the start event, the service task, then 23 rounds
    # of bump and gateway and one more bump; the gateway after it is where the case stands.
    assert case.data["passes"] == 24
    [incident] = engine.incidents()
    assert incident.case_id == case.id
    assert incident.error_type == "StepBoundReached"
    assert incident.element_id == "el_again"
    assert "50 engine steps" in incident.message
    assert "STUURBOORD_MAX_STEPS_PER_TRANSACTION" in incident.message
    assert "the last step completed el_bump (Bump)" in incident.message
    assert [t.element_id for t in engine.case_tasks(case.id) if t.state == "ready"] == []


def test_a_retry_continues_from_the_bound_and_stops_at_the_next(
    monkeypatch, db, registry, clock
) -> None:
    engine = _engine(monkeypatch, db, registry, clock, steps=50, seconds=60)
    admin = actor(engine, "anna", ("admin", None))
    case = engine.start_case("endless_loop", {"passes": 0}, SYSTEM_ACTOR)
    again = engine.retry(case.id, admin)
    assert again.status == "incident"
    assert again.data["passes"] == 49  # 50 more steps from the gateway: 25 more bumps
    [incident] = engine.incidents()
    assert incident.error_type == "StepBoundReached"


def test_always_true_loop_stops_at_the_time_bound(bounded: Engine) -> None:
    case, elapsed = _timed(lambda: bounded.start_case("endless_loop", {"passes": 0}, SYSTEM_ACTOR))
    assert case.status == "incident"
    assert elapsed < BOUND + SLACK
    assert case.data["passes"] > 0
    [incident] = bounded.incidents()
    # The bound falls between two steps or inside the script or condition of one.
    assert incident.error_type in {"TimeBoundReached", "ScriptTimedOut"}
    assert "0.5 s" in incident.message
    assert "STUURBOORD_MAX_SECONDS_PER_TRANSACTION" in incident.message
    assert incident.element_id in {"el_bump", "el_again"}


def test_endless_script_is_stopped_at_the_time_bound(bounded: Engine) -> None:
    case, elapsed = _timed(lambda: bounded.start_case("endless_script", {}, SYSTEM_ACTOR))
    assert case.status == "incident"
    assert BOUND <= elapsed < BOUND + SLACK
    assert case.data["told"] == "spinning"  # the steps before it are kept
    [incident] = bounded.incidents()
    assert incident.error_type == "ScriptTimedOut"
    assert incident.element_id == "es_spin"
    assert (incident.line, incident.error_line) in {(1, "while True:"), (2, "    pass")}
    assert "time bound of 0.5 s" in incident.message


def test_a_user_tasks_post_script_shares_the_transactions_bound(bounded: Engine) -> None:
    script = "<spiffworkflow:postScript>while True:\n    pass</spiffworkflow:postScript>"
    task = (
        '<bpmn:userTask id="fill" name="Fill"><bpmn:extensionElements>'
        f"{script}</bpmn:extensionElements>{{inc}}{{out}}</bpmn:userTask>"
    )
    bounded.deploy_files([("post.bpmn", m.definitions(m.process("post", [("fill", task)])))])
    clerk = actor(bounded, "carla", ("clerk", None))
    case = bounded.start_case("post", {}, clerk)
    [ready] = [t for t in bounded.case_tasks(case.id) if t.state == "ready"]
    after, elapsed = _timed(lambda: bounded.complete_task(ready.id, {}, clerk))
    assert after.status == "incident"
    assert elapsed < BOUND + SLACK
    [incident] = bounded.incidents()
    assert incident.error_type == "ScriptTimedOut" and incident.element_id == "fill"


def test_endless_expression_in_a_gateway_condition_is_stopped(bounded: Engine) -> None:
    model = m.definitions(_gateway_process("spin_condition", _ENDLESS_EXPRESSION))
    bounded.deploy_files([("cond.bpmn", model)])
    case, elapsed = _timed(lambda: bounded.start_case("spin_condition", {}, SYSTEM_ACTOR))
    assert case.status == "incident"
    assert elapsed < BOUND + SLACK
    [incident] = bounded.incidents()
    assert incident.error_type == "ScriptTimedOut"
    assert incident.element_id == "spin_condition_g"


_ENDLESS_EXPRESSION = "[n for n in range(1000000) for k in range(1000000)] == []"


def _gateway_process(pid: str, condition: str) -> str:
    """start -> exclusive gateway -(condition)-> user task; default -> end."""
    from xml.sax.saxutils import escape

    return f"""<bpmn:process id="{pid}" isExecutable="true">
<bpmn:laneSet id="{pid}_lanes"><bpmn:lane id="{pid}_lane" name="clerk">
<bpmn:flowNodeRef>{pid}_s</bpmn:flowNodeRef><bpmn:flowNodeRef>{pid}_g</bpmn:flowNodeRef>
<bpmn:flowNodeRef>{pid}_u</bpmn:flowNodeRef><bpmn:flowNodeRef>{pid}_e</bpmn:flowNodeRef>
</bpmn:lane></bpmn:laneSet>
<bpmn:startEvent id="{pid}_s"><bpmn:outgoing>{pid}_1</bpmn:outgoing></bpmn:startEvent>
<bpmn:exclusiveGateway id="{pid}_g" default="{pid}_3"><bpmn:incoming>{pid}_1</bpmn:incoming>
<bpmn:outgoing>{pid}_2</bpmn:outgoing><bpmn:outgoing>{pid}_3</bpmn:outgoing></bpmn:exclusiveGateway>
<bpmn:userTask id="{pid}_u"><bpmn:incoming>{pid}_2</bpmn:incoming><bpmn:outgoing>{pid}_4</bpmn:outgoing></bpmn:userTask>
<bpmn:endEvent id="{pid}_e"><bpmn:incoming>{pid}_3</bpmn:incoming><bpmn:incoming>{pid}_4</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="{pid}_1" sourceRef="{pid}_s" targetRef="{pid}_g"/>
<bpmn:sequenceFlow id="{pid}_2" sourceRef="{pid}_g" targetRef="{pid}_u">
<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="{pid}_3" sourceRef="{pid}_g" targetRef="{pid}_e"/>
<bpmn:sequenceFlow id="{pid}_4" sourceRef="{pid}_u" targetRef="{pid}_e"/>
</bpmn:process>"""


# -- the write lock is released at the bound ----------------------------------------------------


@pytest.fixture
def sqlite_file(sqlite_template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "stuurboord.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.mark.parametrize("process", ["endless_loop", "endless_script"])
def test_others_sign_in_and_complete_tasks_while_a_runaway_case_runs(
    monkeypatch, sqlite_file: Database, clock, process: str
) -> None:
    """SQLite holds one write lock: a runaway transaction must let go of it at the bound.
    The other writers wait on SQLite's busy timeout (30 s), so finishing within the bound plus
    slack shows the lock was released at the bound."""
    from webapp.app import create_app
    from webapp.identity import state

    registry = Registry()
    started = threading.Event()
    registry.form("endless_loop", "el_start", PassesForm)
    registry.service("spinning")(lambda call, params: started.set() or "spinning")
    monkeypatch.setenv("STUURBOORD_MAX_SECONDS_PER_TRANSACTION", str(BOUND))
    engine = Engine(sqlite_file, registry, clock)
    engine.deploy([BPMN / "runaway.bpmn"])
    engine.deploy_files([("plain.bpmn", m.definitions(m.process("plain", [m.user("check")])))])
    clerk = actor(engine, "carla", ("clerk", None))
    other = engine.start_case("plain", {}, clerk)
    [task] = [t for t in engine.case_tasks(other.id) if t.state == "ready"]
    app = create_app(engine, {"TESTING": True})
    with app.app_context():
        state().accounts.set_password("carla", "correct horse battery")
    client = app.test_client()
    page = client.get("/aanmelden")

    outcome: dict[str, object] = {}

    def runaway() -> None:
        data = {"passes": 0} if process == "endless_loop" else {}
        outcome["case"] = engine.start_case(process, data, SYSTEM_ACTOR)

    thread = threading.Thread(target=runaway)
    began = time.monotonic()
    thread.start()
    assert started.wait(5), "the runaway case never began"
    assert thread.is_alive()
    signed_in = client.post("/aanmelden", data={
        "gebruiker": "carla", "wachtwoord": "correct horse battery", "csrf_token": _csrf(page.text),
    })  # fmt: skip
    completed = engine.complete_task(task.id, {}, clerk)
    waited = time.monotonic() - began
    thread.join(10)

    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/taken"
    assert completed.status == "completed"
    assert outcome["case"].status == "incident"
    assert waited < BOUND + SLACK


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


# -- the sandbox: known escapes end as incidents and touch nothing ------------------------------

ESCAPES = {  # name: (the error it ends with, the script; {target} is the file it tries to create)
    "subclasses_to_os_system": ("ScriptRefused",
        "for c in ().__class__.__base__.__subclasses__():\n"
        "    if c.__name__ == '_wrap_close':\n"
        "        c.__init__.__globals__['system']('touch {target}')"),
    "catch_warnings_builtins": ("ScriptRefused",
        "for c in ().__class__.__base__.__subclasses__():\n"
        "    if c.__name__ == 'catch_warnings':\n"
        "        b = c()._module.__builtins__\n"
        "        b['__import__']('os').system('touch {target}')"),
    "format_string_attribute": ("NotImplementedError",
        "leak = '{{0.__class__.__base__.__subclasses__}}'.format(0)\n"
        "open('{target}', 'w')"),
    "format_map_attribute": ("NotImplementedError",
        "leak = '{{x.__class__}}'.format_map({{'x': 0}})"),
    "getattr_dunder": ("NameError", "getattr(0, '__class__')"),
    "type_builtin": ("NameError", "t = type(0)"),
    "mro_to_object": ("AttributeError", "for c in str.mro()[-1].subclasses():\n    pass"),
    "generator_frame_globals": ("ScriptRefused",
        "g = (x for x in [1])\n"
        "b = g.gi_frame.f_globals['__builtins__']\n"
        "b['open']('{target}', 'w')"),
    "traceback_frames": ("ScriptRefused",
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError as e:\n"
        "    f = e.__traceback__.tb_frame.f_back\n"
        "    f.f_globals['__builtins__']['open']('{target}', 'w')"),
    "import_os": ("ImportError", "import os\nos.system('touch {target}')"),
    "from_import": ("ImportError", "from os import system\nsystem('touch {target}')"),
    "dunder_import": ("ScriptRefused", "__import__('os').system('touch {target}')"),
    "open_builtin": ("NameError", "open('{target}', 'w').write('x')"),
    "exec_builtin": ("ScriptRefused", "exec(\"open('{target}', 'w')\")"),
    "eval_builtin": ("ScriptRefused", "eval(\"open('{target}', 'w')\")"),
    "compile_builtin": ("NameError", "compile('1', 'x', 'eval')"),
    "globals_builtin": ("NameError", "globals()['__builtins__']"),
    "vars_builtin": ("NameError", "vars()"),
    "class_definition": ("ScriptRefused", "class Evil:\n    pass"),
    "catch_the_interrupt": ("ScriptRefused",
        "try:\n    while True:\n        pass\nexcept:\n    open('{target}', 'w')"),
    "finally_after_interrupt": ("ScriptRefused",
        "try:\n    while True:\n        pass\nfinally:\n    open('{target}', 'w')"),
    "catch_a_named_base": ("ScriptRefused",
        "try:\n    while True:\n        pass\n"
        "except tuple(ValueError.mro()):\n    open('{target}', 'w')"),
    "memory_bomb": ("ValueError", "x = 'a' * 10 ** 10"),
    "cpu_bomb": ("ValueError", "x = 2 ** 10 ** 10"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_script_ends_as_incident_and_creates_no_file(
    bounded: Engine, tmp_path: Path, name: str
) -> None:
    target = tmp_path / "owned.txt"
    error_type, code = ESCAPES[name]
    code = code.format(target=target)
    model = m.definitions(m.process("escape", [m.script("attempt", code), m.user("after")]))
    bounded.deploy_files([("escape.bpmn", model)])
    case = bounded.start_case("escape", {}, SYSTEM_ACTOR)
    assert case.status == "incident"
    [incident] = bounded.incidents()
    assert (incident.element_id, incident.error_type) == ("attempt", error_type)
    assert not target.exists()
    assert [t for t in bounded.case_tasks(case.id) if t.state == "ready"] == []


def test_escape_in_a_gateway_condition_ends_as_incident(bounded: Engine) -> None:
    condition = "().__class__.__base__.__subclasses__() != []"
    bounded.deploy_files([("cond.bpmn", m.definitions(_gateway_process("leaky", condition)))])
    case = bounded.start_case("leaky", {}, SYSTEM_ACTOR)
    assert case.status == "incident"
    [incident] = bounded.incidents()
    assert incident.element_id == "leaky_g"
    assert incident.error_type == "ScriptRefused"


# -- the sandbox environment itself (conditions, timers and DMN go through evaluate) ------------


@pytest.fixture
def sandbox() -> SandboxEnvironment:
    return SandboxEnvironment(Limits(max_seconds=BOUND))


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ("().__class__", ScriptRefused),
        ("(x for x in []).gi_frame", ScriptRefused),
        ("'{0.__class__}'.format(1)", NotImplementedError),
        ("str.format('{0.__class__}', 1)", NotImplementedError),
        ("int.mro()", AttributeError),
        ("type(1)", NameError),
        ("range(10 ** 9)", ValueError),
        ("[0] * 10 ** 9", ValueError),
        ("1 << 10 ** 9", ValueError),
        ("sum(1 for a in range(1000000) for b in range(1000000))", ScriptTimedOut),
    ],
)
def test_refused_expressions(sandbox: SandboxEnvironment, expression: str, error: type) -> None:
    with pytest.raises(error):
        sandbox.evaluate(expression, {})


def test_what_models_use_still_works(sandbox: SandboxEnvironment) -> None:
    data = {"outcome": {"entities": ["a", "b"], "binding": True}, "n": 2, "date": "kept"}
    assert sandbox.evaluate('outcome["binding"] and len(outcome["entities"]) > 0', data)
    assert sandbox.evaluate("date", data) == "kept"  # task data wins over the date type
    assert sandbox.evaluate("f'{n:03d}-{n ** 3}'", data) == "002-8"
    assert sandbox.evaluate("dmninputexpr is None", {}, {"dmninputexpr": None})
    script = (
        "total = 0\n"
        "for i, v in enumerate(sorted([3, 1, 2])):\n"
        "    total += i * v\n"
        "due = (datetime(2026, 3, 2, tzinfo=timezone.utc) + timedelta(days=1)).isoformat()\n"
        "names = [x.upper() for x in ['a', 'b']]\n"
        "pairs = {k: v for k, v in zip('ab', [1, 2])}\n"
        "try:\n    1 / 0\nexcept (ZeroDivisionError, ValueError) as error:\n    why = str(error)\n"
        "def twice(x):\n    return x * 2\n"
        "four = twice(2)\n"
        "items = []\nitems.append(1)\nitems[0] = 5\n"
    )
    context: dict = {}
    sandbox.execute(script, context)
    assert context["total"] == 8 and context["four"] == 4 and context["items"] == [5]
    assert context["due"] == "2026-03-03T00:00:00+00:00"
    assert context["names"] == ["A", "B"] and context["pairs"] == {"a": 1, "b": 2}
    assert context["why"] == "division by zero"
    assert not any(key.startswith("_") for key in context)  # the guards do not leak into data


def test_a_slow_expression_outside_a_transaction_gets_its_own_bound(
    sandbox: SandboxEnvironment,
) -> None:
    began = time.monotonic()
    with pytest.raises(ScriptTimedOut, match="STUURBOORD_MAX_SECONDS_PER_TRANSACTION"):
        sandbox.execute("while True:\n    pass", {})
    assert BOUND <= time.monotonic() - began < BOUND + SLACK
