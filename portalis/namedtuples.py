"""`collections.namedtuple` as a `typing.NamedTuple` class (issue 12).

`Point = namedtuple('Point', ['x', 'y'])` has no annotations: the field types come from the
module's evidence, read here from its source before the outline is made:
- the construction sites (`Point(1, 2)`, `Point(x=a, y=b)` with `a` an annotated parameter or
  local of the enclosing function, `len(...)`, `str(...)`, arithmetic on typed operands);
- `defaults=` (literals);
- the docstrings' examples (`Match(a=0, b=4, size=5)` printed by a doctest);
- the annotations of functions that take the class (`def f(p: Point) -> int: return p.x` does
  not type `x`, so it is not used).

The statement is then rewritten, on its own line(s), as the class the rest of the translator
already handles: `class Point(NamedTuple): x: int; y: int` (line numbers kept, so every
diagnostic still points at the user's line). A field nothing types gets the annotation
`UNTYPED_FIELD`; class_interfaces turns it into a diagnostic naming the field (PTL111), so the
functions using the class stay untranslated with that reason, not a crash or a dropped class.

Only what the rewrite reproduces exactly is rewritten: a typename equal to the bound name (or,
at module level, another identifier: `_Base = namedtuple('Result', ...)` is the class `_Base`
whose repr says `Result(...)`, the typename kept as the attribute `TYPENAME`), field names that are identifiers, `defaults=` of literals; `rename=`, `module=` or computed
field lists leave the statement alone (as before: untranslated). Pure: text in, text out.
"""

from __future__ import annotations

import ast
import keyword
import re

from portalis.source_rewrite import python_lines, rewritten

# The annotation of a field no evidence types (class_interfaces reports it).
UNTYPED_FIELD = "__portalis_untyped_namedtuple_field__"
# The class attribute holding namedtuple()'s typename where it differs from the bound name
# (class_interfaces moves it to ClassSignature.typename: the repr's name).
TYPENAME = "__portalis_typename__"

_LITERAL_TYPES = {bool: "bool", int: "int", float: "float", str: "str", bytes: "bytes"}
_CALL_TYPES = {"len": "int", "int": "int", "float": "float", "str": "str", "repr": "str", "abs": None, "bool": "bool", "ord": "int", "chr": "str"}


class _Spec:
    """One namedtuple found in the module: its name, fields and where it is written."""

    def __init__(self, name: str, fields: list[str], defaults: list[ast.expr], node: ast.stmt, typename: str | None = None) -> None:
        self.name = name
        self.typename = typename  # the name given to namedtuple() where it is not the bound name
        self.fields = fields
        self.defaults = defaults
        self.node = node


