"""`re` on the `regex` crate: Python's pattern syntax translated, one rule record per name.

A pattern must be a string literal: it is translated here, at translation time, to the regex
crate's syntax and compiled once, at first use, into a `static` LazyLock next to the call. What
Rust's regex cannot express (back-references, look-around, atomic groups, possessive
quantifiers, conditionals) is a diagnostic (PTL243), never a silently different pattern.

Diagnostics: PTL243 a pattern construct Rust's regex cannot express; PTL244 a pattern or
replacement that is not a literal (or a callable replacement); PTL245 `$` where Python's "end or
before a final newline" cannot be kept; PTL246 a flag with no translation (re.LOCALE, re.ASCII with re.IGNORECASE).
"""

from __future__ import annotations

import re as _pyre
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce, helper_call, read, str_view
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

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


def _bad(what: str) -> Unsupported:
    return Unsupported("PTL243", f"regular expression: {what} cannot be expressed with Rust's regex crate")


def translate(pattern: str, flags: int = 0) -> Pattern:
    """Python `re` syntax -> regex crate syntax, or Unsupported (PTL243/PTL245/PTL246)."""
    if flags & 4:
        raise Unsupported("PTL246", "re.LOCALE has no translation")
    ascii_only = bool(flags & 256)
    if ascii_only and flags & 2:
        raise Unsupported("PTL246", "re.ASCII with re.IGNORECASE has no translation yet (Rust folds Unicode case)")
    try:
        names = tuple(sorted(_pyre.compile(pattern, flags).groupindex.items(), key=lambda kv: kv[1]))
    except _pyre.error as e:  # Python rejects it too: say so rather than emit a Rust error
        raise Unsupported("PTL243", f"the pattern {pattern!r} is invalid in Python: {e}") from None
    multiline = bool(flags & 8)
    out: list[str] = []
    groups = 0
    dollar = False
    i, n = 0, len(pattern)
    in_class = False
    class_start = 0
    while i < n:
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1] if i + 1 < n else ""
            i += 2
            if e.isdigit() and e != "0" and not in_class:
                raise _bad("a back-reference (\\" + e + ")")
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
                if rest.startswith(("?=", "?!", "?<=", "?<!")):
                    raise _bad("look-around")
                if rest.startswith("?P="):
                    raise _bad("a named back-reference")
                if rest.startswith("?>"):
                    raise _bad("an atomic group")
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
                raise _bad("a possessive quantifier")
            continue
        if c == "}":
            out.append("\\}")
            i += 1
            continue
        if c in "*+?" and i + 1 < n and pattern[i + 1] == "+":
            raise _bad("a possessive quantifier")
        out.append(c)
        i += 1
    inline = "".join(v for k, v in _INLINE.items() if flags & k)
    rust = (f"(?{inline})" if inline else "") + "".join(out)
    return Pattern(rust=rust, groups=groups, dollar=dollar, names=names)


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


# ---------------------------------------------------------------- lowering


def _names_text(names: tuple[tuple[str, int], ...]) -> str:
    return ",".join(f"{n}={i}" for n, i in names)


def _names_of(text: str | None) -> tuple[tuple[str, int], ...]:
    return tuple((n, int(i)) for n, i in (kv.split("=") for kv in text.split(","))) if text else ()


def match_type(groups: int, names: tuple[tuple[str, int], ...] = ()) -> PyType:
    """A match: its group count, and its named groups (`key=1,value=2`) for `m.group("key")`."""
    return PyType(kind="re_match", name=str(groups), module=_names_text(names) or None)


def pattern_type(p: Pattern) -> PyType:
    """A compiled pattern: the translated pattern travels in the type (its value is not needed)."""
    return PyType(kind="re_pattern", name=p.rust, module=f"{p.groups}:{int(p.dollar)}:{_names_text(p.names)}")


def _pattern_of(t: PyType) -> Pattern:
    groups, dollar, names = ((t.module or "0:0") + ":").split(":")[:3]
    return Pattern(rust=t.name or "", groups=int(groups), dollar=dollar == "1", names=_names_of(names))


def _literal(v: Val, what: str) -> str:
    e = v.expr
    while isinstance(e, ir.MethodCall) and e.method in ("to_string", "as_str") and not e.args:
        e = e.receiver
    if isinstance(e, ir.StrLit):
        return e.value
    raise Unsupported("PTL244", f"re: the {what} must be a string literal (it is translated at translation time)")


