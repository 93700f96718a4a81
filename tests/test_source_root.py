"""One source root per instance (portalis/source_root.py): `portalis sync --repo X` records X in
DuckDB; the repo_changes sensor and the nightly schedule watch it unless told another root, and
then refuse in the tick instead of deleting X's partitions; a sync of another root says what it
removes. Also: sync's and demo's runs carry the entry point and the root as tags, and sync's
stage progress (off when piped unless --progress). Real Dagster instance, DuckDB and cargo."""

from __future__ import annotations

import io
from datetime import datetime, timezone
import shutil
from pathlib import Path

import dagster as dg
import pytest

from portalis.cli import main
from portalis.progress import Progress
from portalis.source_root import SOURCE_ROOT_KEY, decide_watched_root, normalize, switch_note
from portalis.store import Store
from portalis_assets.partitions import python_modules
from portalis_assets.runner import sync_repo
from resources import DuckDBStoreResource, SourceRepoResource, TranslatorResource
from sensors import build_nightly_schedule, repo_changes
from sensors.requests import SOURCE_ROOT_TAG, TRIGGER_TAG

FAST_VALIDATION = {"ops": {"validation_report": {"config": {"verify": False, "lint": False}}}}


# ------------------------------------------------------------------ the rule alone


def test_the_rule(tmp_path: Path) -> None:
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    # Empty configured root: the stored one; on a fresh instance examples/, recorded.
    assert decide_watched_root("", a, 3).root == Path(a)
    fresh = decide_watched_root("", None, 0)
    assert fresh.root == normalize("examples") and fresh.record
    # A named root: taken when it is the stored one, or nothing would be deleted.
    assert decide_watched_root(a, a, 3).root == Path(a) and not decide_watched_root(a, a, 3).record
    assert decide_watched_root(b, a, 0).root == Path(b) and decide_watched_root(b, a, 0).record
    # sync names its root: taken and recorded even when it differs (it says so itself).
    assert decide_watched_root(b, a, 3, switch=True).root == Path(b) and decide_watched_root(b, a, 3, switch=True).record
    # A named root that differs while partitions exist: refused, naming both roots and the way out.
    refused = decide_watched_root(b, a, 3)
    assert refused.root is None and refused.refused is not None
    assert a in refused.refused and b in refused.refused and "3 module partitions" in refused.refused
    assert f"portalis sync --repo {b}" in refused.refused
    # Partitions but no recorded root (an older instance): no guess.
    legacy = decide_watched_root("", None, 1)
    assert legacy.root is None and "1 module partition " in (legacy.refused or "")
    assert switch_note(None, Path(b), ["m"]) is None and switch_note(b, Path(b), []) is None
    assert switch_note(a, Path(b), ["x", "y"]) == f"source root changed from {a} to {b}; removed 2 module partitions not in it: x, y"


# ------------------------------------------------------------------ sync, sensor, schedule


def _repo(root: Path, modules: dict[str, str]) -> Path:
    root.mkdir()
    for name, body in modules.items():
        (root / f"{name}.py").write_text(body)
    return root


def _tick(instance: dg.DagsterInstance, root: str, db: Path):
    context = dg.build_sensor_context(
        instance=instance,
        resources={"source_repo": SourceRepoResource(root=root), "store": DuckDBStoreResource(path=str(db))},
    )
    return repo_changes(context)


@pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo")
def test_sensor_after_a_sync_of_another_repo_never_deletes_its_partitions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    db = home / "portalis.duckdb"
    repo_x = _repo(tmp_path / "x", {"geo": "def area(w: int, h: int) -> int:\n    return w * h\n",
                                   "shop": "def tiles(n: int) -> int:\n    return n // 4\n"})
    repo_y = _repo(tmp_path / "y", {"other": "def one() -> int:\n    return 1\n"})
    examples = _repo(tmp_path / "examples", {"demo": "def two() -> int:\n    return 2\n"})
    monkeypatch.chdir(tmp_path)  # the resource's default (examples/) is relative to the working directory

    with dg.DagsterInstance.get() as instance:
        # `portalis sync --repo x`, with stage progress asked for on a stream that is not a terminal.
        stream = io.StringIO()
        progress = Progress.for_stream(stream, force=True)
        outcome = sync_repo(repo_x, instance=instance, run_config=FAST_VALIDATION, progress=progress)
        progress.close()
        assert outcome.success and outcome.added == ["geo", "shop"] and outcome.root_note is None
        assert Store(db).setting(SOURCE_ROOT_KEY) == str(repo_x.resolve())
        lines = stream.getvalue().splitlines()
        assert any("plan changes" in line for line in lines)
        for stage in ("parse 2/2 modules: done", "type map 2/2 modules: done", "translate 2/2 modules: done",
                      "validate (cargo check, clippy, cases) 2/2 modules: done", "rust_crate (cargo build): done"):
            assert any(stage in line for line in lines), (stage, lines)
        run = instance.get_run_records(limit=1)[0].dagster_run
        assert run.tags[TRIGGER_TAG] == "sync" and run.tags[SOURCE_ROOT_TAG] == str(repo_x.resolve())

        # The sensor as deployed (empty root, examples/ beside it): it watches x, and deletes nothing.
        assert examples.is_dir()
        skip = _tick(instance, "", db)
        assert isinstance(skip, dg.SkipReason) and skip.skip_message.startswith("no module changed (2 modules")
        # Told to watch y: refused in the tick, the partitions and rows of x untouched.
        refused = _tick(instance, str(repo_y), db)
        assert isinstance(refused, dg.SkipReason)
        assert str(repo_x.resolve()) in refused.skip_message and "would delete them" in refused.skip_message
        assert list(instance.get_dynamic_partitions(python_modules.name)) == ["geo", "shop"]
        assert set(Store(db).get_translation_states()) == {"geo", "shop"}
        # An edit in x is picked up by the default sensor, and its run translates x.
        (repo_x / "geo.py").write_text("def area(w: int, h: int) -> int:\n    return h * w\n")
        result = _tick(instance, "", db)
        assert isinstance(result, dg.SensorResult) and not result.dynamic_partitions_requests
        (request,) = result.run_requests
        assert request.tags[SOURCE_ROOT_TAG] == str(repo_x.resolve())
        assert request.run_config["resources"]["source_repo"]["config"]["root"] == str(repo_x.resolve())

        # The nightly schedule follows the same rule.
        for root, refuses in (("", False), (str(repo_y), True)):
            schedule = build_nightly_schedule(full=True)
            context = dg.build_schedule_context(
                instance=instance, scheduled_execution_time=datetime(2026, 12, 6, 2, tzinfo=timezone.utc),
                resources={"store": DuckDBStoreResource(path=str(db)), "source_repo": SourceRepoResource(root=root),
                           "translator": TranslatorResource(backend="rules")},
            )
            evaluated = schedule.evaluate_tick(context)
            if refuses:
                assert evaluated.skip_message and "would delete them" in evaluated.skip_message
            else:
                (req,) = evaluated.run_requests
                assert req.tags[SOURCE_ROOT_TAG] == str(repo_x.resolve())

    # `portalis sync --repo y` switches, and says what it removed; no progress lines on a pipe.
    capsys.readouterr()
    assert main(["sync", "--repo", str(repo_y)]) == 0
    err = capsys.readouterr().err
    assert (f"sync: source root changed from {repo_x.resolve()} to {repo_y.resolve()}; "
            "removed 2 module partitions not in it: geo, shop") in err
    assert "portalis: [" not in err  # progress is off when stderr is not a terminal
    assert Store(db).setting(SOURCE_ROOT_KEY) == str(repo_y.resolve())
    with dg.DagsterInstance.get() as instance:
        assert list(instance.get_dynamic_partitions(python_modules.name)) == ["other"]
