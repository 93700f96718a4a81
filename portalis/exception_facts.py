"""Which Python exceptions a function can let out, from its syntax alone: the builtin exception
hierarchy and the module's own exception classes, what an `except` clause catches, whether a
`raise` escapes its handlers, the calls made inside `try` bodies. Read by the type map (which
functions return `Result`) and by lowering (handlers); neither imports the other's modules.
"""

from __future__ import annotations

import libcst as cst

from portalis.cst_walk import children, iter_nodes


class UnsupportedClause(ValueError):
    """An `except` clause that names its classes with something else than names (lowering
    reports it as PTL121)."""

    def __init__(self, node: cst.CSTNode) -> None:
        super().__init__("this except clause is not supported")
        self.node = node


# Python's builtin exception hierarchy: class -> base class.
BUILTIN_EXCEPTIONS: dict[str, str | None] = {
    "BaseException": None,
    "Exception": "BaseException",
    "KeyboardInterrupt": "BaseException",
    "SystemExit": "BaseException",
    "GeneratorExit": "BaseException",
    "ArithmeticError": "Exception",
    "ZeroDivisionError": "ArithmeticError",
    "OverflowError": "ArithmeticError",
    "FloatingPointError": "ArithmeticError",
    "AssertionError": "Exception",
    "AttributeError": "Exception",
    "BufferError": "Exception",
    "EOFError": "Exception",
    "ImportError": "Exception",
    "ModuleNotFoundError": "ImportError",
    "LookupError": "Exception",
    "IndexError": "LookupError",
    "KeyError": "LookupError",
    "MemoryError": "Exception",
    "NameError": "Exception",
    "UnboundLocalError": "NameError",
    "OSError": "Exception",
    "FileNotFoundError": "OSError",
    "FileExistsError": "OSError",
    "PermissionError": "OSError",
    "TimeoutError": "OSError",
    "RuntimeError": "Exception",
    "NotImplementedError": "RuntimeError",
    "RecursionError": "RuntimeError",
    "StopIteration": "Exception",
    "TypeError": "Exception",
    "ValueError": "Exception",
    "UnicodeError": "ValueError",
    "UnicodeDecodeError": "UnicodeError",
    "UnicodeEncodeError": "UnicodeError",
    # raised by the runtime's base64/binascii helpers (their PyErr kind), caught as `binascii.Error`
    "binascii.Error": "ValueError",
    "json.JSONDecodeError": "ValueError",
    # raised by the runtime's statistics helpers and PyDecimal (qualified, as binascii.Error: a
    # module's own class of the same short name stays its own)
    "statistics.StatisticsError": "ValueError",
    "decimal.DecimalException": "ArithmeticError",
    "decimal.InvalidOperation": "decimal.DecimalException",
    "decimal.DivisionByZero": "decimal.DecimalException",
    "decimal.Overflow": "decimal.DecimalException",
}
# A second base where Python's class has two (`decimal.DivisionByZero` is also a ZeroDivisionError).
SECOND_BASES = {"decimal.DivisionByZero": "ZeroDivisionError"}
# `from decimal import InvalidOperation` then `except InvalidOperation:`: the short name of a
# qualified library class, where the module has no class of that name
_QUALIFIED_BY_SHORT = {k.rsplit(".", 1)[1]: k for k in BUILTIN_EXCEPTIONS if "." in k}
CATCH_ALL = frozenset({"Exception", "BaseException"})


def exception_classes(classes: list[tuple[str, list[str]]]) -> dict[str, str | None]:
    """The builtin hierarchy plus a module's own exception classes ((name, bases) pairs whose
    first base is an exception class)."""
    known: dict[str, str | None] = dict(BUILTIN_EXCEPTIONS)
    changed = True
    while changed:
        changed = False
        for name, bases in classes:
            if name in known or not bases:
                continue
            base = bases[0].split(".")[-1]
            if base in known:
                known[name] = base
                changed = True
    return known


def is_subclass(name: str, base: str, known: dict[str, str | None]) -> bool:
    seen = name
    while seen is not None:
        if seen == base or SECOND_BASES.get(seen) == base:
            return True
        seen = known.get(seen)
    return False


def caught_names(clause: cst.BaseExpression | None, known: dict[str, str | None]) -> frozenset[str] | None:
    """The class names an `except` clause catches (None: everything)."""
    if clause is None:
        return None
    names: list[str] = []
    if isinstance(clause, cst.Tuple):
        for el in clause.elements:
            names.append(_name_of(el.value))
    else:
        names.append(_name_of(clause))
    names = [n if n in known else _QUALIFIED_BY_SHORT.get(n, n) for n in names]
    if any(n in CATCH_ALL for n in names):
        return None
    out = set(names)
    for n in known:
        if any(is_subclass(n, b, known) for b in names):
            out.add(n)
    return frozenset(out)


