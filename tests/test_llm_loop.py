"""The translate-validate-repair loop end to end: a real loopback OpenAI-style server with
scripted answers, real rustfmt/cargo, real differential tests (Python subprocess + Rust case
program), real DuckDB (cache, memory, metrics).

One module, six functions, sent with `llm_only` (so the scenario does not depend on what the
rules can translate this week), three rounds (max_repair_rounds=2). The server reads the
required signature from the prompt and answers per function and per round:

- evens:     correct at once                      -> accepted, verified, no repair
- squares:   does not compile, then correct       -> repaired with rustc's errors
- total_pos: compiles but wrong, then correct     -> repaired with the failing case
- hopeless:  never compiles                       -> todo!() with PTL502
- danger:    `unsafe`, then `std::process`, ...   -> rejected by the safety gate every time
- cut:       truncated, prose, unclosed fence     -> rejected before rustc every time
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import needs_cargo
from portalis.llm.metrics import history
from portalis.llm.settings import LLMSettings
from portalis.pipeline import translate_path
from portalis.store import Store
from test_llm_http import Reply, ScriptedServer

SOURCE = '''"""Functions for the loop test."""


def evens(xs: list[int]) -> list[int]:
    """Even numbers of xs.

    >>> evens([1, 2, 3, 4])
    [2, 4]
    """
    return [x for x in xs if x % 2 == 0]


def squares(xs: list[int]) -> list[int]:
    return [x * x for x in xs]


def total_pos(xs: list[int]) -> int:
    return sum(x for x in xs if x > 0)


def hopeless(n: int) -> int:
    return n + 1


def danger(n: int) -> int:
    return n * 2


def cut(n: int) -> int:
    return n - 1
'''

BODIES: dict[str, list[str]] = {
    "evens": ["xs.iter().copied().filter(|x| x % 2 == 0).collect()"],
    "squares": ["xs.iter().map(|x| x * x).collect::<Vec<i32>>()", "xs.iter().map(|x| x * x).collect()"],
    "total_pos": ["xs.iter().sum()", "xs.iter().filter(|x| **x > 0).sum()"],
    "hopeless": ["undefined_helper(n)"] * 3,
    "danger": ["unsafe { std::ptr::read(&n) * 2 }", "std::process::exit(0)", "{ let p = &n as *const i64; unsafe { *p * 2 } }"],
}

_FUNCTION = re.compile(r"Translate the Python function `[\w.]+\.(\w+)`")
_SIGNATURE = re.compile(r"keep it exactly:\n```rust\n(.*?)\n```", re.DOTALL)


def scripted(body: dict, index: int) -> Reply:
    """Answers by function (named in the first user message) and round (answers so far)."""
    first = body["messages"][1]["content"]
    name = _FUNCTION.search(first).group(1)  # type: ignore[union-attr]
    signature = _SIGNATURE.search(first).group(1)  # type: ignore[union-attr]
    rnd = sum(m["role"] == "assistant" for m in body["messages"])
    if name == "cut":
        return [
            Reply(content=f"```rust\n{signature} {{\n    n -", finish_reason="length"),
            Reply(content="I am sorry, I cannot translate this function."),
            Reply(content=f"Here it is:\n```rust\n{signature} {{\n    n - 1\n"),
        ][rnd]
    return Reply(content=f"Here is the translation:\n\n```rust\n{signature} {{\n    {BODIES[name][rnd]}\n}}\n```\n")


def requests_for(server: ScriptedServer, name: str) -> list[dict]:
    return [r for r in server.requests if f".{name}` into Rust" in r["messages"][1]["content"]]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, toolchain):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("llm-loop")
    src = root / "src"
    src.mkdir()
    (src / "llmdemo.py").write_text(SOURCE, encoding="utf-8")
    cache = root / "cache.duckdb"
    with ScriptedServer(scripted) as server:
        settings = LLMSettings(endpoint=server.url, model="test-model", llm_only=True, max_repair_rounds=2,
                               verify_cases=5, backoff_s=0.05)
        run = translate_path(src / "llmdemo.py", root / "out", toolchain, llm=settings, cache=cache)
        first_requests = len(server.requests)
        # The same input again: every function comes from the cache, the model is not asked.
        again = translate_path(src / "llmdemo.py", root / "out2", toolchain, llm=settings, cache=cache)
        second_requests = len(server.requests) - first_requests
        # Every function two lines further down (an edit above them): same keys, still not asked.
        moved = root / "moved"
        moved.mkdir()
        (moved / "llmdemo.py").write_text(SOURCE.replace('"""Functions for the loop test."""', '"""Functions\nfor the loop test.\n"""'))
        shifted = translate_path(moved / "llmdemo.py", root / "out3", toolchain, llm=settings, cache=cache)
        third_requests = len(server.requests) - first_requests - second_requests
    return run, again, server, first_requests, second_requests, cache, shifted, third_requests


def functions(run) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    (module,) = run.report["modules"]
    return {f["name"]: f for f in module["functions"]}


def diagnostics(run, name: str) -> list[dict]:  # type: ignore[no-untyped-def]
    (module,) = run.report["modules"]
    return [d for d in module["diagnostics"] if d["function"] == name]


@needs_cargo
def test_a_correct_translation_is_accepted_and_verified(scenario) -> None:  # type: ignore[no-untyped-def]
    run, _, server, *_ = scenario
    f = functions(run)["evens"]
    assert f["backend"] == "llm" and f["status"] == "translated"
    assert len(requests_for(server, "evens")) == 1
    (d,) = [d for d in diagnostics(run, "evens") if d["code"] == "PTL501"]
    assert "verified on" in d["message"] and d["severity"] == "info"
    code = (Path(run.crate.path) / "src" / "llmdemo.rs").read_text()
    assert "filter(|x| x % 2 == 0)" in code and run.crate.compiles


@needs_cargo
def test_a_compile_error_is_repaired_with_rustcs_messages(scenario) -> None:  # type: ignore[no-untyped-def]
    run, _, server, *_ = scenario
    assert functions(run)["squares"]["backend"] == "llm"
    first, second = requests_for(server, "squares")
    repair = second["messages"][-1]["content"]
    assert second["messages"][-2]["role"] == "assistant" and "Vec<i32>" in second["messages"][-2]["content"]
    assert "rustc rejected your function" in repair and "error[E0277]" in repair and "Vec<i32>" in repair
    assert "verified on" in next(d["message"] for d in diagnostics(run, "squares") if d["code"] == "PTL501")


@needs_cargo
def test_a_wrong_translation_is_repaired_with_the_failing_case(scenario) -> None:  # type: ignore[no-untyped-def]
    run, _, server, *_ = scenario
    assert functions(run)["total_pos"]["backend"] == "llm"
    _, second = requests_for(server, "total_pos")
    repair = second["messages"][-1]["content"]
    assert "does not behave like the Python" in repair and "total_pos(" in repair and "python ->" in repair
    code = (Path(run.crate.path) / "src" / "llmdemo.rs").read_text()
    assert "filter(|x| **x > 0)" in code


@needs_cargo
def test_a_function_that_never_compiles_ends_as_todo_with_a_diagnostic(scenario) -> None:  # type: ignore[no-untyped-def]
    run, _, server, *_ = scenario
    f = functions(run)["hopeless"]
    assert f["backend"] == "rules"  # the rules' translation is what the crate keeps
    assert len(requests_for(server, "hopeless")) == 3  # first answer + 2 repair rounds
    (d,) = [d for d in diagnostics(run, "hopeless") if d["code"] == "PTL502"]
    assert "compile stage after 3 answer(s)" in d["message"] and "E0425" in d["message"]
    code = (Path(run.crate.path) / "src" / "llmdemo.rs").read_text()
    assert "undefined_helper" not in code


@needs_cargo
def test_unsafe_and_process_candidates_are_rejected_by_the_safety_gate(scenario) -> None:  # type: ignore[no-untyped-def]
    run, _, server, *_ = scenario
    assert functions(run)["danger"]["backend"] == "rules"
    reqs = requests_for(server, "danger")
    assert len(reqs) == 3
    assert "safety gate: it uses unsafe" in reqs[1]["messages"][-1]["content"]
    assert "safety gate: it uses process" in reqs[2]["messages"][-1]["content"]
    (d,) = [d for d in diagnostics(run, "danger") if d["code"] == "PTL502"]
    assert "safety stage" in d["message"]
    code = (Path(run.crate.path) / "src" / "llmdemo.rs").read_text()
    assert "unsafe" not in code and "std::process" not in code


@needs_cargo
def test_truncated_and_non_rust_answers_are_rejected(scenario) -> None:  # type: ignore[no-untyped-def]
    run, _, server, *_ = scenario
    assert functions(run)["cut"]["backend"] == "rules"
    reqs = requests_for(server, "cut")
    assert "truncated: it reached the token limit" in reqs[1]["messages"][-1]["content"]
    assert "contains no Rust code" in reqs[2]["messages"][-1]["content"]
    (d,) = [d for d in diagnostics(run, "cut") if d["code"] == "PTL502"]
    assert "block is not closed" in d["message"]


@needs_cargo
def test_metrics_count_every_stage_and_are_stored(scenario) -> None:  # type: ignore[no-untyped-def]
    run, _, _, first_requests, _, cache, *_ = scenario
    m = run.llm
    assert first_requests == 14 == m["requests"] == m["candidates"]
    assert (m["functions"], m["accepted"], m["verified"], m["gave_up"]) == (6, 3, 3, 3)
    assert m["compiled"] == 4  # evens, squares (2nd), total_pos (both)
    assert (m["rejected_safety"], m["rejected_format"], m["behaviour_failed"]) == (3, 3, 1)
    assert m["repair_rounds"] == 0 + 1 + 1 + 2 + 2 + 2
    assert m["compile_rate"] == round(4 / 14, 4) and m["verified_rate"] == 0.5
    assert m["prompt_tokens"] > 0 and m["completion_tokens"] == 5 * 14 and m["latency_mean_s"] > 0
    assert json.loads((Path(run.crate.path) / "portalis-report.json").read_text())["llm"]["accepted"] == 3
    (row,) = history(Store(cache))
    assert (row["model"], row["candidates"], row["verified"]) == ("test-model", 14, 3)


@needs_cargo
def test_the_model_is_never_asked_twice_for_the_same_key(scenario) -> None:  # type: ignore[no-untyped-def]
    run, again, _, _, second_requests, cache, shifted, third_requests = scenario
    assert second_requests == 0 and third_requests == 0
    assert {n: f["backend"] for n, f in functions(shifted).items()} == {n: f["backend"] for n, f in functions(run).items()}
    moved = [d for d in shifted.report["modules"][0]["diagnostics"] if d["function"] == "hopeless" and d["code"] == "PTL502"]
    assert moved and moved[0]["line"] == 23 and "not asked again" in moved[0]["message"]
    assert again.cache_stats["cache_hits"] == 6 and again.cache_stats["functions_translated"] == 0
    assert {n: f["backend"] for n, f in functions(again).items()} == {n: f["backend"] for n, f in functions(run).items()}
    assert again.crate.compiles
    # the accepted pairs are in the translation memory, for later prompts
    with Store(cache).connect() as con:
        rows = con.execute("SELECT function, verified FROM translation_memory ORDER BY function").fetchall()
    assert rows == [("evens", True), ("squares", True), ("total_pos", True)]


@needs_cargo
@pytest.mark.parametrize("require_verified", [False, True])
def test_a_candidate_without_any_case_is_accepted_only_when_verification_is_not_required(
    tmp_path: Path, toolchain, require_verified: bool  # type: ignore[no-untyped-def]
) -> None:
    (tmp_path / "nocase.py").write_text("def inc(n: int) -> int:\n    return n + 1\n")

    def answer(body: dict, index: int) -> Reply:
        sig = _SIGNATURE.search(body["messages"][1]["content"]).group(1)  # type: ignore[union-attr]
        return Reply(content=f"```rust\n{sig} {{\n    n + 1\n}}\n```")

    with ScriptedServer(answer) as server:
        settings = LLMSettings(endpoint=server.url, model="test-model", llm_only=True, verify_cases=0,
                               require_verified=require_verified)
        run = translate_path(tmp_path / "nocase.py", tmp_path / "out", toolchain, llm=settings, build=False)
    (f,) = functions(run).values()
    (d,) = [d for d in diagnostics(run, "inc") if d["code"] in ("PTL501", "PTL502")]
    if require_verified:
        assert f["backend"] == "rules" and d["code"] == "PTL502" and "not accepted without differential tests" in d["message"]
        assert run.llm["compiled"] == 1 and run.llm["accepted"] == 0
    else:
        assert f["backend"] == "llm" and d["code"] == "PTL501" and "compiles; untested" in d["message"]
        assert run.llm["accepted"] == 1 and run.llm["verified"] == 0
    assert len(server.requests) == 1  # no case is not something a repair round can fix
