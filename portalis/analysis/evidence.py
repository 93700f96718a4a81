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
- the docstring's example calls (portalis/analysis/docstrings.py);
- observed calls: the types the repository's tests and doctests passed when they ran under the
  tracer (portalis/analysis/observed.py; weaker than an annotation, merged with the rest, so a
  use that disagrees is a conflict).

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
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

import libcst as cst

from portalis.analysis import rules, structural
from portalis.analysis.class_flow import PassedClass
from portalis.analysis.docstrings import docstring_evidence, value_type
from portalis.analysis.facts import FunctionEvidence, ModuleEvidence, TypeEvidence
from portalis.analysis.generics import body_bounds, ordered, settle
from portalis.analysis.narrowing import isinstance_kinds_at, not_none_at
from portalis.analysis.observed import observed_return, observed_yields, origin as observed_origin, ranked
from portalis.analysis.uses import Body, Use, collect, dead_after_decided_test
from portalis.analysis.keyword_dicts import escapes, kind_tested_values, several_value_types
from portalis.analysis.kinds import MEMBER_KINDS, MEMBER_NAMES, KindTests, held_in, kind_tests, rebinds
from portalis.types.unions import member_for_type, union_or_none
from portalis.analysis.values import (
    ITER, Scope, arithmetic, as_list, bind_target, element_type, join_values, literal_type, passes_as_list, type_of,
)
from portalis.cst_scan import free_names
from portalis.parse import _attr_name, method_key
from portalis.cst_walk import bound_names, children, code, iter_nodes
from portalis.model import FunctionFacts, NestedFacts, ObservedFunction, ParsedModule, PyType, TypeOrigin
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
    weak: bool = False  # drawn from weak evidence itself (a loop variable only used with floats)
    kinds: bool = False  # a union from the body's isinstance tests: a member passed by a caller fits it


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
    # `**kwargs`: its evidence types each extra keyword argument (the value type of the dict)
    keywords: set[str] = field(default_factory=set)
    # how each `**kwargs` dict leaves the function for code of other modules (keyword_dicts.py)
    escaped: dict[str, str | None] = field(default_factory=dict)
    positional: list[str] = field(default_factory=list)  # the parameters positional arguments fill
    body: Body = field(default_factory=Body)
    bytes_like: bool = False  # mentions bytes: str-only methods may be bytes methods here
    floats: bool = False  # computes with floats: a float literal or a true division
    static: dict[str, list[Observation]] = field(default_factory=dict)  # defaults, docstring, observed calls
    # what traced calls passed to the base method this one overrides (no call reached it): used
    # only where the other evidence pins nothing and sees no conflict (`_decision`)
    inherited: dict[str, list[Observation]] = field(default_factory=dict)
    doc_returns: PyType | None = None
    observed_returns: TypeEvidence | None = None  # what traced calls returned
    # functions defined in the body, as callables returning what they return (`_nested_returns`):
    # a call of one is typed where the body reads it (`yield from filter(p, helper(L, k))`)
    assumed: dict[str, PyType] = field(default_factory=dict)
    itself: dict[str, PyType] = field(default_factory=dict)  # a nested function's own name, calling itself


AnnotationResolver = Callable[[str], PyType | None]


def analyse_module(
    parsed: ParsedModule,
    module: cst.Module,
    line_of: Callable[[cst.CSTNode], int | None],
    resolve: AnnotationResolver,
    module_names: set[str] | None = None,
    observed: dict[str, ObservedFunction] | None = None,
) -> ModuleEvidence:
    """The evidence for every function and method of a parsed module. `line_of` gives a
    statement's line (portalis.parse.SourceTree.line), `resolve` an annotation's type (None
    when it has none that the translator maps), `observed` what the tracer saw of the module's
    functions (qualname -> observed calls)."""
    return ModuleAnalysis(parsed, module, line_of, resolve, module_names, observed).evidence()


class ModuleAnalysis:
    """One module prepared for the analysis passes: each function body walked once (uses.py),
    then read by the evidence pass (`evidence`) and, once the type map has settled the
    signatures, by the local-types pass (`local_facts`)."""

    def __init__(
        self,
        parsed: ParsedModule,
        module: cst.Module,
        line_of: Callable[[cst.CSTNode], int | None],
        resolve: AnnotationResolver,
        module_names: set[str] | None = None,
        observed: dict[str, ObservedFunction] | None = None,
        passed: dict[str, dict[str, list[PassedClass]]] | None = None,
        imported_returns: dict[str, PyType] | None = None,
    ) -> None:
        names = module_names if module_names is not None else {f.name for f in parsed.functions} | {c.name for c in parsed.classes}
        self.parsed = parsed
        self._unit_inputs = (line_of, resolve, names)
        self.units = _units(parsed, module, line_of, resolve, names)
        for q, fn in (observed or {}).items():
            if q in self.units:
                _add_observed(self.units[q], fn)
        for q, params in (passed or {}).items():
            if q in self.units:
                _add_passed(self.units[q], params, parsed.module)
        self.context = _ModuleContext(parsed, module, self.units)
        self.context.unit_inputs = self._unit_inputs
        # `module.name` of a function another module of the repository defines -> its return type
        # there (a round of the type map before: portalis/imported_returns.py)
        self.context.imported_returns = dict(imported_returns or {})
        # The scopes of the evidence pass's last round and the types they were computed from.
        self._last: tuple[tuple[dict, dict, dict], dict[str, Scope]] | None = None

    def _inputs(self) -> tuple[dict, dict, dict]:
        """The types a function's scope is computed from: parameters (by function), returns,
        attributes of each class hierarchy."""
        c = self.context
        params = {q: tuple(c.param_type(u, p) for p in u.params) for q, u in self.units.items()}
        returns = {q: c.return_type(u) for q, u in self.units.items()}
        fields = {root: {a: ev.type for a, ev in table.items()} for root, table in c.fields.items()}
        return params, returns, fields

    def _reusable_scopes(self, inputs: tuple[dict, dict, dict]) -> dict[str, Scope]:
        """The scopes the last round computed that are still right: those of functions whose
        parameter types are the same, when every return type (which also decides the built
        constants) and the attribute types are too. A scope reads nothing else of the round's
        state (`_inputs` is what it is computed from), so computing it again gives the same
        scope. Most rounds change a few functions' types; the last round of each phase
        changes none. (`local_facts` reuses the last round's scopes by the same rule.)"""
        if self._last is None:
            return {}
        (last_params, last_returns, last_fields), scopes = self._last
        params, returns, fields = inputs
        if returns != last_returns or fields != last_fields:
            return {}
        return {q: sc for q, sc in scopes.items() if params.get(q) == last_params.get(q)}

    def evidence(self) -> ModuleEvidence:
        """The evidence for every function and method (the module-wide fixed point)."""
        units, context, parsed = self.units, self.context, self.parsed
        out = ModuleEvidence(module=parsed.module)
        decisions: dict[str, dict[str, TypeEvidence]] = {u.qualname: {} for u in units.values()}
        returns: dict[str, TypeEvidence] = {}
        fields: dict[str, dict[str, TypeEvidence]] = {}
        rounds = 0
        # Optimistic rounds (a return type from the returns typed so far), then sound ones (only
        # return types every returned expression shows) until nothing changes.
        for optimistic in (True, False):
            for _ in range(MAX_ROUNDS):
                rounds += 1
                context.set_state(decisions, returns, fields, optimistic)
                inputs = self._inputs()
                reusable = self._reusable_scopes(inputs)
                scopes = {q: reusable.get(q) or context.scope(u) for q, u in units.items()}
                self._last = (inputs, scopes)
                observations = context.observations(scopes)
                new_decisions = {
                    q: {p: _decision(u, p, observations[q].get(p, [])) for p in u.params if p not in u.declared}
                    for q, u in units.items()
                }
                new_returns = {q: context.returned(u, scopes[q], optimistic) for q, u in units.items()}
                new_fields = context.field_types(scopes, strict=not optimistic)
                stable = new_decisions == decisions and new_returns == returns and new_fields == fields
                decisions, returns, fields = new_decisions, new_returns, new_fields
                if stable:
                    break
        for q, u in units.items():
            out.functions[q] = FunctionEvidence(qualname=q, params=decisions[q], returns=returns[q], observed_returns=u.observed_returns)
        for c in parsed.classes:
            root = context.root(c.name)
            if fields.get(root):
                out.fields[c.name] = fields[root]
        out.rounds = rounds
        return out

    def local_facts(
        self,
        params: dict[str, dict[str, PyType]],
        returns: dict[str, PyType],
        fields: dict[str, dict[str, PyType]],
    ) -> dict[str, FunctionFacts]:
        """Each function's local types, given the settled signatures: `params` (qualname ->
        parameter -> type), `returns` (qualname -> type) and the classes' attribute types.

        A local has a type when every value bound to it (assignments, unpacking, loop targets,
        augmented assignments, elements stored into it) is typed and they join into one known
        type: the one type per function the translation gives a Python local. Parameters are
        left out (the signature says them)."""
        context = self.context
        known = lambda t: t is not None and T.is_known(t)  # noqa: E731
        decisions = {q: {p: TypeEvidence(type=t) for p, t in ps.items() if known(t)} for q, ps in params.items()}
        typed_returns = {q: TypeEvidence(type=t) for q, t in returns.items() if known(t)}
        tables: dict[str, dict[str, TypeEvidence]] = {}
        for cls, attrs in fields.items():
            table = tables.setdefault(context.root(cls), {})
            for attr, t in attrs.items():
                if known(t):
                    table.setdefault(attr, TypeEvidence(type=t))
        context.set_state(decisions, typed_returns, tables, optimistic=False)
        # Where the signatures are the ones the evidence pass ended with (annotated code), its
        # last scopes are these functions' scopes: reused, not computed again.
        reusable: dict[str, Scope] = {}
        if self._last is not None:
            (last_params, last_returns, last_fields), scopes = self._last
            now_params, now_returns, now_fields = self._inputs()
            if now_returns == last_returns and now_fields == last_fields:
                reusable = {q: sc for q, sc in scopes.items() if now_params.get(q) == last_params.get(q)}
        out: dict[str, FunctionFacts] = {}
        generic_scopes: dict[str, tuple[FunctionUnit, Scope, set[str]]] = {}
        for q, u in [*self.units.items(), *self._inherited_copies(params)]:
            scope = reusable.get(q) or context.scope(u)
            # Names that may be None: where the flow says one is not (`if best is None: best =
            # n`, then `result.append(best)`), values are evaluated with it narrowed
            # (narrowing.py), and the scope computed again with that.
            scope, nonnull, _table = context.narrowed_scope(u, scope)
            hidden = set(u.params) | {"self"} | set(u.body.opaque)
            found = {n: t for n, t in scope.names.items() if n not in hidden and known(t) and _plain(t)}
            # A value read from an Optional name where the flow above does not show it is not
            # None is left to lowering, which follows the narrowing. (A local reading itself is
            # Optional either way: `best = max(best, n)` joins with its own None; so is a local
            # assigned the Optional name itself, `disp = display_name` (Group.__str__), or a list
            # it is appended to as it is, `pairs.append(prev)`: its elements are Optional.)
            optional = {n for n, t in scope.names.items() if t is not None and _has_optional(t)}
            if optional:
                copies = {id(v) for values in u.body.assigned.values() for v, _line in values if type(v) is cst.Name}
                copies |= {id(v) for _n, method, nodes in u.body.stores if method in ("append", "add", "insert", "appendleft")
                           for v in nodes[-1:] if type(v) is cst.Name}
                for n, values in _bound_values(u.body).items():
                    if n in found and any(id(v) not in copies and _reads(v, optional - {n}, nonnull) for v in values):
                        del found[n]
            widened = _widened_params(u, params.get(q, {}), scope)
            bindings = self._rebound(u, scope, found, hidden)
            rebound = {n: versions for n, (versions, complete) in bindings.items() if complete}
            for n, (versions, _complete) in bindings.items():
                found[n] = versions[0]
            out[q] = FunctionFacts(locals=dict(sorted(found.items())), widened=widened, rebound=dict(sorted(rebound.items())),
                                   nested=self._nested(u, scope))
            typevars = set().union(*(T.typevars_in(t) for t in params.get(q, {}).values() if t is not None)) if params.get(q) else set()
            if typevars and u.cls is None:
                generic_scopes[q] = (u, scope, typevars)
        if generic_scopes:
            self._generic_facts(generic_scopes, out)
        return out

    def _inherited_copies(self, params: dict[str, dict[str, PyType]]) -> list[tuple[str, FunctionUnit]]:
        """The methods a subclass inherits from a module-local base (`LocaleTextCalendar.formatyear`,
        a copy of `TextCalendar.formatyear` in the type map): the base's body as a method of the
        subclass (its `self.m()` calls reach the subclass's overrides), so that each copy gets
        its own local facts."""
        out: list[tuple[str, FunctionUnit]] = []
        for q in params:
            if q in self.units or "." not in q:
                continue
            cls, method = q.rsplit(".", 1)
            if cls not in self.context.classes:
                continue
            base = self.context.method_of(cls, method)
            if base is not None and base.cls is not None and base.cls != cls:
                out.append((q, replace(base, cls=cls, qualname=q)))
        return out

    def _rebound(self, u: FunctionUnit, scope: Scope, found: Mapping[str, PyType | None], hidden: set[str]) -> dict[str, tuple[tuple[PyType, ...], bool]]:
        """Locals rebound to a value of an unrelated type (`s = []`, `s.append(c)`, then `s =
        "".join(s)`): the values bound to them do not join into one type, so each run of
        values that do (in source order, elements put into it counted in the run they follow)
        is one Rust binding, the next one a shadowing `let`. Only locals bound by whole-name
        assignments; a local `found` types, or bound otherwise, is left out. Each entry says
        whether every value was typed: when one is not (`result = _nlargest(n, result)`), the
        bindings before it are still known (the first is the local's type where lowering
        declares it; what follows is lowering's to learn)."""
        body = u.body
        others = {n for n, _, _ in body.augmented} | _bound(body) | body.opaque | hidden | set(found)
        out: dict[str, tuple[tuple[PyType, ...], bool]] = {}
        for n, values in body.assigned.items():
            if n in others or len(values) < 2 or any(line is None for _, line in values):
                continue
            ordered_values = sorted(values, key=lambda vl: vl[1] or 0)
            runs: list[tuple[int, PyType]] = []  # (first line, type)
            end: int | None = None  # the line of the first value not typed
            usable = True
            for value, line in ordered_values:
                t = type_of(value, self.context.at(value, scope))
                if t is None:
                    end = line or 0
                    break
                joined = _join_local(runs[-1][1], t) if runs else None
                if joined is None and runs and T.unify(runs[-1][1], t) is not None:
                    usable = False  # a bool then an int: lowering widens it, no new binding
                    break
                if joined is None:
                    runs.append((line or 0, t))  # the first value, or one of an unrelated type
                else:
                    runs[-1] = (runs[-1][0], joined)
            if not usable or not runs or (end is None and len(runs) < 2) or (end is not None and runs[0][1].kind == "none"):
                continue  # (`x = None` then an untyped value: narrowing's question, lowering's to answer)
            starts = [start for start, _ in runs]
            types = [t for _, t in runs]
            ok = True
            for (name, method, nodes), line in zip(body.stores, body.store_lines):
                if name != n:
                    continue
                if line is None:
                    ok = False
                    break
                if end is not None and line >= end:
                    continue  # put into a binding the analysis does not know
                i = max((k for k, start in enumerate(starts) if start <= line), default=0)
                filled = _filled(types[i], method, nodes, lambda x: type_of(x, self.context.at(x, scope)))
                joined = T.unify(types[i], filled) if filled is not None else None
                if joined is None:
                    ok = False
                    break
                types[i] = joined
            if ok and all(T.is_known(t) and _plain(t) for t in types):
                out[n] = (tuple(types), end is None)
        return out

    def _generic_facts(self, found: dict[str, tuple[FunctionUnit, Scope, set[str]]], out: dict[str, FunctionFacts]) -> None:
        """The trait bounds of the module's generic functions (portalis/analysis/generics.py),
        settled across the calls between them, into their facts."""
        names = {u.node.name.value: q for q, (u, _, _) in found.items()}
        uses = {u.node.name.value: body_bounds(u.node, scope, typevars, self.context.code, set(names))
                for u, scope, typevars in found.values()}
        for name, use in settle(uses).items():
            q = names[name]
            update = {"generic_problem": use.refused} if use.refused is not None else {
                "generics": {v: ordered(b) for v, b in sorted(use.bounds.items())}}
            out[q] = out[q].model_copy(update=update)

    def _nested(self, u: FunctionUnit, scope: Scope) -> dict[str, NestedFacts]:
        """The return types of functions defined in `u`'s body, evaluated with the argument
        types every call in the body passes (and the enclosing function's names they read);
        lowering lowers a nested function where it is called, with those types, and starts from
        this return. Plain positional parameters only; a function called with differing types,
        never called from the body, calling a sibling or itself, or whose returns are not all
        typed, is left to lowering (its first return sets the type, a later wider one is PTL112)."""
        out: dict[str, NestedFacts] = {}
        siblings = {n.name.value for n in u.body.nested}
        # names the body binds opaquely (a local `import`, `with ... as`) that would read as a
        # module function or class in the nested function's scope
        shadowing = u.body.opaque & (set(self.context.top) | self.context.classes)
        comprehension_scopes: dict[int, Scope] | None = None
        for node in u.body.nested:
            name = node.name.value
            if not _plain_nested(node, u):
                continue
            own = [p.name.value for p in node.params.params]
            calls = [c for c in u.body.calls if c.callee == name]
            if comprehension_scopes is None:
                comprehension_scopes = _comprehension_scopes(u.node, scope)
            args: tuple[PyType, ...] | None = None
            uses: list[tuple[PyType | None, ...]] = []
            for c in calls:
                if len(c.args) != len(own) or any(a.keyword is not None or a.star for a in c.args):
                    uses = []
                    break
                # a call in a comprehension (`[f(i) for i in xs]`) sees its targets
                at = comprehension_scopes.get(id(c.node), scope)
                uses.append(tuple(type_of(a.value, at) for a in c.args))
            else:
                # `sorted(xs, key=f)`: f is called with xs's elements
                uses += [(t,) for t in _key_uses(u.node, name, scope)] if len(own) == 1 else []
            for types in uses:
                if any(t is None or not T.is_known(t) or not _plain(t) for t in types) or (args is not None and types != args):
                    args = None
                    break
                args = types  # type: ignore[assignment]
            if not uses or args is None:
                continue
            read = free_names(node.body)
            if read & (siblings | shadowing):
                continue  # calls a sibling or itself: what those return is lowering's to learn
            captured = sorted(n for n in read - set(own) - u.body.opaque if n in scope.names)
            captured_types = tuple(scope.names[n] for n in captured)
            if any(t is None or not T.is_known(t) or not _plain(t) for t in captured_types):
                continue
            line_of, resolve, names = self._unit_inputs
            made: dict[str, FunctionUnit] = {}
            _add_unit(made, {}, node, None, line_of, resolve, names)
            inner = made[name]
            if inner.body.generator:
                continue
            inner.params = own + captured
            inner.positional = list(inner.params)
            inner.declared = dict(zip(inner.params, args + captured_types))  # type: ignore[operator]
            inner_scope = self.context.scope(inner)
            for p, t in _rebound_before_returns(inner, node, inner_scope, line_of).items():
                inner_scope.names[p] = t
            ret = self.context.returned(inner, inner_scope, optimistic=False)
            if ret.type is not None and T.is_known(ret.type) and _plain(ret.type):
                out[name] = NestedFacts(params=args, returns=ret.type)  # type: ignore[arg-type]
        return out