def _flags(v: Val | None) -> int:
    if v is None:
        return 0

    def ev(e: ir.Expr) -> int:
        if isinstance(e, ir.IntLit):
            return int(e.value)
        if isinstance(e, ir.Binary) and e.op in ("|", "+"):
            return ev(e.left) | ev(e.right)
        raise Unsupported("PTL244", "re: flags must be constants (re.I | re.M ...)")

    return ev(v.expr)


def _static(lw: "FunctionLowerer", rust_pattern: str) -> ir.Expr:
    """`{ static RE: LazyLock<Regex> = ...; &*RE }`: compiled once, at first use."""
    lw.use_crate("regex")
    init = ir.Closure((), ir.MethodCall(
        ir.Call(ir.Path("regex::Regex::new"), (ir.StrLit(rust_pattern),)), "expect",
        (ir.StrLit("pattern translated by Portalis"),)))
    item = ir.Const("RE", ir.TPath("std::sync::LazyLock", (ir.TPath("regex::Regex"),)),
                    ir.Call(ir.Path("std::sync::LazyLock::new"), (init,)), static=True)
    return ir.BlockExpr(ir.Block((ir.ItemStmt(item),), ir.Ref(ir.Unary("*", ir.Path("RE")))))


def _helper(lw: "FunctionLowerer", name: str, args: tuple[ir.Expr, ...], ty: PyType, mode: Mode = Mode.OWNED) -> Val:
    lw.use_crate("regex")
    return helper_call(lw, name, args, ty, mode)


def _subject(v: Val) -> ir.Expr:
    if v.ty.kind != "str":
        raise Unsupported("PTL113", f"re: the string searched is a {v.ty}, not a str")
    return str_view(v)


def _find(kind: str) -> Callable[["FunctionLowerer", Pattern, list[Val]], Val]:
    def lower(lw: "FunctionLowerer", p: Pattern, rest: list[Val], compiled: ir.Expr | None = None) -> Val:
        rust = {"search": p.rust, "match": rf"\A(?:{p.rust})", "fullmatch": rf"\A(?:{p.rust})\z"}[kind]
        retry = p.dollar and kind != "fullmatch"
        regex = compiled if compiled is not None and kind == "search" else _static(lw, rust)
        return _helper(lw, "re_find", (regex, _subject(rest[0]), ir.BoolLit(retry)),
                       T.optional(match_type(p.groups, p.names)))

    return lower


def _no_dollar(p: Pattern, name: str) -> None:
    if p.dollar:
        raise Unsupported("PTL245", f"re.{name} with `$` (Python's also matches before a final newline)")


def _findall(lw: "FunctionLowerer", p: Pattern, rest: list[Val], compiled: ir.Expr | None = None) -> Val:
    _no_dollar(p, "findall")
    s = _subject(rest[0])
    regex = compiled if compiled is not None else _static(lw, p.rust)
    if p.groups <= 1:
        return _helper(lw, "re_findall", (regex, s), T.list_of(T.STR))
    rows = _helper(lw, "re_findall_groups", (regex, s), T.UNKNOWN).expr
    g = lw.temp("g")
    tup = ir.TupleExpr(tuple(ir.MethodCall(ir.Index(ir.Path(g), ir.IntLit(k)), "clone") for k in range(p.groups)))
    mapped = ir.MethodCall(ir.MethodCall(ir.MethodCall(rows, "into_iter"), "map", (ir.Closure((ir.PBind(g, False),), tup),)),
                          "collect", turbofish=(ir.TPath("Vec", (ir.TPath("_"),)),))
    return Val(mapped, T.list_of(T.tuple_of(*([T.STR] * p.groups))))


def _finditer(lw: "FunctionLowerer", p: Pattern, rest: list[Val], compiled: ir.Expr | None = None) -> Val:
    _no_dollar(p, "finditer")
    regex = compiled if compiled is not None else _static(lw, p.rust)
    lw.use_runtime("ReMatch")
    return _helper(lw, "re_finditer", (regex, _subject(rest[0])), T.list_of(match_type(p.groups, p.names)))


def _int_arg(v: Val | None, default: int) -> ir.Expr:
    return read(coerce(v, T.INT)) if v is not None else ir.IntLit(default)


def _sub(lw: "FunctionLowerer", p: Pattern, rest: list[Val], count: Val | None = None, compiled: ir.Expr | None = None,
         subn: bool = False) -> Val:
    _no_dollar(p, "sub")
    if len(rest) < 2:
        raise Unsupported("PTL133", "re.sub() needs a replacement and a string")
    if rest[0].ty.kind != "str":
        raise Unsupported("PTL244", "re.sub() with a function as the replacement is not supported yet")
    repl = translate_repl(_literal(rest[0], "replacement"))
    cnt = count if count is not None else (rest[2] if len(rest) > 2 else None)
    regex = compiled if compiled is not None else _static(lw, p.rust)
    if subn:
        return _helper(lw, "re_subn", (regex, ir.StrLit(repl), _subject(rest[1]), _int_arg(cnt, 0)), T.tuple_of(T.STR, T.INT))
    return _helper(lw, "re_sub", (regex, ir.StrLit(repl), _subject(rest[1]), _int_arg(cnt, 0)), T.STR)


