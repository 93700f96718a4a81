"""Parse pass: libcst -> ParsedModule (the module's outline, with source positions).

Never raises on bad input: unreadable, non-UTF-8 and syntactically invalid modules come back
with `ok=False` and a diagnostic, so one broken file never stops the others.
"""

from __future__ import annotations

import ast
import atexit
import gc
import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from portalis.model import (
    Severity,
    ClassInfo,
    ConstantInfo,
    Diagnostic,
    FieldInfo,
    FunctionInfo,
    ImportInfo,
    ParamInfo,
    ParsedModule,
    SourceModule,
)
from portalis.contain import contained, deep_stack_bytes, describe_exception, internal_error, run_deep, too_deep
from portalis.builtin_bases import desugar_list_bases
from portalis.import_fallbacks import take_import_fallbacks
from portalis.pattern_methods import take_pattern_methods
from portalis.memo_caches import desugar_memo_caches
from portalis.namedtuples import desugar_namedtuples
from portalis.whole_floats import desugar_whole_floats
from portalis.nesting import MAX_DEPTH, measure, probe
from portalis.source_rewrite import python_tree
from portalis.source import hash_bytes, read_source

_EMPTY = cst.Module(body=[])
# Objects of the standard library whose functions code calls as a module's: `from M import N`
# of one is read as an import of the namespace `M.N` (lowering maps its functions like a
# module's). `unicodedata.ucd_3_2_0`: the Unicode 3.2 database (stringprep, idna).
NAMESPACE_OBJECTS = frozenset({("unicodedata", "ucd_3_2_0")})


def code_of(node: cst.CSTNode) -> str:
    """Source text of a node (libcst keeps it exactly)."""
    return _EMPTY.code_for_node(node).strip()


def parse_cst(source: str) -> tuple[cst.Module, MetadataWrapper]:
    """Parse source into a CST with position metadata (raises libcst.ParserSyntaxError).

    Kept for callers that want libcst's full positions; the passes use `source_tree`."""
    module = source_tree(source).module
    # unsafe_skip_copy: we never mutate the tree, and the copy doubles parse time.
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return module, wrapper


@dataclass
class SourceTree:
    """A parsed module with the lines of its statements.

    libcst's PositionProvider regenerates the whole module's code to compute positions (as
    costly as parsing); Python's own `ast` parser gives statement lines ten times faster, and
    the two trees have the same statement structure, so statements are matched pairwise.
    Expressions have no entry: diagnostics point at their statement's line."""

    module: cst.Module
    lines: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(statement) -> (first, last)

    def line(self, node: cst.CSTNode) -> int | None:
        span = self.lines.get(id(node))
        return span[0] if span else None

    def end_line(self, node: cst.CSTNode) -> int | None:
        span = self.lines.get(id(node))
        return span[1] if span else None


# Parsing is the costliest step of translation: every pass of one process (parse, type map,
# lowering) shares one tree per source text. Trees are never mutated, so sharing is safe.
_TREES: "OrderedDict[str, SourceTree]" = OrderedDict()
_TREE_CACHE_SIZE = 2048


def clear_tree_cache() -> None:
    """Forget parsed trees (benchmarks measuring a cold translation)."""
    _TREES.clear()
    gc.unfreeze()


# Python's cyclic garbage collector scans every live container object on each full
# collection. The parsed trees are most of a translating process's heap (about a million
# nodes for the 45k lines of the stdlib corpus), live as long as the cache keeps them and hold
# no cycles (a node has no link to its parent), so scanning them never finds garbage: on that
# corpus the full collections cost a fifth of the translation's CPU time (2026-12-07). Each new
# tree is therefore moved out of the collector's generations (`gc.freeze()`); reference
# counting still frees a tree the cache drops. `freeze()` moves everything alive at that moment;
# a cycle among those other objects that dies later is found only once they are handed back
# (`gc.unfreeze()`), which happens with one full collection every _REFREEZE_EVERY new trees.
_REFREEZE_EVERY = 256
_new_trees = 0


