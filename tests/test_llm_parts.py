"""The LLM stage's parts without a model: answer parsing, the translation memory's retrieval,
which functions are sent, prompts, settings. Real DuckDB; no server, no cargo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from portalis.llm.backend import BackendUnavailable, Completion, make_backend
from portalis.llm.extract import extract_candidate, signature_of
from portalis.llm.memory import MemoryEntry, TranslationMemory, array_module, cosine_reference, similarity, top_k, vectorize
from portalis.llm.prompt import first_prompt, repair_message
from portalis.llm.settings import LLMSettings
from portalis.llm.stage import apply_outcomes, function_tasks
from portalis.llm.task import Attempt, FunctionOutcome
from portalis.model import Diagnostic, FunctionStatus, ModuleTranslation, RustItem
from portalis.parse import parse_source, source_module_from_text
from portalis.store import Store
from portalis.typemap import build_type_map

STUB = '#[allow(unused_variables)]\npub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    todo!("portalis PTL130")\n}\n'


def answer(text: str, finish: str = "stop") -> Completion:
    return Completion(text=text, finish_reason=finish)


# ---------------------------------------------------------------- extracting the candidate


def test_a_fenced_rust_function_with_the_right_signature_is_extracted() -> None:
    text = ("Sure! Here it is:\n```rust\nuse std::collections::HashMap;\n\n"
            "fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    let _m: HashMap<i64, i64> = HashMap::new();\n"
            "    b.iter().map(|x| x + a).collect()\n}\n```\nIt adds a to every element.")
    got = extract_candidate(answer(text), "add", STUB)
    assert got.ok and got.code is not None
    assert got.code.startswith("pub fn add(")  # made public: the crate's callers need it
    assert "    use std::collections::HashMap;" in got.code  # moved into the body
    assert signature_of(got.code) == signature_of(STUB)


@pytest.mark.parametrize("text, finish, reason", [
    ("```rust\npub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    b.to_vec()\n}\n```", "length", "reached the token limit"),
    ("```rust\npub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    b.to_vec()\n", "stop", "block is not closed"),
    ("I cannot do that, the function is too complex.", "stop", "contains no Rust code"),
    ("```python\ndef add(a, b):\n    return a + b\n```", "stop", "no ```rust block"),
    ("```rust\npub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    b.to_vec()\n```", "stop", "do not balance"),
    ("```rust\npub fn add(a: i64, b: Vec<i64>) -> Vec<i64> {\n    b\n}\n```", "stop", "signature differs"),
    ("```rust\npub fn plus(a: i64, b: &[i64]) -> Vec<i64> {\n    b.to_vec()\n}\n```", "stop", "named `plus`"),
    ("```rust\npub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    todo!()\n}\n```", "stop", "todo!()"),
    ("```rust\nfn helper() {}\npub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    b.to_vec()\n}\n```", "stop", "2 top-level items"),
    ("```rust\n#![allow(unsafe_code)]\npub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    b.to_vec()\n}\n```", "stop", "crate-level attributes"),
])
def test_unusable_answers_are_rejected_with_a_reason(text: str, finish: str, reason: str) -> None:
    got = extract_candidate(answer(text, finish), "add", STUB)
    assert not got.ok and reason in (got.problem or ""), got.problem


def test_grouped_use_lines_and_a_stray_semicolon_are_still_one_function() -> None:
    text = ("```rust\nuse std::collections::{HashMap, HashSet};\n"
            "pub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    let _s: HashSet<i64> = HashSet::new();\n"
            "    let _m: HashMap<i64, i64> = HashMap::new();\n    b.to_vec()\n};\n```")
    got = extract_candidate(answer(text), "add", STUB)
    assert got.ok, got.problem
    assert "    use std::collections::{HashMap, HashSet};" in (got.code or "")


def test_an_unfenced_answer_that_is_plain_rust_is_accepted_and_strings_do_not_confuse_the_parser() -> None:
    text = 'pub fn add(a: i64, b: &[i64]) -> Vec<i64> {\n    let _s = "}{ ``` todo!()";\n    b.to_vec()\n}'
    got = extract_candidate(answer(text), "add", STUB)
    assert got.ok and '"}{ ``` todo!()"' in (got.code or "")


# ---------------------------------------------------------------- the translation memory


def test_similarity_is_exact_integer_cosine_and_ranking_is_deterministic() -> None:
    sources = ["def f(xs):\n    return [x * 2 for x in xs]\n", "def g(s):\n    return s.upper()\n",
               "def h(ys):\n    return [y * 2 for y in ys]\n", "def k(n):\n    return n + 1\n"]
    matrix = np.stack([vectorize(s) for s in sources])
    assert matrix.dtype == np.int32 and matrix.shape == (4, 1024)
    scores = similarity(matrix[:1], matrix, np)
    for j in range(4):
        assert scores[0, j] == pytest.approx(cosine_reference(matrix[0], matrix[j]), abs=1e-12)
    assert scores[0, 0] == pytest.approx(1.0)
    # ties go to the earlier row; excluded rows are skipped
    tied = np.array([[0.5, 0.9, 0.9, 0.1]])
    assert top_k(tied, 3) == [[1, 2, 0]] and top_k(tied, 2, exclude=[[1]]) == [[2, 0]]
    assert array_module("numpy") is np


def test_cupy_gives_the_same_scores_as_numpy_when_a_gpu_is_there() -> None:
    xp = array_module("auto")
    if xp is np:
        pytest.skip("no usable CUDA device (cupy missing or no driver): the numpy path is the one in use")
    matrix = np.stack([vectorize(f"def f{i}(x):\n    return x * {i} + {i % 3}\n") for i in range(200)])
    assert np.array_equal(similarity(matrix[:20], matrix, xp), similarity(matrix[:20], matrix, np))


def test_memory_stores_pairs_once_and_retrieves_the_most_similar(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.duckdb")
    memory = TranslationMemory(store)
    doubled = MemoryEntry("def double_all(xs: list[int]) -> list[int]:\n    return [x * 2 for x in xs]\n",
                          "pub fn double_all(xs: &[i64]) -> Vec<i64> {\n    xs.iter().map(|x| x * 2).collect()\n}\n",
                          "m", "double_all", "k1", "llm", "test-model", True)
    upper = MemoryEntry("def shout(s: str) -> str:\n    return s.upper() + '!'\n",
                        "pub fn shout(s: &str) -> String {\n    s.to_uppercase() + \"!\"\n}\n", "m", "shout", "k2", "rules", "", True)
    assert memory.add([doubled, upper]) == 2
    assert memory.add([doubled]) == 0  # the same pair is stored once
    reloaded = TranslationMemory(store)  # from DuckDB, vectors from their BLOBs
    assert len(reloaded) == 2
    query = "def triple_all(ys: list[int]) -> list[int]:\n    return [y * 3 for y in ys]\n"
    (found,) = reloaded.similar([query], k=1)
    assert [e.function for e in found] == ["double_all"]
    # the very same Python is never its own example
    (same,) = reloaded.similar([doubled.python_source], k=2)
    assert "double_all" not in [e.function for e in same]


# ---------------------------------------------------------------- which functions, and prompts


SOURCE = '''from helpers import scale


def a(n: int) -> int:
    return scale(n) + b(n)


def b(n: int) -> int:
    return n


def c(xs: list[int]) -> int:
    return len(xs)
'''
HELPERS = "def scale(n: int) -> int:\n    return n * 3\n"


def _module(name: str, source: str):  # type: ignore[no-untyped-def]
    parsed = parse_source(source_module_from_text(name, source), source)
    return parsed, build_type_map(parsed)


def _translation() -> tuple[dict, dict, dict]:
    parsed, tm = _module("m", SOURCE)
    hp, htm = _module("helpers", HELPERS)
    items = [
        RustItem(name="a", kind="fn", python_line=4, status=FunctionStatus.UNTRANSLATED,
                 code='pub fn a(n: i64) -> i64 {\n    todo!("portalis PTL130")\n}\n'),
        RustItem(name="b", kind="fn", python_line=8, code="pub fn b(n: i64) -> i64 {\n    n\n}\n", stub="pub fn b(n: i64) -> i64 {\n    todo!()\n}\n"),
        RustItem(name="c", kind="fn", python_line=12, code="pub fn c(xs: &[i64]) -> i64 {\n    xs.len() as i64\n}\n",
                 stub="pub fn c(xs: &[i64]) -> i64 {\n    todo!()\n}\n"),
    ]
    diag = Diagnostic(code="PTL130", message="expression not supported yet", module="m", function="a", line=5)
    translations = {"m": ModuleTranslation(module="m", items=items, diagnostics=[diag]), "helpers": ModuleTranslation(module="helpers")}
    return translations, {"m": parsed, "helpers": hp}, {"m": tm, "helpers": htm}


def test_what_the_rules_left_is_sent_and_nothing_else_unless_asked() -> None:
    translations, parsed, maps = _translation()
    assert [t.name for t in function_tasks(translations, parsed, maps)] == ["a"]
    assert [t.name for t in function_tasks(translations, parsed, maps, llm_only=True)] == ["a", "b", "c"]
    failed = function_tasks(translations, parsed, maps, failed={("m", "c"): "c([1]): python -> 1, rust -> 2"})
    assert [t.name for t in failed] == ["a", "c"] and failed[1].rules_code and failed[1].failing_case
    assert [t.name for t in function_tasks(translations, parsed, maps, only={"m": {"b"}}, llm_only=True)] == ["b"]
    (task,) = function_tasks(translations, parsed, maps)
    assert task.callees == ["crate::helpers::scale(n: i64) -> i64", "b(n: i64) -> i64"]
    assert [d.code for d in task.diagnostics] == ["PTL130"]


def test_a_function_asked_once_is_not_asked_again() -> None:
    translations, parsed, maps = _translation()
    (task,) = function_tasks(translations, parsed, maps)
    outcome = FunctionOutcome(task=task, asked=True, detail="rejected at the compile stage",
                              attempts=[Attempt(round=0, stage="compile")])
    apply_outcomes(translations, [outcome], "llm:openai:m")
    assert function_tasks(translations, parsed, maps) == []  # it carries PTL502 now
    accepted = FunctionOutcome(task=task, accepted=True, asked=True, code="pub fn a(n: i64) -> i64 {\n    n\n}\n",
                               detail="verified on 3 case(s)", attempts=[Attempt(round=0, stage="accepted")])
    translations, parsed, maps = _translation()
    (change,) = apply_outcomes(translations, [accepted], "llm:openai:m")
    item = translations["m"].items[0]
    assert (item.backend, item.status, item.stub) == ("llm", FunctionStatus.TRANSLATED, task.stub)
    assert [d.code for d in translations["m"].diagnostics] == ["PTL501"]  # the rules' PTL130 gave way
    assert [d.code for d in change.removed] == ["PTL130"]
    assert function_tasks(translations, parsed, maps, llm_only=True)[0].name == "b"  # a is from the model now


def test_prompts_carry_the_function_its_types_the_rules_diagnostics_and_examples() -> None:
    translations, parsed, maps = _translation()
    (task,) = function_tasks(translations, parsed, maps)
    example = MemoryEntry("def twice(n: int) -> int:\n    return 2 * n\n", "pub fn twice(n: i64) -> i64 {\n    2 * n\n}\n")
    system, user = first_prompt(task, [example])
    assert system["role"] == "system" and "```rust" in system["content"] and "no unsafe" in system["content"]
    text = user["content"]
    for part in ("`m.a`", "return scale(n) + b(n)", "- `n`: int -> `i64`", "pub fn a(n: i64) -> i64",
                 "crate::helpers::scale(n: i64) -> i64", "PTL130 (line 5): expression not supported yet",
                 "pub fn twice(n: i64) -> i64"):
        assert part in text, part
    assert "rustc rejected" in repair_message("compile", "error[E0308]") and "error[E0308]" in repair_message("compile", "error[E0308]")
    assert "python -> 1" in repair_message("behaviour", "f(1): python -> 1, rust -> 2")


def test_settings_from_the_environment_and_what_is_missing() -> None:
    assert LLMSettings.from_env({}) is None
    s = LLMSettings.from_env({"PORTALIS_LLM_ENDPOINT": "http://h:8000", "PORTALIS_LLM_MODEL": "m", "PORTALIS_LLM_ONLY": "yes",
                              "PORTALIS_LLM_CONCURRENCY": "3"})
    assert s is not None and (s.backend, s.llm_only, s.concurrency) == ("openai", True, 3)
    local = LLMSettings.from_env({"PORTALIS_LLM_MODEL_DIR": "/models/tiny"})
    assert local is not None and local.backend == "transformers" and local.identity() == "llm:transformers:tiny"
    with pytest.raises(BackendUnavailable, match="needs a model name"):
        make_backend(LLMSettings(endpoint="http://h:8000"))


def test_rules_translations_that_failed_their_cases_are_found_while_their_code_is_unchanged() -> None:
    from portalis.llm.stage import failed_functions
    from portalis.model import FunctionReport, ModuleValidation

    translations, _, _ = _translation()
    c = translations["m"].items[2]
    report = FunctionReport(name="c", qualname="c", status=FunctionStatus.FAILED, detail="c([1]): python -> 1, rust -> 2")
    same = ModuleValidation(module="m", compiles=True, functions=[report], items=[c])
    assert failed_functions({"m": same}, translations) == {("m", "c"): "c([1]): python -> 1, rust -> 2"}
    edited = ModuleValidation(module="m", compiles=True, functions=[report], items=[c.model_copy(update={"code": "old code"})])
    assert failed_functions({"m": edited}, translations) == {}  # the rules' output changed since: that failure is stale
    by_model = report.model_copy(update={"backend": "llm"})
    assert failed_functions({"m": same.model_copy(update={"functions": [by_model]})}, translations) == {}
