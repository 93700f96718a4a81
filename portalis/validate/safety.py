"""Safety gate: Rust a translation may contain, whoever wrote it (the rules or an LLM).

The gate reads Rust as Rust: the code is cut into tokens by a real lexer (`rust_tokens`), so a
raw string, a C string or a comment cannot hide code from it nor show it code that is not there.
On the tokens it resolves every path after the module's and the item's `use` declarations
(aliases, groups, globs, `self`/`super`/`crate` prefixes, a leading `::`) with raw identifiers
(`r#process`) stripped, and judges the path by an allow-list: the table in `gate_table.toml`
(data, one place), which names the std items, the crates and the macros, attributes and derives
a translation may use. Everything the table does not allow is rejected, and some things always:
`unsafe`, `extern`, module declarations (`mod`, hence `#[path]`), macro definitions
(`macro_rules!`, `macro`), `include*!`, `env!`/`option_env!`, inline assembly, `#![...]` inside
items, `#[no_mangle]`/`#[export_name]`/`#[link_section]`/`#[link]`/`#[used]` (also inside
`#[cfg_attr]`), raw pointers, `std::os`, `std::ptr`, `std::mem::transmute`, `std::arch`.

Files, processes, the network and environment variables (`std::fs`, `std::path`, `std::io`,
`std::process`, `std::net`, `std::env`, and file-system methods such as `.read_dir()`) are
*capabilities*: allowed only in the translation of a Python function whose own body does the
same (it calls `open`, `subprocess.run`, reads `os.environ`...; `python_grants`), never because a
name appears somewhere else in its module.

`gate_translations` replaces each rejected function by its stub (like the compile quarantine)
with a PTL401 diagnostic naming what was found; `check_crate_dir` looks at the manifest and build
script. A `use` at module level (outside a function body) may only import what the table allows
outright, so that nothing one function was granted leaks to another through an import.
"""

from __future__ import annotations

import ast
import re
import textwrap
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from portalis.model import ClassInfo, Diagnostic, FunctionInfo, FunctionStatus, ModuleTranslation, ParsedModule, RustItem, Severity
from portalis.validate.rust_tokens import PATH_KEYWORDS, LexError, Token, blank_non_code, tokenize

CAPABILITIES = ("filesystem", "process", "network", "environment")
_DOES = {
    "filesystem": "use the file system",
    "process": "spawn or end processes",
    "network": "use the network",
    "environment": "read or change the environment",
}
_MAX_ALIAS_DEPTH = 8


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class GateTable:
    """`gate_table.toml`, parsed: verdicts are "allow", "deny" or a capability name."""

    paths: dict[tuple[str, ...], tuple[str, str]]  # path -> (verdict, reason)
    roots: frozenset[str]  # first segments that name a crate
    macros: frozenset[str]
    macro_deny: dict[str, str]
    attributes: frozenset[str]
    attribute_deny: dict[str, str]
    derives: frozenset[str]
    keywords: dict[str, str]
    methods: dict[str, str]  # method name -> capability
    crate_methods: dict[str, frozenset[str]]  # crate -> methods denied in a module naming it
    grants: dict[str, tuple[str, ...]]  # capability -> Python dotted names granting it


@lru_cache(maxsize=1)
def table() -> GateTable:
    """The gate's table, read once."""
    raw = tomllib.loads(resources.files(__package__).joinpath("gate_table.toml").read_text(encoding="utf-8"))
    paths: dict[tuple[str, ...], tuple[str, str]] = {}
    for key, value in raw["paths"].items():
        verdict, _, reason = value.partition(":")
        paths[tuple(key.split("::"))] = (verdict.strip(), reason.strip())
    for verdict, _ in paths.values():
        if verdict not in ("allow", "deny", *CAPABILITIES):
            raise ValueError(f"gate_table.toml: unknown verdict {verdict!r}")
    return GateTable(
        paths=paths,
        roots=frozenset({p[0] for p in paths} | {"core", "alloc"}),
        macros=frozenset(raw["macros"]["allow"]),
        macro_deny=dict(raw["macros"]["deny"]),
        attributes=frozenset(raw["attributes"]["allow"]),
        attribute_deny=dict(raw["attributes"]["deny"]),
        derives=frozenset(raw["attributes"]["derives"]),
        keywords=dict(raw["keywords"]),
        methods=dict(raw["methods"]),
        crate_methods={k: frozenset(v["deny"]) for k, v in raw.get("crate_methods", {}).items()},
        grants={cap: tuple(names) for cap, names in raw["grants"].items()},
    )