def _keep_out_of_gc() -> None:
    global _new_trees
    _new_trees += 1
    if _new_trees == 1:
        # frozen objects are never collected at exit: extension types count them as leaks
        # (duckdb's nanobind printed "leaked 27 instances!" on the CLI's stderr)
        atexit.register(gc.unfreeze)
    if _new_trees % _REFREEZE_EVERY == 0:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def source_tree(source: str) -> SourceTree:
    """The parsed tree of a module's text, from a per-process cache (raises ParserSyntaxError)."""
    key = hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    tree = _TREES.get(key)
    if tree is not None:
        _TREES.move_to_end(key)
        return tree
    # CPython's parser first: it rejects what CPython rejects (nesting included), and its tree
    # bounds what libcst's native parser needs (portalis/nesting.py), so libcst never sees a
    # module that could crash it.
    try:
        module_ast = python_tree(source)  # the rewrites' tree when they left the text as it was
    except (RecursionError, MemoryError) as exc:  # CPython's parser gives up: too deeply nested
        raise ParseRefused("PTL004", f"CPython's parser rejects the module as too deeply nested ({describe_exception(exc)})") from exc
    module = run_deep(_libcst_parse, source, module_ast)
    tree = SourceTree(module=module)
    try:
        _index_lines(module.body, module_ast.body, tree.lines)
    except (SyntaxError, ValueError, IndexError, AttributeError, TypeError):
        # ast and libcst disagree (a grammar corner case): fall back to libcst's positions.
        tree.lines.clear()
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        for node, pos in positions.items():
            if isinstance(node, (cst.BaseStatement, cst.BaseSmallStatement, cst.ExceptHandler)):
                tree.lines[id(node)] = (pos.start.line, pos.end.line)
    _TREES[key] = tree
    if len(_TREES) > _TREE_CACHE_SIZE:
        _TREES.popitem(last=False)
    _keep_out_of_gc()
    return tree


