"""Lowering shapes that make the Rust fast (issue 15, item 1; figures in benchmarks/kernels.py):
char views for str indexed in loops, moves of dead locals (portalis/analysis/liveness.py),
borrowed split pieces, the counting idiom in one dict lookup, sorted chars. Golden checks of the
Rust text without cargo, then one shared cargo build comparing the same shapes with Python,
edge cases included (negative indices, IndexError, non-ASCII text, Python's whitespace)."""

from __future__ import annotations

import shutil

import libcst as cst
import pytest

from conftest import DiffRun, run_differential, type_map_of
from portalis.analysis.builders import string_builders
from portalis.analysis.indexing import indexed_in_loop
from portalis.analysis.liveness import consumed_params, movable_copies
from portalis.lower.module import lower_module
from portalis.parse import parse_source, source_module_from_text

needs_cargo = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is needed")

SRC = '''
def edit_distance(a: str, b: str) -> int:
    prev: list[int] = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur: list[int] = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        prev = cur
    return prev[len(b)]


def count_char(s: str, c: str) -> int:
    n = 0
    for i in range(len(s)):
        if s[i] == c or s[i] == "!":
            n += 1
    return n


def at(s: str, i: int) -> str:
    out = ""
    for k in range(2):
        out += s[i]
    return out


def keep_snapshot(n: int) -> list[int]:
    cur: list[int] = [1]
    prev: list[int] = []
    for i in range(n):
        prev = cur
        cur = cur + [i]
    return prev + cur


def chunks(n: int) -> list[list[int]]:
    out: list[list[int]] = []
    for i in range(n):
        row: list[int] = [i, i + 1]
        out.append(row)
    return out


def word_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    return counts


def first_seen(text: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, word in enumerate(text.split(",")):
        seen[word] = i
    return seen


def anagram_key(w: str) -> str:
    return "".join(sorted(w))


def decode(s: str) -> str:
    parts: list[str] = []
    count = 0
    for ch in s:
        if ch.isdigit():
            count = count * 10 + int(ch)
        else:
            parts.append(ch * count)
            count = 0
    return "".join(parts)


def csv_line(xs: list[int], sep_every: int) -> str:
    cells: list[str] = []
    for x in xs:
        cells.append("" if x % sep_every == 0 else str(x) + "é")
    head = ",".join(cells)
    cells.append("end")
    return head + "|" + ",".join(cells)


def runs_of(s: str, k: int) -> str:
    out: list[str] = []
    for ch in s:
        out.append(ch * k)
    return "".join(out)


def not_a_builder(n: int) -> str:
    parts: list[str] = []
    for i in range(n):
        parts.append(str(i))
    return str(len(parts)) + ":" + "-".join(parts)


def group_by_len(words: list[str]) -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    for w in words:
        n = len(w)
        if n in groups:
            groups[n].append(w)
        else:
            groups[n] = [w]
    return groups


def first_letters(words: list[str]) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for w in words:
        key = w[:1]
        if key in seen:
            seen[key].add(w)
        else:
            seen[key] = {w, key}
    return seen


def char_uses(s: str) -> list[str]:
    swapped = list(s)
    k = 0
    for c in s:
        swapped[k] = c.swapcase()
        k += 1
    pairs = [a + b for a, b in zip(s, s[1:])] + [str(i) + c for i, c in enumerate(s)]
    return swapped + pairs + sorted(set(s)) + [c for c in s if c != "é"]


def letter(i: int) -> str:
    return "abcd"[i]


def pairs(xs: list[int], s: str) -> int:
    t = 0
    for i in range(len(xs)):
        for j in range(i, len(xs)):
            t += xs[i] * xs[j]
    for k in range(1, len(s)):
        if s[k] == s[k - 1]:
            t += 1
    return t


def numbered(s: str, n: int) -> str:
    out = ""
    for i in range(n):
        out += str(i) + s
    out += out + "!"
    return out


def mods(n: int) -> int:
    return n % 3 * 100 + n // 4 + n % -3 * 10000


def grow(xs: list[int]) -> int:
    for i in range(len(xs)):
        if xs[i] > 0:
            xs.append(0)
    return len(xs)


def anagram_groups(words: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for w in words:
        key = "".join(sorted(w))
        if key in groups:
            groups[key].append(w)
        else:
            groups[key] = [w]
    return groups


def groups_and_last(words: list[str]) -> str:
    groups: dict[str, list[str]] = {}
    key = ""
    for w in words:
        key = "".join(sorted(w))
        if key in groups:
            groups[key].append(w)
        else:
            groups[key] = [w]
    return key + str(len(groups))


def last_key(words: list[str]) -> str:
    seen: dict[str, int] = {}
    key = ""
    for w in words:
        key = w + "!"
        seen[key] = len(w)
    return key + str(len(seen))


def spaced(s: str) -> list[str]:
    return [w for w in s.split()]


def kept(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if w:
            out.append(w)
    return out


def total_len(words: list[str]) -> int:
    n = 0
    for w in words:
        n += len(w)
    return n


def labels(n: int) -> str:
    out = ""
    for i in range(-n, n):
        out += "x" + str(i) + "é" + str(i * 1000000007)
    out += out + str(n)
    return out


def pairs_text(n: int) -> str:
    parts: list[str] = []
    for i in range(n):
        parts.append(str(i) + ":" + str(-i))
    return ",".join(parts)


def big_text(n: int) -> str:
    s = "<"
    s += str(n) + str(True) + str(2.5)
    s += f"{n}-{n}"
    return s


def twice(words: list[str]) -> int:
    a = kept(words)
    b = kept(words)
    return len(a) + len(b) + total_len(words) + len(kept([w + "!" for w in words]))
'''