def _canonical(path: tuple[str, ...]) -> tuple[str, ...]:
    # std re-exports core and alloc under the same paths
    return ("std", *path[1:]) if path and path[0] in ("core", "alloc") else path


def path_verdict(path: tuple[str, ...]) -> tuple[str, str, tuple[str, ...]]:
    """(verdict, reason, entry) for a path that starts at a crate: the longest table entry
    that is a prefix of it. `std::println` and the like (an allowed macro) are allowed."""
    t = table()
    path = _canonical(path)
    if len(path) == 2 and path[0] == "std" and path[1] in t.macros:
        return "allow", "", path
    for n in range(len(path), 0, -1):
        hit = t.paths.get(path[:n])
        if hit is not None:
            return hit[0], hit[1], path[:n]
    return "deny", "not a crate this project allows", path[:1]


def _below(path: tuple[str, ...]) -> list[str]:
    """Verdicts of the table entries strictly below `path`."""
    path = _canonical(path)
    return [v for p, (v, _) in table().paths.items() if len(p) > len(path) and p[: len(path)] == path]


def _permitted(verdict: str, grants: Collection[str]) -> bool:
    return verdict == "allow" or verdict in grants


# ---------------------------------------------------------------- findings


class Violation(BaseModel):
    item: str | None  # the item's Python name; None for the crate itself
    kind: str  # what was found: "unsafe", "filesystem", "#[path]", "macro_rules!", "build script"
    excerpt: str = ""  # the source line it is on
    detail: str = ""  # why it is rejected
    line: int | None = None  # line within the item's code


@dataclass
class _Binding:
    target: tuple[str, ...]
    rooted: bool


@dataclass
class _Use:
    name: str | None  # the name it binds (None: a glob, or `as _`)
    path: tuple[str, ...]
    rooted: bool
    glob: bool
    token: Token
    depth: int  # brace depth of the `use`: 0 is module scope


@dataclass
class _Scan:
    """One item's tokens and the `use` declarations in it."""

    tokens: list[Token]
    uses: list[_Use] = field(default_factory=list)
    use_spans: list[tuple[int, int]] = field(default_factory=list)  # token index ranges
    error: Violation | None = None


class _Malformed(ValueError):
    def __init__(self, token: Token, what: str) -> None:
        super().__init__(what)
        self.token = token


def _is_seg(t: Token) -> bool:
    """Can this token be a path segment?"""
    return t.kind == "ident" and (not t.keyword or t.text in PATH_KEYWORDS)


def _scan(code: str) -> _Scan:
    try:
        tokens = tokenize(code)
    except LexError as e:
        return _Scan([], error=Violation(item=None, kind="unreadable Rust", line=e.line,
                                         detail=f"the gate cannot read it ({e.message}), so it is not accepted"))
    scan = _Scan(tokens)
    depth = 0
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "punct" and t.text == "{":
            depth += 1
        elif t.kind == "punct" and t.text == "}":
            depth -= 1
        elif t.kind == "ident" and t.text == "use" and not t.raw:
            try:
                end = _parse_use(tokens, i + 1, depth, scan.uses)
            except (_Malformed, IndexError) as e:
                tok = e.token if isinstance(e, _Malformed) else t
                scan.error = Violation(item=None, kind="unreadable use", line=tok.line,
                                       detail=f"a `use` declaration the gate cannot read ({e}), so it is not accepted")
                return scan
            scan.use_spans.append((i, end))
            i = end
            continue
        i += 1
    return scan


