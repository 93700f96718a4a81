"""`re` on the `regex` crate: Python's pattern syntax translated, one rule record per name.

A pattern must be a string literal: it is translated here, at translation time, to the regex
crate's syntax and compiled once, at first use, into a `static` LazyLock next to the call. A
pattern with look-around, back-references, atomic groups or possessive quantifiers is compiled
by `fancy_regex::Regex` instead (the `*_fancy` helpers of the runtime; only such a crate depends
on fancy-regex); what neither expresses (conditionals, named characters) is a diagnostic (PTL243),
never a silently different pattern.

Diagnostics: PTL243 a pattern construct Rust's regex cannot express; PTL244 a pattern or
replacement that is not a literal (or a callable replacement); PTL245 `$` where Python's "end or
before a final newline" cannot be kept; PTL246 a flag with no translation (re.LOCALE, re.ASCII with re.IGNORECASE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import borrow, coerce, helper_call, read, str_view
from portalis.model import PyType
from portalis.regex_syntax import (
    DYNAMIC_PATTERN, FLAGS, Pattern, group_type, is_dynamic, match_type, names_of, optional_of, pattern_of, pattern_type, translate,
    translate_repl,
)
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

# ---------------------------------------------------------------- lowering


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


def _static(lw: "FunctionLowerer", rust_pattern: str, fancy: bool = False) -> ir.Expr:
    """`{ static RE: LazyLock<Regex> = ...; &*RE }`: compiled once, at first use (a
    `fancy_regex::Regex` for a pattern with look-around or back-references)."""
    crate = "fancy_regex" if fancy else "regex"
    lw.use_crate("fancy-regex" if fancy else "regex")
    init = ir.Closure((), ir.MethodCall(
        ir.Call(ir.Path(f"{crate}::Regex::new"), (ir.StrLit(rust_pattern),)), "expect",
        (ir.StrLit("pattern translated by Portalis"),)))
    item = ir.Const("RE", ir.TPath("std::sync::LazyLock", (ir.TPath(f"{crate}::Regex"),)),
                    ir.Call(ir.Path("std::sync::LazyLock::new"), (init,)), static=True)
    return ir.BlockExpr(ir.Block((ir.ItemStmt(item),), ir.Ref(ir.Unary("*", ir.Path("RE")))))


def _is_literal(v: Val) -> bool:
    e = v.expr
    while isinstance(e, ir.MethodCall) and e.method in ("to_string", "as_str") and not e.args:
        e = e.receiver
    return isinstance(e, ir.StrLit)


def _compile_dynamic(lw: "FunctionLowerer", pattern: Val, flags: Val | None) -> Val:
    """`re.compile(regex, flags)` of a str that is not a literal: translated and compiled at run
    time (`pyrt::re_compile_dyn`, cached as Python's `re` caches), flags constant or an int."""
    if pattern.ty.kind != "str":
        raise Unsupported("PTL244", f"re: a pattern that is a {pattern.ty}, not a str literal or str")
    if flags is not None and flags.ty.kind not in ("int", "bool"):
        raise Unsupported("PTL244", f"re: flags of type {flags.ty}")
    try:
        flag_expr: ir.Expr = ir.IntLit(_flags(flags))
    except Unsupported:
        flag_expr = read(coerce(flags, T.INT)) if flags is not None else ir.IntLit(0)
    return _helper(lw, "re_compile_dyn", (str_view(pattern), flag_expr), DYNAMIC_PATTERN)


_DYNAMIC_KINDS = {"search": 0, "match": 1, "fullmatch": 2}


def _find_dynamic(compiled: ir.Expr, kind: str, subject: Val) -> Val:
    """`p.search(s)` / `p.match(s)` / `p.fullmatch(s)` of a pattern compiled at run time: a match
    whose groups are known at run time only (`re.Match`'s type, as a parameter's)."""
    return Val(ir.MethodCall(compiled, "find", (ir.IntLit(_DYNAMIC_KINDS[kind]), _subject(subject))),
               T.optional(PyType(kind="re_match")))


def _helper(lw: "FunctionLowerer", name: str, args: tuple[ir.Expr, ...], ty: PyType, mode: Mode = Mode.OWNED,
            fancy: bool = False) -> Val:
    """A runtime helper on the compiled pattern: `NAME_fancy` on a fancy_regex::Regex."""
    if fancy:
        lw.use_crate("fancy-regex")
        return helper_call(lw, name + "_fancy", args, ty, mode)
    lw.use_crate("regex")
    return helper_call(lw, name, args, ty, mode)


def _subject(v: Val) -> ir.Expr:
    if v.ty.kind != "str":
        raise Unsupported("PTL113", f"re: the string searched is a {v.ty}, not a str")
    return str_view(v)


def _find_at(lw: "FunctionLowerer", kind: str, p: Pattern, s: Val, pos: Val, compiled: ir.Expr) -> Val:
    r"""`p.search(s, pos)`, `p.match(s, pos)`, `p.fullmatch(s, pos)` (pygments' `rexmatch(text,
    pos)`): the module's unanchored pattern searched from `pos` (`pyrt::re_find_at`), a match
    kept only where it starts at `pos`; a fullmatch's pattern ends with `\z`."""
    if pos.ty.kind not in ("int", "bool"):
        raise Unsupported("PTL113", f"Pattern.{kind}(s, pos) of a {pos.ty} pos (TypeError in Python)")
    regex = compiled if kind != "fullmatch" else _static(lw, rf"(?:{p.rust})\z", p.fancy)
    retry = p.dollar and kind != "fullmatch"
    return _helper(lw, "re_find_at", (regex, _subject(s), read(coerce(pos, T.INT)), ir.BoolLit(kind != "search"), ir.BoolLit(retry)),
                   T.optional(match_type(p.groups, p.names, p.optional)), fancy=p.fancy)


def _find(kind: str) -> Callable[["FunctionLowerer", Pattern, list[Val]], Val]:
    def lower(lw: "FunctionLowerer", p: Pattern, rest: list[Val], compiled: ir.Expr | None = None) -> Val:
        rust = {"search": p.rust, "match": rf"\A(?:{p.rust})", "fullmatch": rf"\A(?:{p.rust})\z"}[kind]
        retry = p.dollar and kind != "fullmatch"
        regex = compiled if compiled is not None and kind == "search" else _static(lw, rust, p.fancy)
        return _helper(lw, "re_find", (regex, _subject(rest[0]), ir.BoolLit(retry)),
                       T.optional(match_type(p.groups, p.names, p.optional)), fancy=p.fancy)

    return lower


def _no_dollar(p: Pattern, name: str) -> None:
    if p.dollar:
        raise Unsupported("PTL245", f"re.{name} with `$` (Python's also matches before a final newline)")


def _findall(lw: "FunctionLowerer", p: Pattern, rest: list[Val], compiled: ir.Expr | None = None) -> Val:
    _no_dollar(p, "findall")
    s = _subject(rest[0])
    regex = compiled if compiled is not None else _static(lw, p.rust, p.fancy)
    if p.groups <= 1:
        return _helper(lw, "re_findall", (regex, s), T.list_of(T.STR), fancy=p.fancy)
    rows = _helper(lw, "re_findall_groups", (regex, s), T.UNKNOWN, fancy=p.fancy).expr
    g = lw.temp("g")
    tup = ir.TupleExpr(tuple(ir.MethodCall(ir.Index(ir.Path(g), ir.IntLit(k)), "clone") for k in range(p.groups)))
    mapped = ir.MethodCall(ir.MethodCall(ir.MethodCall(rows, "into_iter"), "map", (ir.Closure((ir.PBind(g, False),), tup),)),
                          "collect", turbofish=(ir.TPath("Vec", (ir.TPath("_"),)),))
    return Val(mapped, T.list_of(T.tuple_of(*([T.STR] * p.groups))))


def _finditer(lw: "FunctionLowerer", p: Pattern, rest: list[Val], compiled: ir.Expr | None = None) -> Val:
    _no_dollar(p, "finditer")
    regex = compiled if compiled is not None else _static(lw, p.rust, p.fancy)
    lw.use_runtime("ReMatch")
    return _helper(lw, "re_finditer", (regex, _subject(rest[0])), T.list_of(match_type(p.groups, p.names, p.optional)),
                   fancy=p.fancy)


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
    regex = compiled if compiled is not None else _static(lw, p.rust, p.fancy)
    if subn:
        return _helper(lw, "re_subn", (regex, ir.StrLit(repl), _subject(rest[1]), _int_arg(cnt, 0)), T.tuple_of(T.STR, T.INT),
                       fancy=p.fancy)
    return _helper(lw, "re_sub", (regex, ir.StrLit(repl), _subject(rest[1]), _int_arg(cnt, 0)), T.STR, fancy=p.fancy)


def _split(lw: "FunctionLowerer", p: Pattern, rest: list[Val], maxsplit: Val | None = None, compiled: ir.Expr | None = None) -> Val:
    _no_dollar(p, "split")
    ms = maxsplit if maxsplit is not None else (rest[1] if len(rest) > 1 else None)
    regex = compiled if compiled is not None else _static(lw, p.rust, p.fancy)
    return _helper(lw, "re_split", (regex, _subject(rest[0]), _int_arg(ms, 0)), T.list_of(T.STR), fancy=p.fancy)


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
        flags_arg = args[1] if len(args) > 1 else kwargs.get("flags")
        if not _is_literal(args[0]):
            return _compile_dynamic(lw, args[0], flags_arg)
        p = translate(_literal(args[0], "pattern"), _flags(flags_arg))
        return Val(ir.Call(ir.Path("Clone::clone"), (_static(lw, p.rust, p.fancy),)), pattern_type(p))
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
    if not _is_literal(args[0]) and name in _DYNAMIC_KINDS and len(rest) == 1:
        # `re.match(regex, s)` of a pattern known at run time only: compiled then (cached)
        compiled = _compile_dynamic(lw, args[0], flags_val)
        return _find_dynamic(ir.Ref(compiled.expr), name, rest[0])
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
    if is_dynamic(recv.ty):
        if name not in _DYNAMIC_KINDS or len(args) != 1 or kwargs:
            raise Unsupported("PTL134", f"Pattern.{name}() of a pattern compiled at run time (only search, match and "
                              "fullmatch of one string are translated)")
        return _find_dynamic(borrow(recv), name, args[0])
    p = pattern_of(recv.ty)
    if set(kwargs) - {"count", "maxsplit"}:
        raise Unsupported("PTL134", f"keyword arguments to Pattern.{name}() are not supported")
    # the pattern object itself (a module's LazyLock static derefs to it); match/fullmatch are
    # anchored, so they compile the anchored pattern next to the call
    compiled = borrow(recv)
    if name in ("sub", "subn"):
        return _sub(lw, p, args, kwargs.get("count"), compiled, subn=name == "subn")
    if name == "split":
        return _split(lw, p, args, kwargs.get("maxsplit"), compiled)
    if len(args) == 2 and name in ("search", "match", "fullmatch"):
        return _find_at(lw, name, p, args[0], args[1], compiled)
    if len(args) != 1:
        raise Unsupported("PTL134", f"Pattern.{name}() with pos/endpos is not supported yet")
    return RE_RULES[name].lower(lw, p, args, compiled)


def lower_match_method(lw: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`m.group(n)`, `m.groups()`, `m.start()`, `m.end()`, `m.span()` on a match (pyrt::ReMatch)."""
    # a match whose pattern is not known here (a `re.Match` parameter): its group count and names
    # are the value's, read at run time
    known = recv.ty.name is not None
    groups = int(recv.ty.name or "0")
    names = dict(names_of(recv.ty.module))
    if kwargs:
        raise Unsupported("PTL134", f"keyword arguments to Match.{name}() are not supported")
    m = recv.expr if recv.mode is not Mode.OWNED else ir.Ref(recv.expr)

    def num(v: Val) -> ir.Expr:
        e = v.expr
        while isinstance(e, ir.MethodCall) and e.method in ("to_string", "as_str") and not e.args:
            e = e.receiver
        if isinstance(e, ir.StrLit) and not known:  # a group name: its number, from the match
            return ir.MethodCall(m, "index_of", (ir.StrLit(e.value),))
        if isinstance(e, ir.StrLit):  # a group name: its number, known from the pattern
            if e.value not in names:
                raise Unsupported("PTL134", f"Match.{name}({e.value!r}): no such group (IndexError in Python)")
            return ir.IntLit(names[e.value])
        if v.ty.kind != "int":
            raise Unsupported("PTL134", f"Match.{name}() of a computed group name is not supported")
        return read(v)

    def key_of(v: Val | None) -> int | str | None:
        """The group a literal argument names (0 when there is none), None when computed."""
        if v is None:
            return 0
        e = v.expr
        while isinstance(e, ir.MethodCall) and e.method in ("to_string", "as_str") and not e.args:
            e = e.receiver
        if isinstance(e, ir.IntLit):
            return int(e.value)
        if isinstance(e, ir.StrLit):
            return e.value
        return None

    def group(v: Val | None) -> Val:
        """`m.group(k)`: Optional[str] where the pattern's group k may take no part (None in
        Python), str where it always does (or is not known when translating)."""
        k = num(v) if v is not None else ir.IntLit(0)
        ty = group_type(recv.ty, key_of(v))
        if ty.kind == "optional":
            return Val(ir.MethodCall(m, "group_opt", (k,)), ty)
        return Val(ir.MethodCall(m, "group", (k,)), ty)

    if name == "groupdict" and not args and not known:
        lw.use_runtime("PyDict")
        pairs = ir.MethodCall(ir.MethodCall(m, "groupdict_pairs"), "into_iter")
        return Val(ir.MethodCall(pairs, "collect", turbofish=(ir.TPath("crate::pyrt::PyDict", (ir.STRING, ir.STRING)),)),
                   T.dict_of(T.STR, T.STR))
    if name == "groups" and not known:
        raise Unsupported("PTL134", "Match.groups() of a match whose pattern is not known when translating "
                          "(a tuple of as many strs as the pattern has groups)")
    if name == "groupdict" and not args:
        lw.use_runtime("PyDict")
        d = lw.temp("d")
        stmts: list[ir.Stmt] = [ir.Let(ir.PBind(d, True), None, ir.Call(ir.Path("crate::pyrt::PyDict::new")))]
        # a named group that may take no part makes every value Optional (None in Python)
        maybe = any(k in optional_of(recv.ty.module) for k in names.values())
        for key, number in names.items():
            value: ir.Expr = ir.MethodCall(m, "group_opt" if number in optional_of(recv.ty.module) else "group", (ir.IntLit(number),))
            if maybe and number not in optional_of(recv.ty.module):
                value = ir.Call(ir.Path("Some"), (value,))
            stmts.append(ir.ExprStmt(ir.MethodCall(ir.Path(d), "insert", (ir.MethodCall(ir.StrLit(key), "to_string"), value))))
        return Val(ir.BlockExpr(ir.Block(tuple(stmts), ir.Path(d))), T.dict_of(T.STR, T.optional(T.STR) if maybe else T.STR))

    if name == "group" and len(args) <= 1:
        return group(args[0] if args else None)
    if name == "group":
        parts = [group(a) for a in args]
        return Val(ir.TupleExpr(tuple(p.expr for p in parts)), T.tuple_of(*(p.ty for p in parts)))
    if name == "groups" and not args:
        parts = [group(Val(ir.IntLit(g), T.INT)) for g in range(1, groups + 1)]
        return Val(ir.TupleExpr(tuple(p.expr for p in parts)), T.tuple_of(*(p.ty for p in parts)))
    if name in ("start", "end") and len(args) <= 1:
        return Val(ir.MethodCall(m, name, (num(args[0]) if args else ir.IntLit(0),)), T.INT)
    if name == "span" and len(args) <= 1:
        k = num(args[0]) if args else ir.IntLit(0)
        return Val(ir.TupleExpr((ir.MethodCall(m, "start", (k,)), ir.MethodCall(m, "end", (k,)))), T.tuple_of(T.INT, T.INT))
    raise Unsupported("PTL134", f"method `Match.{name}()` is not supported yet")


def match_field(recv: Val, name: str) -> Val:
    """`m.string`: the subject searched."""
    if name == "string":
        return Val(ir.Field(recv.expr, "text"), T.STR, Mode.PLACE)
    raise Unsupported("PTL134", f"Match.{name} is not supported yet")


__all__ = ["FLAGS", "Pattern", "RE_RULES", "translate", "translate_repl", "lower_re", "lower_pattern_method",
           "lower_match_method", "match_field", "match_type", "pattern_type"]
