"""Python's `re` pattern syntax translated to the `regex` crate's (or, for a pattern with
look-around or back-references, to the `fancy-regex` crate's: `Pattern.fancy`), and the types
that carry a translated pattern (`re_pattern`) or a match (`re_match`).

Neutral: imported by the analysis (a constant `WORD = re.compile(...)` is typed by its
translated pattern) and by lowering (portalis/lower/stdlib_re.py, which lowers the calls);
imports neither. What neither crate can express is Unsupported (PTL243/PTL245/PTL246), never
a silently different pattern.
"""

from __future__ import annotations

import re as _pyre
from dataclasses import dataclass

from portalis.model import PyType
from portalis.unsupported import Unsupported

# Python's flag values (re.RegexFlag), by every name code uses.
FLAGS: dict[str, int] = {
    "I": 2, "IGNORECASE": 2, "L": 4, "LOCALE": 4, "M": 8, "MULTILINE": 8, "S": 16, "DOTALL": 16,
    "U": 32, "UNICODE": 32, "X": 64, "VERBOSE": 64, "A": 256, "ASCII": 256,
}
_INLINE = {2: "i", 8: "m", 16: "s", 64: "x"}
# What \w \d \s \b mean under re.ASCII: (class contents, negated).
_ASCII_CLASSES = {"w": ("0-9A-Za-z_", False), "W": ("0-9A-Za-z_", True), "d": ("0-9", False), "D": ("0-9", True),
                  "s": (" \\t\\n\\r\\x0b\\x0c", False), "S": (" \\t\\n\\r\\x0b\\x0c", True),
                  "b": ("", False), "B": ("", False)}
_QUANT = _pyre.compile(r"\{(\d*)(,?)(\d*)\}")


@dataclass(frozen=True)
class Pattern:
    """A Python pattern in the regex crate's syntax."""

    rust: str
    groups: int  # capturing groups
    dollar: bool  # a non-multiline `$` became `\z` (Python's also matches before a final "\n")
    names: tuple[tuple[str, int], ...] = ()  # named groups and their numbers (Python's groupindex)
    optional: tuple[int, ...] = ()  # groups that may take no part in a match (`m.group(n)` is None)
    # look-around or a back-reference: compiled by fancy-regex (a backtracking engine over the
    # regex crate), never by `regex`, which rejects them
    fancy: bool = False


def optional_groups(pattern: str, flags: int = 0) -> tuple[int, ...]:
    """The groups of a Python pattern that may take no part in a successful match: those under a
    `|` alternative, a repeat that may run zero times (`?`, `*`, `{0,n}`) or a conditional or
    look-around. A group reached on every path always takes part (a repeat of at least one
    keeps its last repetition), so its `m.group(n)` is a str; the others' may be None."""
    import re._constants as c  # Python's own parser (3.11+: requires-python)
    import re._parser as sre

    try:
        parsed = sre.parse(pattern, flags)
    except (_pyre.error, ValueError, TypeError, RecursionError):
        return ()
    found: set[int] = set()

    def walk(items, optional: bool) -> None:
        for op, av in items:
            if op is c.SUBPATTERN:
                group, _add, _del, body = av
                if group is not None and optional:
                    found.add(group)
                walk(body, optional)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                low, _high, body = av
                walk(body, optional or low == 0)
            elif op is c.BRANCH:
                for alternative in av[1]:
                    walk(alternative, True)
            elif op is c.GROUPREF_EXISTS:
                _group, yes, no = av
                walk(yes, True)
                if no is not None:
                    walk(no, True)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(av[1], True)
            elif op is getattr(c, "ATOMIC_GROUP", None):
                walk(av, optional)

    walk(parsed, False)
    return tuple(sorted(found))


def _bad(what: str) -> Unsupported:
    return Unsupported("PTL243", f"regular expression: {what} cannot be expressed with Rust's regex crate")


