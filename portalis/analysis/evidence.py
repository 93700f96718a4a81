"""Types from evidence, for functions without annotations.

For every unannotated parameter the pass gathers observations:
- its default (`lo=0`: int; `hi=None`: it may be None);
- the function's own uses of it: methods only one type has (`.append` -> list, `.split` -> str,
  `.items` -> dict, `.add` -> set, with the element types the arguments show), arithmetic with
  literals or typed names (`x - 1` -> int, `x * 0.5` -> float, `" " * n` -> n is an int),
  comparisons with literals, membership (`c in ("R", "AL")` -> str), indexing (`d["k"]` -> a
  dict with str keys, `xs[i]` -> i is an int), slicing bounds, iteration (`for x in xs` with x
  used as a number: a list of numbers), `len()`, `is None` tests, being passed to a builtin or to
  a function of the module whose parameter type is known, being returned by a function whose
  return type is annotated;
- the module's call sites whose argument types are known (`f(2, "a")` in another function);
- the docstring's example calls (portalis/analysis/docstrings.py).

Returned expressions are typed by a types-only evaluator (portalis/analysis/values.py) over the
parameters' and locals' types. Call sites and returns feed each other, so the whole module is
worked out in rounds until nothing changes (a fixed point).

Observations are unified into one type (ints and floats make a float parameter, as a float
parameter accepts both; a None makes it Optional; list elements are joined). Two observations
no Python type satisfies are a conflict (PTL170 names both). Each decided type keeps its
provenance: the observations that pinned it. Nothing here imports lowering.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from portalis.analysis import rules
from portalis.analysis.docstrings import docstring_evidence, value_type
from portalis.analysis.facts import FunctionEvidence, ModuleEvidence, TypeEvidence
from portalis.analysis.uses import Body, Use, collect
from portalis.analysis.values import ITER, Scope, arithmetic, bind_target, element_type, join_values, literal_type, type_of
from portalis.analysis.walk import code
from portalis.model import ParsedModule, PyType, TypeOrigin
from portalis.types import pytypes as T

MAX_ROUNDS = 8
LOCAL_PASSES = 4
PROVENANCE_SHOWN = 3


@dataclass(frozen=True)
class Observation:
    """One piece of evidence. `shape` is "" when `type` is a type the value must have; else a
    weaker fact that only completes other evidence: "none" (it may be None), "number" (used in
    arithmetic only numbers allow), "division" (true division with no literal saying int),
    "sequence" (indexed by ints or sliced), "iterable", "sized", "elements" (`elem` is the type
    of its elements)."""

    type: PyType | None
    origin: TypeOrigin
    shape: str = ""
    elem: PyType | None = None


@dataclass
class FunctionUnit:
    """One function or method of the module, as the pass sees it."""

    qualname: str
    name: str
    node: cst.FunctionDef
    params: list[str]  # the visible parameters (a method's self/cls left out)
    defaults: dict[str, cst.BaseExpression]
    declared: dict[str, PyType]  # annotated parameters
    declared_returns: PyType | None
    doc: str | None
    line: int
    cls: str | None = None
    variadic: set[str] = field(default_factory=set)
    positional: list[str] = field(default_factory=list)  # the parameters positional arguments fill
    body: Body = field(default_factory=Body)
    bytes_like: bool = False  # mentions bytes: str-only methods may be bytes methods here
    static: dict[str, list[Observation]] = field(default_factory=dict)  # defaults and docstring
    doc_returns: PyType | None = None


AnnotationResolver = Callable[[str], PyType | None]


def analyse_module(
    parsed: ParsedModule,
    module: cst.Module,
    line_of: Callable[[cst.CSTNode], int | None],
    resolve: AnnotationResolver,
    module_names: set[str] | None = None,
) -> ModuleEvidence:
    """The evidence for every function and method of a parsed module. `line_of` gives a
    statement's line (portalis.parse.SourceTree.line), `resolve` an annotation's type (None
    when it has none that the translator maps)."""
    names = module_names if module_names is not None else {f.name for f in parsed.functions} | {c.name for c in parsed.classes}
    units = _units(parsed, module, line_of, resolve, names)
    context = _ModuleContext(parsed, units)
    out = ModuleEvidence(module=parsed.module)
    decisions: dict[str, dict[str, TypeEvidence]] = {u.qualname: {} for u in units.values()}
    returns: dict[str, TypeEvidence] = {}
    rounds = 0
    # Optimistic rounds (a return type from the returns typed so far), then sound ones (only
    # return types every returned expression shows) until nothing changes.
    for optimistic in (True, False):
        for _ in range(MAX_ROUNDS):
            rounds += 1
            context.set_state(decisions, returns, optimistic)
            scopes = {q: context.scope(u) for q, u in units.items()}
            observations = context.observations(scopes)
            new_decisions = {q: {p: decide(observations[q].get(p, [])) for p in u.params if p not in u.declared} for q, u in units.items()}
            new_returns = {q: context.returned(u, scopes[q], optimistic) for q, u in units.items()}
            stable = new_decisions == decisions and new_returns == returns
            decisions, returns = new_decisions, new_returns
            if stable:
                break
    for q, u in units.items():
        out.functions[q] = FunctionEvidence(qualname=q, params=decisions[q], returns=returns[q])
    out.rounds = rounds
    return out


def _units(parsed: ParsedModule, module: cst.Module, line_of, resolve: AnnotationResolver, names: set[str]) -> dict[str, FunctionUnit]:
    infos = {f.qualname: f for f in parsed.functions}
    for c in parsed.classes:
        for m in c.methods:
            infos[m.qualname] = m
    units: dict[str, FunctionUnit] = {}
    for stmt in module.body:
        if type(stmt) is cst.FunctionDef:
            _add_unit(units, infos, stmt, None, line_of, resolve, names)
        elif type(stmt) is cst.ClassDef and type(stmt.body) is cst.IndentedBlock:
            for inner in stmt.body.body:
                if type(inner) is cst.FunctionDef:
                    _add_unit(units, infos, inner, stmt.name.value, line_of, resolve, names)
    return units


def _add_unit(units, infos, node: cst.FunctionDef, cls: str | None, line_of, resolve: AnnotationResolver, names: set[str]) -> None:
    qualname = f"{cls}.{node.name.value}" if cls else node.name.value
    info = infos.get(qualname)
    line = line_of(node) or (info.line if info else 0)
    decorators = {_decorator_name(d.decorator) for d in node.decorators}
    positional = list(node.params.posonly_params) + list(node.params.params)
    if cls is not None and "staticmethod" not in decorators and positional:
        positional = positional[1:]  # self / cls
    params = positional + list(node.params.kwonly_params)
    variadic = set()
    if isinstance(node.params.star_arg, cst.Param):
        params.append(node.params.star_arg)
        variadic.add(node.params.star_arg.name.value)
    declared: dict[str, PyType] = {}
    defaults: dict[str, cst.BaseExpression] = {}
    for p in params:
        if p.annotation is not None:
            t = resolve(code(p.annotation.annotation, 10_000))
            declared[p.name.value] = t if t is not None else T.UNKNOWN
        if p.default is not None:
            defaults[p.name.value] = p.default
    returns = None
    if node.returns is not None:
        returns = resolve(code(node.returns.annotation, 10_000)) or T.UNKNOWN
    doc = info.docstring if info is not None else None
    unit = FunctionUnit(
        qualname=qualname, name=node.name.value, node=node, params=[p.name.value for p in params], defaults=defaults,
        declared=declared, declared_returns=returns, doc=doc, line=line, cls=cls, variadic=variadic,
        positional=[p.name.value for p in positional],
    )
    unit.body = collect(node, line_of)
    unit.bytes_like = _mentions_bytes(node)
    unit.static = _static_observations(unit, names)
    units[qualname] = unit


def _decorator_name(node: cst.BaseExpression) -> str:
    if type(node) is cst.Call:
        node = node.func  # type: ignore[attr-defined]
    if type(node) is cst.Attribute:
        return node.attr.value  # type: ignore[attr-defined]
    return node.value if type(node) is cst.Name else ""  # type: ignore[attr-defined]


def _mentions_bytes(node: cst.FunctionDef) -> bool:
    text = code(node, 1_000_000)
    return any(s in text for s in ("b'", 'b"', "bytes(", "bytearray(", "memoryview(", ".decode(", "bytes_types"))


def _static_observations(u: FunctionUnit, names: set[str]) -> dict[str, list[Observation]]:
    """Evidence that needs no other type: defaults and docstring examples."""
    out: dict[str, list[Observation]] = {p: [] for p in u.params}
    for p, default in u.defaults.items():
        t = _default_type(default)
        origin = TypeOrigin(source="default", line=u.line, detail=f"= {code(default)}")
        if t is None:
            continue
        if t.kind == "none":
            out[p].append(Observation(None, origin, shape="none"))
        else:
            out[p].append(Observation(t, origin))
    doc = docstring_evidence(u.doc, u.name, [p for p in u.params if p not in u.variadic], names)
    for p, t in doc.params.items():
        out[p].append(Observation(t, TypeOrigin(source="docstring", line=u.line, detail="example call")))
    u.doc_returns = doc.returns
    return out


def _default_type(node: cst.BaseExpression) -> PyType | None:
    t = literal_type(node)
    if t is not None:
        return t
    try:
        value = ast.literal_eval(code(node, 100_000))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return value_type(value)


class _ModuleContext:
    """The module-wide state of one round: decided parameter types and return types."""

    def __init__(self, parsed: ParsedModule, units: dict[str, FunctionUnit]) -> None:
        self.parsed = parsed
        self.units = units
        self.top = {u.name: u for u in units.values() if u.cls is None}
        self.classes = {c.name for c in parsed.classes}
        self.method_names = {u.name for u in units.values() if u.cls is not None}
        self.modules = {(i.alias or i.module.split(".")[0]): i.module for i in parsed.imports if i.name is None}
        self.constants = _constant_types(parsed)
        self.decisions: dict[str, dict[str, TypeEvidence]] = {}
        self.returns: dict[str, TypeEvidence] = {}
        self.optimistic = True

    def set_state(self, decisions, returns, optimistic: bool) -> None:
        self.decisions, self.returns, self.optimistic = decisions, returns, optimistic

    # ------------------------------------------------------------ what is known so far

    def param_type(self, u: FunctionUnit, p: str) -> PyType | None:
        if p in u.declared:
            t = u.declared[p]
            return t if T.is_known(t) else None
        ev = self.decisions.get(u.qualname, {}).get(p)
        return ev.type if ev is not None and ev.type is not None else None

    def return_type(self, u: FunctionUnit) -> PyType | None:
        if u.declared_returns is not None:
            return u.declared_returns if T.is_known(u.declared_returns) else None
        ev = self.returns.get(u.qualname)
        return ev.type if ev is not None else None

    def callee(self, caller: FunctionUnit, name: str) -> FunctionUnit | None:
        """The unit a call names: a module function, `self.m` (a method of the caller's
        class), or a class (its __init__)."""
        if name.startswith("self."):
            if caller.cls is None:
                return None
            return self.units.get(f"{caller.cls}.{name[5:]}")
        if name in caller.params or name in caller.body.assigned or name in caller.body.opaque:
            return None  # a local of that name
        if name in self.classes:
            return self.units.get(f"{name}.__init__")
        return self.top.get(name)

    def function_returns(self, caller: FunctionUnit) -> Callable[[str], PyType | None]:
        def returns(name: str) -> PyType | None:
            if name in self.classes and not name.startswith("self."):
                return T.class_type(self.parsed.module, name)
            u = self.callee(caller, name)
            return self.return_type(u) if u is not None else None

        return returns

    # ------------------------------------------------------------ one function's names

    def scope(self, u: FunctionUnit) -> Scope:
        """The types of a function's parameters and locals (a local is typed only when every
        value assigned to it is, and they join)."""
        names: dict[str, PyType | None] = {}
        for p in u.params:
            t = self.param_type(u, p)
            names[p] = T.list_of(t) if t is not None and p in u.variadic else t
        if u.cls is not None:
            names["self"] = None
        scope = Scope(names=names, function_returns=self.function_returns(u), modules=self.modules, constants=self.constants)
        body = u.body
        local_names = (set(body.assigned) | {n for n, _, _ in body.augmented} | _bound(body)) - set(u.params)
        for n in body.opaque:
            names[n] = None
        local_names -= body.opaque
        if not local_names:
            return scope
        # Optimistic passes (a local read before its type is known is not typed, and the
        # assignments that are typed are joined), then one strict check of the result.
        provisional: dict[str, PyType | None] = {}
        for _ in range(LOCAL_PASSES):
            for n in local_names:
                names[n] = provisional.get(n)
            found = self._local_types(u, scope, local_names, strict=False)
            if found == provisional:
                break
            provisional = found
        for n in local_names:
            names[n] = provisional.get(n)
        final = self._local_types(u, scope, local_names, strict=True)
        for n in local_names:
            names[n] = final.get(n)
        return scope

    def _local_types(self, u: FunctionUnit, scope: Scope, local_names: set[str], strict: bool) -> dict[str, PyType | None]:
        """Each local's type from what is assigned to it. strict: every assignment must be
        typed (the check of the provisional types); else the typed ones are joined."""
        body = u.body
        seen: dict[str, list[PyType | None]] = {n: [] for n in local_names}
        for n, values in body.assigned.items():
            if n in seen:
                seen[n].extend(type_of(v, scope) for v, _line in values)
        for target, value in body.unpacked:
            bound: dict[str, PyType | None] = {}
            bind_target(target, type_of(value, scope), bound)
            for n, t in bound.items():
                if n in seen:
                    seen[n].append(t)
        for target, iterable in body.loops:
            bound = {}
            bind_target(target, element_type(type_of(iterable, scope)), bound)
            for n, t in bound.items():
                if n in seen:
                    seen[n].append(t)
        for n, op, value in body.augmented:
            if n in seen:
                seen[n].append(arithmetic(op, scope.names.get(n), type_of(value, scope)))
        out: dict[str, PyType | None] = {}
        for n, types in seen.items():
            if strict and any(t is None for t in types):
                out[n] = None
                continue
            t: PyType | None = T.UNKNOWN
            for x in types:
                if x is None:
                    continue
                t = _join_local(t, x)
                if t is None:
                    break
            if t is not None and t.kind == "unknown":
                t = None
            out[n] = t
        # Elements put into containers: `out = []` then `out.append(i)`.
        for n, method, nodes in body.stores:
            t = out.get(n)
            if t is None or T.is_known(t):
                continue
            elem: PyType | None = None
            if t.kind == "list" and method == "append" and len(nodes) == 1:
                elem = type_of(nodes[0], scope)
                filled = T.list_of(elem) if elem is not None else None
            elif t.kind == "list" and method == "insert" and len(nodes) == 2:
                elem = type_of(nodes[1], scope)
                filled = T.list_of(elem) if elem is not None else None
            elif t.kind == "set" and method == "add" and len(nodes) == 1:
                elem = type_of(nodes[0], scope)
                filled = T.set_of(elem) if elem is not None else None
            elif t.kind == "dict" and method == "setitem":
                k, v = type_of(nodes[0], scope), type_of(nodes[1], scope)
                filled = T.dict_of(k, v) if k is not None and v is not None else None
            else:
                filled = None
            if filled is not None:
                out[n] = T.unify(t, filled)
        return out

    # ------------------------------------------------------------ observations

    def observations(self, scopes: dict[str, Scope]) -> dict[str, dict[str, list[Observation]]]:
        out: dict[str, dict[str, list[Observation]]] = {}
        for q, u in self.units.items():
            obs = out.setdefault(q, {p: [] for p in u.params})
            for p in u.params:
                obs.setdefault(p, []).extend(u.static.get(p, []))
                if p in u.declared:
                    continue
                obs[p].extend(self._use_observations(u, p, scopes[q]))
        # Call sites: the arguments other functions pass.
        for q, u in self.units.items():
            scope = scopes[q]
            for call in u.body.calls:
                target = self.callee(u, call.callee)
                if target is None or any(a.star for a in call.args):
                    continue
                targets = out.setdefault(target.qualname, {p: [] for p in target.params})
                position = 0
                for arg in call.args:
                    if arg.keyword is not None:
                        p = arg.keyword.value
                    elif position < len(target.positional):
                        p = target.positional[position]
                        position += 1
                    else:
                        break  # into *args
                    if p not in targets or p in target.declared:
                        continue
                    t = type_of(arg.value, scope)
                    origin = TypeOrigin(source="call", line=call.line, detail=f"{code(call.node)} in {u.qualname}")
                    if t is None:
                        continue
                    if t.kind == "none":
                        targets[p].append(Observation(None, origin, shape="none"))
                    elif t.kind != ITER:
                        targets[p].append(Observation(t, origin))
        return out

    def _use_observations(self, u: FunctionUnit, p: str, scope: Scope) -> list[Observation]:
        body = u.body
        if p in body.kind_tested or p in body.opaque or p in body.shadowed or p in u.variadic:
            return []  # narrowed by kind, rebound by a with/except/import, shadowed
        out: list[Observation] = []
        for use in body.uses.get(p, []):
            out.extend(self._observe(u, use, scope))
        # Values the body assigns to the parameter: evidence when all are typed and agree with
        # the rest; a rebinding to something else makes the uses say nothing about the argument.
        rebound = [(v, line) for v, line in body.assigned.get(p, [])]
        rebound_elsewhere = any(p in _names_of(t) for t, _ in body.unpacked) or any(p in _names_of(t) for t, _ in body.loops)
        if rebound_elsewhere:
            return []
        if rebound:
            assigned = []
            for value, line in rebound:
                t = type_of(value, scope)
                if t is None or t.kind == ITER:
                    return []
                origin = TypeOrigin(source="assignment", line=line, detail=f"{p} = {code(value)}")
                assigned.append(Observation(None, origin, shape="none") if t.kind == "none" else Observation(t, origin))
            combined = out + assigned
            if decide(u.static.get(p, []) + combined).conflict is not None:
                return []
            out = combined
        return out

    def _observe(self, u: FunctionUnit, use: Use, scope: Scope) -> list[Observation]:
        """What one use says about the name's type."""
        kind = use.kind
        line = use.line
        text = code(use.node) if use.node is not None else ""

        def strong(t: PyType | None, detail: str = text) -> list[Observation]:
            if t is None or t.kind in (ITER, "unknown", "none"):
                return []
            return [Observation(t, TypeOrigin(source="use", line=line, detail=detail))]

        def shape(s: str, elem: PyType | None = None, detail: str = text) -> list[Observation]:
            return [Observation(None, TypeOrigin(source="use", line=line, detail=detail), shape=s, elem=elem)]

        if kind == "method":
            return self._method_use(u, use, scope, strong, shape)
        if kind == "arith":
            return _arith_use(use, type_of(use.other, scope) if use.other is not None else None, strong, shape)
        if kind == "unary":
            if use.op == "BitInvert":
                return strong(T.INT)
            if use.op in ("Minus", "Plus"):
                return shape("number")
            return []
        if kind == "compare":
            other = type_of(use.other, scope) if use.other is not None else None
            if other is not None and other.kind == "none":
                return shape("none")
            if other is not None and other.kind in ("int", "float", "str", "bool"):
                return strong(other)
            if other is not None and other.kind in ("list", "tuple", "dict", "set") and T.is_known(other) and use.op in ("==", "!="):
                return strong(other)
            return []
        if kind == "none_test":
            return shape("none")
        if kind == "member_of":
            container = type_of(use.other, scope) if use.other is not None else None
            if container is None:
                return []
            if container.kind == "str":
                return strong(T.STR)
            if container.kind == "dict" and container.args:
                return strong(container.args[0])
            elem = element_type(container)
            return strong(elem) if elem is not None and elem.kind != "unknown" else []
        if kind == "contains":
            return shape("iterable")  # a str, or any container: nothing more
        if kind == "subscript":
            index = type_of(use.other, scope) if use.other is not None else None
            if index is not None and index.kind == "str":
                return strong(T.dict_of(T.STR, T.UNKNOWN))
            if index is not None and index.kind == "int":
                return shape("sequence")
            return []
        if kind == "sliced":
            return shape("sequence")
        if kind == "setitem":
            key = type_of(use.other, scope) if use.other is not None else None
            value = type_of(use.node, scope) if use.node is not None else None
            detail = f"[{code(use.other)}] = {code(use.node)}" if use.other is not None and use.node is not None else text
            if key is not None and key.kind == "str":
                return strong(T.dict_of(T.STR, value if value is not None and value.kind != "none" else T.UNKNOWN), detail)
            if key is not None and key.kind == "int":
                return shape("sequence", detail=detail) + (shape("elements", elem=value, detail=detail) if value is not None else [])
            return []
        if kind == "index_into":
            container = type_of(use.other, scope) if use.other is not None else None
            if container is not None and container.kind in ("list", "str", "tuple"):
                return strong(T.INT)
            if container is not None and container.kind == "dict" and container.args:
                return strong(container.args[0])
            return []
        if kind == "slice_bound":
            return strong(T.INT)
        if kind == "iterated":
            elem = self._loop_element(u, use, scope)
            return shape("iterable") + (shape("elements", elem=elem) if elem is not None else [])
        if kind == "passed":
            return self._passed_use(u, use, scope, strong, shape)
        if kind == "returned":
            declared = u.declared_returns
            if declared is not None and T.is_known(declared):
                return strong(declared, f"returned, the function returns {declared}")
            return []
        return []

    def _method_use(self, u: FunctionUnit, use: Use, scope: Scope, strong, shape) -> list[Observation]:
        method = use.op
        receiver = rules.RECEIVER_KIND.get(method)
        if receiver is None or method in self.method_names:
            return []  # a method several types have, or one of the module's classes defines
        call: cst.Call = use.other  # type: ignore[assignment]
        args = [a.value for a in call.args if a.keyword is None and not a.star]
        detail = f".{method}()"
        if receiver == "str":
            return [] if u.bytes_like else strong(T.STR, detail)
        if receiver == "list":
            elem: PyType | None = None
            if method == "append" and len(args) == 1:
                elem = type_of(args[0], scope)
            elif method == "insert" and len(args) == 2:
                elem = type_of(args[1], scope)
            elif method == "extend" and len(args) == 1:
                elem = element_type(type_of(args[0], scope))
            if elem is not None and (elem.kind in ("none", ITER) or not T.is_known(elem)):
                elem = None
            return strong(T.list_of(elem or T.UNKNOWN), detail)
        if receiver == "set":
            elem = type_of(args[0], scope) if method in ("add", "discard") and len(args) == 1 else None
            if elem is not None and (elem.kind in ("none", ITER) or not T.is_known(elem)):
                elem = None
            return strong(T.set_of(elem or T.UNKNOWN), detail)
        # dict
        key: PyType | None = None
        value: PyType | None = None
        if method in ("get", "setdefault") and args:
            key = type_of(args[0], scope)
            if method == "setdefault" and len(args) == 2:
                value = type_of(args[1], scope)
        key = key if key is not None and key.kind not in ("none", ITER) and T.is_known(key) else None
        value = value if value is not None and value.kind not in ("none", ITER) and T.is_known(value) else None
        return strong(T.dict_of(key or T.UNKNOWN, value or T.UNKNOWN), detail)

    def _passed_use(self, u: FunctionUnit, use: Use, scope: Scope, strong, shape) -> list[Observation]:
        call: cst.Call = use.other  # type: ignore[assignment]
        index = use.index
        func = call.func
        if type(func) is cst.Name:
            fname = func.value
            if fname in scope.names:
                return []  # a local called
            callee = self.callee(u, fname)
            if callee is not None:
                p = _param_at(callee, index)
                t = self.param_type(callee, p) if p is not None else None
                if t is not None and p in callee.variadic and t.kind == "list":
                    t = t.args[0]
                return strong(t, f"passed to {fname}() as `{p}`") if t is not None else []
            if fname in self.top or fname in self.classes:
                return []
            if fname in rules.BUILTIN_PARAMS and isinstance(index, int) and index < len(rules.BUILTIN_PARAMS[fname]):
                return strong(rules.BUILTIN_PARAMS[fname][index], f"{fname}()")
            if fname == "len":
                return shape("sized", detail="len()")
            if fname in ("abs", "round", "divmod") and index == 0:
                return shape("number", detail=f"{fname}()")
            if fname in ("sorted", "min", "max", "sum", "list", "set", "tuple", "enumerate", "reversed", "zip", "any", "all") and index == 0 and len(call.args) == 1:
                return shape("iterable", detail=f"{fname}()")
            return []
        if type(func) is cst.Attribute:
            method = func.attr.value
            receiver_node = func.value
            if type(receiver_node) is cst.Name and receiver_node.value not in scope.names:
                module = self.modules.get(receiver_node.value)
                if module == "math":
                    if method in rules.MATH_FLOAT_ARGS:
                        return strong(T.FLOAT, f"math.{method}()")
                    if method in rules.MATH_INT_ARGS:
                        return strong(T.INT, f"math.{method}()")
                if receiver_node.value == "self" and u.cls is not None:
                    callee = self.units.get(f"{u.cls}.{method}")
                    if callee is not None:
                        p = _param_at(callee, index)
                        t = self.param_type(callee, p) if p is not None else None
                        return strong(t, f"passed to self.{method}() as `{p}`") if t is not None else []
                return []
            receiver = type_of(receiver_node, scope)
            if receiver is None:
                return []
            detail = f".{method}() of a {receiver}"
            if receiver.kind == "str" and not u.bytes_like:
                if method in ("split", "rsplit"):
                    return strong(T.STR if index in (0, "sep") else T.INT, detail)
                if method == "replace":
                    return strong(T.STR if index in (0, 1) else T.INT, detail)
                if method in ("find", "rfind", "index", "rindex", "count"):
                    return strong(T.STR if index == 0 else T.INT, detail)
                if method in rules.STR_ARG_METHODS or method in rules.STR_PREFIX_METHODS:
                    return strong(T.STR, detail) if index == 0 else []
                if method in rules.INT_ARG_METHODS:
                    return strong(T.INT if index == 0 else T.STR, detail)
                if method == "join":
                    return shape("iterable", elem=T.STR, detail=detail) + shape("elements", elem=T.STR, detail=detail)
                return []
            if receiver.kind == "list" and receiver.args:
                elem = receiver.args[0]
                if method == "append" or method in ("remove", "count", "index") and index == 0:
                    return strong(elem, detail) if T.is_known(elem) else []
                if method == "insert":
                    return strong(T.INT if index == 0 else elem, detail) if index == 0 or T.is_known(elem) else []
                if method == "pop":
                    return strong(T.INT, detail)
            if receiver.kind == "dict" and len(receiver.args) == 2 and method in ("get", "pop", "setdefault") and index == 0:
                return strong(receiver.args[0], detail) if T.is_known(receiver.args[0]) else []
            if receiver.kind == "set" and receiver.args and method in ("add", "discard", "remove"):
                return strong(receiver.args[0], detail) if T.is_known(receiver.args[0]) else []
        return []

    def _loop_element(self, u: FunctionUnit, use: Use, scope: Scope) -> PyType | None:
        """The element type a loop over the name shows, from how the loop variable is used."""
        target = use.other
        if use.op == "enumerate" and type(target) in (cst.Tuple, cst.List) and len(target.elements) == 2:  # type: ignore[union-attr]
            target = target.elements[1].value  # type: ignore[union-attr]
        if type(target) is not cst.Name:
            return None
        x = target.value  # type: ignore[union-attr]
        if x in u.params or x in u.body.assigned or x in u.body.opaque:
            return None
        found: list[Observation] = []
        for other in u.body.uses.get(x, []):
            if other.kind in ("iterated",):
                continue
            found.extend(self._observe(u, other, scope))
        t = decide(found).type
        return t if t is not None and T.is_known(t) else None

    # ------------------------------------------------------------ returns

    def returned(self, u: FunctionUnit, scope: Scope, optimistic: bool) -> TypeEvidence:
        """The return type the returned expressions show (only when every one is typed and the
        end of the function, if reachable, adds None)."""
        body = u.body
        if u.declared_returns is not None or body.generator:
            return TypeEvidence()
        values = [(v, line) for v, line in body.returns]
        if not any(v is not None for v, _ in values):
            return TypeEvidence()  # returns nothing: None (the type map's own rule)
        joined: PyType | None = None
        provenance: list[TypeOrigin] = []
        untyped: list[str] = []
        first_of_kind: dict[str, TypeOrigin] = {}
        for value, line in values:
            t = T.NONE if value is None else type_of(value, scope)
            detail = f"return {code(value)}" if value is not None else "return"
            origin = TypeOrigin(source="return", line=line, detail=detail)
            if t is None or t.kind == ITER or not T.is_known(t):
                untyped.append(f"`{detail}` at line {line}")
                continue
            if joined is None:
                joined = t
                provenance.append(origin)
            else:
                j = join_values(joined, t)
                if j is None:
                    first = first_of_kind.get(joined.kind) or provenance[0]
                    return TypeEvidence(conflict=f"{joined} ({first}) and {t} ({origin})", tried=f"returned values disagree: {joined} and {t}")
                if j != joined:
                    provenance.append(origin)
                joined = j
            first_of_kind.setdefault(t.kind, origin)
        if body.end_reachable is None:
            return TypeEvidence(tried="whether the end of the function is reached is not known here")
        if body.end_reachable and joined is not None:
            joined = T.optional(joined)
            provenance.append(TypeOrigin(source="return", line=None, detail="the end of the function is reachable: None"))
        if joined is None or (untyped and not optimistic):
            return TypeEvidence(tried="returned values not typed: " + ", ".join(untyped[:3]) if untyped else "")
        return TypeEvidence(type=joined, provenance=provenance[:PROVENANCE_SHOWN])


