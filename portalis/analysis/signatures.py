"""Signature completion: what annotations and the evidence pass leave open in a signature,
inferred from the function bodies with the settled types (the type map's last inference step).

The evidence pass (evidence.py) is sound: a return type only when every returned expression
is typed, a parameter's type only from observations that hold for every value. What it leaves
open, the type map completed until now by lowering each body in inference mode (tolerant:
statements it could not lower were skipped) up to three rounds. This pass computes the same
kind of answer from the analysis' own evaluator, without lowering:

- a return type from the returned expressions that are typed, joined (`return NotImplemented`
  and values the evaluator does not type are skipped, as the tolerant lowering skipped them),
  with `self` typed as the method's class and locals typed from their typed assignments;
- a parameter's type from the arguments the module's own calls pass it (joined over calls);
- repeated while a round learns something (at most `ROUNDS`), so a return learnt in one round
  types the calls and returns that read it in the next.

Returned values that disagree (an int and a str) stay open (PTL110 names them), where lowering
kept the first one it saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import libcst as cst

from portalis.cst_walk import SCOPES, iter_nodes
from portalis.analysis.evidence import ModuleAnalysis, FunctionUnit, _ModuleContext, decide
from portalis.analysis.facts import TypeEvidence
from portalis.analysis.values import ITER, Scope, as_list, element_type, join_values, passes_as_list, type_of
from portalis.model import PyType
from portalis.types import pytypes as T

ROUNDS = 4


@dataclass
class Completion:
    """What the completion learnt: parameter types (qualname -> parameter -> type) and return
    types (qualname -> type), only for what was open."""

    params: dict[str, dict[str, PyType]] = field(default_factory=dict)
    returns: dict[str, PyType] = field(default_factory=dict)
    # class -> attribute -> type: attributes the evidence left open, typed from what the
    # methods assign once the parameters are (`self._name = name`, name learnt from a call)
    fields: dict[str, dict[str, PyType]] = field(default_factory=dict)
    rounds: int = 0


def _known(t: PyType | None) -> bool:
    return t is not None and t.kind != ITER and T.is_known(t)


def complete_signatures(
    analysis: ModuleAnalysis,
    params: dict[str, dict[str, PyType]],
    returns: dict[str, PyType],
    fields: dict[str, dict[str, PyType]],
    known_returns: dict[str, PyType] | None = None,
) -> Completion:
    """Complete the open parameter and return types of the module's functions and methods
    (`params`/`returns` by qualname, as the type map has them; `fields` the classes' attribute
    types). `known_returns`: return types known otherwise (a function left out of `returns`
    for its diagnostics, the traced calls' result of one whose body says nothing), read
    where a call's value is evaluated (`self._jump = self._convert(self.JUMP)`) but never
    completed nor reported. Never lowers anything."""
    context = analysis.context
    units = analysis.units
    params = {q: dict(ps) for q, ps in params.items()}
    returns = dict(returns)
    out = Completion()
    open_returns = {q for q, t in returns.items() if q in units and t.kind == "unknown"}
    open_params = {q: {p for p, t in ps.items() if not T.is_known(t)} for q, ps in params.items() if q in units}
    open_params = {q: ps for q, ps in open_params.items() if ps}
    # the attributes left open, by class hierarchy (root class -> attribute -> classes)
    open_fields: dict[str, dict[str, list[str]]] = {}
    for cls, attrs in fields.items():
        for attr, t in attrs.items():
            if not _known(t) or t.kind == "none":
                open_fields.setdefault(context.root(cls), {}).setdefault(attr, []).append(cls)
    if not open_returns and not open_params and not open_fields:
        return out
    tables: dict[str, dict[str, TypeEvidence]] = {}
    for cls, attrs in fields.items():
        table = tables.setdefault(context.root(cls), {})
        for attr, t in attrs.items():
            if _known(t):
                table.setdefault(attr, TypeEvidence(type=t))
    # Argument types each caller passes (caller -> callee -> parameter -> type, None where
    # its calls disagree); a round evaluates again only the functions whose inputs changed.
    by_caller: dict[str, dict[str, dict[str, PyType | None]]] = {}
    learnt_params: set[str] = set()
    learnt_returns: set[str] = set()
    learnt_fields: set[str] = set()
    for _ in range(ROUNDS):
        out.rounds += 1
        decisions = {q: {p: TypeEvidence(type=t) for p, t in ps.items() if _known(t)} for q, ps in params.items()}
        typed_returns = {q: TypeEvidence(type=t) for q, t in returns.items() if _known(t)}
        for q, t in (known_returns or {}).items():
            if _known(t):
                typed_returns.setdefault(q, TypeEvidence(type=t))
        context.set_state(decisions, typed_returns, tables, optimistic=True)
        first = out.rounds == 1
        scopes = {q: _tolerant(context, units[q], sc) for q, sc in _reusable(analysis).items()} if first else {}

        def dirty(q: str) -> bool:
            u = units[q]
            return first or q in learnt_params or (u.cls is not None and context.root(u.cls) in learnt_fields) or any(
                (c := context.callee(u, call.callee)) is not None and c.qualname in learnt_returns for call in u.body.calls)

        new_params: set[str] = set()
        new_returns: set[str] = set()
        for q in sorted(open_returns):
            if _known(returns.get(q)) or not dirty(q):
                continue
            u = units[q]
            scope = scopes.get(q) or scopes.setdefault(q, _tolerant_scope(context, u))
            t = _tolerant_return(context, u, scope)
            if t is not None:
                returns[q] = out.returns[q] = t
                new_returns.add(q)
        for q, u in units.items():
            if dirty(q):
                by_caller[q] = _call_arguments(context, u, open_params, scopes)
        for q, args in _joined(by_caller).items():
            for p, t in args.items():
                old = params[q].get(p, T.UNKNOWN)
                new = T.unify(old, t) or old
                if new != old and T.is_known(new):
                    params[q][p] = out.params.setdefault(q, {})[p] = new
                    new_params.add(q)
        if not first:
            # The body's uses again, now that what they read is typed (`self.m(other)` where
            # m's parameter was completed, `key == self.name` where the attribute was): the
            # evidence pass's rules, with the completed signatures
            for q, ps in open_params.items():
                u = units[q]
                if not (q in learnt_params or (u.cls is not None and context.root(u.cls) in learnt_fields) or learnt_params & _callees(context, u)):
                    continue
                scope = scopes.get(q) or scopes.setdefault(q, _tolerant_scope(context, u))
                for p in sorted(ps):
                    if T.is_known(params[q].get(p, T.UNKNOWN)) or p in u.variadic or p in u.keywords:
                        continue
                    ev = decide(u.static.get(p, []) + context._use_observations(u, p, scope), u.floats)
                    if ev.type is not None and not ev.weak and _known(ev.type):
                        params[q][p] = out.params.setdefault(q, {})[p] = ev.type
                        new_params.add(q)
        new_fields = _complete_fields(context, units, open_fields, tables, scopes, out) if open_fields else set()
        if not new_params and not new_returns and not new_fields:
            break
        learnt_params, learnt_returns, learnt_fields = new_params, new_returns, new_fields
    return out


def _complete_fields(
    context: _ModuleContext,
    units: dict[str, FunctionUnit],
    open_fields: dict[str, dict[str, list[str]]],
    tables: dict[str, dict[str, TypeEvidence]],
    scopes: dict[str, Scope],
    out: Completion,
) -> set[str]:
    """The open attributes every assignment of which now types (strict, as the evidence pass
    decides them), with the parameters and returns learnt so far; the roots of the class
    hierarchies that learnt one (their methods are evaluated again)."""
    if not any(u.cls is not None and context.root(u.cls) in open_fields for u in units.values()):
        return set()
    methods = {q: u for q, u in units.items() if u.cls is not None and u.body.self_stores}
    # tolerant, as the returns: the typed assignments joined (untyped ones skipped, as the
    # older inference by lowering skipped what it could not lower)
    # (kept in `scopes`: the round's other steps read the same scopes)
    found = context.field_types({q: scopes.get(q) or scopes.setdefault(q, _tolerant_scope(context, u)) for q, u in methods.items()}, strict=False)
    learnt: set[str] = set()
    for root, attrs in open_fields.items():
        for attr, classes in list(attrs.items()):
            ev = found.get(root, {}).get(attr)
            if ev is not None and ev.type is not None and ev.type.kind in ("list", "set") and ev.type.args and ev.type.args[0].kind == "unknown":
                # `self.tokens = []`, appends of untyped values, `"".join(self.tokens)`: the
                # elements from what the methods do with them
                elem = _element_from_uses(context, units, root, attr, scopes)
                if elem is not None:
                    ev = TypeEvidence(type=PyType(kind=ev.type.kind, args=(elem,)), provenance=ev.provenance)
            if ev is None or not _known(ev.type) or ev.type.kind == "none":  # type: ignore[union-attr]
                continue
            tables.setdefault(root, {})[attr] = TypeEvidence(type=ev.type, provenance=ev.provenance)
            for cls in classes:
                out.fields.setdefault(cls, {})[attr] = ev.type  # type: ignore[assignment]
            del attrs[attr]
            learnt.add(root)
    return learnt


def _element_from_uses(
    context: _ModuleContext, units: dict[str, FunctionUnit], root: str, attr: str, scopes: dict[str, Scope]
) -> PyType | None:
    """The one element type the uses of `self.attr` in the hierarchy's methods show (None when
    none does, or two disagree)."""
    elem: PyType | None = None
    for q, u in units.items():
        if u.cls is None or context.root(u.cls) != root:
            continue
        uses = u.body.uses.get(f"self.{attr}", [])
        if not uses:
            continue
        scope = scopes.get(q) or scopes.setdefault(q, _tolerant_scope(context, u))
        for use in uses:
            for o in context._observe(u, use, scope):
                if o.shape == "elements" and o.elem is not None and _known(o.elem):
                    if elem is not None and elem != o.elem:
                        return None
                    elem = o.elem
    return elem


def _callees(context: _ModuleContext, u: FunctionUnit) -> set[str]:
    """The qualnames of the module's functions and methods `u` calls."""
    return {c.qualname for call in u.body.calls if (c := context.callee(u, call.callee)) is not None}