_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)


def _comprehension_scopes(fn: cst.FunctionDef, scope: Scope) -> dict[int, Scope]:
    """The scope each call inside a comprehension of `fn`'s body is evaluated in (by id of the
    call): `scope` with the targets of the comprehensions around it typed from what they
    iterate (`[f(i) for i in xs]`: i is an element of xs)."""
    out: dict[int, Scope] = {}
    stack: list[tuple[cst.CSTNode, Scope]] = [(fn.body, scope)]
    while stack:
        node, sc = stack.pop()
        t = type(node)
        if t in (cst.FunctionDef, cst.ClassDef, cst.Lambda):
            continue
        if t in _COMPREHENSIONS:
            clause = node.for_in  # type: ignore[attr-defined]
            while clause is not None:
                bound: dict[str, PyType | None] = {}
                bind_target(clause.target, element_type(type_of(clause.iter, sc)), bound)
                sc = replace(sc, names={**sc.names, **bound})
                clause = clause.inner_for_in
        elif t is cst.Call and sc is not scope:
            out[id(node)] = sc
        stack.extend((c, sc) for c in children(node))
    return out


def _key_uses(fn: cst.FunctionDef, name: str, scope: Scope) -> list[PyType | None]:
    """The element types `name` is called with as the `key=` of sorted()/min()/max() or of a
    list's `.sort()` in `fn`'s body (`sorted(nums, key=digits_sum)`)."""
    out: list[PyType | None] = []
    for call in iter_nodes(fn.body, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        if type(call) is not cst.Call:
            continue
        key = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "key"), None)  # type: ignore[attr-defined]
        if type(key) is not cst.Name or key.value != name:  # type: ignore[union-attr]
            continue
        func = call.func  # type: ignore[attr-defined]
        positional = [a.value for a in call.args if a.keyword is None and not a.star]  # type: ignore[attr-defined]
        if type(func) is cst.Name and func.value in ("sorted", "min", "max") and len(positional) == 1:
            out.append(element_type(type_of(positional[0], scope)))
        elif type(func) is cst.Attribute and func.attr.value == "sort" and not positional:
            out.append(element_type(type_of(func.value, scope)))
        else:
            out.append(None)  # another function's key: not known what it passes
    return out


def _rebound_before_returns(u: FunctionUnit, fn: cst.FunctionDef, scope: Scope, line_of) -> dict[str, PyType]:
    """Parameters the scope cannot type because the body rebinds them to an unrelated type
    (`n = [int(c) for c in str(n)]` for an int n) where the binding in effect at every return is
    known: the last binding is a statement of the function's own block (not in a branch or a
    loop), every return comes after it, and nothing else binds the name after it. Its value's
    type is the parameter's at the returns."""
    out: dict[str, PyType] = {}
    if not isinstance(fn.body, cst.IndentedBlock):
        return out
    body = u.body
    for p in u.params:
        if scope.names.get(p) is not None or p not in body.assigned or any(n == p for n, _, _ in body.augmented):
            continue
        if any(p in bound_names(target) for target, _ in body.loops):
            continue
        last: tuple[cst.BaseExpression, int] | None = None
        for stmt in fn.body.body:
            if type(stmt) is cst.SimpleStatementLine and len(stmt.body) == 1 and type(stmt.body[0]) is cst.Assign:
                assign = stmt.body[0]
                if len(assign.targets) == 1 and type(assign.targets[0].target) is cst.Name and assign.targets[0].target.value == p:
                    line = line_of(stmt)
                    if line is not None:
                        last = (assign.value, line)
        if last is None:
            continue
        value, line = last
        later = [ln for _, ln in body.assigned.get(p, []) if ln is None or ln > line]
        later += [ln for ln, _ in body.unpack_loops.get(p, []) if ln is None or ln > line]
        if later or any(ln is None or ln <= line for _, ln in body.returns):
            continue
        declared = u.declared.get(p)
        t = type_of(value, replace(scope, names={**scope.names, p: declared}))
        if t is not None and T.is_known(t) and _plain(t):
            out[p] = t
    return out


def _filled(t: PyType, method: str, nodes: tuple[cst.BaseExpression, ...], type_of_node: Callable[[cst.BaseExpression], PyType | None]) -> PyType | None:
    """The container type `t` becomes when `nodes` are put into it by `method` (`.append(x)`,
    `.add(x)`, `.extend(xs)`, `[k] = v`); None when one is untyped or the method is another."""
    if t.kind == "list" and method in ("append", "insert") and len(nodes) == (1 if method == "append" else 2):
        elem = type_of_node(nodes[-1])
        return T.list_of(elem) if elem is not None else None
    if t.kind == "set" and method == "add" and len(nodes) == 1:
        elem = type_of_node(nodes[0])
        return T.set_of(elem) if elem is not None else None
    if t.kind == "list" and method == "extend" and len(nodes) == 1:
        elem = element_type(type_of_node(nodes[0]))
        return T.list_of(elem) if elem is not None else None
    if t.kind == "dict" and method == "setitem":
        k, v = type_of_node(nodes[0]), type_of_node(nodes[1])
        return T.dict_of(k, v) if k is not None and v is not None else None
    if t.kind == "list" and method == "setitem":
        v = type_of_node(nodes[1])
        return T.list_of(v) if v is not None else None
    return None


def _widened_params(u: FunctionUnit, declared: Mapping[str, PyType | None], scope: Scope) -> dict[str, PyType]:
    """The parameters `u`'s body rebinds to values of a wider type (`n = n / 2`: an int n read
    as a float), with the type of the copy the body works on; the scope says it once the
    assigned values are typed (`_widen_params`)."""
    out: dict[str, PyType] = {}
    for p in u.params:
        own, now = declared.get(p), scope.names.get(p)
        if (p in u.body.assigned and own is not None and now is not None and T.is_known(own) and T.is_known(now)
                and now != own and T.unify(own, now) == now and _plain(now)):
            out[p] = now
    return dict(sorted(out.items()))


def _narrowed(scope: Scope, names: frozenset[str]) -> Scope:
    """`scope` with the named Optional names narrowed to what they hold when not None."""
    narrowed = {x: t.args[0] for x in names if (t := scope.names.get(x)) is not None and t.kind == "optional"}
    return replace(scope, names={**scope.names, **narrowed}) if narrowed else scope


def _certainly_not_none(t: PyType | None) -> bool:
    return t is not None and T.is_known(t) and t.kind not in ("none", "optional")


def _has_optional(t: PyType) -> bool:
    return t.kind == "optional" or any(_has_optional(a) for a in t.args)


def _bound_values(body: Body) -> dict[str, list[cst.CSTNode]]:
    """Every expression whose value a local is bound to or filled from, by local."""
    out: dict[str, list[cst.CSTNode]] = {}
    for n, values in body.assigned.items():
        out.setdefault(n, []).extend(v for v, _line in values)
    for target, value in list(body.unpacked) + list(body.loops):
        for n in bound_names(target):
            out.setdefault(n, []).append(value)
    for n, _op, value in body.augmented:
        out.setdefault(n, []).append(value)
    for n, _method, nodes in body.stores:
        out.setdefault(n, []).extend(nodes)
    return out


def _reads(node: cst.CSTNode, names: set[str], nonnull: Mapping[int, frozenset[str]]) -> bool:
    """Whether an expression reads one of the names' values where the flow does not show it
    is not None (`nonnull`, by node: narrowing.py; the arm of `a if x is None else f(x)` has
    its own). A name only tested against None, `x is None`, is not read as a value: that test
    is the same whatever the narrowing."""
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is cst.Name and n.value in names and n.value not in nonnull.get(id(n), frozenset()):
            return True
        if type(n) is cst.Comparison and type(n.left) is cst.Name and len(n.comparisons) == 1 \
                and type(n.comparisons[0].operator) in (cst.Is, cst.IsNot) \
                and type(n.comparisons[0].comparator) is cst.Name and n.comparisons[0].comparator.value == "None":
            continue
        stack.extend(children(n))
    return False


def _plain(t: PyType) -> bool:
    """A type the translation gives a local (not the evaluator's own kinds: a lazy iterator, a
    number that is an int or a float)."""
    return t.kind not in (ITER, "num") and all(_plain(a) for a in t.args)


def _units(parsed: ParsedModule, module: cst.Module, line_of, resolve: AnnotationResolver, names: set[str]) -> dict[str, FunctionUnit]:
    infos = {f.qualname: f for f in parsed.functions}
    for c in parsed.classes:
        for m in c.methods:
            infos[f"{m.qualname.rpartition('.')[0]}.{method_key(m.name, m.decorators)}"] = m  # (a property's setter: `C.__set_x__`)
    units: dict[str, FunctionUnit] = {}
    # the classes' bases as the type map reads them (class_interfaces.py): a method it signs
    # unbound (`def analyse_text(text):` under a metaclass) has every parameter read here
    from portalis.class_interfaces import Bases, class_nodes, module_bases, own_exceptions, signed_unbound

    nodes = class_nodes(module)
    bases = module_bases(parsed, own_exceptions(parsed) | {c.name for c in parsed.classes if c.name not in nodes})
    for stmt in module.body:
        if type(stmt) is cst.FunctionDef:
            _add_unit(units, infos, stmt, None, line_of, resolve, names)
        elif type(stmt) is cst.ClassDef and type(stmt.body) is cst.IndentedBlock:
            for inner in stmt.body.body:
                if type(inner) is cst.FunctionDef:
                    first = (list(inner.params.posonly_params) + list(inner.params.params))[:1]
                    unbound = signed_unbound(bases.get(stmt.name.value, Bases()), bool(inner.decorators),
                                             first[0].name.value if first else None)
                    _add_unit(units, infos, inner, stmt.name.value, line_of, resolve, names, unbound)
    return units


def _add_unit(units, infos, node: cst.FunctionDef, cls: str | None, line_of, resolve: AnnotationResolver, names: set[str],
              unbound: bool = False) -> None:
    # a property's setter shares its getter's name: it is `__set_x__`, as the outline and
    # lowering name it (it replaced the getter's unit before)
    key = method_key(node.name.value, [_attr_name(d.decorator) for d in node.decorators]) if cls else node.name.value
    qualname = f"{cls}.{key}" if cls else key
    info = infos.get(qualname)
    line = line_of(node) or (info.line if info else 0)
    decorators = {_decorator_name(d.decorator) for d in node.decorators}
    positional = list(node.params.posonly_params) + list(node.params.params)
    if cls is not None and "staticmethod" not in decorators and positional and not unbound:
        positional = positional[1:]  # self / cls
    params = positional + list(node.params.kwonly_params)
    variadic = set()
    if isinstance(node.params.star_arg, cst.Param):
        params.append(node.params.star_arg)
        variadic.add(node.params.star_arg.name.value)
    keywords = set()
    if isinstance(node.params.star_kwarg, cst.Param):
        params.append(node.params.star_kwarg)
        keywords.add(node.params.star_kwarg.name.value)
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
        declared=declared, declared_returns=returns, doc=doc, line=line, cls=cls, variadic=variadic, keywords=keywords,
        positional=[p.name.value for p in positional],
    )
    unit.body = collect(node, line_of)
    unit.bytes_like = _mentions_bytes(node)
    unit.floats = unit.body.floats
    unit.static = _static_observations(unit, names)
    unit.escaped = {p: escapes(node, p, names) for p in keywords}
    units[qualname] = unit


def _decorator_name(node: cst.BaseExpression) -> str:
    if type(node) is cst.Call:
        node = node.func  # type: ignore[attr-defined]
    if type(node) is cst.Attribute:
        return node.attr.value  # type: ignore[attr-defined]
    return node.value if type(node) is cst.Name else ""  # type: ignore[attr-defined]


_BYTES_NAMES = frozenset(("bytes", "bytearray", "memoryview", "bytes_types"))


