"""Schema migrations (Alembic), run programmatically: `stuurboord db upgrade`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from engine.storage.db import Database

_SCRIPTS = Path(__file__).parent / "migrations"


def _config(extra_locations: Sequence[Path] = ()) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    locations = [_SCRIPTS / "versions", *extra_locations]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    config.set_main_option(
        "file_template",
        "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    return config


def upgrade(db: Database, extra_locations: Sequence[Path] = (), revision: str = "heads") -> str:
    """Bring the schema to the latest revisions of the engine and of any extra migration folders
    (a process package's own tables); returns the revisions now current."""
    config = _config(extra_locations)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return ", ".join(current_revisions(db))


def current_revisions(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return sorted(MigrationContext.configure(connection).get_current_heads())


def pending(db: Database, extra_locations: Sequence[Path] = ()) -> list[str]:
    """Revisions not yet applied (empty when the schema is up to date)."""
    script = ScriptDirectory.from_config(_config(extra_locations))
    current = tuple(current_revisions(db))
    return [rev.revision for rev in script.iterate_revisions("heads", current or "base")
            if rev.revision not in current]  # fmt: skip