class ParseRefused(Exception):
    """libcst is not handed this module: too deeply nested, or it crashed on it in a worker."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.line = code, message, line


def _libcst_parse(source: str, module_ast: ast.Module) -> cst.Module:
    """libcst's parse of a module CPython accepted, within the limits of portalis/nesting.py
    (runs on a deep thread: its stack is what the bound is checked against)."""
    nest = measure(module_ast, source)
    if nest.depth > MAX_DEPTH:
        raise ParseRefused(
            "PTL004",
            f"the module nests {nest.depth} levels deep (at line {nest.depth_line}); the translator parses at most "
            f"{MAX_DEPTH} (libcst's time and memory grow with the square of the depth)",
            nest.depth_line,
        )
    stack = deep_stack_bytes() or _FALLBACK_STACK
    if nest.stack_bytes > stack:
        why = probe(source, stack)
        if why is not None:
            raise ParseRefused("PTL005", f"{why}; the module may need up to {nest.stack_bytes >> 20} MiB of parser stack")
    return cst.parse_module(source)


_FALLBACK_STACK = 1 << 20  # no deep thread could be started: assume little, probe first


def _suite(node: cst.BaseSuite) -> Sequence[cst.BaseStatement | cst.BaseSmallStatement]:
    return node.body


def _index_lines(body: Sequence, ast_body: list[ast.stmt], out: dict[int, tuple[int, int]]) -> None:
    """Pair CST statements with ast statements (same order, same nesting) and record lines."""
    i = 0
    for stmt in body:
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            smalls = stmt.body
            matched = ast_body[i : i + len(smalls)]
            i += len(smalls)
            out[id(stmt)] = (matched[0].lineno, matched[-1].end_lineno or matched[-1].lineno)
            for small, a in zip(smalls, matched):
                out[id(small)] = (a.lineno, a.end_lineno or a.lineno)
            continue
        if isinstance(stmt, cst.BaseSmallStatement):  # inside a SimpleStatementSuite
            a = ast_body[i]
            i += 1
            out[id(stmt)] = (a.lineno, a.end_lineno or a.lineno)
            continue
        a = ast_body[i]
        i += 1
        out[id(stmt)] = (a.lineno, a.end_lineno or a.lineno)
        _index_compound(stmt, a, out)


def _index_compound(stmt: cst.CSTNode, a: ast.stmt, out: dict[int, tuple[int, int]]) -> None:
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef, cst.With)):
        _index_lines(_suite(stmt.body), a.body, out)  # type: ignore[attr-defined]
    elif isinstance(stmt, cst.If):
        assert isinstance(a, ast.If)
        _index_lines(_suite(stmt.body), a.body, out)
        if isinstance(stmt.orelse, cst.If):
            out[id(stmt.orelse)] = (a.orelse[0].lineno, a.orelse[0].end_lineno or a.orelse[0].lineno)
            _index_compound(stmt.orelse, a.orelse[0], out)
        elif isinstance(stmt.orelse, cst.Else):
            _index_lines(_suite(stmt.orelse.body), a.orelse, out)
    elif isinstance(stmt, (cst.For, cst.While)):
        _index_lines(_suite(stmt.body), a.body, out)  # type: ignore[attr-defined]
        if stmt.orelse is not None:
            _index_lines(_suite(stmt.orelse.body), a.orelse, out)  # type: ignore[attr-defined]
    elif isinstance(stmt, (cst.Try, cst.TryStar)):
        _index_lines(_suite(stmt.body), a.body, out)  # type: ignore[attr-defined]
        for h, ah in zip(stmt.handlers, a.handlers):  # type: ignore[attr-defined]
            out[id(h)] = (ah.lineno, ah.end_lineno or ah.lineno)
            _index_lines(_suite(h.body), ah.body, out)
        if stmt.orelse is not None:
            _index_lines(_suite(stmt.orelse.body), a.orelse, out)  # type: ignore[attr-defined]
        if stmt.finalbody is not None:
            _index_lines(_suite(stmt.finalbody.body), a.finalbody, out)  # type: ignore[attr-defined]


def docstring_of(body: cst.BaseSuite) -> str | None:
    if isinstance(body, cst.IndentedBlock) and body.body:
        first = body.body[0]
        if isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1:
            expr = first.body[0]
            if isinstance(expr, cst.Expr) and isinstance(expr.value, (cst.SimpleString, cst.ConcatenatedString)):
                value = expr.value.evaluated_value
                return _no_surrogates(value) if isinstance(value, str) else None
    return None


def _no_surrogates(text: str) -> str:
    """A docstring as stored and printed: a lone surrogate (`"\\ud800"` in the source) has no
    UTF-8 form, so it is kept as its escape text (JSON, DuckDB and rustdoc need UTF-8)."""
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """Absolute module for `from <level dots><target> import ...` inside `module`."""
    if level == 0:
        return target or ""
    parts = module.split(".")
    package = parts if is_package else parts[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, target] if target else base)


def _attr_name(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_attr_name(node.value)}.{node.attr.value}"
    return code_of(node)


class _Outline:
    def __init__(self, src: SourceModule, tree: SourceTree) -> None:
        self.src = src
        self.tree = tree
        self.functions: list[FunctionInfo] = []
        self.classes: list[ClassInfo] = []
        self.imports: list[ImportInfo] = []
        self.constants: list[ConstantInfo] = []
        self.diagnostics: list[Diagnostic] = []

    def line(self, node: cst.CSTNode) -> int:
        return self.tree.line(node) or 1

    def end_line(self, node: cst.CSTNode) -> int:
        return self.tree.end_line(node) or self.line(node)

    def function(self, node: cst.FunctionDef, owner: str | None) -> FunctionInfo:
        params = []
        all_params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        for p in all_params:
            params.append(
                ParamInfo(
                    name=p.name.value,
                    annotation=code_of(p.annotation.annotation) if p.annotation else None,
                    default=code_of(p.default) if p.default else None,
                )
            )
        star = node.params.star_arg
        if isinstance(star, cst.Param):
            # `*args` comes after the positional parameters, before the keyword-only ones.
            at = len(node.params.posonly_params) + len(node.params.params)
            params.insert(at, ParamInfo(name=star.name.value, annotation=code_of(star.annotation.annotation) if star.annotation else None, variadic=True))
        star = node.params.star_kwarg
        if isinstance(star, cst.Param):
            # `**kwargs` is the last parameter: a dict of the keyword arguments no other takes.
            params.append(ParamInfo(name=star.name.value, annotation=code_of(star.annotation.annotation) if star.annotation else None, keywords=True))
        return FunctionInfo(
            name=node.name.value,
            qualname=f"{owner}.{node.name.value}" if owner else node.name.value,
            params=params,
            returns=code_of(node.returns.annotation) if node.returns else None,
            line=self.line(node),
            end_line=self.end_line(node),
            docstring=docstring_of(node.body),
            decorators=[_attr_name(d.decorator) for d in node.decorators],
            is_method=owner is not None,
        )

    def klass(self, node: cst.ClassDef) -> ClassInfo:
        info = ClassInfo(
            name=node.name.value,
            line=self.line(node),
            end_line=self.end_line(node),
            bases=[code_of(b.value) for b in node.bases],
            metaclass=next((code_of(k.value) for k in node.keywords if k.keyword is not None and k.keyword.value == "metaclass"), None),
            decorators=[_attr_name(d.decorator) for d in node.decorators],
            docstring=docstring_of(node.body),
        )
        # `class P(NamedTuple): x: int; y: int` on one line (what a namedtuple is rewritten to)
        # is a suite of small statements: read as one statement line.
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else (cst.SimpleStatementLine(body=node.body.body),)
        self.redefinitions(body, owner=node.name.value)
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                info.methods.append(self.function(stmt, node.name.value))
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        info.fields.append(
                            FieldInfo(
                                name=small.target.value,
                                annotation=code_of(small.annotation.annotation),
                                default=code_of(small.value) if small.value else None,
                                line=self.tree.line(stmt) or info.line,
                            )
                        )
        info.methods = _last_of_each(info.methods, lambda m: method_key(m.name, m.decorators))
        info.fields = _fields_once(info.fields)
        return info

    def imports_of(self, node: cst.Import | cst.ImportFrom) -> None:
        line = self.line(node)
        if isinstance(node, cst.Import):
            for alias in node.names:
                self.imports.append(
                    ImportInfo(
                        module=_attr_name(alias.name),
                        alias=alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None,
                        line=line,
                    )
                )
            return
        target = _attr_name(node.module) if node.module else None
        base = resolve_relative(self.src.module, self.src.is_package, len(node.relative), target)
        if isinstance(node.names, cst.ImportStar):
            # Resolved against the exporting module's interface when lowering (portalis/names.py:
            # its `__all__`, else its public names); one outside the repository is PTL143 there.
            self.imports.append(ImportInfo(module=base, name="*", line=line))
            return
        for alias in node.names:
            name = _attr_name(alias.name)
            if (base, name) in NAMESPACE_OBJECTS:
                # `from unicodedata import ucd_3_2_0 as unicodedata` (stringprep): an object whose
                # functions are called like a module's, read as an import of that namespace
                self.imports.append(ImportInfo(
                    module=f"{base}.{name}",
                    alias=alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name,
                    line=line,
                ))
                continue
            self.imports.append(
                ImportInfo(
                    module=base,
                    name=name,
                    alias=alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None,
                    line=line,
                )
            )

    def redefinitions(self, body: Sequence[cst.BaseStatement], owner: str | None = None) -> None:
        """PTL017 for every definition a later one of the same name replaces (Python keeps the
        last binding; emitting both gives Rust duplicate definitions)."""
        bindings = _bindings(body, owner is not None, self.line)
        last: dict[str, tuple[int, str, cst.CSTNode]] = {}
        for name, kind, line, node in bindings:
            last[name] = (line, kind, node)
        for name, kind, line, node in bindings:
            final_line, final_kind, final_node = last[name]
            if node is final_node:
                continue
            shown = f"{owner}.{name}" if owner else name
            overload = isinstance(node, cst.FunctionDef) and any(
                _attr_name(d.decorator).split(".")[-1] == "overload" for d in node.decorators
            )
            message = (
                f"`{shown}` is an @overload signature; the implementation at line {final_line} is translated"
                if overload else
                f"field `{shown}` is declared again at line {final_line}: that declaration is used, in this place"
                if kind == "field" == final_kind else
                f"`{shown}` ({kind}) is redefined at line {final_line} (as a {final_kind}): this definition is not translated"
            )
            self.diagnostics.append(Diagnostic(
                code="PTL017", message=message, module=self.src.module, function=shown if kind in ("function", "method") else None,
                line=line, severity=Severity.INFO if overload or kind == "field" else Severity.WARNING,
            ))

    def module_body(self, module: cst.Module) -> None:
        self.redefinitions(module.body)
        for stmt in module.body:
            if isinstance(stmt, cst.FunctionDef):
                self.functions.append(self.function(stmt, None))
            elif isinstance(stmt, cst.ClassDef):
                self.classes.append(self.klass(stmt))
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self.imports_of(small)
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value:
                        self.constants.append(
                            ConstantInfo(
                                name=small.target.value,
                                annotation=code_of(small.annotation.annotation),
                                value=code_of(small.value),
                                line=self.line(stmt),
                            )
                        )
                    elif (
                        isinstance(small, cst.Assign)
                        and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)
                    ):
                        self.constants.append(
                            ConstantInfo(
                                name=small.targets[0].target.value,
                                value=code_of(small.value),
                                line=self.line(stmt),
                            )
                        )


def _bindings(body: Sequence[cst.BaseStatement], in_class: bool, lines: Callable[[cst.CSTNode], int]) -> list[tuple[str, str, int, cst.CSTNode]]:
    """(name, kind, line, node) of the definitions of a module or class body the outline keeps:
    functions, classes, single-name assignments (and, in a class, annotated fields), in order.
    A property's setter has its own name (`__set_x__`), as lowering knows it."""
    out: list[tuple[str, str, int, cst.CSTNode]] = []
    for stmt in body:
        line = lines(stmt)
        if isinstance(stmt, cst.FunctionDef):
            name = method_key(stmt.name.value, [_attr_name(d.decorator) for d in stmt.decorators]) if in_class else stmt.name.value
            out.append((name, "method" if in_class else "function", line, stmt))
        elif isinstance(stmt, cst.ClassDef):
            out.append((stmt.name.value, "class", line, stmt))
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and (small.value or in_class):
                    out.append((small.target.value, "field" if in_class else "constant", line, small))
                elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                    out.append((small.targets[0].target.value, "class attribute" if in_class else "constant", line, small))
    return out