def _split(lw: "FunctionLowerer", p: Pattern, rest: list[Val], maxsplit: Val | None = None, compiled: ir.Expr | None = None) -> Val:
    _no_dollar(p, "split")
    ms = maxsplit if maxsplit is not None else (rest[1] if len(rest) > 1 else None)
    regex = compiled if compiled is not None else _static(lw, p.rust)
    return _helper(lw, "re_split", (regex, _subject(rest[0]), _int_arg(ms, 0)), T.list_of(T.STR))


@dataclass(frozen=True)
class ReRule:
    """One supported name of `re`: how many arguments after the pattern, its keywords, what it returns."""

    name: str
    args: tuple[int, ...]  # positional arguments after the pattern (the string, ...)
    keywords: tuple[str, ...]
    result: str  # for the README table and the analysis
    rust: str  # what it becomes
    lower: Callable


RE_RULES: dict[str, ReRule] = {r.name: r for r in (
    ReRule("search", (1,), ("flags",), "re.Match | None", "pyrt::re_find (regex::Regex::captures)", _find("search")),
    ReRule("match", (1,), ("flags",), "re.Match | None", r"pyrt::re_find on `\A(?:p)`", _find("match")),
    ReRule("fullmatch", (1,), ("flags",), "re.Match | None", r"pyrt::re_find on `\A(?:p)\z`", _find("fullmatch")),
    ReRule("findall", (1,), ("flags",), "list[str] | list[tuple[str, ...]]", "pyrt::re_findall(_groups)", _findall),
    ReRule("finditer", (1,), ("flags",), "list[re.Match]", "pyrt::re_finditer (captures_iter, a Vec of ReMatch)", _finditer),
    ReRule("sub", (2, 3), ("count", "flags"), "str", "pyrt::re_sub (Regex::replacen)", _sub),
    ReRule("subn", (2, 3), ("count", "flags"), "tuple[str, int]", "pyrt::re_subn (replacen, and the count)", _sub),
    ReRule("split", (1, 2), ("maxsplit", "flags"), "list[str]", "pyrt::re_split (captures_iter)", _split),
)}
# Methods of a compiled pattern (`p = re.compile(...)`): the same rules without the pattern argument.
PATTERN_METHODS = ("search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split")


