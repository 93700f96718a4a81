"""Interface hashing, change planning, the per-function cache and the git-aware scan, on real
files and real DuckDB files (no Dagster here: tests/test_sensor.py covers the sensor)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from portalis.cache import FunctionCache, plan_module, translate_all_cached, translate_cached, translator_digest, translator_version
from portalis.interface import ModuleState, covering_range, interface_deps, interface_hash, plan_changes
from portalis.lower.module import lower_module
from portalis.model import ModuleTranslation
from portalis.parse import parse_file
from portalis.repo_scan import scan_repo
from portalis.source import discover
from portalis.store import Store
from portalis.typemap import build_type_map

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

BASE = """\
from dataclasses import dataclass

RATE: float = 0.5


@dataclass
class Box:
    width: int
    height: int


def area(b: Box) -> int:
    return b.width * b.height


def scaled(x: int) -> float:
    return x * RATE
"""


def _load(root: Path) -> tuple[dict, dict]:
    parsed = {m.module: parse_file(root, m) for m in discover(root)}
    return parsed, {k: build_type_map(p) for k, p in parsed.items()}


def _iface(root: Path, module: str) -> str:
    return interface_hash(_load(root)[1][module])


def _fresh(parsed, maps, module: str) -> ModuleTranslation:
    """What translating from scratch gives, with the interfaces the module imports."""
    p = parsed[module]
    return lower_module(p, maps[module], {d: maps[d] for d in interface_deps(p) if d in maps})


# ---------------------------------------------------------------- interface hash


def test_interface_hash_sees_signatures_not_bodies_or_positions(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(BASE)
    before = _iface(tmp_path, "m")

    (tmp_path / "m.py").write_text(BASE.replace("return x * RATE", "y = x + 1\n    return y * RATE"))
    assert _iface(tmp_path, "m") == before, "a body change is not an interface change"

    (tmp_path / "m.py").write_text("# a comment that moves every line\n\n" + BASE)
    assert _iface(tmp_path, "m") == before, "moving code down is not an interface change"

    swapped = BASE.split("def area")[0] + "def scaled" + BASE.split("def scaled")[1] + "\n\ndef area" + BASE.split("def area")[1].split("def scaled")[0]
    (tmp_path / "m.py").write_text(swapped)
    assert _iface(tmp_path, "m") == before, "reordering functions is not an interface change"

    for changed in (
        BASE.replace("def scaled(x: int) -> float", "def scaled(x: float) -> float"),  # parameter type
        BASE.replace("    height: int\n", "    height: int\n    depth: int\n"),  # a field
        BASE.replace("RATE: float = 0.5", "RATE: float = 0.25"),  # a constant's value
        BASE + "\n\ndef extra() -> int:\n    return 1\n",  # a new function
        # A parameter changed in place is passed &mut: the body changes what callers see.
        BASE + "\n\ndef fill(xs: list[int]) -> int:\n    return len(xs)\n",
    ):
        (tmp_path / "m.py").write_text(changed)
        assert _iface(tmp_path, "m") != before, changed
    (tmp_path / "m.py").write_text(BASE + "\n\ndef fill(xs: list[int]) -> int:\n    return len(xs)\n")
    reads = _iface(tmp_path, "m")
    (tmp_path / "m.py").write_text(BASE + "\n\ndef fill(xs: list[int]) -> int:\n    xs.append(1)\n    return len(xs)\n")
    assert _iface(tmp_path, "m") != reads


def test_interface_hash_survives_the_store_round_trip(tmp_path: Path) -> None:
    """The sensor hashes a fresh type map; rust_translation hashes the one stored in DuckDB."""
    parsed, maps = _load(EXAMPLES)
    store = Store(tmp_path / "s.duckdb")
    for tm in maps.values():
        store.put_type_map(tm)
    stored = store.get_type_maps()
    assert {k: interface_hash(v) for k, v in stored.items()} == {k: interface_hash(v) for k, v in maps.items()}


# ---------------------------------------------------------------- planning


def _states(root: Path) -> dict[str, ModuleState]:
    """What a translation of the repo as it is now would record."""
    parsed, maps = _load(root)
    out = {}
    for k, p in parsed.items():
        plan = plan_module(p, maps[k], maps, version="v", backend="rules")
        out[k] = plan.state()
    return out


def _plan(root: Path, states: dict[str, ModuleState]):
    current = {m.module: m.sha256 for m in discover(root)}
    parsed, maps = _load(root)
    return plan_changes(current, list(states), states, lambda mods: {m: interface_hash(maps[m]) for m in mods})


def _chain_repo(root: Path) -> None:
    """a <- b <- c (c imports b imports a), d imports a, e stands alone."""
    (root / "a.py").write_text("def base(x: int) -> int:\n    return x + 1\n")
    (root / "b.py").write_text("from a import base\n\n\ndef mid(x: int) -> int:\n    return base(x) * 2\n")
    (root / "c.py").write_text("import b\n\n\ndef top(x: int) -> int:\n    return b.mid(x) - 1\n")
    (root / "d.py").write_text("import a\n\n\ndef other(x: int) -> int:\n    return a.base(x)\n")
    (root / "e.py").write_text("def alone() -> int:\n    return 5\n")


def test_plan_body_change_is_that_module_only(tmp_path: Path) -> None:
    _chain_repo(tmp_path)
    states = _states(tmp_path)
    assert _plan(tmp_path, states).requested == []
    (tmp_path / "a.py").write_text("def base(x: int) -> int:\n    y = x + 2\n    return y - 1\n")
    plan = _plan(tmp_path, states)
    assert plan.requested == ["a"] and plan.interface_changed == [] and plan.importers == []


def test_plan_signature_change_takes_importers_and_stops_where_interfaces_hold(tmp_path: Path) -> None:
    _chain_repo(tmp_path)
    states = _states(tmp_path)
    (tmp_path / "a.py").write_text("def base(x: float) -> int:\n    return int(x) + 1\n")
    plan = _plan(tmp_path, states)
    # b and d import a; c imports only b, whose interface did not change: it stays.
    assert plan.requested == ["a", "b", "d"]
    assert plan.interface_changed == ["a"] and plan.importers == ["b", "d"]

    # If b's interface changes too, its importer c follows (transitively).
    (tmp_path / "b.py").write_text("from a import base\n\n\ndef mid(x: float) -> int:\n    return base(x) * 2\n")
    plan = _plan(tmp_path, states)
    assert plan.requested == ["a", "b", "c", "d"]
    assert plan.interface_changed == ["a", "b"] and plan.importers == ["c", "d"]


def test_plan_new_and_removed_modules_reach_their_importers(tmp_path: Path) -> None:
    _chain_repo(tmp_path)
    (tmp_path / "f.py").write_text("import g\n\n\ndef uses() -> int:\n    return g.later()\n")
    states = _states(tmp_path)  # f was translated while g did not exist
    (tmp_path / "g.py").write_text("def later() -> int:\n    return 3\n")
    plan = _plan(tmp_path, states)
    assert plan.added == ["g"] and plan.requested == ["f", "g"]

    states = _states(tmp_path)
    (tmp_path / "a.py").unlink()
    plan = _plan(tmp_path, states)
    assert plan.removed == ["a"] and plan.requested == ["b", "d"]
    assert "a" in plan.reasons["b"]


def test_covering_range_follows_registration_order() -> None:
    order = ["m3", "m1", "m7", "m2", "m9"]
    assert covering_range(order, ["m2", "m1"]) == ("m1", "m2")
    assert covering_range(order, ["m7"]) == ("m7", "m7")
    assert covering_range(order, ["zz"]) is None


# ---------------------------------------------------------------- per-function cache


def test_cached_translation_equals_fresh_and_reuses_unchanged_functions(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "inventory", repo / "inventory")
    cache = FunctionCache(Store(tmp_path / "cache.duckdb"))

    def translate_all() -> tuple[int, int]:
        parsed, maps = _load(repo)
        translated = reused = 0
        for k, p in parsed.items():
            r = translate_cached(p, maps[k], maps, cache)
            assert r.translation == _fresh(parsed, maps, k), k  # the cache never changes the output
            translated += len(r.translated)
            reused += len(r.reused)
        return translated, reused

    cold = translate_all()
    assert cold[0] > 30 and cold[1] == 0
    assert translate_all() == (0, cold[0])

    # A body change: only that function is lowered again, the other functions of the module are reused.
    math = repo / "inventory" / "mathutil.py"
    src = math.read_text()
    assert "    a = abs(a)\n" in src
    math.write_text(src.replace("    a = abs(a)\n", "    a = abs(a) + 0\n", 1))  # gcd's body, one line, same interface
    assert translate_all() == (1, cold[0] - 1)

    # Everything moves down: every result is reused at its new line (and equals a fresh translation).
    stock = repo / "inventory" / "stock.py"
    stock.write_text("# moved\n\n" + stock.read_text())
    assert translate_all() == (0, cold[0])


def test_results_that_name_a_line_are_only_reused_at_that_line(tmp_path: Path) -> None:
    src = "def gen(n: int) -> int:\n    for i in range(n):\n        yield i\n    return 0\n\n\ndef double(x: int) -> int:\n    return 2 * x\n"
    (tmp_path / "g.py").write_text(src)
    cache = FunctionCache(Store(tmp_path / "cache.duckdb"))
    parsed, maps = _load(tmp_path)
    first = translate_cached(parsed["g"], maps["g"], maps, cache)
    assert first.translated == ["gen", "double"]
    assert "(line 3)" in next(i for i in first.translation.items if i.name == "gen").code  # the todo!() names it

    (tmp_path / "g.py").write_text("# a header\n\n" + src)  # (a new import would change every key)
    parsed, maps = _load(tmp_path)
    moved = translate_cached(parsed["g"], maps["g"], maps, cache)
    assert (moved.translated, moved.reused) == (["gen"], ["double"])
    assert moved.translation == _fresh(parsed, maps, "g")
    assert "(line 5)" in next(i for i in moved.translation.items if i.name == "gen").code
    assert next(i for i in moved.translation.items if i.name == "double").python_line == 9


def test_cache_key_covers_interfaces_translator_and_backend(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def base(x: int) -> int:\n    return x + 1\n")
    (tmp_path / "b.py").write_text("from a import base\n\n\ndef mid(x: int) -> int:\n    return base(x) * 2\n\n\ndef own() -> int:\n    return 1\n")
    parsed, maps = _load(tmp_path)
    keys = plan_module(parsed["b"], maps["b"], maps, version="v1", backend="rules").function_keys
    assert keys == plan_module(parsed["b"], maps["b"], maps, version="v1", backend="rules").function_keys
    assert keys["mid"] != plan_module(parsed["b"], maps["b"], maps, version="v2", backend="rules").function_keys["mid"]
    assert keys["mid"] != plan_module(parsed["b"], maps["b"], maps, version="v1", backend="nim:llama").function_keys["mid"]

    # An interface b imports changes: b's functions get new keys (and are translated again).
    (tmp_path / "a.py").write_text("def base(x: float) -> int:\n    return int(x)\n")
    parsed2, maps2 = _load(tmp_path)
    keys2 = plan_module(parsed2["b"], maps2["b"], maps2, version="v1", backend="rules").function_keys
    assert keys2["mid"] != keys["mid"]
    # ... while a body-only change of a leaves them alone.
    (tmp_path / "a.py").write_text("def base(x: int) -> int:\n    y = x\n    return y + 1\n")
    parsed3, maps3 = _load(tmp_path)
    assert plan_module(parsed3["b"], maps3["b"], maps3, version="v1", backend="rules").function_keys == keys


def test_a_signature_change_rekeys_the_functions_that_name_it_only(tmp_path: Path) -> None:
    src = ("def f(x: int) -> int:\n    return x + 1\n\n\ndef g(x: int) -> int:\n    return f(x) * 2\n\n\n"
           "def h(x: int) -> int:\n    return x - 1\n")
    (tmp_path / "m.py").write_text(src)
    parsed, maps = _load(tmp_path)
    before = plan_module(parsed["m"], maps["m"], maps, version="v", backend="rules").function_keys
    (tmp_path / "m.py").write_text(src.replace("def f(x: int) -> int:\n    return x + 1", "def f(x: float) -> int:\n    return int(x)"))
    parsed, maps = _load(tmp_path)
    after = plan_module(parsed["m"], maps["m"], maps, version="v", backend="rules").function_keys
    assert [n for n in before if before[n] != after[n]] == ["f", "g"]  # h never names f


def test_translator_version_is_a_digest_of_the_translator(tmp_path: Path) -> None:
    v = translator_version()
    assert v.startswith("rules-1+") and len(v) == len("rules-1+") + 12
    assert translator_version("rules-2") == "rules-2+" + v.split("+")[1]
    # Any edit of a translator file gives another digest.
    copy = tmp_path / "portalis"
    for rel in ("lower", "typemap.py"):
        src = Path(__file__).resolve().parents[1] / "portalis" / rel
        shutil.copytree(src, copy / rel) if src.is_dir() else shutil.copy(src, copy / rel)
    before = translator_digest.__wrapped__(copy)
    (copy / "lower" / "module.py").write_text((copy / "lower" / "module.py").read_text() + "\n# edited\n")
    assert translator_digest.__wrapped__(copy) != before


def test_cli_path_uses_the_cache(tmp_path: Path) -> None:
    parsed, maps = _load(EXAMPLES)
    cache = FunctionCache(Store(tmp_path / "cache.duckdb"))
    first, stats = translate_all_cached(parsed, maps, cache)
    assert stats["cache_hits"] == 0 and stats["functions_translated"] > 30
    again, stats2 = translate_all_cached(parsed, maps, cache)
    assert stats2 == {"functions_translated": 0, "cache_hits": stats["functions_translated"]}
    assert again == first


def test_translate_command_reuses_the_cache(tmp_path: Path, toolchain) -> None:
    """`portalis translate --cache FILE`: the same crate, with unchanged functions not translated."""
    from portalis.pipeline import translate_path

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "geo.py").write_text("def area(w: int, h: int) -> int:\n    return w * h\n\n\ndef half(x: int) -> int:\n    return x // 2\n")
    first = translate_path(repo, tmp_path / "out1", toolchain, build=False, cache=tmp_path / "cache.duckdb")
    assert first.cache_stats == {"functions_translated": 2, "cache_hits": 0}
    (repo / "geo.py").write_text((repo / "geo.py").read_text().replace("x // 2", "x // 3"))
    second = translate_path(repo, tmp_path / "out2", toolchain, build=False, cache=tmp_path / "cache.duckdb")
    assert second.cache_stats == {"functions_translated": 1, "cache_hits": 1}
    old, new = ((tmp_path / d / "src" / "geo.rs").read_text() for d in ("out1", "out2"))
    assert second.crate.compiles and old != new and "3" in new.split("fn half")[1]
    assert old.split("fn half")[0] == new.split("fn half")[0]  # area's Rust is the cached one, unchanged


# ---------------------------------------------------------------- git-aware scan


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "HOME": str(repo), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_scan_in_git_counts_tracked_and_unignored_files_only(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "__init__.py").write_text("")
    (repo / "pkg" / "core.py").write_text("def f() -> int:\n    return 1\n")
    (repo / "pkg" / "gone.py").write_text("def g() -> int:\n    return 2\n")
    (repo / "generated.py").write_text("X = 1\n")
    (repo / ".gitignore").write_text("generated.py\nvenv/\n")
    (repo / "venv").mkdir()
    (repo / "venv" / "site.py").write_text("Y = 2\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "init")
    head = _git(repo, "rev-parse", "HEAD")

    scan = scan_repo(repo)
    assert scan.git and scan.commit == head and not scan.dirty
    assert [m.module for m in scan.modules] == ["pkg", "pkg.core", "pkg.gone"]
    assert [m.module for m in scan_repo(repo, use_git=False).modules] == ["generated", "pkg", "pkg.core", "pkg.gone", "venv.site"]

    (repo / "pkg" / "new.py").write_text("def h() -> int:\n    return 3\n")  # untracked, not ignored: counts
    (repo / "pkg" / "gone.py").unlink()  # tracked but deleted in the work tree: does not
    scan = scan_repo(repo)
    assert [m.module for m in scan.modules] == ["pkg", "pkg.core", "pkg.new"]
    assert scan.dirty

    # A subdirectory of a checkout: modules are named from it.
    sub = scan_repo(repo / "pkg")
    assert sub.git and [m.module for m in sub.modules] == ["__init__", "core", "new"]