def _parse_use(tokens: list[Token], i: int, depth: int, out: list[_Use]) -> int:
    """Parse the use tree from `i` up to its `;`; append its leaves; the index after `;`."""
    start = tokens[i - 1]

    def tree(j: int, prefix: tuple[str, ...], rooted: bool) -> int:
        if not prefix and tokens[j].is_punct("::"):
            rooted, j = True, j + 1
        segs = list(prefix)
        while True:
            t = tokens[j]
            if t.is_punct("{"):
                j += 1
                while not tokens[j].is_punct("}"):
                    j = tree(j, tuple(segs), rooted)
                    if tokens[j].is_punct(","):
                        j += 1
                    elif not tokens[j].is_punct("}"):
                        raise _Malformed(tokens[j], f"unexpected `{tokens[j].text}` in a use group")
                return j + 1
            if t.is_punct("*"):
                out.append(_Use(None, tuple(segs), rooted, True, start, depth))
                return j + 1
            if not _is_seg(t):
                raise _Malformed(t, f"unexpected `{t.text}`")
            segs.append(t.text)
            j += 1
            if tokens[j].is_punct("::"):
                j += 1
                continue
            name: str | None = segs[-1]
            if segs[-1] == "self" and len(segs) > 1:  # `use a::b::{self}` binds b
                segs.pop()
                name = segs[-1]
            if tokens[j].kind == "ident" and tokens[j].text == "as" and not tokens[j].raw:
                alias = tokens[j + 1]
                if alias.kind != "ident":
                    raise _Malformed(alias, "`as` without a name")
                name = None if alias.text == "_" and not alias.raw else alias.text
                j += 2
            out.append(_Use(name, tuple(segs), rooted, False, start, depth))
            return j

    j = tree(i, (), False)
    if not tokens[j].is_punct(";"):
        raise _Malformed(tokens[j], "a use declaration not ended by `;`")
    return j + 1


def _env(uses: Iterable[_Use]) -> dict[str, list[_Binding]]:
    env: dict[str, list[_Binding]] = {}
    for u in uses:
        if u.name is not None and not u.glob:
            env.setdefault(u.name, []).append(_Binding(u.path, u.rooted))
    return env


_TOO_MANY = ("std", "<too many meanings>")  # denied: the gate does not try every alias chain


def _resolve(path: tuple[str, ...], rooted: bool, env: Mapping[str, list[_Binding]], depth: int = 0,
             budget: list[int] | None = None) -> list[tuple[tuple[str, ...], bool]]:
    """Every (path, starts-at-a-crate) the written path may mean. An alias is expanded (each of
    its bindings, all scopes at once: a superset of what rustc picks); a crate name also counts
    as itself, so shadowing a crate with an alias cannot hide a path. Alias chains with more
    than 64 meanings resolve to a denied path."""
    budget = [64] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        return [(_TOO_MANY, True)]
    if rooted or not path:
        return [(path, True)]
    first = path[0]
    if first in PATH_KEYWORDS:
        return [(path, False)]
    out: list[tuple[tuple[str, ...], bool]] = []
    bindings = env.get(first, [])
    if bindings and depth < _MAX_ALIAS_DEPTH:
        for b in bindings:
            if b.target and b.target[-1] == first and len(b.target) == 1 and not b.rooted:
                continue  # `use std;`
            out.extend(_resolve(b.target + path[1:], b.rooted, env, depth + 1, budget))
    if first in table().roots or not out:
        out.append((path, first in table().roots))
    return out