def _mentions_bytes(node: cst.FunctionDef) -> bool:
    """Whether a function works with bytes (a bytes literal, `bytes(...)`, `.decode()`): its
    `.split()` or `.strip()` may be bytes methods."""
    stack: list[cst.CSTNode] = [node.body]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is cst.SimpleString and "b" in n.prefix.lower():  # type: ignore[attr-defined]
            return True
        if t is cst.Name and n.value in _BYTES_NAMES:  # type: ignore[attr-defined]
            return True
        if t is cst.Attribute and n.attr.value == "decode":  # type: ignore[attr-defined]
            return True
        stack.extend(children(n))
    return False


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
    doc = docstring_evidence(u.doc, u.name, [p for p in u.params if p not in u.variadic and p not in u.keywords], names)
    for p, t in doc.params.items():
        out[p].append(Observation(t, TypeOrigin(source="docstring", line=u.line, detail="example call")))
    for p, t, line in _asserted_kinds(u):
        out[p].append(Observation(t, TypeOrigin(source="use", line=line, detail=f"guard: isinstance({p}, {t}) first")))
    plain = [p for p in u.params if p not in u.declared and p not in u.variadic and p not in u.keywords]
    for p, shown in kind_tested_values(u.node, plain).items():
        # the values are of several types (analysis/keyword_dicts.py): options of any type
        out[p].append(Observation(T.dict_of(T.STR, T.DYN), TypeOrigin(source="use", line=u.line, detail=f"{shown}: values of any type")))
    u.doc_returns = doc.returns
    return out


# What `assert isinstance(x, bytes)` pins x to (one builtin type, not a tuple of them).
_ASSERTED = {"bytes": T.BYTES, "str": T.STR, "int": T.INT, "float": T.FLOAT, "bool": T.BOOL}


def _asserted_kinds(u: FunctionUnit) -> list[tuple[str, PyType, int | None]]:
    """`assert isinstance(p, bytes)` or `if not isinstance(p, int): raise ...` among the body's
    first statements (before any other control flow): every call that gets past it passes a
    `bytes` (quopri's `ishex`, plistlib's `UID`)."""
    out: list[tuple[str, PyType, int | None]] = []

    def pinned(test: cst.BaseExpression) -> None:
        if (type(test) is cst.Call and type(test.func) is cst.Name and test.func.value == "isinstance" and len(test.args) == 2
                and type(test.args[0].value) is cst.Name and type(test.args[1].value) is cst.Name):
            p, kind = test.args[0].value.value, test.args[1].value.value
            if p in u.params and p not in u.variadic and p not in u.keywords and kind in _ASSERTED:
                out.append((p, _ASSERTED[kind], u.line))

    block = u.node.body
    for st in block.body if type(block) is cst.IndentedBlock else []:
        if type(st) is cst.If and st.orelse is None and type(st.test) is cst.UnaryOperation and type(st.test.operator) is cst.Not:
            inner = st.body.body if type(st.body) is cst.IndentedBlock else []
            if len(inner) == 1 and type(inner[0]) is cst.SimpleStatementLine and type(inner[0].body[0]) is cst.Raise:
                pinned(st.test.expression)  # `if not isinstance(p, int): raise TypeError(...)`
                continue
            break
        if type(st) is not cst.SimpleStatementLine:
            break
        for small in st.body:
            if type(small) is cst.Assert:
                pinned(small.test)
    return out


def _decision(u: FunctionUnit, p: str, observations: list[Observation]) -> TypeEvidence:
    """A parameter's type from its observations; for a method overriding a traced base method,
    the base's traced types when nothing else pins one (a subclass may take more than its base,
    so what the body shows wins, and a conflict stays one)."""
    if p in u.keywords:
        return keywords_decision(observations, u.floats, u.escaped.get(p))
    ev = decide(observations, u.floats)
    if ev.type is None and ev.conflict is None and u.inherited.get(p):
        found = decide(u.inherited[p] + observations, u.floats)  # the body's shapes still check it
        if found.type is not None and found.conflict is None:
            return found
    return ev


def _add_passed(u: FunctionUnit, params: dict[str, list[PassedClass]], module: str) -> None:
    """Classes other modules pass to a parameter, or this module passes of other modules
    (portalis/analysis/class_flow.py): each a call site's `type[C]`, which the decision joins with
    the module's own call sites into `type[A | B | ...]`."""
    for p, classes in params.items():
        if p not in u.params or p in u.declared or p in u.variadic or p in u.keywords:
            continue
        for c in classes:
            o = TypeOrigin(source="call", line=c.line if c.site_module == module else None, detail=f"{c.name} passed from {c.site_module} line {c.line}")
            u.static.setdefault(p, []).append(Observation(T.class_object(T.class_type(c.module, c.name)), o))


def _add_inherited(u: FunctionUnit, fn: ObservedFunction) -> None:
    """The types traced calls passed to the base method `u` overrides (`fn.inherited`, recorded
    when no call reached `u` itself): `RegexLexer.get_tokens_unprocessed(self, text)` was called
    with strs, through `self.get_tokens_unprocessed(text)` in `Lexer.get_tokens`, which calls a
    subclass's override on the subclass's instances."""
    base = fn.inherited_from.replace(":", ".")
    for p in u.params:
        seen = fn.inherited.get(p)
        if p in u.declared or p in u.variadic or p in u.keywords or not seen or not _one_type(ranked(seen)):
            continue
        if any(c.callee == p for c in u.body.calls):
            continue  # a callable (see `_add_observed`)
        total = sum(s.calls for s in seen)
        for s in ranked(seen):
            first = f", first in {s.first}" if s.first else ""
            o = TypeOrigin(source="observed", detail=f"overrides `{base}`, which {s.calls} of {total} traced calls passed it{first}")
            u.inherited.setdefault(p, []).append(Observation(None, o, shape="none") if s.type.kind == "none" else Observation(s.type, o))


def _add_observed(u: FunctionUnit, fn: ObservedFunction) -> None:
    """The traced calls' types as evidence: each parameter's observed types are observations
    like a call site's (None: it may be None); the return, when the calls agree, is kept for
    the type map to use where nothing else types it."""
    if fn.inherited:
        _add_inherited(u, fn)
    for p in u.params:
        if p in u.declared:
            continue
        seen = fn.params.get(p)
        if not seen:
            continue
        total = sum(s.calls for s in seen)
        mixed = several_value_types([s.type for s in seen if s.type.kind != "none"])
        if mixed is not None and not _one_type(ranked(seen)) and p not in u.keywords:
            # dicts of strs in one call, of bools in another (pygments.util's `options`): one
            # dict of dynamic values, the type the `**options` dicts handed to it have
            first = ranked(seen)[0]
            o = TypeOrigin(source="observed", detail=f"{total} traced calls passed dicts whose values have several types "
                           f"({', '.join(str(s.type) for s in ranked(seen)[:3])}), first in {first.first}")
            u.static.setdefault(p, []).append(Observation(mixed, o))
            continue
        if not _one_type(ranked(seen)) or any(c.callee == p for c in u.body.calls):
            # an int in one test and a str in another: the function takes several types (a
            # generic one, or a union), which no single observed type describes; what the body
            # shows decides (the generic pass, portalis/analysis/generics.py), not a PTL170. A
            # parameter the body calls is a callable, which the tracer does not record: a str
            # seen for it (a test checking the error for a bad `key`) says nothing of its type.
            continue
        for s in ranked(seen):
            o = observed_origin(s, total)
            if s.type.kind == "none":
                u.static.setdefault(p, []).append(Observation(None, o, shape="none"))
            else:
                u.static.setdefault(p, []).append(Observation(s.type, o))
    if u.declared_returns is None:
        # a generator's calls return generator objects (not described); what it yielded types it
        t, origins = observed_yields(fn, merge_param) if u.body.generator else observed_return(fn, merge_param)
        if t is None and fn.inherited_returns and (not u.body.generator or all(s.type.kind == "list" for s in fn.inherited_returns)):
            # an override no traced call reached: what its base gave the same callers (pygments'
            # `get_tokens_unprocessed` overrides, a generator over a generator's list)
            t, origins = observed_return(fn.model_copy(update={"returns": fn.inherited_returns}), merge_param)
            base = fn.inherited_from.replace(":", ".")
            whose = "whose other overrides' (it never ran itself)" if fn.inherited_by_overrides else "whose"
            origins = [o.model_copy(update={"detail": f"overrides `{base}`, {whose} {o.detail}"}) for o in origins]
        if t is not None:
            u.observed_returns = TypeEvidence(type=t, provenance=origins[:PROVENANCE_SHOWN])


def _plain_nested(node: cst.FunctionDef, u: FunctionUnit) -> bool:
    """A function defined in `u`'s body that the nested passes evaluate: plain positional
    parameters (no annotation, default, `*`, `**` or position-only), no decorator, not async,
    no return annotation, and its name not rebound in `u`."""
    ps = node.params
    return not (node.returns is not None or node.decorators or node.asynchronous is not None or node.name.value in u.body.assigned
                or ps.posonly_params or ps.kwonly_params or isinstance(ps.star_arg, cst.Param) or ps.star_kwarg is not None
                or any(p.annotation is not None or p.default is not None for p in ps.params))


def _some_yields(u: FunctionUnit, scope: Scope) -> PyType | None:
    """A generator's list from the yields that are typed (the others skipped: a recursive
    generator's own values, not known before its first answer)."""
    elem: PyType | None = None
    for value, each in [(v, False) for v, _ in u.body.yields] + [(v, True) for v, _ in u.body.yielded_from]:
        t = T.NONE if value is None else type_of(value, scope)
        if each:
            t = element_type(t)
        if t is None or t.kind == ITER or not T.is_known(t):
            continue
        elem = t if elem is None else join_values(elem, t)
        if elem is None:
            return None
    return T.list_of(elem) if elem is not None and elem.kind != "none" else None


def _own_class_over_traced(observations: list[Observation], module: str) -> list[Observation]:
    """The policy where the tracer and the body disagree on a class: the body's uses name one
    of this module's classes (only `weekday` has `.weekday` and `.n`) and the traced calls
    passed instances of a class of another module (dateutil's `rrule.weekday`, a subclass of
    `_common.weekday` defined elsewhere; or an unrelated class with the same attributes). The
    translation of this module can take only its own class, and the cases that verify it are
    built from that class, so the traced classes of other modules are dropped instead of
    reporting PTL170. Any other disagreement between traced and static evidence (an int seen,
    a str used) stays a conflict."""
    return [o for o in observations
            if not (o.origin.source == "observed" and o.type is not None and o.type.kind == "class" and o.type.module != module)]


def _one_type(seen: list) -> bool:
    """Whether the observed types (None aside) join into one parameter type."""
    t: PyType | None = None
    for s in seen:
        if s.type.kind == "none":
            continue
        t = s.type if t is None else merge_param(t, s.type)
        if t is None:
            return False
    return True


