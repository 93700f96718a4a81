"""`make ui`'s promise: the web UI, started on the demo's DAGSTER_HOME with the committed
dagster.yaml and workspace.yaml, shows the demo's partitions and per-module materializations,
and a module that failed as a failed partition."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from portalis_assets.runner import run_translation

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["data"]


@pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo")
def test_web_ui_serves_the_demo_materializations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(home))
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "inventory", repo / "inventory")
    kwargs = dict(instance=instance, database=home / "portalis.duckdb", work_dir=home / "portalis",
                  crate_dir=home / "portalis" / "crate")
    outcome = run_translation(repo, **kwargs)
    assert outcome.success
    # A module that does not parse: the UI shows it as a failed partition of module_status.
    (repo / "inventory" / "broken.py").write_text("def f(:\n    pass\n")
    assert list(run_translation(repo, **kwargs).failed) == ["inventory.broken"]
    instance.dispose()

    port = _free_port()
    webserver = Path(sys.executable).parent / "dagster-webserver"
    proc = subprocess.Popen(
        [str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                data = _graphql(port, '{ assetOrError(assetKey: {path: ["rust_translation"]}) '
                                      '{ ... on Asset { assetMaterializations(limit: 20) { partition } } } }')
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(1)
        partitions = {m["partition"] for m in data["assetOrError"]["assetMaterializations"]}
        assert {"inventory.mathutil", "inventory.stock", "inventory.text"} <= partitions
        nodes = _graphql(port, "{ assetNodes { assetKey { path } partitionKeys } }")["assetNodes"]
        keys = {tuple(n["assetKey"]["path"]): n["partitionKeys"] for n in nodes}
        assert "inventory.model" in keys[("parsed_ast",)]
        assert ("rust_crate",) in keys
        statuses = _graphql(port, '{ assetNodeOrError(assetKey: {path: ["module_status"]}) { ... on AssetNode { '
                                  'assetPartitionStatuses { ... on DefaultPartitionStatuses { materializedPartitions '
                                  'failedPartitions } } } } }')["assetNodeOrError"]["assetPartitionStatuses"]
        assert statuses["failedPartitions"] == ["inventory.broken"]
        assert "inventory.stock" in statuses["materializedPartitions"]
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