def translate(pattern: str, flags: int = 0) -> Pattern:
    """Python `re` syntax -> regex crate syntax, or Unsupported (PTL243/PTL245/PTL246).

    Look-around (`(?=` `(?!` `(?<=` `(?<!`) and back-references (`\\1`, `(?P=name)`) make the
    pattern fancy-regex's (`fancy=True`): it has both, with Python's leftmost-first backtracking.
    A numbered reference becomes `(?:\\N)` so a digit after it stays a literal, as in Python."""
    if flags & 4:
        raise Unsupported("PTL246", "re.LOCALE has no translation")
    ascii_only = bool(flags & 256)
    if ascii_only and flags & 2:
        raise Unsupported("PTL246", "re.ASCII with re.IGNORECASE has no translation yet (Rust folds Unicode case)")
    try:
        names = tuple(sorted(_pyre.compile(pattern, flags).groupindex.items(), key=lambda kv: kv[1]))
        optional = optional_groups(pattern, flags)
    except _pyre.error as e:  # Python rejects it too: say so rather than emit a Rust error
        raise Unsupported("PTL243", f"the pattern {pattern!r} is invalid in Python: {e}") from None
    multiline = bool(flags & 8)
    out: list[str] = []
    groups = 0
    dollar = False
    fancy = False
    ascii_boundary = False  # `(?-u:\b)`: the regex crate's; fancy-regex rejects inline `u`
    i, n = 0, len(pattern)
    in_class = False
    class_start = 0
    while i < n:
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1] if i + 1 < n else ""
            i += 2
            if e.isdigit() and e != "0" and not in_class:
                if _pyre.match(r"[0-7]{3}", pattern[i - 1:]):  # `\123`: an octal escape in Python
                    out.append(f"\\x{{{int(pattern[i - 1:i + 2], 8):x}}}")
                    i += 2
                    continue
                ref = _pyre.match(r"\d{1,2}", pattern[i - 1:])
                assert ref
                out.append(f"(?:\\{ref.group(0)})")
                i += len(ref.group(0)) - 1
                fancy = True
                continue
            if e == "0" or (in_class and e.isdigit()):
                m = _pyre.match(r"[0-7]{1,3}", pattern[i - 1:])
                digits = m.group(0) if m else "0"
                i += len(digits) - 1
                out.append(f"\\x{{{int(digits, 8):x}}}")
            elif ascii_only and e in _ASCII_CLASSES and not (in_class and e in "bB"):
                inner, negated = _ASCII_CLASSES[e]
                if in_class and negated:
                    raise Unsupported("PTL246", f"re.ASCII: \\{e} inside a class has no translation yet")
                if e in "bB":
                    ascii_boundary = True
                    out.append(f"(?-u:\\{e})")
                else:
                    out.append(inner if in_class else f"[{'^' if negated else ''}{inner}]")
            elif e == "Z":
                out.append("\\z")
            elif e == "b" and in_class:
                out.append("\\x08")
            elif e == "s":
                # Python's \s is str.isspace(): Unicode White_Space plus the separators \x1c-\x1f
                out.append("\\s\\x1c-\\x1f" if in_class else "[\\s\\x1c-\\x1f]")
            elif e == "S" and not in_class:
                out.append("[^\\s\\x1c-\\x1f]")
            elif e == "N":
                raise _bad("a named character (\\N{...})")
            elif e in "<>":
                out.append(e)
            elif e and (e.isalnum() or e == "_"):
                out.append("\\" + e)  # \d \w \A \n \t \x.. \u....: the same in both
            elif e and ord(e) < 128:
                out.append("\\" + e)
            else:
                out.append(e)
            continue
        if in_class:
            if c == "]" and i > class_start:
                in_class = False
                out.append(c)
            elif c in "[&~":
                out.append("\\" + c)  # nesting and set operations in Rust, literals in Python
            elif c == "-" and i + 1 < n and pattern[i + 1] == "-":
                out.append("\\-")
            else:
                out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            class_start = i
            if i < n and pattern[i] == "]":  # `[]` first is a literal in Python
                out.append("\\]")
                i += 1
                class_start = i
            continue
        if c == "(":
            rest = pattern[i + 1:]
            if rest.startswith("?"):
                look = next((a for a in ("?=", "?!", "?<=", "?<!") if rest.startswith(a)), None)
                if look is not None:
                    out.append("(" + look)
                    i += 1 + len(look)
                    fancy = True
                    continue
                if rest.startswith("?P="):
                    end = pattern.index(")", i)
                    out.append(f"\\k<{pattern[i + 4:end]}>")
                    i = end + 1
                    fancy = True
                    continue
                if rest.startswith("?>"):
                    # an atomic group (Python 3.11): fancy-regex's own syntax
                    out.append("(?>")
                    i += 3
                    fancy = True
                    continue
                if rest.startswith("?("):
                    raise _bad("a conditional group")
                if rest.startswith("?#"):
                    i = pattern.index(")", i) + 1
                    continue
                if rest.startswith(("?P<", "?<")):
                    groups += 1
                m = _pyre.match(r"\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])", rest)
                if m and not rest.startswith(("?P", "?<")):
                    on, off = m.group(1), m.group(2) or ""
                    if set(on + off) & set("aL"):
                        raise Unsupported("PTL246", "an inline ASCII/LOCALE flag has no translation yet")
                    if "m" in on:
                        multiline = True
                    on = on.replace("u", "")
                    spec = on + (f"-{off}" if off else "")
                    out.append(f"(?{spec}{m.group(3)}" if spec else ("(?:" if m.group(3) == ":" else ""))
                    i += 1 + len(m.group(0))
                    continue
            else:
                groups += 1
            out.append(c)
            i += 1
            continue
        if c == "$" and not multiline:
            nxt = pattern[i + 1:i + 2]
            if nxt not in ("", ")", "|"):
                raise Unsupported("PTL245", "`$` followed by more pattern (Python's `$` also matches before a final newline)")
            out.append("\\z")
            dollar = True
            i += 1
            continue
        if c == "{":
            m = _QUANT.match(pattern, i)
            if m and (m.group(1) or m.group(3)):
                lo = m.group(1) or "0"
                out.append("{" + lo + m.group(2) + m.group(3) + "}")
                i = m.end()
            else:
                out.append("\\{")  # not a repeat: a literal in Python
                i += 1
            if i < n and pattern[i] == "+" and m and (m.group(1) or m.group(3)):
                out.append("+")  # possessive (Python 3.11): fancy-regex's `x{m,n}+`
                i += 1
                fancy = True
            continue
        if c == "}":
            out.append("\\}")
            i += 1
            continue
        if c in "*+?" and i + 1 < n and pattern[i + 1] == "+":
            out.append(c + "+")  # possessive (Python 3.11): fancy-regex's `x*+`, `x++`, `x?+`
            i += 2
            fancy = True
            continue
        out.append(c)
        i += 1
    if fancy and ascii_boundary:
        raise Unsupported("PTL246", "re.ASCII's \\b with look-around or a back-reference has no translation yet "
                          "(fancy-regex has no inline ASCII mode)")
    inline = "".join(v for k, v in _INLINE.items() if flags & k)
    rust = (f"(?{inline})" if inline else "") + "".join(out)
    return Pattern(rust=rust, groups=groups, dollar=dollar, names=names, optional=optional, fancy=fancy)


