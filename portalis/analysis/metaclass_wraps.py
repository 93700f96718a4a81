"""Methods a metaclass replaces by a known wrapper of them (issue 11: pygments' `analyse_text`).

pygments' `LexerMeta.__new__` does `d['analyse_text'] = make_analysator(d['analyse_text'])`,
where `make_analysator(f)` (pygments.util) returns `staticmethod(text_analyse)`: a function of
the text alone that calls `f(text)`, gives 0.0 when that raises an `Exception` or returns a falsy
value, and otherwise `min(1.0, max(0.0, float(rv)))` (0.0 when `float` fails). So every lexer's
`def analyse_text(text):` is, through the class, a static `(text) -> float` in 0..1.

Three facts, each from source (nothing is recognised by package name):
- `analysator(node)`: a module-level function of exactly that shape (names are free; the
  docstring and `inner.__doc__ = f.__doc__` optional). Kept in `ModuleTypeMap.analysators`.
- `metaclass_wraps(...)`: the names a metaclass's `__new__` (or its bases' in the module)
  replaces as `d[NAME] = F(d[NAME])`, with `F` as written. Kept on the class signature.
- `apply(names, tm)`, during the cross-module resolution (portalis/names.py): a method of a
  class signed as called through the class (`FunctionSignature.unbound`) whose own metaclass, or
  that of a base followed across the repository's modules, wraps its name with a function that
  is an analysator, gets the wrapper's signature `(params) -> float` and keeps its body's
  signature in `wrapped` (lowering translates the body as written and wraps it).
A method taking `self` (`Ca65Lexer.analyse_text(self, text)`, which Python calls with the text
only: always 0.0) is not unbound and stays refused (PTL191).
"""

from __future__ import annotations

import ast
import copy
from typing import TYPE_CHECKING, Iterator

import libcst as cst

from portalis.model import ClassSignature, FunctionSignature, ModuleTypeMap
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.names import Names

ANALYSATOR = "analysator"

# The shape, with canonical names (F the argument, G the inner function, X its parameter, R the
# result); compared as `ast.dump` after renaming a candidate's names to these.
_TEMPLATE = """
def W(F):
    def G(X):
        try:
            R = F(X)
        except Exception:
            return 0.0
        if not R:
            return 0.0
        try:
            return min(1.0, max(0.0, float(R)))
        except (ValueError, TypeError):
            return 0.0
    return staticmethod(G)
"""


def _dump(fn: ast.FunctionDef) -> str:
    return ast.dump(fn, annotate_fields=True, include_attributes=False)


def _canonical(fn: ast.FunctionDef) -> ast.FunctionDef | None:
    """`fn` with its own names renamed to the template's, docstrings and the `__doc__` copy
    dropped; None when it is not a one-argument function holding one one-argument function."""
    if len(fn.args.args) != 1 or fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs or fn.args.posonlyargs or fn.decorator_list:
        return None
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))]
    if not body or not isinstance(body[0], ast.FunctionDef):
        return None
    inner = body[0]
    if len(inner.args.args) != 1 or inner.decorator_list:
        return None
    rename = {fn.args.args[0].arg: "F", inner.name: "G", inner.args.args[0].arg: "X"}
    for stmt in ast.walk(inner):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            rename.setdefault(stmt.targets[0].id, "R")
    if len(set(rename.values())) != len(rename):
        return None

    def doc_copy(s: ast.stmt) -> bool:  # `G.__doc__ = F.__doc__`
        return (isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Attribute)
                and s.targets[0].attr == "__doc__")

    rest = [s for s in body[1:] if not doc_copy(s)]

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.Name:
            return ast.Name(id=rename.get(node.id, node.id), ctx=node.ctx)

        def visit_arg(self, node: ast.arg) -> ast.arg:
            return ast.arg(arg=rename.get(node.arg, node.arg))

    # Copies with the names and the docstrings the template has (W, G; none).
    new_inner = copy.deepcopy(inner)
    new_inner.name = "G"
    new_inner.body = [s for s in new_inner.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))]
    out = copy.deepcopy(fn)
    out.name = "W"
    out.body = [new_inner, *copy.deepcopy(rest)]
    renamed = Rename().visit(out)
    return renamed if isinstance(renamed, ast.FunctionDef) else None


_TEMPLATE_DUMP = _dump(ast.parse(_TEMPLATE).body[0])  # type: ignore[arg-type]


def analysator(node: cst.FunctionDef) -> bool:
    """Whether a module-level function has exactly `make_analysator`'s shape (see the module doc)."""
    from portalis.parse import code_of

    # Cheap shape check first: every module-level function is asked, and printing one back to
    # source recurses as deep as its expressions (a 988-term sum made the whole module's type
    # map fail with RecursionError instead of that one function's PTL160).
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    if not 2 <= len(body) <= 4 or not any(isinstance(s, cst.FunctionDef) for s in body):
        return False
    try:
        fn = ast.parse(code_of(node).strip()).body[0]
    except (SyntaxError, IndexError, ValueError, RecursionError):
        return False
    if not isinstance(fn, ast.FunctionDef):
        return False
    canonical = _canonical(fn)
    if canonical is None:
        return False
    # Function names in the template are fixed (W, G): compare with the outer name normalised.
    return _dump(canonical) == _TEMPLATE_DUMP


