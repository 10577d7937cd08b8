"""The sandbox that BPMN scripts and expressions run in: RestrictedPython and a deadline.

Source is compiled by RestrictedPython with a stricter policy: no name or attribute that starts
with `_`, no frame/generator/traceback internals, no imports that work, no classes, no `with`, no
`finally`, no bare `except` and only named exception types in an `except` (so a script cannot
catch the interrupt below). Every attribute read goes through `guarded_getattr` (no
`str.format`, whose fields reach attributes; no `mro`); `**`, `*` and `<<` refuse results that
would take seconds of C code; `range` is capped.

Time: while sandboxed code runs, a trace function checks a deadline at every call and line
event and raises `_Interrupt` (a BaseException the script cannot name) when it has passed. The
deadline is the open transaction's (`bounded`), else this evaluation's own. C code that runs
long inside one bytecode (a huge `sorted`, a regular expression) is not interrupted; the
guards above keep the obvious ones out.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _dt
import operator
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval
from RestrictedPython import compile_restricted_exec as _compile_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector

SCRIPT_FILENAME = "<string>"  # SpiffWorkflow finds a script's failing line by this name
MAX_RANGE = 1_000_000
MAX_SEQUENCE = 10_000_000
MAX_INT_BITS = 100_000

_SAFE_BUILTINS = (
    "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "format",
    "frozenset", "int", "isinstance", "len", "list", "map", "max", "min", "reversed",
    "round", "set", "sorted", "str", "sum", "tuple", "zip", "True", "False", "None",
    "Exception", "ValueError", "TypeError", "KeyError", "ZeroDivisionError",
)  # fmt: skip
_DENIED_ATTRIBUTES = frozenset({"mro"})


class ScriptRefused(SyntaxError):
    """The source uses something the sandbox does not allow (found before it runs)."""

    def __str__(self) -> str:
        return str(self.msg)  # the messages name their lines already


class ScriptTimedOut(Exception):
    """Sandboxed code ran past the transaction's time bound and was stopped."""


class _Interrupt(BaseException):
    """Raised inside sandboxed code at the deadline. Not an Exception, and its name is not
    reachable from a script, so no `except` in the script can catch it."""