def _join_local(a: PyType, b: PyType) -> PyType | None:
    """A local holding an `a` and later a `b` (the translation widens ints to floats)."""
    if a.kind == "unknown":
        return b
    if {a.kind, b.kind} == {"bool", "int"}:
        return None
    return T.unify(a, b)


def _bound(body: Body) -> set[str]:
    out: set[str] = set()
    for target, _ in body.unpacked:
        out |= _names_of(target)
    for target, _ in body.loops:
        out |= _names_of(target)
    return out


def _names_of(target: cst.CSTNode) -> set[str]:
    out: set[str] = set()
    stack = [target]
    while stack:
        n = stack.pop()
        if type(n) is cst.Name:
            out.add(n.value)
        elif type(n) in (cst.Tuple, cst.List):
            stack.extend(e.value for e in n.elements)  # type: ignore[attr-defined]
        elif type(n) is cst.StarredElement:
            stack.append(n.value)  # type: ignore[attr-defined]
    return out


def _param_at(u: FunctionUnit, index: int | str | None) -> str | None:
    """The parameter an argument fills: a keyword's, or the positional one (past them, *args)."""
    if isinstance(index, str):
        return index if index in u.params else None
    if isinstance(index, int) and index >= 0:
        if index < len(u.positional):
            return u.positional[index]
        return next(iter(u.variadic), None)
    return None