def module_analysators(nodes: dict[str, cst.FunctionDef]) -> list[str]:
    """The module-level functions of the analysator shape, sorted."""
    return sorted(name for name, node in nodes.items() if analysator(node))


def metaclass_wraps(metaclass: str, nodes: dict[str, cst.ClassDef]) -> dict[str, str]:
    """{NAME: F as written} for each `d[NAME] = F(d[NAME])` in the `__new__` of the metaclass or
    of its bases in the module (`d` the namespace parameter, the 4th); a bare statement, or one
    under an `if` (`if 'analyse_text' in d:`). Empty when the metaclass is not in the module."""
    from portalis.parse import code_of

    out: dict[str, str] = {}
    for _, node in metaclass_chain(metaclass, nodes):
        if node is None:
            continue
        try:
            cls = ast.parse(code_of(node).strip()).body[0]
        except (SyntaxError, IndexError, ValueError, RecursionError):
            continue
        if not isinstance(cls, ast.ClassDef):
            continue
        for stmt in cls.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__new__" and len(stmt.args.args) == 4:
                ns = stmt.args.args[3].arg
                for key, wrapper in _wrapping_assignments(stmt.body, ns):
                    out.setdefault(key, wrapper)
    return out


def metaclass_chain(metaclass: str, nodes: dict[str, cst.ClassDef]) -> Iterator[tuple[str, cst.ClassDef | None]]:
    """The metaclass and its bases, down to `type`, each once: its name and its class in the
    module, or None where it is not in the module (its bases are then unknown). The walk that
    both this module's wrappers and class_interfaces' `metaclass_names` read."""
    from portalis.parse import code_of

    todo, seen = [_last_name(metaclass)], set()
    while todo:
        name = todo.pop()
        if name in seen or name == "type":
            continue
        seen.add(name)
        node = nodes.get(name)
        yield name, node
        if node is not None:
            todo += [_last_name(code_of(a.value)) for a in node.bases]


def _last_name(text: str) -> str:
    """`abc.ABCMeta` -> `ABCMeta`, `Meta[T]` -> `Meta`."""
    return text.split("[", 1)[0].strip().split(".")[-1]


def _wrapping_assignments(body: list[ast.stmt], ns: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            found += _wrapping_assignments(stmt.body, ns)
            continue
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        key = _ns_key(stmt.targets[0], ns)
        value = stmt.value
        if (key is not None and isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords
                and _ns_key(value.args[0], ns) == key and isinstance(value.func, (ast.Name, ast.Attribute))):
            found.append((key, ast.unparse(value.func)))
    return found


def _ns_key(node: ast.expr, ns: str) -> str | None:
    """`d['name']` -> 'name'."""
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == ns
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
        return node.slice.value
    return None


def _wrapper_of(names: Names, cls: ClassSignature, module: str, method: str, depth: int = 0) -> str | None:
    """The kind of known wrapper (ANALYSATOR) the metaclass of `cls` (defined in `module`) or of
    its bases replaces `method` by; None when none does or it is not known."""
    if depth > 16:
        return None
    if cls.metaclass is not None:
        written = cls.metaclass_wraps.get(method)
        if written is not None and cls.metaclass_module is not None:
            target = names._dotted(cls.metaclass_module, written)
            if target is not None and target.kind == "function":
                tm = names.maps.get(target.module)
                if tm is not None and target.name in tm.analysators:
                    return ANALYSATOR
            return None
    tm = names.maps.get(module)
    for written in cls.foreign_bases:
        target = names._dotted(module, written)
        if target is None or target.kind != "class":
            continue
        base_tm = names.maps.get(target.module)
        base = base_tm.cls(target.name) if base_tm is not None else None
        if base is not None and base is not cls:
            found = _wrapper_of(names, base, target.module, method, depth + 1)
            if found is not None:
                return found
    if cls.base is not None and tm is not None:
        base = tm.cls(cls.base)
        if base is not None and base is not cls:
            return _wrapper_of(names, base, module, method, depth + 1)
    return None


def wrap_method(names: Names, tm: ModuleTypeMap, cls: ClassSignature, m: FunctionSignature) -> FunctionSignature:
    """`m` as the class holds it once its metaclass has run: the analysator's `(params) ->
    float` (its body's signature in `wrapped`) where a known wrapper replaces it; else `m`."""
    if not m.unbound or m.wrapped is not None or not m.typed:
        return m
    if _wrapper_of(names, cls, tm.module, m.name) != ANALYSATOR:
        return m
    return m.model_copy(update={
        "returns": T.FLOAT, "rust_returns": "f64", "raises": False,
        "wrapped": (ANALYSATOR, m),
    })
