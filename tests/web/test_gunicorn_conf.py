"""gunicorn.conf.py: threaded workers, within what each worker's connection pool holds."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from gunicorn.config import Config

from engine import Database

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _config() -> Config:
    """The settings as gunicorn takes them from the file."""
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_workers_are_threaded_and_the_pool_covers_the_threads(monkeypatch):
    monkeypatch.delenv("STUURBOORD_WEB_THREADS", raising=False)
    config = _config()
    assert config.worker_class_str == "gthread"
    assert config.threads >= 2
    pool = Database("postgresql://nobody@127.0.0.1:1/none").engine.pool  # never connects
    assert config.threads <= pool.size()  # each thread has a connection without waiting


@pytest.mark.parametrize("threads", ["2", "8"])
def test_threads_from_the_environment(monkeypatch, threads):
    monkeypatch.setenv("STUURBOORD_WEB_THREADS", threads)
    assert _config().threads == int(threads)