CALLS = [
    "edit_distance('kitten', 'sitting')", "edit_distance('', 'abc')", "edit_distance('héllo', 'hallo😀')",
    "count_char('a!b!aa', 'a')", "count_char('', 'a')", "count_char('ééé', 'é')",
    "at('xyz', 0)", "at('xyz', -1)", "at('xyz', 3)", "at('xyz', -4)", "at('😀é', -2)",
    "chunks(3)", "keep_snapshot(3)", "keep_snapshot(0)",
    "word_counts('a b  a\\tc\\n a')", "word_counts('')", "word_counts('x\\x1cy\\xa0x\\u3000y')",
    "first_seen('a,b,,a')", "first_seen('')",
    "anagram_key('listen')", "anagram_key('héllo😀')", "anagram_key('')",
    "decode('3a2é1😀')", "decode('')", "decode('12x0y')",
    "csv_line([1, 2, 3, 4], 2)", "csv_line([], 1)", "csv_line([3], 3)", "runs_of('aé😀', 2)", "runs_of('ab', -1)",
    "runs_of('', 3)", "not_a_builder(3)",
    "group_by_len(['ab', 'c', 'dé', '', 'x'])", "group_by_len([])", "first_letters(['ab', 'ac', 'b', ''])",
    "char_uses('aÉé😀a')", "char_uses('')",
    "letter(1)", "letter(-1)", "letter(4)", "letter(-5)",
    "pairs([3, 1, 2], 'aabéé')", "pairs([], '')", "grow([1, 0, 2])", "numbered('é', 3)", "numbered('', 0)",
    "mods(-7)", "mods(7)", "mods(0)", "mods(-9223372036854775807)",
    "anagram_groups(['ab', 'ba', 'é', 'cab', 'abc', '', 'bca'])", "anagram_groups([])",
    "anagram_groups(['zyxwvutsrqponmlkjihgfedcbazyxwvuts', 'stuvwxyzabcdefghijklmnopqrstuvwxyz', 'ba😀', '😀ab', 'ab'])",
    "groups_and_last(['ba', 'ab', 'c'])", "groups_and_last([])", "last_key(['a', 'b', 'a'])",
    # words of 8 bytes and more (scanned eight at a time), control characters that are not whitespace
    "spaced('abcdefgh abcdefghijklmnopq\\x01x\\x1fy a\\x00b\\x0b  zzzzzzzzzzzzzzzzz!')", "spaced('        ')",
    "spaced(' abcdefg\\thijklmnopqrstu\\x7f ')",
    "labels(3)", "labels(0)", "pairs_text(12)", "pairs_text(0)", "big_text(-9223372036854775807)", "big_text(0)",
    "kept(['a', '', 'é😀'])", "kept([])", "twice(['ab', '', 'c'])", "twice([])",
]


