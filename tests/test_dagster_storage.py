"""portalis_assets/storage.py: the instance storage dagster_home/dagster.yaml names keeps what
Dagster's SQLite storage keeps (same files, readable by Dagster's own class), with cheaper writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster._core.storage.event_log.base import EventLogRecord
from dagster._core.storage.event_log.schema import AssetKeyTable
from dagster._serdes import serialize_value
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from portalis_assets.storage import BATCH_SIZE_ENV, PortalisSqliteEventLogStorage

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def test_committed_config_keeps_every_partition_event_and_dagster_reads_them(home: Path) -> None:
    key = dg.AssetKey("parsed_ast")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, PortalisSqliteEventLogStorage)
        for n in range(3):  # the asset's row exists after the first: later events update it
            for part in ("a", "b"):
                instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition=part, metadata={"n": n}))
        latest = instance.get_latest_materialization_event(key)
        assert latest is not None and latest.asset_materialization.metadata["n"].value == 2
        records = instance.fetch_materializations(key, limit=100).records
        assert len(records) == 6
        # the asset's row holds the last materialization built from the event's JSON, not
        # serialized again: byte for byte what Dagster's serializer writes
        storage = instance.event_log_storage
        with storage.index_connection() as conn:
            stored = conn.execute(sa.select(AssetKeyTable.c.last_materialization)
                                  .where(AssetKeyTable.c.asset_key == key.to_string())).scalar_one()
        newest = max(records, key=lambda r: r.storage_id)
        assert stored == serialize_value(EventLogRecord(storage_id=newest.storage_id, event_log_entry=newest.event_log_entry))
    # Dagster's own SQLite event log (the UI of a plain install, `dagster` CLI) reads the same files
    plain = SqliteEventLogStorage(str(home / "history" / "runs"))
    try:
        assert plain.get_materialized_partitions(key) == {"a", "b"}
        assert plain.get_latest_materialization_events([key])[key].asset_materialization.metadata["n"].value == 2
    finally:
        plain.dispose()


def test_a_failed_partition_of_a_run_is_marked_failed(home: Path) -> None:
    partitions = dg.StaticPartitionsDefinition(["a", "b"])

    @dg.asset(partitions_def=partitions)
    def stage(context) -> None:  # noqa: ANN001 - Dagster reads the annotation; a string (PEP 563) is refused
        if context.partition_key == "b":
            raise dg.Failure("b is broken")

    with dg.DagsterInstance.from_config(str(home)) as instance:
        job = dg.Definitions(assets=[stage]).resolve_implicit_global_asset_job_def()
        assert job.execute_in_process(instance=instance, partition_key="a").success
        assert not job.execute_in_process(instance=instance, partition_key="b", raise_on_error=False).success
        status = instance.get_status_by_partition(stage.key, ["a", "b"], partitions)
        assert status == {"a": dg.AssetPartitionStatus.MATERIALIZED, "b": dg.AssetPartitionStatus.FAILED}


def test_a_runs_planned_events_are_one_batch_and_a_failed_one_keeps_nothing(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    partitions = dg.StaticPartitionsDefinition(["a", "b", "c"])

    @dg.asset(partitions_def=partitions, backfill_policy=dg.BackfillPolicy.single_run())
    def stage(context) -> None:  # noqa: ANN001 - Dagster reads the annotation
        for key in context.partition_keys:
            context.log_event(dg.AssetMaterialization(asset_key=context.asset_key, partition=key))

    batches: list[int] = []
    real = PortalisSqliteEventLogStorage.store_event_batch

    def spy(self: PortalisSqliteEventLogStorage, events: list) -> None:
        batches.append(len(events))
        real(self, events)

    monkeypatch.setattr(PortalisSqliteEventLogStorage, "store_event_batch", spy)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert os.environ.get(BATCH_SIZE_ENV)  # the storage turned Dagster's batching on
        job = dg.Definitions(assets=[stage]).resolve_implicit_global_asset_job_def()
        tags = {ASSET_PARTITION_RANGE_START_TAG: "a", ASSET_PARTITION_RANGE_END_TAG: "c"}
        assert job.execute_in_process(instance=instance, tags=tags).success
        assert 3 in batches  # the three planned events in one transaction
        status = instance.get_status_by_partition(stage.key, ["a", "b", "c"], partitions)
        assert set(status.values()) == {dg.AssetPartitionStatus.MATERIALIZED}

        # a batch that fails midway leaves none of its events (Dagster then writes them one by one)
        storage = instance.event_log_storage
        before = len(instance.fetch_materializations(stage.key, limit=100).records)
        event = instance.fetch_materializations(stage.key, limit=1).records[0].event_log_entry
        with pytest.raises(Exception, match="not a EventLogEntry"):
            real(storage, [event, "not an event"])
        assert len(instance.fetch_materializations(stage.key, limit=100).records) == before


def test_materializations_an_op_yields_through_one_event_batch_are_one_transaction(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """module_status yields one materialization per done partition (never the failed ones):
    `one_event_batch` sends them as one batch, so the event log writes them together."""
    from portalis_assets.assets import one_event_batch

    partitions = dg.StaticPartitionsDefinition(["a", "b", "c"])

    @dg.asset(partitions_def=partitions, backfill_policy=dg.BackfillPolicy.single_run(), output_required=False)
    def status(context):  # noqa: ANN001, ANN202 - Dagster reads the annotation; a generator of events
        yield from one_event_batch(context, [dg.AssetMaterialization(asset_key=context.asset_key, partition=k, metadata={"k": k})
                                             for k in context.partition_keys if k != "b"])

    batches: list[list[str]] = []
    real = PortalisSqliteEventLogStorage.store_event_batch

    def spy(self: PortalisSqliteEventLogStorage, events: list) -> None:
        batches.append([e.dagster_event.event_type_value for e in events])
        real(self, events)

    monkeypatch.setattr(PortalisSqliteEventLogStorage, "store_event_batch", spy)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        job = dg.Definitions(assets=[status]).resolve_implicit_global_asset_job_def()
        tags = {ASSET_PARTITION_RANGE_START_TAG: "a", ASSET_PARTITION_RANGE_END_TAG: "c"}
        assert job.execute_in_process(instance=instance, tags=tags).success
        assert ["ASSET_MATERIALIZATION", "ASSET_MATERIALIZATION"] in batches
        records = instance.fetch_materializations(status.key, limit=10).records
        assert sorted(r.partition_key for r in records) == ["a", "c"]  # each once, "b" not at all
        assert {r.asset_materialization.metadata["k"].value for r in records} == {"a", "c"}
