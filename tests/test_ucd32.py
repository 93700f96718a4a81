"""stringprep's shape (issue 10, the unannotated corpus), no cargo: `from unicodedata import
ucd_3_2_0 as unicodedata` is a namespace whose `category(c)`/`bidirectional(c)` type their
argument as a str and return a str (the analysis' rules), lowered to pyrt's Unicode 3.2 tables,
which must match this Python's `unicodedata.ucd_3_2_0` run for run."""

from __future__ import annotations

from portalis.runtime import helpers, ucd32

STRINGPREP_SRC = '''from unicodedata import ucd_3_2_0 as unicodedata

def in_table_a1(code):
    if unicodedata.category(code) != 'Cn': return False
    c = ord(code)
    if 0xFDD0 <= c < 0xFDF0: return False
    return (c & 0xFFFF) not in (0xFFFE, 0xFFFF)

def in_table_c3(code):
    return unicodedata.category(code) == "Co"

def in_table_d1(code):
    return unicodedata.bidirectional(code) in ("R","AL")

def in_table_d2(code):
    return unicodedata.bidirectional(code) == "L"
'''


def _lowered(src: str):
    from conftest import type_map_of
    from portalis.lower.module import lower_module
    from portalis.parse import parse_source, source_module_from_text

    parsed = parse_source(source_module_from_text("sample", src), src)
    tm = type_map_of(src)
    return parsed, tm, lower_module(parsed, tm, {"sample": tm}, None)


def test_ucd_3_2_0_is_imported_as_a_namespace_and_types_its_argument() -> None:
    parsed, tm, t = _lowered(STRINGPREP_SRC)
    assert [(i.module, i.name, i.alias) for i in parsed.imports] == [("unicodedata.ucd_3_2_0", None, "unicodedata")]
    for name in ("in_table_a1", "in_table_c3", "in_table_d2"):
        sig = tm.function(name)
        assert sig is not None and [str(p.py_type) for p in sig.params] == ["str"], (name, sig)
        assert "unicodedata.ucd_3_2_0." in str(sig.params[0].provenance), sig.params[0]
    rust = "\n".join(i.code for i in t.items)
    assert 'crate::pyrt::ucd32_category(code) != "Cn"' in rust, rust
    assert 'crate::pyrt::ucd32_bidirectional(code) == "L"' in rust, rust
    # `in` a tuple display of str literals: an array of &str (before: a tuple of Strings per test)
    assert '["R", "AL"].contains(&crate::pyrt::ucd32_bidirectional(code))' in rust, rust
    status = {i.name: i.status.value for i in t.items}
    assert status["in_table_a1"] == status["in_table_c3"] == status["in_table_d2"] == "translated", t.diagnostics


def test_pyrt_tables_match_this_pythons_unicode_3_2() -> None:
    text = "".join(helpers()[n][0] for n in ("ucd32_category", "ucd32_bidirectional"))
    for prop in ucd32.PROPERTIES:
        assert ucd32.read_tables(text, prop) == ucd32.tables(prop), f"{prop}: run python -m portalis.runtime.ucd32"
