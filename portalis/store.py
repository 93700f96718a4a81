"""The DuckDB store: one table per stage, rows keyed by module.

- A module's row is replaced inside one transaction: a failed write keeps the previous row.
- Inside `Store.session()` (a Dagster step) the writes share one transaction, committed every
  BATCH_WRITES writes and when the session ends: a commit costs ~20-40 ms (the WAL's fsync), once
  per module before. A write that fails there (DuckDB then aborts the whole transaction) rolls it
  back, writes the session's earlier writes again, commits them and raises: the failing write is
  not made (its module keeps its previous row), every other module keeps its result. A killed
  process loses the session's uncommitted writes; those modules' states still say "not done", so
  the next sync redoes them.
- Inside `Store.deferred()` (a step's loop over its modules) the row writes are not run one by
  one: each table's rows are written with one DELETE and one multi-row INSERT when the block ends,
  before a read, or every BATCH_WRITES writes (a DELETE + INSERT costs ~4-9 ms in DuckDB itself, a
  row of a bulk INSERT ~0.5 ms). A bulk write that fails is retried write by write, so only the
  write that fails on its own is lost; the block hands back which modules' writes failed.
- Connections are opened per read or write and closed at once: DuckDB lets one process hold the
  file, so nothing may keep it open while translating, compiling or waiting on a GPU.
- Tables are created and new columns added on connect (schema changes migrate in place).
- A module is *done* only when its last stage is: a translation's state goes to
  `translation_pending` with the translation, and moves to `translation_state` (what the sensor
  trusts) when the run's last per-module stage finishes the module (`commit_states`). A run
  killed or failed in between leaves the old state, so the next sync plans the module again.
- A file that cannot be used (locked by another process, damaged, read-only) raises a StoreError
  whose message names the file and what to do; nothing is deleted or rewritten to recover.
"""

from __future__ import annotations

import json
import os
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb

from portalis.interface import ModuleState
from portalis.model import ModuleTranslation, ModuleTypeMap, ModuleValidation, Observations, ParsedModule

