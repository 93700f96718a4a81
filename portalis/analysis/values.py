"""A types-only evaluator of expressions: the Python type of an expression from the types of the
names it reads, or None when the rules here do not pin it.

It never guesses: an expression is typed only when every Python value it can produce has that
type (an int and a float from two branches join to a number that keeps its kind, None joins
into Optional). Used by the evidence pass for returned expressions, arguments at call sites,
the other operand of an operation on a parameter, and locals.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import libcst as cst

from portalis.analysis import rules
from portalis.cst_walk import static_length
from portalis.model import PyType
from portalis.types import pytypes as T
from portalis.types.unions import union_or_none

# A lazily produced sequence (a generator expression, `d.items()`, `enumerate(x)`): only ever
# iterated or passed to list()/sorted()/sum(); never a signature's type.
ITER = "iter"


def iter_of(t: PyType) -> PyType:
    return PyType(kind=ITER, args=(t,))


# Calls whose result is a lazy iterator the translation can collect into a list where it is
# passed or returned (`deque()`'s and `range()`'s are not: a range prints as `range(0, 3)`).
LAZY_CALLS = frozenset({"reversed", "zip", "enumerate", "filter", "map", "iter", "islice", "chain", "accumulate", "combinations",
                        "permutations", "product"})


def as_list(t: PyType | None) -> PyType | None:
    """An iterator's type as a value that is passed on (an argument) or returned: the list of
    its items, as an `Iterator[T]` or `Generator[T, ...]` annotation maps (the translation
    collects it); any other type unchanged. None when its items are not typed."""
    if t is None or t.kind != ITER:
        return t
    elem = t.args[0] if t.args else None
    return T.list_of(elem) if elem is not None and T.is_known(elem) and elem.kind != ITER else None


def passes_as_list(node: cst.BaseExpression) -> bool:
    """A value whose iterator type becomes a list when passed or returned: a generator
    expression or a call of a lazy builtin (`(f(x) for x in xs)`, `reversed(r)`); not a dict
    view or a range, which Python shows as themselves."""
    if type(node) is cst.GeneratorExp:
        return True
    if type(node) is not cst.Call:
        return False
    func = node.func
    return (type(func) is cst.Name and func.value in LAZY_CALLS
            or type(func) is cst.Attribute and type(func.value) is cst.Name and func.value.value == "itertools" and func.attr.value in LAZY_CALLS)


@dataclass
class Scope:
    """What names mean while evaluating: locals and parameters with known types, the module's
    functions (name -> return type, None while unknown), and names imported as modules."""

    names: dict[str, PyType | None] = field(default_factory=dict)  # None: bound, type not pinned
    function_returns: Callable[[str], PyType | None] = lambda name: None
    modules: dict[str, str] = field(default_factory=dict)  # local name -> imported module (`m` -> `math`)
    imported: dict[str, str] = field(default_factory=dict)  # `from m import f`: local name -> "m.f"
    constants: dict[str, PyType] = field(default_factory=dict)  # module constants of known type
    fields: dict[str, PyType | None] = field(default_factory=dict)  # attributes of self (in a method)
    # Locals' types from their typed assignments only (`total = 0.0` then `total = total + x`):
    # weaker, used for what a name's use says, never for a type the map records.
    tentative: dict[str, PyType | None] = field(default_factory=dict)
    # Types of single readings of a name (by node id): a union parameter read in a branch of its
    # isinstance tests that selects one member is that member (portalis/analysis/kinds.py).
    at: dict[int, PyType] = field(default_factory=dict)


def join_values(a: PyType | None, b: PyType | None) -> PyType | None:
    """The type of a value that is either an `a` or a `b` (two branches, two returns)."""
    if a is None or b is None:
        return None
    if a == b:
        return a
    if {a.kind, b.kind} == {"int", "float"}:
        return T.NUM  # Python keeps which: 3 and 3.0 print apart
    if a.kind == "bool" and b.kind in ("int", "num") or b.kind == "bool" and a.kind in ("int", "num"):
        return None  # True and 1 print apart too
    u = T.unify(a, b)
    return u


def _random_result(name: str, first: PyType | None) -> PyType | None:
    """`random.NAME(...)`'s result: `sample`/`choices` of a list are a list of its items."""
    if name == "sample" and first is not None and first.kind == ITER and first.args and first.args[0] == T.INT:
        return T.list_of(T.INT)  # random.sample(range(n), k)
    if name in ("sample", "choices"):
        return first if first is not None and first.kind == "list" and first.args and T.is_known(first.args[0]) else None
    return rules.RANDOM_RESULTS.get(name)


def element_type(t: PyType | None) -> PyType | None:
    """The type of what iterating a value of type t gives."""
    if t is None:
        return None
    if t.kind in ("list", "set", ITER) and t.args:
        return t.args[0]
    if t.kind == "dict" and t.args:
        return t.args[0]
    if t.kind == "str":
        return T.STR
    if t.kind == "bytes":
        return T.INT
    if t.kind == "tuple" and t.args and all(a == t.args[0] for a in t.args):
        return t.args[0]
    return None


def is_number(t: PyType | None) -> bool:
    return t is not None and t.kind in ("int", "float", "bool", "num")