@pytest.fixture(scope="module")
def rust() -> dict[str, str]:
    parsed = parse_source(source_module_from_text("m", SRC), SRC)
    tm = type_map_of(SRC, "m")
    return {item.name: item.code for item in lower_module(parsed, tm, {"m": tm}).items}


def test_a_str_indexed_in_a_loop_gets_a_char_view(rust: dict[str, str]) -> None:
    code = rust["edit_distance"]
    assert "let __a_chars1: Vec<char> = a.chars().collect();" in code
    assert "__a_chars1[crate::pyrt::index(i - 1, __a_chars1.len())]\n                == __b_chars2[" in code
    assert "str_index" not in code and "chars().count()" not in code  # len(b) reads the view too
    # a one-character literal compares as a char
    assert "== '!'" in rust["count_char"]
    # outside a loop no view is made; in a loop `out += s[i]` pushes the char
    assert "push(__s_chars1[crate::pyrt::index(i, __s_chars1.len())])" in rust["at"]


def test_a_dead_local_is_moved_not_cloned(rust: dict[str, str]) -> None:
    assert "prev = cur;" in rust["edit_distance"]
    assert "out.push(row);" in rust["chunks"]
    # cur is read after `prev = cur`: the copy stays
    # cur is read again but never changed in place: a copy gives Python's result
    assert "prev = cur.clone();" in rust["keep_snapshot"]


def test_split_pieces_are_borrowed_and_counted_in_one_lookup(rust: dict[str, str]) -> None:
    code = rust["word_counts"]
    assert "for word in crate::pyrt::split_ws(text) {" in code
    assert "*counts.slot_str(word, 0) += 1;" in code
    assert "collect" not in code and "to_string" not in code
    code = rust["first_seen"]
    assert '.split(",")' in code and "collect" not in code and "seen.set_item(word, i);" in code


def test_sorted_chars_and_literal_index(rust: dict[str, str]) -> None:
    code = rust["anagram_key"]
    # one String at once (ASCII text sorted as bytes), no Vec<char> then a String
    assert code.strip().endswith("crate::pyrt::sorted_str(w)\n}") and "join" not in code and "collect" not in code
    assert "['a', 'b', 'c', 'd'][crate::pyrt::index(i, 4)]" in rust["letter"]


def test_characters_of_a_borrowed_str_are_borrowed_slices(rust: dict[str, str]) -> None:
    code = rust["decode"]
    assert "for ch in crate::pyrt::str_chars(s) {" in code
    assert "to_string" not in code and "crate::pyrt::parse_int(ch)" in code


def test_a_list_that_only_builds_a_string_is_that_string(rust: dict[str, str]) -> None:
    """analysis/builders.py: `parts = []`, only appends and joins with one separator: a String
    grown in place; the separator before every piece but the first (a flag, since a piece can
    be empty); a join reads the String (moved out by a return)."""
    code = rust["csv_line"]
    assert "let mut cells: String = String::new();" in code and "let mut __started1 = false;" in code
    assert "if __started1 {\n            cells.push(',');\n        }\n        __started1 = true;" in code
    assert "Vec" not in code and "join" not in code
    code = rust["runs_of"]
    assert "out.extend(std::iter::repeat_n(ch, k.max(0) as usize));" in code and code.rstrip().endswith("out\n}")
    # len(parts) reads the list: it stays a Vec
    assert "let mut parts: Vec<String>" in rust["not_a_builder"]