# table -> ordered columns (name, DuckDB type). `module` is the key of every per-module table.
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "parsed_ast": [
        ("module", "VARCHAR PRIMARY KEY"),
        ("path", "VARCHAR"),
        ("source_sha256", "VARCHAR"),
        ("ok", "BOOLEAN"),
        ("line_count", "INTEGER"),
        ("functions", "INTEGER"),
        ("classes", "INTEGER"),
        ("imports", "VARCHAR[]"),
        ("diagnostics", "INTEGER"),
        ("payload", "JSON"),
        ("updated_at", "TIMESTAMP"),
    ],
    "type_map": [
        ("module", "VARCHAR PRIMARY KEY"),
        ("functions", "INTEGER"),
        ("typed_functions", "INTEGER"),
        ("classes", "INTEGER"),
        ("diagnostics", "INTEGER"),
        ("payload", "JSON"),
        ("updated_at", "TIMESTAMP"),
    ],
    "rust_translation": [
        ("module", "VARCHAR PRIMARY KEY"),
        ("functions", "INTEGER"),
        ("translated", "INTEGER"),
        ("untranslated", "INTEGER"),
        ("rust_code", "VARCHAR"),
        ("diagnostics", "INTEGER"),
        ("payload", "JSON"),
        ("updated_at", "TIMESTAMP"),
    ],
    "validation_report": [
        ("module", "VARCHAR PRIMARY KEY"),
        ("compiles", "BOOLEAN"),
        ("errors", "INTEGER"),
        ("warnings", "INTEGER"),
        ("translated", "INTEGER"),
        ("untranslated", "INTEGER"),
        ("compile_errors", "INTEGER"),
        ("payload", "JSON"),
        ("updated_at", "TIMESTAMP"),
        # behaviour validation (added columns go last: existing tables migrate in place)
        ("verified", "INTEGER"),
        ("failed", "INTEGER"),
        ("untested", "INTEGER"),
        ("clippy_warnings", "INTEGER"),
    ],
    "crate_builds": [
        ("build_id", "VARCHAR PRIMARY KEY"),
        ("path", "VARCHAR"),
        ("compiles", "BOOLEAN"),
        ("modules", "INTEGER"),
        ("seconds", "DOUBLE"),
        ("payload", "JSON"),
        ("created_at", "TIMESTAMP"),
    ],
    # What each module's last translation was computed from (portalis/interface.py): read by the
    # repo_changes sensor and the nightly schedule to decide what is stale.
    "translation_state": [
        ("module", "VARCHAR PRIMARY KEY"),
        ("source_sha256", "VARCHAR"),
        ("interface_sha256", "VARCHAR"),
        ("deps", "JSON"),  # imported module -> its interface hash at translation time (null: absent)
        ("translator_version", "VARCHAR"),
        ("backend", "VARCHAR"),
        ("translation_key", "VARCHAR"),
        ("functions", "INTEGER"),
        ("translated", "INTEGER"),  # functions lowered by that translation
        ("reused", "INTEGER"),  # functions taken from function_cache
        ("updated_at", "TIMESTAMP"),
    ],
    # A translation's state until the module's last stage is done (then moved to translation_state).
    "translation_pending": [
        ("module", "VARCHAR PRIMARY KEY"),
        ("source_sha256", "VARCHAR"),
        ("interface_sha256", "VARCHAR"),
        ("deps", "JSON"),
        ("translator_version", "VARCHAR"),
        ("backend", "VARCHAR"),
        ("translation_key", "VARCHAR"),
        ("functions", "INTEGER"),
        ("translated", "INTEGER"),
        ("reused", "INTEGER"),
        ("updated_at", "TIMESTAMP"),
    ],
    # Modules a stage could not process (an exception escaped it): kept until the module is done.
    "module_failures": [
        ("module", "VARCHAR PRIMARY KEY"),
        ("stage", "VARCHAR"),
        ("run_id", "VARCHAR"),
        ("message", "VARCHAR"),  # one line: the exception
        ("detail", "VARCHAR"),  # where: the innermost frames of the traceback
        ("updated_at", "TIMESTAMP"),
    ],
    # The per-function translation cache (portalis/cache.py), keyed by content.
    "function_cache": [
        ("key", "VARCHAR PRIMARY KEY"),
        ("module", "VARCHAR"),
        ("function", "VARCHAR"),
        ("start_line", "INTEGER"),
        ("line_dependent", "BOOLEAN"),
        ("translator_version", "VARCHAR"),
        ("backend", "VARCHAR"),
        ("item", "JSON"),
        ("diagnostics", "JSON"),
        ("created_at", "TIMESTAMP"),
    ],
    # Behaviour validation's Python side per function (portalis/validate/behaviour.py: its cases with
    # the originals' results), keyed by everything that side depends on (`case_keys`).
    "case_cache": [
        ("key", "VARCHAR PRIMARY KEY"),
        ("module", "VARCHAR"),
        ("function", "VARCHAR"),
        ("payload", "JSON"),
        ("created_at", "TIMESTAMP"),
    ],
    # Observed calls (portalis/validate/trace.py): one row per source hash of the repository's
    # modules and tests; the newest is what the type map reads.
    "trace_cache": [
        ("key", "VARCHAR PRIMARY KEY"),
        ("functions", "INTEGER"),
        ("tests", "INTEGER"),
        ("payload", "JSON"),
        ("created_at", "TIMESTAMP"),
    ],
    # Facts about the whole instance, one row each (key `source_root`: the repository the module
    # partitions were last synced from; portalis/source_root.py).
    "instance_settings": [
        ("key", "VARCHAR PRIMARY KEY"),
        ("value", "VARCHAR"),
        ("updated_at", "TIMESTAMP"),
    ],
}
MODULE_TABLES = ("parsed_ast", "type_map", "rust_translation", "validation_report")
# Tables with a `module` column that are not stages: purged with the module's partition too.
MODULE_STATE_TABLES = ("translation_state", "translation_pending", "module_failures", "function_cache", "case_cache")


class StoreError(RuntimeError):
    """The DuckDB file cannot be used; the message names it and says what to do."""


class StoreLockedError(StoreError):
    """Another process holds the DuckDB file for longer than we are willing to wait."""