def _joined(by_caller: dict[str, dict[str, dict[str, PyType | None]]]) -> dict[str, dict[str, PyType]]:
    """The argument types over every caller (callee -> parameter -> type); a parameter two
    calls pass disagreeing types is left out."""
    seen: dict[str, dict[str, PyType | None]] = {}
    for callees in by_caller.values():
        for callee, args in callees.items():
            table = seen.setdefault(callee, {})
            for p, t in args.items():
                if p in table:
                    old = table[p]
                    table[p] = None if old is None or t is None else join_values(old, t)
                else:
                    table[p] = t
    return {q: {p: t for p, t in ps.items() if t is not None} for q, ps in seen.items()}


def _reusable(analysis: ModuleAnalysis) -> dict[str, Scope]:
    """The evidence pass's last scopes of the functions whose inputs (parameter types, returns,
    attribute types) are the ones now set: computing them again would give the same."""
    if analysis._last is None:
        return {}
    (last_params, last_returns, last_fields), scopes = analysis._last
    now_params, now_returns, now_fields = analysis._inputs()
    if now_returns != last_returns or now_fields != last_fields:
        return {}
    return {q: sc for q, sc in scopes.items() if now_params.get(q) == last_params.get(q)}


def _tolerant_scope(context: _ModuleContext, u: FunctionUnit) -> Scope:
    """The function's scope, with the locals the strict check leaves untyped typed from their
    typed assignments (what the tolerant lowering did: a statement it could not lower did not
    stop it from typing the local from the others), and `self` as the method's class."""
    return _tolerant(context, u, context.scope(u))