def test_grouping_in_a_dict_looks_the_key_up_once(rust: dict[str, str]) -> None:
    code = rust["group_by_len"]
    assert "match groups.get_mut(&n) {" in code and "__slot" in code and ".push(w);" in code  # an int key: through Eq
    assert "contains_key" not in code
    assert "match seen.get_mut_str(key.as_str()) {" in rust["first_letters"]
    # a key dead after `d[key] = v` goes into the dict without a copy; one read later is copied
    # a sorted key read only as the key: sorted on the stack, a String only when new
    code = rust["anagram_groups"]
    assert "let __key2 = crate::pyrt::SortedKey::new(w.as_str());" in code
    assert "match groups.get_mut_str(__key2.as_str()) {" in code
    assert "groups.insert(__key2.into_string(), vec![w.clone()]);" in code
    # read after the loop: the String as before
    assert "key = crate::pyrt::sorted_str(w.as_str());" in rust["groups_and_last"]
    assert "SortedKey" not in rust["groups_and_last"]
    assert "seen.set_item(key.as_str()," in rust["last_key"]


def test_a_list_iterated_once_to_keep_its_items_is_passed_by_value(rust: dict[str, str]) -> None:
    # its items are moved where they are kept, not copied out of a borrowed list
    assert "pub fn kept(words: Vec<String>) -> Vec<String> {" in rust["kept"]
    assert "for w in words.into_iter() {" in rust["kept"] and "out.push(w);" in rust["kept"]
    assert "pub fn anagram_groups(words: Vec<String>)" in rust["anagram_groups"]
    # only read: still borrowed
    assert "pub fn total_len(words: &[String]) -> i64 {" in rust["total_len"]
    # a caller that reads its list again passes a copy; a temporary is moved
    code = rust["twice"]
    assert "pub fn twice(words: &[String]) -> i64 {" in code
    assert code.count("kept(words.to_vec())") == 2 and "total_len(words)" in code
    assert "kept({" in code and "kept(&{" not in code


def test_concatenations_are_pushed_piece_by_piece(rust: dict[str, str]) -> None:
    # `s += a + str(n)`: each operand pushed in turn, an int's digits by pyrt::push_int
    code = rust["labels"]
    assert "out.push('x');" in code and "crate::pyrt::push_int(&mut out, i);" in code
    assert "out.push('é');" in code and "crate::pyrt::push_int(&mut out, i * 1000000007);" in code
    # an operand reading s itself: formatted first, as before
    assert "format!(" in code
    assert "crate::pyrt::push_int(&mut parts, i);" in rust["pairs_text"]
    assert "crate::pyrt::push_int(&mut parts, -i);" in rust["pairs_text"]
    # only an int's str() is pushed as digits
    assert "crate::pyrt::push_int(&mut s, n);" in rust["big_text"]


@pytest.mark.parametrize(
    "source, consumed",
    [
        ("def f(xs, out):\n    for x in xs:\n        out.append(x)\n", {"xs"}),
        ("def f(xs, d, k):\n    for x in xs:\n        d[k].append(x)\n", {"xs"}),
        # kept as a copy anyway (a tuple, a display, a value stored, read after the append)
        ("def f(xs, out):\n    for x in xs:\n        out.append((1, x))\n", set()),
        ("def f(xs, d):\n    for x in xs:\n        d[x] = [x]\n", set()),
        ("def f(xs, d):\n    for x in xs:\n        d[len(x)] = x\n", set()),
        ("def f(xs, out):\n    for x in xs:\n        out.append(x)\n        print(x)\n", set()),
        # read only, read twice, read after the loop, iterated in a loop, with a default, captured
        ("def f(xs):\n    n = 0\n    for x in xs:\n        n += len(x)\n    return n\n", set()),
        ("def f(xs, out):\n    for x in xs:\n        out.append(x)\n    for x in xs:\n        out.append(x)\n", set()),
        ("def f(xs, out):\n    for x in xs:\n        out.append(x)\n    return len(xs)\n", set()),
        ("def f(xs, out):\n    while out:\n        for x in xs:\n            out.append(x)\n", set()),
        ("def f(xs=(), out=None):\n    for x in xs:\n        out.append(x)\n", set()),
        ("def f(xs, out):\n    for x in xs:\n        out.append(lambda: xs)\n", set()),
        ("def f(xs, out):\n    for x in xs:\n        out.append(x)\n    else:\n        pass\n", set()),
    ],
)
def test_consumed_params(source: str, consumed: set[str]) -> None:
    assert consumed_params(_fn(source)) == consumed