# -- compiling ----------------------------------------------------------------------------------


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, tightened so a script cannot outlive its deadline."""

    def visit_Try(self, node: ast.Try) -> Any:
        if node.finalbody:
            self.error(node, "try/finally is not allowed.")
        return super().visit_Try(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        if not all(isinstance(name, ast.Name) for name in names):
            self.error(node, "except needs one or more exception names, e.g. except ValueError:")
        return super().visit_ExceptHandler(node)

    def visit_While(self, node: ast.While) -> Any:
        node = super().visit_While(node)
        # `while True: pass` is one jump to itself, which raises no line event: a call in the
        # body gives the trace function a call event (and the loop a line event) each round.
        tick = ast.Expr(ast.Call(func=ast.Name("_tick_", ast.Load()), args=[], keywords=[]))
        node.body.insert(0, ast.fix_missing_locations(ast.copy_location(tick, node)))
        return node

    def visit_With(self, node: ast.With) -> Any:
        self.error(node, "with statements are not allowed.")

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self.error(node, "class definitions are not allowed.")

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        symbol = _GUARDED_BINOPS.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(
            func=ast.Name("_binop_", ast.Load()),
            args=[ast.Constant(symbol), node.left, node.right],
            keywords=[],
        )
        return ast.fix_missing_locations(ast.copy_location(call, node))


_GUARDED_BINOPS: dict[type[ast.operator], str] = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<"}


@lru_cache(maxsize=4096)
def compile_exec(source: str) -> CodeType:
    return _compiled(source, "exec")


@lru_cache(maxsize=4096)
def compile_eval(source: str) -> CodeType:
    return _compiled(source.strip(), "eval")


def _compiled(source: str, mode: str) -> CodeType:
    tree = ast.parse(source, SCRIPT_FILENAME, mode)  # a plain SyntaxError keeps its own type
    compile_ = _compile_exec if mode == "exec" else compile_restricted_eval
    result = compile_(tree, SCRIPT_FILENAME, policy=_Policy)
    if result.errors or result.code is None:
        refused = ScriptRefused("; ".join(dict.fromkeys(result.errors)) or "not allowed")
        refused.lineno = _first_line(result.errors) or 0
        raise refused
    return result.code


def _first_line(errors: tuple[str, ...]) -> int | None:
    for error in errors:
        if error.startswith("Line "):
            number = error[5:].split(":", 1)[0]
            if number.isdigit():
                return int(number)
    return None


# -- guards -------------------------------------------------------------------------------------


def guarded_getattr(obj: Any, name: str, default: Any = None) -> Any:
    if name in _DENIED_ATTRIBUTES:
        raise AttributeError(f'"{name}" is not allowed in scripts')
    return safer_getattr(obj, name, default)


def _size_checked(symbol: str, left: Any, right: Any) -> None:
    if symbol == "**" and type(left) is int and type(right) is int and right > 0:
        if abs(left).bit_length() * right > MAX_INT_BITS:
            raise ValueError(f"{left} ** {right} is too large to compute in a script")
    elif symbol == "<<" and isinstance(right, int) and right > MAX_INT_BITS:
        raise ValueError(f"shift by {right} is too large to compute in a script")
    elif symbol == "*":
        for sequence, times in ((left, right), (right, left)):
            sized = isinstance(sequence, str | bytes | list | tuple) and isinstance(times, int)
            if sized and len(sequence) * times > MAX_SEQUENCE:
                raise ValueError("repetition too large for a script")


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "**": operator.pow,
    "*": operator.mul,
    "<<": operator.lshift,
}


def _binop(symbol: str, left: Any, right: Any) -> Any:
    _size_checked(symbol, left, right)
    return _BINOPS[symbol](left, right)


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow,
    "<<=": operator.ilshift, ">>=": operator.irshift, "&=": operator.iand,
    "|=": operator.ior, "^=": operator.ixor, "@=": operator.imatmul,
}  # fmt: skip


def _inplacevar(symbol: str, target: Any, value: Any) -> Any:
    _size_checked(symbol[:-1], target, value)
    return _INPLACE[symbol](target, value)


def _range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise ValueError(f"range of {len(result)} numbers is too large for a script")
    return result


def _tick() -> None:
    """Called at the top of every `while` body; the trace function sees the call."""


def _getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def sandbox_globals() -> dict[str, Any]:
    """What sandboxed code sees besides the task's data. Names with `_` are the guards
    RestrictedPython's compiled code calls; scripts cannot name them."""
    safe = {name: getattr(builtins, name) for name in _SAFE_BUILTINS}
    safe["range"] = _range
    return {
        "__builtins__": safe,
        "date": _dt.date,
        "datetime": _dt.datetime,
        "timedelta": _dt.timedelta,
        "timezone": _dt.timezone,
        "_getattr_": guarded_getattr,
        "_getitem_": _getitem,
        "_getiter_": iter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplacevar,
        "_apply_": _apply,
        "_binop_": _binop,
        "_tick_": _tick,
        "_print_": PrintCollector,
    }


# -- time ---------------------------------------------------------------------------------------

_deadline: ContextVar[float | None] = ContextVar("stuurboord_deadline", default=None)


@contextmanager
def bounded(seconds: float) -> Iterator[float]:
    """Open a transaction's time budget (monotonic deadline) unless one is open already."""
    current = _deadline.get()
    if current is not None:
        yield current
        return
    deadline = time.monotonic() + seconds
    token = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(token)


def deadline_or(seconds: float) -> float:
    """The open transaction's deadline, else one `seconds` from now."""
    current = _deadline.get()
    return current if current is not None else time.monotonic() + seconds


def run_until(deadline: float, seconds: float, code: CodeType, namespace: dict[str, Any]) -> Any:
    """Run compiled sandboxed code with the deadline enforced; `seconds` names the bound."""

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise _Interrupt
        return trace if frame.f_code.co_filename == SCRIPT_FILENAME else None

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        return eval(code, namespace)
    except _Interrupt as interrupt:
        message = (
            f"stopped: ran past the time bound of {seconds:g} s for one transaction "
            "(STUURBOORD_MAX_SECONDS_PER_TRANSACTION)"
        )
        raise ScriptTimedOut(message).with_traceback(interrupt.__traceback__) from None
    finally:
        sys.settrace(previous)
