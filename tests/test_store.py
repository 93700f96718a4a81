"""The DuckDB store on real files: atomic replacement, deletion, migration, lock handling."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import duckdb
import pytest

from portalis.model import ImportInfo, ParsedModule
from portalis.store import Store, StoreLockedError


def _parsed(module: str, sha: str) -> ParsedModule:
    return ParsedModule(module=module, path=f"{module}.py", source_sha256=sha, ok=True, source="x = 1\n", line_count=1)


def test_replace_keeps_one_row_per_module(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.duckdb")
    store.put_parsed(_parsed("a", "1"))
    store.put_parsed(_parsed("a", "2"))
    store.put_parsed(_parsed("b", "3"))
    rows = store.rows("parsed_ast")
    assert set(rows) == {"a", "b"}
    assert rows["a"]["source_sha256"] == "2"
    assert store.get_parsed(["a"])["a"].source_sha256 == "2"


def test_failed_write_keeps_the_previous_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.duckdb")
    store.put_parsed(_parsed("a", "good"))
    # The DELETE succeeds, the INSERT fails (a string in an INTEGER column): all rolled back.
    with pytest.raises(duckdb.Error):
        store.replace_row("parsed_ast", "a", {"path": "a.py", "source_sha256": "bad", "line_count": "not a number"})
    rows = store.rows("parsed_ast")
    assert rows["a"]["source_sha256"] == "good"
    assert store.get_parsed(["a"])["a"].ok is True


def test_a_write_failing_midway_in_a_session_loses_only_itself(tmp_path: Path) -> None:
    """A session's writes share one transaction, which DuckDB aborts when a statement fails: the
    earlier writes are written again and kept, the failing module keeps its previous row, and the
    session goes on writing (issue 15: one transaction per Dagster step)."""
    store = Store(tmp_path / "p.duckdb")
    store.put_parsed(_parsed("a", "old"))
    store.put_parsed(_parsed("c", "old"))
    with store.session():
        store.put_parsed(_parsed("a", "new"))
        store.put_parsed(_parsed("b", "new"))
        assert store.get_parsed(["a"])["a"].source_sha256 == "new"  # reads see the session's writes
        # The DELETE runs, the INSERT fails: the whole transaction is aborted by DuckDB.
        with pytest.raises(duckdb.Error):
            store.replace_row("parsed_ast", "c", {"path": "c.py", "source_sha256": "bad", "line_count": "not a number"})
        assert {k: r["source_sha256"] for k, r in store.rows("parsed_ast").items()} == {"a": "new", "b": "new", "c": "old"}
        store.put_parsed(_parsed("d", "new"))
        store.put_failure("c", "parsed_ast", "run", "failed")
    rows = Store(tmp_path / "p.duckdb").rows("parsed_ast")
    assert {k: r["source_sha256"] for k, r in rows.items()} == {"a": "new", "b": "new", "c": "old", "d": "new"}
    assert set(Store(tmp_path / "p.duckdb").failures()) == {"c"}


def test_a_session_commits_its_writes_when_its_body_raises(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.duckdb")
    with pytest.raises(RuntimeError), store.session():
        store.put_parsed(_parsed("a", "1"))
        raise RuntimeError("the step failed after writing a")
    assert Store(tmp_path / "p.duckdb").get_parsed(["a"])["a"].source_sha256 == "1"


def test_deferred_writes_are_written_together_and_seen_by_reads(tmp_path: Path) -> None:
    """Inside `deferred()` the rows of a table are written with one DELETE and one INSERT (issue
    15): rows with different shapes (an empty list, NULLs) go in the same statement, a later
    write of a key replaces an earlier one, and a read inside sees what was written before it."""
    store = Store(tmp_path / "p.duckdb")
    store.put_parsed(_parsed("a", "old"))
    with store.deferred() as failed:
        store.put_parsed(_parsed("a", "new"))
        store.put_parsed(_parsed("b", "1"))
        store.put_parsed(_parsed("b", "2").model_copy(update={"imports": [ImportInfo(module="a", line=1)]}))
        assert store.get_parsed(["a", "b"])["b"].source_sha256 == "2"
        store.replace_row("parsed_ast", "c", {"path": "c.py"})  # the other columns NULL
        store.put_failure("c", "parsed_ast", "run", "failed")
    assert failed == {}
    rows = Store(tmp_path / "p.duckdb").rows("parsed_ast")
    assert {k: r["source_sha256"] for k, r in rows.items()} == {"a": "new", "b": "2", "c": None}
    assert rows["a"]["imports"] == [] and rows["b"]["imports"] == ["a"]
    assert set(Store(tmp_path / "p.duckdb").failures()) == {"c"}


def test_a_bulk_write_that_fails_costs_only_the_failing_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A deferred bulk write that fails is made again write by write: only the write that fails
    on its own is lost (its module keeps its previous rows, in every table of that write), the
    others are kept, and the block names the failing module with its error. No cargo."""
    from portalis.interface import ModuleState
    from portalis.model import ModuleTranslation
    from portalis.store import WRITE_FAULT_ENV

    store = Store(tmp_path / "p.duckdb")
    for m in ("a", "c"):
        store.put_parsed(_parsed(m, "old"))
    old = ModuleTranslation(module="t2")
    store.put_translation_result(old, ModuleState(module="t2", source_sha256="old", interface_sha256=""), {}, 0, 0)
    monkeypatch.setenv(WRITE_FAULT_ENV, "rust_translation:t2")  # DuckDB itself raises inside t2's write
    with store.deferred() as failed:
        store.put_parsed(_parsed("a", "new"))
        store.put_parsed(_parsed("b", "new"))
        # The DELETE would run, the INSERT fails: a string in an INTEGER column.
        store.replace_row("parsed_ast", "c", {"path": "c.py", "source_sha256": "bad", "line_count": "not a number"})
        store.put_parsed(_parsed("d", "new"))
        for m in ("t1", "t2", "t3"):
            cache = {f"{m}-key": {"module": m, "function": "f", "item": "{}", "diagnostics": "[]"}}
            store.put_translation_result(ModuleTranslation(module=m), ModuleState(module=m, source_sha256="new", interface_sha256=""),
                                         cache, 1, 0)
    assert set(failed) == {"c", "t2"}
    assert isinstance(failed["c"], duckdb.Error) and "write fault injected" in str(failed["t2"])
    fresh = Store(tmp_path / "p.duckdb")
    rows = fresh.rows("parsed_ast")
    assert {k: r["source_sha256"] for k, r in rows.items()} == {"a": "new", "b": "new", "c": "old", "d": "new"}
    pending = fresh.rows("translation_pending")
    assert {k: r["source_sha256"] for k, r in pending.items()} == {"t1": "new", "t2": "old", "t3": "new"}
    assert set(fresh.rows("function_cache", key_column="key")) == {"t1-key", "t3-key"}  # t2's write: all or none