def _class_literal_type(node: cst.BaseExpression) -> PyType | None:
    """A class-level constant's type: a literal's, or str for an f-string or a concatenation
    of string literals and f-strings (`_label = rf'(?:[^{_nlws}]...)'`, always a str)."""
    def stringy(n: cst.BaseExpression) -> bool:
        if type(n) in (cst.SimpleString, cst.FormattedString):
            return "b" not in (n.prefix.lower() if type(n) is cst.SimpleString else n.start.lower())  # type: ignore[attr-defined]
        return type(n) is cst.ConcatenatedString and stringy(n.left) and stringy(n.right)  # type: ignore[attr-defined]

    if stringy(node):
        return T.STR
    return _default_type(node)


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

    def __init__(self, parsed: ParsedModule, module: cst.Module, units: dict[str, FunctionUnit]) -> None:
        self.parsed = parsed
        self.units = units
        # id(value node) -> names not None where it is evaluated, with their non-None types
        # (portalis/analysis/narrowing.py; set by the local-types pass for one function at a time)
        self.narrowing: dict[int, dict[str, PyType]] = {}
        # id(node) -> the type a dynamic name holds there, by its isinstance tests (narrowing.py)
        self.dyn_kinds: dict[int, dict[str, PyType]] = {}
        for unit in units.values():
            self.dyn_kinds.update(isinstance_kinds_at(unit.node))
        self.top = {u.name: u for u in units.values() if u.cls is None}
        # nested functions' returns by (function, name, argument types, captured names' types)
        self.nested_cache: dict[tuple, PyType | None] = {}
        self.unit_inputs: tuple = (lambda node: None, lambda text: None, set())  # (line_of, resolve, names), set by ModuleAnalysis
        self.classes = {c.name for c in parsed.classes}
        # classes whose object is no value of the crate: enums (their object is the members),
        # exceptions and classes of builtin or foreign bases (no constructor of their own)
        self.class_object_refused = {c.name for c in parsed.classes if any(b.split(".")[-1] not in self.classes | {"object"} for b in c.bases)
                                     or any("enum" in b.lower() for b in c.bases)}
        self.method_names = {u.name for u in units.values() if u.cls is not None}
        self.modules = {(i.alias or i.module.split(".")[0]): i.module for i in parsed.imports if i.name is None}
        self.imported = {(i.alias or i.name): f"{i.module}.{i.name}" for i in parsed.imports if i.name is not None}
        self.constants = _constant_types(module, self.modules, self.imported, _path_constants(parsed))
        self.imported_returns: dict[str, PyType] = {}  # set by ModuleAnalysis
        # constant -> the synthetic function computing it (set by the type map, module_state.py)
        self.constant_inits: dict[str, str] = {}
        self.decisions: dict[str, dict[str, TypeEvidence]] = {}
        self.returns: dict[str, TypeEvidence] = {}
        self.fields: dict[str, dict[str, TypeEvidence]] = {}
        # Source text of nodes shown in provenance, for this pass only (the tree outlives it,
        # so ids stay unique while it runs).
        self._texts: dict[int, str] = {}
        self.optimistic = True
        # Module-local single bases: a hierarchy shares one table of attribute types.
        self.bases = {c.name: c.bases[0].split(".")[-1] for c in parsed.classes if len(c.bases) == 1}
        self.class_constants = {
            stmt.name.value: _class_constants(stmt) for stmt in module.body if type(stmt) is cst.ClassDef
        }
        # `x = property(getx, setx)`: class -> attribute -> (getter, setter) method names
        self.properties = {stmt.name.value: _properties(stmt) for stmt in module.body if type(stmt) is cst.ClassDef}
        self.class_nodes = {stmt.name.value: stmt for stmt in module.body if type(stmt) is cst.ClassDef}
        self._kinds: dict[tuple[str, str], KindTests] = {}  # (qualname, parameter) -> its kind tests
        self_attrs: dict[str, set[str]] = {}
        for u in units.values():
            if u.cls is not None:
                self_attrs.setdefault(u.cls, set()).update(attr for attr, _how, _nodes, _line in u.body.self_stores)
        self.structure = structural.Classes(parsed, module, self_attrs)

    def property_of(self, cls: str, attr: str) -> tuple[str | None, str | None] | None:
        for c in self.lineage(cls):
            found = self.properties.get(c, {}).get(attr)
            if found is not None:
                return found
        return None

    def code(self, node: cst.CSTNode) -> str:
        text = self._texts.get(id(node))
        if text is None:
            text = self._texts[id(node)] = code(node)
        return text

    def set_state(self, decisions, returns, fields, optimistic: bool) -> None:
        self.decisions, self.returns, self.fields, self.optimistic = decisions, returns, fields, optimistic
        # A constant later module code builds (portalis/analysis/module_state.py) has the type
        # its initialiser function returns, known as far as this round knows it.
        for name, q in self.constant_inits.items():
            r = returns.get(q)
            t = getattr(r, "type", r)
            if t is not None and T.is_known(t) and t.kind not in ("none", ITER):
                self.constants[name] = t
            else:
                self.constants.pop(name, None)

    def lineage(self, cls: str) -> list[str]:
        """The class and its module-local bases, nearest first."""
        out = [cls]
        while (base := self.bases.get(out[-1])) is not None and base in self.classes and base not in out:
            out.append(base)
        return out

    def root(self, cls: str) -> str:
        return self.lineage(cls)[-1]

    # ------------------------------------------------------------ what is known so far

    def param_type(self, u: FunctionUnit, p: str) -> PyType | None:
        if p in u.declared:
            t = u.declared[p]
            if T.is_known(t):
                return t
            # an incomplete annotation (`l: list`) that the type map completed (`list[int]`, from
            # a docstring example or the body): the settled type, when it was handed in
        ev = self.decisions.get(u.qualname, {}).get(p)
        return ev.type if ev is not None and ev.type is not None else None

    def return_type(self, u: FunctionUnit) -> PyType | None:
        if u.declared_returns is not None:
            return u.declared_returns if T.is_known(u.declared_returns) else None
        ev = self.returns.get(u.qualname)
        return ev.type if ev is not None else None

    def function_default(self, u: FunctionUnit, default: cst.BaseExpression | None) -> PyType | None:
        """`charjunk=IS_CHARACTER_JUNK` (difflib's `ndiff`): a default naming a module function
        whose parameters are positional and whose parameter and return types are settled is a
        callable of those types, its parameters with defaults left out (`IS_CHARACTER_JUNK(ch,
        ws=" \\t")`: `Callable[[str], bool]`; a call of it fills them), as an argument naming it
        would be."""
        if type(default) is not cst.Name or default.value in u.params:
            return None
        if u.cls is not None and self._class_binds(u.cls, default.value):  # type: ignore[attr-defined]
            return None  # a default in a class body naming one of its own names (evaluated there)
        f = self.top.get(default.value)  # type: ignore[attr-defined]
        if f is None or f is u or f.variadic or f.keywords or len(f.positional) != len(f.params) or f.body.generator:
            return None
        args = [self.param_type(f, q) for q in f.params if q not in f.defaults]
        ret = self.return_type(f)
        if ret is None or any(a is None for a in args) or not all(T.is_known(a) and a.kind not in ("none", ITER, "typevar") for a in [*args, ret]):  # type: ignore[arg-type,union-attr]
            return None
        return T.callable_of(tuple(args), ret)  # type: ignore[arg-type]

    def callee(self, caller: FunctionUnit, name: str) -> FunctionUnit | None:
        """The unit a call names: a module function, `self.m` (a method of the caller's
        class), or a class (its __init__)."""
        if name.startswith("self."):
            if caller.cls is None:
                return None
            for cls in self.lineage(caller.cls):
                if (u := self.units.get(f"{cls}.{name[5:]}")) is not None:
                    return u
            return None
        if name.startswith("super."):
            # `super().m(...)`: m of the nearest module-local base defining it
            if caller.cls is None:
                return None
            for cls in self.lineage(caller.cls)[1:]:
                if (u := self.units.get(f"{cls}.{name[6:]}")) is not None:
                    return u
            return None
        if name in caller.params or name in caller.body.assigned or name in caller.body.opaque:
            return None  # a local of that name
        if name in self.classes:
            return self.units.get(f"{name}.__init__")
        return self.top.get(name)

    def class_constant_before(self, u: FunctionUnit, name: str) -> PyType | None:
        """The type of `name`, a literal constant of `u`'s class body assigned before `u`'s
        def (so a default naming it, evaluated when the class body runs, is that constant)."""
        node = self.class_nodes.get(u.cls or "")
        if node is None or type(node.body) is not cst.IndentedBlock:
            return None
        found: PyType | None = None
        for stmt in node.body.body:
            if stmt is u.node:
                return found
            if type(stmt) is cst.SimpleStatementLine:
                for small in stmt.body:
                    if type(small) is cst.Assign and any(type(t.target) is cst.Name and t.target.value == name for t in small.targets):
                        t = _class_literal_type(small.value) if len(small.targets) == 1 else None
                        found = t if t is not None and T.is_known(t) and t.kind not in ("none", ITER) else None
                    elif type(small) in (cst.AugAssign, cst.AnnAssign) and type(small.target) is cst.Name and small.target.value == name:
                        found = None  # changed or annotated: not a plain literal any more
            elif name in _bound_by(stmt) or (type(stmt) in (cst.FunctionDef, cst.ClassDef) and stmt.name.value == name):
                found = None
        return None  # u is not a statement of the class body (nested deeper)

    def _class_binds(self, cls: str, name: str) -> bool:
        """Whether the class body of `cls` binds `name` anywhere (a def, an assignment...)."""
        node = self.class_nodes.get(cls)
        if node is None or type(node.body) is not cst.IndentedBlock:
            return True  # not known: suppose it does
        return any(name in _bound_by(stmt) or (type(stmt) in (cst.FunctionDef, cst.ClassDef) and stmt.name.value == name)  # type: ignore[attr-defined]
                   for stmt in node.body.body)

    def method_of(self, cls: str, method: str) -> FunctionUnit | None:
        """The unit of `cls.method`, found in the class or a module-local base; None for a
        static or class method (its parameters are not shifted by the receiver the same way)."""
        for c in self.lineage(cls):
            if (u := self.units.get(f"{c}.{method}")) is not None:
                if any(_decorator_name(d.decorator) in ("staticmethod", "classmethod") for d in u.node.decorators):
                    return None
                first = u.node.params.posonly_params or u.node.params.params
                if first and u.positional and first[0].name.value == u.positional[0]:
                    return None  # signed unbound (no `self`): what an instance's call passes is not known
                return u
        return None

    def function_returns(self, caller: FunctionUnit) -> Callable[[str], PyType | None]:
        def returns(name: str) -> PyType | None:
            if ":" in name:  # `module:Class.method`, a method of a value of that class
                m = self.method_named(name)
                return self.return_type(m) if m is not None else None
            if name in self.classes and not name.startswith("self."):
                return T.class_type(self.parsed.module, name)
            u = self.callee(caller, name)
            if u is not None:
                return self.return_type(u)
            return self.imported_return(caller, name)

        return returns

    def imported_return(self, caller: FunctionUnit, name: str) -> PyType | None:
        """What a call of `name` returns when the module imports it from another module of the
        repository whose type map typed its return (`from pygments.util import get_bool_opt`:
        bool); None for a local, a name the module defines or rebinds, or one not known."""
        full = self.imported.get(name)
        if full is None or full not in self.imported_returns:
            return None
        if name in caller.params or name in caller.body.assigned or name in caller.body.opaque \
                or name in self.top or name in self.classes:
            return None
        return self.imported_returns[full]

    def method_named(self, name: str) -> FunctionUnit | None:
        """The unit of `module:Class.method` (the class or its nearest module-local base
        defining it), None unless the class is one of this module's."""
        module, _, rest = name.partition(":")
        cls, _, method = rest.partition(".")
        if module != self.parsed.module or cls not in self.classes:
            return None
        for c in self.lineage(cls):
            if (m := self.units.get(f"{c}.{method}")) is not None:
                return m
        return None

    # ------------------------------------------------------------ one function's names

    def scope(self, u: FunctionUnit) -> Scope:
        """The types of a function's parameters and locals (a local is typed only when every
        value assigned to it is, and they join); a function defined in the body and called
        there is a callable of what it returns (`_nested_returns`)."""
        scope = self._scope(u)
        if u.body.nested:
            found = self._nested_returns(u, scope)
            if found != u.assumed:
                u.assumed = found
                scope = self._scope(u)
        return scope

    def _nested_returns(self, u: FunctionUnit, scope: Scope) -> dict[str, PyType]:
        """What the functions defined in `u`'s body return, evaluated with the argument types
        `u`'s calls pass them (joined: `helper(L, k)` with k an int in one call and Optional in
        another) and the names they read from `u`: a generator its yields' list, a function
        calling itself found by a fixed point (its own calls supposed to return what its other
        returns show, then checked: every return or yield must be typed and agree). Plain
        positional parameters only. Only for reading `u` (lowering learns the nested function
        itself; NestedFacts say what it may start from)."""
        out: dict[str, PyType] = {}
        siblings = {n.name.value for n in u.body.nested}
        shadowing = u.body.opaque & (set(self.top) | self.classes)
        for node in u.body.nested:
            name = node.name.value
            if not _plain_nested(node, u):
                continue
            own = [p.name.value for p in node.params.params]
            calls = [c for c in u.body.calls if c.callee == name]
            args: list[PyType | None] | None = None
            for c in calls:
                if len(c.args) != len(own) or any(a.keyword is not None or a.star for a in c.args):
                    args = None
                    break
                types = [type_of(a.value, self.at(a.value, scope)) for a in c.args]
                args = types if args is None else [join_values(x, y) for x, y in zip(args, types)]
                if any(t is None or not T.is_known(t) or not _plain(t) for t in args):
                    args = None
                    break
            if args is None:
                continue
            read = free_names(node.body)
            if read & ((siblings - {name}) | shadowing):
                continue
            captured = sorted(n for n in read - set(own) - u.body.opaque - {name} if n in scope.names)
            captured_types = [scope.names[n] for n in captured]
            if any(t is None or not T.is_known(t) or not _plain(t) for t in captured_types):
                continue
            key = (u.qualname, name, tuple(args), tuple(zip(captured, captured_types)))  # type: ignore[arg-type]
            if key in self.nested_cache:
                found = self.nested_cache[key]
            else:
                self.nested_cache[key] = None  # (a call of `u` from inside: not known yet)
                found = self.nested_cache[key] = self._nested_return(node, own + captured, [*args, *captured_types], name in read)  # type: ignore[list-item]
            if found is not None:
                out[name] = T.callable_of(tuple(args), found)  # type: ignore[arg-type]
        return out

    def _nested_return(self, node: cst.FunctionDef, params: list[str], types: list[PyType], recursive: bool) -> PyType | None:
        """The return type of one nested function given its parameters' types (see
        `_nested_returns`); None when not every return or yield is typed."""
        line_of, resolve, names = self.unit_inputs
        made: dict[str, FunctionUnit] = {}
        _add_unit(made, {}, node, None, line_of, resolve, names)
        inner = made[node.name.value]
        inner.params = list(params)
        inner.positional = list(params)
        inner.declared = dict(zip(params, types))
        supposed: PyType | None = None
        for _ in range(LOCAL_PASSES if recursive else 1):
            inner.itself = {inner.name: T.callable_of(tuple(types), supposed)} if recursive and supposed is not None else {}
            sc = self.scope(inner)
            t = _some_yields(inner, sc) if inner.body.generator else self.returned(inner, sc, optimistic=True).type
            if t is None or t == supposed:
                break
            supposed = t
        if supposed is None:
            return None
        inner.itself = {inner.name: T.callable_of(tuple(types), supposed)} if recursive else {}
        checked = self.returned(inner, self.scope(inner), optimistic=False).type
        return supposed if checked == supposed and _plain(supposed) else None

    def _scope(self, u: FunctionUnit) -> Scope:
        names: dict[str, PyType | None] = {}
        for p in u.params:
            t = self.param_type(u, p)
            names[p] = T.list_of(t) if t is not None and p in u.variadic else t
            if t is not None and p in u.keywords:
                names[p] = T.dict_of(T.STR, t)  # `**options`: a dict of str to the arguments' type
        fields: dict[str, PyType | None] = {}
        if u.cls is not None:
            names["self"] = None
            fields = {a: ev.type for a, ev in self.fields.get(self.root(u.cls), {}).items()}
            for c in self.lineage(u.cls):
                for attr, (getter, _setter) in self.properties.get(c, {}).items():
                    g = self.callee(u, f"self.{getter}") if getter else None
                    fields.setdefault(attr, self.return_type(g) if g is not None else None)
        body = u.body
        # a module imported in the body (`import math` in the function) is a module there, as
        # at module level, unless the body also binds its name otherwise
        local_modules = {n: m for n, m in body.modules.items() if n not in body.assigned and n not in u.params}
        modules = {**self.modules, **local_modules} if local_modules else self.modules
        scope = Scope(names=names, function_returns=self.function_returns(u), modules=modules, constants=self.constants, fields=fields,
                      imported=self.imported)
        declared_types = {p: names[p] for p in u.params}
        self._widen_params(u, scope, strict=False)
        local_names = (set(body.assigned) | {n for n, _, _ in body.augmented} | _bound(body)) - set(u.params)
        for n in body.opaque:
            if n not in local_modules:
                names[n] = u.assumed.get(n)  # (a function defined in the body: what it returns)
        names.update(u.itself)  # a nested function calling itself: its own name
        local_names -= body.opaque
        if u.body.kind_tested:
            self._kind_reads(u, scope)
        if not local_names:
            scope.names.update(declared_types)
            self._widen_params(u, scope)
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
        scope.tentative = dict(provisional)
        final = self._local_types(u, scope, local_names, strict=True)
        for n in local_names:
            names[n] = final.get(n)
        scope.names.update(declared_types)
        self._widen_params(u, scope)
        return scope

    def _widen_params(self, u: FunctionUnit, scope: Scope, strict: bool = True) -> None:
        """A parameter the body assigns holds those values too (`n = n / 2`: n is read as a
        float, as the translation widens its copy); strict: an untyped value makes it unknown
        (else it is skipped: the pass before the locals are known)."""
        for p in u.params:
            values = u.body.assigned.get(p)
            t = scope.names.get(p)
            if not values or t is None or p in u.variadic or p in u.keywords or p in u.body.kind_tested:
                continue  # (a kind-tested parameter is rebound in narrowed branches: `x = [x]`)
            for value, _line in values:
                v = type_of(value, scope)
                if v is None or v.kind == ITER:
                    if strict:
                        t = None
                        break
                    continue
                t = _join_local(t, v) if t is not None else None
                if t is None:
                    break
            scope.names[p] = t

    def narrowed_scope(self, u: FunctionUnit, scope: Scope) -> tuple[Scope, dict[int, frozenset[str]], dict[int, dict[str, PyType]]]:
        """`u`'s scope computed again with its Optional names narrowed where the flow shows they
        are not None (narrowing.py: `if hi is None: hi = len(a)`, then `lo + hi`), the names
        not None at each node (by id), and the table `at` reads to evaluate a value there (set
        it as `narrowing` while evaluating values of this function)."""
        names = dict(scope.names)
        for p in u.params:
            # a parameter that may be None and that the body rebinds (`if hi is None: hi =
            # len(a)`, then `hi = mid` in a loop) is untyped in the scope until narrowing types
            # the values read from it: it is narrowed from its own type
            t = self.param_type(u, p)
            if names.get(p) is None and t is not None and t.kind == "optional" and p not in u.variadic and p not in u.keywords:
                names[p] = t
        for n, values in u.body.assigned.items():
            # likewise a local some of whose values may be None and others are computed from
            # itself (`code = name.lower()`, `code = code.replace(...)`, later `code =
            # aliases.get(k, None)`: locale.normalize): untyped in the strict scope, since a
            # value read from an Optional is not typed until narrowing says it is not None
            # there; narrowed from the join of the values typed without it
            if names.get(n) is None and n not in u.params and n not in u.body.opaque:
                joined: PyType | None = T.UNKNOWN
                # (an `a if c else b` the scope does not type counts with the arms it types:
                # `best = x if best is None else max(best, x)` says int)
                parts = [x for v, _line in values for x in ((v.body, v.orelse) if type(v) is cst.IfExp else (v,))]
                for v in parts:
                    t = type_of(v, self.at(v, scope))
                    joined = joined if t is None else _join_local(joined, t) if joined is not None else None
                if joined is not None and joined.kind == "optional" and T.is_known(joined):
                    names[n] = joined
        optional = {n for n, t in names.items() if t is not None and t.kind == "optional"}
        if not optional:
            return scope, {}, {}
        base = replace(scope, names=names)
        for optimistic in (True, False):
            # Optimistic first: a value the scope does not type yet (`mid`, computed from the
            # name being narrowed) is supposed not None, then checked once the narrowed scope
            # types it; if one is not certainly not None then, the cautious answer.
            supposed: list[tuple[cst.BaseExpression, frozenset[str]]] = []

            def non_none(v: cst.BaseExpression, known: frozenset[str], optimistic: bool = optimistic) -> bool:
                t = type_of(v, _narrowed(base, known))
                if t is None and optimistic:
                    supposed.append((v, known))
                    return True
                return _certainly_not_none(t)

            nonnull = not_none_at(u.node, optional, non_none)
            if not nonnull:
                return scope, {}, {}
            table = {k: {x: names[x].args[0] for x in known} for k, known in nonnull.items()}  # type: ignore[union-attr]
            saved = self.narrowing
            self.narrowing = table
            try:
                narrowed = self.scope(u)
                confirmed = all(_certainly_not_none(type_of(v, _narrowed(self.at(v, narrowed), known))) for v, known in supposed)
            finally:
                self.narrowing = saved
            if confirmed:
                return narrowed, nonnull, table
        return scope, {}, {}

    def narrowed_value(self, u: FunctionUnit, value: cst.BaseExpression, scope: Scope) -> PyType | None:
        """The type of `value` (an argument of `u`) evaluated with `u`'s Optional names
        narrowed where the flow shows they are not None (`if value is not None: value =
        _escape(value)` passes a str); None where narrowing says nothing of it. Computed only
        for an argument that is Optional otherwise (narrowing evaluates the scope again)."""
        narrowed, _nonnull, table = self.narrowed_scope(u, scope)
        if not table or id(value) not in table:
            return None
        saved = self.narrowing
        self.narrowing = table
        try:
            return type_of(value, self.at(value, narrowed))
        finally:
            self.narrowing = saved

    def at(self, node: cst.CSTNode, scope: Scope) -> Scope:
        """The scope a value is evaluated in: `scope`, with the Optional names that are not
        None there narrowed (only while the local-types pass has narrowing for the function)."""
        narrowed = self.narrowing.get(id(node)) if self.narrowing else None
        kinds = self.dyn_kinds.get(id(node)) if self.dyn_kinds else None
        if kinds:
            # a dynamic value tested by isinstance holds that type in the branch
            kinds = {x: t for x, t in kinds.items() if (s := scope.names.get(x)) is not None and s.kind == "dyn"}
            if kinds:
                narrowed = {**(narrowed or {}), **kinds}
        if not narrowed:
            return scope
        return replace(scope, names={**scope.names, **narrowed})

    def _local_types(self, u: FunctionUnit, scope: Scope, local_names: set[str], strict: bool) -> dict[str, PyType | None]:
        """Each local's type from what is assigned to it. strict: every assignment must be
        typed (the check of the provisional types); else the typed ones are joined."""
        body = u.body
        at = self.at
        seen: dict[str, list[PyType | None]] = {n: [] for n in local_names}
        for n, values in body.assigned.items():
            if n in seen:
                seen[n].extend(type_of(v, at(v, scope)) for v, _line in values)
        for target, value in body.unpacked:
            bound: dict[str, PyType | None] = {}
            bind_target(target, type_of(value, at(value, scope)), bound)
            for n, t in bound.items():
                if n in seen:
                    seen[n].append(t)
        for target, iterable in body.loops:
            bound = {}
            bind_target(target, element_type(type_of(iterable, at(iterable, scope))), bound)
            for n, t in bound.items():
                if n in seen:
                    seen[n].append(t)
        for n, op, value in body.augmented:
            if n in seen:
                right = type_of(value, at(value, scope))
                left = scope.names.get(n)
                if left is None and op == "+" and right is not None and right.kind in ("str", "bytes") and not strict:
                    # `s += '\n' * l`: only a str adds a str in place (`s` from an untyped call)
                    seen[n].append(right)
                    continue
                seen[n].append(arithmetic(op, left, right))
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
        # Elements put into containers: `out = []` then `out.append(i)`; `[1, 3]` then
        # `.append(i / 2)` makes a list of floats.
        for n, method, nodes in body.stores:
            t = out.get(n)
            if t is None:
                continue
            filled: PyType | None = None
            known = True
            if method.startswith("insort:"):
                method = "append" if self._bisect_function(method[len("insort:"):]) else "?"
            if t.kind == "list" and method in ("append", "insert", "appendleft") and len(nodes) == (2 if method == "insert" else 1):
                elem = type_of(nodes[-1], at(nodes[-1], scope))
                filled = T.list_of(elem) if elem is not None else None
            elif t.kind == "set" and method == "add" and len(nodes) == 1:
                elem = type_of(nodes[0], at(nodes[0], scope))
                filled = T.set_of(elem) if elem is not None else None
            elif t.kind == "list" and method == "extend" and len(nodes) == 1:
                elem = element_type(type_of(nodes[0], at(nodes[0], scope)))
                filled = T.list_of(elem) if elem is not None else None
            elif t.kind == "dict" and method == "setitem":
                k, v = type_of(nodes[0], at(nodes[0], scope)), type_of(nodes[1], at(nodes[1], scope))
                filled = T.dict_of(k, v) if k is not None and v is not None else None
            elif t.kind == "list" and method == "setitem":
                v = type_of(nodes[1], at(nodes[1], scope))
                filled = T.list_of(v) if v is not None else None
            elif t.kind == "dict" and t.name == "defaultdict" and len(t.args) == 2 and method.startswith("item:"):
                # a defaultdict filled through its keys: `counts[w] += 1` says the key,
                # `groups[k].append(x)` the key and the element of its list (set) values
                k = type_of(nodes[0], at(nodes[0], scope))
                value_t = t.args[1]
                if method == "item:aug":
                    v = value_t
                else:
                    elem = type_of(nodes[1], at(nodes[1], scope))
                    kind = "list" if method == "item:append" else "set"
                    v = PyType(kind=kind, args=(elem,)) if elem is not None and value_t.kind == kind else None
                filled = PyType(kind="dict", args=(k, v), name=t.name) if k is not None and v is not None else None
            else:
                known = False
            if filled is None:
                if known and strict:
                    out[n] = None  # something of unknown type is put into it
                continue
            out[n] = T.unify(t, filled)
        self._nested_appends(u, out, strict)
        return out

    def _nested_appends(self, u: FunctionUnit, out: dict[str, PyType | None], strict: bool) -> None:
        """Lists of `u` that a nested function appends to (`result = []`, `def dfs(node: str):
        ... result.append(node)`): the elements, typed in the nested function with its
        annotated parameters, fill the list as `u`'s own appends do. Only for a list still
        missing its element type; a value the nested function does not type leaves it untyped
        (strict) or as it is."""
        open_lists = {n for n, t in out.items() if t is not None and t.kind == "list" and not T.is_known(t)}
        if not open_lists or not u.body.nested or self.unit_inputs is None:
            return
        line_of, resolve, names = self.unit_inputs
        for node in u.body.nested:
            made: dict[str, FunctionUnit] = {}
            _add_unit(made, {}, node, None, line_of, resolve, names)
            inner = made.get(node.name.value)
            if inner is None:
                continue
            captured = [(n, m, nodes) for n, m, nodes in inner.body.stores
                        if n in open_lists and n not in inner.params and n not in inner.body.assigned and m in ("append", "insert")]
            if not captured:
                continue
            scope = self.scope(inner)
            for n, method, nodes in captured:
                t = out.get(n)
                if t is None or len(nodes) != (2 if method == "insert" else 1):
                    continue
                elem = type_of(nodes[-1], self.at(nodes[-1], scope))
                if elem is None:
                    if strict:
                        out[n] = None
                    continue
                out[n] = T.unify(t, T.list_of(elem))

    def _bisect_function(self, spelled: str) -> bool:
        """`insort` (imported from bisect) or `bisect.insort` (`m.insort` with m the module)."""
        alias, dot, name = spelled.rpartition(".")
        if dot:
            return self.modules.get(alias) == "bisect"
        return self.imported.get(name, "").startswith("bisect.")

    def field_types(self, scopes: dict[str, Scope], strict: bool) -> dict[str, dict[str, TypeEvidence]]:
        """Attribute types of each class hierarchy from what its methods assign to `self.x`
        (and class-level literals). strict: every assignment must be typed."""
        seen: dict[str, dict[str, list[tuple[PyType | None, TypeOrigin]]]] = {}
        for cls, constants in self.class_constants.items():
            if cls not in self.classes:
                continue
            table = seen.setdefault(self.root(cls), {})
            for attr, (t, line) in constants.items():
                table.setdefault(attr, []).append((t, TypeOrigin(source="assignment", line=line, detail=f"{attr} = ... in class {cls}")))
        for q, u in self.units.items():
            if u.cls is None or not u.body.self_stores:
                continue
            scope = scopes[q]
            table = seen.setdefault(self.root(u.cls), {})
            for attr, how, nodes, line in u.body.self_stores:
                if self.property_of(u.cls, attr) is not None:
                    continue  # a property: its setter's call (see observations)
                current = scope.fields.get(attr)
                t: PyType | None
                if how == "=":
                    t = type_of(nodes[0], scope)
                elif how in ("append", "add", "insert", "extend"):
                    arg = nodes[-1] if how == "insert" else nodes[0]
                    elem = type_of(arg, scope) if how != "extend" else element_type(type_of(arg, scope))
                    t = (T.set_of(elem) if how == "add" else T.list_of(elem)) if elem is not None else None
                elif how == "setitem":
                    k, v = type_of(nodes[0], scope), type_of(nodes[1], scope)
                    if current is not None and current.kind == "list":
                        t = T.list_of(v) if v is not None else None
                    else:
                        t = T.dict_of(k, v) if k is not None and v is not None else None
                else:
                    t = arithmetic(how, current, type_of(nodes[0], scope))
                if t is not None and t.kind == ITER:
                    t = None
                detail = f"self.{attr} {how} {self.code(nodes[-1])}" if how in ("=",) or how in rules.OPERATORS.values() else f"self.{attr}.{how}({self.code(nodes[-1])})"
                table.setdefault(attr, []).append((t, TypeOrigin(source="assignment", line=line, detail=detail)))
        out: dict[str, dict[str, TypeEvidence]] = {}
        for root, table in seen.items():
            for attr, found in table.items():
                if strict and any(t is None for t, _ in found):
                    untyped = next(o for t, o in found if t is None)
                    out.setdefault(root, {})[attr] = TypeEvidence(tried=f"not typed: {untyped}")
                    continue
                joined: PyType | None = T.UNKNOWN
                provenance: list[TypeOrigin] = []
                for t, origin in found:
                    if t is None or joined is None:
                        continue
                    j = _join_local(joined, t) if t.kind != "none" else T.optional(joined) if joined.kind != "unknown" else joined
                    if j is not None and j != joined:
                        provenance.append(origin)
                    joined = j
                if t_ok(joined):
                    if any(t is not None and t.kind == "none" for t, _ in found) and joined is not None and joined.kind != "optional":
                        joined = T.optional(joined)
                    out.setdefault(root, {})[attr] = TypeEvidence(type=joined, provenance=provenance[:PROVENANCE_SHOWN])
                else:
                    out.setdefault(root, {})[attr] = TypeEvidence(tried="the values assigned do not make one type")
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
                default = u.defaults.get(p)
                if type(default) is cst.Name and default.value in self.constants and default.value not in u.params:
                    # `default_section=DEFAULTSECT`, a module constant: its type, as a literal's
                    t = self.constants[default.value]
                    if t is not None and T.is_known(t) and t.kind not in ("none", ITER):
                        obs[p].append(Observation(t, TypeOrigin(source="default", line=u.line, detail=f"= {default.value}")))
                if (type(default) is cst.Name and u.cls is not None
                        and default.value not in ("None", "True", "False") and not obs[p]):
                    # `def _make_state(compound, _nl=_nl)` in a class body whose `_nl = r'\n'`
                    # comes first: the default is the class-level constant
                    t = self.class_constant_before(u, default.value)
                    if t is not None:
                        obs[p].append(Observation(t, TypeOrigin(source="default", line=u.line, detail=f"= {default.value} (a class constant)")))
                fn = self.function_default(u, default)
                if fn is not None:
                    obs[p].append(Observation(fn, TypeOrigin(source="default", line=u.line, detail=f"= {default.value} (a module function)")))  # type: ignore[union-attr]
                obs[p].extend(self._use_observations(u, p, scopes[q]))
                structural = self._structural_observations(u, p)
                if structural:
                    obs[p] = _own_class_over_traced(obs[p], self.parsed.module)
                obs[p].extend(structural)
        self._attribute_observations(out, scopes)
        self._stored_item_observations(out, scopes)
        # Call sites: the arguments other functions pass (`self.x = v` with x a property calls
        # its setter with v).
        for q, u in self.units.items():
            scope = scopes[q]
            if u.cls is not None:
                for attr, how, nodes, line in u.body.self_stores:
                    prop = self.property_of(u.cls, attr) if how == "=" else None
                    setter = self.callee(u, f"self.{prop[1]}") if prop is not None and prop[1] else None
                    if setter is None or not setter.positional or setter.positional[0] in setter.declared:
                        continue
                    t = type_of(nodes[0], scope)
                    if t is not None and t.kind not in ("none", ITER):
                        origin = TypeOrigin(source="call", line=line, detail=f"self.{attr} = {self.code(nodes[0])} in {u.qualname} (a property)")
                        out.setdefault(setter.qualname, {p: [] for p in setter.params}).setdefault(setter.positional[0], []).append(Observation(t, origin))
            for call in u.body.calls:
                target = self.callee(u, call.callee)
                if target is not None:
                    self._argument_observations(u, target, call.args, call.node, call.line, scope, out)
                for init in self.class_object_inits(u, call.callee, scope):
                    # `cls(x)` with `cls: type[A | B]`: the arguments of each class's __init__
                    self._argument_observations(u, init, call.args, call.node, call.line, scope, out)
            self._method_call_sites(u, scope, out)
        return out

    def _stored_item_observations(self, out: dict[str, dict[str, list[Observation]]], scopes: dict[str, Scope]) -> None:
        """A parameter stored as an item of a container whose element type is known (heapq's
        `heapreplace(heap, item)`: `heap[0] = item` with `heap` a list[float], typed by the
        callee it is passed to): the element type, the only one Rust's container holds. Also
        `xs.append(p)`, `xs.insert(i, p)`, `s.add(p)`, `d[k] = p` (the value type)."""
        for q, u in self.units.items():
            scope = scopes[q]
            for (container, how, values), line in zip(u.body.stores, u.body.store_lines):
                if how not in ("setitem", "append", "insert", "add", "appendleft") or not values:
                    continue
                value = values[-1]
                if type(value) is not cst.Name or value.value not in u.params or value.value in u.declared or value.value == container:
                    continue
                held = scope.names.get(container)
                if held is None or not T.is_known(held) or T.typevars_in(held):
                    continue
                if how == "setitem" and held.kind == "dict" and len(held.args) == 2:
                    elem = held.args[1]
                elif how == "add" and held.kind == "set" and held.args:
                    elem = held.args[0]
                elif how != "add" and held.kind == "list" and held.args:
                    elem = held.args[0]
                else:
                    continue
                origin = TypeOrigin(source="use", line=line, detail=f"stored into {container} ({held})")
                out.setdefault(q, {p: [] for p in u.params}).setdefault(value.value, []).append(Observation(elem, origin))

    def _argument_observations(self, u: FunctionUnit, target: FunctionUnit, args: Sequence[Any], node: cst.CSTNode, line: int | None,
                               scope: Scope, out: dict[str, dict[str, list[Observation]]]) -> None:
        """The types of one call's arguments (in `u`, of `target`) as evidence of the parameters
        they fill: positional, keyword, extra keywords into `**kwargs`, `f(**d)`, past the named
        ones into `*args` (each an element); a call spreading `*xs` says nothing."""
        if any(a.star == "*" or (a.star == "**" and not target.keywords) for a in args):
            return
        targets = out.setdefault(target.qualname, {p: [] for p in target.params})
        position = 0
        for arg in args:
            if arg.star == "**":
                # `f(**d)` into f's `**kwargs`: each value is one of d's
                t = type_of(arg.value, scope)
                p = next(iter(target.keywords))
                if p not in target.declared and t is not None and t.kind == "dict" and len(t.args) == 2 and T.is_known(t.args[1]):
                    origin = TypeOrigin(source="call", line=line, detail=f"{self.code(node)} in {u.qualname}")
                    targets[p].append(Observation(t.args[1], origin))
                continue
            if arg.keyword is not None:
                p = arg.keyword.value
                if p not in target.params or p in target.keywords:
                    p = next(iter(target.keywords), p)  # an extra keyword: `**kwargs` takes it
            elif position < len(target.positional):
                p = target.positional[position]
                position += 1
            elif target.variadic:
                p = next(iter(target.variadic))  # into *args: each argument is one element's type
            else:
                break  # too many arguments: lowering says so
            if p not in targets or p in target.declared:
                continue
            t = type_of(arg.value, scope)
            if t is None:
                t = self.class_object_value(arg.value, scope)
            if t is None:
                continue
            if t.kind == "optional" and not self.narrowing:
                t = self.narrowed_value(u, arg.value, scope) or t
            origin = TypeOrigin(source="call", line=line, detail=f"{self.code(node)} in {u.qualname}")
            if t.kind == ITER and passes_as_list(arg.value) or t.kind == ITER and type(arg.value) is cst.Name:
                # an iterator passed on (`iter(xs)`, a generator expression): the callee gets a
                # list of its items, as an `Iterator[T]` annotation maps (the older inference
                # by lowering learnt the same); `d.items()` passed stays open
                t = as_list(t) or t
            if t.kind == "none":
                targets[p].append(Observation(None, origin, shape="none"))
            elif t.kind != ITER:
                targets[p].append(Observation(t, origin))

    def class_object_value(self, node: cst.BaseExpression, scope: Scope) -> PyType | None:
        """`make(A, x)`: a class of this module named as a value (not shadowed by a local or a
        constant) is a class object, `type[A]` (calls passing `B` too join to `type[A | B]`)."""
        if type(node) is not cst.Name or node.value in scope.names or node.value in scope.constants:
            return None
        if node.value not in self.classes or node.value in self.class_object_refused:
            return None
        return T.class_object(T.class_type(self.parsed.module, node.value))

    def class_object_inits(self, u: FunctionUnit, callee: str, scope: Scope) -> list[FunctionUnit]:
        """The `__init__`s a call of a class-object parameter or local runs (`cls(x)`)."""
        if "." in callee:
            return []
        held = scope.names.get(callee)
        if held is None or held.kind != T.CLASS_OBJECT:
            return []
        return [init for c in T.object_classes(held)
                if c.module == self.parsed.module and (init := self.units.get(f"{c.name}.__init__")) is not None]

    def _method_call_sites(self, u: FunctionUnit, scope: Scope, out: dict[str, dict[str, list[Observation]]]) -> None:
        """`w.feed("text")` with `w` a local or parameter holding an instance of a module class
        (`w = Writer()`): the arguments are evidence of `Writer.feed`'s parameters, as a call of
        a module function's are."""
        for n, uses in u.body.uses.items():
            if n == "self" or "." in n:
                continue
            for use in uses:
                if use.kind != "method" or type(use.other) is not cst.Call:
                    continue
                receiver = scope.names.get(n)
                if receiver is None or receiver.kind != "class" or receiver.module != self.parsed.module:
                    continue
                target = self.method_of(receiver.name, use.op) if receiver.name in self.classes else None
                if target is not None:
                    self._argument_observations(u, target, use.other.args, use.other, use.line, scope, out)  # type: ignore[attr-defined]

    def _structural_observations(self, u: FunctionUnit, p: str) -> list[Observation]:
        """`tok.kind` and `tok.render()` where only the module's class `Token` has both: `tok`
        is a `Token` (portalis/analysis/structural.py says when the names tell one class)."""
        body = u.body
        if (p in u.variadic or p in body.kind_tested or p in body.opaque or p in body.shadowed or p in body.assigned
                or p in _bound(body)):
            return []
        uses = [use for use in body.uses.get(p, []) if use.kind in ("attribute", "method")]
        if not uses:
            return []
        used = {use.op for use in uses if use.op}
        cls = self.structure.only_class(used)
        if cls is None:
            return []
        shown = ", ".join(f".{n}" for n in sorted(used)[:3]) + (", ..." if len(used) > 3 else "")
        origin = TypeOrigin(source="use", line=uses[0].line, detail=f"{shown}: of the module's classes only {cls} has them")
        return [Observation(T.class_type(self.parsed.module, cls), origin)]

    def _attribute_observations(self, out: dict[str, dict[str, list[Observation]]], scopes: dict[str, Scope]) -> None:
        """`self.limit = limit` in a method: the class's uses of `self.limit` (comparisons,
        arithmetic, `is None`, in any method of the hierarchy) are evidence of the parameter
        stored there (`max_lines=None` compared with `> 1` elsewhere: Optional[int])."""
        by_root: dict[str, list[FunctionUnit]] = {}
        for u in self.units.values():
            if u.cls is not None:
                by_root.setdefault(self.root(u.cls), []).append(u)
        for q, u in self.units.items():
            if u.cls is None:
                continue
            for attr, how, nodes, _line in u.body.self_stores:
                value = nodes[0] if nodes else None
                if how != "=" or type(value) is not cst.Name:
                    continue
                p = value.value  # type: ignore[attr-defined]
                body = u.body
                if (p not in u.params or p in u.declared or p in u.variadic or p in u.keywords or p in body.assigned or p in body.opaque
                        or p in body.kind_tested or p in body.shadowed or p in _bound(body)):
                    continue  # rebound or narrowed: the attribute may hold something else
                if self.property_of(u.cls, attr) is not None:
                    continue
                found = out.setdefault(q, {}).setdefault(p, [])
                for other in by_root.get(self.root(u.cls), []):
                    for use in other.body.uses.get(f"self.{attr}", []):
                        found.extend(self._observe(other, use, scopes[other.qualname]))

    def _use_observations(self, u: FunctionUnit, p: str, scope: Scope) -> list[Observation]:
        body = u.body
        if p in u.variadic and not (p in body.kind_tested or p in body.opaque or p in body.shadowed or p in body.assigned):
            # `*choices` then `'|'.join(choices)`: what the uses say of its elements is the
            # type of each argument
            return [Observation(o.elem, o.origin) for use in body.uses.get(p, []) for o in self._observe(u, use, scope)
                    if o.shape == "elements" and o.elem is not None and T.is_known(o.elem)]
        if p in u.keywords:
            # `options.get('x', True)`, `options['x']`: the uses show a dict, not the type of
            # each keyword argument (those come from the call sites and the traced calls);
            # `g(**options)` passes them on: each is what g's `**kwargs` takes
            return [Observation(o.type.args[1], o.origin) for use in body.uses.get(p, []) if use.kind == "passed" and use.index == "**"
                    for o in self._observe(u, use, scope) if o.type is not None and o.type.kind == "dict" and len(o.type.args) == 2]
        if p in body.kind_tested and not (p in body.opaque or p in body.shadowed or p in u.variadic):
            return self._kind_observations(u, p, scope)  # narrowed by kind: a union of the kinds
        if p in body.kind_tested or p in body.opaque or p in body.shadowed or p in u.variadic:
            return []  # narrowed by kind, rebound by a with/except/import, shadowed
        out: list[Observation] = []
        for use in body.uses.get(p, []):
            out.extend(self._observe(u, use, scope))
        # Values the body assigns to the parameter: evidence when all are typed and agree with
        # the rest; a rebinding to something else makes the uses say nothing about the argument.
        rebound = [(v, line) for v, line in body.assigned.get(p, [])]
        unpacked = any(p in bound_names(t) for t, _ in body.unpacked)
        rebound_elsewhere = unpacked or any(p in bound_names(t) for t, _ in body.loops)
        # `n *= " "`: the number becomes a str (the uses after it are the str's)
        retyped = any(n == p and op == "*" and (v := type_of(value, scope)) is not None and v.kind in ("str", "list")
                      for n, op, value in body.augmented)
        if unpacked and not retyped and not any(p in bound_names(t) for t, _ in body.loops):
            # `user, delim, host = host.rpartition('@')`: the uses up to the first rebinding
            # (its right-hand side included), outside loops holding one, see the argument
            early = _before_rebinding(body.uses.get(p, []), body.unpack_loops.get(p, []) + body.assign_loops.get(p, []))
            seen = [o for use in early for o in self._observe(u, use, scope)]
            if any(o.shape == "none" for o in seen + u.static.get(p, [])):
                # `month=None` then `year, month, day = _check_date_fields(year, month, day)`:
                # the None the argument may be is replaced; what it holds otherwise is not said
                return []
            return seen
        if rebound_elsewhere or retyped:
            return []
        if rebound:
            early = _before_rebinding(body.uses.get(p, []), body.assign_loops.get(p, []))
            assigned = []
            typed = [type_of(value, scope) for value, _line in rebound]
            if any(t is None or t.kind == ITER for t in typed):
                # `hi = len(a)` then `hi = mid` with `mid = (lo + hi) // 2`: a value read from
                # the parameter itself is typed only once the parameter is. Supposing it holds
                # what the typed rebindings give, every rebinding that types to a value that
                # joins with it confirms the supposition (one type per local, as lowering's).
                supposed = self._supposed_rebinding(u, p, rebound, typed)
                if supposed is not None:
                    typed = supposed
            for (value, line), t in zip(rebound, typed):
                if t is None or t.kind == ITER:
                    return [o for use in early for o in self._observe(u, use, scope)]
                origin = TypeOrigin(source="assignment", line=line, detail=f"{p} = {self.code(value)}")
                assigned.append(Observation(None, origin, shape="none") if t.kind == "none" else Observation(t, origin))
            everything = u.static.get(p, []) + out
            if not any(o.shape == "none" for o in everything) or decide(everything + assigned).conflict is not None:
                # `n = str(n)`: the uses after it may be the new value's; those before it (and
                # in its own right-hand side), outside any loop around it, are the argument's
                return [o for use in early for o in self._observe(u, use, scope)]
            # `if hi is None: hi = len(a)`: what replaces the None is what it holds otherwise
            out = out + [o for o in assigned if o.shape != "none"]
        return out

    def kinds(self, u: FunctionUnit, p: str) -> KindTests:
        """The kind tests of `u`'s parameter `p` (read once per pass)."""
        key = (u.qualname, p)
        found = self._kinds.get(key)
        if found is None:
            try:
                found = kind_tests(u.node, p, frozenset(self.classes))
            except RecursionError:  # an expression nested past Python's limit: no union, said so
                found = KindTests(problem="an expression nested too deeply to read")
            self._kinds[key] = found
        return found

    def _kind_reads(self, u: FunctionUnit, scope: Scope) -> None:
        """Each reading of a union parameter inside a branch of its isinstance tests that selects
        one member, typed as that member in `scope.at` (what lowering's `match` binds there)."""
        for p in u.body.kind_tested:
            t = scope.names.get(p)
            union = t.args[0] if t is not None and t.kind == "optional" else t
            if union is None or union.kind != "union" or p not in u.params:
                continue
            found = self.kinds(u, p)
            if found.problem is not None:
                continue
            for _how, around, node in found.reads:
                held = held_in(union, around) if around else []
                if len(held) == 1:
                    scope.at[node] = held[0]

    def member_class_problem(self, name: str) -> str | None:
        """Why the module's class `name` cannot be a union member, or None. A variant holds
        instances of exactly its class: a class the module derives others from would need
        `isinstance(x, C)` to select the subclasses' variants too (and a caller passing a
        subclass would add one); a base from outside the module (an exception, an Enum, a
        builtin value) makes it another kind of value than a plain struct."""
        derived = sorted(c.name for c in self.parsed.classes if any(b.split(".")[-1] == name for b in c.bases))
        if derived:
            return f"the module derives {derived[0]} from it (a variant holds exactly its class)"
        cls = next((c for c in self.parsed.classes if c.name == name), None)
        outside = [b for b in (cls.bases if cls is not None else []) if b not in self.classes and b not in ("object", "ABC", "abc.ABC")]
        if outside:
            return f"its base {outside[0]} is not a class of the module"
        return None

    def _kind_observations(self, u: FunctionUnit, p: str, scope: Scope) -> list[Observation]:
        """A parameter the body asks the kind of (`if isinstance(s, str): ... else: s.decode()`):
        the union of the types its tests name and the type the fall-through branch uses it as
        (`bytes | str`), when lowering narrows it as Python does (portalis/analysis/kinds.py);
        else one observation saying why not (the parameter's PTL110 shows it)."""
        found = self.kinds(u, p)
        line = u.line

        def refused(why: str) -> list[Observation]:
            return [Observation(None, TypeOrigin(source="use", line=line, detail=f"kind-tested: {why}"), shape="kinds")]

        if found.problem is not None:
            return refused(found.problem)
        if not found.names:
            return []  # `type(x)` read only, no test
        if rebinds(u.node, p):
            return refused("rebound in the body (an arm would assign the union, not its member)")
        other = sorted(n for n in found.names if n not in MEMBER_NAMES and n not in self.classes)
        if other:
            shown = other[0] if other[0] != "?" else "a type that is not a name"
            return refused(f"isinstance() with {shown} (a union's members are int, float, str, bytes, bool and the module's classes)")
        for n in sorted(found.names & self.classes):
            why = self.member_class_problem(n)
            if why is not None:
                return refused(f"isinstance() with {n}: {why}")
        members = [MEMBER_NAMES[n] if n in MEMBER_NAMES else T.class_type(self.parsed.module, n) for n in sorted(found.names)]
        # What the fall-through (the branch no test selects) does with it: one more member.
        # (less the arms of a later chain inside it: `if isinstance(x, A): return ...` then
        # `if isinstance(x, B): return ...` then the rest: B's arm is not the fall-through)
        rest: set[int] = set()
        for arm in found.arms:
            if arm.names is None:
                rest |= arm.nodes
        for arm in found.arms:
            if arm.names is not None:
                rest -= arm.nodes
        # where the tests name bytes, the fall-through holds no bytes: a str method there is a
        # str's (elsewhere a bytes-handling function's `.upper()` may be either's)
        reader = replace(u, bytes_like=False) if u.bytes_like and found.names & {"bytes", "bytearray"} else u
        seen = [o for use in u.body.uses.get(p, []) if use.node is not None and id(use.node) in rest
                for o in self._observe(reader, use, scope)]
        extra: PyType | None = None
        if seen:
            ev = decide(seen, u.floats)
            if ev.conflict is not None:
                return refused(f"the branch no test selects: {ev.conflict}")
            if ev.type is not None and ev.type.kind in MEMBER_KINDS:
                extra = ev.type
            elif (ev.type is not None and ev.type.kind == "class" and ev.type.module == self.parsed.module
                  and ev.type.name in self.classes and self.member_class_problem(ev.type.name) is None):
                extra = ev.type  # `else: x.area()`: the class whose method it calls
            elif ev.type is not None:
                return refused(f"the branch no test selects uses it as {ev.type} (a union's members are int, float, str, bytes, bool)")
        union = union_or_none(members + ([extra] if extra is not None else []))
        if union is None or union.kind == "num":
            return []  # int or float: the number rule (typemap) keeps its kind
        # Every other reading is in an arm that selects one member (lowering's `match` binds it
        # there). An arm selecting none is dropped by the `match` (Python never runs it either),
        # but only for a union: a single type keeps its `if` and lowers the branch.
        members_of = union if union.kind == "union" else PyType(kind="union", args=(union,))
        if "int" in found.exact and any(m.kind == "bool" for m in members_of.args):
            return refused("`type(x) is int` where a bool is a member (isinstance would select it, type() does not)")
        classy = any(m.kind == "class" for m in members_of.args)
        for how, around, _node in found.reads:
            if how == "shared":
                continue
            if how == "common" and classy and (not around or len(held_in(members_of, around)) != 1):
                return refused(f"`==`, str(), repr(), print() or truthiness of it where it may be any of {union} (a class member has no such common form)")
            if how == "common":
                continue
            if how == "bound":
                return refused("rebound in the body (an arm would assign the union, not its member)")
            held = held_in(members_of, around) if around else None
            if held is None or len(held) > 1 or (not held and union.kind != "union"):
                what = f"any of {union}" if held is None or held else f"what no test names (not {union})"
                return refused(f"`{how}` reads it where it may be {what}")
        tests = found.first if len(found.first) <= 40 else found.first[:37] + "..."
        detail = f"isinstance tests ({tests}" + (f"; {extra} in the other branch" if extra is not None else "") + ")"
        return [Observation(union, TypeOrigin(source="use", line=line, detail=detail), kinds=True)]

    def _supposed_rebinding(
        self, u: FunctionUnit, p: str, rebound: list[tuple[cst.BaseExpression, int | None]], typed: list[PyType | None]
    ) -> list[PyType | None] | None:
        """The rebindings' types with the parameter supposed to hold the join of the typed ones
        (None and untyped values aside); None when nothing is typed, or under the supposition a
        value is still untyped or does not join with it (then the supposition was wrong)."""
        supposed: PyType | None = T.UNKNOWN
        for t in typed:
            if t is not None and t.kind not in (ITER, "none"):
                supposed = _join_local(supposed, t) if supposed is not None else None
        if supposed is None or supposed.kind == "unknown" or not T.is_known(supposed):
            return None
        saved = self.decisions
        mine = dict(saved.get(u.qualname, {}))
        mine[p] = TypeEvidence(type=supposed)
        self.decisions = {**saved, u.qualname: mine}
        try:
            scope = self.scope(u)
        finally:
            self.decisions = saved
        out: list[PyType | None] = []
        for value, _line in rebound:
            t = type_of(value, scope)
            if t is None or t.kind == ITER or (t.kind != "none" and _join_local(supposed, t) != supposed):
                return None
            out.append(t)
        return out

    def _observe(self, u: FunctionUnit, use: Use, scope: Scope) -> list[Observation]:
        """What one use says about the name's type."""
        kind = use.kind
        line = use.line
        def text() -> str:  # rendered only for the observations made (printing code is costly)
            shown = self.code(use.node) if use.node is not None else ""
            if kind == "iterated" and use.other is not None:
                shown = f"for {self.code(use.other)} in {shown}"
            return shown

        def strong(t: PyType | None, detail: str | None = None) -> list[Observation]:
            if t is None or t.kind in (ITER, "unknown", "none"):
                return []
            return [Observation(t, TypeOrigin(source="use", line=line, detail=detail if detail is not None else text()))]

        def shape(s: str, elem: PyType | None = None, detail: str | None = None) -> list[Observation]:
            return [Observation(None, TypeOrigin(source="use", line=line, detail=detail if detail is not None else text()), shape=s, elem=elem)]

        if kind == "method":
            return self._method_use(u, use, scope, strong, shape)
        if kind == "arith":
            other = type_of(use.other, scope) if use.other is not None else None
            if other is None and use.other is not None and scope.tentative:
                # the other operand's type only from its typed assignments: a number at most
                guess = type_of(use.other, Scope(names={**scope.names, **scope.tentative}, function_returns=scope.function_returns,
                                                 modules=scope.modules, constants=scope.constants, fields=scope.fields,
                                                 imported=scope.imported))
                if guess is not None and guess.kind == "float" and use.op in ("+", "-", "*", "/"):
                    return shape("floaty")
                if guess is not None and guess.kind == "int" and use.op in ("+", "-", "//", "%"):
                    return shape("number")
            return _arith_use(use, other, strong, shape)
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
            if other is not None and other.kind == "float":
                return shape("floaty")
            if other is not None and other.kind in ("int", "str", "bool"):
                return strong(other)
            if other is not None and other.kind == "bytes":
                return strong(T.BYTES)  # bytes compare (and order) only with bytes-like values
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
            if container.kind == "bytes":
                return []  # `x in b`: an int or a bytes subsequence
            if container.kind == "dict" and container.args:
                return strong(container.args[0])
            elem = element_type(container)
            return strong(elem) if elem is not None and T.is_known(elem) else []
        if kind == "contains":
            return shape("iterable")  # a str, or any container: nothing more
        if kind == "element_method":
            # `chunks[-1].strip()`: an element with a method only a str has (bytes aside)
            if rules.RECEIVER_KIND.get(use.op) == "str" and not u.bytes_like:
                return shape("sequence") + shape("elements", elem=T.STR)
            return []
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
            detail = f"[{self.code(use.other)}] = {self.code(use.node)}" if use.other is not None and use.node is not None else None
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
            elem, weak = self._loop_element(u, use, scope)
            elements = [Observation(None, TypeOrigin(source="use", line=line, detail=text()), shape="elements", elem=elem, weak=weak)]
            return shape("iterable") + (elements if elem is not None else [])
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
        if receiver == "str" and method in rules.DATE_METHODS_TOO and (
                any(a.keyword is not None and a.keyword.value != "count" or a.star == "**" for a in call.args)
                or any(o.type is not None and o.type.kind in ("date", "datetime", "time") for o in u.static.get(use.name, []))):
            # `dt.replace(tzinfo=None)`: a keyword str.replace does not take, or a parameter the
            # traced calls showed a date/datetime/time, which has the method too (dateutil's tz
            # functions: PTL170 "datetime (observed) and str (use: .replace())" before)
            return []
        if receiver == "str":
            return [] if u.bytes_like else strong(T.STR, detail)
        if receiver == "bytes":
            return strong(T.BYTES, detail)
        if receiver == "re_match":
            return strong(rules.RE_MATCH, detail)
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
                if t is not None and index == "**":
                    if p not in callee.keywords:
                        return []  # `f(**d)` into named parameters: not followed
                    t = T.dict_of(T.STR, t)  # the dict of what `**kwargs` takes
                return strong(t, f"passed to {fname}() as `{p}`") if t is not None else []
            if fname in self.top or fname in self.classes:
                return []
            if fname == "ord" and u.bytes_like:
                return []  # ord() takes a one-byte bytes as well as a one-character str
            imported = scope.imported.get(fname, "")
            if imported.startswith("math.") and fname not in scope.constants:
                # `from math import fabs`; fabs(x)
                if imported[5:] in rules.MATH_FLOAT_ARGS:
                    return strong(T.FLOAT, f"{imported}()")
                if imported[5:] in rules.MATH_INT_ARGS:
                    return strong(T.INT, f"{imported}()")
                return []
            if fname in rules.BUILTIN_PARAMS and isinstance(index, int) and index < len(rules.BUILTIN_PARAMS[fname]):
                return strong(rules.BUILTIN_PARAMS[fname][index], f"{fname}()")
            if fname == "len":
                return shape("sized", detail="len()")
            if fname in ("abs", "round", "divmod") and index == 0:
                return shape("number", detail=f"{fname}()")
            if fname in ("min", "max") and isinstance(index, int) and len(call.args) > 1 and all(a.keyword is None and not a.star for a in call.args):
                # compared with the other arguments: the same kind of value
                for i, a in enumerate(call.args):
                    t = type_of(a.value, scope) if i != index else None
                    if t is None:
                        continue
                    if t.kind == "float":
                        return shape("floaty", detail=f"{fname}() with {self.code(a.value)}")
                    if t.kind in ("int", "str"):
                        return strong(t, f"{fname}() with {self.code(a.value)}")
                return shape("number", detail=f"{fname}()") if any(type_of(a.value, scope) is not None for a in call.args) else []
            if fname in ("sorted", "min", "max", "sum", "list", "set", "tuple", "enumerate", "reversed", "zip", "any", "all") and index == 0 and len(call.args) == 1:
                return shape("iterable", detail=f"{fname}()")
            return []
        if type(func) is cst.Attribute:
            method = func.attr.value
            receiver_node = func.value
            if type(receiver_node) is cst.Name and u.cls is not None and (
                    receiver_node.value == "self" or (receiver_node.value == "cls" and "cls" not in scope.names)):
                # `self.m(x)`: the type of m's parameter (m of the class or a base class)
                callee = self.callee(u, f"self.{method}")
                p = _param_at(callee, index) if callee is not None else None
                t = self.param_type(callee, p) if callee is not None and p is not None else None
                if t is not None and index == "**":
                    if callee is None or p not in callee.keywords:
                        return []
                    t = T.dict_of(T.STR, t)
                return strong(t, f"passed to self.{method}() as `{p}`") if t is not None else []
            if (type(receiver_node) is cst.Call and type(receiver_node.func) is cst.Name and receiver_node.func.value == "super"
                    and not receiver_node.args and u.cls is not None and "super" not in scope.names):
                # `super().m(x)`: the type of m's parameter in the nearest module base defining it
                above = self.lineage(u.cls)[1:]
                base = self.method_of(above[0], method) if above else None  # (a plain method: self first)
                p = _param_at(base, index) if base is not None else None
                t = self.param_type(base, p) if base is not None and p is not None and index != "**" else None
                return strong(t, f"passed to super().{method}() as `{p}`") if t is not None else []
            if type(receiver_node) is cst.Name and receiver_node.value in ("bytes", "bytearray") \
                    and receiver_node.value not in scope.names and receiver_node.value not in self.modules:
                if method == "maketrans":
                    return strong(T.BYTES, f"{receiver_node.value}.maketrans()")
                if method == "fromhex":
                    return strong(T.STR, f"{receiver_node.value}.fromhex()")
                return []
            if type(receiver_node) is cst.Name and receiver_node.value not in scope.names \
                    and receiver_node.value not in scope.constants:
                module = self.modules.get(receiver_node.value)
                if module == "math":
                    if method in rules.MATH_FLOAT_ARGS:
                        return strong(T.FLOAT, f"math.{method}()")
                    if method in rules.MATH_INT_ARGS:
                        return strong(T.INT, f"math.{method}()")
                if module == "datetime" and method == "date" and index in (0, 1, 2, "year", "month", "day"):
                    return strong(T.INT, "datetime.date()")
                if module == "re" and rules.RE_SUBJECT_ARG.get(method) == index:
                    return strong(T.STR, f"searched by re.{method}()")
                if module in rules.BYTES_MODULES and method in rules.BYTES_MODULES[module] and index in (0, "s"):
                    return strong(T.BYTES, f"{module}.{method}()")
                if module == rules.UCD_3_2 and method in rules.UCD_STR_FUNCTIONS and index in (0, "chr"):
                    return strong(T.STR, f"{module}.{method}()")
                return []
            receiver = type_of(receiver_node, scope)
            if receiver is None:
                return []
            detail = f".{method}() of a {receiver}"
            if receiver.kind == "class" and receiver.module == self.parsed.module and receiver.name in self.classes:
                # `parser.feed(line)` with `parser` a Parser of the module: feed's parameter type
                callee = self.method_of(receiver.name, method)
                p = _param_at(callee, index) if callee is not None else None
                t = self.param_type(callee, p) if callee is not None and p is not None else None
                if t is not None and p in callee.variadic and t.kind == "list":
                    t = t.args[0]
                return strong(t, f"passed to {receiver.name}.{method}() as `{p}`") if t is not None else []
            if receiver.kind == "re_pattern":
                # a compiled str pattern (`_whitespace_only_re.sub('', text)`): what it searches is a str
                subject = 1 if method in ("sub", "subn") else 0 if method in rules.RE_SUBJECT_ARG else None
                return strong(T.STR, f"searched by .{method}() of a compiled pattern") if index == subject else []
            if receiver.kind == "bytes":
                # bytes methods take bytes (`b.translate(table)`, `b.split(sep)`), count/find an
                # int or bytes: only the unambiguous ones pin
                if method in ("translate", "split", "rsplit", "replace", "startswith", "endswith", "join", "strip",
                              "lstrip", "rstrip") and index == 0 and method != "join":
                    return strong(T.BYTES, detail)
                return []
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

    def _loop_element(self, u: FunctionUnit, use: Use, scope: Scope) -> tuple[PyType | None, bool]:
        """The element type a loop over the name shows, from how the loop variable is used."""
        target = use.other
        if use.op == "enumerate" and type(target) in (cst.Tuple, cst.List) and len(target.elements) == 2:  # type: ignore[union-attr]
            target = target.elements[1].value  # type: ignore[union-attr]
        if type(target) is not cst.Name:
            return None, False
        x = target.value  # type: ignore[union-attr]
        if x in u.params or x in u.body.assigned or x in u.body.opaque:
            return None, False
        found: list[Observation] = []
        for other in u.body.uses.get(x, []):
            if other.kind in ("iterated",):
                continue
            found.extend(self._observe(u, other, scope))
        ev = decide(found, u.floats)
        t = ev.type
        return (t, ev.weak) if t is not None and T.is_known(t) else (None, False)

    # ------------------------------------------------------------ returns

    def _yielded(self, u: FunctionUnit, scope: Scope) -> TypeEvidence:
        """A generator's type: the list of what it yields (as a `Generator[Y, ...]` annotation
        maps; the translation collects it), when every yielded value is typed."""
        body = u.body
        if any(v is not None for v, _ in body.returns):
            return TypeEvidence(tried="a generator returning a value")
        elem: PyType | None = None
        provenance: list[TypeOrigin] = []
        for value, line, each in [(v, ln, False) for v, ln in body.yields] + [(v, ln, True) for v, ln in body.yielded_from]:
            t = T.NONE if value is None else type_of(value, scope)
            if each:  # `yield from xs`: each element of xs
                t = element_type(t)
                if t is None or t.kind == ITER or not T.is_known(t):
                    return TypeEvidence(tried=f"yielded value not typed: `yield from {self.code(value) if value is not None else ''}` at line {line}")
            if t is None or t.kind == ITER or not T.is_known(t):
                return TypeEvidence(tried=f"yielded value not typed: `yield {self.code(value) if value is not None else ''}` at line {line}")
            j = t if elem is None else join_values(elem, t)
            if j is None:
                return TypeEvidence(tried=f"yielded values disagree: {elem} and {t}")
            if j != elem:
                shown = self.code(value) if value is not None else ""
                provenance.append(TypeOrigin(source="return", line=line, detail=f"yield from {shown}" if each else f"yield {shown}"))
            elem = j
        if elem is None:
            return TypeEvidence()
        return TypeEvidence(type=T.list_of(elem), provenance=provenance[:PROVENANCE_SHOWN])

    def returned(self, u: FunctionUnit, scope: Scope, optimistic: bool) -> TypeEvidence:
        """The return type the returned expressions show (only when every one is typed and the
        end of the function, if reachable, adds None)."""
        body = u.body
        if u.declared_returns is not None:
            return TypeEvidence()
        if body.generator:
            return self._yielded(u, scope)
        values = [(v, line) for v, line in body.returns]
        # returns after a test the parameter types decide, in a branch that never falls through
        # (`if isinstance(s, str): try: return ... except ...: raise ...` of a str): dead code
        dead = dead_after_decided_test(u.node, scope.names, body.assigned) if len(values) > 1 else set()
        values = [(v, line) for v, line in values if v is None or id(v) not in dead]
        if not any(v is not None for v, _ in values):
            return TypeEvidence()  # returns nothing: None (the type map's own rule)
        joined: PyType | None = None
        provenance: list[TypeOrigin] = []
        untyped: list[str] = []
        first_of_kind: dict[str, TypeOrigin] = {}
        for value, line in values:
            if type(value) is cst.Name and value.value == "NotImplemented":
                # the operator protocol's "not for this type": in the arm of an isinstance test
                # no member reaches (the `match` drops it, portalis/lower/unions.py) it never
                # runs in Rust; anywhere else lowering refuses the name (PTL135)
                continue
            t = T.NONE if value is None else type_of(value, self.at(value, scope))
            if t is not None and t.kind == ITER and value is not None and passes_as_list(value):
                t = as_list(t)  # a generator expression returned: the list of its items
            detail = f"return {self.code(value)}" if value is not None else "return"
            origin = TypeOrigin(source="return", line=line, detail=detail)
            if t is None or t.kind == ITER or not T.is_known(t):
                untyped.append(f"`{detail}` at line {line}")
                continue
            if value is not None and t.kind == "optional":
                # `if hi is None: hi = 100` ... `return hi`: whether it can still be None is a
                # question of narrowing, which lowering answers
                return TypeEvidence(tried=f"`{detail}` at line {line} may be narrowed from {t}")
            if joined is None:
                joined = t
                provenance.append(origin)
            else:
                j = join_values(joined, t)
                if j is None:
                    # An int on one path and a str on another: a union (an enum with a variant
                    # per member), when every member can be one.
                    j = union_or_none([joined, t])
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


