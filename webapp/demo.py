"""Demo sign-ins for the embedded `stuurboord run`: on a new database, every active user without
a password gets the demo password (and, when processes/ has no demo data, a few users are made
first). Never used in production."""

from __future__ import annotations

from engine import Engine
from webapp.accounts import Accounts

DEMO_PASSWORD = "stuurboord-demo"

DEMO_USERS: list[tuple[str, str, list[tuple[str, str | None]]]] = [
    ("beheerder", "Bea Beheerder", [("admin", None)]),
    ("secretariaat", "Sam Secretariaat", [("secretariat", None)]),
    ("voorzitter", "Vera Voorzitter", [("chair", None), ("member", None)]),
    ("lid", "Luc Lid", [("member", None)]),
    ("indiener", "Ines Indiener", [("submitter", None)]),
]


def load_demo_data(engine: Engine) -> bool:
    """`processes.demo.load(engine)` if that module exists; else a handful of demo users."""
    try:
        from processes import demo  # type: ignore[attr-defined]
    except ImportError:
        demo = None
    if demo is not None and hasattr(demo, "load"):
        demo.load(engine)
        return True
    for user_id, name, grants in DEMO_USERS:
        engine.ensure_user(user_id, name, grants=grants)
    return False


def give_demo_passwords(engine: Engine, accounts: Accounts) -> list[tuple[str, str, list[str]]]:
    """Set the demo password for active users without one; return (id, name, roles) of each."""
    given = []
    for user in engine.users():
        if not user.active or accounts.has_password(user.id):
            continue
        accounts.set_password(user.id, DEMO_PASSWORD)
        given.append((user.id, user.display_name, sorted({role for role, _ in user.grants})))
    return given