def test_bounds_proven_by_the_loop_are_not_checked_again(rust: dict[str, str]) -> None:
    code = rust["pairs"]
    assert "xs[i as usize]" in code and "__s_chars1[k as usize]" in code
    # j starts at a variable, k - 1 is not the loop variable: Python's index check stays
    assert "xs[crate::pyrt::index(j, xs.len())]" in code and "crate::pyrt::index(k - 1," in code
    # xs grows inside the loop: checked
    assert "xs[crate::pyrt::index(i, xs.len())]" in rust["grow"]


def test_formatted_text_is_appended_in_place(rust: dict[str, str]) -> None:
    code = rust["numbered"]
    assert "crate::pyrt::push_int(&mut out, i);\n        out.push_str(s);" in code  # push_concat
    assert 'std::fmt::Write::write_fmt(&mut s, format_args!("{}-{}", n, n))' in rust["big_text"]
    assert 'out.push_str(&format!("{}!", out));' in code  # reads out itself: formatted first


def test_division_by_a_positive_constant_is_euclidean(rust: dict[str, str]) -> None:
    code = rust["mods"]
    assert "n.rem_euclid(3)" in code and "n.div_euclid(4)" in code
    assert "crate::pyrt::pymod(n, -3)" in code  # a negative divisor keeps Python's helper


ALIASED = '''
def keep_alias(n: int) -> list[int]:
    cur: list[int] = [1]
    prev: list[int] = []
    for i in range(n):
        prev = cur
        cur.append(i)
    return prev + cur


def same_row(n: int) -> list[list[int]]:
    out: list[list[int]] = []
    row: list[int] = []
    for i in range(n):
        row.append(i)
        out.append(row)
    return out


def set_through_other(n: int) -> list[int]:
    a: list[int] = [0] * n
    b = a
    b[0] = 1
    return a + b


def fresh_each_time(n: int) -> list[list[int]]:
    out: list[list[int]] = []
    for i in range(n):
        row: list[int] = [i]
        row.append(i)
        out.append(row)
    return out
'''


def test_a_copy_python_shares_and_changes_is_not_translated() -> None:
    """`x = y` / `xs.append(y)` where y is read again (so the Rust copies it) and one of the
    names is changed in place: Python sees one object, a copy would diverge. PTL125 instead of
    a wrong translation; a dead y (moved) or one only rebound translates."""
    parsed = parse_source(source_module_from_text("m", ALIASED), ALIASED)
    tm = type_map_of(ALIASED, "m")
    out = lower_module(parsed, tm, {"m": tm})
    codes = {d.function: d.code for d in out.diagnostics if d.code == "PTL125"}
    assert codes == {"keep_alias": "PTL125", "same_row": "PTL125", "set_through_other": "PTL125"}, out.diagnostics
    code = {i.name: i.code for i in out.items}["fresh_each_time"]
    assert "out.push(row);" in code and "clone" not in code


def _fn(source: str) -> cst.FunctionDef:
    node = cst.parse_module(source).body[0]
    assert isinstance(node, cst.FunctionDef)
    return node


