"""The Rust side of behaviour validation on a hand-written crate: one build, every case's outcome
read back, and cases that time out, crash the process, print, or cannot compile cost only
themselves."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest

from portalis.validate import harness
from portalis.validate.harness import Case, parse_canonical, run_cases
from portalis.validate.literals import ClassValue, Raised, RustLiterals, canonical, same

from conftest import needs_cargo, type_map_of

PYTHON = '''
from dataclasses import dataclass
from typing import Optional


@dataclass
class Pair:
    left: int
    right: str


def double(n: int) -> int:
    return n * 2


def spin(n: int) -> int:
    return n


def deep(n: int) -> int:
    return n


def shout(n: int) -> int:
    print("got", n)
    return n + 1


def ratio(a: int, b: int) -> int:
    return a // b


def half(x: float) -> float:
    return x / 2


def push(xs: list[int], v: int) -> None:
    xs.append(v)


def mismatched(n: int) -> int:
    return n


def checked(a: int) -> int:
    return a


def swap(p: Pair) -> Pair:
    return Pair(-p.left, p.right[::-1])


def lookup(d: dict[str, int], k: str) -> Optional[int]:
    return d.get(k)


@dataclass
class Broken:
    a: int


def mk(n: int) -> Broken:
    return Broken(n)
'''

RUST = r'''
pub struct Pair {
    pub left: i64,
    pub right: String,
}

pub fn double(n: i64) -> i64 {
    n * 2
}

pub fn spin(n: i64) -> i64 {
    let mut x = n;
    loop {
        x = std::hint::black_box(x.wrapping_add(1));
    }
}

pub fn deep(n: i64) -> i64 {
    // no base case: overflows the stack, which aborts the whole process
    1 + deep(std::hint::black_box(n + 1))
}

pub fn shout(n: i64) -> i64 {
    println!("got {}", n);
    n + 1
}

pub fn ratio(a: i64, b: i64) -> i64 {
    if b == 0 {
        panic!("ZeroDivisionError: integer division or modulo by zero");
    }
    a.div_euclid(b)
}

pub fn half(x: f64) -> f64 {
    x / 2.0
}

pub fn push(xs: &mut Vec<i64>, v: i64) {
    xs.push(v);
}

pub fn mismatched(n: String) -> i64 {
    n.len() as i64
}

pub fn checked(a: i64) -> Result<i64, String> {
    if a < 0 { Err(format!("ValueError: {} is negative", a)) } else { Ok(a) }
}

pub fn swap(p: &Pair) -> Pair {
    Pair { left: -p.left, right: p.right.chars().rev().collect() }
}

pub fn lookup(d: &std::collections::HashMap<String, i64>, k: &str) -> Option<i64> {
    d.get(k).copied()
}

// the struct does not match the Python class: its printer (Canon impl) does not compile
pub struct Broken {
    pub b: i64,
}

pub fn mk(n: i64) -> Broken {
    Broken { b: n }
}
'''


def c(function: str, *args: object, expected: object = None, raised: str | None = None, **kw) -> Case:
    return Case(module="m", function=function, args=list(args), expected=expected, raised=raised, **kw)


CASES = [
    c("double", 21, expected=42),
    c("double", 2, expected=5),  # 1: a wrong expectation: the difference must show
    c("spin", 1, expected=1),  # 2: never returns in Rust
    c("double", 4, expected=8),
    c("deep", 0, expected=0),  # 4: stack overflow: the process dies
    c("shout", 3, expected=4, stdout="got 3\n"),
    c("shout", 4, expected=5, stdout="said 4\n"),  # 6: same value, different printed output
    c("ratio", 7, 0, raised="ZeroDivisionError"),
    c("ratio", 7, 2, raised="ZeroDivisionError"),  # 8: Python raised, Rust returned
    c("half", 1.0, expected=0.5000000000000001),  # within the float tolerance
    c("half", 1.0, expected=0.6),
    c("half", math.nan, expected=math.nan),
    c("push", [1], 2, expected=None, changed=[[1, 2]]),
    c("mismatched", 1, expected=1),  # 13: the Rust signature differs: the test does not compile
    c("double", "x", expected=1),  # 14: not an int: cannot be written as a Rust literal
    c("checked", -1, raised="ValueError"),  # Err(..) counts as the exception
    c("checked", 2, expected=2),
    c("swap", ClassValue("m", "Pair", (("left", 3), ("right", "ab"))), expected={"__class__": "Pair", "left": -3, "right": "ba"}),
    c("double", 50, expected=100),
    c("mk", 1, expected={"__class__": "Broken", "a": 1}),  # 19: the class's printer does not compile
]


@pytest.fixture(scope="module")
def crate(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hand_crate")
    (root / "src").mkdir()
    (root / "Cargo.toml").write_text('[package]\nname = "hand"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n')
    (root / "src" / "lib.rs").write_text("pub mod m;\n")
    (root / "src" / "m.rs").write_text(RUST)
    return root


@needs_cargo
def test_outcomes_of_every_kind_of_case(crate: Path, toolchain) -> None:
    tm = type_map_of(PYTHON, "m")
    run = run_cases(crate, CASES, {"m": tm}, toolchain, case_timeout_s=1.0)
    assert run.failure is None
    o = run.outcomes
    assert len(o) == len(CASES)
    assert run.builds == 2  # the case whose test does not compile was dropped, once
    assert o[0].ok and o[0].actual == (42, [])
    assert not o[1].ok and "python -> 5, rust -> 4" in o[1].explain()
    assert o[2].actual == Raised("<timeout>") and not o[2].ok
    assert o[3].ok  # the timed-out case's successor ran (the binary was restarted after it)
    assert isinstance(o[4].actual, Raised) and o[4].actual.kind.startswith("<crash") and not o[4].ok
    assert o[5].ok and o[5].stdout == "got 3\n"
    assert not o[6].ok and "printed 'said 4\\n' vs 'got 4\\n'" in o[6].explain()
    assert o[7].ok and o[7].actual == Raised("ZeroDivisionError")
    assert not o[8].ok
    assert o[9].ok and not o[10].ok and o[11].ok
    assert o[12].ok and o[12].actual == (None, [[1, 2]])
    assert o[13].skipped and "does not compile" in o[13].skipped and not o[13].ok
    assert o[14].skipped and "cannot be written in Rust" in o[14].skipped
    assert o[15].ok and o[16].ok
    assert o[17].ok, o[17].explain()
    assert o[18].ok
    assert o[19].skipped and "printing Broken" in o[19].skipped
    # the generated program is in the crate: `cargo run --example portalis_cases` reproduces it
    assert (crate / "examples" / "portalis_cases.rs").read_text() == run.program
    # ... and, being in the user's crate, rustfmt-clean: the spans that dropped cases 13 and 19
    # above were read from the formatted text
    check = subprocess.run(["rustfmt", "--check", "--edition", "2021", str(crate / "examples" / "portalis_cases.rs")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[:2000]


@needs_cargo
def test_rerun_with_unchanged_code_reuses_the_build(crate: Path, toolchain, monkeypatch: pytest.MonkeyPatch) -> None:
    tm = type_map_of(PYTHON, "m")
    cases = [c("double", 1, expected=2), c("half", 3.0, expected=1.5)]
    first = run_cases(crate, cases, {"m": tm}, toolchain)
    calls: list[tuple] = []
    real = harness.run_cargo
    monkeypatch.setattr(harness, "run_cargo", lambda *a, **k: calls.append(a) or real(*a, **k))
    again = run_cases(crate, cases, {"m": tm}, toolchain)
    assert all(x.ok for x in first.outcomes + again.outcomes)
    assert again.reused and again.builds == 1
    assert calls == []  # nothing the build reads changed: cargo is not even asked
    assert [p.name for p in (crate / "examples").iterdir()] == ["portalis_cases.rs"]  # the stamp is not in the crate
    source = crate / "src" / "m.rs"
    text = source.read_text()
    source.write_text(text + "\n// changed\n")
    try:
        changed = run_cases(crate, cases, {"m": tm}, toolchain)
    finally:
        source.write_text(text)
    assert len(calls) == 1 and all(x.ok for x in changed.outcomes)  # a changed source is built again


def test_rust_literals_and_canonical_round_trip() -> None:
    tm = type_map_of(PYTHON, "m")
    r = RustLiterals("hand", {"m": tm})
    pair = tm.cls("Pair").fields  # noqa: F841 - the class must be in the type map
    t_pair = tm.function("swap").params[0].py_type
    assert r.owned(ClassValue("m", "Pair", (("left", 1), ("right", 'a"b'))), t_pair) == 'hand::m::Pair { left: 1i64, right: "a\\"b".to_string() }'
    t_dict = tm.function("lookup").params[0].py_type
    assert r.owned({"k": 1}, t_dict).startswith('[("k".to_string(), 1i64)].into_iter().collect::<hand::')
    assert r.owned(-(2**63), tm.function("double").params[0].py_type) == "i64::MIN"
    with pytest.raises(TypeError):
        r.owned(2**63, tm.function("double").params[0].py_type)
    with pytest.raises(TypeError):
        r.owned(True, tm.function("double").params[0].py_type)  # a bool is not an int here
    assert parse_canonical("(nan, [])")[0] != parse_canonical("(nan, [])")[0]  # a real nan
    assert same(parse_canonical("(1e999, [set(), {1: 'a'}])"), (math.inf, [set(), {1: "a"}]))
    assert canonical(ClassValue("m", "Pair", (("left", 1), ("right", "x")))) == {"__class__": "Pair", "left": 1, "right": "x"}
    assert same(1.0, 1.0 + 1e-12, rel_tol=1e-9) and not same(1.0, 1.0 + 1e-12)