def _before_rebinding(uses: list[Use], assignments: list[tuple[int | None, tuple[int, ...]]]) -> list[Use]:
    """The uses that see the argument itself: at or before the first rebinding's line (its
    right-hand side is evaluated first), in no loop that also holds a rebinding."""
    lines = [line for line, _ in assignments if line is not None]
    if not lines or len(lines) != len(assignments):
        return []
    first = min(lines)
    loops = {loop for _, around in assignments for loop in around}
    return [u for u in uses if u.line is not None and u.line <= first and not (set(u.loops) & loops)]


def t_ok(t: PyType | None) -> bool:
    return t is not None and t.kind not in ("unknown", ITER)


def _properties(node: cst.ClassDef) -> dict[str, tuple[str | None, str | None]]:
    """`x = property(getx, setx)` in a class body, and a decorated `@property def x(self)`
    (its getter is the method of that name: `self.days` reads what `days` returns; its
    `@x.setter` is the method `__set_x__`, as the units name it). A property with a deleter
    is left out."""
    out: dict[str, tuple[str | None, str | None]] = {}
    if type(node.body) is not cst.IndentedBlock:
        return out
    getters: set[str] = set()
    setters: set[str] = set()
    deleters: set[str] = set()
    for stmt in node.body.body:
        if type(stmt) is cst.FunctionDef:
            for d in stmt.decorators:
                e = d.decorator
                if type(e) is cst.Name and e.value == "property":
                    getters.add(stmt.name.value)
                elif type(e) is cst.Attribute and type(e.value) is cst.Name and e.attr.value == "setter" and e.value.value == stmt.name.value:
                    setters.add(e.value.value)
                elif type(e) is cst.Attribute and type(e.value) is cst.Name and e.attr.value in ("setter", "deleter"):
                    deleters.add(e.value.value)  # a deleter, or a setter under another name: left out
    for name in sorted(getters - deleters):
        out[name] = (name, f"__set_{name}__" if name in setters else None)
    from portalis.class_interfaces import property_calls

    for name, (getter, setter) in property_calls(node).items():
        out[name] = (getter, setter)
    return out


