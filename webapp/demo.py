"""Demo sign-ins for the embedded `stuurboord run`: on a new database, every active user without
a password gets the demo password (and, when processes/ has no demo data, a few users are made
first). Never used in production."""

from __future__ import annotations

from engine import Engine
from processes import demo
from processes.demo import DemoSummary
from webapp.accounts import Accounts

DEMO_PASSWORD = "stuurboord-demo"


def load_demo_data(engine: Engine) -> DemoSummary:
    """The demo committee, meetings and cases (processes.demo); does nothing when loaded."""
    return demo.load(engine)


def give_demo_passwords(engine: Engine, accounts: Accounts) -> list[tuple[str, str, list[str]]]:
    """Set the demo password for active users without one; return (id, name, roles) of each."""
    given = []
    digest = accounts.hasher.hash(DEMO_PASSWORD)  # one hash for the shared, published password
    for user in engine.users():
        if not user.active or accounts.has_password(user.id):
            continue
        accounts.set_password(user.id, DEMO_PASSWORD, digest=digest)
        given.append((user.id, user.display_name, sorted({role for role, _ in user.grants})))
    return given