def translate_repl(repl: str) -> str:
    """A Python replacement template -> the regex crate's (`\\1`, `\\g<name>` -> `${1}`, `$` -> `$$`)."""
    out: list[str] = []
    i = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "b": "\b", "\\": "\\"}
    while i < len(repl):
        c = repl[i]
        if c == "$":
            out.append("$$")
        elif c == "\\" and i + 1 < len(repl):
            e = repl[i + 1]
            if e.isdigit():
                m = _pyre.match(r"\d{1,2}", repl[i + 1:])
                assert m
                out.append("${" + m.group(0) + "}")
                i += 1 + len(m.group(0))
                continue
            if e == "g":
                m = _pyre.match(r"g<(\w+)>", repl[i + 1:])
                if not m:
                    raise Unsupported("PTL243", f"replacement {repl!r}: a bad \\g reference")
                out.append("${" + m.group(1) + "}")
                i += 1 + len(m.group(0))
                continue
            if e in simple:
                out.append(simple[e].replace("$", "$$"))
            elif e.isalpha():
                raise Unsupported("PTL243", f"replacement {repl!r}: bad escape \\{e} (an error in Python too)")
            else:
                out.append("\\" + e)  # unknown punctuation escapes stay as written, as Python
            i += 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _names_text(names: tuple[tuple[str, int], ...]) -> str:
    return ",".join(f"{n}={i}" for n, i in names)