def _class_constants(node: cst.ClassDef) -> dict[str, tuple[PyType, int | None]]:
    """Class-level `name = <literal>` assignments (the attribute's value until a method sets it)."""
    out: dict[str, tuple[PyType, int | None]] = {}
    if type(node.body) is not cst.IndentedBlock:
        return out
    for stmt in node.body.body:
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                if type(small) is cst.Assign and len(small.targets) == 1 and type(small.targets[0].target) is cst.Name:
                    t = _default_type(small.value)
                    if t is not None and T.is_known(t):
                        out[small.targets[0].target.value] = (t, None)
    return out


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
        out |= bound_names(target)
    for target, _ in body.loops:
        out |= bound_names(target)
    return out


def _param_at(u: FunctionUnit, index: int | str | None) -> str | None:
    """The parameter an argument fills: a keyword's, or the positional one (past them, *args)."""
    if isinstance(index, str):
        if index in u.params and index not in u.keywords:
            return index
        return next(iter(u.keywords), None)  # a keyword no parameter names: `**kwargs` takes it
    if isinstance(index, int) and index >= 0:
        if index < len(u.positional):
            return u.positional[index]
        return next(iter(u.variadic), None)
    return None


def _path_constants(parsed: ParsedModule) -> dict[str, PyType]:
    """The module's constants of its path classes (portalis/path_types.py: `Token`, `Name`),
    known from the text, whatever later statements (`Token.String = String`) do to them."""
    from portalis.path_types import paths_in_source

    return {name: T.path_type(parsed.module, p.cls) for p in paths_in_source(parsed.source) for name in p.constants}