def arithmetic(op: str, a: PyType | None, b: PyType | None) -> PyType | None:
    """The result type of `a op b` (None when not pinned or an error)."""
    if a is None or b is None:
        return None
    if "timedelta" in (a.kind, b.kind) or a.kind == b.kind and a.kind in ("date", "datetime"):
        return _time_arithmetic(op, a, b)
    if "decimal" in (a.kind, b.kind):
        # Decimal with a Decimal or an int (a float is a TypeError; `**` is not translated)
        other = b if a.kind == "decimal" else a
        return _DECIMAL if other.kind in ("decimal", "int", "bool") and op in ("+", "-", "*", "/", "//", "%") else None
    if is_number(a) and is_number(b):
        kinds = {a.kind, b.kind}
        if op == "/":
            return T.FLOAT
        if op in rules.BITWISE_OPS:
            return T.INT if kinds <= {"int", "bool"} else None
        if "float" in kinds:
            return T.FLOAT if "num" not in kinds else None
        if "num" in kinds:
            return T.NUM if op in ("+", "-", "*", "%", "//") else None
        if op == "**":
            return None  # 2 ** -1 is a float
        return T.INT
    if op == "+" and a.kind == b.kind == "bytes":
        return a
    if op == "*" and {a.kind, b.kind} in ({"bytes", "int"}, {"bytes", "bool"}):
        return a if a.kind == "bytes" else b
    if op == "+" and a.kind == b.kind and a.kind in ("str", "list", "tuple"):
        if a.kind == "tuple":
            return T.tuple_of(*a.args, *b.args)
        return T.unify(a, b)
    if op == "*" and a.kind in ("str", "list") and b.kind in ("int", "bool"):
        return a
    if op == "*" and b.kind in ("str", "list") and a.kind in ("int", "bool"):
        return b
    if op == "%" and a.kind == "str":
        return T.STR
    if op in ("|", "&", "-", "^") and a.kind == b.kind == "set":
        return T.unify(a, b)
    return None


_TIMEDELTA = PyType(kind="timedelta")
_DECIMAL = PyType(kind="decimal")


def _time_arithmetic(op: str, a: PyType, b: PyType) -> PyType | None:
    """`td + td`, `td * 1.5`, `td / td`, `date - date`, `dt + td`...: what Python's datetime
    types give (portalis/lower/stdlib_datetime.py translates each); None for a TypeError."""
    kinds = (a.kind, b.kind)
    number = ("int", "bool", "float")
    if kinds == ("timedelta", "timedelta"):
        return {"+": a, "-": a, "%": a, "//": T.INT, "/": T.FLOAT}.get(op)
    if op == "*" and (kinds[0] == "timedelta" and kinds[1] in number or kinds[1] == "timedelta" and kinds[0] in number):
        return _TIMEDELTA
    if kinds[0] == "timedelta" and kinds[1] in number and (op == "/" or op == "//" and kinds[1] != "float"):
        return _TIMEDELTA
    if op == "+" and set(kinds) in ({"date", "timedelta"}, {"datetime", "timedelta"}):
        return a if a.kind != "timedelta" else b
    if op == "-" and kinds in (("date", "timedelta"), ("datetime", "timedelta")):
        return a
    if op == "-" and kinds in (("date", "date"), ("datetime", "datetime")):
        return _TIMEDELTA
    return None


def literal_type(node: cst.BaseExpression) -> PyType | None:
    """The type of a literal (numbers, strings, True/False/None); None otherwise."""
    if type(node) is cst.Integer:
        return T.INT
    if type(node) is cst.Float:
        return T.FLOAT
    if type(node) is cst.SimpleString:
        prefix = node.prefix.lower()
        return T.BYTES if "b" in prefix else T.STR
    if type(node) in (cst.ConcatenatedString, cst.FormattedString):
        text = cst.Module(body=[]).code_for_node(node).lstrip()
        return T.BYTES if text[:2].lower() in ("b'", 'b"', "br", "rb") else T.STR
    if type(node) is cst.Name and node.value in ("True", "False"):
        return T.BOOL
    if type(node) is cst.Name and node.value == "None":
        return T.NONE
    if type(node) is cst.UnaryOperation and type(node.operator) in (cst.Minus, cst.Plus):
        inner = literal_type(node.expression)
        return inner if inner is not None and inner.kind in ("int", "float") else None
    return None