class _Checker:
    """The rules, over one item's tokens, with the environment of its module."""

    def __init__(self, scan: _Scan, env: Mapping[str, list[_Binding]], grants: Collection[str], code: str, module_names: frozenset[str]) -> None:
        self.scan = scan
        self.tokens = scan.tokens
        self.env = env
        self.grants = frozenset(grants)
        self.lines = code.splitlines()
        self.module_names = module_names  # crates the module's paths name (for crate_methods)
        self.found: list[tuple[int, Violation]] = []  # (token position, violation)
        self.use_ends = dict(scan.use_spans)  # index of a `use` -> index after its `;`

    def add(self, tok: Token, kind: str, detail: str) -> None:
        excerpt = self.lines[tok.line - 1].strip()[:160] if 0 < tok.line <= len(self.lines) else ""
        self.found.append((tok.pos, Violation(item=None, kind=kind, excerpt=excerpt, detail=detail, line=tok.line)))

    def run(self) -> list[Violation]:
        self.check_uses()
        self.check_tokens()
        self.found.sort(key=lambda f: f[0])
        return [v for _, v in self.found]

    # ------------------------------------------------------------ paths

    def judge(self, tok: Token, written: tuple[str, ...], rooted: bool, *, partial_ok: bool = False, whole: bool = False,
              glob: bool = False) -> None:
        """Reject the path if any of its meanings is not allowed. `partial_ok`: a module some
        of whose items are allowed may be named (a `use` inside a function); `whole`: every
        item below it must be allowed (globs, module-level imports)."""
        grants = self.grants
        for path, at_crate in _resolve(written, rooted, self.env):
            if not at_crate:
                continue
            verdict, reason, entry = path_verdict(path)
            ok = _permitted(verdict, grants)
            if ok and whole:
                ok = all(_permitted(v, grants) for v in _below(path))
            elif not ok and partial_ok:
                ok = any(_permitted(v, grants) for v in _below(path))
            if ok:
                continue
            shown = "::".join(_canonical(path))
            via = "" if path == written else f" (written `{'::' if rooted else ''}{'::'.join(written)}`)"
            if glob:
                self.add(tok, f"use {shown}::*", f"`use {shown}::*`{via}: a glob import may only name a module whose "
                                                 "every item the table allows outright")
                return
            if verdict in CAPABILITIES and not _permitted(verdict, grants):
                self.add(tok, verdict, f"`{shown}`{via}: {verdict} access, and the Python function does not {_DOES[verdict]}")
            elif verdict in CAPABILITIES or verdict == "allow":
                self.add(tok, "::".join(_canonical(path)[:2]), f"`{shown}`{via}: only some of its items are allowed; import those")
            elif len(path) == 2 and _canonical(path)[0] == "std" and path[1] in table().macro_deny:
                self.add(tok, f"{path[1]}!", f"`{shown}`{via}: `{path[1]}!` {table().macro_deny[path[1]]}")
            else:
                if path[0] not in table().roots:
                    kind = path[0]
                else:
                    kind = "::".join(entry) if len(entry) > 1 else "::".join(_canonical(path)[:2])
                self.add(tok, kind, f"`{shown}`{via}: {reason or 'not in the allow-list'}")
            return

    def check_uses(self) -> None:
        for u in self.scan.uses:
            module_scope = u.depth == 0
            saved = self.grants
            if module_scope:
                # module-level imports are visible to every item of the module (and its
                # submodules): only what the table allows outright
                self.grants = frozenset()
            try:
                if u.glob:
                    if not u.path:
                        self.add(u.token, "glob import", "`use *` imports everything in scope")
                        continue
                    self.judge(u.token, u.path, u.rooted, whole=True, glob=True)
                elif u.path:
                    self.judge(u.token, u.path, u.rooted, partial_ok=not module_scope, whole=module_scope)
            finally:
                self.grants = saved

    def in_use(self, i: int) -> int | None:
        return self.use_ends.get(i)

    # ------------------------------------------------------------ the token walk

    def check_tokens(self) -> None:
        t = table()
        toks = self.tokens
        n = len(toks)
        i = 0
        while i < n:
            end = self.in_use(i)
            if end is not None:
                i = end
                continue
            tok = toks[i]
            prev = toks[i - 1] if i else None
            if tok.keyword and tok.text in t.keywords:
                self.add(tok, tok.text, t.keywords[tok.text])
            if tok.kind == "punct":
                if tok.text == "#":
                    self.attribute(i)
                elif tok.text == "*" and i + 1 < n and toks[i + 1].keyword and toks[i + 1].text in ("const", "mut"):
                    self.add(tok, "raw pointer", f"`*{toks[i + 1].text}` raw pointer type")
                elif tok.text == "::" and (prev is None or not _is_seg(prev)) and i + 1 < n and _is_seg(toks[i + 1]):
                    # `::std::fs` (or `<T>::assoc`, which names no crate)
                    j, segs = self.collect(i + 1)
                    if segs[0] in t.roots or not (prev is not None and prev.is_punct(">")):
                        self.path_use(toks[i + 1], tuple(segs), True, j)
                    i = j
                    continue
                elif tok.text == "&" and i + 2 < n and toks[i + 1].kind == "ident" and toks[i + 1].text == "raw" and not toks[i + 1].raw \
                        and toks[i + 2].keyword and toks[i + 2].text in ("const", "mut"):
                    self.add(tok, "raw pointer", f"`&raw {toks[i + 2].text}` makes a raw pointer")
            elif _is_seg(tok) and not (prev is not None and prev.is_punct("::")):
                if prev is not None and prev.is_punct("."):
                    self.method(i)
                    i += 1
                    continue
                j, segs = self.collect(i)
                self.path_use(tok, tuple(segs), False, j)
                i = j
                continue
            i += 1

    def collect(self, i: int) -> tuple[int, list[str]]:
        """The path segments from `i`: (index after the path, segments)."""
        toks = self.tokens
        segs = [toks[i].text]
        j = i + 1
        while j + 1 < len(toks) and toks[j].is_punct("::") and _is_seg(toks[j + 1]):
            segs.append(toks[j + 1].text)
            j += 2
        return j, segs

    def path_use(self, tok: Token, segs: tuple[str, ...], rooted: bool, after: int) -> None:
        toks = self.tokens
        if after < len(toks) and toks[after].is_punct("!"):
            self.macro(tok, segs, rooted)
            return
        if len(segs) == 1 and not rooted and segs[0] not in self.env:
            return  # a local name, a keyword, a prelude item
        self.judge(tok, segs, rooted)

    def macro(self, tok: Token, segs: tuple[str, ...], rooted: bool) -> None:
        t = table()
        # what an alias stands for first: the reason then names the real macro
        meanings = [(p, True) for p, at in _resolve(segs, rooted, self.env) if p != segs] + [(segs, rooted)]
        for path, at_crate in meanings:
            name = path[-1]
            ok = name in t.macros and (len(path) == 1 and not at_crate or len(path) == 2 and path[0] in ("std", "core", "alloc"))
            if ok:
                continue
            if name in t.macro_deny:
                self.add(tok, f"{name}!", f"`{name}!` {t.macro_deny[name]}")
            else:
                shown = "::".join(path)
                self.add(tok, f"{name}!", f"the macro `{shown}!` is not in the allow-list")
            return

    def method(self, i: int) -> None:
        toks = self.tokens
        tok = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None or not (nxt.is_punct("(") or nxt.is_punct("::")):
            return  # a field
        t = table()
        cap = t.methods.get(tok.text)
        if cap is not None and not _permitted(cap, self.grants):
            self.add(tok, cap, f"`.{tok.text}()` is {cap} access, and the Python function does not {_DOES.get(cap, cap)}")
        for crate, names in t.crate_methods.items():
            if crate in self.module_names and tok.text in names:
                self.add(tok, f"{crate} .{tok.text}()", f"`.{tok.text}()` in code that uses {crate}: it runs code the gate cannot see")

    # ------------------------------------------------------------ attributes

    def attribute(self, i: int) -> None:
        toks = self.tokens
        j = i + 1
        inner = j < len(toks) and toks[j].is_punct("!")
        if inner:
            j += 1
        if j >= len(toks) or not toks[j].is_punct("["):
            self.add(toks[i], "#", "a `#` that does not start an attribute")
            return
        close = _matching(toks, j)
        body = toks[j + 1:close]
        if inner:
            name = "::".join(_attr_path(body)[0]) or "?"
            self.add(toks[i], f"#![{name}]", "inner attributes change the enclosing module or crate; none is allowed inside an item")
            return
        self.attr_body(toks[i], body)

    def attr_body(self, at: Token, body: list[Token]) -> None:
        t = table()
        segs, k = _attr_path(body)
        name = "::".join(segs)
        if not segs:
            self.add(at, "#[?]", "an attribute the gate cannot read")
            return
        if name in t.attribute_deny:
            self.add(at, f"#[{name}]", f"`#[{name}]` {t.attribute_deny[name]}")
            return
        if name not in t.attributes:
            self.add(at, f"#[{name}]", f"the attribute `#[{name}]` is not in the allow-list")
            return
        rest = body[k:]
        if name not in ("derive", "cfg_attr"):
            return
        if not rest or not rest[0].is_punct("(") or _matching(rest, 0) != len(rest) - 1:
            self.add(at, f"#[{name}]", f"`#[{name}]` without its (...)")
            return
        parts = _split_commas(rest[1:-1])
        if name == "cfg_attr":
            for part in parts[1:]:  # parts[0] is the predicate
                self.attr_body(at, part)
            return
        for part in parts:
            psegs, pk = _attr_path(part)
            if not psegs or pk != len(part):
                self.add(at, "#[derive]", "a derive the gate cannot read")
                continue
            meanings = [tuple(psegs)] + [p for p, _ in _resolve(tuple(psegs), False, self.env)]
            for p in meanings:
                if p[-1] not in t.derives or (len(p) > 1 and path_verdict(p)[0] != "allow" and p[0] in t.roots):
                    self.add(at, f"#[derive({psegs[-1]})]", f"`derive({'::'.join(p)})` is not in the allow-list of derives")
                    break