def _constant_types(module: cst.Module, modules: dict[str, str], imported: dict[str, str] | None = None,
                    paths: dict[str, PyType] | None = None) -> dict[str, PyType]:
    """Module constants whose values the evaluator types (`ONE_THIRD = 1.0/3.0`, `c6_set =
    set(range(65529, 65534))`, `UTC = timezone.utc` with `from datetime import timezone`), in
    order; a name bound twice at module level is left out. `paths` are the module's path
    constants, typed first (their values are known when translating)."""
    counts: dict[str, int] = {}
    assigned: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []
    for stmt in module.body:
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                if type(small) is cst.Assign:
                    for target in small.targets:
                        for n in bound_names(target.target):
                            counts[n] = counts.get(n, 0) + 1
                        if type(target.target) in (cst.Name, cst.Tuple, cst.List) and len(small.targets) == 1:
                            assigned.append((target.target, small.value))
                elif type(small) in (cst.AnnAssign, cst.AugAssign) and type(small.target) is cst.Name:
                    counts[small.target.value] = counts.get(small.target.value, 0) + 2
        elif type(stmt) in (cst.FunctionDef, cst.ClassDef):
            counts[stmt.name.value] = counts.get(stmt.name.value, 0) + 2
        else:
            for n in _bound_by(stmt):
                counts[n] = counts.get(n, 0) + 2
    out: dict[str, PyType] = dict(paths or {})
    scope = Scope(constants=out, modules=modules, imported=dict(imported or {}))
    for target, value in assigned:
        bound: dict[str, PyType | None] = {}
        bind_target(target, type_of(value, scope), bound)
        for name, t in bound.items():
            if name in (paths or {}):
                continue
            if counts.get(name) == 1 and t is not None and T.is_known(t) and t.kind not in ("none", ITER):
                out[name] = t
    return out