@pytest.mark.parametrize(
    ("source", "moved"),
    [
        # rebound at the top of the next iteration, not read after the loop
        ("def f(n):\n    p = []\n    for i in range(n):\n        c = [i]\n        p = c\n    return p\n", True),
        # read after the loop
        ("def f(n):\n    p = []\n    c = []\n    for i in range(n):\n        c = [i]\n        p = c\n    return p + c\n", False),
        # read again at the next iteration before it is rebound
        ("def f(n):\n    p = []\n    c = [0]\n    for i in range(n):\n        c.append(i)\n        p = c\n    return p\n", False),
        # the while test reads it; rebound right after the copy, it is dead
        ("def f(n):\n    p = []\n    c = [0]\n    while c and n:\n        p = c\n        n -= 1\n    return p\n", False),
        ("def f(n):\n    p = []\n    c = [0]\n    while c:\n        p = c\n        c = []\n    return p\n", True),
        # an exception may reach a handler that reads it
        ("def f(n):\n    c = [n]\n    try:\n        p = c\n    except ValueError:\n        return c\n    return p\n", False),
        # a nested function captures it
        ("def f(n):\n    c = [n]\n    p = c\n    g = lambda: c\n    return p\n", False),
        # only one branch: the statement after the if does not read it
        ("def f(n):\n    c = [n]\n    if n:\n        p = c\n    else:\n        p = []\n    return p\n", True),
        ("def f(n):\n    c = [n]\n    if n:\n        p = c\n    else:\n        p = []\n    return p + c\n", False),
        ("def f(xs):\n    out = []\n    for x in xs:\n        row = [x]\n        out.append(row)\n    return out\n", True),
        ("def f(xs):\n    out = []\n    row = []\n    for x in xs:\n        row.append(x)\n        out.append(row)\n    return out\n", False),
        # a dict key: moved when dead, not when read later or when the value reads it
        ("def f(xs):\n    d = {}\n    for x in xs:\n        k = x + 'a'\n        d[k] = 1\n    return d\n", True),
        ("def f(xs):\n    d = {}\n    k = ''\n    for x in xs:\n        k = x + 'a'\n        d[k] = 1\n    return k\n", False),
        ("def f(xs):\n    d = {}\n    for x in xs:\n        k = x + 'a'\n        d[k] = len(k)\n    return d\n", False),
    ],
)
def test_liveness_finds_only_dead_sources(source: str, moved: bool) -> None:
    fn = _fn(source)
    names: dict[int, str] = {}

    def walk(node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            names[id(node)] = node.value
        for child in node.children:
            walk(child)

    walk(fn)
    movable = {names[i] for i in movable_copies(fn)}
    assert bool(movable & {"c", "row", "k"}) is moved, movable


@pytest.mark.parametrize(
    ("body", "sep"),
    [
        ("    p = []\n    for x in xs:\n        p.append(x)\n    return ','.join(p)\n", ","),
        ("    p: list[str] = []\n    p.append('a')\n    s = ''.join(p)\n    p.append(s)\n    return ''.join(p)\n", ""),
        # read otherwise, joined with two separators, appended inside a try, or a piece that reads it
        ("    p = []\n    p.append('a')\n    return ''.join(p) + str(len(p))\n", None),
        ("    p = []\n    p.append('a')\n    return ''.join(p) + ','.join(p)\n", None),
        ("    p = []\n    try:\n        p.append(xs[0])\n    except IndexError:\n        pass\n    return ''.join(p)\n", None),
        ("    p = []\n    p.append(''.join(p))\n    return ''.join(p)\n", None),
        # bound in a loop, bound twice, captured by a lambda, never joined
        ("    for x in xs:\n        p = []\n        p.append(x)\n    return ''.join(p)\n", None),
        ("    p = []\n    p = ['a']\n    return ''.join(p)\n", None),
        ("    p = []\n    f = lambda: p\n    p.append('a')\n    return ''.join(p)\n", None),
        ("    p = []\n    p.append('a')\n    return 'x'\n", None),
    ],
)
def test_lists_that_only_build_a_string(body: str, sep: str | None) -> None:
    found = string_builders(_fn("def f(xs):\n" + body))
    assert (found["p"].sep if "p" in found else None) == sep


def test_indexed_in_loop_names_only_subscripts_inside_loops() -> None:
    fn = _fn("def f(a, b, c):\n    x = a[0]\n    for i in range(3):\n        y = b[i] + c[1:2]\n    return [a[j] for j in range(2)]\n")
    assert indexed_in_loop(fn) == {"a", "b"}


@pytest.fixture(scope="module")
def speed_run(tmp_path_factory, toolchain) -> DiffRun:
    return run_differential(SRC, CALLS, tmp_path_factory.mktemp("speed"), toolchain)


@needs_cargo
def test_speed_shapes_translate_completely(speed_run: DiffRun) -> None:
    module = speed_run.module_report()
    bad = {f["name"]: f["status"] for f in module["functions"] if f["status"] != "translated"}
    assert not bad, (bad, module["diagnostics"])


@needs_cargo
@pytest.mark.parametrize("call", CALLS)
def test_speed_shapes_differential(speed_run: DiffRun, call: str) -> None:
    speed_run.check(call)