def _matching(toks: list[Token], j: int) -> int:
    """Index of the delimiter closing the one at `j` (the lexer has checked the balance)."""
    depth = 0
    for k in range(j, len(toks)):
        t = toks[k]
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
            if depth == 0:
                return k
    return len(toks) - 1


def _attr_path(body: list[Token]) -> tuple[list[str], int]:
    """An attribute's path (`rustfmt::skip`, `r#path` as `path`, `unsafe`) and where it ends."""
    segs: list[str] = []
    k = 0
    if body and body[0].is_punct("::"):
        k = 1
    while k < len(body) and body[k].kind == "ident":
        segs.append(body[k].text)
        k += 1
        if k < len(body) and body[k].is_punct("::"):
            k += 1
            continue
        break
    return segs, k


def _split_commas(toks: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    depth = 0
    for t in toks:
        if t.kind == "punct" and t.text in "([{":
            depth += 1
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
        if depth == 0 and t.is_punct(","):
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


def _crates_named(scans: Iterable[_Scan]) -> frozenset[str]:
    roots = table().roots
    names: set[str] = set()
    for s in scans:
        for k, tok in enumerate(s.tokens):
            if tok.kind == "ident" and tok.text in roots and (k + 1 < len(s.tokens) and s.tokens[k + 1].is_punct("::")):
                names.add(tok.text)
    return frozenset(names)


def check_module_items(items: list[RustItem], grants: Mapping[str, Collection[str]] | None = None) -> list[Violation]:
    """Violations in a module's items. The module's `use` declarations at module level are
    seen by every item; `grants`: item name -> capabilities its Python function has."""
    scans = [(it, _scan(it.code)) for it in items if it.code]
    module_uses = [u for _, s in scans for u in s.uses if u.depth == 0]
    named = _crates_named(s for _, s in scans)
    out: list[Violation] = []
    for it, s in scans:
        if s.error is not None:
            out.append(s.error.model_copy(update={"item": it.name, "excerpt": _line(it.code, s.error.line)}))
            continue
        env = _env([*module_uses, *(u for u in s.uses if u.depth > 0)])
        for v in _Checker(s, env, (grants or {}).get(it.name, ()), it.code, named).run():
            out.append(v.model_copy(update={"item": it.name}))
    return out


def check_rust(code: str, grants: Collection[str] = frozenset()) -> list[Violation]:
    """Violations in one piece of Rust on its own (an LLM candidate), with these capabilities."""
    return check_module_items([RustItem(name="", kind="fn", code=code, python_line=0)], {"": grants})


def check_code(code: str, allowed: Collection[str] = frozenset()) -> list[tuple[str, str]]:
    """(kind, excerpt) for everything rejected in a piece of Rust, in source order."""
    return [(v.kind, v.excerpt) for v in check_rust(code, allowed)]


def _line(code: str, line: int | None) -> str:
    lines = code.splitlines()
    return lines[line - 1].strip()[:160] if line and 0 < line <= len(lines) else ""


def strip_rust(code: str) -> str:
    """Code with comments and the insides of literals blanked (see rust_tokens.blank_non_code)."""
    return blank_non_code(code)


# ---------------------------------------------------------------- what the Python grants


class PythonFunction(BaseModel):
    """A Python function's own text and the module-level imports its names may refer to."""

    source: str
    line: int = 1  # its first line in the module
    imports: dict[str, str] = {}  # local name -> dotted name (`sp` -> `subprocess`)


def module_imports(parsed: ParsedModule) -> dict[str, str]:
    """Names the module's own imports bind, as dotted names."""
    out: dict[str, str] = {}
    for imp in parsed.imports:
        if imp.name is None:
            local = imp.alias or imp.module.split(".")[0]
            out[local] = imp.module if imp.alias else imp.module.split(".")[0]
        elif imp.name != "*":
            out[imp.alias or imp.name] = f"{imp.module}.{imp.name}"
    return out


def _function_text(lines: list[str], fn: FunctionInfo) -> str:
    return textwrap.dedent("\n".join(lines[fn.line - 1: fn.end_line]))


def function_sources(parsed: ParsedModule) -> dict[str, PythonFunction]:
    """Item name -> the Python function it translates: top-level functions by name, methods
    as `Class.method` (inherited ones too, found in the base), constructors as `Class.new`."""
    lines = parsed.source.splitlines()
    imports = module_imports(parsed)
    out: dict[str, PythonFunction] = {}

    def add(name: str, fn: FunctionInfo) -> None:
        out.setdefault(name, PythonFunction(source=_function_text(lines, fn), line=fn.line, imports=imports))

    for fn in parsed.functions:
        add(fn.name, fn)
    classes = {c.name: c for c in parsed.classes}
    for c in parsed.classes:
        seen: set[str] = set()
        current: ClassInfo | None = c
        while current is not None and current.name not in seen:
            seen.add(current.name)
            for m in current.methods:
                add(f"{c.name}.{m.name}", m)
                if m.name == "__init__":
                    add(f"{c.name}.new", m)
                    if current is not c:
                        add(f"{c.name}.__init_{current.name}__", m)
            base = next((b for b in current.bases if b in classes), None)
            current = classes.get(base) if base else None
    return out


_IDENTIFIER = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _grant_roots() -> frozenset[str]:
    """The first names of the table's [grants] (`os` of `os.environ`, `open`, `subprocess`)."""
    return frozenset(g.split(".")[0] for names in table().grants.values() for g in names)


def _may_grant(source: str, imports: Mapping[str, str]) -> bool:
    """Whether `python_grants` could find anything in `source`: every name it matches starts
    with a name the text mentions, either a grant's first name itself (a builtin, a module the
    text imports: `import os`, `from os import environ as e` both mention `os`) or a module
    import bound to one (`sp` for `subprocess`). A mention in a string or a comment counts too:
    this only rules out, python_grants decides. A text that is not ASCII is always parsed:
    Python reads identifiers NFKC-normalised (`ｏｐｅｎ` is `open`)."""
    if not source.isascii():
        return True
    roots = _grant_roots()
    names = set(_IDENTIFIER.findall(source))
    return not roots.isdisjoint(names) or any(imports[n].split(".")[0] in roots for n in names & imports.keys())


def python_grants(source: str, imports: Mapping[str, str] | None = None, first_line: int = 1) -> dict[str, str]:
    """Capability -> what in this Python code grants it (`open() on line 3`): the names it
    uses, resolved through its own imports and the module's (`imports`), matched against the
    table's [grants]. Only what the code itself uses counts; an import alone grants nothing."""
    if not _may_grant(source, imports or {}):
        return {}  # most functions: no parse (the gate reads every translated function's Python)
    try:
        tree = ast.parse(textwrap.dedent(source))
    except (SyntaxError, ValueError):
        return {}
    bound: dict[str, str] = dict(imports or {})
    local: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                bound[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                if a.name != "*":
                    bound[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            local.add(node.id)
        elif isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not tree.body[0]:
            local.add(node.name)
    grants = table().grants
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        dotted = _dotted(node, bound, local)
        if dotted is None:
            continue
        for cap, names in grants.items():
            if cap not in found and any(dotted == g or dotted.startswith(g + ".") for g in names):
                found[cap] = f"`{dotted}` on line {first_line + getattr(node, 'lineno', 1) - 1}"
    return found


def _dotted(node: ast.AST, bound: Mapping[str, str], local: set[str]) -> str | None:
    """`a.b.c` with `a` resolved through the imports; None for anything else or a local name."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not isinstance(node.ctx, ast.Load):
        return None
    if node.id in bound:
        base = bound[node.id]
    elif node.id in local:
        return None
    else:
        base = node.id  # a builtin (open, exit) or a module global
    return ".".join([base, *reversed(attrs)])


def python_capabilities(source: str, imports: Mapping[str, str] | None = None) -> set[str]:
    """The capabilities (filesystem, process, network, environment) a piece of Python uses."""
    return set(python_grants(source, imports))


def function_grants(fn: PythonFunction | None) -> dict[str, str]:
    """What one Python function grants its translation (nothing for an unknown function)."""
    return {} if fn is None else python_grants(fn.source, fn.imports, fn.line)


# ---------------------------------------------------------------- the gate on translations


def gate_translations(
    translations: dict[str, ModuleTranslation], functions: Mapping[str, Mapping[str, PythonFunction]]
) -> tuple[dict[str, ModuleTranslation], dict[str, list[Diagnostic]]]:
    """Translations with every rejected item replaced by its stub (a function) or removed
    (anything else), and a PTL401 diagnostic per rejection; a granted capability the Rust uses
    gets a PTL403 (info) saying which Python line granted it. `functions`: module -> item name
    -> its Python function (`function_sources`)."""
    gated: dict[str, ModuleTranslation] = {}
    diags: dict[str, list[Diagnostic]] = {}
    for m, t in translations.items():
        sources = functions.get(m, {})
        evidence = {it.name: function_grants(sources.get(it.name)) for it in t.items if it.code}
        violations = check_module_items(t.items, {k: set(v) for k, v in evidence.items()})
        info = _granted_uses(t.items, evidence, m)
        if not violations:
            gated[m] = t if not info else t.model_copy(update={"diagnostics": [*t.diagnostics, *info]})
            if info:
                diags[m] = info
            continue
        bad: dict[str, list[Violation]] = {}
        for v in violations:
            bad.setdefault(v.item or "", []).append(v)
        items: list[RustItem] = []
        mine: list[Diagnostic] = list(info)
        for it in t.items:
            found = bad.get(it.name)
            if not found or not it.code:
                items.append(it)
                continue
            mine.append(rejection(m, it.name, it.python_line, found))
            if it.kind == "fn" and it.stub and not check_code(it.stub):
                items.append(it.model_copy(update={"code": it.stub, "status": FunctionStatus.UNTRANSLATED, "runtime": []}))
            elif it.kind == "fn":
                items.append(it.model_copy(update={"code": "", "status": FunctionStatus.UNTRANSLATED, "runtime": []}))
        diags[m] = mine
        gated[m] = t.model_copy(update={"items": items, "diagnostics": [*t.diagnostics, *mine]})
    return gated, diags


def rejection(module: str, function: str | None, line: int | None, found: list[Violation]) -> Diagnostic:
    """The PTL401 diagnostic for an item the gate rejected: every kind found, the first reason."""
    kinds = list(dict.fromkeys(v.kind for v in found))
    first = found[0]
    where = f" `{first.excerpt}`" if first.excerpt else ""
    return Diagnostic(code="PTL401", module=module, function=function, line=line,
                      message=f"rejected by the safety gate ({', '.join(kinds)}): {first.detail};{where}")


def _granted_uses(items: list[RustItem], evidence: Mapping[str, Mapping[str, str]], module: str) -> list[Diagnostic]:
    """PTL403 for each item whose Rust uses a capability its Python function granted."""
    out: list[Diagnostic] = []
    for it in items:
        granted = evidence.get(it.name) or {}
        if not granted or not it.code:
            continue
        needed = {v.kind for v in check_module_items([it]) if v.kind in CAPABILITIES}
        for cap in sorted(needed & set(granted)):
            out.append(Diagnostic(code="PTL403", severity=Severity.INFO, module=module, function=it.name, line=it.python_line,
                                  message=f"{cap} access allowed: the Python function does it too ({granted[cap]})"))
    return out


def check_crate_dir(crate_dir: Path) -> list[Violation]:
    """The crate as a whole: a build script, `build =`, sections that add or redirect code
    (`[build-dependencies]`, `[target.*]`, `[patch]`, `[replace]`), and `[dependencies]`: each
    must be a crate of the table (`[crates]` in gate_table.toml) with exactly its pinned version
    and features, from the registry. A `.cargo/config.toml` may only be the one `--vendor`
    writes (build from ./vendor, offline)."""
    import re

    from portalis import deps

    out: list[Violation] = []
    if (crate_dir / "build.rs").exists():
        out.append(Violation(item=None, kind="build script", excerpt="build.rs"))
    config = crate_dir / ".cargo" / "config.toml"
    if config.exists() and config.read_text(encoding="utf-8") != deps.VENDOR_CONFIG:
        out.append(Violation(item=None, kind="cargo configuration", excerpt=".cargo/config.toml",
                             detail="only the vendored-sources configuration Portalis writes is allowed"))
    manifest = crate_dir / "Cargo.toml"
    if not manifest.exists():
        return out
    text_all = manifest.read_text(encoding="utf-8")
    section = ""
    for line in text_all.splitlines():
        text = line.split("#", 1)[0].strip()
        if text.startswith("["):
            section = text.strip("[]").strip()
            if section in ("build-dependencies", "dev-dependencies", "patch", "replace") or section.startswith(
                    ("target.", "patch.", "dependencies.")):
                out.append(Violation(item=None, kind=f"[{section}] in Cargo.toml", excerpt=text))
            continue
        if section == "package" and re.match(r"build\s*=", text) and not re.match(r"build\s*=\s*false", text):
            out.append(Violation(item=None, kind="build script", excerpt=text))
    try:
        parsed = tomllib.loads(text_all)
    except tomllib.TOMLDecodeError as exc:
        return [*out, Violation(item=None, kind="unreadable Cargo.toml", detail=str(exc))]
    table = deps.crate_table()
    for name, value in (parsed.get("dependencies") or {}).items():
        excerpt = next((ln.strip() for ln in text_all.splitlines() if ln.strip().startswith(name)), name)
        spec = table.get(name)
        if spec is None:
            out.append(Violation(item=None, kind="dependency", excerpt=excerpt, detail="not a crate of the table"))
        elif value != spec.manifest_value():
            out.append(Violation(item=None, kind="dependency", excerpt=excerpt,
                                 detail=f"the table pins {spec.manifest_line()}"))
    return out
