"""bench/engine.py --pages: the WAL pages each commit writes, read from the WAL file."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench" / "engine.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_engine", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pages_per_commit_without_key_index_or_state_index(tmp_path: Path) -> None:
    result = _bench().pages_child(tmp_path, 6)
    assert result["commits"] == [18, 18]  # three commits per case on both sides
    assert result["naive"] == 12  # the row and its overflow, four pages a commit
    trees = result["by_tree"]
    # 0011: the audit seq is the rowid (no key b-tree), and no task index on every row's state
    assert "sqlite_autoindex_audit_trail_1" not in trees
    assert "ix_case_task_role" not in trees
    assert {"audit_trail", "ix_audit_case", "case_task", "ix_case_task_case"} <= set(trees)
    assert result["stuurboord"] < 38  # 41 before 0011, 35 with it (a few more on growth)
    assert len(result["per_step"]) == 3


def test_wal_commits_reads_page_numbers_per_commit(tmp_path: Path) -> None:
    bench = _bench()
    path = tmp_path / "x.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE t (x INTEGER PRIMARY KEY, y TEXT)")
    conn.execute("INSERT INTO t (y) VALUES ('a')")
    commits = bench.wal_commits(tmp_path / "x.db-wal")
    conn.close()
    assert len(commits) == 2
    assert commits[0] == [1, 2]  # the schema (page 1) and the new table's root
    assert commits[1] == [2]