def type_of(node: cst.BaseExpression, scope: Scope, depth: int = 0) -> PyType | None:
    """The Python type of an expression, or None when it is not pinned."""
    if depth > 40:
        return None
    lit = literal_type(node)
    if lit is not None:
        return lit
    d = depth + 1
    if type(node) is cst.Name:
        if scope.at and id(node) in scope.at:
            return scope.at[id(node)]
        if node.value in scope.names:
            return scope.names[node.value]
        if node.value not in scope.constants and scope.imported.get(node.value, "").startswith("math."):
            return rules.MATH_CONSTANTS.get(scope.imported[node.value][5:])  # `from math import tau`
        return scope.constants.get(node.value)
    if type(node) in (cst.List, cst.Set, cst.Tuple):
        items: list[PyType] = []
        for el in node.elements:
            if type(el) is cst.StarredElement:
                if type(node) is cst.Tuple:
                    return None  # a tuple's length is part of its type
                # `[[e], *p]`: p's elements among the others
                t = element_type(type_of(el.value, scope, d))
                if t is None or t.kind == "unknown":
                    return None
                items.append(t)
                continue
            t = type_of(el.value, scope, d)
            if t is None:
                return None
            items.append(t)
        if type(node) is cst.Tuple:
            return T.tuple_of(*items)
        elem: PyType | None = T.UNKNOWN
        for t in items:
            joined = _same_elements(elem, t)
            if joined is None and type(node) is cst.List and elem is not None and T.is_known(elem) and T.is_known(t):
                joined = union_or_none([elem, t])  # `[n, "x"]`: a list of a union
            elem = joined
            if elem is None:
                return None
        return T.list_of(elem) if type(node) is cst.List else T.set_of(elem)
    if type(node) is cst.Dict:
        k: PyType | None = T.UNKNOWN
        v: PyType | None = T.UNKNOWN
        for el in node.elements:
            if not type(el) is cst.DictElement:
                return None
            k = _same_elements(k, type_of(el.key, scope, d))
            v = _same_elements(v, type_of(el.value, scope, d))
            if k is None or v is None:
                return None
        return T.dict_of(k, v)
    if type(node) is cst.UnaryOperation:
        inner = type_of(node.expression, scope, d)
        if type(node.operator) is cst.Not:
            return T.BOOL
        if type(node.operator) is cst.BitInvert:
            return T.INT if inner is not None and inner.kind in ("int", "bool") else None
        if inner is not None and inner.kind in ("int", "float", "num"):
            return inner
        if inner is not None and inner.kind == "bool":
            return T.INT
        return None
    if type(node) is cst.BinaryOperation:
        op = rules.OPERATORS.get(type(node.operator).__name__)
        if op is None:
            return None
        left = type_of(node.left, scope, d)
        if op == "%" and left is not None and left.kind == "str":
            return T.STR  # %-formatting gives a str whatever it formats (or raises)
        if op == "+" and left is not None and left.kind == "str":
            # str + anything is a str or a TypeError (only a class of the right operand with an
            # __radd__ taking a str could give something else; none of the stdlib does)
            return T.STR
        if op == "**" and type(node.right) is cst.Integer and left is not None and left.kind in ("int", "bool"):
            return T.INT  # an int to a literal (so non-negative) power stays an int: `x ** 2`
        return arithmetic(op, left, type_of(node.right, scope, d))
    if type(node) is cst.BooleanOperation:
        left, right = type_of(node.left, scope, d), type_of(node.right, scope, d)
        if (type(node.operator) is cst.Or and left is not None and left.kind == "optional" and right is not None
                and right.kind not in ("optional", "none") and T.is_known(right)):
            # `self.output_charset or self.input_charset`: a None on the left gives the right
            return join_values(left.args[0], right)
        return join_values(left, right)
    if type(node) is cst.Comparison:
        return T.BOOL
    if type(node) is cst.IfExp:
        yes, no = _if_exp_scopes(node.test, scope)
        a, b = type_of(node.body, yes, d), type_of(node.orelse, no, d)
        joined = join_values(a, b)
        if joined is None and a is not None and b is not None and T.is_known(a) and T.is_known(b):
            joined = union_or_none([a, b])  # `n if c else "odd"`: an int or a str
        return joined
    if type(node) is cst.Subscript:
        return _subscript(node, scope, d)
    if type(node) is cst.Call:
        return _call(node, scope, d)
    if type(node) is cst.Attribute and type(node.value) is cst.Name:
        if node.value.value == "self":
            return scope.fields.get(node.attr.value)
        if scope.modules.get(node.value.value) == "math":
            return rules.MATH_CONSTANTS.get(node.attr.value)
        if scope.modules.get(node.value.value) == "string" and node.value.value not in scope.names:
            return T.STR if node.attr.value in rules.STRING_CONSTANTS else None
    if type(node) is cst.Attribute and node.attr.value == "utc" and _is_timezone_class(node.value, scope):
        return PyType(kind="timezone")  # `timezone.utc`, `datetime.timezone.utc`
    if type(node) is cst.Attribute and node.attr.value in rules.DATE_FIELDS:
        receiver = type_of(node.value, scope, d)
        return T.INT if receiver is not None and receiver.kind == "date" else None
    if type(node) is cst.Attribute:
        receiver = type_of(node.value, scope, d)
        if receiver is not None and receiver.kind == "path":
            # a path's parent (None at the root) and its children (portalis/path_types.py)
            if node.attr.value == "parent":
                return T.optional(receiver)
            return receiver if node.attr.value[:1].isupper() else None
        return None
    if type(node) in (cst.ListComp, cst.SetComp, cst.GeneratorExp):
        inner_scope = _comprehension_scope(node.for_in, scope, d)
        if inner_scope is None:
            return None
        elt = type_of(node.elt, inner_scope, d)
        if elt is None:
            return None
        if type(node) is cst.ListComp:
            return T.list_of(elt)
        if type(node) is cst.SetComp:
            return T.set_of(elt)
        return iter_of(elt)
    if type(node) is cst.DictComp:
        inner_scope = _comprehension_scope(node.for_in, scope, d)
        if inner_scope is None:
            return None
        k, v = type_of(node.key, inner_scope, d), type_of(node.value, inner_scope, d)
        return T.dict_of(k, v) if k is not None and v is not None else None
    return None


def _same_elements(a: PyType | None, b: PyType | None) -> PyType | None:
    """Elements of one container: one type (ints and floats make floats, as the translation
    stores them), else None."""
    if a is None or b is None:
        return None
    if a.kind == "unknown":
        return b
    return T.unify(a, b)