def method_key(name: str, decorators: list[str]) -> str:
    """The name a method is known by: a property's setter (`@x.setter def x(self, v)`) shares
    the getter's Python name, so it is kept as `__set_x__` (portalis.class_interfaces uses it too)."""
    return f"__set_{name}__" if f"{name}.setter" in decorators else name


def _last_of_each(items: list, key) -> list:
    """The last item of each key, where it stands (Python keeps the last definition)."""
    last = {key(item): i for i, item in enumerate(items)}
    return [item for i, item in enumerate(items) if last[key(item)] == i]


def _fields_once(fields: list[FieldInfo]) -> list[FieldInfo]:
    """One field per name: at its first place (as `__annotations__` keeps it), as declared last."""
    latest = {f.name: f for f in fields}
    seen: set[str] = set()
    out = []
    for f in fields:
        if f.name not in seen:
            seen.add(f.name)
            out.append(latest[f.name])
    return out


def _refused(src: SourceModule, source: str | None, diag: Diagnostic) -> ParsedModule:
    return ParsedModule(
        module=src.module, path=src.path, source_sha256=src.sha256, source=source or "", ok=False,
        line_count=source.count("\n") + 1 if source else 0, diagnostics=[diag],
    )


def _parse_failed(exc: Exception, src: SourceModule, source: str) -> ParsedModule:
    return _refused(src, source, internal_error(src.module, "parsing", exc))