def test_unknown_column_is_refused_before_touching_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.duckdb")
    store.put_parsed(_parsed("a", "good"))
    with pytest.raises(KeyError):
        store.replace_row("parsed_ast", "a", {"no_such_column": 1})
    assert store.rows("parsed_ast")["a"]["source_sha256"] == "good"


def test_delete_modules_removes_every_stage_row(tmp_path: Path) -> None:
    from portalis.model import ModuleTypeMap

    store = Store(tmp_path / "p.duckdb")
    for m in ("a", "b"):
        store.put_parsed(_parsed(m, m))
        store.put_type_map(ModuleTypeMap(module=m))
    store.delete_modules(["a"])
    assert set(store.rows("parsed_ast")) == {"b"}
    assert set(store.rows("type_map")) == {"b"}


def test_old_schema_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "p.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE parsed_ast (module VARCHAR PRIMARY KEY, path VARCHAR, payload JSON)")
    con.execute("INSERT INTO parsed_ast VALUES ('old', 'old.py', NULL)")
    con.close()
    store = Store(path)
    store.put_parsed(_parsed("a", "1"))
    rows = store.rows("parsed_ast")
    assert rows["old"]["path"] == "old.py"  # existing rows survive the migration
    assert rows["a"]["line_count"] == 1


def _hold_lock(path: str, seconds: float, ready) -> None:  # pragma: no cover - runs in a child
    con = duckdb.connect(path)
    ready.set()
    time.sleep(seconds)
    con.close()


def test_lock_held_by_another_process_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "p.duckdb"
    Store(path).put_parsed(_parsed("a", "1"))
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(path), 3.0, ready))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(StoreLockedError, match="held by another process"):
            Store(path, lock_timeout_s=0.5).rows("parsed_ast")
    finally:
        holder.join(30)
    # Once the other process lets go, the store works again.
    assert Store(path, lock_timeout_s=5).rows("parsed_ast")["a"]["source_sha256"] == "1"