def bind_target(target: cst.BaseExpression, t: PyType | None, names: dict[str, PyType | None]) -> None:
    """Names a `for` target (or an unpacking) binds, given the type of the value bound."""
    if type(target) is cst.Name:
        names[target.value] = t
        return
    if type(target) in (cst.Tuple, cst.List):
        elems = [e.value for e in target.elements]
        if t is not None and t.kind == "tuple" and len(t.args) == len(elems):
            for e, a in zip(elems, t.args):
                bind_target(e, a, names)
            return
        if t is not None and t.kind != "tuple" and not any(type(e) is cst.StarredElement for e in target.elements):
            each = element_type(t)  # `a, b = range(2)`, `x, y = [1, 2]`: every item the same type
            for e in elems:
                bind_target(e, each, names)
            return
        starred = [e for e in target.elements if type(e) is cst.StarredElement]
        if t is not None and len(starred) == 1 and (t.kind in ("list", "str", ITER) or t.kind == "tuple" and _same_tuple(t)):
            # `e, *rest = xs`: e one element, rest a list of the others (a str's are strs)
            each = element_type(t)
            if each is not None and each.kind != "unknown":
                for el in target.elements:
                    if type(el) is cst.StarredElement:
                        bind_target(el.value, T.list_of(each), names)
                    else:
                        bind_target(el.value, each, names)
                return
        for e in elems:
            bind_target(e, None, names)


def _comprehension_scope(for_in: cst.CompFor, scope: Scope, depth: int) -> Scope | None:
    """The scope inside a comprehension: its targets bound (None: a target of unknown type,
    which shadows any outer name of its spelling)."""
    names = dict(scope.names)
    inner = Scope(names=names, function_returns=scope.function_returns, modules=scope.modules, constants=scope.constants, fields=scope.fields,
                  imported=scope.imported)
    node: cst.CompFor | None = for_in
    while node is not None:
        bound: dict[str, PyType | None] = {}
        bind_target(node.target, element_type(type_of(node.iter, inner, depth)), bound)
        names.update(bound)
        node = node.inner_for_in
    return inner


def _subscript(node: cst.Subscript, scope: Scope, depth: int) -> PyType | None:
    base = type_of(node.value, scope, depth)
    if base is None or len(node.slice) != 1:
        return None
    sl = node.slice[0].slice
    if type(sl) is cst.Slice:
        return base if base.kind in ("list", "str", "tuple", "bytes") and (base.kind != "tuple" or _same_tuple(base)) else None
    index = sl.value if type(sl) is cst.Index else None
    if index is None:
        return None
    if base.kind in ("str", "path"):
        return T.STR  # a path's names are strs (portalis/path_types.py)
    if base.kind == "bytes":
        return T.INT
    if base.kind == "list" and base.args:
        return base.args[0] if base.args[0].kind != "unknown" else None
    if base.kind == "dict" and base.args:
        return base.args[1] if base.args[1].kind != "unknown" else None
    if base.kind == "tuple":
        if type(index) is cst.Integer:
            i = int(index.value, 0)
            return base.args[i] if i < len(base.args) else None
        if type(index) is cst.UnaryOperation and type(index.operator) is cst.Minus and type(index.expression) is cst.Integer:
            i = int(index.expression.value, 0)
            return base.args[-i] if 0 < i <= len(base.args) else None
        return base.args[0] if _same_tuple(base) else None
    return None


def _same_tuple(t: PyType) -> bool:
    return bool(t.args) and all(a == t.args[0] for a in t.args)


