"""Faults through the Dagster layer, on real instances (SQLite in temp DAGSTER_HOMEs with the
committed dagster.yaml), real DuckDB files and real `portalis sync` subprocesses:

- a module whose stage failed is a FAILED partition of `module_status`, the run is a failure with
  a readable error, the other modules are materialized and reach the crate;
- `portalis sync` / `demo` list failed modules and exit non-zero;
- `kill -9` of a sync at each stage is repaired by the next sync (every module translated, crate
  complete), the killed run is marked failed and its `gpu` pool slot is freed;
- two syncs at once, a process holding the DuckDB file, a truncated / corrupted / read-only
  DuckDB file: a bounded wait, a one-line error and a non-zero exit, never a traceback, nothing lost;
- a partition's rows are never half-written, even when the writer is killed.

Every subprocess has a timeout; the test hooks (PORTALIS_TEST_PAUSE_AT, PORTALIS_TEST_FAULT) are
described in portalis_assets/faults.py.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from portalis.interface import ModuleState
from portalis.model import ModuleTranslation, RustItem
from portalis.store import WRITE_FAULT_ENV, Store, StoreDamagedError, StoreReadOnlyError
from portalis_assets.faults import FAULT_ENV, PAUSE_ENV, PAUSE_FILE_ENV
from portalis_assets.partitions import python_modules
from portalis_assets.runner import run_translation

ROOT = Path(__file__).resolve().parents[1]
HAVE_CARGO = shutil.which("cargo") is not None and shutil.which("rustfmt") is not None
needs_cargo = pytest.mark.skipif(not HAVE_CARGO, reason="cargo and rustfmt are needed")
SYNC_TIMEOUT_S = 300
MARKER_TIMEOUT_S = 180

GEO = "def area(w: int, h: int) -> int:\n    return w * h\n\n\ndef perimeter(w: int, h: int) -> int:\n    return 2 * (w + h)\n"
SHOP = "from app.geo import area\n\n\ndef tiles(w: int, h: int) -> int:\n    return area(w, h) // 4\n"
UTIL = "def clamp(x: int, lo: int, hi: int) -> int:\n    return max(lo, min(x, hi))\n"


# ---------------------------------------------------------------- helpers


def _repo(path: Path) -> Path:
    (path / "app").mkdir(parents=True)
    (path / "app" / "__init__.py").write_text("")
    (path / "app" / "geo.py").write_text(GEO)
    (path / "app" / "shop.py").write_text(SHOP)
    (path / "app" / "util.py").write_text(UTIL)
    return path


def _home(path: Path) -> Path:
    path.mkdir(parents=True)
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", path / "dagster.yaml")  # the `gpu` pool limit included
    return path


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (PAUSE_ENV, PAUSE_FILE_ENV, FAULT_ENV, WRITE_FAULT_ENV)}
    return {**env, "PYTHONPATH": str(ROOT), "DAGSTER_HOME": str(home), **extra}


def _sync_args(repo: Path, crate: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "portalis.cli", "sync", "--repo", str(repo), "--out", str(crate), *more]


def _sync(home: Path, repo: Path, crate: Path, *more: str) -> subprocess.CompletedProcess:
    return subprocess.run(_sync_args(repo, crate, *more), cwd=ROOT, env=_env(home), capture_output=True, text=True,
                          timeout=SYNC_TIMEOUT_S)


def _summary(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _start_paused(home: Path, repo: Path, crate: Path, point: str, marker: Path) -> subprocess.Popen:
    """A sync that stops at `point` (it writes its pid to `marker` and waits while the file exists)."""
    marker.unlink(missing_ok=True)
    log = marker.with_suffix(".log")
    with log.open("w") as sink:  # a file, not a pipe: a paused process must never block on a full pipe
        proc = subprocess.Popen(
            _sync_args(repo, crate), cwd=ROOT, env=_env(home, **{PAUSE_ENV: point, PAUSE_FILE_ENV: str(marker)}),
            stdout=sink, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
    deadline = time.monotonic() + MARKER_TIMEOUT_S
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            _kill(proc)
            pytest.fail(f"the sync never reached {point} (rc {proc.returncode}):\n{log.read_text()[-3000:]}")
        time.sleep(0.05)
    return proc


def _kill(proc: subprocess.Popen) -> None:
    """kill -9 the sync, then whatever it had started (cargo, Python workers)."""
    try:
        os.kill(proc.pid, signal.SIGKILL)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def _error_line(proc: subprocess.CompletedProcess) -> str:
    """A clean error: non-zero exit, no traceback, exactly one `portalis: error:` line, last."""
    assert proc.returncode == 3, (proc.returncode, proc.stdout, proc.stderr[-3000:])
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("portalis: error:")]
    assert len(lines) == 1 and proc.stderr.strip().splitlines()[-1] == lines[0], proc.stderr
    return lines[0]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_complete(home: Path, repo: Path, crate: Path) -> None:
    """Every module of the repo is translated and done, and the crate is whole and builds."""
    report = json.loads((crate / "portalis-report.json").read_text())
    modules = {m["module"]: m["status"] for m in report["modules"]}
    assert modules == {"app": "empty", "app.geo": "ok", "app.shop": "ok", "app.util": "ok"}, modules
    assert report["crate"]["compiles"] is True
    for name in ("geo", "shop", "util"):
        assert (crate / "src" / "app" / f"{name}.rs").exists()
    states = Store(home / "portalis.duckdb").get_translation_states()
    for m in ("app.geo", "app.shop", "app.util"):
        src = (repo / "app" / f"{m.split('.')[1]}.py").read_bytes()
        assert states[m].source_sha256 == hashlib.sha256(src).hexdigest(), m
    built = subprocess.run(["cargo", "build", "--offline", "--quiet"], cwd=crate, capture_output=True, text=True,
                           env={**os.environ, "CARGO_TARGET_DIR": str(home / "portalis" / "target")}, timeout=SYNC_TIMEOUT_S)
    assert built.returncode == 0, built.stderr


def _module_status(instance: dg.DagsterInstance, keys: list[str]) -> dict[str, str | None]:
    status = instance.get_status_by_partition(dg.AssetKey("module_status"), keys, python_modules)
    return {k: (v.value if v is not None else None) for k, v in (status or {}).items()}


# ---------------------------------------------------------------- 1. failures look like failures


@needs_cargo
def test_a_failed_module_is_a_failed_partition_and_the_others_reach_the_crate(
    tmp_path: Path, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.py").write_text("def add(a: int, b: int) -> int:\n    return a + b\n")
    (repo / "other.py").write_text("def twice(x: int) -> int:\n    return 2 * x\n")
    (repo / "broken.py").write_text("def f(:\n    pass\n")
    monkeypatch.setenv(FAULT_ENV, "rust_translation:other")  # rust_translation raises for `other`, as a bug would
    kwargs = dict(instance=instance, database=tmp_path / "p.duckdb", work_dir=tmp_path / "work", crate_dir=tmp_path / "crate")
    outcome = run_translation(repo, **kwargs)

    assert not outcome.success
    assert set(outcome.failed) == {"broken", "other"}
    assert outcome.failed["broken"].stage == "parsed_ast" and outcome.failed["broken"].message.startswith("PTL001")
    assert outcome.failed["other"].stage == "rust_translation" and "InjectedFault" in outcome.failed["other"].message
    keys = ["broken", "good", "other"]
    assert _module_status(instance, keys) == {"broken": "FAILED", "good": "MATERIALIZED", "other": "FAILED"}
    run = instance.get_run_by_id(outcome.run_id)
    assert run.status == dg.DagsterRunStatus.FAILURE

    # The step's failure names the modules, with a code block per module: module, stage, error, where.
    failures = [e for e in instance.all_logs(outcome.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)]
    assert [e.dagster_event.step_key for e in failures] == ["module_status"]
    data = failures[0].dagster_event.step_failure_data
    assert data.user_failure_data.description.startswith("2 of 3 modules failed: broken (parsed_ast: PTL001")
    errors = data.user_failure_data.metadata["errors"].value
    assert errors.count("```") == 4
    assert "module: other (other.py)" in errors and "stage:  rust_translation" in errors
    assert "faults.py:" in errors and "in inject_fault" in errors  # file, line and function of the failure
    assert "module: broken (broken.py)" in errors and "where:\n  line 1" in errors  # CPython's parser: `def f(:` is line 1

    # The failing stage's partition says so; the good module went through every stage to the crate.
    mat = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("rust_translation"), asset_partitions=["other"]), limit=1
    ).records[0].asset_materialization
    assert mat.metadata["failed"].value is True and "InjectedFault" in mat.metadata["error"].value
    assert outcome.report["crate"]["compiles"] is True
    assert (outcome.crate_dir / "src" / "good.rs").exists()
    report = {m["module"]: m for m in outcome.report["modules"]}
    assert report["other"]["status"] == "error" and report["other"]["diagnostics"][-1]["code"] == "PTL701"
    store = Store(tmp_path / "p.duckdb")
    assert set(store.get_translation_states()) == {"good"}  # only a module that is done counts as translated
    assert set(store.failures()) == {"other"}

    # Fixed: the next run finishes both, and nothing is failed any more.
    monkeypatch.delenv(FAULT_ENV)
    (repo / "broken.py").write_text("def f() -> int:\n    return 1\n")
    again = run_translation(repo, **kwargs)
    assert again.success and again.failed == {}
    assert _module_status(instance, keys) == {"broken": "MATERIALIZED", "good": "MATERIALIZED", "other": "MATERIALIZED"}
    assert set(store.get_translation_states()) == set(keys) and store.failures() == {}


@needs_cargo
@pytest.mark.parametrize("stage", ["parsed_ast", "type_map", "validation_report"])
def test_a_stage_that_raises_fails_only_its_module(
    stage: str, tmp_path: Path, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = _repo(tmp_path / "repo")
    monkeypatch.setenv(FAULT_ENV, f"{stage}:app.util")
    outcome = run_translation(repo, instance=instance, database=tmp_path / "p.duckdb", work_dir=tmp_path / "work",
                              crate_dir=tmp_path / "crate")
    assert not outcome.success
    assert list(outcome.failed) == ["app.util"] and outcome.failed["app.util"].stage == stage
    status = _module_status(instance, ["app", "app.geo", "app.shop", "app.util"])
    assert status == {"app": "MATERIALIZED", "app.geo": "MATERIALIZED", "app.shop": "MATERIALIZED", "app.util": "FAILED"}
    assert "pub fn tiles(" in (outcome.crate_dir / "src" / "app" / "shop.rs").read_text()


@needs_cargo
def test_a_write_failing_midway_in_a_step_costs_only_its_module(
    tmp_path: Path, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A step's writes share one DuckDB transaction (portalis/store.py): a module whose write
    fails there (DuckDB aborts the transaction) is that module's failure; the modules written
    before and after it keep their results, and it keeps its last good translation."""
    repo = _repo(tmp_path / "repo")
    kwargs = dict(instance=instance, database=tmp_path / "p.duckdb", work_dir=tmp_path / "work", crate_dir=tmp_path / "crate")
    assert run_translation(repo, **kwargs).success
    (repo / "app" / "geo.py").write_text(GEO.replace("return w * h", "return h * w"))
    (repo / "app" / "util.py").write_text(UTIL + "\n\ndef twice(x: int) -> int:\n    return 2 * x\n")
    monkeypatch.setenv(WRITE_FAULT_ENV, "rust_translation:app.geo")  # after `app`'s write, before `app.util`'s
    outcome = run_translation(repo, **kwargs)
    assert not outcome.success
    assert list(outcome.failed) == ["app.geo"] and outcome.failed["app.geo"].stage == "rust_translation"
    assert "write fault injected" in outcome.failed["app.geo"].message
    status = _module_status(instance, ["app", "app.geo", "app.shop", "app.util"])
    assert status == {"app": "MATERIALIZED", "app.geo": "FAILED", "app.shop": "MATERIALIZED", "app.util": "MATERIALIZED"}
    store = Store(tmp_path / "p.duckdb")
    code = {m: t.items for m, t in store.get_translations().items()}
    assert "w * h" in "".join(i.code for i in code["app.geo"])  # the last good translation
    assert "pub fn twice(" in "".join(i.code for i in code["app.util"])  # written after the failed write
    assert "pub fn twice(" in (outcome.crate_dir / "src" / "app" / "util.rs").read_text()
    assert set(store.failures()) == {"app.geo"}