def _bound_by(stmt: cst.CSTNode) -> set[str]:
    """Names a compound module-level statement binds (for targets, with/except names, imports
    inside it, assignments in its blocks): never constants."""
    out: set[str] = set()
    stack = [stmt]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is cst.For:
            out |= bound_names(n.target)
        elif t in (cst.Assign,):
            for target in n.targets:
                out |= bound_names(target.target)
        elif t in (cst.AnnAssign, cst.AugAssign):
            out |= bound_names(n.target)
        elif t in (cst.FunctionDef, cst.ClassDef):
            out.add(n.name.value)
            continue
        stack.extend(children(n))
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
        # an int works too (`a ** (1. / 3)`): a float only when nothing says int
        return shape("floaty") if op not in rules.BITWISE_OPS else []
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


def keywords_decision(observations: list[Observation], floats: bool = False, escaped: str | None = None) -> TypeEvidence:
    """The value type of an unannotated `**name` dict: the one type its keyword arguments all
    have; when they have several (pygments' `**options`: bools, strs, ints, lists, None) or
    nothing says (a lexer built by name), a dynamic value (`object`, crate::pyrt::PyObj), which
    the body reads through isinstance tests and `get_bool_opt`-like helpers. `escaped`: how the
    dict leaves the function (analysis/keyword_dicts.py `escapes`): then always dynamic values,
    the one representation every `**` dict it meets agrees on."""
    ev = decide(observations, floats)
    if ev.type is not None and T.is_known(ev.type) and not _has_union(ev.type) and escaped is None:
        return ev
    origins: list[TypeOrigin] = []
    for o in observations:
        if o.type is not None and o.origin not in origins:
            origins.append(o.origin)
    if escaped is not None and ev.type is not None and T.is_known(ev.type) and not _has_union(ev.type):
        detail = f"{escaped}, like every dict it meets"
    else:
        detail = ev.conflict or ("values of several types" if ev.type is not None else "no call passes it typed keyword arguments")
    origins.append(TypeOrigin(source="keywords", line=None, detail=f"{detail}: values of any type (object)"))
    return TypeEvidence(type=T.DYN, provenance=origins[:PROVENANCE_SHOWN])


def _has_union(t: PyType) -> bool:
    return t.kind == "union" or any(_has_union(a) for a in t.args)


def decide(observations: list[Observation], floats: bool = False) -> TypeEvidence:
    """One type from the observations, with the ones that pinned it; a conflict when two
    cannot be one type; what was tried when nothing pinned it. `floats`: the function computes
    with floats (a float literal, a true division), so a value used only as a number is one."""
    refused = [o for o in observations if o.shape == "kinds"]
    if refused:
        # kind tests that make no union (kinds.py) decide nothing: the rest does, as if they
        # were not there (a generic, callers' union); they are shown when nothing pinned a type
        rest = [o for o in observations if o.shape != "kinds"]
        ev = decide(rest, floats)
        if ev.type is None and ev.conflict is None:
            return ev.model_copy(update={"tried": _tried(refused + rest)})
        return ev
    t: PyType = T.UNKNOWN
    used: list[Observation] = []
    weak = False
    for o in observations:
        if o.shape or o.type is None:
            continue
        u = merge_param(t, o.type)
        if u is None:
            u = _fitted(t, o, used)
        if u is None:
            objects = [x for x in observations if x.type is not None and x.type.kind == T.CLASS_OBJECT]
            if objects and len(objects) < len(observations):
                # a class object where other callers pass other values (a str or a class,
                # pygments' `style`): the rest decide, as before classes were values; the
                # callers passing a class are refused where it meets the slot (PTL113)
                return decide([x for x in observations if x not in objects], floats)
            mixed = several_value_types([x.type for x in observations if not x.shape and x.type is not None])
            if mixed is not None:
                # dicts whose values differ from call to call (pygments.util's `options`): one
                # dict of dynamic values (analysis/keyword_dicts.py)
                return TypeEvidence(type=mixed, provenance=[x.origin for x in used[:1]] + [o.origin])
            several = _values_of_several_types(observations) or _lists_of_several_types(observations)
            if several is not None:
                return several
            first = next((x for x in used if x.type is not None and x.type.kind == t.kind), used[0] if used else o)
            return TypeEvidence(conflict=f"{first.type} ({first.origin}) and {o.type} ({o.origin})", tried=_tried(observations))
        if u != t or not used:
            used.append(o)
            weak = weak or o.weak
        t = u
    shapes = {s: [o for o in observations if o.shape == s] for s in ("none", "number", "division", "floaty", "sequence", "iterable", "sized", "elements")}
    number_use = shapes["number"] + shapes["division"] + shapes["floaty"]
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
                weak = weak or any(o.weak for o in elems)
        elif (shapes["floaty"] or shapes["division"]) and not container_use:
            # arithmetic with floats, or a true division, and nothing saying int: a float
            # (which takes ints too, as a float annotation does)
            t = T.FLOAT
            used.append((shapes["floaty"] + shapes["division"])[0])
            weak = True
        elif shapes["number"] and not container_use and floats:
            # only arithmetic, in a function computing with floats: a float
            t = T.FLOAT
            used.append(shapes["number"][0])
            weak = True
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
                weak = weak or any(o.weak for o in elems)
    if t.kind == "unknown":
        generic = None
        if not observations:
            generic = "value"
        elif all(o.shape in ("sequence", "iterable", "sized") or (o.shape == "elements" and (o.elem is None or not T.is_known(o.elem)))
                 for o in observations):
            generic = "container"
        elif all(o.shape == "none" for o in observations):
            generic = "optional"  # `key=None`, `if key is None`: a callable if the body calls it
        return TypeEvidence(tried=_tried(observations), generic=generic)
    if shapes["none"] and t.kind != "optional":
        t = T.optional(t)
        used.append(shapes["none"][0])
    origins: list[TypeOrigin] = []
    for o in used:
        if o.origin not in origins:
            origins.append(o.origin)
    return TypeEvidence(type=t, provenance=origins[:PROVENANCE_SHOWN], weak=weak)


# Evidence of what callers pass, not of what the body does with the value.
_CALLER_SOURCES = frozenset({"docstring", "observed", "call", "default"})


def _fitted(t: PyType, o: Observation, used: list[Observation]) -> PyType | None:
    """The union the body's isinstance tests make, when the other observation is one of its
    members (a caller passing a str to a `str | bytes` parameter); None otherwise."""
    union_side = o.kinds or any(x.kinds for x in used)
    if not union_side:
        return None
    union, member = (o.type, t) if o.kinds else (t, o.type)
    if union is None or member is None:
        return None
    inner = union.args[0] if union.kind == "optional" else union
    if inner.kind != "union":
        return None
    if member.kind == "optional":
        member = member.args[0]
    if member_for_type(inner, member) is not None or member == inner:
        return union
    if member.kind in MEMBER_KINDS:
        # a kind no test names (`IPv4Address('1.2.3.4')` where the tests name int and bytes):
        # the fall-through takes it, as in Python; lowering checks what that branch does with it
        wider = union_or_none([*inner.args, member])
        return (T.optional(wider) if union.kind == "optional" else wider) if wider is not None else None
    return None


def _values_of_several_types(observations: list[Observation]) -> TypeEvidence | None:
    """Callers that pass values of several types (`identity(3)` in the docstring, a str in the
    tests) to a parameter the body uses in no way that says a type: a union of them (an enum;
    whatever the body then does with it must work on each member, or lowering says why). None
    when the body's uses show a type, or a member cannot be a variant: then it is a conflict."""
    typed = [o for o in observations if not o.shape and o.type is not None]
    if any(o.shape not in ("", "none") for o in observations) or any(o.origin.source not in _CALLER_SOURCES for o in typed):
        return None
    members = [o.type for o in typed] + ([T.NONE] if any(o.shape == "none" for o in observations) else [])
    if not all(T.is_known(m) for m in members if m is not None):
        return None
    joined = union_or_none([m for m in members if m is not None])
    if joined is None:
        return None
    origins: list[TypeOrigin] = []
    for o in typed:
        if o.origin not in origins:
            origins.append(o.origin)
    return TypeEvidence(type=joined, provenance=origins[:PROVENANCE_SHOWN])


def _lists_of_several_types(observations: list[Observation]) -> TypeEvidence | None:
    """Callers that pass lists of several element types (heapq's `_siftup_max(heap, 0)` from
    `_heappop_max`, traced with a `list[int]`, and from `_heapreplace_max`, traced with the
    `list[tuple[...]]` nsmallest builds) to a parameter the body only indexes, iterates and
    measures: not a conflict but a `list[T]` candidate (`generic="container"`), as with no
    caller at all; the generics pass then decides the bounds or refuses. Which calls the tracer
    samples first varied from run to run, and with them whether heapq's `_max` helpers
    translated (12 or 8 of 15). None when the body's uses or a non-caller source say a type."""
    typed = [o for o in observations if not o.shape and o.type is not None]
    if len(typed) < 2 or any(o.origin.source not in _CALLER_SOURCES or o.type.kind != "list" for o in typed):  # type: ignore[union-attr]
        return None
    if not all(o.shape in ("", "sequence", "iterable", "sized") or (o.shape == "elements" and (o.elem is None or not T.is_known(o.elem)))
               for o in observations):
        return None
    return TypeEvidence(tried=_tried(observations), generic="container")


def _tried(observations: list[Observation]) -> str:
    if not observations:
        return "no default, docstring example, typed call site or telling use"
    seen = []
    for o in observations[:4]:
        what = str(o.type) if o.type is not None else {"none": "may be None", "number": "a number", "division": "divided", "floaty": "used with floats",
                                                        "sequence": "indexed", "iterable": "iterated", "sized": "sized",
                                                        "elements": f"elements {o.elem}", "kinds": "no union"}.get(o.shape, o.shape)
        seen.append(f"{what} ({o.origin})")
    more = f" and {len(observations) - 4} more" if len(observations) > 4 else ""
    return "seen: " + "; ".join(seen) + more + ": no Python type pinned"