@contained("parsing", _parse_failed)
def parse_source(src: SourceModule, source: str) -> ParsedModule:
    """Parse one module's text into its outline; syntax errors become a diagnostic (CPython's
    parser decides what is valid), as do modules libcst is not handed (PTL004, PTL005) and any
    other failure (PTL009). Never raises."""
    # `X = namedtuple('X', ...)` read as the NamedTuple class it is (same lines): every later
    # pass reads `parsed.source`, so they all see the class (portalis/namedtuples.py); a
    # module-level memo cache's use read as the computation it remembers (portalis/memo_caches.py).
    source = desugar_memo_caches(desugar_namedtuples(source))
    # `class Stack(list)` read as a plain class holding `self.__list__` (same lines,
    # portalis/builtin_bases.py).
    source = desugar_list_bases(take_import_fallbacks(source))
    # colorsys' `i = int(h*6.0)` used as a float until `i = i%6`, read as that float (same
    # lines, portalis/whole_floats.py): no int past i64 is ever made.
    source = desugar_whole_floats(source)
    # `f = re.compile(p).search` read as the pattern, `f(s)` as `f.search(s)` (same lines,
    # portalis/pattern_methods.py).
    source = take_pattern_methods(source)
    base = dict(module=src.module, path=src.path, source_sha256=src.sha256, source=source)
    try:
        tree = source_tree(source)
    except SyntaxError as exc:  # CPython's verdict (IndentationError, too many nested brackets)
        return _refused(src, source, Diagnostic(code="PTL001", message=f"syntax error: {exc.msg}", module=src.module, line=exc.lineno))
    except RecursionError as exc:  # one of our passes over the tree (the line index, the outline)
        return _refused(src, source, too_deep(src.module, "parsing", exc))
    except ValueError as exc:  # e.g. a null byte in the source
        return _refused(src, source, Diagnostic(code="PTL001", message=f"syntax error: {exc}", module=src.module))
    except ParseRefused as exc:
        return _refused(src, source, Diagnostic(code=exc.code, message=exc.message, module=src.module, line=exc.line))
    except cst.ParserSyntaxError as exc:  # CPython accepted it, libcst does not (a grammar corner)
        return _refused(src, source, Diagnostic(code="PTL001", message=f"syntax error: {exc.message}", module=src.module, line=exc.raw_line))
    outline = _Outline(src, tree)
    outline.module_body(tree.module)
    # The last binding of a module-level name wins, whatever it binds (a function, a class, a
    # constant): the outline keeps only that one (the others have a PTL017 diagnostic).
    final: dict[str, int] = {}
    for name, _kind, line, _node in _bindings(tree.module.body, False, outline.line):
        final[name] = line
    name_of = lambda item: item.name  # noqa: E731
    return ParsedModule(
        **base,
        ok=True,
        line_count=len(source.splitlines()),
        functions=_last_of_each([f for f in outline.functions if final.get(f.name) == f.line], name_of),
        classes=_last_of_each([c for c in outline.classes if final.get(c.name) == c.line], name_of),
        imports=outline.imports,
        constants=_last_of_each([c for c in outline.constants if final.get(c.name) == c.line], name_of),
        diagnostics=outline.diagnostics,
    )


def _read_failed(exc: Exception, root: Path, src: SourceModule) -> ParsedModule:
    return _refused(src, None, internal_error(src.module, "reading", exc))


@contained("reading", _read_failed)
def parse_file(root: Path, src: SourceModule) -> ParsedModule:
    """Read and parse one module of a repository. Never raises."""
    text, error = read_source(root, src.path)
    if text is None:
        return ParsedModule(
            module=src.module,
            path=src.path,
            source_sha256=src.sha256,
            ok=False,
            diagnostics=[Diagnostic(code="PTL002", message=error or "unreadable", module=src.module)],
        )
    return parse_source(src, text)


def source_module_from_text(module: str, text: str, path: str = "<memory>") -> SourceModule:
    """A SourceModule for in-memory text (tests, benchmarks)."""
    return SourceModule(module=module, path=path, sha256=hash_bytes(text.encode("utf-8")))