@needs_cargo
def test_sync_and_demo_list_failed_modules_and_exit_non_zero(tmp_path: Path) -> None:
    home = _home(tmp_path / "home")
    repo = _repo(tmp_path / "repo")
    (repo / "app" / "broken.py").write_text("def f(:\n    pass\n")
    crate = tmp_path / "crate"
    first = _sync(home, repo, crate)
    assert first.returncode == 1, first.stderr[-3000:]
    assert _summary(first)["failed"] == ["app.broken"]
    assert "sync: failed: app.broken (parsed_ast: PTL001" in first.stderr
    assert (crate / "src" / "app" / "shop.rs").exists()  # the others still made the crate

    # A failed module is never "done": the next sync tries it again and fails again.
    again = _sync(home, repo, crate)
    assert again.returncode == 1 and _summary(again)["failed"] == ["app.broken"]
    assert _summary(again)["retranslated"] == ["app.broken"]

    demo = subprocess.run([sys.executable, "-m", "portalis.cli", "demo", "--repo", str(repo), "--out", str(crate)],
                          cwd=ROOT, env=_env(home), capture_output=True, text=True, timeout=SYNC_TIMEOUT_S)
    assert demo.returncode == 1, demo.stderr[-3000:]
    assert 'failed: ["app.broken"]' in demo.stdout and "FAILED" in demo.stdout

    (repo / "app" / "broken.py").unlink()
    fixed = _sync(home, repo, crate)
    assert fixed.returncode == 0, fixed.stderr[-3000:]
    assert _summary(fixed)["failed"] == [] and _summary(fixed)["removed"] == ["app.broken"]