def _call(node: cst.Call, scope: Scope, depth: int) -> PyType | None:
    func = node.func
    args = [a for a in node.args if not a.star and a.keyword is None]
    if type(func) is cst.Name and (held := scope.names.get(func.value)) is not None and held.kind == T.CLASS_OBJECT:
        # `_root_lexer(**options)` with `_root_lexer: type[A | B]`: an instance of one of the
        # classes, whatever the arguments (`*`/`**` included; lowering matches them to each `__init__`)
        return held.args[0]
    if any(a.star for a in node.args):
        return None
    if type(func) is cst.Name:
        name = func.value
        if name in scope.names:  # a local or parameter called: not a builtin
            called = scope.names[name]
            if called is not None and called.kind == "optional":
                called = called.args[0]  # `key(x)` where key may be None: its result when it is not
            if called is not None and called.kind == "callable" and called.args:
                return called.args[-1]
            if called is not None and called.kind == T.CLASS_OBJECT:
                return called.args[0]  # `cls(x)`: an instance of the class (or of one of them)
            return None
        if name in _SIMPLE_RESULTS:
            return _SIMPLE_RESULTS[name]
        first = type_of(args[0].value, scope, depth) if args else None
        if name == "abs" and len(args) == 1:
            return first if first is not None and first.kind in ("int", "float", "num") else None
        if name == "round":
            if len(node.args) == 1:
                return T.INT if is_number(first) else None
            return first if first is not None and first.kind in ("int", "float") else None
        if name == "tuple" and len(node.args) == 1 and args:
            # a sequence the code spells out (`tuple(sorted([a, b]))`): a tuple of that length,
            # as lowering builds it (cst_walk.static_length)
            n = static_length(args[0].value)
            elem = element_type(first)
            return T.tuple_of(*([elem] * n)) if n is not None and elem is not None else None
        if name == "list" and len(node.args) == 1 and first is not None and first.kind == "dyn":
            return T.list_of(T.DYN)  # the items of a list or tuple held as a dynamic value
        if name in ("sorted", "list") and len(args) == 1 and len(node.args) <= 2:
            elem = element_type(first)
            if elem is None and first is not None and first.kind == "dict":
                elem = first.args[0]
            return T.list_of(elem) if elem is not None else None
        if name in ("set", "frozenset") and len(args) == 1:
            elem = element_type(first)
            return T.set_of(elem) if elem is not None else None
        if name == "dict" and len(args) == 1 and len(node.args) == 1 and node.args[0].keyword is None:
            # `dict(zip(keys, values))`: a dict of the pairs' two types
            elem = element_type(first)
            if elem is not None and elem.kind == "tuple" and len(elem.args) == 2 and all(T.is_known(a) for a in elem.args):
                return T.dict_of(elem.args[0], elem.args[1])
        if name in ("list", "set", "dict") and not node.args:
            return {"list": T.list_of(T.UNKNOWN), "set": T.set_of(T.UNKNOWN), "dict": T.dict_of(T.UNKNOWN, T.UNKNOWN)}[name]
        if name in ("min", "max") and args and len(node.args) == len(args):
            if len(args) == 1:
                return element_type(first)
            out: PyType | None = first
            for a in args[1:]:
                out = join_values(out, type_of(a.value, scope, depth))
            return out
        if name == "sum" and len(args) == 1 and len(node.args) == 1:
            elem = element_type(first)
            return elem if elem is not None and elem.kind in ("int", "float", "decimal") else None
        if name == "sum" and len(args) == 2 and len(node.args) == 2:
            # sum(ds, Decimal(0)): Decimals from an int or Decimal start
            elem = element_type(first)
            start = type_of(args[1].value, scope, depth)
            if elem is not None and elem.kind == "decimal" and start is not None and start.kind in ("int", "decimal"):
                return elem
            return None
        if name == "reversed" and len(args) == 1:
            elem = element_type(first)
            return iter_of(elem) if elem is not None else None
        if name == "enumerate" and 1 <= len(args) <= 2 and len(node.args) == len(args):
            elem = element_type(first)
            return iter_of(T.tuple_of(T.INT, elem)) if elem is not None else None
        if name == "zip" and args and len(args) == len(node.args):
            elems = [element_type(type_of(a.value, scope, depth)) for a in args]
            return iter_of(T.tuple_of(*elems)) if all(e is not None for e in elems) else None  # type: ignore[misc]
        if name == "range":
            return iter_of(T.INT)
        if name == "iter" and len(args) == 1 and len(node.args) == 1:
            elem = element_type(first)  # `it = iter(iterable)`: an iterator over its elements
            return iter_of(elem) if elem is not None and elem.kind != "unknown" else None
        if name == "next" and args and len(args) == len(node.args) <= 2 and first is not None and first.kind == ITER:
            elem = element_type(first)  # `next(it)`, `next(it, default)`: an element, or the default
            if elem is None or elem.kind == "unknown":
                return None
            return elem if len(args) == 1 else join_values(elem, type_of(args[1].value, scope, depth))
        if scope.imported.get(name) == "itertools.islice" and 2 <= len(args) <= 4 and len(node.args) == len(args):
            elem = element_type(first)  # `islice(it, n)`: some of its elements, in order
            return iter_of(elem) if elem is not None and elem.kind != "unknown" else None
        if scope.imported.get(name) == "itertools.repeat" and 1 <= len(args) <= 2 and len(node.args) == len(args) \
                and first is not None and first.kind in REPEATABLE:
            return iter_of(first)  # `repeat(0, n)`: the value, n times (forever without n)
        if name == "filter" and len(args) == 2 and len(node.args) == 2:
            # `filter(pred, xs)` / `filter(None, xs)`: xs's elements, those the test keeps
            elem = element_type(type_of(args[1].value, scope, depth))
            return iter_of(elem) if elem is not None and elem.kind != "unknown" else None
        if scope.imported.get(name) == "collections.deque" and len(node.args) == len(args) <= 1:
            return _deque(first if args else None, bool(args))
        if scope.imported.get(name) == "collections.defaultdict":
            return _defaultdict(node, scope)
        if scope.imported.get(name) == "itertools.groupby":
            return _groupby(node, scope, depth)
        if name in ("bytes", "bytearray"):
            return T.BYTEARRAY if name == "bytearray" else T.BYTES
        imported = scope.imported.get(name, "")
        if imported.startswith("math.") and name not in scope.constants:
            return rules.MATH_RESULTS.get(imported[5:])  # `from math import exp`; exp(x)
        if imported.startswith("statistics.") and name not in scope.constants:
            return rules.STATISTICS_RESULTS.get(imported[len("statistics."):])
        if imported.startswith("random.") and name not in scope.constants:
            return _random_result(imported[len("random."):], first)
        if imported.partition(".")[0] in rules.BYTES_MODULES and imported.partition(".")[2] in rules.BYTES_MODULES[imported.partition(".")[0]]:
            return T.BYTES
        if scope.imported.get(name, "").startswith("itertools.") and len(node.args) == len(args):
            made = _itertools(scope.imported[name][len("itertools."):], [type_of(a.value, scope, depth) for a in args], args)
            if made is not None:
                return made
        if scope.imported.get(name) == "itertools.repeat" and len(args) == 2 and len(node.args) == 2:
            return iter_of(first) if first is not None and first.kind not in (ITER, "unknown") else None
        if scope.imported.get(name) == "datetime.date" and len(node.args) == 3:
            return rules.DATE  # `from datetime import date`; date(y, m, d)
        if _is_timezone_class(func, scope) and 1 <= len(node.args) <= 2:
            return PyType(kind="timezone")  # `timezone(timedelta(hours=1)[, name])`
        if name == "divmod" and len(args) == 2:
            b = type_of(args[1].value, scope, depth)
            if first is not None and b is not None and first.kind == b.kind == "timedelta":
                return T.tuple_of(T.INT, first)
            q = arithmetic("//", first, b)
            return T.tuple_of(q, q) if q is not None else None
        return scope.function_returns(name)
    if type(func) is cst.Attribute:
        method = func.attr.value
        if type(func.value) is cst.Name and (func.value.value == "self" or (func.value.value == "cls" and "cls" not in scope.names)):
            return scope.function_returns(f"self.{method}")
        if type(func.value) is cst.Name and func.value.value in ("bytes", "bytearray") and method in ("fromhex", "maketrans") \
                and func.value.value not in scope.names and func.value.value not in scope.modules:
            return T.BYTEARRAY if func.value.value == "bytearray" else T.BYTES
        if type(func.value) is cst.Name and func.value.value not in scope.names and func.value.value not in scope.constants:
            module = scope.modules.get(func.value.value)
            if module == "builtins" and method not in scope.names:
                # `builtins.repr(x)`: the builtin, also where the module's own code names a `repr`
                return _call(node.with_changes(func=cst.Name(method)), scope, depth)
            if module == "math":
                return rules.MATH_RESULTS.get(method)
            if module == "statistics":
                return rules.STATISTICS_RESULTS.get(method)
            if module == "random":
                return _random_result(method, type_of(node.args[0].value, scope, depth) if node.args else None)
            if module == "re":
                if method == "compile":
                    return _compiled_pattern(node, scope)
                return rules.RE_RESULTS.get(method)
            if module == "json" and method == "dumps":
                return T.STR
            if module == "datetime" and method == "date" and len(node.args) == 3:
                return rules.DATE  # datetime.date(y, m, d)
            if module == "datetime" and method == "timezone" and 1 <= len(node.args) <= 2:
                return PyType(kind="timezone")
            if module in rules.BYTES_MODULES and method in rules.BYTES_MODULES[module]:
                return T.BYTES
            if module == rules.UCD_3_2 and method in rules.UCD_STR_FUNCTIONS:
                return T.STR
            if module == "itertools" and len(node.args) == len(args):
                return _itertools(method, [type_of(a.value, scope, depth) for a in args], args)
            if module == "collections" and method == "deque" and len(node.args) == len(args) <= 1:
                return _deque(type_of(args[0].value, scope, depth) if args else None, bool(args))
            if module == "collections" and method == "defaultdict":
                return _defaultdict(node, scope)
            if module == "itertools" and method == "groupby":
                return _groupby(node, scope, depth)
            return None
        made = func.value
        if type(made) is cst.Call and type(made.func) is cst.Attribute and type(made.func.value) is cst.Name \
                and made.func.value.value not in scope.names and made.func.value.value in scope.modules:
            table = rules.LIBRARY_METHOD_RESULTS.get((scope.modules[made.func.value.value], made.func.attr.value))
            if table is not None:
                return table.get(method)
            # else what the module's function returns, typed below (`binascii.hexlify(s).upper()`)
        receiver = type_of(func.value, scope, depth)
        if receiver is None:
            return None
        if receiver.kind == "class" and receiver.name:
            # a method of a class of the module (`self._parser.has_option(...)`): what it
            # returns (None when the class is not the module's)
            return scope.function_returns(f"{receiver.module}:{receiver.name}.{method}")
        if receiver.kind == "union" and receiver.args and all(m.kind == "class" and m.name for m in receiver.args):
            # a method every class of the union has (`self.root_lexer.get_tokens(text)`, the
            # instance a class object made): what they return, when it is one type
            results = {scope.function_returns(f"{m.module}:{m.name}.{method}") for m in receiver.args}
            return results.pop() if len(results) == 1 else None
        if receiver.kind in ("date", "datetime", "time") and method == "replace":
            return receiver  # `dt.replace(tzinfo=None)`: another of its kind (lower/stdlib_datetime.py)
        if receiver.kind == "date":
            return rules.LIBRARY_METHOD_RESULTS[("datetime", "date")].get(method)
        if receiver.kind in ("datetime", "timezone"):
            return rules.LIBRARY_METHOD_RESULTS[("datetime", receiver.kind)].get(method)
        if receiver.kind == "path":
            return T.list_of(receiver) if method == "split" else None  # portalis/lower/paths.py
        if receiver.kind == "re_match":
            if method == "group":  # one group: a str (Optional where it may take no part); several: a tuple
                from portalis.regex_syntax import group_type

                given = [a.value for a in node.args] if isinstance(node, cst.Call) else []
                keys = [_group_key(a) for a in given] or [0]
                types = [group_type(receiver, k) for k in keys]
                return types[0] if len(types) == 1 else T.tuple_of(*types)
            if method == "groups" and receiver.name is not None:
                from portalis.regex_syntax import group_type

                return T.tuple_of(*(group_type(receiver, k) for k in range(1, int(receiver.name) + 1)))
            return rules.MATCH_RESULTS.get(method)
        if receiver.kind == "re_pattern":
            # a compiled pattern's methods (`_whitespace_only_re.sub('', text)`); findall's rows
            # depend on the groups (the pattern's type carries their count): a str with none or
            # one (textwrap.dedent's `_leading_whitespace_re.findall(text)`), else a tuple of
            # one str per group, as lowering's `_findall` (lower/stdlib_re.py) gives them
            groups = (receiver.module or "0").split(":")[0]
            if method in ("match", "search", "fullmatch") and groups.isdigit():
                # `WORD.search(text, 3)`: a match that may be None, of the pattern's groups (as
                # lowering's `_find` / `_find_at` in lower/stdlib_re.py type it)
                from portalis.regex_syntax import match_type, pattern_of

                found = pattern_of(receiver)
                return T.optional(match_type(found.groups, found.names, found.optional))
            if method == "findall" and groups in ("0", "1"):
                return T.list_of(T.STR)
            if method == "findall" and groups.isdigit():
                return T.list_of(T.tuple_of(*([T.STR] * int(groups))))
            return rules.RE_RESULTS.get(method)
        if receiver.kind == "dyn":
            # `s.lower()` of a value of any builtin type: a str method is a str's (lowering
            # raises Python's AttributeError for the other values)
            if method not in rules.STR_ONLY:
                return None
            receiver = T.STR
        if receiver.kind == "str":
            return rules.STR_RESULTS.get(method)
        if receiver.kind == "bytes":
            out = rules.BYTES_RESULTS.get(method)
            if out is rules.RECEIVER:
                return receiver
            if out is not None and out.args and out.args[0] is rules.RECEIVER:
                return T.list_of(receiver)
            return out
        if receiver.kind == "list" and receiver.args:
            elem = receiver.args[0]
            if method in ("pop", "popleft") and elem.kind != "unknown":
                return elem  # (a deque is a list here: lower/methods.py)
            if method in ("index", "count"):
                return T.INT
            if method == "copy":
                return receiver
        if receiver.kind == "dict" and len(receiver.args) == 2:
            k, v = receiver.args
            if method == "keys":
                return iter_of(k)
            if method == "values":
                return iter_of(v)
            if method == "items":
                return iter_of(T.tuple_of(k, v))
            if method in ("get", "pop", "setdefault") and len(node.args) == 2:
                # `counts.get(w, 0) + 1` into a dict still being filled (value type unknown so
                # far): the default is what the first read gives; the stores that fill the dict
                # are unified afterwards, so a default of another type than they store fails there
                default = type_of(node.args[1].value, scope, depth)
                return default if v.kind == "unknown" else join_values(v, default)
            if method == "get" and len(node.args) == 1 and v.kind == "dyn":
                return v  # a missing key: the value None, which a dynamic value holds
            if method in ("get", "pop") and len(node.args) == 1 and v.kind != "unknown":
                return T.optional(v) if method == "get" else v
            if method == "copy":
                return receiver
        if receiver.kind == "set" and method == "copy":
            return receiver
    return None


