"""`make ui`'s promise: the web UI, started on the demo's DAGSTER_HOME with the committed
dagster.yaml and workspace.yaml, shows the demo's partitions and per-module materializations,
a module that failed as a failed partition, and (in headless Chromium, as a person sees it) the
validation_report partition's functions table with each function's status and reason.

One materialization and one webserver serve both tests (module fixture; tests/webui.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from webui import browser, chromium, graphql, materialize_demo, serve, wait_for_text

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="needs cargo")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The demo (plus a broken module) materialized on a temp DAGSTER_HOME, and the web UI on it."""
    tmp = tmp_path_factory.mktemp("webui")
    home = tmp / "dagster_home"
    materialize_demo(home, tmp / "repo")
    with serve(home) as port:
        yield port


def test_web_ui_serves_the_demo_materializations(served: int) -> None:
    port = served
    data = graphql(port, '{ assetOrError(assetKey: {path: ["rust_translation"]}) '
                         '{ ... on Asset { assetMaterializations(limit: 20) { partition } } } }')
    partitions = {m["partition"] for m in data["assetOrError"]["assetMaterializations"]}
    assert {"inventory.mathutil", "inventory.stock", "inventory.text"} <= partitions
    nodes = graphql(port, "{ assetNodes { assetKey { path } partitionKeys owners { ... on TeamAssetOwner { team } } "
                          "tags { key value } description } }")["assetNodes"]
    keys = {tuple(n["assetKey"]["path"]): n for n in nodes}
    assert "inventory.model" in keys[("parsed_ast",)]["partitionKeys"]
    assert ("rust_crate",) in keys
    for node in nodes:  # owners, tags and a description on every asset
        assert node["owners"] == [{"team": "portalis"}] and node["description"]
        assert {t["key"] for t in node["tags"]} >= {"portalis/stage", "portalis/scope"}
    statuses = graphql(port, '{ assetNodeOrError(assetKey: {path: ["module_status"]}) { ... on AssetNode { '
                             'assetPartitionStatuses { ... on DefaultPartitionStatuses { materializedPartitions '
                             'failedPartitions } } } } }')["assetNodeOrError"]["assetPartitionStatuses"]
    assert statuses["failedPartitions"] == ["inventory.broken"]
    assert "inventory.stock" in statuses["materializedPartitions"]


_CHROMIUM = chromium()


@pytest.mark.skipif(isinstance(_CHROMIUM, str), reason=str(_CHROMIUM))
def test_browser_shows_the_functions_table_with_statuses_and_reasons(served: int) -> None:
    """The page `make demo` points at: the validation_report partition of inventory.stock."""
    url = f"http://127.0.0.1:{served}/assets/validation_report?view=partitions&partition=inventory.stock"
    with browser() as driver:
        driver.get(url)
        text = wait_for_text(driver, "functions", "iter_skus", "verified", "restock_plan")
    # The functions table: each function with its status, its cases and where they came from
    # (every function of inventory.stock is verified since generators are compared as lists).
    assert "20/20" in text and "hypothesis" in text
    assert "PTL721" not in text  # no function left untested