class StoreDamagedError(StoreError):
    """The DuckDB file is truncated, corrupted or not a DuckDB database."""


class StoreReadOnlyError(StoreError):
    """The DuckDB file (or its directory) cannot be written."""


# DuckDB's messages for a file it cannot read as a database (checked on connect and on reads).
_DAMAGED = ("corrupt database file", "could not read enough bytes", "not a valid duckdb database file", "checksum")
_READ_ONLY = ("permission denied", "read-only file system", "readonly database", "read-only mode")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def damaged_error(path: Path, exc: BaseException) -> StoreDamagedError:
    return StoreDamagedError(
        f"the DuckDB store {path} is damaged ({_first_line(exc)}); it was left as it is. Move it aside "
        f"(mv {path} {path}.damaged) and run again: the store is rebuilt by retranslating the source"
    )


def read_only_error(path: Path, why: str) -> StoreReadOnlyError:
    return StoreReadOnlyError(
        f"the DuckDB store {path} cannot be written ({why}); make it writable (chmod u+w {path}) "
        "or use another DAGSTER_HOME"
    )


def _is_damage(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and any(m in str(exc).lower() for m in _DAMAGED)


WRITE_FAULT_ENV = "PORTALIS_TEST_WRITE_FAULT"


def fault_in_write(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    """Test hook: the write of `key`'s row of `table` fails midway, after its first statement,
    with an error raised by DuckDB itself (which aborts the transaction), when
    PORTALIS_TEST_WRITE_FAULT=table:key; unset in normal use."""
    if os.environ.get(WRITE_FAULT_ENV) == f"{table}:{key}":
        con.execute("SELECT error(?)", [f"write fault injected by {WRITE_FAULT_ENV} for {table}:{key}"])


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# A session's writes are committed at least this often: bounds what a killed process loses and
# what a failed write has to write again.
BATCH_WRITES = 256

Write = Callable[[duckdb.DuckDBPyConnection], None]

# One multi-row INSERT carries at most this many rows (a statement's parameters are bound one by
# one; bigger statements gain nothing).
INSERT_CHUNK = 256


@dataclass
class RowWrite:
    """One write of whole rows: for each table, key -> row, replaced together or not at all.
    `label` names what fails when the write fails (the module it belongs to)."""

    label: str
    tables: list[tuple[str, str, dict[str, dict[str, Any]]]]  # (table, key column, key -> row)


def _replace_rows(con: duckdb.DuckDBPyConnection, table: str, key_column: str, rows: dict[str, dict[str, Any]]) -> None:
    """Replace the rows of these keys inside the caller's transaction: one DELETE, then one
    INSERT per INSERT_CHUNK rows (columns a row lacks are NULL, as in a one-row INSERT naming
    only the row's columns: no column has a default). The write fault hook runs between them."""
    if not rows:
        return
    keys = list(rows)
    con.execute(f"DELETE FROM {table} WHERE {key_column} IN ({', '.join('?' for _ in keys)})", keys)
    if os.environ.get(WRITE_FAULT_ENV):
        for key in keys:
            fault_in_write(con, table, key)
    names = [key_column] + [c for c, _ in SCHEMA[table] if c != key_column]
    marks = "(" + ", ".join("?" for _ in names) + ")"
    items = list(rows.items())
    for start in range(0, len(items), INSERT_CHUNK):
        part = items[start:start + INSERT_CHUNK]
        con.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join(marks for _ in part)}",
            [v for key, row in part for v in [key] + [row.get(c) for c in names[1:]]],
        )


def _apply_rows(con: duckdb.DuckDBPyConnection, writes: list[RowWrite]) -> None:
    """Several row writes as one statement pair per table (a later write of a key replaces an
    earlier one, as it would one by one)."""
    merged: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for w in writes:
        for table, key_column, rows in w.tables:
            merged.setdefault((table, key_column), {}).update(rows)
    for (table, key_column), rows in merged.items():
        _replace_rows(con, table, key_column, rows)


