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


def test_workers_are_sync_by_default(monkeypatch):
    monkeypatch.delenv("STUURBOORD_WEB_THREADS", raising=False)
    config = _config()
    assert (config.worker_class_str, config.threads) == ("sync", 1)


@pytest.mark.parametrize("threads", ["2", "8"])
def test_threads_from_the_environment_within_the_pool(monkeypatch, threads):
    monkeypatch.setenv("STUURBOORD_WEB_THREADS", threads)
    config = _config()
    assert (config.worker_class_str, config.threads) == ("gthread", int(threads))
    pool = Database("postgresql://nobody@127.0.0.1:1/none").engine.pool  # never connects
    assert config.threads <= pool.size()  # each thread has a connection without waiting