def _itertools(name: str, types: list[PyType | None], args: list[cst.Arg]) -> PyType | None:
    """The itertools functions lowering translates (lower/builtins.py ITERTOOLS), positional
    arguments only: chain of one element type, accumulate of numbers (running sums), two-way
    product, combinations/permutations of a literal r (tuples). Not groupby: its
    runs are lists in the translation but iterators in Python (`len(run)` raises there)."""
    if name == "islice" and 2 <= len(args) <= 4:
        elem = element_type(types[0])  # `itertools.islice(it, n)`: some of its elements, in order
        return iter_of(elem) if elem is not None and elem.kind not in ("unknown", ITER) else None
    if name in ("combinations", "permutations") and 1 <= len(args) <= 2:
        elem = element_type(types[0])
        if elem is None or elem.kind in ("unknown", ITER):
            return None
        r = args[1].value if len(args) == 2 else None
        if type(r) is cst.Integer and 0 < int(r.value, 0) <= 6:
            return iter_of(T.tuple_of(*([elem] * int(r.value, 0))))  # what lowering makes of a literal r
        return None  # (lowering makes lists of other rs, where Python gives tuples: left open)
    elems = [element_type(t) for t in types]
    if any(e is None or e.kind in ("unknown", ITER) for e in elems):
        return None
    if name == "chain" and elems and all(e == elems[0] for e in elems):
        return iter_of(elems[0])  # type: ignore[arg-type]
    if name == "accumulate" and len(elems) == 1 and elems[0].kind in ("int", "float"):  # type: ignore[union-attr]
        return iter_of(elems[0])  # type: ignore[arg-type]
    if name == "product" and len(elems) == 2:
        return iter_of(T.tuple_of(*elems))  # type: ignore[arg-type]
    return None


