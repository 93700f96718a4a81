"""The `pyrt` runtime: helper selection (only what is used, with dependencies), and the helpers'
Python semantics, checked by compiling them and comparing with Python on a grid of inputs."""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import type_map_of
from portalis import runtime
from portalis.crate import write_crate
from portalis.lower.module import lower_module
from portalis.model import RustItem
from portalis.parse import parse_source, source_module_from_text
from portalis.rust.printer import float_literal, rust_string_literal

needs_rustc = pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is needed")


def test_helper_table_has_the_documented_helpers() -> None:
    table = runtime.helpers()
    for name in ["floordiv", "pymod", "fmod", "fdiv", "ipow", "index", "insert_index", "str_index", "slice_indices",
                 "list_slice", "str_slice", "float_repr", "bool_str", "parse_int", "parse_float", "PyDict"]:
        assert name in table, name
        assert f" {name}" in table[name][0]  # the body defines what the header names
    assert table["str_index"][1] == ("index",)
    assert table["floordiv"][1] == ()


def test_closure_adds_dependencies_in_file_order() -> None:
    assert runtime.closure({"str_index"}) == ["index", "str_index"]
    assert runtime.closure(["str_slice", "list_slice"]) == ["slice_indices", "list_slice", "str_slice"]
    assert runtime.closure(set()) == []
    with pytest.raises(KeyError):
        runtime.closure({"no_such_helper"})


def test_render_contains_only_what_is_used() -> None:
    empty = runtime.render(set())
    assert "pub fn" not in empty and "pub struct" not in empty
    text = runtime.render({"floordiv"})
    assert "pub fn floordiv" in text
    for other in ("pymod", "float_repr", "PyDict", "slice_indices"):
        assert other not in text
    sliced = runtime.render({"str_slice"})
    assert "pub fn slice_indices" in sliced and "pub fn str_slice" in sliced and "pub fn list_slice" not in sliced
    assert "@helper" not in sliced and "@end" not in sliced