def _name_of(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        if isinstance(node.value, cst.Name) and f"{node.value.value}.{node.attr.value}" in BUILTIN_EXCEPTIONS:
            return f"{node.value.value}.{node.attr.value}"  # `binascii.Error`
        return node.attr.value
    raise UnsupportedClause(node)


def message_parameter(node: cst.ClassDef) -> int | None:
    """The position (self not counted) of the `__init__` parameter an exception class's
    `__str__` returns (`self.msg = msg` ... `def __str__(self): return self.msg`), or None: what
    `str(e)` gives for `raise C(msg, opt)`, where the builtin `Exception.__str__` would give the
    tuple of the arguments. The plain case of message_template."""
    found = message_template(node)
    if found is None:
        return None
    expr, attrs = found[0], found[1]
    for attr, at in attrs.items():
        if expr == f"self.{attr}":
            return at
    return None


def message_template(node: cst.ClassDef) -> tuple[str, dict[str, int], list[str], dict[int, str]] | None:
    """`str(e)` of an exception class as a template of its constructor's arguments (see
    model.ExceptionMessage): (the expression `__str__` returns, attr -> parameter position,
    `__init__`'s parameters, position -> default source), or None. Only the plain form:
    `__str__` is one `return` whose `self` appears only as `self.<attr>`; each such attr is
    stored unchanged from a parameter at `__init__`'s top level and assigned nowhere else in the
    class; `__init__` does nothing but store attributes and call its base's `__init__` (no
    effect is lost by not running it)."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    defs = {s.name.value: s for s in body if isinstance(s, cst.FunctionDef)}
    init, text = defs.get("__init__"), defs.get("__str__")
    if init is None or text is None or init.decorators or text.decorators:
        return None
    if init.params.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or init.params.star_kwarg is not None \
            or init.params.kwonly_params:
        return None
    statements = [s for s in _statements(text) if not _is_docstring(s)]
    if len(statements) != 1 or not isinstance(statements[0], cst.Return) or statements[0].value is None:
        return None
    returned = statements[0].value
    selfs = [n for n in iter_nodes(returned) if isinstance(n, cst.Name) and n.value == "self"]
    reads = [n for n in iter_nodes(returned) if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name)
             and n.value.value == "self"]
    if len(selfs) != len(reads):
        return None  # `self` alone or `self.args[0]`-like uses not in the plain form
    all_params = [*init.params.posonly_params, *init.params.params]
    params = [p.name.value for p in all_params][1:]
    defaults = {i - 1: cst.Module([]).code_for_node(p.default) for i, p in enumerate(all_params)
                if i > 0 and p.default is not None}
    stored: dict[str, list[str]] = {}
    for s in _statements(init):
        if _is_docstring(s) or isinstance(s, cst.Pass) or _base_init_call(s):
            continue
        if not isinstance(s, cst.Assign):
            return None
        for t in s.targets:
            if not (isinstance(t.target, cst.Attribute) and isinstance(t.target.value, cst.Name) and t.target.value.value == "self"):
                return None
            stored.setdefault(t.target.attr.value, []).append(s.value.value if isinstance(s.value, cst.Name) else "")
    attrs: dict[str, int] = {}
    for n in reads:
        attr = n.attr.value
        values = stored.get(attr, [])
        if len(values) != 1 or values[0] not in params:
            return None
        attrs[attr] = params.index(values[0])
    for attr in attrs:
        for other in defs.values():
            if other is not init and any(isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == "self"
                                         and n.attr.value == attr and _assigned(n, other) for n in iter_nodes(other)):
                return None
    return cst.Module([]).code_for_node(returned), attrs, params, defaults


def _base_init_call(s: cst.CSTNode) -> bool:
    """`Exception.__init__(self, ...)` or `super().__init__(...)`: sets only `args`."""
    if not (isinstance(s, cst.Expr) and isinstance(s.value, cst.Call) and isinstance(s.value.func, cst.Attribute)):
        return False
    func = s.value.func
    if func.attr.value != "__init__":
        return False
    if isinstance(func.value, cst.Call) and isinstance(func.value.func, cst.Name) and func.value.func.value == "super":
        return True
    return isinstance(func.value, cst.Name) and bool(s.value.args) and isinstance(s.value.args[0].value, cst.Name) \
        and s.value.args[0].value.value == "self"


def _statements(fn: cst.FunctionDef) -> list[cst.BaseSmallStatement | cst.BaseCompoundStatement]:
    """The top-level statements of a function body (small statements of a line split out)."""
    out: list = []
    lines = fn.body.body if isinstance(fn.body, cst.IndentedBlock) else [fn.body]
    for line in lines:
        if isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            out.extend(line.body)
        else:
            out.append(line)
    return out


def _is_docstring(s: cst.CSTNode) -> bool:
    return isinstance(s, cst.Expr) and isinstance(s.value, (cst.SimpleString, cst.ConcatenatedString))


def _assigned(attr: cst.Attribute, fn: cst.FunctionDef) -> bool:
    """Whether `attr` (a node of fn) is the target of an assignment in fn."""
    for n in iter_nodes(fn):
        if isinstance(n, cst.Assign) and any(t.target is attr for t in n.targets):
            return True
        if isinstance(n, (cst.AugAssign, cst.AnnAssign)) and n.target is attr:
            return True
    return False


def raised_name(node: cst.Raise) -> str | None:
    """The class a `raise` statement raises (None: a bare re-raise or an unknown expression)."""
    exc = node.exc
    if isinstance(exc, cst.Call):
        exc = exc.func
    if isinstance(exc, (cst.Name, cst.Attribute)):
        return _name_of(exc)
    return None


# ---------------------------------------------------------------- which functions raise


def escaping_raises(fn: cst.FunctionDef, known: dict[str, str | None]) -> bool:
    """Whether a `raise` in the body can leave the function (no enclosing handler catches it)."""

    def caught(name: str | None, handlers: list[frozenset[str] | None]) -> bool:
        for h in handlers:
            if h is None or (name is not None and name in h):
                return True
        return False

    def walk(stmts, handlers: list[frozenset[str] | None]) -> bool:
        for stmt in stmts:
            if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                for small in stmt.body:
                    if isinstance(small, cst.Raise):
                        name = raised_name(small) if small.exc is not None else None
                        if not caught(name, handlers):
                            return True
                continue
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                continue
            if isinstance(stmt, cst.Try):
                try:
                    mine = [caught_names(h.type, known) for h in stmt.handlers]
                except UnsupportedClause:
                    mine = []
                if walk(stmt.body.body, handlers + mine):
                    return True
                for h in stmt.handlers:
                    if walk(h.body.body, handlers):
                        return True
                for extra in (stmt.orelse, stmt.finalbody):
                    if extra is not None and walk(extra.body.body, handlers):
                        return True
                continue
            for suite in _suites(stmt):
                if walk(suite.body, handlers):
                    return True
        return False

    return walk(fn.body.body, [])


def _suites(stmt: cst.CSTNode) -> list[cst.BaseSuite]:
    out: list[cst.BaseSuite] = []
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.BaseSuite):
        out.append(body)
    orelse = getattr(stmt, "orelse", None)
    if isinstance(orelse, cst.If):
        out.extend(_suites(orelse))
        out.append(orelse.body)
    elif isinstance(orelse, cst.Else):
        out.append(orelse.body)
    return out


def calls_in_try(fn: cst.FunctionDef) -> set[str]:
    """Names of functions called inside the try bodies of a function: their failures are
    caught here, so they must report them as errors rather than panic."""
    out: set[str] = set()
    for n in iter_nodes(fn.body, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        if isinstance(n, cst.Try):
            for m in iter_nodes(n.body, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                if isinstance(m, cst.Call) and isinstance(m.func, cst.Name):
                    out.add(m.func.value)
    return out


def uncaught_calls(fn: cst.FunctionDef) -> set[str]:
    """Names called outside any try body that has a catch-all handler (an error they return
    would leave this function)."""
    out: set[str] = set()

    def walk(node: cst.CSTNode, protected: bool) -> None:
        t = type(node)
        if (t is cst.FunctionDef or t is cst.ClassDef) and node is not fn:
            return
        if t is not cst.Try and t is not cst.Call:
            for c in children(node):
                walk(c, protected)
            return
        if t is cst.Try:
            catch_all = any(h.type is None or (isinstance(h.type, cst.Name) and h.type.value in CATCH_ALL) for h in node.handlers)
            walk(node.body, protected or catch_all)
            for h in node.handlers:
                walk(h.body, protected)
            for extra in (node.orelse, node.finalbody):
                if extra is not None:
                    walk(extra.body, protected)
            return
        if type(node.func) is cst.Name and not protected:
            out.add(node.func.value)
        if type(node.func) is cst.Attribute and not protected:
            out.add("." + node.func.attr.value)  # a method call, by method name
        for c in children(node):
            walk(c, protected)

    walk(fn.body, False)
    return out


# ---------------------------------------------------------------- lowering