class Store:
    def __init__(self, path: Path | str, lock_timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s
        self._migrated = False
        self._session: duckdb.DuckDBPyConnection | None = None
        self._batch: list[Write] | None = None  # the session's writes since its last commit
        self._batch_weight = 0  # how many writes the batch stands for (a bulk write counts its rows' writes)
        self._deferred: list[RowWrite] | None = None  # inside `deferred()`: row writes not run yet
        self._deferred_failed: dict[str, BaseException] | None = None  # label -> why its write failed

    # -------------------------------------------------------- connections
    @contextmanager
    def session(self) -> Iterator[None]:
        """One connection and one transaction for every read and write inside: opening the file
        costs milliseconds, closing it checkpoints the whole database and each commit syncs the
        WAL, so a Dagster step that writes one row per module pays that once, not per module.
        Reads inside see the session's writes. The writes are committed every BATCH_WRITES and at
        the end, also when the body raises (each write is whole: see `_write` for one that fails).
        Other processes wait for the file meanwhile, as they do for any write."""
        if self._session is not None:
            yield
            return
        with self.connect() as con:
            self._session = con
            self._batch = []
            try:
                yield
            except BaseException:
                # The body's error is the one to report: a commit that fails too (a damaged
                # file aborts the transaction) loses the uncommitted writes, as a kill would.
                try:
                    self._commit_batch(con)
                except duckdb.Error:
                    pass
                raise
            else:
                self._commit_batch(con)
            finally:
                self._session = None
                self._batch = None

    @contextmanager
    def deferred(self) -> Iterator[dict[str, BaseException]]:
        """Row writes inside (put_parsed, put_type_map, put_translation_result, put_validation,
        put_failure, ...) are kept and written together, each table with one DELETE and one
        multi-row INSERT, when the block ends, before any read or other write, and every
        BATCH_WRITES writes; all inside the session's transaction (a session is opened when there
        is none). A write inside does not raise when it fails (a StoreError, the file itself, does):
        when a bulk write fails, its writes are made again one by one (`_write`'s rule: the failing
        one is not made, every other is kept), and the dict yielded gets, by the block's end, each
        failing write's label (its module) with the error. A module's rows of several tables are
        one write: all or none."""
        if self._deferred is not None:
            raise RuntimeError("Store.deferred() blocks do not nest")
        failed: dict[str, BaseException] = {}
        with self.session():
            self._deferred = []
            self._deferred_failed = failed
            try:
                yield failed
            finally:
                try:
                    self._flush()
                finally:
                    self._deferred = None
                    self._deferred_failed = None

    def _flush(self) -> None:
        """Write the deferred row writes (see `deferred`)."""
        writes = self._deferred
        if not writes:
            return
        self._deferred = []  # the writes below see an empty buffer: no recursion
        failed = self._deferred_failed if self._deferred_failed is not None else {}
        try:
            self._write(lambda con: _apply_rows(con, writes), weight=len(writes))
            return
        except StoreError:  # the file itself (damaged, locked): nobody's write in particular
            raise
        except Exception:  # noqa: BLE001 - one of them (at least) fails: find which, one by one
            pass
        for w in writes:
            try:
                self._write(lambda con, w=w: _apply_rows(con, [w]))
            except StoreError:
                raise
            except Exception as exc:  # noqa: BLE001 - that write's module fails, as any error of its stage would
                failed.setdefault(w.label, exc)

    def _put_rows(self, write: RowWrite) -> None:
        """Make a row write now (its own transaction, or the session's), or keep it for the
        deferred block's bulk write."""
        if self._deferred is None:
            self._write(lambda con: _apply_rows(con, [write]))
            return
        self._deferred.append(write)
        if len(self._deferred) >= BATCH_WRITES:
            self._flush()

    def _commit_batch(self, con: duckdb.DuckDBPyConnection) -> None:
        """Commit the session's open transaction, if it has one."""
        if self._batch:
            try:
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        if self._batch is not None:
            self._batch = []
        self._batch_weight = 0

    def _write(self, write: Write, weight: int = 1) -> None:
        """Run one write's statements as one transaction: its own outside a session; inside one,
        the session's, begun by its first write. A write that fails inside a session (DuckDB
        aborts the whole transaction then, and statements before the failure may have run)
        rolls the transaction back and replays the session's earlier writes, which succeeded,
        in a new one that is committed at once; then the error is raised: that write alone is
        not made. `weight`: how many writes it stands for (a deferred block's bulk write), which
        counts towards the commit every BATCH_WRITES."""
        if self._deferred:
            self._flush()  # earlier row writes go first, as they were made
        with self.connect() as con:
            batch = self._batch if con is self._session else None
            if batch is None:
                con.execute("BEGIN TRANSACTION")
                try:
                    write(con)
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                return
            if not batch:
                con.execute("BEGIN TRANSACTION")
            try:
                write(con)
            except BaseException:
                con.execute("ROLLBACK")
                self._batch = []
                self._batch_weight = 0
                if batch:
                    con.execute("BEGIN TRANSACTION")
                    try:
                        for earlier in batch:
                            earlier(con)
                        con.execute("COMMIT")
                    except BaseException:
                        con.execute("ROLLBACK")
                        raise
                raise
            batch.append(write)
            self._batch_weight += weight
            if self._batch_weight >= BATCH_WRITES:
                self._commit_batch(con)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._session is not None:
            if self._deferred:
                self._flush()  # a read sees the writes made before it
            try:
                yield self._session
            except duckdb.Error as exc:
                if _is_damage(exc):
                    raise damaged_error(self.path, exc) from exc
                raise
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not read_only:
            self._check_writable()
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only and self.path.exists())
                break
            except duckdb.Error as exc:
                text = str(exc).lower()
                if "could not set lock" in text or "conflicting lock" in text:
                    if time.monotonic() > deadline:
                        raise StoreLockedError(
                            f"the DuckDB store {self.path} is held by another process for over "
                            f"{self.lock_timeout_s:.0f} s ({_first_line(exc)}); close that process (a query, "
                            "another sync, the UI's run) and run again"
                        ) from exc
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                if _is_damage(exc):
                    raise damaged_error(self.path, exc) from exc
                if any(m in text for m in _READ_ONLY):
                    raise read_only_error(self.path, _first_line(exc)) from exc
                raise
        try:
            if not self._migrated and not read_only:
                self.migrate(con)
            yield con
        except duckdb.Error as exc:
            # A damaged block is found when it is read: say so once, in words, not as a traceback.
            if _is_damage(exc):
                raise damaged_error(self.path, exc) from exc
            raise
        finally:
            con.close()

    def _check_writable(self) -> None:
        """Refuse to write a file the user marked read-only (root could write it anyway)."""
        if self.path.exists():
            mode = self.path.stat().st_mode
            if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                raise read_only_error(self.path, f"the file is read-only, mode {stat.S_IMODE(mode):04o}")
            if not os.access(self.path, os.W_OK):
                raise read_only_error(self.path, "no write permission")
        elif not os.access(self.path.parent, os.W_OK):
            raise read_only_error(self.path, f"its directory {self.path.parent} is not writable")

    def check(self) -> None:
        """Open the file for writing (waiting up to lock_timeout_s for another process), migrate it
        and read every table's row count: raises a StoreError that says what is wrong."""
        with self.connect() as con:
            for table in SCHEMA:
                con.execute(f"SELECT count(*) FROM {table}").fetchall()

    def migrate(self, con: duckdb.DuckDBPyConnection) -> None:
        """Create the tables and columns a file lacks (a new file, or one from an older version)."""
        # One catalogue read says whether anything is missing (the usual case: nothing is); the
        # per-table information_schema queries below cost ~20 ms each, and a Dagster step opens
        # a new Store.
        have_cols = set(con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main'"
        ).fetchall())
        if all((table, name) in have_cols for table, columns in SCHEMA.items() for name, _ in columns):
            self._migrated = True
            return
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if tables and not set(SCHEMA) <= tables:
            # A file from before a table was added: read what is there before writing the new table,
            # so that a damaged file is reported as it is, never rewritten.
            for table in sorted(tables & set(SCHEMA)):
                con.execute(f"SELECT count(*) FROM {table}").fetchall()
        for table, columns in SCHEMA.items():
            cols = ", ".join(f"{name} {ddl}" for name, ddl in columns)
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
            have = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()}
            for name, ddl in columns:
                if name not in have:
                    con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {ddl.replace(' PRIMARY KEY', '')}")
        self._migrated = True

    # -------------------------------------------------------- generic rows
    def replace_row(self, table: str, key: str, row: dict[str, Any], key_column: str = "module") -> None:
        """Replace the row of one key atomically: on any failure the previous row stays."""
        columns = [c for c, _ in SCHEMA[table]]
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"unknown columns for {table}: {sorted(unknown)}")
        self._put_rows(RowWrite(key, [(table, key_column, {key: row})]))

    def rows(self, table: str, keys: list[str] | None = None, key_column: str = "module") -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        with self.connect() as con:
            sql = f"SELECT * FROM {table}"
            params: list[Any] = []
            if keys is not None:
                if not keys:
                    return {}
                sql += f" WHERE {key_column} IN ({', '.join('?' for _ in keys)})"
                params = list(keys)
            cur = con.execute(sql, params)
            names = [d[0] for d in cur.description]
            return {r[names.index(key_column)]: dict(zip(names, r)) for r in cur.fetchall()}

    def modules(self, table: str = "parsed_ast") -> list[str]:
        return sorted(self.rows(table))

    def delete_modules(self, modules: list[str]) -> None:
        """Remove every stage's rows of these modules (their partitions were deleted)."""
        if not modules:
            return
        marks = ", ".join("?" for _ in modules)

        def write(con: duckdb.DuckDBPyConnection) -> None:
            for table in (*MODULE_TABLES, *MODULE_STATE_TABLES):
                con.execute(f"DELETE FROM {table} WHERE module IN ({marks})", list(modules))

        self._write(write)

    # -------------------------------------------------------- instance settings
    def setting(self, key: str) -> str | None:
        """The value stored under `key` in instance_settings, or None."""
        row = self.rows("instance_settings", [key], key_column="key").get(key)
        return None if row is None else row["value"]

    def put_setting(self, key: str, value: str) -> None:
        self.replace_row("instance_settings", key, {"value": value, "updated_at": _now()}, key_column="key")

    # -------------------------------------------------------- typed stage records
    def put_parsed(self, p: ParsedModule) -> None:
        self.replace_row("parsed_ast", p.module, {
            "path": p.path, "source_sha256": p.source_sha256, "ok": p.ok, "line_count": p.line_count,
            "functions": len(p.functions), "classes": len(p.classes), "imports": p.imported_modules(),
            "diagnostics": len(p.diagnostics), "payload": p.model_dump_json(), "updated_at": _now(),
        })

    def get_parsed(self, modules: list[str] | None = None) -> dict[str, ParsedModule]:
        return {k: ParsedModule.model_validate_json(r["payload"]) for k, r in self.rows("parsed_ast", modules).items()}

    def put_type_map(self, tm: ModuleTypeMap) -> None:
        self.replace_row("type_map", tm.module, {
            "functions": len(tm.functions), "typed_functions": sum(f.typed for f in tm.functions),
            "classes": len(tm.classes), "diagnostics": len(tm.diagnostics),
            "payload": tm.model_dump_json(), "updated_at": _now(),
        })

    def get_type_maps(self, modules: list[str] | None = None) -> dict[str, ModuleTypeMap]:
        return {k: ModuleTypeMap.model_validate_json(r["payload"]) for k, r in self.rows("type_map", modules).items()}

    def put_translation(self, t: ModuleTranslation) -> None:
        fns = [f for f in t.functions if f.status.value != "excluded"]  # script code: not a function of the library
        translated = sum(f.status.value == "translated" for f in fns)
        self.replace_row("rust_translation", t.module, {
            "functions": len(fns), "translated": translated, "untranslated": len(fns) - translated,
            "rust_code": "\n".join(i.code for i in t.items if i.code), "diagnostics": len(t.diagnostics),
            "payload": t.model_dump_json(), "updated_at": _now(),
        })

    def get_translations(self, modules: list[str] | None = None) -> dict[str, ModuleTranslation]:
        return {k: ModuleTranslation.model_validate_json(r["payload"]) for k, r in self.rows("rust_translation", modules).items()}

    def put_validation(self, v: ModuleValidation) -> None:
        statuses = [f.status.value for f in v.functions]
        self.replace_row("validation_report", v.module, {
            "compiles": v.compiles, "errors": v.errors, "warnings": v.warnings,
            "translated": sum(statuses.count(s) for s in ("translated", "verified", "failed", "untested")),
            "untranslated": statuses.count("untranslated"), "compile_errors": statuses.count("compile_error"),
            "payload": v.model_dump_json(), "updated_at": _now(),
            "verified": statuses.count("verified"), "failed": statuses.count("failed"),
            "untested": statuses.count("untested"), "clippy_warnings": v.clippy_warnings,
        })

    def get_validations(self, modules: list[str] | None = None) -> dict[str, ModuleValidation]:
        return {k: ModuleValidation.model_validate_json(r["payload"]) for k, r in self.rows("validation_report", modules).items()}

    def put_crate_build(self, build_id: str, path: str, compiles: bool, modules: int, seconds: float, payload: dict) -> None:
        self.replace_row("crate_builds", build_id, {
            "path": path, "compiles": compiles, "modules": modules, "seconds": seconds,
            "payload": json.dumps(payload), "created_at": _now(),
        }, key_column="build_id")

    # -------------------------------------------------------- incremental translation state
    def get_translation_states(self, modules: list[str] | None = None) -> dict[str, ModuleState]:
        return {
            k: ModuleState(
                module=k, source_sha256=r["source_sha256"] or "", interface_sha256=r["interface_sha256"] or "",
                deps=json.loads(r["deps"]) if r["deps"] else {}, translator_version=r["translator_version"] or "",
                backend=r["backend"] or "", translation_key=r["translation_key"] or "", updated_at=r["updated_at"],
            )
            for k, r in self.rows("translation_state", modules).items()
        }

    @staticmethod
    def _state_row(state: ModuleState, functions: int = 0, translated: int = 0, reused: int = 0) -> dict[str, Any]:
        return {
            "source_sha256": state.source_sha256, "interface_sha256": state.interface_sha256,
            "deps": json.dumps(state.deps, sort_keys=True), "translator_version": state.translator_version,
            "backend": state.backend, "translation_key": state.translation_key, "functions": functions,
            "translated": translated, "reused": reused, "updated_at": _now(),
        }

    def put_translation_states(self, states: list[ModuleState]) -> None:
        """Record states without a translation (benchmarks seed a big repo this way)."""
        rows = {s.module: self._state_row(s) for s in states}
        self._put_rows(RowWrite("translation_state", [("translation_state", "module", rows)]))

    def put_translation_result(
        self,
        t: ModuleTranslation,
        state: ModuleState,
        cache_rows: dict[str, dict[str, Any]],
        translated: int,
        reused: int,
    ) -> None:
        """A module's translation, its pending state and its new cache entries in one transaction:
        the state never claims a translation that was not stored, and it only becomes the module's
        state (what the sensor trusts) through `commit_states` once the module's last stage is done."""
        fns = t.functions
        done = sum(f.status.value == "translated" for f in fns)
        translation_row = {
            "functions": len(fns), "translated": done, "untranslated": len(fns) - done,
            "rust_code": "\n".join(i.code for i in t.items if i.code), "diagnostics": len(t.diagnostics),
            "payload": t.model_dump_json(), "updated_at": _now(),
        }
        created = _now()
        pending = self._state_row(state, len(fns), translated, reused)
        cached = {k: {**r, "created_at": created} for k, r in cache_rows.items()}
        self._put_rows(RowWrite(t.module, [
            ("rust_translation", "module", {t.module: translation_row}),
            ("translation_pending", "module", {t.module: pending}),
            ("function_cache", "key", cached),
        ]))

    def updated_at(self, table: str, modules: list[str]) -> dict[str, datetime]:
        """When each module's row of a stage was last written (no payload read)."""
        if not modules or not self.path.exists():
            return {}
        with self.connect() as con:
            marks = ", ".join("?" for _ in modules)
            rows = con.execute(f"SELECT module, updated_at FROM {table} WHERE module IN ({marks})", list(modules)).fetchall()
        return {m: t for m, t in rows}

    def function_cache_rows(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        return self.rows("function_cache", keys, key_column="key")

    def put_function_cache(self, rows: dict[str, dict[str, Any]]) -> None:
        created = _now()
        cached = {k: {**r, "created_at": created} for k, r in rows.items()}
        self._put_rows(RowWrite("function_cache", [("function_cache", "key", cached)]))

    def case_cache_rows(self, keys: list[str]) -> dict[str, dict]:
        """key -> the cached payload of behaviour validation's Python side (keys not there are left out)."""
        return {k: json.loads(r["payload"]) for k, r in self.rows("case_cache", keys, key_column="key").items()}

    def put_case_cache(self, entries: dict[str, tuple[str, str, dict]]) -> None:
        """Keep these payloads (key -> (module, function, payload)), in one transaction."""
        created = _now()
        rows = {k: {"module": m, "function": f, "payload": json.dumps(p), "created_at": created} for k, (m, f, p) in entries.items()}
        self._put_rows(RowWrite("case_cache", [("case_cache", "key", rows)]))

    # -------------------------------------------------------- observed calls
    def get_observations(self, key: str) -> Observations | None:
        """The observed calls stored under a source hash (portalis/validate/trace.py), or None."""
        row = self.rows("trace_cache", [key], key_column="key").get(key)
        return None if row is None else Observations.model_validate_json(row["payload"])

    def put_observations(self, found: Observations) -> None:
        """Store observed calls under their key; older keys are dropped (code changed since)."""
        row = [found.key, sum(len(m) for m in found.modules.values()), found.tests + found.doctests,
               found.model_dump_json(), _now()]

        def write(con: duckdb.DuckDBPyConnection) -> None:
            con.execute("DELETE FROM trace_cache")
            con.execute("INSERT INTO trace_cache VALUES (?, ?, ?, ?, ?)", row)

        self._write(write)

    # -------------------------------------------------------- done modules and failures
    def commit_states(self, modules: list[str]) -> list[str]:
        """The modules' last stage is done: their pending states become their states and their
        failures are cleared, in one transaction. Returns the modules that had a pending state."""
        if not modules or not self.path.exists():
            return []
        marks = ", ".join("?" for _ in modules)
        names = ", ".join(c for c, _ in SCHEMA["translation_pending"])
        moved: list[str] = []

        def write(con: duckdb.DuckDBPyConnection) -> None:
            moved[:] = [r[0] for r in con.execute(
                f"SELECT module FROM translation_pending WHERE module IN ({marks})", list(modules)).fetchall()]
            if moved:
                moving = ", ".join("?" for _ in moved)
                con.execute(f"DELETE FROM translation_state WHERE module IN ({moving})", moved)
                con.execute(f"INSERT INTO translation_state ({names}) SELECT {names} FROM translation_pending "
                            f"WHERE module IN ({moving})", moved)
                con.execute(f"DELETE FROM translation_pending WHERE module IN ({moving})", moved)
            con.execute(f"DELETE FROM module_failures WHERE module IN ({marks})", list(modules))

        self._write(write)
        return sorted(moved)

    def put_failure(self, module: str, stage: str, run_id: str, message: str, detail: str = "") -> None:
        """Record that `stage` could not process `module` in run `run_id` (replaces an older record)."""
        self.replace_row("module_failures", module, {
            "stage": stage, "run_id": run_id, "message": message, "detail": detail, "updated_at": _now(),
        })

    def clear_failures(self, modules: list[str]) -> None:
        """Forget the recorded failures of these modules (a run processes them anew)."""
        if not modules or not self.path.exists():
            return
        marks = ", ".join("?" for _ in modules)
        self._write(lambda con: con.execute(f"DELETE FROM module_failures WHERE module IN ({marks})", list(modules)))

    def failures(self, modules: list[str] | None = None, run_id: str | None = None) -> dict[str, dict[str, Any]]:
        """Recorded failures (module -> row), optionally only those of one run."""
        rows = self.rows("module_failures", modules)
        return {k: r for k, r in rows.items() if run_id is None or r["run_id"] == run_id}