def _is_namedtuple_call(node: ast.expr, names: set[str]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    if isinstance(f, ast.Name):
        return f.id in names
    return isinstance(f, ast.Attribute) and f.attr == "namedtuple" and isinstance(f.value, ast.Name) and f.value.id == "collections"


def _field_names(node: ast.expr) -> list[str] | None:
    """`'a b size'`, `'x, y'`, `['x', 'y']`, `('x', 'y')` -> the names; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        names = node.value.replace(",", " ").split()
    elif isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        names = [e.value for e in node.elts]  # type: ignore[attr-defined]
    else:
        return None
    ok = names and all(n.isidentifier() and not keyword.iskeyword(n) and not n.startswith("_") for n in names) and len(set(names)) == len(names)
    return names if ok else None


def _spec_of(call: ast.Call, name: str, node: ast.stmt, other_name: bool = False) -> _Spec | None:
    if len(call.args) != 2 or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        return None
    typename = call.args[0].value
    if typename != name and not (other_name and typename.isidentifier() and not keyword.iskeyword(typename)):
        return None
    fields = _field_names(call.args[1])
    if fields is None:
        return None
    defaults: list[ast.expr] = []
    for kw in call.keywords:
        if kw.arg == "defaults" and isinstance(kw.value, (ast.List, ast.Tuple)) and len(kw.value.elts) <= len(fields):
            defaults = list(kw.value.elts)
        else:
            return None  # rename=, module=, computed defaults: not reproduced
    return _Spec(name, fields, defaults, node, typename if typename != name else None)


def _literal_type(node: ast.expr) -> str | None:
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if value is None:
        return "None"
    return _LITERAL_TYPES.get(type(value))


class _Env:
    """The annotated names of one function (parameters, annotated locals, locals bound once)."""

    def __init__(self, fn: ast.FunctionDef | ast.AsyncFunctionDef | None) -> None:
        self.names: dict[str, str] = {}
        if fn is None:
            return
        a = fn.args
        for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
            if p.annotation is not None:
                self.names[p.arg] = ast.unparse(p.annotation)
        # Locals: every value bound to the name must have one type (`i = 0`, `i, n = 0, len(xs)`,
        # `i += 1`, `for i in range(n)`); worked out in rounds, as values read other locals.
        bound: dict[str, list[ast.expr | None]] = {}

        def bind(target: ast.expr, value: ast.expr | None) -> None:
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append(value)
            elif isinstance(target, (ast.Tuple, ast.List)):
                values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) else None
                for k, t in enumerate(target.elts):
                    bind(t, values[k] if values is not None and not isinstance(t, ast.Starred) else None)
            else:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        bound.setdefault(sub.id, []).append(None)

        for n in ast.walk(fn):
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
                self.names.setdefault(n.target.id, ast.unparse(n.annotation))
            elif isinstance(n, ast.Assign):
                for t in n.targets:
                    bind(t, n.value)
            elif isinstance(n, ast.AugAssign):
                bind(n.target, ast.BinOp(n.target, n.op, n.value) if isinstance(n.op, (ast.Add, ast.Sub, ast.Mult)) else None)
            elif isinstance(n, (ast.For, ast.comprehension)):
                is_range = isinstance(n.iter, ast.Call) and isinstance(n.iter.func, ast.Name) and n.iter.func.id == "range"
                bind(n.target, ast.Constant(0) if is_range and isinstance(n.target, ast.Name) else None)
            elif isinstance(n, ast.NamedExpr):
                bind(n.target, n.value)
            elif isinstance(n, (ast.With, ast.AsyncWith)):
                for item in n.items:
                    if item.optional_vars is not None:
                        bind(item.optional_vars, None)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                for alias in n.names:
                    bound.setdefault((alias.asname or alias.name).split(".")[0], []).append(None)
            elif isinstance(n, ast.ExceptHandler) and n.name:
                bound.setdefault(n.name, []).append(None)
        # Optimistic rounds (a value reading a local not typed yet is skipped: `i = 0` ... `i = j`,
        # `j = i`), then the check that every value has the type decided, until none is dropped.
        params = set(self.names)
        candidates = {n: vs for n, vs in bound.items() if n not in params and all(v is not None for v in vs)}
        for _ in range(8):
            for _ in range(8):
                changed = False
                for name, values in candidates.items():
                    types = {self.type_of(v) for v in values if v is not None} - {None}
                    found = types.pop() if len(types) == 1 else None
                    if found is not None and self.names.get(name) != found:
                        self.names[name] = found
                        changed = True
                if not changed:
                    break
            wrong = [k for k, vs in candidates.items() if k in self.names and any(self.type_of(v) != self.names[k] for v in vs if v)]
            if not wrong:
                break
            for k in wrong:
                del candidates[k]
            for k in list(self.names):
                if k not in params:
                    del self.names[k]
        for k in list(self.names):
            if k not in params and k not in candidates:
                del self.names[k]

    def type_of(self, node: ast.expr) -> str | None:
        lit = _literal_type(node)
        if lit is not None:
            return lit
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.JoinedStr):
            return "str"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALL_TYPES:
            t = _CALL_TYPES[node.func.id]
            return t if t is not None else (self.type_of(node.args[0]) if len(node.args) == 1 else None)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            t = self.type_of(node.operand)
            return t if t in ("int", "float") else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)):
            a, b = self.type_of(node.left), self.type_of(node.right)
            if a in ("int", "float") and b in ("int", "float"):
                return "float" if "float" in (a, b) else "int"
            if isinstance(node.op, ast.Add) and a == b == "str":
                return "str"
        return None


def _join(types: list[str]) -> str | None:
    """One annotation for the values a field was given (ints and floats: float; None: Optional)."""
    kinds = set(types)
    optional = "None" in kinds
    kinds.discard("None")
    if kinds == {"int", "float"}:
        kinds = {"float"}
    if len(kinds) != 1:
        return None
    t = kinds.pop()
    return f"Optional[{t}]" if optional else t


def _field_types(spec: _Spec, tree: ast.Module) -> list[str | None]:
    seen: list[list[str]] = [[] for _ in spec.fields]
    unknown = [False] * len(spec.fields)
    first_default = len(spec.fields) - len(spec.defaults)
    for i, d in enumerate(spec.defaults):
        t = _literal_type(d)
        if t is None:
            unknown[first_default + i] = True
        else:
            seen[first_default + i].append(t)

    def visit(node: ast.AST, env: _Env) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # a function's locals are worked out only where it builds the class
                if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == spec.name for n in ast.walk(child)):
                    visit(child, _Env(child))
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == spec.name:
                for i, arg in enumerate(child.args):
                    if isinstance(arg, ast.Starred) or i >= len(spec.fields):
                        break
                    t = env.type_of(arg)
                    (seen[i].append(t) if t is not None else unknown.__setitem__(i, True))
                for kw in child.keywords:
                    if kw.arg in spec.fields:
                        i = spec.fields.index(kw.arg)
                        t = env.type_of(kw.value)
                        (seen[i].append(t) if t is not None else unknown.__setitem__(i, True))
            visit(child, env)

    visit(tree, _Env(None))
    # The docstrings' examples show the values the class holds: `Match(a=0, b=4, size=5)`.
    for text in _docstring_calls(tree, spec.name):
        visit(text, _Env(None))
    # A field one site leaves untyped still takes the type the others agree on: lowering checks
    # that site's value against it (another type is PTL113 in that function, never a conversion).
    return [_join(s) if s else None for s in seen]


def _docstring_calls(tree: ast.Module, name: str) -> list[ast.AST]:
    """Each `Name(...)` written in a string of the module (a doctest's call or printed result),
    parsed; text that is not a Python call is skipped."""
    out: list[ast.AST] = []
    pattern = re.compile(rf"\b{re.escape(name)}\(")
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and name + "(" in node.value):
            continue
        text = node.value
        for m in pattern.finditer(text):
            depth, end = 0, None
            for k in range(m.end() - 1, min(len(text), m.end() + 2000)):
                depth += {"(": 1, ")": -1}.get(text[k], 0)
                if depth == 0:
                    end = k + 1
                    break
            if end is None:
                continue
            try:
                out.append(ast.parse(text[m.start():end], mode="eval"))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
    return out


def find_namedtuples(tree: ast.Module) -> list[_Spec]:
    """The module-level `X = namedtuple('X', ...)` statements and `class X(namedtuple('X', ...)):`
    classes the rewrite reproduces."""
    imported = {a.asname or a.name for s in tree.body if isinstance(s, ast.ImportFrom) and s.module == "collections" and not s.level
                for a in s.names if a.name == "namedtuple"}
    out: list[_Spec] = []
    for stmt in tree.body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and _is_namedtuple_call(stmt.value, imported)):
            # `_Base = namedtuple('Result', ...)`: the class is the bound name, its repr the typename
            spec = _spec_of(stmt.value, stmt.targets[0].id, stmt, other_name=True)  # type: ignore[arg-type]
        elif (isinstance(stmt, ast.ClassDef) and len(stmt.bases) == 1 and not stmt.keywords and not stmt.decorator_list
                and _is_namedtuple_call(stmt.bases[0], imported) and stmt.bases[0].lineno == stmt.bases[0].end_lineno
                and not isinstance(stmt.body[0], _COMPOUND) and stmt.body[0].lineno > (stmt.bases[0].end_lineno or 0)):
            # The fields go in front of the body's first statement (a simple one, on its own line).
            spec = _spec_of(stmt.bases[0], stmt.name, stmt)  # type: ignore[arg-type]
        else:
            spec = None
        if spec is not None:
            out.append(spec)
    return out


_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While, ast.With,
             ast.AsyncWith, ast.Try, ast.Match) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


def _cut(line: str, col: int) -> int:
    """ast's column (UTF-8 bytes) as an index into the line's characters."""
    return len(line.encode("utf-8")[:col].decode("utf-8", errors="ignore"))


def desugar_namedtuples(source: str) -> str:
    """The source with each reproducible module-level namedtuple written as a NamedTuple class,
    on the same lines (unchanged when there is none, or the source does not parse)."""
    return rewritten(source, lambda text: "namedtuple" in text, _rewrite)


def _rewrite(source: str, tree: ast.Module) -> str:
    specs = find_namedtuples(tree)
    if not specs:
        return source
    lines = python_lines(source)
    for spec in reversed(specs):
        node = spec.node
        first_default = len(spec.fields) - len(spec.defaults)
        parts = []
        for i, (f, t) in enumerate(zip(spec.fields, _field_types(spec, tree))):
            ann = t if t is not None else UNTYPED_FIELD
            default = f" = {ast.unparse(spec.defaults[i - first_default])}" if i >= first_default else ""
            parts.append(f"{f}: {ann}{default}")
        if isinstance(node, ast.ClassDef):
            base, body = node.bases[0], node.body[0]
            at = body.lineno - 1
            cut = _cut(lines[at], body.col_offset)
            lines[at] = f"{lines[at][:cut]}{'; '.join(parts)}; {lines[at][cut:]}"
            at = base.lineno - 1
            a, b = _cut(lines[at], base.col_offset), _cut(lines[at], base.end_col_offset or 0)
            lines[at] = f"{lines[at][:a]}NamedTuple{lines[at][b:]}"
            continue
        start, end = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        rest = lines[end][_cut(lines[end], node.end_col_offset or 0):].strip()
        if node.col_offset != 0 or rest and not rest.startswith("#"):
            continue  # shares its line with another statement: left alone
        newline = lines[end][len(lines[end].rstrip("\r\n")):]
        if spec.typename is not None:
            parts.insert(0, f"{TYPENAME} = {spec.typename!r}")
        text = f"class {spec.name}(NamedTuple): {'; '.join(parts)}{newline}"
        lines[start:end + 1] = [text] + ["\n"] * (end - start)
    return "".join(lines)


__all__ = ["TYPENAME", "UNTYPED_FIELD", "desugar_namedtuples", "find_namedtuples"]