def _tolerant(context: _ModuleContext, u: FunctionUnit, scope: Scope) -> Scope:
    names = dict(scope.names)
    for n, t in scope.tentative.items():
        if names.get(n) is None and _known(t):
            names[n] = t
    if u.cls is not None and names.get("self") is None and u.name not in ("__new__",) and not _is_static(u):
        names["self"] = T.class_type(context.parsed.module, u.cls)
    names.update(_retyped_first(u, scope))
    return replace(scope, names=names)


def _retyped_first(u: FunctionUnit, scope: Scope) -> dict[str, PyType]:
    """Parameters a top-level `n *= ' '` turns into a str (or a list) before any return
    (calendar's `spacing *= ' '`): what the returns read is the new value, as the translation
    rebinds it."""
    out: dict[str, PyType] = {}
    for st in u.node.body.body if isinstance(u.node.body, cst.IndentedBlock) else []:
        if type(st) is cst.SimpleStatementLine:
            for small in st.body:
                if type(small) is cst.AugAssign and type(small.target) is cst.Name and type(small.operator) is cst.MultiplyAssign:
                    n = small.target.value
                    t = type_of(small.value, scope)
                    old = scope.names.get(n)
                    if (n in u.params and n not in u.body.assigned and t is not None and t.kind in ("str", "list")
                            and old is not None and old.kind in ("int", "bool")):
                        out[n] = t
                elif type(small) is cst.Return:
                    return out
        elif _returns_in(st):
            return out
    return out