# ---------------------------------------------------------------- 3./4. kill -9 at each stage


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A home, repo and crate after one good sync; the kill tests below edit and kill in turn."""
    if not HAVE_CARGO:
        pytest.skip("cargo and rustfmt are needed")
    base = tmp_path_factory.mktemp("killed")
    home, repo, crate = _home(base / "home"), _repo(base / "repo"), base / "crate"
    first = _sync(home, repo, crate)
    assert first.returncode == 0, first.stderr[-3000:]
    _assert_complete(home, repo, crate)
    return home, repo, crate


KILL_POINTS = ["parsed_ast", "rust_translation:module", "rust_translation", "validation_report:module", "rust_crate"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_kill_at_each_stage_is_repaired_by_the_next_sync(
    point: str, synced: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    home, repo, crate = synced
    # A change the killed sync was carrying: a body edit in geo and one in util.
    n = KILL_POINTS.index(point) + 3
    (repo / "app" / "geo.py").write_text(GEO.replace("return 2 * (w + h)", f"return {n} * (w + h) - {n - 2} * (w + h)"))
    (repo / "app" / "util.py").write_text(UTIL + f"\n\ndef step{n}(x: int) -> int:\n    return x + {n}\n")
    killed = _start_paused(home, repo, crate, point, home / "pause.marker")
    _kill(killed)

    repair = _sync(home, repo, crate)  # bounded: a leaked `gpu` slot would hang it past the timeout
    assert repair.returncode == 0, repair.stderr[-3000:]
    summary = _summary(repair)
    assert summary["failed"] == [] and {"app.geo", "app.util"} <= set(summary["retranslated"])
    assert "its process is gone" in repair.stderr  # the killed run was found and marked failed
    _assert_complete(home, repo, crate)
    assert f"{n - 2}" in (crate / "src" / "app" / "geo.rs").read_text()
    assert f"pub fn step{n}(" in (crate / "src" / "app" / "util.rs").read_text()

    monkeypatch.setenv("DAGSTER_HOME", str(home))  # dagster.yaml puts the storage under $DAGSTER_HOME
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_run_records(limit=2)
        assert runs[0].dagster_run.status == dg.DagsterRunStatus.SUCCESS  # the repair
        assert runs[1].dagster_run.status == dg.DagsterRunStatus.FAILURE  # the killed one, no longer STARTED
        assert instance.event_log_storage.get_concurrency_info("gpu").claimed_slots == []
    if point == KILL_POINTS[-1]:  # after the repair nothing is left to do (the state checks above say the same)
        nothing = _sync(home, repo, crate)
        assert nothing.returncode == 0 and _summary(nothing)["retranslated"] == []


# ---------------------------------------------------------------- 5. two syncs, busy and broken stores


@needs_cargo
def test_two_syncs_at_once_the_second_waits_its_turn_or_says_busy(tmp_path: Path) -> None:
    home, repo, crate = _home(tmp_path / "home"), _repo(tmp_path / "repo"), tmp_path / "crate"
    marker = tmp_path / "pause.marker"
    first = _start_paused(home, repo, crate, "rust_translation:module", marker)
    try:
        busy = _sync(home, repo, crate, "--wait", "1")
        line = _error_line(busy)
        assert "another portalis sync or demo" in line and f"pid {first.pid}" in line
        assert not (crate / "Cargo.toml").exists()  # the busy one wrote no (0-module) crate

        # With time to wait, the second one waits for the first, then finds nothing left to do.
        err = tmp_path / "second.err"
        with err.open("w") as sink:
            second = subprocess.Popen(_sync_args(repo, crate, "--wait", "240"), cwd=ROOT, env=_env(home),
                                      stdout=subprocess.PIPE, stderr=sink, text=True)
        deadline = time.monotonic() + 60
        while "waiting up to 240 s for another portalis sync" not in err.read_text():
            assert second.poll() is None and time.monotonic() < deadline, err.read_text()
            time.sleep(0.05)
        marker.unlink()  # let the first one go on
        assert first.wait(timeout=SYNC_TIMEOUT_S) == 0, marker.with_suffix(".log").read_text()[-3000:]
        out2, _ = second.communicate(timeout=SYNC_TIMEOUT_S)
        assert second.returncode == 0, err.read_text()[-3000:]
        assert json.loads(out2.strip().splitlines()[-1])["retranslated"] == []
    finally:
        if first.poll() is None:
            _kill(first)
    _assert_complete(home, repo, crate)


def _hold(path: str, ready, release) -> None:  # pragma: no cover - runs in a child process
    con = duckdb.connect(path, read_only=True)
    con.execute("SELECT count(*) FROM parsed_ast").fetchall()
    ready.set()
    release.wait(120)
    con.close()


def _seeded_store(home: Path) -> Path:
    """A DuckDB store with committed rows, as a sync leaves it (no run needed for these tests)."""
    path = home / "portalis.duckdb"
    store = Store(path)
    for i in range(30):  # incompressible rows: data blocks well beyond the catalog's
        code = f"// {os.urandom(16384).hex()}\n"
        t = ModuleTranslation(module=f"m{i:03d}", items=[RustItem(name="area", kind="fn", code=code, python_line=1)])
        store.put_translation_result(t, ModuleState(f"m{i:03d}", "s" * 64, "i" * 64), {}, 1, 0)
    store.commit_states([f"m{i:03d}" for i in range(30)])
    return path


def test_a_process_holding_the_store_gives_a_bounded_wait_then_one_clear_line(tmp_path: Path) -> None:
    home, repo, crate = _home(tmp_path / "home"), _repo(tmp_path / "repo"), tmp_path / "crate"
    path = _seeded_store(home)
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold, args=(str(path), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        line = _error_line(_sync(home, repo, crate, "--wait", "1"))
        assert str(path) in line and "held by another process" in line and f"PID {holder.pid}" in line
    finally:
        release.set()
        holder.join(60)
    assert len(Store(path).get_translation_states()) == 30  # nothing was lost


@pytest.mark.parametrize("damage", ["truncated", "corrupted", "garbage"])
def test_a_damaged_store_gives_one_clear_line_and_is_left_as_it_is(damage: str, tmp_path: Path) -> None:
    home, repo, crate = _home(tmp_path / "home"), _repo(tmp_path / "repo"), tmp_path / "crate"
    path = _seeded_store(home)
    size = path.stat().st_size
    with path.open("r+b") as f:
        if damage == "truncated":
            f.truncate(size // 2)
        elif damage == "corrupted":
            f.seek(3 * 4096)  # past DuckDB's file and database headers: every data and catalog block
            f.write(os.urandom(size - 3 * 4096))
        else:
            f.write(b"this is not a database\n" * 200)
    before = _sha(path)
    line = _error_line(_sync(home, repo, crate, "--wait", "1"))
    assert f"the DuckDB store {path} is damaged" in line and f"mv {path} {path}.damaged" in line
    assert _sha(path) == before  # not deleted, not rewritten
    assert not (crate / "Cargo.toml").exists()


def test_a_read_only_store_gives_one_clear_line_and_nothing_changes(tmp_path: Path) -> None:
    home, repo, crate = _home(tmp_path / "home"), _repo(tmp_path / "repo"), tmp_path / "crate"
    path = _seeded_store(home)
    path.chmod(0o444)
    before = _sha(path)
    try:
        line = _error_line(_sync(home, repo, crate, "--wait", "1"))
        assert f"the DuckDB store {path} cannot be written" in line and "mode 0444" in line
        assert _sha(path) == before
    finally:
        path.chmod(0o644)


def test_a_damaged_block_found_on_read_is_a_store_error_not_a_traceback(tmp_path: Path) -> None:
    path = _seeded_store(tmp_path)
    store = Store(path)
    store.check()
    size = path.stat().st_size
    with path.open("r+b") as f:  # damage the middle of the data, leave the catalog readable
        f.seek(size // 2)
        f.write(os.urandom(8192))
    with pytest.raises(StoreDamagedError, match=f"the DuckDB store {path} is damaged"):
        for _ in range(2):
            store.get_translations()
            store.rows("translation_state")


def test_a_read_only_file_is_refused_before_any_write(tmp_path: Path) -> None:
    path = _seeded_store(tmp_path)
    path.chmod(0o444)
    try:
        with pytest.raises(StoreReadOnlyError, match="mode 0444"):
            Store(path).put_failure("m000", "parsed_ast", "run", "x")
    finally:
        path.chmod(0o644)
    assert Store(path).failures() == {}


# ---------------------------------------------------------------- rows are never half-written


def _rewrite(path: str, started) -> None:  # pragma: no cover - runs in a child process, killed mid-way
    store = Store(path)
    for round_ in range(1_000_000):
        for i in range(50):
            m = f"m{i:03d}"
            t = ModuleTranslation(module=m, items=[RustItem(name=f"v{round_}", kind="fn", code="", python_line=1)])
            store.put_translation_result(t, ModuleState(m, f"{round_:064d}", "i"), {f"k{round_}-{m}": {"module": m}}, 1, 0)
            started.set()


def test_a_writer_killed_mid_write_leaves_every_module_old_or_new_never_half(tmp_path: Path) -> None:
    path = tmp_path / "p.duckdb"
    Store(path).check()  # creates the tables
    ctx = multiprocessing.get_context("spawn")
    for _ in range(3):  # three kills at whatever point the writer reached
        started = ctx.Event()
        writer = ctx.Process(target=_rewrite, args=(str(path), started))
        writer.start()
        assert started.wait(60)
        time.sleep(0.3)
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(30)
        store = Store(path)
        translations = store.get_translations()
        pending = store.rows("translation_pending")
        cache = store.rows("function_cache", key_column="key")
        for m, t in translations.items():
            version = int(t.functions[0].name[1:])
            # The translation, its pending state and its cache entry were written together.
            assert int(pending[m]["source_sha256"]) == version, m
            assert f"k{version}-{m}" in cache, m


# ---------------------------------------------------------------- the sensor and dead runs


def test_the_sensor_marks_a_run_whose_process_died_failed_instead_of_waiting_for_it(
    tmp_path: Path, instance: dg.DagsterInstance,
) -> None:
    from portalis_assets.definitions import defs
    from portalis_assets.recovery import process_tags
    from resources import DuckDBStoreResource, SourceRepoResource
    from sensors.repo_changes import evaluate_repo_changes
    from sensors.requests import TRIGGER_TAG

    repo = _repo(tmp_path / "repo")

    def tick():
        return evaluate_repo_changes(dg.build_sensor_context(instance=instance), SourceRepoResource(root=str(repo)),
                                     DuckDBStoreResource(path=str(tmp_path / "p.duckdb")))

    job = defs.resolve_job_def("translate_repo")
    alive = instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED,
                                        tags={TRIGGER_TAG: "repo_changes", **process_tags()})
    skipped = tick()
    assert isinstance(skipped, dg.SkipReason) and alive.run_id in (skipped.skip_message or "")
    instance.report_run_canceled(alive)

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    tags = process_tags(gone.pid)  # read while it runs, as a run worker would have
    gone.wait(timeout=60)
    dead = instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED, tags={TRIGGER_TAG: "repo_changes", **tags})
    assert isinstance(tick(), dg.SensorResult)  # not blocked by the dead run
    assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