def _constant_types(parsed: ParsedModule) -> dict[str, PyType]:
    """Module constants that are literals (a name assigned twice is left out)."""
    seen: dict[str, int] = {}
    for c in parsed.constants:
        seen[c.name] = seen.get(c.name, 0) + 1
    out: dict[str, PyType] = {}
    for c in parsed.constants:
        if seen[c.name] != 1 or c.annotation is not None:
            continue
        try:
            value = ast.literal_eval(c.value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        t = value_type(value)
        if t is not None and T.is_known(t) and t.kind != "none":
            out[c.name] = t
    return out


def _arith_use(use: Use, other: PyType | None, strong, shape) -> list[Observation]:
    """`x op other` (either side): what it says about x."""
    op = use.op
    on_left = use.index == "left"
    if other is None or other.kind in ("unknown", ITER):
        if op in ("-", "/", "//", "**"):
            return shape("number") + (shape("division") if op == "/" else [])
        if op in ("<<", ">>"):
            return strong(T.INT)
        return []
    if other.kind in ("int", "bool"):
        if op in rules.INT_PINNING_OPS:
            return strong(T.INT)
        if op == "/":
            return shape("number") + shape("division")
        return []  # `x * 2` also repeats a sequence
    if other.kind == "float":
        return strong(T.FLOAT) if op not in rules.BITWISE_OPS else []
    if other.kind == "num":
        return shape("number")
    if other.kind == "str":
        if op == "+":
            return strong(T.STR)
        if op == "*":
            return strong(T.INT)
        if op == "%" and on_left:
            return strong(T.STR)
        return []
    if other.kind in ("list", "tuple") and op == "*":
        return strong(T.INT)
    if other.kind == "list" and op == "+" and T.is_known(other):
        return strong(other)
    return []


# ---------------------------------------------------------------- unification


def merge_param(a: PyType, b: PyType) -> PyType | None:
    """One parameter type for two observations: an int and a float make a float (a float
    parameter takes both), a bool and an int an int, None makes it Optional."""
    if {a.kind, b.kind} == {"bool", "int"}:
        return T.INT
    if a.kind == "optional" and b.kind != "optional":
        inner = merge_param(a.args[0], b)
        return T.optional(inner) if inner is not None else None
    if b.kind == "optional" and a.kind != "optional":
        inner = merge_param(a, b.args[0])
        return T.optional(inner) if inner is not None else None
    if a.kind == b.kind and a.kind in ("list", "set", "dict", "tuple") and len(a.args) == len(b.args) and a.kind != "tuple":
        args = [_merge_elem(x, y) for x, y in zip(a.args, b.args)]
        if any(x is None for x in args):
            return None
        return PyType(kind=a.kind, args=tuple(x for x in args if x is not None))
    return T.unify(a, b)


def _merge_elem(a: PyType, b: PyType) -> PyType | None:
    if a.kind == "unknown":
        return b
    if b.kind == "unknown":
        return a
    return merge_param(a, b)


_NUMBER_KINDS = ("int", "float", "num", "bool")
_CONTAINER_KINDS = ("list", "str", "dict", "set", "tuple")


def decide(observations: list[Observation]) -> TypeEvidence:
    """One type from the observations, with the ones that pinned it; a conflict when two
    cannot be one type; what was tried when nothing pinned it."""
    t: PyType = T.UNKNOWN
    used: list[Observation] = []
    for o in observations:
        if o.shape or o.type is None:
            continue
        u = merge_param(t, o.type)
        if u is None:
            first = next((x for x in used if x.type is not None and x.type.kind == t.kind), used[0] if used else o)
            return TypeEvidence(conflict=f"{first.type} ({first.origin}) and {o.type} ({o.origin})", tried=_tried(observations))
        if u != t or not used:
            used.append(o)
        t = u
    shapes = {s: [o for o in observations if o.shape == s] for s in ("none", "number", "division", "sequence", "iterable", "sized", "elements")}
    number_use = shapes["number"] + shapes["division"]
    container_use = shapes["sequence"] + shapes["iterable"] + shapes["sized"]
    kind = t.kind if t.kind != "optional" else t.args[0].kind
    if number_use and kind in _CONTAINER_KINDS and kind != "set":  # `a - b` is also a set difference
        o = number_use[0]
        return TypeEvidence(conflict=f"{t} ({used[0].origin}) and a number ({o.origin})", tried=_tried(observations))
    if container_use and kind in _NUMBER_KINDS:
        o = container_use[0]
        return TypeEvidence(conflict=f"{t} ({used[0].origin}) and a container ({o.origin})", tried=_tried(observations))
    if t.kind == "unknown":
        elems = [o for o in shapes["elements"] if o.elem is not None and T.is_known(o.elem)]
        elem_types = {o.elem for o in elems}
        if elems and container_use and not number_use:
            e: PyType | None = T.UNKNOWN
            for o in elems:
                e = _merge_elem(e, o.elem) if e is not None else None  # type: ignore[arg-type]
            # str elements: a str or a list of strs (iterating either gives strs)
            if e is not None and e.kind not in ("str", "unknown") and elem_types:
                t = T.list_of(e)
                used += [container_use[0], elems[0]]
        elif shapes["division"] and not container_use:
            t = T.FLOAT
            used.append(shapes["division"][0])
    elif t.kind in ("list", "set") and t.args and t.args[0].kind == "unknown":
        elems = [o for o in shapes["elements"] if o.elem is not None and T.is_known(o.elem)]
        if elems:
            e = T.UNKNOWN
            for o in elems:
                e = _merge_elem(e, o.elem)  # type: ignore[arg-type]
                if e is None:
                    break
            if e is not None and e.kind != "unknown":
                t = PyType(kind=t.kind, args=(e,))
                used.append(elems[0])
    if t.kind == "unknown":
        return TypeEvidence(tried=_tried(observations))
    if shapes["none"] and t.kind != "optional":
        t = T.optional(t)
        used.append(shapes["none"][0])
    return TypeEvidence(type=t, provenance=[o.origin for o in used[:PROVENANCE_SHOWN]])


def _tried(observations: list[Observation]) -> str:
    if not observations:
        return "no default, docstring example, typed call site or telling use"
    seen = []
    for o in observations[:4]:
        what = str(o.type) if o.type is not None else {"none": "may be None", "number": "a number", "division": "divided",
                                                        "sequence": "indexed", "iterable": "iterated", "sized": "sized",
                                                        "elements": f"elements {o.elem}"}.get(o.shape, o.shape)
        seen.append(f"{what} ({o.origin})")
    more = f" and {len(observations) - 4} more" if len(observations) > 4 else ""
    return "seen: " + "; ".join(seen) + more + ": no Python type pinned"