def _deque(items: PyType | None, given: bool) -> PyType | None:
    """`deque()` / `deque(xs)`: a list (the translation's deque: lower/builtins.py `_deque`),
    of xs's elements; `deque(xs, n)` (bounded) is not one."""
    if not given:
        return T.list_of(T.UNKNOWN)
    elem = element_type(items)
    return T.list_of(elem) if elem is not None else None


def _groupby(node: cst.Call, scope: Scope, depth: int) -> PyType | None:
    """`groupby(xs)`, `groupby(xs, key=lambda w: w[0])`: pairs of a key (the element, or what
    the one-parameter lambda gives for it) and a run of elements. The run is an iterator here,
    as in Python (`list(run)` is a list of the elements; lowering holds it as a list, read once:
    lower/builtins.py `_groupby`)."""
    positional = [a for a in node.args if a.keyword is None and not a.star]
    keyword = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    if not 1 <= len(positional) <= 2 or set(keyword) - {"key"} or (len(positional) == 2 and keyword):
        return None
    elem = element_type(type_of(positional[0].value, scope, depth))
    if elem is None or elem.kind in ("unknown", ITER):
        return None
    key = positional[1].value if len(positional) == 2 else keyword.get("key")
    if key is None or (type(key) is cst.Name and key.value == "None"):
        key_t: PyType | None = elem
    elif type(key) is cst.Lambda and len(key.params.params) == 1 and not isinstance(key.params.star_arg, (cst.Param, cst.ParamStar)) \
            and not key.params.kwonly_params and key.params.star_kwarg is None and not key.params.posonly_params \
            and key.params.params[0].default is None:
        param = key.params.params[0].name.value
        key_t = type_of(key.body, replace(scope, names={**scope.names, param: elem}), depth)
    else:
        return None
    if key_t is None or not T.is_known(key_t):
        return None
    return iter_of(T.tuple_of(key_t, iter_of(elem)))