def lower_re(lw: "FunctionLowerer", name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`re.NAME(...)` or `re.FLAG`."""
    if call is None:
        if name in FLAGS:
            return Val(ir.IntLit(FLAGS[name]), T.INT)
        raise Unsupported("PTL135", f"`re.{name}` as a value is not supported")
    args, kwargs = call
    if name == "escape":
        # Python 3.7+ escapes only the characters special in a pattern (a str, not a pattern)
        if len(args) != 1 or kwargs or args[0].ty.kind != "str":
            raise Unsupported("PTL133", "re.escape(s) of one str")
        lw.use_runtime("re_escape")
        return Val(ir.Call(ir.Path("crate::pyrt::re_escape"), (str_view(args[0]),)), T.STR)
    if name == "compile":
        if not 1 <= len(args) <= 2 or set(kwargs) - {"flags"}:
            raise Unsupported("PTL133", "re.compile(pattern[, flags])")
        p = translate(_literal(args[0], "pattern"), _flags(args[1] if len(args) > 1 else kwargs.get("flags")))
        lw.use_crate("regex")
        return Val(ir.Call(ir.Path("Clone::clone"), (_static(lw, p.rust),)), pattern_type(p))
    rule = RE_RULES.get(name)
    if rule is None:
        raise Unsupported("PTL133", f"`re.{name}()` is not supported yet")
    if not args:
        raise Unsupported("PTL133", f"re.{name}() needs a pattern")
    if set(kwargs) - set(rule.keywords):
        raise Unsupported("PTL133", f"re.{name}(): keyword `{sorted(set(kwargs) - set(rule.keywords))[0]}` is not supported")
    rest = args[1:]
    max_pos = max(rule.args) + 1  # a last positional may be the flags
    if len(rest) not in rule.args and len(rest) != max_pos:
        raise Unsupported("PTL133", f"re.{name}() with {len(args)} argument(s)")
    flags_val = kwargs.get("flags")
    if len(rest) == max_pos:
        flags_val, rest = rest[-1], rest[:-1]
    p = translate(_literal(args[0], "pattern"), _flags(flags_val))
    extra = {k: v for k, v in kwargs.items() if k != "flags"}
    if name in ("sub", "subn"):
        return _sub(lw, p, rest, extra.get("count"), subn=name == "subn")
    if name == "split":
        return _split(lw, p, rest, extra.get("maxsplit"))
    return rule.lower(lw, p, rest)


def lower_pattern_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`p.search(s)` on a compiled pattern (its translation is in its type)."""
    if name not in PATTERN_METHODS:
        raise Unsupported("PTL134", f"method `Pattern.{name}()` is not supported yet")
    p = _pattern_of(recv.ty)
    if set(kwargs) - {"count", "maxsplit"}:
        raise Unsupported("PTL134", f"keyword arguments to Pattern.{name}() are not supported")
    # the pattern object itself (a module's LazyLock static derefs to it); match/fullmatch are
    # anchored, so they compile the anchored pattern next to the call
    compiled = borrow(recv)
    if name in ("sub", "subn"):
        return _sub(lw, p, args, kwargs.get("count"), compiled, subn=name == "subn")
    if name == "split":
        return _split(lw, p, args, kwargs.get("maxsplit"), compiled)
    if len(args) != 1:
        raise Unsupported("PTL134", f"Pattern.{name}() with pos/endpos is not supported yet")
    return RE_RULES[name].lower(lw, p, args, compiled)


def lower_match_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`m.group(n)`, `m.groups()`, `m.start()`, `m.end()`, `m.span()` on a match (pyrt::ReMatch)."""
    groups = int(recv.ty.name or "0")
    names = dict(_names_of(recv.ty.module))
    if kwargs:
        raise Unsupported("PTL134", f"keyword arguments to Match.{name}() are not supported")
    m = recv.expr if recv.mode is not Mode.OWNED else ir.Ref(recv.expr)

    def num(v: Val) -> ir.Expr:
        e = v.expr
        while isinstance(e, ir.MethodCall) and e.method in ("to_string", "as_str") and not e.args:
            e = e.receiver
        if isinstance(e, ir.StrLit):  # a group name: its number, known from the pattern
            if e.value not in names:
                raise Unsupported("PTL134", f"Match.{name}({e.value!r}): no such group (IndexError in Python)")
            return ir.IntLit(names[e.value])
        if v.ty.kind != "int":
            raise Unsupported("PTL134", f"Match.{name}() of a computed group name is not supported")
        return read(v)

    if name == "groupdict" and not args:
        lw.use_runtime("PyDict")
        d = lw.temp("d")
        stmts: list[ir.Stmt] = [ir.Let(ir.PBind(d, True), None, ir.Call(ir.Path("crate::pyrt::PyDict::new")))]
        for key, k in names.items():
            stmts.append(ir.ExprStmt(ir.MethodCall(ir.Path(d), "insert", (ir.MethodCall(ir.StrLit(key), "to_string"),
                                                                          ir.MethodCall(m, "group", (ir.IntLit(k),))))))
        return Val(ir.BlockExpr(ir.Block(tuple(stmts), ir.Path(d))), T.dict_of(T.STR, T.STR))

    if name == "group" and len(args) <= 1:
        return Val(ir.MethodCall(m, "group", (num(args[0]) if args else ir.IntLit(0),)), T.STR)
    if name == "group":
        return Val(ir.TupleExpr(tuple(ir.MethodCall(m, "group", (num(a),)) for a in args)), T.tuple_of(*([T.STR] * len(args))))
    if name == "groups" and not args:
        return Val(ir.TupleExpr(tuple(ir.MethodCall(m, "group", (ir.IntLit(k),)) for k in range(1, groups + 1))),
                   T.tuple_of(*([T.STR] * groups)))
    if name in ("start", "end") and len(args) <= 1:
        return Val(ir.MethodCall(m, name, (num(args[0]) if args else ir.IntLit(0),)), T.INT)
    if name == "span" and len(args) <= 1:
        k = num(args[0]) if args else ir.IntLit(0)
        return Val(ir.TupleExpr((ir.MethodCall(m, "start", (k,)), ir.MethodCall(m, "end", (k,)))), T.tuple_of(T.INT, T.INT))
    raise Unsupported("PTL134", f"method `Match.{name}()` is not supported yet")


__all__ = ["FLAGS", "Pattern", "RE_RULES", "translate", "translate_repl", "lower_re", "lower_pattern_method",
           "lower_match_method", "match_type", "pattern_type"]