@needs_rustc
def test_every_helper_compiles_alone_with_its_dependencies(tmp_path: Path, crate_externs: list[str]) -> None:
    parts = ["#![deny(warnings)]", "#![allow(dead_code)]"]
    for name in runtime.helpers():
        body = runtime.render({name}).replace("//!", "//")
        parts.append(f"#[allow(non_snake_case)]\npub mod h_{name} {{\n{body}\n}}")
    src = tmp_path / "helpers.rs"
    src.write_text("\n".join(parts), encoding="utf-8")
    proc = subprocess.run(
        ["rustc", "--edition", "2021", "--crate-type", "lib", "--out-dir", str(tmp_path), *crate_externs, str(src)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]


# ---------------------------------------------------------------- semantics vs Python

INTS = [-7, -6, -1, 0, 1, 5, 7, 9]
NONZERO = [-3, -2, -1, 1, 2, 4]
FLOATS = [-7.5, -2.0, -0.5, 0.0, 0.1, 1.0, 2.5, 7.25, 1e-05, 123.456]
DIVISORS = [-2.5, -1.0, 0.1, 0.75, 3.0]
FLOAT_REPRS = [
    0.1, 0.2 + 0.1, 1e-05, 1e-4, 0.0001234, 1e16, 1e15, 123456789012345.6, 1234567890123456.7, 2.5, 100.0,
    -0.0, 0.0, -1.5, 1 / 3, 2 / 3, 1e300, -1e-300, 5e-324, 1.7976931348623157e308, float("inf"), float("-inf"),
    float("nan"), 9999999999999998.0, 0.000123, 12345.0, 1e22, 1.5e-7, 3.141592653589793,
]
SLICE_BOUNDS = [None, -7, -3, -1, 0, 1, 2, 4, 9]
SLICE_STEPS = [1, 2, 3, -1, -2]
STRINGS = ["", "a", "héllo", "😀x✓z"]
LISTS = [[], [10, 11, 12], [10, 11, 12, 13, 14, 15]]


def _f(x: float) -> str:
    text = float_literal(x)
    return text if "::" in text else f"{text}_f64"


def _opt(v: int | None) -> str:
    return "None" if v is None else f"Some({v})"


@needs_rustc
def test_helpers_match_python(tmp_path: Path, crate_externs: list[str]) -> None:
    """Grids of inputs run through the helpers in Rust loops, compared line by line with Python."""
    body: list[str] = []
    expected: list[str] = []

    def case(rust: str, python: object) -> None:
        body.append(f'    println!("{{}}", {rust});')
        expected.append(str(python))

    def raises(rust: str) -> None:
        body.append(f'    println!("{{}}", std::panic::catch_unwind(|| {{ {rust}; }}).is_err());')
        expected.append("true")

    ints = f"[{', '.join(map(str, INTS))}]"
    nonzero = f"[{', '.join(map(str, NONZERO))}]"
    body.append(f"    for a in {ints} {{ for b in {nonzero} {{ println!(\"{{}} {{}}\", floordiv(a, b), pymod(a, b)); }} }}")
    expected += [f"{a // b} {a % b}" for a, b in itertools.product(INTS, NONZERO)]
    raises("floordiv(1, 0)")
    raises("pymod(1, 0)")
    floats = f"[{', '.join(map(_f, FLOATS))}]"
    divisors = f"[{', '.join(map(_f, DIVISORS))}]"
    body.append(
        f"    for a in {floats} {{ for b in {divisors} {{ println!(\"{{}} {{}} {{}}\", "
        "float_repr(fmod(a, b)), float_repr(ffloordiv(a, b)), float_repr(fdiv(a, b))); } }"
    )
    expected += [f"{a % b!r} {a // b!r} {a / b!r}" for a, b in itertools.product(FLOATS, DIVISORS)]
    raises("fdiv(1.0, 0.0)")
    raises("fmod(1.0, 0.0)")
    raises("ffloordiv(1.0, 0.0)")
    for base, exp in itertools.product([-3, -1, 0, 2, 7], [0, 1, 2, 5]):
        case(f"ipow({base}, {exp})", base**exp)
    raises("ipow(2, -1)")
    body.append(f"    for x in [{', '.join(map(_f, FLOAT_REPRS))}] {{ println!(\"{{}}\", float_repr(x)); }}")
    expected += [repr(x) for x in FLOAT_REPRS]
    case("bool_str(true)", "True")
    case("bool_str(false)", "False")
    for n in range(0, 4):
        for i in range(-n - 1, n + 1):
            if -n <= i < n:
                case(f"index({i}, {n})", range(n)[i])
            else:
                raises(f"index({i}, {n})")
    for n, i in itertools.product(range(0, 4), range(-6, 7)):
        xs = list(range(n))
        xs.insert(i, -1)
        case(f"insert_index({i}, {n})", xs.index(-1))
    bounds = f"[{', '.join(map(_opt, SLICE_BOUNDS))}]"
    steps = f"[{', '.join(map(str, SLICE_STEPS))}]"
    for s in STRINGS:
        lit = rust_string_literal(s)
        for i in (-2, -1, 0, 2):
            if -len(s) <= i < len(s):
                case(f"str_index({lit}, {i})", s[i])
        body.append(
            f"    for a in {bounds} {{ for b in {bounds} {{ for st in {steps} {{ "
            f"println!(\"[{{}}]\", str_slice({lit}, a, b, st)); }} }} }}"
        )
        expected += [f"[{s[a:b:st]}]" for a, b, st in itertools.product(SLICE_BOUNDS, SLICE_BOUNDS, SLICE_STEPS)]
    # find/rfind/startswith/endswith within s[start:end], expandtabs (textwrap, getopt, difflib)
    ends = [-7, -1, 0, 1, 2, 4, 9]
    for s, sub in itertools.product(STRINGS + ["a\tb\tcc\n\tx", "abab"], ["", "a", "b", "é", "ab"]):
        lit, sublit = rust_string_literal(s), rust_string_literal(sub)
        body.append(
            f"    for a in {ends} {{ for b in {ends} {{ println!(\"{{}} {{}} {{}} {{}}\", str_find_in({lit}, {sublit}, a, b, false), "
            f"str_find_in({lit}, {sublit}, a, b, true), str_affix_in({lit}, {sublit}, a, b, false), str_affix_in({lit}, {sublit}, a, b, true)); }} }}"
        )
        expected += [f"{s.find(sub, a, b)} {s.rfind(sub, a, b)} {str(s.startswith(sub, a, b)).lower()} {str(s.endswith(sub, a, b)).lower()}"
                     for a, b in itertools.product(ends, ends)]
    for s, size in itertools.product(["", "a\tb\tcc\n\tx", "hé\t\r\tllo\t"], [-1, 0, 1, 4, 8]):
        shown = s.expandtabs(size).replace("\t", "<T>").replace("\n", "<N>").replace("\r", "<R>")
        case(f"str_expandtabs({rust_string_literal(s)}, {size}).replace('\\t', \"<T>\").replace('\\n', \"<N>\").replace('\\r', \"<R>\")", shown)
    raises('str_index_in("abc", "d", 0, 3, false)')
    for s, sep in [(" a  b\tc ", None), ("a,,b", ","), ("", None), ("", ","), ("x", "xx")]:
        shown = "None" if sep is None else f"Some({rust_string_literal(sep)})"
        case(f"str_split_opt({rust_string_literal(s)}, {shown}).join(\"|\")", "|".join(s.split(sep)))
    raises('str_split_opt("a", Some(""))')
    # titlecase, not uppercase, for a word's first letter; "cased" letters only continue a word;
    # a final sigma (string.capwords's `'ßi'` failed verification: Python 'Ssi', Rust 'SSi')
    for w in ["ßi", "ΑΣ", "ΑΣ Σ", "a中b", "ǆemal ǅ", "ﬁne day", "hello WORLD", "ΣΑΣ.", "o'neil x1y", "İi", "ᾳb"]:
        case(f"format!(\"{{}}|{{}}\", str_title({rust_string_literal(w)}), str_capitalize({rust_string_literal(w)}))", f"{w.title()}|{w.capitalize()}")
    for w in ["ǅemal", "Ǆemal", "ǅǅ", "A ǅ", "ᾈb", "Hello", "hello", "A1b"]:
        case(f"str_istitle({rust_string_literal(w)})", str(w.istitle()).lower())
    for xs in LISTS:
        vec = f"vec![{', '.join(map(str, xs))}]" if xs else "Vec::<i64>::new()"
        body.append(
            f"    let xs: Vec<i64> = {vec};\n"
            f"    for a in {bounds} {{ for b in {bounds} {{ for st in {steps} {{ "
            f"println!(\"{{:?}}\", list_slice(&xs, a, b, st)); }} }} }}"
        )
        expected += [str(xs[a:b:st]) for a, b, st in itertools.product(SLICE_BOUNDS, SLICE_BOUNDS, SLICE_STEPS)]
    raises("slice_indices(3, None, None, 0)")
    for text in ["42", " -7 ", "1_000", "+5", "007", "123456789012345678", "٣"]:
        case(f"parse_int({rust_string_literal(text)})", int(text))
    raises('parse_int("4.5")')
    raises('parse_int("")')
    for text in ["2.5", " -1e3 ", "inf", "-Infinity", "1_0", ".5", "nan"]:
        case(f"float_repr(parse_float({rust_string_literal(text)}))", repr(float(text)))
    raises('parse_float("abc")')
    for ch in ["A", "é", "😀"]:
        case(f"ord({rust_string_literal(ch)})", ord(ch))
        case(f"chr({ord(ch)})", ch)
    raises('ord("ab")')
    # unicodedata.ucd_3_2_0 (stringprep): characters of each kind, some unassigned in 3.2 ("Cn":
    # U+20B9, U+1F600 came later), private use, planes 1, 14 and 16
    ucd = unicodedata.ucd_3_2_0
    for ch in ["A", "a", " ", "\xa0", "\x85", "\u0378", "\u05d0", "\u0627", "\u0660", "\u200b", "\u20b9",
               "\ue000", "\U0001d7ce", "\U0001f600", "\U000e0001", "\U0010ffff"]:
        lit = rust_string_literal(ch)
        case(f'format!("{{}} {{}}", ucd32_category({lit}), ucd32_bidirectional({lit}))', f"{ucd.category(ch)} {ucd.bidirectional(ch)}")
    raises('ucd32_category("ab")')
    raises('ucd32_bidirectional("")')

    # split_ws: Python's str.split() (its whitespace includes \x1c-\x1f, \x85, \xa0, \u3000), borrowed.
    for text in ["", "  ", "a b", "  a\t\tb\n", "a\x1cb\x1fc\x0bd", "é  ü\u3000x\xa0y\x85z", "x\u200by"]:
        case(f"split_ws({rust_string_literal(text)}).collect::<Vec<&str>>().join(\"|\")", "|".join(text.split()))
    # ASCII text is split 64 bytes at a time (a whitespace bit mask): every ASCII byte, words and
    # runs across block boundaries, lengths around multiples of 64, control bytes that are not spaces.
    rng = random.Random(15)
    alphabet = [chr(c) for c in range(128)] + ["a", "b", " ", " ", "\n"] * 20
    texts = ["".join(rng.choice(alphabet) for _ in range(n)) for n in (1, 7, 63, 64, 65, 127, 128, 129, 300)]
    texts += ["w" * 64, "w" * 64 + " ", " " * 64 + "w", "x" * 130, " \x00 \x08\x0e\x1b\x7f "]
    for text in texts:
        case(f"split_ws({rust_string_literal(text)}).map(|w| w.len().to_string()).collect::<Vec<_>>().join(\",\")",
             ",".join(str(len(w)) for w in text.split()))

    # PyDict::slot (d[k] = d.get(k, 0) + 1 in one lookup) and set_item (a borrowed key, copied if new).
    body.append(
        """    let mut c: PyDict<String, i64> = PyDict::new();
    for w in ["x", "y", "x", "z", "x"] { *c.slot(w, 0) += 1; }
    c.set_item("y", 10);
    c.set_item("w", 7);
    println!("{}", c.items().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","));"""
    )
    c: dict[str, int] = {}
    for w in ["x", "y", "x", "z", "x"]:
        c[w] = c.get(w, 0) + 1
    c["y"] = 10
    c["w"] = 7
    expected.append(",".join(f"{k}={v}" for k, v in c.items()))

    # PyDict: insertion order, overwrite keeps the place, remove then re-insert goes last.
    body.append(
        """    let mut d: PyDict<String, i64> = PyDict::new();
    for (k, v) in [("b", 1), ("a", 2), ("c", 3), ("a", 4)] { d.insert(k.to_string(), v); }
    let removed = d.remove("b");
    d.insert("b".to_string(), 5);
    let keys: Vec<String> = d.keys().cloned().collect();
    println!("{}", keys.join(","));
    println!("{:?} {} {} {}", removed, d.len(), d.contains_key("a"), d.get("zz").is_none());
    println!("{}", *d.getitem("c"));
    let other: PyDict<String, i64> = vec![("c".to_string(), 3), ("b".to_string(), 5), ("a".to_string(), 4)].into_iter().collect();
    println!("{}", d == other);
    println!("{}", std::panic::catch_unwind(|| { let e: PyDict<String, i64> = PyDict::new(); *e.getitem("x") }).is_err());"""
    )
    d = {"b": 1, "a": 2, "c": 3}
    d["a"] = 4
    removed = d.pop("b")
    d["b"] = 5
    expected += [",".join(d), f"Some({removed}) {len(d)} true true", str(d["c"]), "true", "true"]

    # PyDict under many mixed operations (growth, deletion from the middle and the end, re-insertion):
    # the same pseudo-random sequence as a Python dict, compared on the final order and every read.
    body.append(
        """    let mut d: PyDict<i64, i64> = PyDict::new();
    let (mut x, mut reads): (i64, i64) = (1, 0);
    for step in 0..6000i64 {
        x = (x * 1103515245 + 12345) % 2147483648;
        let k = (x / 65536) % 300;
        match (x / 8) % 8 {
            0 | 1 => d.insert(k, step),
            2 => { reads += d.remove(&k).unwrap_or(-1); }
            3 => { *d.slot(&k, 0) += 1; }
            4 => { reads += *d.setdefault(k, -7); }
            5 => { if step % 3 == 0 { reads += d.popitem().map_or(-2, |(a, b)| a + b); } }
            6 => { reads += d.get(&k).copied().unwrap_or(-3) + d.contains_key(&(k + 1)) as i64; }
            _ => { *d.get_or_insert_default(k) += 2; }
        }
    }
    println!("{} {}", reads, d.len());
    println!("{}", d.items().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(","));
    println!("{:?}", d.keys().rev().take(3).collect::<Vec<_>>());"""
    )
    m: dict[int, int] = {}
    x, reads = 1, 0
    for step in range(6000):
        x = (x * 1103515245 + 12345) % 2147483648
        k = (x // 65536) % 300
        op = (x // 8) % 8
        if op in (0, 1):
            m[k] = step
        elif op == 2:
            reads += m.pop(k, -1)
        elif op == 3:
            m[k] = m.get(k, 0) + 1
        elif op == 4:
            reads += m.setdefault(k, -7)
        elif op == 5:
            if step % 3 == 0:
                reads += sum(m.popitem()) if m else -2
        elif op == 6:
            reads += m.get(k, -3) + ((k + 1) in m)
        else:
            m[k] = m.get(k, 0) + 2
    expected += [f"{reads} {len(m)}", ",".join(f"{k}:{v}" for k, v in m.items()), str(list(reversed(m))[:3])]

    src = tmp_path / "semantics.rs"
    program = (
        runtime.render(set(runtime.helpers())).replace("//!", "//")
        + "\nfn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n"
        + "\n".join(body)
        + "\n}\n"
    )
    src.write_text(program, encoding="utf-8")
    exe = tmp_path / "semantics"
    build = subprocess.run(["rustc", "--edition", "2021", "-o", str(exe), *crate_externs, str(src)], capture_output=True, text=True,
                           timeout=120)
    assert build.returncode == 0, build.stderr[-4000:]
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    got = out.stdout.splitlines()
    assert len(got) == len(expected)
    mismatches = [(i, g, w) for i, (g, w) in enumerate(zip(got, expected)) if g != w]
    assert not mismatches, mismatches[:8]


# ---------------------------------------------------------------- only what is used goes in a crate


def _lower(source: str, module: str = "m"):
    parsed = parse_source(source_module_from_text(module, source), source)
    tm = type_map_of(source, module)
    return lower_module(parsed, tm, {module: tm})


def test_lowering_records_the_helpers_a_function_uses() -> None:
    t = _lower(
        "def add(a: int, b: int) -> int:\n    return a + b\n\n"
        "def fdiv(a: int, b: int) -> int:\n    return a // b\n\n"
        "def show(x: float) -> str:\n    return str(x)[1:]\n"
    )
    runtimes = {it.name: it.runtime for it in t.items}
    assert runtimes == {"add": [], "fdiv": ["floordiv"], "show": ["float_repr", "str_slice"]}


def _item(name: str, code: str, runtime_names: list[str], stub: str | None = None) -> RustItem:
    return RustItem(name=name, kind="fn", code=code, stub=stub, python_line=1, runtime=runtime_names)


def test_crate_without_helpers_has_no_runtime_module(tmp_path: Path) -> None:
    write_crate(tmp_path, "c", {"m": [_item("f", "pub fn f() -> i64 {\n    1\n}\n", [])]})
    assert not (tmp_path / "src" / "pyrt.rs").exists()
    assert "pyrt" not in (tmp_path / "src" / "lib.rs").read_text()


def test_crate_renders_only_used_helpers_and_drops_them_when_unused(tmp_path: Path) -> None:
    code = "pub fn f(a: i64) -> String {\n    crate::pyrt::str_index(\"ab\", a)\n}\n"
    write_crate(tmp_path, "c", {"m": [_item("f", code, ["str_index"])]})
    pyrt = (tmp_path / "src" / "pyrt.rs").read_text()
    assert "pub fn str_index" in pyrt and "pub fn index" in pyrt
    assert "floordiv" not in pyrt and "PyDict" not in pyrt
    assert "pub mod pyrt;" in (tmp_path / "src" / "lib.rs").read_text()
    # the next write without the helper removes the runtime module again
    write_crate(tmp_path, "c", {"m": [_item("f", "pub fn f() {}\n", [])]})
    assert not (tmp_path / "src" / "pyrt.rs").exists()
    assert "pyrt" not in (tmp_path / "src" / "lib.rs").read_text()


def test_quarantined_item_does_not_pull_its_helpers(tmp_path: Path) -> None:
    stub = "pub fn f(a: i64, b: i64) -> i64 {\n    todo!()\n}\n"
    write_crate(tmp_path, "c", {"m": [_item("f", stub, ["floordiv"], stub=stub)]})
    assert not (tmp_path / "src" / "pyrt.rs").exists()


def test_types_named_in_signatures_pull_their_runtime_item(tmp_path: Path) -> None:
    """A stub or a struct naming `crate::pyrt::PyDict` needs PyDict even with no recorded use."""
    stub = "pub fn f(d: &crate::pyrt::PyDict<String, i64>) -> i64 {\n    todo!()\n}\n"
    write_crate(tmp_path, "c", {"m": [_item("f", stub, [], stub=stub)]})
    pyrt = (tmp_path / "src" / "pyrt.rs").read_text()
    assert "pub struct PyDict" in pyrt and "floordiv" not in pyrt