def _returns_in(node: cst.CSTNode) -> bool:
    """Whether a statement holds a return (of this function: nested definitions aside). The
    fast walker: libcst's `children` rebuilds every node it visits, which made this walk, run
    for every method's first statements, a fifth of the type map's time."""
    if type(node) in SCOPES:
        return False
    return any(type(n) is cst.Return for n in iter_nodes(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)))


def _is_static(u: FunctionUnit) -> bool:
    for d in u.node.decorators:
        e = d.decorator
        if isinstance(e, cst.Name) and e.value in ("staticmethod", "classmethod"):
            return True
    return False


def _tolerant_return(context: _ModuleContext, u: FunctionUnit, scope: Scope) -> PyType | None:
    """The join of the typed returned values (None where no value is typed, or two disagree)."""
    body = u.body
    if u.declared_returns is not None:
        return None
    if body.generator:
        return _tolerant_yield(context, u, scope)
    values = [v for v, _line in body.returns]
    if not any(v is not None for v in values):
        return None
    # `if r is None: r = ...` then `return r`: each value evaluated with the names the flow
    # shows are not None there narrowed (narrowing.py), as lowering follows it
    scope, _nonnull, table = context.narrowed_scope(u, scope)
    saved = context.narrowing
    context.narrowing = table
    try:
        return _joined_returns(context, body, values, scope)
    finally:
        context.narrowing = saved


def _joined_returns(context: _ModuleContext, body, values: list, scope: Scope) -> PyType | None:
    joined: PyType | None = None
    partial: list[PyType] = []
    skipped = False
    for value in values:
        if value is not None and isinstance(value, cst.Name) and value.value == "NotImplemented":
            continue  # an operator method declining: the translation raises instead
        t = T.NONE if value is None else type_of(value, context.at(value, scope))
        if t is not None and t.kind == ITER and value is not None and passes_as_list(value):
            t = as_list(t)  # a generator expression returned: the list of its items
        if t is None or t.kind == ITER:
            skipped = True
            continue
        if not T.is_known(t):
            partial.append(t)  # `return []`: completed by the other returns
            continue
        if t.kind == "optional" and value is not None and not _none_branch(value) and not _read(value):
            return None  # whether it is still None there is narrowing's question
        # (a name or attribute read: evaluated with the narrowing where the flow shows it is
        # not None, so Optional here is what the function returns: `return failobj`; a call:
        # its callee returns an Optional, `return self.get(name)`)
        j = t if joined is None else join_values(joined, t)
        if j is None:
            return None
        joined = j
    if joined is None or (skipped and joined.kind == "none"):
        return None  # only the `return None`s are typed: what the others return is not known
    for t in partial:
        j = T.unify(joined, t)
        if j is None:
            return None
        joined = j
    if body.end_reachable is None or _none_inside(joined):
        # a bare None inside a container (`return None, None` with the other returns untyped):
        # what the skipped values hold there is not known
        return None
    if body.end_reachable:
        joined = T.optional(joined)
    return joined if T.is_known(joined) else None


