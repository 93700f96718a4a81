"""The LLM stage inside Dagster: the `translator` resource configured from PORTALIS_LLM_*
environment variables, rust_translation batching the functions of all modules of a run into
one round against a loopback OpenAI-style server, metrics in DuckDB and as metadata, and a
second run that asks the model nothing (its answers are in the function cache)."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from conftest import needs_cargo
from portalis.llm.metrics import history
from portalis.store import Store
from portalis_assets.definitions import defs
from portalis_assets.partitions import python_modules
from resources import TranslatorResource
from test_llm_http import Reply, ScriptedServer

MODULE_A = '''def sign(n: int) -> int:
    match n:
        case 0:
            return 0
        case _:
            return 1 if n > 0 else -1


def double(n: int) -> int:
    return n * 2
'''

MODULE_B = '''from a import sign


def classify(n: int) -> str:
    if (s := sign(n)) > 0:
        return "pos"
    return "neg" if s < 0 else "zero"
'''

BODIES = {
    "sign": "if n == 0 { 0 } else if n > 0 { 1 } else { -1 }",
    "double": "n * 2",
    "classify": 'let s = crate::a::sign(n);\n    if s > 0 { "pos".to_string() } else if s < 0 { "neg".to_string() } else { "zero".to_string() }',
}


def scripted(body: dict, index: int) -> Reply:
    first = body["messages"][1]["content"]
    name = re.search(r"Translate the Python function `[\w.]+\.(\w+)`", first).group(1)  # type: ignore[union-attr]
    signature = re.search(r"keep it exactly:\n```rust\n(.*?)\n```", first, re.DOTALL).group(1)  # type: ignore[union-attr]
    # a little latency, so that requests sent together overlap at the server
    return Reply(content=f"```rust\n{signature} {{\n    {BODIES[name]}\n}}\n```", delay=0.5)


LLM_ENV = ("PORTALIS_LLM_BACKEND", "PORTALIS_LLM_ENDPOINT", "PORTALIS_LLM_MODEL", "PORTALIS_LLM_ONLY",
           "PORTALIS_LLM_MAX_REPAIR_ROUNDS", "PORTALIS_LLM_API_KEY_ENV", "PORTALIS_LLM_MODEL_DIR")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)


def test_the_resource_reads_its_settings_from_config_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert TranslatorResource().llm_settings() is None and TranslatorResource().identity() == "rules"
    monkeypatch.setenv("PORTALIS_LLM_ENDPOINT", "http://nim:8000/v1")
    monkeypatch.setenv("PORTALIS_LLM_MODEL", "nemotron-nano")
    monkeypatch.setenv("PORTALIS_LLM_API_KEY_ENV", "NGC_API_KEY")
    monkeypatch.setenv("PORTALIS_LLM_MAX_REPAIR_ROUNDS", "3")
    s = TranslatorResource().llm_settings()
    assert s is not None and (s.backend, s.endpoint, s.model, s.api_key_env, s.max_repair_rounds) == (
        "openai", "http://nim:8000/v1", "nemotron-nano", "NGC_API_KEY", 3)
    assert TranslatorResource().identity() == "llm:openai:nemotron-nano+prompt-1"
    # resource config wins over the environment; `rules` turns the stage off
    s = TranslatorResource(model="other", concurrency=2).llm_settings()
    assert s is not None and (s.model, s.concurrency) == ("other", 2)
    assert TranslatorResource(backend="rules").llm_settings() is None
    monkeypatch.delenv("PORTALIS_LLM_ENDPOINT")
    with pytest.raises(ValueError, match="needs an endpoint or a model directory"):
        TranslatorResource(backend="openai").llm_settings()


@needs_cargo
def test_rust_translation_sends_the_run_to_the_model_in_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text(MODULE_A)
    (repo / "b.py").write_text(MODULE_B)
    db = tmp_path / "p.duckdb"
    run_config = {
        "ops": {"validation_report": {"config": {"verify": False, "lint": False}}},
        "resources": {
            "source_repo": {"config": {"root": str(repo)}},
            "store": {"config": {"path": str(db)}},
            "rust_toolchain": {"config": {"work_dir": str(tmp_path / "w"), "crate_dir": str(tmp_path / "crate")}},
        },
    }
    job = defs.resolve_job_def("translate_repo")
    home = tmp_path / "home"
    home.mkdir()
    with ScriptedServer(scripted) as server, dg.instance_for_test(temp_dir=str(home)) as instance:
        # Dagster reads the LLM settings from the environment (what a deployment sets).
        monkeypatch.setenv("PORTALIS_LLM_ENDPOINT", server.url)
        monkeypatch.setenv("PORTALIS_LLM_MODEL", "test-model")
        monkeypatch.setenv("PORTALIS_LLM_ONLY", "1")
        instance.add_dynamic_partitions(python_modules.name, ["a", "b"])
        tags = {ASSET_PARTITION_RANGE_START_TAG: "a", ASSET_PARTITION_RANGE_END_TAG: "b"}
        result = job.execute_in_process(run_config=run_config, instance=instance, tags=tags)
        assert result.success
        first = len(server.requests)
        again = job.execute_in_process(run_config=run_config, instance=instance, tags=tags)
        assert again.success
        second = len(server.requests) - first

    # One round, one batch: the three functions of both modules were in flight together.
    assert first == 3 and server.max_in_flight == 3
    classify = next(r for r in server.requests if ".classify` into Rust" in r["messages"][1]["content"])
    assert "`crate::a::sign(n: i64) -> i64`" in classify["messages"][1]["content"]  # callee signatures are in the prompt
    assert second == 0  # unchanged modules: nothing is asked again

    store = Store(db)
    translations = store.get_translations()
    assert {f.name: f.backend for t in translations.values() for f in t.functions} == {
        "sign": "llm", "double": "llm", "classify": "llm"}
    validations = store.get_validations()
    assert all(v.compiles for v in validations.values())
    assert {f.name: f.backend for v in validations.values() for f in v.functions} == {"sign": "llm", "double": "llm", "classify": "llm"}

    meta = {m.partition: m.metadata for m in result.asset_materializations_for_node("rust_translation")}
    assert meta["a"]["llm_functions"].value == 2 and meta["b"]["llm_functions"].value == 1
    assert meta["a"]["llm_accepted"].value == 2 and meta["a"]["llm_compile_rate"].value == 1.0
    assert meta["b"]["llm_model"].value == "llm:openai:test-model" and meta["b"]["backend"].value == "llm:openai:test-model+prompt-1"
    (row,) = history(store)
    assert (row["functions"], row["candidates"], row["accepted"], row["compile_rate"]) == (3, 3, 3, 1.0)
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM translation_memory").fetchone() == (3,)


@needs_cargo
def test_an_unreachable_backend_fails_rust_translation_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_text(MODULE_A)
    with ScriptedServer(scripted) as server:
        url = server.url  # closed when the block ends: nothing listens there afterwards
    monkeypatch.setenv("PORTALIS_LLM_ENDPOINT", url)
    monkeypatch.setenv("PORTALIS_LLM_MODEL", "test-model")
    monkeypatch.setenv("PORTALIS_LLM_ONLY", "1")
    home = tmp_path / "home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        instance.add_dynamic_partitions(python_modules.name, ["a"])
        result = defs.resolve_job_def("translate_repo").execute_in_process(
            run_config={"resources": {
                "source_repo": {"config": {"root": str(repo)}}, "store": {"config": {"path": str(tmp_path / "p.duckdb")}},
                "rust_toolchain": {"config": {"work_dir": str(tmp_path / "w"), "crate_dir": str(tmp_path / "crate")}},
            }},
            instance=instance, partition_key="a", raise_on_error=False,
        )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "rust_translation"
    assert "is unavailable" in str(failure.event_specific_data.error) and "not reachable" in str(failure.event_specific_data.error)
