"""bytes and bytearray (issue 11 item 6) and base64/binascii (issue 12 item 3): one differential
function per construct in tests/data/bytes_lib.py, run on cases in Python and in Rust (one crate
build for the module), plus lowering, printing, evidence and diagnostics checks without cargo."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DiffRun, needs_cargo, run_differential, type_map_of
from portalis.analysis import evidence_for
from portalis.lower.module import lower_module
from portalis.parse import parse_source, source_module_from_text
from portalis.rust.printer import rust_bytes_literal
from portalis.validate.harness import parse_canonical
from portalis.validate.literals import canonical, decode_value, encode_value

SRC = (Path(__file__).parent / "data" / "bytes_lib.py").read_text(encoding="utf-8")

CASES = {
    "literal": [""],
    "item": ["b'abc', 0", "b'abc', -1", "b'\\xff', 0", "b'abc', 3", "b'', -1"],
    "cut": ["b'abcdef', 1, 4, 1", "b'abcdef', -1, 0, -2", "b'ab', 5, 9, 1", "b'abc', 0, 3, 0"],
    "walk": ["b'\\x00\\x01\\xff'", "b''"],
    "size": ["b''", "b'\\x00abc'"],
    "joined": ["b'ab', b'c', 3", "b'', b'x', -1", "b'\\xff', b'', 2"],
    "order": ["b'ab', b'abc'", "b'b', b'a'", "b'x', b'x'", "b'\\xff', b'\\x00'"],
    "member": ["b'abc', 98, b'bc'", "b'abc', 0, b''", "b'abc', 256, b'c'", "b'abc', -1, b'x'"],
    "made": ["3, [1, 255]", "0, []", "-1, [1]", "2, [256]"],
    "grown": ["[1, 2], b'>'", "[], b''", "[300], b''"],
    "truthy": ["b''", "b'\\x00'"],
    "decoded": ["b'caf\\xc3\\xa9', 0", "b'\\xff', 0", "b'abc', 1", "b'a\\x80', 1", "b'\\xe9\\xff', 2", "b'ab\\xc3', 0"],
    "encoded": ["'caf\\u00e9'", "'abc'", "'\\u20ac'"],
    "shown": ["b''", "b\"it's\"", "b'\\'\"'", "b'\\x00\\n\\t\\r\\\\\\x7f\\x80~'"],
    "shown_array": ["b'ab'", "b''"],
    "hexes": ["b'\\x01\\xab\\xff'", "b''"],
    "from_hex": ["'01ab FF'", "'0g'", "'abc'", "''", "' 1a'"],
    "pieces": ["b' a, b ,,c '", "b''", "b'aab'"],
    "searches": ["b'abcab'", "b''", "b'zy'"],
    "cases": ["b'Hello1'", "b'ABC'", "b'123'", "b''", "b'\\xe9a'"],
    "b64": ["b''", "b'f'", "b'fo'", "b'foo'", "b'\\xfb\\xff\\xfe'", "b'hello world'"],
    "b64_text": ["b'Zm9v', False", "b'Zm9', False", "b'Z', False", "b'Zm 9v\\n', False", "b'Zm 9v', True",
                 "b'Zg==', True", "b'Zg==Zg==', False", "b'Zg==Zg==', True", "b'=Zg==', True", "b'Zg=', False",
                 "b'-_8=', False"],
    "b16_b32": ["b''", "b'a'", "b'ab'", "b'abc'", "b'abcd'", "b'abcde'", "b'\\x00\\xff\\x10'"],
    "b32_text": ["b'mfrgg==='", "b'MFRGG'", "b'MFRGG==='", "b'MFRGG1=='", "b'ME======'", "b'M======='", "b''"],
    "hexlified": ["b''", "b'\\x00\\xffA'"],
    "unhex": ["b'00ff'", "b'0'", "b'zz'", "b'AbCd'"],
    "untyped_text": ["b'ok'", "b'\\xff'"],
    "untyped_magic": ["b'\\x89PNG\\r\\n'", "b'GIF8'", "b''"],
    "untyped_b64": ["b'hi'", "b''"],
    "stdlib_b64encode": ["b'\\xfb\\xff', None", "b'\\xfb\\xff', b'-_'", "b'', b'abc'"],
    "swapped": ["b'\\xfb\\xff'", "b'Zm9v'", "b''"],
    "byte_ord": ["b'a'", "b''"],
    "in_containers": ["b\"it's\"", "b''"],
    "safe_text": ["b'ok'", "b'\\xff'"],
    "safe_ascii": ["'ok'", "'caf\\u00e9'"],
    "safe_b64": ["b'Zm9v'", "b'Zm9'", "b'=Zm9v'", "b'Zm9v!'"],
    "safe_hex": ["'0a ff'", "'0g'", "'abc'"],
    "safe_decodes": ["b'AB'", "b'ab'", "b'MZXW6==='"],
    "safe_values": ["[1, 2], 1", "[256], -1", "[0], 300"],
    "my_b64decode": ["b'-_8=', b'-_', False", "b'+/8=', None, True", "b'Zm9', None, False", "b'Zm9v', b'abc', False"],
    "my_standard_b64decode": ["b'Zm9v'", "b'Zm9v!'"],
    "my_urlsafe_b64decode": ["b'-_8='", "b'Z'"],
}
CALLS = [f"{f}({a})" for f, args in CASES.items() for a in args]


@pytest.fixture(scope="module")
def lib(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS, tmp_path_factory.mktemp("bytes"), toolchain)


@needs_cargo
def test_every_construct_translates(lib: DiffRun) -> None:
    functions = lib.module_report()["functions"]
    assert {f["name"] for f in functions} == set(CASES)
    assert all(f["status"] == "translated" for f in functions), [f for f in functions if f["status"] != "translated"]
    # base64 is written over std in pyrt: no crate added
    manifest = (lib.crate_dir / "Cargo.toml").read_text(encoding="utf-8")
    assert "[dependencies]" not in manifest or "base64" not in manifest


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_construct_matches_python(lib: DiffRun, call: str) -> None:
    lib.check(call)


# ---------------------------------------------------------------- without cargo

LOWERED = '''
def head(b: bytes, n: int) -> bytes:
    return b[:n] + b"\\x00"


def total(b: bytes) -> int:
    t = 0
    for x in b:
        t += x
    return t


def text(b: bytes) -> str:
    return b.decode("ascii")


def grow(n: int) -> bytearray:
    out = bytearray()
    out.append(n)
    return out


def exotic(b: bytes) -> str:
    return b.decode("cp1252")
'''


def _lowered(source: str):
    parsed = parse_source(source_module_from_text("sample", source), source)
    tm = type_map_of(source)
    out = lower_module(parsed, tm, {"sample": tm}, None)
    return {i.name: i.code for i in out.items if i.kind == "fn"}, out


def test_lowering_spells_bytes_as_u8_vectors_and_slices() -> None:
    code, out = _lowered(LOWERED)
    assert "pub fn head(b: &[u8], n: i64) -> Vec<u8>" in code["head"]
    assert '[crate::pyrt::list_slice(b, None, Some(n), 1).as_slice(), b"\\x00".as_slice()].concat()' in code["head"]
    assert "for x in b.iter().map(|&__b1| i64::from(__b1))" in code["total"]
    assert 'crate::pyrt::bytes_decode(b, "ascii")' in code["text"]
    assert "out.push(crate::pyrt::byte_value(n));" in code["grow"]
    assert "let mut out: Vec<u8> = Vec::new();" in code["grow"]
    # an encoding with no translation is a diagnostic, the function a stub
    assert "todo!" in code["exotic"]
    diags = [d for d in out.diagnostics if d.code == "PTL252"]
    assert diags and "cp1252" in diags[0].message


def test_bytes_literals_print_with_rust_escapes() -> None:
    assert rust_bytes_literal(b"a\"\\\n\r\t\x00\x7f\xff'") == 'b"a\\"\\\\\\n\\r\\t\\x00\\x7f\\xff\'"'


def test_bytes_values_cross_the_harness() -> None:
    assert canonical(bytearray(b"ab")) == b"ab" and type(canonical(bytearray(b"ab"))) is bytes
    for v in (b"", b"\x00\xff", bytearray(b"x")):
        assert decode_value(encode_value(v)) == v and type(decode_value(encode_value(v))) is type(v)
    # what the Rust Canon impl of Vec<u8> prints reads back as bytes
    assert parse_canonical("(b'a\\'\\\\\\x00', [])") == (b"a'\\\x00", [])


def test_uses_only_bytes_have_pin_parameters() -> None:
    source = (
        "import base64\n"
        "def f(data):\n    return data.decode()\n"
        "def g(head):\n    return head == b'PK'\n"
        "def h(raw):\n    return base64.b64encode(raw)\n"
        "def k(x):\n    return x + b'!'\n"
    )
    parsed = parse_source(source_module_from_text("sample", source), source)
    ev = evidence_for(parsed)
    assert str(ev.functions["f"].params["data"].type) == "bytes"
    assert str(ev.functions["f"].returns.type) == "str"
    assert str(ev.functions["g"].params["head"].type) == "bytes"
    assert str(ev.functions["h"].params["raw"].type) == "bytes"
    assert str(ev.functions["h"].returns.type) == "bytes"


def test_bytes_cross_the_python_extension_as_bytes() -> None:
    """The extension (portalis/pyext) takes bytes or a bytearray for a `Vec<u8>` parameter and
    gives bytes back (checked by hand with a built wheel: `twice(bytearray(b'x'))` -> b'xx', a
    bytearray argument changed in place is written back with `ba[:] = new`); no build here."""
    from portalis.pyext.emit import render_lib
    from portalis.pyext.plan import plan_extension

    source = "def twice(b: bytes) -> bytes:\n    return b + b\n\n\ndef grow(ba: bytearray, x: int) -> int:\n    ba.append(x)\n    return len(ba)\n"
    tm = type_map_of(source)
    report = {"modules": [{"module": "sample", "functions": [{"qualname": "twice", "status": "verified"},
                                                             {"qualname": "grow", "status": "verified"}]}]}
    plan = plan_extension("sample_crate", {"sample": tm}, report)
    assert sorted(f.name for f in plan.functions) == ["grow", "twice"], plan.skipped
    lib = render_lib(plan)
    assert "let v0: Vec<u8> = " in lib and "PyBytes::new(py, items)" in lib and "ob.cast::<PyByteArray>()" in lib
    assert "PySlice::full" in lib  # the in-place write-back of a bytearray