def _read(value: cst.BaseExpression) -> bool:
    """A name, `self.x`, or a call (whose Optional is its callee's return type)."""
    return type(value) in (cst.Name, cst.Call) or (type(value) is cst.Attribute and type(value.value) is cst.Name and value.value.value == "self")


def _none_branch(value: cst.BaseExpression) -> bool:
    """`x if c else None` (either branch a literal None): Optional by construction, not a
    read of a name that narrowing might show is not None."""
    return type(value) is cst.IfExp and any(
        type(b) is cst.Name and b.value == "None" for b in (value.body, value.orelse))


def _tolerant_yield(context: _ModuleContext, u: FunctionUnit, scope: Scope) -> PyType | None:
    """A generator's type (the list of what it yields, as the translation collects it) from
    the yielded values that are typed, `yield from xs` giving xs's elements."""
    body = u.body
    if any(v is not None for v, _ in body.returns):
        return None  # a generator returning a value
    elem: PyType | None = None
    typed = [(v, False) for v, _ in body.yields] + [(v, True) for v, _ in body.yielded_from]
    for value, each in typed:
        t = T.NONE if value is None else type_of(value, context.at(value, scope))
        if each:
            t = element_type(t)
        if t is None or t.kind == ITER or not T.is_known(t):
            continue
        elem = t if elem is None else join_values(elem, t)
        if elem is None:
            return None
    if elem is None or elem.kind == "none" or _none_inside(elem):
        return None
    return T.list_of(elem)


def _none_inside(t: PyType) -> bool:
    return any(a.kind == "none" or _none_inside(a) for a in t.args)


def _call_arguments(
    context: _ModuleContext,
    u: FunctionUnit,
    open_params: dict[str, set[str]],
    scopes: dict[str, Scope],
) -> dict[str, dict[str, PyType | None]]:
    """The argument types `u`'s calls pass to the module's parameters still open (callee ->
    parameter -> type, None where two of its calls disagree)."""
    seen: dict[str, dict[str, PyType | None]] = {}
    for call in u.body.calls:
        callee = context.callee(u, call.callee)
        if callee is None or callee.qualname not in open_params:
            continue
        wanted = open_params[callee.qualname]
        scope = scopes.get(u.qualname) or scopes.setdefault(u.qualname, _tolerant_scope(context, u))
        positional = list(callee.positional)
        at = 0
        for arg in call.args:
            if arg.star:
                break
            if arg.keyword is not None:
                p = arg.keyword.value
            else:
                if at >= len(positional):
                    break
                p = positional[at]
                at += 1
            if p not in wanted or p in callee.variadic or p in callee.keywords:
                continue
            t = type_of(arg.value, context.at(arg.value, scope))
            if t is not None and t.kind == ITER and (passes_as_list(arg.value) or type(arg.value) is cst.Name):
                t = as_list(t)  # an iterator passed on: a list of its items (evidence.py says why)
            if t is not None and t.kind == "optional" and not context.narrowing:
                t = context.narrowed_value(u, arg.value, scope) or t  # `if v is not None: f(v)`
            if not _known(t) or t.kind in ("none", "optional"):
                continue
            table = seen.setdefault(callee.qualname, {})
            if p in table:
                old = table[p]
                table[p] = None if old is None else join_values(old, t)
            else:
                table[p] = t
    return seen