def names_of(text: str | None) -> tuple[tuple[str, int], ...]:
    """The named groups of a match type's text (`key=1,value=2;2`: names, then the optional groups)."""
    text = (text or "").split(";")[0]
    return tuple((n, int(i)) for n, i in (kv.split("=") for kv in text.split(","))) if text else ()


def optional_of(text: str | None) -> tuple[int, ...]:
    """The groups that may take no part, from a match type's text (after its `;`)."""
    parts = (text or "").split(";")
    return tuple(int(g) for g in parts[1].split(",") if g) if len(parts) > 1 else ()


def _match_text(names: tuple[tuple[str, int], ...], optional: tuple[int, ...]) -> str:
    text = _names_text(names)
    return f"{text};{','.join(map(str, optional))}" if optional else text


def match_type(groups: int, names: tuple[tuple[str, int], ...] = (), optional: tuple[int, ...] = ()) -> PyType:
    """A match: its group count, its named groups (`key=1,value=2`) for `m.group("key")`, and the
    groups that may take no part (`;2`: `m.group(2)` is Optional[str])."""
    return PyType(kind="re_match", name=str(groups), module=_match_text(names, optional) or None)


def group_type(t: PyType, key: int | str | None) -> PyType:
    """What `m.group(key)` gives on a match of type `t`: Optional[str] for a group of the pattern
    that may take no part, str otherwise (a group number or name not known when translating
    included: such a group that took no part raises)."""
    if isinstance(key, str):
        key = dict(names_of(t.module)).get(key)
    if key is not None and key in optional_of(t.module):
        return PyType(kind="optional", args=(PyType(kind="str"),))
    return PyType(kind="str")


def pattern_type(p: Pattern) -> PyType:
    """A compiled pattern: the translated pattern travels in the type (its value is not needed)."""
    return PyType(kind="re_pattern", name=p.rust,
                  module=f"{p.groups}:{int(p.dollar)}:{_names_text(p.names)}:{','.join(map(str, p.optional))}:{int(p.fancy)}")


# A pattern compiled at run time (`re.compile(regex)` of a str that is not a literal): its
# translation happens then (`pyrt::re_compile_dyn`, the port of `translate`), so its group count
# and names are the match's, read at run time. Rust: `pyrt::PyRegex`.
DYNAMIC_PATTERN = PyType(kind="re_pattern", name=None, module="dynamic")


def is_dynamic(t: PyType) -> bool:
    """Whether a compiled pattern's type is one compiled at run time (its translation unknown here)."""
    return t.kind == "re_pattern" and t.module == "dynamic"


def pattern_of(t: PyType) -> Pattern:
    groups, dollar, names, optional, fancy = ((t.module or "0:0") + "::::").split(":")[:5]
    return Pattern(rust=t.name or "", groups=int(groups), dollar=dollar == "1", names=names_of(names),
                   optional=tuple(int(g) for g in optional.split(",") if g), fancy=fancy == "1")


__all__ = ["DYNAMIC_PATTERN", "FLAGS", "Pattern", "group_type", "is_dynamic", "match_type", "names_of", "optional_groups", "optional_of",
           "pattern_of", "pattern_type", "translate", "translate_repl"]