def _if_exp_scopes(test: cst.BaseExpression, scope: Scope) -> tuple[Scope, Scope]:
    """The scopes of an `a if test else b`'s arms: an Optional name tested against None
    (`x if best is None else max(best, x)`) holds its value in the arm where it is not None."""
    if type(test) is cst.Comparison and len(test.comparisons) == 1 and type(test.left) is cst.Name \
            and type(test.comparisons[0].comparator) is cst.Name and test.comparisons[0].comparator.value == "None":
        name, op = test.left.value, type(test.comparisons[0].operator)
        t = scope.names.get(name)
        if t is not None and t.kind == "optional" and op in (cst.Is, cst.IsNot):
            narrowed = replace(scope, names={**scope.names, name: t.args[0]})
            return (scope, narrowed) if op is cst.Is else (narrowed, scope)
    return scope, scope


# `defaultdict(f)`'s values for a builtin type as the factory (lower/builtins.py `_defaultdict`:
# the same table; its key is what the code puts into it)
_DEFAULT_VALUES: dict[str, PyType] = {"int": T.INT, "float": T.FLOAT, "str": T.STR, "bool": T.BOOL, "list": T.list_of(T.UNKNOWN),
                                      "set": T.set_of(T.UNKNOWN), "dict": T.dict_of(T.UNKNOWN, T.UNKNOWN)}


def _defaultdict(node: cst.Call, scope: Scope) -> PyType | None:
    """`defaultdict(list)`, `defaultdict(int)`...: a dict of keys not known yet to the factory's
    values (filled through `d[k].append(x)`, `d[k] += 1`: the local-types pass), as lowering
    types it; another factory (a lambda, a class) is left untyped."""
    if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
        return None
    factory = node.args[0].value
    if type(factory) is not cst.Name or factory.value in scope.names or factory.value not in _DEFAULT_VALUES:
        return None
    return PyType(kind="dict", args=(T.UNKNOWN, _DEFAULT_VALUES[factory.value]), name="defaultdict")


# Values `itertools.repeat` may hand out as copies: Python yields the same object each time,
# which only a value that cannot change in place makes equal to a copy.
REPEATABLE = frozenset({"int", "float", "bool", "str", "bytes", "none"})


def _compiled_pattern(node: cst.Call, scope: Scope) -> PyType | None:
    """`re.compile("literal"[, re.I | re.M])`: the compiled pattern's type, which carries its
    translation (portalis/regex_syntax.py); a str pattern that is not a literal is one compiled
    at run time (DYNAMIC_PATTERN); None when the flags are not literals or the pattern has no
    translation (lowering then says why, where it is used)."""
    from portalis.regex_syntax import FLAGS, pattern_type, translate
    from portalis.unsupported import Unsupported

    args = list(node.args)
    if not 1 <= len(args) <= 2 or args[0].keyword is not None:
        return None
    if len(args) == 2 and (args[1].keyword is not None and args[1].keyword.value != "flags"):
        return None
    pattern = args[0].value
    if not isinstance(pattern, (cst.SimpleString, cst.ConcatenatedString)):
        # a str known at run time only (pygments' `re.compile(regex, re.I)`, an f-string): a
        # pattern compiled then (lowering says why where it is not a str)
        from portalis.regex_syntax import DYNAMIC_PATTERN

        known = type_of(pattern, scope)
        return DYNAMIC_PATTERN if known is None or known.kind == "str" else None
    text = pattern.evaluated_value
    if not isinstance(text, str):
        return None  # a bytes pattern: no translation

    def flag(e: cst.BaseExpression) -> int | None:
        if type(e) is cst.Integer:
            return int(e.value, 0)
        if type(e) is cst.Attribute and type(e.value) is cst.Name and scope.modules.get(e.value.value) == "re":
            return FLAGS.get(e.attr.value)
        if type(e) is cst.BinaryOperation and type(e.operator) in (cst.BitOr, cst.Add):
            a, b = flag(e.left), flag(e.right)
            return a | b if a is not None and b is not None else None
        return None

    flags = flag(args[1].value) if len(args) == 2 else 0
    if flags is None:
        return None
    try:
        return pattern_type(translate(text, flags))
    except Unsupported:
        return None


_SIMPLE_RESULTS: dict[str, PyType] = {
    "len": T.INT, "str": T.STR, "repr": T.STR, "int": T.INT, "float": T.FLOAT, "bool": T.BOOL, "ord": T.INT,
    "chr": T.STR, "hex": T.STR, "oct": T.STR, "bin": T.STR, "ascii": T.STR, "isinstance": T.BOOL,
    "any": T.BOOL, "all": T.BOOL, "callable": T.BOOL, "hasattr": T.BOOL, "format": T.STR, "hash": T.INT,
}


def _group_key(arg: cst.BaseExpression) -> int | str | None:
    """The group a literal argument of `m.group()` names; None when computed."""
    if isinstance(arg, cst.Integer):
        return int(arg.evaluated_value)
    if isinstance(arg, cst.SimpleString):
        value = arg.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _is_timezone_class(node: cst.BaseExpression, scope: Scope) -> bool:
    """`timezone` imported from datetime, or `datetime.timezone` (the module), not rebound."""
    if type(node) is cst.Name:
        return scope.imported.get(node.value) == "datetime.timezone" and node.value not in scope.names
    return (type(node) is cst.Attribute and node.attr.value == "timezone" and type(node.value) is cst.Name
            and scope.modules.get(node.value.value) == "datetime" and node.value.value not in scope.names)
