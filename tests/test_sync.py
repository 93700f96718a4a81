"""`portalis sync --repo DIR --out CRATE_DIR` on the configured DAGSTER_HOME (a temp dir), a real
git checkout of a small repo: the printed JSON, the run's commit tag, and the cache at work."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import pytest

from portalis.cli import main
from sensors.requests import GIT_COMMIT_TAG, GIT_DIRTY_TAG, TRIGGER_TAG


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "HOME": str(repo), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


def _sync(capsys: pytest.CaptureFixture, repo: Path, out: Path) -> dict:
    assert main(["sync", "--repo", str(repo), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 1  # one JSON object, nothing else on stdout
    return json.loads(printed[0])


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_sync_command_in_a_git_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("def version() -> int:\n    return 1\n")
    (repo / "app" / "geo.py").write_text(
        "def area(w: int, h: int) -> int:\n    return w * h\n\n\ndef perimeter(w: int, h: int) -> int:\n    return 2 * (w + h)\n"
    )
    (repo / "app" / "shop.py").write_text(
        "from app.geo import area\n\n\ndef tiles(w: int, h: int) -> int:\n    return area(w, h) // 4\n"
    )
    (repo / "app" / "scratch.py").write_text("def tmp() -> int:\n    return 0\n")
    (repo / ".gitignore").write_text("app/scratch.py\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "init")
    crate = tmp_path / "crate"

    first = _sync(capsys, repo, crate)
    assert first == {
        "added": ["app", "app.geo", "app.shop"], "removed": [], "retranslated": ["app", "app.geo", "app.shop"],
        "functions_translated": 4, "cache_hits": 0, "crate": str(crate.resolve()), "failed": [],
    }  # app/scratch.py is ignored by git: not a module
    assert (crate / "Cargo.toml").exists() and (crate / "src" / "app" / "shop.rs").exists()

    with dg.DagsterInstance.get() as instance:  # the instance of $DAGSTER_HOME
        run = instance.get_run_records(limit=1)[0].dagster_run
        assert run.tags[GIT_COMMIT_TAG] == _git(repo, "rev-parse", "HEAD")
        assert run.tags[GIT_DIRTY_TAG] == "false" and run.tags[TRIGGER_TAG] == "sync"

    assert _sync(capsys, repo, crate) == {**first, "added": [], "retranslated": [], "functions_translated": 0}

    # One body change, committed: only that function is translated; the run carries the new commit.
    geo = repo / "app" / "geo.py"
    geo.write_text(geo.read_text().replace("return 2 * (w + h)", "return w + w + h + h"))
    _git(repo, "commit", "-q", "-am", "edit")
    third = _sync(capsys, repo, crate)
    assert (third["retranslated"], third["functions_translated"], third["cache_hits"]) == (["app.geo"], 1, 1)
    assert "w + w + h + h" in (crate / "src" / "app" / "geo.rs").read_text()
    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_records(limit=1)[0].dagster_run.tags[GIT_COMMIT_TAG] == _git(repo, "rev-parse", "HEAD")

    # Two modules far apart in the partition order (app first, app.shop last; app.geo between):
    # the run covers exactly them, app.geo is neither re-parsed nor re-validated.
    (repo / "app" / "__init__.py").write_text("def version() -> int:\n    return 2\n")
    shop = repo / "app" / "shop.py"
    shop.write_text(shop.read_text().replace("// 4", "// 5"))
    _git(repo, "commit", "-q", "-am", "two far apart")
    fourth = _sync(capsys, repo, crate)
    assert (fourth["retranslated"], fourth["functions_translated"], fourth["failed"]) == (["app", "app.shop"], 2, [])
    assert "area(w, h).div_euclid(5)" in (crate / "src" / "app" / "shop.rs").read_text()
    with dg.DagsterInstance.get() as instance:
        run = instance.get_run_records(limit=1)[0].dagster_run
        touched = {
            stage: sorted(r.event_log_entry.dagster_event.partition for r in instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=dg.AssetKey(stage), storage_ids=None), limit=100).records
                if r.run_id == run.run_id)
            for stage in ("parsed_ast", "type_map", "rust_translation", "validation_report", "module_status")
        }
        assert touched == {stage: ["app", "app.shop"] for stage in touched}
        assert run.tags["portalis/range_size"] == "2"
        assert list(instance.get_dynamic_partitions("python_modules")) == ["app.geo", "app", "app.shop"]
    assert _sync(capsys, repo, crate)["retranslated"] == []  # moving the partitions left nothing to redo
