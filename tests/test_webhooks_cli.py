"""`stuurboord webhooks add` and `stuurboord webhooks list`: one clear line on every error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine import Database
from engine.notify.webhooks import secret_bytes
from tests.test_webhooks import SECRET
from webapp.cli import main


@pytest.fixture
def cli(db: Database, tmp_path, monkeypatch):
    monkeypatch.setenv("STUURBOORD_DATABASE_URL", db.url)
    monkeypatch.setenv("STUURBOORD_INSTANCE_PATH", str(tmp_path))
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return run


def test_add_generates_and_prints_a_secret_and_list_shows_it(cli) -> None:
    assert "no webhooks" in cli("webhooks", "list").output
    out = cli("webhooks", "add", "https://93.184.215.14/in", "--events",
              "be.stuurboord.task.completed, be.stuurboord.decision.recorded").output  # fmt: skip
    assert "webhook 1 added: https://93.184.215.14/in" in out
    assert "events: be.stuurboord.task.completed, be.stuurboord.decision.recorded" in out
    secret = out.split("secret (shown once, keep it): ")[1].strip()
    assert len(secret_bytes(secret)) == 24
    given = cli("webhooks", "add", "https://93.184.215.14/two", "--events",
                "be.stuurboord.case.started", "--secret", SECRET).output  # fmt: skip
    assert "secret" not in given  # the admin's own secret is not echoed
    listed = cli("webhooks", "list").output.splitlines()
    assert listed == [
        "#1 https://93.184.215.14/in [active] events: be.stuurboord.task.completed, "
        "be.stuurboord.decision.recorded; last delivery: never",
        "#2 https://93.184.215.14/two [active] events: be.stuurboord.case.started; "
        "last delivery: never",
    ]
    assert secret not in "\n".join(listed)


def test_add_refuses_with_one_line(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STUURBOORD_WEBHOOK_ALLOW_PRIVATE", raising=False)
    unknown = cli("webhooks", "add", "https://93.184.215.14/in", "--events", "case.started",
                  ok=False).output  # fmt: skip
    assert unknown.startswith("error: unknown event type(s) case.started; known: ")
    assert "be.stuurboord.obligation.overdue" in unknown and "Traceback" not in unknown
    assert len(unknown.strip().splitlines()) == 1
    loopback = cli("webhooks", "add", "http://127.0.0.1:8080/in", "--events",
                   "be.stuurboord.case.started", ok=False).output  # fmt: skip
    assert "error: the host 127.0.0.1 is on a private or local address" in loopback
    bad_secret = cli("webhooks", "add", "https://93.184.215.14/in", "--events",
                     "be.stuurboord.case.started", "--secret", "hunter2", ok=False).output  # fmt: skip
    assert "error: a secret starts with whsec_" in bad_secret
    assert "no webhooks" in cli("webhooks", "list").output
    monkeypatch.setenv("STUURBOORD_WEBHOOK_ALLOW_PRIVATE", "1")
    assert "added" in cli("webhooks", "add", "http://127.0.0.1:8080/in", "--events",
                          "be.stuurboord.case.started").output  # fmt: skip
