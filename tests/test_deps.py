"""Dependencies done properly (issue 12, item 5): one pinned crate table, a Cargo.toml listing
only the crates the code uses, a Cargo.lock, the crate-level gate, and `--vendor`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import needs_cargo, run_portalis
from portalis import deps, runtime
from portalis.crate import write_crate
from portalis.model import RustItem
from portalis.validate.safety import check_crate_dir

USES_INDEXMAP = "pub fn f() -> usize {\n    let m: indexmap::IndexMap<i64, i64> = indexmap::IndexMap::new();\n    m.len()\n}\n"


def _item(code: str, crates: list[str] | None = None, runtime_names: list[str] | None = None) -> RustItem:
    return RustItem(name="f", kind="fn", code=code, python_line=1, crates=crates or [], runtime=runtime_names or [])


def test_the_table_pins_exact_versions() -> None:
    table = deps.crate_table()
    assert {"indexmap", "num-bigint", "num-traits", "num-integer"} <= set(table)
    for spec in table.values():
        assert spec.manifest_line().startswith(f'{spec.name} = ') and f'"={spec.version}"' in spec.manifest_line()
    assert deps.crates_named("let x = num_bigint::BigInt::from(1); crate::indexmap::f(); std::mem::swap(a, b)") == {"num-bigint"}


def test_manifest_gate_allows_exactly_the_table(tmp_path: Path) -> None:
    spec = deps.crate_table()["indexmap"]
    head = '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\n'

    def kinds(deps_text: str, extra: str = "") -> list[str]:
        (tmp_path / "Cargo.toml").write_text(head + deps_text + "\n[workspace]\n" + extra)
        return [f"{v.kind}: {v.detail}" for v in check_crate_dir(tmp_path)]

    assert kinds(spec.manifest_line() + "\n") == []
    other = spec.version.rsplit(".", 1)[0] + ".0"
    assert kinds(f'indexmap = "={other}"\n') == [f"dependency: the table pins {spec.manifest_line()}"]
    assert kinds(f'indexmap = "{spec.version}"\n')  # a range, not the pin
    assert kinds(f'indexmap = {{ version = "={spec.version}", features = ["serde"] }}\n')
    assert kinds('indexmap = { git = "https://example.com/indexmap" }\n')
    assert kinds('libc = "=0.2.0"\n') == ["dependency: not a crate of the table"]
    assert kinds("", '\n[patch.crates-io]\nindexmap = { path = "../x" }\n')
    # only the vendored-sources configuration --vendor writes
    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config.toml").write_text(deps.VENDOR_CONFIG)
    assert kinds("") == []
    (tmp_path / ".cargo" / "config.toml").write_text('[build]\nrustflags = ["-C", "link-arg=-lfoo"]\n')
    assert kinds("")[0].startswith("cargo configuration")


def test_runtime_helpers_name_their_crates() -> None:
    assert runtime.crates(["PyDict"]) == {"indexmap", "rustc-hash"}  # the map and its hasher
    assert "indexmap" in runtime.crates(["counter"])  # through its dependency on PyDict
    assert runtime.crates(["floordiv"]) == set()


def test_a_crate_without_libraries_has_no_dependencies(tmp_path: Path) -> None:
    write_crate(tmp_path, "c", {"m": [_item("pub fn f() -> i64 {\n    1\n}\n")]})
    manifest = (tmp_path / "Cargo.toml").read_text()
    assert "[dependencies]\n\n" in manifest
    assert (tmp_path / "Cargo.lock").read_text() == deps.LOCK_HEADER + '\n[[package]]\nname = "c"\nversion = "0.1.0"\n'
    assert check_crate_dir(tmp_path) == []


@needs_cargo
def test_dependencies_are_the_crates_the_code_names_and_cargo_accepts_the_lock(tmp_path: Path) -> None:
    # named by path in the code, recorded by the lowering, or used by a runtime helper
    write_crate(tmp_path / "a", "a", {"m": [_item(USES_INDEXMAP)]})
    write_crate(tmp_path / "b", "b", {"m": [_item("pub fn f() {}\n", crates=["num-traits"])]})
    for name, crates in (("a", ["indexmap"]), ("b", ["num-traits"])):
        crate = tmp_path / name
        manifest = (crate / "Cargo.toml").read_text()
        assert manifest.split("[dependencies]\n")[1].split("\n\n")[0].splitlines() == deps.dependency_lines(crates)
        assert check_crate_dir(crate) == []
        lock = (crate / "Cargo.lock").read_text()
        # --locked: cargo fails if the lock does not match the manifest exactly
        proc = subprocess.run(["cargo", "metadata", "--locked", "--offline", "--format-version", "1"], cwd=crate,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert (crate / "Cargo.lock").read_text() == lock
        resolved = {p["name"]: p["version"] for p in json.loads(proc.stdout)["packages"]}
        assert resolved[crates[0]] == deps.crate_table()[crates[0]].version


@needs_cargo
def test_translate_vendor_builds_offline_without_cargo_home(tmp_path: Path, cargo_target_dir: Path) -> None:
    src = tmp_path / "counts.py"
    src.write_text("def counts(words: list[str]) -> dict[str, int]:\n    d: dict[str, int] = {}\n"
                   "    for w in words:\n        d[w] = d.get(w, 0) + 1\n    return d\n")
    out = tmp_path / "crate"
    env = {**os.environ, "CARGO_TARGET_DIR": str(cargo_target_dir)}
    proc = run_portalis("translate", str(src), "--out", str(out), "--no-build", "--vendor", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert "indexmap" in report["crate"]["vendored"] and "vendor_error" not in report["crate"]
    assert report["crate"]["dependencies"] == deps.dependency_lines(["indexmap", "rustc-hash"])
    assert json.loads((out / "portalis-report.json").read_text())["crate"]["dependencies"] == deps.dependency_lines(["indexmap", "rustc-hash"])
    assert (out / ".cargo" / "config.toml").read_text() == deps.VENDOR_CONFIG
    assert check_crate_dir(out) == []
    # an empty CARGO_HOME: no registry index, no downloaded crates; only ./vendor can serve
    home = tmp_path / "cargo-home"
    home.mkdir()
    check = subprocess.run(["cargo", "check", "--offline", "--locked", "--quiet"], cwd=out, capture_output=True, text=True,
                           timeout=300, env={**env, "CARGO_HOME": str(home)})
    assert check.returncode == 0, check.stderr


def test_vendor_of_a_crate_without_dependencies_is_nothing(tmp_path: Path) -> None:
    write_crate(tmp_path, "c", {"m": [_item("pub fn f() {}\n")]})
    assert deps.vendor(tmp_path) == []
    assert not (tmp_path / ".cargo").exists() and not (tmp_path / "vendor").exists()


def test_render_lock_orders_packages_as_cargo() -> None:
    # cargo sorts a lock's packages by name, then version (numerically)
    text = deps.render_lock("zz", ["b"], ['name = "b"\nversion = "1.10.0"', 'name = "b"\nversion = "1.9.0"', 'name = "a"\nversion = "1.0.0"'])
    names = [line for line in text.removeprefix(deps.LOCK_HEADER).splitlines() if line.startswith(("name", "version"))]
    assert names[::2] == ['name = "a"', 'name = "b"', 'name = "b"', 'name = "zz"']
    assert names[3] == 'version = "1.9.0"' and names[5] == 'version = "1.10.0"'
