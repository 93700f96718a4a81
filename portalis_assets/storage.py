"""Dagster's SQLite instance storage, with event writes that cost what the write costs.

A run over N modules writes about 12 asset events per module (a planned event and a
materialization per stage, the behaviour check's evaluation), each one twice (the run's shard and
the cross-run index). Dagster's SQLite event log builds a new SQLAlchemy engine for every write
(so every statement is compiled again), disposes it after, and commits with a full fsync: about
20-130 ms an event on the shared 2-core machine, 15 minutes of a 2,000-module sync
(benchmarks/scale.py). Dagster's SQLite event log has no batch write (its `store_event_batch` is a
loop over `store_event`).

`PortalisSqliteStorage` is Dagster's `DagsterSqliteStorage` (same files, same schema: the UI and
`dagster` CLI read them as before) whose event log keeps one engine and one open connection per
database file and commits with `synchronous=NORMAL` (the databases are in WAL mode: a crash cannot
corrupt them; a power cut may lose the last events, which a local run history can afford), writes
a batch of events (Dagster batches a run's planned events and a many-partition step's
materializations once DAGSTER_EVENT_BATCH_SIZE is set, which this storage does) in one transaction
per file, and serializes a materialization once. Configured in dagster_home/dagster.yaml:

    storage:
      custom:
        module: portalis_assets.storage
        class: PortalisSqliteStorage
        config: {base_dir: {env: DAGSTER_HOME}}
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import ExitStack, contextmanager
from typing import Any, Iterator

import sqlalchemy as sa
from dagster._config import StringSource
from dagster._core.storage.event_log.schema import AssetKeyTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._core.storage.sql import create_engine
from dagster._time import datetime_from_timestamp
from dagster._serdes import ConfigurableClassData
from sqlalchemy.pool import QueuePool

BATCH_SIZE_ENV = "DAGSTER_EVENT_BATCH_SIZE"
EVENT_BATCH_SIZE = 5000  # events per transaction; a batch of planned events ends with the run's assets
MAX_ENGINES = 32  # run shards whose engines are kept (a long-lived webserver sees many runs)


def _pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:  # noqa: ANN401
    """Commit without a full fsync: WAL keeps the file consistent; only the last commits are at risk."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PortalisSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage with one engine per shard (its compiled statements are reused) and
    connections that commit without fsync."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: dict[str, sa.engine.Engine] = {}
        self._tables: set[str] = set()
        self._event_json: tuple[Any, str] | None = None  # the last event written and its JSON
        self._batch: dict[str, sa.engine.Connection] | None = None  # shard -> connection, in store_event_batch
        self._batch_stack = ExitStack()
        self._batch_thread = 0  # the thread writing the batch (others wait for the lock)
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> sa.engine.Engine:
        engine = self._engines.pop(shard, None)  # popped and put back: the dict keeps recent shards last
        if engine is None:
            # One connection kept open per shard: closing the last connection to a WAL database
            # checkpoints it with an fsync (~40 ms here), which is most of an event's cost.
            # Uses are serialized by _db_lock, so the connection may move between threads.
            engine = create_engine(self.conn_string_for_shard(shard), poolclass=QueuePool, pool_size=1, max_overflow=2,
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
            sa.event.listen(engine, "connect", _pragmas)
        self._engines[shard] = engine
        while len(self._engines) > MAX_ENGINES:
            oldest = next(iter(self._engines))
            self._engines.pop(oldest).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.engine.Connection]:
        # As SqliteEventLogStorage._connect (the same lock, the same lazy init), the engine kept.
        # Inside store_event_batch (which holds the lock) every write to a shard joins the
        # batch's one transaction on that shard.
        if self._batch is not None and self._batch_thread == threading.get_ident():
            conn = self._batch.get(shard)
            if conn is None:
                conn = self._batch_stack.enter_context(self._open(shard))
                self._batch[shard] = conn
            yield conn
            return
        with self._db_lock, self._open(shard) as conn:
            yield conn

    @contextmanager
    def _open(self, shard: str) -> Iterator[sa.engine.Connection]:
        """A connection to the shard in a transaction (committed on leaving, rolled back on an error)."""
        engine = self._engine(shard)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        with engine.connect() as conn, conn.begin():
            yield conn

    def store_event_batch(self, events: Sequence[Any]) -> None:
        """Dagster's store_event for each event, in one transaction per database file instead of
        one per event. Dagster sends batches when DAGSTER_EVENT_BATCH_SIZE is set (PortalisSqliteStorage
        sets it): the planned events at a run's start (one per asset and partition: 12,000 for a
        2,000-module run, ~10 a second one by one) and the materializations of a step over many
        partitions. On an error nothing of the batch is kept and Dagster stores the events one by
        one instead."""
        with self._db_lock:
            self._batch, self._batch_stack, self._batch_thread = {}, ExitStack(), threading.get_ident()
            try:
                with self._batch_stack:
                    for event in events:
                        self.store_event(event)
            finally:
                self._batch = None

    def _has_asset_key_index_cols_on_connection(self, conn: sa.engine.Connection) -> bool:
        # Dagster inspects the asset_keys table's columns on every asset event (~4 ms); a column
        # once there stays there.
        if "asset_key_index_cols" not in self._tables and super()._has_asset_key_index_cols_on_connection(conn):
            self._tables.add("asset_key_index_cols")
        return "asset_key_index_cols" in self._tables

    def _store_asset_event(self, conn: sa.engine.Connection, event: Any, event_id: int) -> None:  # noqa: ANN401
        # Dagster inserts the asset's row and updates it when the insert fails: with one asset and
        # many partitions, every event after the first raised and handled an IntegrityError. Update
        # first; insert when no row was there.
        if not (event.dagster_event and event.dagster_event.asset_key):
            return
        values = self._get_asset_entry_values(event, event_id, self._has_asset_key_index_cols_on_connection(conn))
        if not values:
            return
        key = event.dagster_event.asset_key.to_string()
        updated = conn.execute(AssetKeyTable.update().values(**values).where(AssetKeyTable.c.asset_key == key))
        if updated.rowcount == 0:
            conn.execute(AssetKeyTable.insert().values(asset_key=key, **values))

    def _event_to_row(self, event: Any) -> dict[str, Any]:  # noqa: ANN401
        # Keep the event's JSON: a materialization's asset row holds the same event again.
        row = super()._event_to_row(event)
        self._event_json = (event, row["event"])
        return row

    def _get_asset_entry_values(self, event: Any, event_id: int, has_asset_key_index_cols: bool) -> dict[str, Any]:  # noqa: ANN401
        # Dagster serializes a materialization a second time for the asset's `last_materialization`
        # (an EventLogRecord around the same event): a third of an event's cost with our metadata
        # tables. The record's JSON is the event's JSON inside a fixed frame (serdes sorts keys;
        # test_dagster_storage.py checks it is byte for byte what Dagster writes).
        cached = self._event_json
        if cached is None or cached[0] is not event or not event.dagster_event.is_step_materialization:
            return super()._get_asset_entry_values(event, event_id, has_asset_key_index_cols)
        values: dict[str, Any] = {"last_materialization": record_json(event_id, cached[1]), "last_run_id": event.run_id}
        if has_asset_key_index_cols:
            values["last_materialization_timestamp"] = datetime_from_timestamp(event.timestamp)
        return values

    def has_table(self, table_name: str) -> bool:
        # Asked on every asset event with tags; a table once there stays there.
        if table_name not in self._tables and super().has_table(table_name):
            self._tables.add(table_name)
        return table_name in self._tables

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()


