"""The Unicode 3.2 tables of pyrt.rs's `ucd32_category` and `ucd32_bidirectional` helpers,
taken from Python's own `unicodedata.ucd_3_2_0` (the database stringprep uses), so the Rust
answers as this Python does for every code point.

Each table is a list of runs: the first code point of each run and its value, packed as
`start << 8 | index` into one `u32` (code points need 21 bits, the index of the value's name
8), looked up by binary search. `python -m portalis.runtime.ucd32` rewrites the tables in
pyrt.rs; tests/test_ucd32.py checks they still match this Python.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

PROPERTIES = ("category", "bidirectional")
PYRT = Path(__file__).with_name("pyrt.rs")


def runs(prop: str) -> list[tuple[int, str]]:
    """(first code point, value) of each run of equal values of `prop` over every code point."""
    get = getattr(unicodedata.ucd_3_2_0, prop)
    out: list[tuple[int, str]] = []
    for c in range(0x110000):
        v = get(chr(c))
        if not out or out[-1][1] != v:
            out.append((c, v))
    return out


def tables(prop: str) -> tuple[list[str], list[int]]:
    """The value names (sorted) and the packed runs of `prop`."""
    rs = runs(prop)
    names = sorted({v for _, v in rs})
    return names, [start << 8 | names.index(v) for start, v in rs]


def block(prop: str) -> str:
    """The generated Rust of one property's tables (two consts), between the markers."""
    names, packed = tables(prop)
    upper = prop.upper()
    rows = [", ".join(str(p) for p in packed[i:i + 10]) + "," for i in range(0, len(packed), 10)]
    body = "\n".join("    " + r for r in rows)
    quoted = ", ".join(f'"{n}"' for n in names)
    return (f"// generated: portalis/runtime/ucd32.py {prop}\n"
            f"const UCD32_{upper}_NAMES: [&str; {len(names)}] = [{quoted}];\n"
            f"const UCD32_{upper}_RUNS: [u32; {len(packed)}] = [\n{body}\n];\n"
            f"// end generated\n")


_BLOCK = re.compile(r"// generated: portalis/runtime/ucd32\.py (\w+)\n.*?// end generated\n", re.S)


def rewrite(text: str) -> str:
    """pyrt.rs with every generated table block made again."""
    return _BLOCK.sub(lambda m: block(m.group(1)), text)


def read_tables(text: str, prop: str) -> tuple[list[str], list[int]]:
    """The names and packed runs of `prop` as pyrt.rs has them (for the test)."""
    upper = prop.upper()
    names = re.search(rf"const UCD32_{upper}_NAMES: \[&str; \d+\] = \[(.*?)\];", text, re.S)
    packed = re.search(rf"const UCD32_{upper}_RUNS: \[u32; \d+\] = \[(.*?)\];", text, re.S)
    assert names and packed, f"no {prop} tables in pyrt.rs"
    return re.findall(r'"([^"]*)"', names.group(1)), [int(x) for x in re.findall(r"\d+", packed.group(1))]


if __name__ == "__main__":
    PYRT.write_text(rewrite(PYRT.read_text(encoding="utf-8")), encoding="utf-8")