def record_json(storage_id: int, event_json: str) -> str:
    """`serialize_value(EventLogRecord(storage_id, event))` from the event's own serialized JSON."""
    return f'{{"__class__": "EventLogRecord", "event_log_entry": {event_json}, "storage_id": {int(storage_id)}}}'


class PortalisSqliteStorage(DagsterSqliteStorage):
    """DagsterSqliteStorage (runs, event log, schedules under `base_dir`) with the faster event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PortalisSqliteEventLogStorage(_event_logs_directory(base_dir))
        # Dagster batches event writes only when this is set (read at each event, process-wide);
        # with another storage a batch is Dagster's loop over store_event: the same writes.
        os.environ.setdefault(BATCH_SIZE_ENV, str(EVENT_BATCH_SIZE))

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": StringSource}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: dict) -> "PortalisSqliteStorage":  # type: ignore[override]
        return cls.from_local(inst_data=inst_data, **config_value)


def storage_config(base_dir: str) -> dict:
    """The `storage:` entry of an instance config that uses PortalisSqliteStorage under base_dir
    (for `dg.instance_for_test(overrides=...)`; dagster_home/dagster.yaml says the same)."""
    return {"custom": {"module": __name__, "class": PortalisSqliteStorage.__name__, "config": {"base_dir": base_dir}}}
