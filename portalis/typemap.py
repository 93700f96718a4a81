"""Type-map pass: a module's interface (signatures, dataclass fields, constants) in Python and
Rust types. Uses only the module itself, and the return types of the functions it imports from
other modules when a later round passes them (portalis/imported_returns.py); names imported from
other modules stay references (module, name) that the translation pass resolves against those
modules' type maps.

Signatures come from annotations; where they are missing they are inferred:
- first from evidence (portalis/analysis: defaults, the body's uses of each parameter, the
  module's call sites, docstring examples, the returned expressions), which records where each
  type came from (TypedParam.provenance, FunctionSignature.returns_provenance);
- what the evidence leaves unknown: from the docstring and defaults alone, then by the
  analysis' signature completion (portalis/analysis/signatures.py: the bodies evaluated with the
  settled types, the module's calls), else the return from the docstring. Nothing here lowers a
  body: the type map imports nothing from portalis/lower/.
"""

from __future__ import annotations

import ast

import libcst as cst

from portalis.analysis import FunctionEvidence, ModuleAnalysis, ModuleEvidence
from portalis.analysis.class_flow import PassedClass
from portalis.builtin_bases import held_field_text
from portalis.constant_facts import LAZY, MAX_COMPUTED_SOURCE, typed_computed
from portalis.contain import contained, internal_error
from portalis.cst_scan import MUTATING_METHODS, scan_function
from portalis.memo import node_memo
from portalis.model import (
    PathFacts,
    IntGrowth,
    ClassSignature,
    ConstantInfo,
    Diagnostic,
    ObservedFunction,
    FunctionInfo,
    FunctionSignature,
    ModuleTypeMap,
    ParsedModule,
    Passing,
    PyType,
    Severity,
    TypedConstant,
    TypedField,
    TypedParam,
    TypeOrigin,
)
from portalis.parse import source_tree
from portalis.path_types import PathType, paths_in_source
from portalis.rust import ir
from portalis.rust.printer import int_literal_problem, print_type, str_literal_problem
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation
from portalis.analysis.comparisons import COMPARISONS, comparison_other
from portalis.analysis.docstrings import docstring_evidence, value_type
from portalis.analysis.int_growth import int_growth, twin_problem, type_depth
from portalis.analysis.liveness import consumed_params
from portalis.analysis.module_state import INIT_PREFIX, ModuleState, init_function_name, init_function_source, module_state
from portalis.analysis.signatures import complete_signatures
from portalis.types.rust_types import BIGINT, TypeMappingError, owned_type, param_passing, param_type

__all__ = ["MUTATING_METHODS", "build_type_map", "function_nodes", "mutated_names", "signature_of"]

_BARE_GENERICS = {
    "list": T.list_of(T.UNKNOWN), "List": T.list_of(T.UNKNOWN),
    "dict": T.dict_of(T.UNKNOWN, T.UNKNOWN), "Dict": T.dict_of(T.UNKNOWN, T.UNKNOWN),
    "set": T.set_of(T.UNKNOWN), "Set": T.set_of(T.UNKNOWN),
}


def mutated_names(fn: cst.FunctionDef) -> set[str]:
    """Names whose value is changed in place in the function body before any rebinding (a
    parameter in this set is passed `&mut`: the caller sees the change)."""
    scan = scan_function(fn)
    return set(scan.mutated) - scan.rebound_first


def function_nodes(module: cst.Module) -> dict[str, cst.FunctionDef]:
    return {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}


def _diag(parsed: ParsedModule, code: str, message: str, line: int, function: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, message=message, module=parsed.module, function=function, line=line)


def _annotation(text: str, scope: TypeScope) -> PyType:
    """An annotation's type; a bare `list`/`dict`/`set` has unknown element types (inferred)."""
    if text.strip() in _BARE_GENERICS:
        return _BARE_GENERICS[text.strip()]
    return resolve_annotation(text, scope)


def _leading_string(node: cst.FunctionDef) -> str | None:
    """A documentation string placed after the function's first imports (not a docstring
    for Python, but written as one)."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return None
        small = stmt.body[0]
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            continue
        if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
            value = small.value.evaluated_value
            return value if isinstance(value, str) else None
        return None
    return None


def _default_type(default: str | None) -> PyType | None:
    if default is None:
        return None
    try:
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    t = value_type(value)
    return t if t is not None and t.kind != "none" else None


def signature_of(
    fn: FunctionInfo, node: cst.FunctionDef | None, scope: TypeScope, parsed: ParsedModule
) -> FunctionSignature:
    """The signature from annotations, docstring examples and defaults (types still unknown
    are left `unknown`, without a diagnostic: inference fills them in)."""
    return _signature(fn, node, scope, parsed)[0]


def _module_names(parsed: ParsedModule) -> set[str]:
    return {f.name for f in parsed.functions} | {c.name for c in parsed.classes}


def _signature(
    fn: FunctionInfo, node: cst.FunctionDef | None, scope: TypeScope, parsed: ParsedModule,
    module_names: set[str] | None = None, evidence: ModuleEvidence | None = None,
) -> tuple[FunctionSignature, PyType | None]:
    """(signature, the return type the docstring's examples show). `module_names` (the names
    the module defines) is computed once per module by the caller: per function it made the
    type map quadratic in the module's size. `evidence` (portalis/analysis) decides what the
    annotations leave open, before the older fallbacks."""
    diagnostics: list[Diagnostic] = []
    found = evidence.function(fn.qualname) if evidence is not None else None
    mutated = mutated_names(node) if node is not None else set()
    consumed = consumed_params(node) if node is not None else frozenset()
    if module_names is None:
        module_names = _module_names(parsed)
    doc = fn.docstring if fn.docstring is not None or node is None else _leading_string(node)
    evidence_doc = docstring_evidence(doc, fn.name, [p.name for p in fn.params], module_names)
    params: list[TypedParam] = []
    # `__eq__(self, other: object)` declining non-Cs with NotImplemented: `other` is a C past the
    # guard, the only kind the Rust trait compares (portalis/analysis/comparisons.py).
    owner = fn.qualname.rsplit(".", 2)[-2] if fn.is_method and "." in fn.qualname else ""
    other = comparison_other(node, owner) if node is not None and owner in scope.local_classes else None
    for p in fn.params:
        py: PyType = T.UNKNOWN
        origins: list[TypeOrigin] = []
        if other is not None and p.name == other.param:
            if other.problem is not None:
                diagnostics.append(_diag(parsed, "PTL111", f"parameter `{p.name}`: {other.problem}", fn.line, fn.name))
                continue
            if p.annotation is not None and p.annotation.strip().strip("'\"") != owner:  # `object` or `Any`
                py = _annotation(owner, scope)
                origins = [TypeOrigin(source="annotation", line=fn.line,
                                      detail=f"{p.annotation}, narrowed to {owner} by its isinstance() guard")]
                params.append(_typed(p.name, py, p.name in mutated, p.default, variadic=p.variadic, keywords=p.keywords, provenance=origins,
                                     consumed=p.name in consumed))
                continue
        if p.annotation is not None:
            try:
                py = _annotation(p.annotation, scope)
                origins = [TypeOrigin(source="annotation", line=fn.line, detail=p.annotation)]
            except AnnotationError as exc:
                diagnostics.append(_diag(parsed, "PTL111", f"parameter `{p.name}`: {exc}", fn.line, fn.name))
                continue
        if p.variadic:
            # `*args: T`: a tuple of the extra positional arguments, each a T (a list here).
            # Unannotated, each argument's type as the evidence gives it: call sites passing
            # extra positional arguments, observed calls' elements, what the body does with the
            # elements (`'|'.join(choices)`).
            pinned = found.params.get(p.name) if found is not None and p.annotation is None else None
            if (pinned is not None and pinned.type is not None and not pinned.weak
                    and T.is_known(pinned.type) and not T.is_known(py)):
                py, origins = pinned.type, list(pinned.provenance)
            py = T.list_of(py)
        elif p.keywords:
            # `**kwargs: T`: a dict of the keyword arguments no other parameter takes, each a T
            # (str keys, in the order the call wrote them). Unannotated, each argument's type
            # as the evidence gives it: call sites' extra keywords, `f(**d)`, observed calls.
            pinned = found.params.get(p.name) if found is not None and p.annotation is None else None
            if (pinned is not None and pinned.type is not None and not pinned.weak
                    and T.is_known(pinned.type) and not T.is_known(py)):
                py, origins = pinned.type, list(pinned.provenance)
            py = T.dict_of(T.STR, py)  # still open: _finish says why (PTL173 or PTL110)
        elif not T.is_known(py):
            pinned = found.params.get(p.name) if found is not None and p.annotation is None else None
            if pinned is not None and pinned.type is not None and not pinned.weak:  # weak ones: see _finish
                py, origins = pinned.type, list(pinned.provenance)
            elif pinned is not None and pinned.conflict:
                # No one Python type fits every observation: not translated (a guess would be
                # wrong for one of them).
                diagnostics.append(_diag(parsed, "PTL170", f"parameter `{p.name}`: conflicting evidence: {pinned.conflict}", fn.line, fn.name))
            else:
                for hint, source in ((evidence_doc.params.get(p.name), "docstring"), (_default_type(p.default), "default")):
                    if hint is not None:
                        py = T.unify(py, hint) or py
                        origins.append(TypeOrigin(source=source, line=fn.line, detail="example call" if source == "docstring" else f"= {p.default}"))
            guarded = any(o.detail.startswith("guard: isinstance(") for o in origins)  # nothing else gets past it
            if py.kind in ("int", "float") and node is not None and _kind_tested(node, p.name) and not guarded:
                # A number the body asks the kind of (`isinstance(x, int)`): it may be an int or
                # a float (the examples show one or both), so it keeps its kind (PyNum).
                py = T.NUM
                origins.append(TypeOrigin(source="use", line=fn.line, detail="isinstance(): an int or a float"))
        params.append(_typed(p.name, py, p.name in mutated, p.default, variadic=p.variadic, keywords=p.keywords, provenance=origins,
                                     consumed=p.name in consumed))
    returns: PyType = T.NONE
    returns_origins: list[TypeOrigin] = []
    if fn.returns is None:
        if node is not None and scan_function(node).returns_value:
            returns = T.UNKNOWN
            if found is not None and found.returns.type is not None:
                returns, returns_origins = found.returns.type, list(found.returns.provenance)
    else:
        try:
            returns = _annotation(fn.returns, scope)
            returns_origins = [TypeOrigin(source="annotation", line=fn.line, detail=fn.returns)]
        except AnnotationError as exc:
            diagnostics.append(_diag(parsed, "PTL111", f"return type: {exc}", fn.line, fn.name))
    sig = FunctionSignature(
        name=fn.name,
        qualname=fn.qualname,
        params=params,
        returns=returns,
        rust_returns=_rust_owned(returns),
        line=fn.line,
        diagnostics=diagnostics,
        returns_provenance=returns_origins,
    )
    return sig, evidence_doc.returns


def _kind_tested(node: cst.FunctionDef, name: str) -> bool:
    """Whether the body calls `isinstance(name, ...)` or `type(name)`."""
    for call in scan_function(node).calls:
        f = call.func
        if type(f) is cst.Name and f.value in ("isinstance", "type") and call.args:
            arg = call.args[0].value
            if type(arg) is cst.Name and arg.value == name:
                return True
    return False


def _rust_owned(t: PyType) -> str:
    if t.kind == "none":
        return "()"
    try:
        return print_type(owned_type(t))
    except TypeMappingError:
        return "_"


def _typed(
    name: str, py: PyType, mutated: bool, default: str | None, resized: bool = True, variadic: bool = False,
    provenance: list[TypeOrigin] | None = None, keywords: bool = False, consumed: bool = False,
) -> TypedParam:
    consumed = consumed and not variadic and not keywords and default is None
    try:
        rust = print_type(param_type(py, mutated, resized, consumed))
        passing = param_passing(py, mutated, resized, consumed)
    except TypeMappingError:
        rust, passing = "_", Passing.VALUE
    return TypedParam(
        name=name, py_type=py, rust_type=rust, passing=passing, mutated=mutated, default=default, variadic=variadic,
        keywords=keywords, provenance=provenance or [], consumed=consumed,
    )


def _learnt(p: TypedParam, new: PyType, origin: TypeOrigin) -> TypedParam:
    """`p` with the type inference completed, its provenance extended."""
    return _typed(p.name, new, p.mutated, p.default, variadic=p.variadic, keywords=p.keywords, provenance=[*p.provenance, origin], consumed=p.consumed)


GENERIC_PARAM = "T"


def _generic_type(t: PyType) -> PyType:
    """t with its unknown parts the type parameter (`list[unknown]` -> `list[T]`)."""
    if t.kind == "unknown":
        return T.typevar(GENERIC_PARAM)
    if not t.args:
        return t
    return t.model_copy(update={"args": tuple(_generic_type(a) for a in t.args)})


def _called_with(node: cst.FunctionDef | None, name: str) -> int | None:
    """How many positional arguments every call `name(...)` in the body passes (None: never
    called, or called with keywords, stars, or differing counts)."""
    if node is None:
        return None
    counts = {len(c.args) if all(a.keyword is None and not a.star for a in c.args) else -1
              for c in scan_function(node).calls if isinstance(c.func, cst.Name) and c.func.value == name}
    if len(counts) != 1 or -1 in counts:
        return None
    return counts.pop()


def _concrete_callables(sig: FunctionSignature, found, node: cst.FunctionDef | None) -> FunctionSignature:
    """A function whose other parameters are concrete (`a` observed a `list[int]`) and whose
    `key=None` only None was seen for, but which the body calls (`key(a[mid])`, `key(x)`): the
    key is an Optional callable from the value the body passes it to the value it gives back
    (`Optional[Callable[[int], int]]`: a key maps a value to one compared like it). The calls
    must pass one argument each, a parameter or an item of a list parameter, all of one type;
    otherwise the signature is returned unchanged."""
    types = {p.name: p.py_type for p in sig.params}
    params = list(sig.params)
    for j, p in enumerate(params):
        seen = found.params.get(p.name)
        if p.py_type.kind not in ("none", "unknown") or p.default != "None" or seen is None or seen.generic != "optional" or node is None:
            continue
        if _called_with(node, p.name) != 1:
            continue
        arg_types = set()
        for c in scan_function(node).calls:
            if isinstance(c.func, cst.Name) and c.func.value == p.name:
                arg = c.args[0].value
                if isinstance(arg, cst.Subscript) and isinstance(arg.value, cst.Name) and types.get(arg.value.value, T.UNKNOWN).kind == "list":
                    arg_types.add(types[arg.value.value].args[0])
                elif isinstance(arg, cst.Name) and arg.value in types:
                    arg_types.add(types[arg.value])
                else:
                    arg_types.add(T.UNKNOWN)
        if len(arg_types) != 1:
            continue
        arg = arg_types.pop()
        if not T.is_known(arg) or arg.kind in ("none", "callable", "optional"):
            continue
        new = T.optional(T.callable_of((arg,), arg))
        params[j] = _learnt(p, new, TypeOrigin(source="use", line=sig.line, detail=f"`{p.name}(...)` called with a {arg}, default None"))
    if params == list(sig.params):
        return sig
    return sig.model_copy(update={"params": params})


def _generalise(tm: ModuleTypeMap, evidence: ModuleEvidence, nodes: dict[str, cst.FunctionDef]) -> bool:
    """Make the module's functions whose parameters nothing typed generic: a parameter the
    evidence saw nothing done with (a candidate value: `item`) is a `T`, one only indexed,
    iterated or measured is a `list[T]`, and the unknown elements of a container the evidence
    pinned (`heap.append(item)`: `list[unknown]`) are `T`s. One type parameter per function: every
    value of unknown type in it is assumed the same type (a function mixing two is then refused
    by a comparison of a T with something else, or is more restrictive than Python, never
    wrong). A parameter the body calls (`key(x)`, n arguments) is a `Callable[[T, ...], T]`,
    Optional when it defaults to None and is only tested against None besides (`key=None`):
    the bounds pass checks the guess (a result used as anything but a T is refused).
    Whether the body's uses fit traits, and which, is decided after the signatures
    settle (portalis/analysis/generics.py, FunctionFacts.generics); a use no trait expresses is
    PTL110 there. Functions with conflicting evidence, or a parameter that may be None, are left
    alone. Returns whether any function changed."""
    changed = False
    for i, sig in enumerate(tm.functions):
        if sig.diagnostics or sig.kind != "function":
            continue
        found = evidence.function(sig.qualname)
        if found is None:
            continue
        concrete = _concrete_callables(sig, found, nodes.get(sig.name))
        if concrete is not sig and all(T.is_known(p.py_type) for p in concrete.params):
            tm.functions[i] = sig = concrete
            changed = True
        if all(T.is_known(p.py_type) for p in sig.params):
            continue
        params = list(sig.params)
        ok = True
        for j, p in enumerate(params):
            seen = found.params.get(p.name)
            # `key=None` that only None was seen for (the older inference may have said None)
            none_only = p.py_type.kind == "none" and seen is not None and seen.generic == "optional"
            if (T.is_known(p.py_type) and not none_only) or p.variadic:
                continue
            if p.py_type.kind == "unknown" or none_only:
                if seen is None or seen.generic is None:
                    ok = False
                    break
                var = T.typevar(GENERIC_PARAM)
                arity = _called_with(nodes.get(sig.name), p.name) if seen.generic in ("value", "optional") else None
                if arity is not None and (p.default is None) == (seen.generic == "value") and p.default in (None, "None"):
                    new = T.callable_of((var,) * arity, var)
                    new = T.optional(new) if seen.generic == "optional" else new
                elif seen.generic in ("value", "container") and p.default is None:
                    new = var if seen.generic == "value" else T.list_of(var)
                else:
                    ok = False
                    break
            elif p.py_type.kind in ("list", "set", "tuple") and not (seen is not None and seen.conflict):
                new = _generic_type(p.py_type)
            else:
                ok = False
                break
            tried = f" ({seen.tried})" if seen is not None and seen.tried else ""
            params[j] = _learnt(p, new, TypeOrigin(source="use", line=sig.line, detail=f"generic: nothing pins a type{tried}"))
        if ok:
            tm.functions[i] = sig.model_copy(update={"params": params})
            changed = True
    return changed


# Provenance of what the signature completion (portalis/analysis/signatures.py) learnt.
_RETURNED = TypeOrigin(source="return", detail="the typed returned values, with the settled signatures")
_PASSED = TypeOrigin(source="call", detail="the arguments the module's own calls pass")
_ASSIGNED = TypeOrigin(source="assignment", detail="what the methods assign, with the completed signatures")


def _complete(tm: ModuleTypeMap, analysis: ModuleAnalysis, method_sources: dict | None = None,
              evidence: ModuleEvidence | None = None) -> None:
    """Fill the parameter and return types annotations and evidence left open, from the
    function bodies with the settled types (portalis/analysis/signatures.py). A method a class
    inherits (its copy under the class's name, `method_sources`) gets what its defining
    class's method learnt, unless that names the defining class (`self` there is the
    subclass)."""
    sigs = [s for s in tm.functions if not s.diagnostics] + [m for c in tm.classes for m in c.methods if not m.diagnostics]
    params = {s.qualname: {p.name: p.py_type for p in s.params} for s in sigs}
    returns = {s.qualname: s.returns for s in sigs}
    fields = {c.name: {f.name: f.py_type for f in c.fields} for c in tm.classes}
    # Returns known beyond the signatures completed here: a function with a diagnostic (a
    # parameter in conflict) may still have a known return, and a traced call's result
    # (`_finish` applies it only after the completion) types the values built from it, e.g.
    # an attribute `self._jump = self._convert(self.JUMP)` (dateutil's parserinfo)
    known: dict[str, PyType] = {}
    for s in tm.functions + [m for c in tm.classes for m in c.methods]:
        found = evidence.function(s.qualname) if evidence is not None else None
        seen = found.observed_returns if found is not None else None
        if T.is_known(s.returns) and s.returns.kind != "unknown":
            known[s.qualname] = s.returns
        elif seen is not None and seen.type is not None and T.is_known(seen.type) and not found.returns.conflict:  # type: ignore[union-attr]
            known[s.qualname] = seen.type
    try:
        done = complete_signatures(analysis, params, returns, fields, known)
    except RecursionError:
        return  # too deep for the walk: what is open is reported (PTL110)

    def update(sig: FunctionSignature) -> FunctionSignature:
        learnt = done.params.get(sig.qualname, {})
        ret = done.returns.get(sig.qualname)
        source = (method_sources or {}).get(sig.qualname)
        owner = source[0] if source is not None else None
        if owner is not None and sig.qualname not in analysis.units and f"{owner}.{sig.qualname.rsplit('.', 1)[-1]}" in analysis.units:
            defined = f"{owner}.{sig.qualname.rsplit('.', 1)[-1]}"
            names_owner = lambda t: _names_class(t, owner)  # noqa: E731
            learnt = {p: t for p, t in done.params.get(defined, {}).items() if not names_owner(t)}
            ret = done.returns.get(defined)
            if ret is not None and names_owner(ret):
                ret = None
        if not learnt and ret is None:
            return sig
        new_params = [_learnt(p, learnt[p.name], _PASSED) if p.name in learnt else p for p in sig.params]
        update: dict = {"params": new_params}
        if ret is not None:
            update.update(returns=ret, rust_returns=_rust_owned(ret), returns_provenance=[_RETURNED])
        return sig.model_copy(update=update)

    tm.functions = [update(s) for s in tm.functions]
    for ci, cls in enumerate(tm.classes):
        learnt_fields = done.fields.get(cls.name, {})
        new_fields = [f.model_copy(update={"py_type": learnt_fields[f.name], "provenance": [*f.provenance, _ASSIGNED]})
                      if f.name in learnt_fields else f for f in cls.fields]
        tm.classes[ci] = cls.model_copy(update={"methods": [update(m) for m in cls.methods], "fields": new_fields})


def _method_mutation(cls: ClassSignature, sources: dict, tm: ModuleTypeMap) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per method of the class: the parameters it changes in place only by passing them on
    (to `self.m(...)` or a function of the module that changes its argument: textwrap's
    `_wrap_chunks` passes `chunks` to `_handle_long_word`, which pops it), and those whose length
    may change (`cur_line.append(...)` in the method, or passed on to a parameter changed in
    place, as for module functions): a `&mut Vec<T>`, not a `&mut [T]` with no `push` (rustc
    E0599 before). Found round after round to a fixed point."""
    params = {m.name: {p.name for p in m.params} for m in cls.methods}
    scans = {}
    for m in cls.methods:
        found = sources.get(f"{cls.name}.{m.name}")
        if found is not None:
            scans[m.name] = scan_function(found[1])
    mutated = {m.name: {p.name for p in m.params if p.mutated} for m in cls.methods}
    resized = {name: set(scan.resized) & params[name] for name, scan in scans.items()}
    before = {name: set(ps) for name, ps in mutated.items()}
    changed = True
    while changed:
        changed = False
        for name, scan in scans.items():
            for call in scan.calls:
                func = call.func
                if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
                    callee = cls.method(func.attr.value)
                    if callee is None or callee.kind in ("staticmethod", "classmethod"):
                        continue
                    callee_mutated, callee_resized = mutated.get(callee.name, set()), resized.get(callee.name, set())
                elif isinstance(func, cst.Name) and tm.function(func.value) is not None:
                    callee = tm.function(func.value)
                    callee_mutated = {p.name for p in callee.params if p.mutated}
                    callee_resized = callee_mutated  # as _propagate_mutation: passed on whole
                else:
                    continue
                pairs = list(zip(callee.params, [a for a in call.args if not a.keyword and not a.star]))
                pairs += [(q, a) for a in call.args if a.keyword is not None for q in callee.params if q.name == a.keyword.value]
                for q, arg in pairs:
                    if q.name not in callee_mutated or not isinstance(arg.value, cst.Name) or arg.value.value not in params[name]:
                        continue
                    local = arg.value.value
                    if local not in mutated[name]:
                        mutated[name].add(local)
                        changed = True
                    if (q.name in callee_resized or q.name in callee_mutated) and local not in resized.setdefault(name, set()):
                        resized[name].add(local)
                        changed = True
    return {name: mutated[name] - before[name] for name in mutated}, resized


def _names_class(t: PyType, cls: str) -> bool:
    """Whether the type is, or holds, the class `cls` of this module."""
    return (t.kind == "class" and t.name == cls) or any(_names_class(a, cls) for a in t.args)


def _propagate_mutation(tm: ModuleTypeMap, nodes: dict[str, cst.FunctionDef], resized: dict[str, set[str]]) -> None:
    """A parameter passed on to a parameter that a function of this module changes in place is
    changed in place too (`def f(xs): g(xs)` where g appends to its argument; it is passed on
    as the whole list, so it counts as resized)."""
    calls = {name: scan_function(node).calls for name, node in nodes.items()}
    changed = True
    while changed:
        changed = False
        for i, sig in enumerate(tm.functions):
            params = {p.name: j for j, p in enumerate(sig.params)}
            for call in calls.get(sig.name, []):
                if not isinstance(call.func, cst.Name):
                    continue
                callee = tm.function(call.func.value)
                if callee is None:
                    continue
                positional = [a for a in call.args if not a.keyword and not a.star]
                pairs = list(zip(callee.params, positional))
                for a in call.args:
                    if a.keyword is not None:
                        q = next((q for q in callee.params if q.name == a.keyword.value), None)
                        if q is not None:
                            pairs.append((q, a))
                for q, arg in pairs:
                    if q.mutated and isinstance(arg.value, cst.Name) and arg.value.value in params:
                        j = params[arg.value.value]
                        p = sig.params[j]
                        resized.setdefault(sig.name, set()).add(p.name)
                        if not p.mutated:
                            new_params = list(sig.params)
                            new_params[j] = _typed(p.name, p.py_type, True, p.default, variadic=p.variadic, keywords=p.keywords, provenance=p.provenance)
                            sig = sig.model_copy(update={"params": new_params})
                            tm.functions[i] = sig
                            changed = True


def _finish(
    sig: FunctionSignature, parsed: ParsedModule, doc_returns: PyType | None, resized: set[str],
    evidence: FunctionEvidence | None = None,
) -> FunctionSignature:
    """Report what inference could not type (PTL110 with what the evidence pass tried, PTL170
    where its observations disagree) and settle the Rust spellings."""
    diagnostics = list(sig.diagnostics)
    params = []
    for p in sig.params:
        seen = evidence.params.get(p.name) if evidence is not None else None
        if p.py_type.kind == "unknown" and seen is not None and seen.weak and seen.type is not None:
            # Weak evidence (a number used with floats) decides only what inference left open.
            p = p.model_copy(update={"py_type": seen.type, "provenance": [*p.provenance, *seen.provenance]})
        if not T.is_known(p.py_type) and p.keywords:
            if seen is not None and seen.conflict:
                # pygments' `**options`: bools, strs, ints and lists, one value type for none
                diagnostics.append(_diag(parsed, "PTL173", f"`**{p.name}`: its keyword arguments have several types ({seen.conflict})", sig.line, sig.name))
            else:
                tried = f" ({seen.tried})" if seen is not None and seen.tried else ""
                diagnostics.append(_diag(parsed, "PTL110", f"`**{p.name}`: no call passes it keyword arguments of a known type (the value type of its dict){tried}", sig.line, sig.name))
            continue
        if not T.is_known(p.py_type):
            if seen is not None and seen.conflict and p.py_type.kind == "unknown":
                continue  # PTL170 (the signature says which observations disagree)
            what = "has no type annotation" if p.py_type.kind == "unknown" else f"has an incomplete type ({p.py_type})"
            tried = f" ({seen.tried})" if seen is not None and seen.tried else ""
            diagnostics.append(_diag(parsed, "PTL110", f"parameter `{p.name}` {what} and none could be inferred{tried}", sig.line, sig.name))
            continue
        try:
            rust = print_type(param_type(p.py_type, p.mutated, p.name in resized, p.consumed))
            passing = param_passing(p.py_type, p.mutated, p.name in resized, p.consumed)
            params.append(TypedParam(
                name=p.name, py_type=p.py_type, rust_type=rust, passing=passing, mutated=p.mutated, default=p.default, variadic=p.variadic, keywords=p.keywords,
                provenance=p.provenance, consumed=p.consumed,
            ))
        except TypeMappingError as exc:
            diagnostics.append(_diag(parsed, "PTL111", f"parameter `{p.name}`: {exc}", sig.line, sig.name))
    returns = sig.returns
    returns_origins = sig.returns_provenance
    if returns.kind == "unknown" or not T.is_known(returns):
        seen = evidence.observed_returns if evidence is not None else None
        if doc_returns is not None and T.is_known(doc_returns):
            returns = doc_returns
            returns_origins = [TypeOrigin(source="docstring", line=sig.line, detail="example result")]
        elif seen is not None and seen.type is not None and T.is_known(seen.type) and not (evidence and evidence.returns.conflict):
            # what the traced calls returned: only where the body's returns and inference say nothing
            returns, returns_origins = seen.type, list(seen.provenance)
        else:
            tried = f" ({evidence.returns.tried})" if evidence is not None and evidence.returns.tried else ""
            diagnostics.append(_diag(parsed, "PTL110", f"return type is not annotated and could not be inferred{tried}", sig.line, sig.name))
    rust_returns = print_type(ir.UNIT)
    if returns.kind != "none" and T.is_known(returns):
        try:
            rust_returns = print_type(owned_type(returns))
        except TypeMappingError as exc:
            diagnostics.append(_diag(parsed, "PTL111", f"return type: {exc}", sig.line, sig.name))
    return FunctionSignature(
        name=sig.name, qualname=sig.qualname, params=params, returns=returns, rust_returns=rust_returns,
        line=sig.line, diagnostics=diagnostics, returns_provenance=returns_origins,
    )


def _lazy_generators(tm: ModuleTypeMap, nodes: dict[str, cst.FunctionDef]) -> None:
    """A generator that never ends (portalis/analysis/generators.py) returns a Rust iterator,
    `iter[T]`, not the list its yields would be collected into: callers draw from it."""
    from portalis.analysis.generators import lazy_generator

    for i, sig in enumerate(tm.functions):
        node = nodes.get(sig.name)
        if node is None or sig.returns.kind != "list" or not T.is_known(sig.returns):
            continue
        plan = lazy_generator(node)
        if plan is None or plan.problem is not None:
            continue  # eager, or refused by lowering with the plan's problem (PTL122)
        returns = PyType(kind="iter", args=sig.returns.args)
        try:
            rust = print_type(ir.TImplIter(owned_type(returns.args[0])))
        except TypeMappingError:
            continue
        tm.functions[i] = sig.model_copy(update={"returns": returns, "rust_returns": rust})


def _iterable_params(tm: ModuleTypeMap, nodes: dict[str, cst.FunctionDef], module: cst.Module) -> None:
    """A list parameter the body draws from once (one `for` over it) and that a call in the
    module passes an iterator to (a generator, `map(...)`, a generator expression) takes any
    iterable: `iter[T]`, `impl IntoIterator<Item = T>` (portalis/analysis/generators.py). A
    list parameter would make those callers collect the iterator first (an endless generator
    never ends)."""
    from portalis.analysis.generators import iterated_once, iterator_arguments

    passed = iterator_arguments(module, nodes)
    for i, sig in enumerate(tm.functions):
        node = nodes.get(sig.name)
        wanted = passed.get(sig.name)
        if node is None or not wanted or scan_function(node).yields:
            # a generator collecting what it draws from an iterator into its Vec would never end
            # on an endless one, where Python's draws lazily: it keeps a list parameter
            continue
        params = list(sig.params)
        for j, p in enumerate(params):
            if p.name in wanted and p.py_type.kind == "list" and T.is_known(p.py_type) and not p.mutated and not p.variadic \
                    and iterated_once(node, p.name):
                t = PyType(kind="iter", args=p.py_type.args)
                params[j] = p.model_copy(update={"py_type": t, "rust_type": print_type(param_type(t)), "passing": Passing.VALUE})
        if params != list(sig.params):
            tm.functions[i] = sig.model_copy(update={"params": params})


def _mark_raising(tm: ModuleTypeMap, nodes: dict[str, cst.FunctionDef], parsed: ParsedModule) -> None:
    """Which functions let Python exceptions out (they return Result<T, PyErr>): a `raise` no
    handler of theirs catches, a call of such a function outside a catch-all handler, or being
    called inside a try body (the caller wants their failures as errors, not panics)."""
    from portalis.exception_facts import calls_in_try, escaping_raises, exception_classes, uncaught_calls

    if "raise" not in parsed.source and "try" not in parsed.source:
        return  # nothing can raise or catch (the cheap test first: most modules)
    known = exception_classes([(c.name, c.bases) for c in parsed.classes])
    raises = {name: escaping_raises(node, known) for name, node in nodes.items()}
    for node in nodes.values():
        for callee in calls_in_try(node):
            if callee in raises:
                raises[callee] = True
    calls = {name: uncaught_calls(node) for name, node in nodes.items()}
    # Methods that raise: a call `obj.m(...)` of one (by name) raises too.
    raising_methods = {f".{m.name}" for c in tm.classes for m in c.methods if m.raises}
    for name, callees in calls.items():
        if callees & raising_methods:
            raises[name] = True
    changed = True
    while changed:
        changed = False
        for name, callees in calls.items():
            if not raises[name] and any(raises.get(c) for c in callees):
                raises[name] = True
                changed = True
    for i, sig in enumerate(tm.functions):
        if raises.get(sig.name) and not sig.raises:
            rust = sig.rust_returns if sig.rust_returns != "_" else "()"
            tm.functions[i] = sig.model_copy(update={"raises": True, "rust_returns": f"Result<{rust}, crate::pyrt::PyErr>"})


def constant_value(code: str, names: dict[str, object] | None = None) -> object:
    """The value of a module-level constant: a literal, or arithmetic on literals (`10 ** 9 + 7`)
    and on the numbers in `names` (earlier constants: `(MAXLINESIZE//4)*3`). Raises ValueError
    for anything else (nothing is executed)."""
    try:
        return ast.literal_eval(code)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    tree = ast.parse(code, mode="eval").body
    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b, ast.Div: lambda a, b: a / b,
           ast.Pow: lambda a, b: a ** b if abs(b) < 100 else _too_big()}

    def fold(n: ast.expr) -> object:
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
            return n.value
        if isinstance(n, ast.Name) and names is not None and type(names.get(n.id)) in (int, float):
            return names[n.id]
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -fold(n.operand)  # type: ignore[operator]
        if isinstance(n, ast.BinOp) and type(n.op) in ops:
            return ops[type(n.op)](fold(n.left), fold(n.right))
        raise ValueError("not a constant expression")

    return fold(tree)


def constant_problem(code: str) -> str | None:
    """Why a constant's value has no Rust literal (an integer outside i64, a string holding a
    lone surrogate, anywhere inside a container), or None (also for what is not a literal)."""
    try:
        value = constant_value(code)
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError, MemoryError, RecursionError):
        return None
    todo, seen = [value], 0
    while todo and seen < 100_000:
        v = todo.pop()
        seen += 1
        if isinstance(v, bool):
            continue
        problem = None
        if isinstance(v, int):
            problem = int_literal_problem(v)
        elif isinstance(v, str):
            problem = str_literal_problem(v)
        elif isinstance(v, dict):
            todo.extend(v.keys())
            todo.extend(v.values())
        elif isinstance(v, (list, tuple, set, frozenset)):
            todo.extend(v)
        if problem is not None:
            return problem
    return None


def _too_big() -> object:
    raise ValueError("exponent too large")


def _constant(c: ConstantInfo, scope: TypeScope) -> TypedConstant | None:
    """Scalars become Rust consts; lists, dicts, sets and tuples of literals lazily built
    statics (`static X: LazyLock<Vec<i64>>`)."""
    py: PyType | None = None
    try:
        value = constant_value(c.value)
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError):
        return None
    literal = value_type(value)
    if c.annotation:
        try:
            py = resolve_annotation(c.annotation, scope)
        except AnnotationError:
            return None
        if literal is None or T.unify(py, literal) != py:
            return None
    else:
        py = literal
    if py is None or not T.is_known(py) or py.kind in ("none", "optional"):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return None
    try:
        owned = owned_type(py)
    except TypeMappingError:
        return None
    lazy = py.kind not in ("int", "float", "bool", "str")
    if not lazy:
        rust = print_type(ir.TRef(ir.STR) if py.kind == "str" else owned)
    else:
        rust = print_type(ir.TPath(LAZY, (owned,)))
    return TypedConstant(name=c.name, py_type=py, rust_type=rust, value=c.value, line=c.line, lazy_static=lazy)


def _folded_constant(c: ConstantInfo, numbers: dict[str, object], scope: TypeScope) -> TypedConstant | None:
    """A number computed from earlier numeric constants (base64's `MAXBINSIZE =
    (MAXLINESIZE//4)*3`): folded here, and kept as its value's literal (`57`), a plain `const`."""
    if not numbers:
        return None
    try:
        value = constant_value(c.value, numbers)
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError, MemoryError, RecursionError):
        return None
    if type(value) not in (int, float):
        return None
    return _constant(c.model_copy(update={"value": repr(value)}), scope)


def _resolver(scope: TypeScope):
    """An annotation's type for the evidence pass (None when the translator maps none)."""

    def resolve(text: str) -> PyType | None:
        try:
            return _annotation(text, scope)
        except AnnotationError:
            return None

    return resolve


def _type_map_failed(exc: Exception, parsed: ParsedModule) -> ModuleTypeMap:
    return ModuleTypeMap(module=parsed.module, diagnostics=[internal_error(parsed.module, "building the type map", exc)])


def _untyped_field(cls: str, field: str) -> str:
    """PTL112's message for a field nothing types (the items of a list subclass named so)."""
    return held_field_text(cls, field) or f"the type of attribute `{cls}.{field}` cannot be inferred: annotate it"


@contained("building the type map", _type_map_failed)
def build_type_map(parsed: ParsedModule, observed: dict[str, ObservedFunction] | None = None,
                   passed: dict[str, dict[str, list[PassedClass]]] | None = None,
                   imported_returns: dict[str, PyType] | None = None) -> ModuleTypeMap:
    """The interface of a parsed module. Broken modules give an empty map with their diagnostics;
    a failure of the pass itself gives an empty map with an internal-error diagnostic (PTL009,
    or PTL004 when it recursed too deep). Never raises. Its syntactic memo tables live as long
    as this call, or the caller's memo scope (portalis/memo.py). `observed`: what the tracer saw
    of the module's functions (portalis/validate/trace.py), evidence for unannotated ones.
    `passed`: the classes other modules pass to its parameters (portalis/analysis/class_flow.py
    `passed_classes(..)[module]`), evidence like its own call sites.
    `imported_returns`: the return types of functions it imports from other modules of the
    repository, `module.name` -> type (portalis/imported_returns.py; none in the first round)."""
    with node_memo():
        return _build_type_map(parsed, observed, passed, imported_returns)


def _path_types(parsed: ParsedModule) -> dict[str, PathType]:
    """The module's path classes by name (portalis/path_types.py); the text is read only when it
    could hold one (a `tuple` base and a `__getattr__`)."""
    return {p.cls: p for p in paths_in_source(parsed.source)}


def _build_type_map(parsed: ParsedModule, observed: dict[str, ObservedFunction] | None = None,
                    passed: dict[str, dict[str, list[PassedClass]]] | None = None,
                    imported_returns: dict[str, PyType] | None = None) -> ModuleTypeMap:
    if not parsed.ok:
        return ModuleTypeMap(module=parsed.module)
    tree = source_tree(parsed.source)
    original = parsed
    state = module_state(tree.module, tree.line, {c.name for c in parsed.constants})
    paths = _path_types(original)
    for p in paths.values():
        for name in p.constants:
            # `Token.String = String` is an alias of the path class (its alias table), not code
            # building `Token`: a path constant is known when translating, never a static
            state.built.pop(name, None)
            state.changed_at.pop(name, None)
    if state.built:
        # Each constant later module code builds is typed as a function running that code
        # (`def __portalis_init_codes__(): codes = {} ... return codes`) appended to the
        # module for this pass only; the result is the constant's initialiser (`_built_constants`).
        parsed, tree = _with_init_functions(parsed, state)
    nodes = function_nodes(tree.module)
    scope = TypeScope.build(parsed.module, [c.name for c in parsed.classes], parsed.imports)
    from portalis.class_interfaces import own_exceptions

    scope.exceptions = own_exceptions(parsed)
    for cls in paths:
        # an annotation naming the class means its values: paths (portalis/path_types.py)
        scope.aliases[cls] = T.path_type(parsed.module, cls)
    scope.add_aliases([(c.name, c.value) for c in parsed.constants if c.annotation is None])
    tm = ModuleTypeMap(module=parsed.module)
    from portalis.names import module_names  # what other modules resolve names through

    tm.names = module_names(original, scope.aliases)
    tm.names.paths = {cls: PathFacts(root=p.root, constants={n: list(v) for n, v in p.constants.items()},
                                     aliases=[(list(o), n, list(v)) for (o, n), v in p.aliases.items()])
                      for cls, p in paths.items()}
    doc_returns: dict[str, PyType | None] = {}
    names = _module_names(parsed)
    analysis: ModuleAnalysis | None = None
    try:
        analysis = ModuleAnalysis(parsed, tree.module, tree.line, _resolver(scope), names, observed, passed,
                                  imported_returns)
        for gone in [*state.deleted, *state.unbuildable]:
            analysis.context.constants.pop(gone, None)
        analysis.context.constant_inits = {n: init_function_name(n) for n in state.built}
        evidence = analysis.evidence()
    except RecursionError:
        analysis = None
        # One function nested past the evidence walker's depth must not cost the module its
        # type map: the types come from annotations and the older inference alone, and say so.
        evidence = ModuleEvidence(module=parsed.module)
        tm.diagnostics.append(_diag(parsed, "PTL171", "a function nests too deeply for the evidence pass: types of unannotated code in this module come from annotations and defaults only", 1).model_copy(update={"severity": Severity.WARNING}))
    for fn in parsed.functions:
        sig, doc_returns[fn.name] = _signature(fn, nodes.get(fn.name), scope, parsed, names, evidence)
        tm.functions.append(sig)
    from portalis.class_interfaces import build_class_interfaces

    tm.classes, method_sources = build_class_interfaces(
        parsed, tree.module, scope, lambda fn, node, sc, p: _signature(fn, node, sc, p, names, evidence)[0], scope.exceptions
    )
    _fields_from_evidence(tm, evidence)
    from portalis.analysis.metaclass_wraps import module_analysators

    tm.analysators = module_analysators(nodes)
    numbers: dict[str, object] = {}  # the numeric constants typed so far, for those computed from them
    for c in parsed.constants:
        if state.excluded(c.name) is not None:
            continue  # its first value is not the one functions see (module_state.py)
        problem = constant_problem(c.value)
        if problem is not None:  # 0xfff...f (4,000 digits), "\ud800": no Rust literal
            tm.diagnostics.append(_diag(parsed, "PTL163", f"constant `{c.name}`: {problem}", c.line, c.name))
            continue
        typed = _constant(c, scope) or _folded_constant(c, numbers, scope)
        if typed is not None:
            tm.constants.append(typed)
            if typed.py_type.kind in ("int", "float") and not typed.lazy_static:
                numbers[c.name] = constant_value(typed.value)
    resized = {name: set(scan_function(node).resized) for name, node in nodes.items()}
    _propagate_mutation(tm, nodes, resized)
    _mutating_method_calls(tm, nodes, resized)
    if analysis is not None:
        _analysed_constants(tm, parsed, scope, analysis, state)
    if analysis is not None:
        _complete(tm, analysis, method_sources, evidence)
    if state.built:
        _built_constants(tm, state, scope, original)  # typed as statics for what reads tm.constants before the final pass
    if _generalise(tm, evidence, nodes) and analysis is not None:
        _complete(tm, analysis, method_sources, evidence)  # the returns of the generic functions (`return heap[0]`: a T)
    tm.functions = [
        _finish(sig, parsed, doc_returns.get(sig.name), resized.get(sig.name, set()), evidence.function(sig.qualname))
        for sig in tm.functions
    ]
    _finish_classes(tm, method_sources, parsed, evidence)
    _lazy_generators(tm, nodes)
    _iterable_params(tm, nodes, tree.module)
    _mark_raising(tm, nodes, parsed)
    if analysis is not None:
        _local_facts(tm, analysis, parsed)
    _comparison_guards(tm, method_sources)
    _int_facts(tm, nodes, tree.line)
    if state.built or state.unbuildable:
        _built_constants(tm, state, scope, original, final=True)
    for sig in tm.functions:
        tm.diagnostics.extend(sig.diagnostics)
    for cs in tm.classes:
        tm.diagnostics.extend(cs.diagnostics)
        # A method's own diagnostics (PTL110 for a parameter...) are the reason its report entry
        # gives; they are made under the method's short name, the report looks for its qualname.
        # A class left out (diagnostics of its own) gives its methods the class's reason instead.
        for m in ([] if cs.diagnostics else cs.methods):
            tm.diagnostics.extend(d if d.function == m.qualname else d.model_copy(update={"function": m.qualname})
                                  for d in m.diagnostics)
    return tm


def _local_facts(tm: ModuleTypeMap, analysis: ModuleAnalysis, parsed: ParsedModule) -> None:
    """The analysis' local types of every function and method, from the settled signatures:
    lowering starts from them (portalis/lower/function.py)."""
    sigs = list(tm.functions) + [m for c in tm.classes for m in c.methods]
    params = {s.qualname: {p.name: p.py_type for p in s.params} for s in sigs}
    returns = {s.qualname: s.returns for s in sigs}
    fields = {c.name: {f.name: f.py_type for f in c.fields} for c in tm.classes}
    try:
        found = analysis.local_facts(params, returns, fields)
    except RecursionError:
        return  # too deep for the walk: no facts (lowering types each local by its first value, PTL112 past that)
    tm.functions = [_with_facts(s, found[s.qualname], parsed) if s.qualname in found else s for s in tm.functions]
    for c in tm.classes:
        c.methods = [m.model_copy(update={"facts": found[m.qualname]}) if m.qualname in found else m for m in c.methods]


def _comparison_guards(tm: ModuleTypeMap, method_sources: dict) -> None:
    """A comparison method whose `other` is typed as its own class and whose first statement
    is the isinstance() guard of it: a fact lowering reads (`FunctionFacts.comparison_guard`)
    to drop the guard, instead of finding the guard again."""
    for c in tm.classes:
        methods = []
        for m in c.methods:
            source = method_sources.get(m.qualname)
            owner = m.qualname.rsplit(".", 2)[-2] if "." in m.qualname else None
            other = m.params[0].py_type if len(m.params) == 1 else None
            if (source is not None and owner is not None and m.kind == "method" and m.name in COMPARISONS and other is not None
                    and other.kind == "class" and other.name == owner):
                fact = comparison_other(source[1], owner)
                if fact is not None and fact.guard is not None:
                    m = m.model_copy(update={"facts": m.facts.model_copy(update={"comparison_guard": True})})
            methods.append(m)
        c.methods = methods


def _with_facts(sig: FunctionSignature, facts, parsed: ParsedModule) -> FunctionSignature:
    """sig with its facts; a generic function whose body uses a value of its type parameter in a
    way no trait expresses is not translated (PTL110 naming the use)."""
    update: dict = {"facts": facts}
    if facts.generic_problem is not None:
        # As before generics: the parameters nothing types are left out of the signature (its
        # stub) with PTL110, which says what was tried and why the function is not generic.
        diags = list(sig.diagnostics)
        kept = []
        for p in sig.params:
            if not T.typevars_in(p.py_type):
                kept.append(p)
                continue
            tried = next((o.detail.removeprefix("generic: nothing pins a type") for o in p.provenance
                          if o.detail.startswith("generic: nothing pins a type")), "")
            diags.append(_diag(parsed, "PTL110", f"parameter `{p.name}` has no type annotation and none could be inferred{tried}; "
                               f"not generic: {facts.generic_problem}", sig.line, sig.name))
        update["diagnostics"] = diags
        update["params"] = kept
    return sig.model_copy(update=update)


def _int_facts(tm: ModuleTypeMap, nodes: dict[str, cst.FunctionDef], line) -> None:
    """Whether each function's ints may grow past i64 (portalis/analysis/int_growth.py); one
    whose body the BigInt lowering covers gets `bigint` for its int parameters and return
    (num_bigint::BigInt in the Rust; callers convert at the call)."""
    twins = {}  # functions of int lists that can have a BigInt twin (a matrix product)
    for sig in tm.functions:
        node = nodes.get(sig.name)
        if node is not None and sig.typed and twin_problem(node, [(p.name, p.py_type) for p in sig.params], sig.returns) is None:
            twins[sig.name] = (node, [type_depth(p.py_type) or 0 for p in sig.params], type_depth(sig.returns) or 0)
    out = []
    for sig in tm.functions:
        node = nodes.get(sig.name)
        if node is None or not sig.typed:
            out.append(sig)
            continue
        fact = int_growth(node, [(p.name, p.py_type) for p in sig.params], sig.returns, _Lines(line), twins)
        if fact is None:
            out.append(sig)
            continue
        update: dict = {"facts": sig.facts.model_copy(update={"ints": fact})}
        if fact.bigint:
            update["params"] = [p.model_copy(update={"py_type": T.BIGINT, "rust_type": BIGINT, "passing": Passing.VALUE})
                                for p in sig.params]
            update["returns"] = T.BIGINT
            update["rust_returns"] = BIGINT
        out.append(sig.model_copy(update=update))
    callers: dict[str, list[str]] = {}  # a twin's callers on BigInt: its twins are emitted with it
    for sig in out:
        if sig.facts.ints is not None and sig.facts.ints.bigint:
            for callee in sig.facts.ints.twins:
                callers.setdefault(callee, []).append(sig.name)
    for i, sig in enumerate(out):
        if sig.name in callers:
            fact = sig.facts.ints or IntGrowth()
            fact = fact.model_copy(update={"twin_of": callers[sig.name]})
            out[i] = sig.model_copy(update={"facts": sig.facts.model_copy(update={"ints": fact})})
    tm.functions = out


class _Lines(dict):
    """Source lines of nodes, looked up on demand (the analysis reads only a few)."""

    def __init__(self, line) -> None:
        super().__init__()
        self._line = line

    def get(self, node, default=None):  # type: ignore[override]
        try:
            return self._line(node)
        except Exception:  # noqa: BLE001 - a line is decoration: none rather than a failure
            return default


def _analysed_constants(tm: ModuleTypeMap, parsed: ParsedModule, scope: TypeScope, analysis: ModuleAnalysis,
                        state: ModuleState) -> None:
    """Constants whose value is an expression, typed by the analysis' evaluator (the module's
    constants are evaluated in source order, each seeing the earlier ones: ModuleAnalysis's
    context), kept where a `LazyLock` static can hold them (portalis/constant_facts.py)."""
    typed = {c.name for c in tm.constants}
    # path constants (portalis/path_types.py) are no statics: each use is the path itself
    paths = {n for facts in tm.names.paths.values() for n in facts.constants}
    found = analysis.context.constants
    module_level = {c.name for c in parsed.constants} | set(found)
    for c in parsed.constants:
        if c.name in typed or c.name in paths or c.name == "__all__" or c.name not in found:
            continue
        if c.name in scope.aliases and found[c.name].kind != "timezone":  # `UTC = timezone.utc`: a value
            continue
        if state.excluded(c.name) is not None:
            continue
        if len(c.value) > MAX_COMPUTED_SOURCE or _is_literal(c.value):
            continue
        # Computed from a constant later statements change: the static would see its final value.
        if any(not state.complete_before(n, c.line) for n in _names_in(c.value)):
            continue
        # A value reading a module constant that is no static (`_width = len(...)`, an int the
        # evaluator types but a LazyLock does not hold) could not be lowered (PTL145): leave it.
        if (_names_in(c.value) & module_level) - typed - paths:
            continue
        typed_constant = typed_computed(c, found[c.name], scope)
        if typed_constant is not None:
            tm.constants.append(typed_constant)
            typed.add(c.name)


def _with_init_functions(parsed: ParsedModule, state: ModuleState) -> tuple[ParsedModule, object]:
    """The module with one synthetic function per built constant appended (its body: the
    statements computing the constant), and its tree. A module the appended text does not
    parse with (it cannot happen for a module that parsed; kept safe) gets none: its built
    constants are then unbuildable."""
    sep = "" if parsed.source.endswith("\n") else "\n"
    text = parsed.source + sep + "\n\n"
    infos = []
    for b in state.built.values():
        line = text.count("\n") + 1
        fn = init_function_source(b)
        text += fn + "\n\n"
        name = init_function_name(b.name)
        infos.append(FunctionInfo(name=name, qualname=name, params=[], line=line, end_line=line + fn.count("\n") - 1))
    try:
        tree = source_tree(text)
    except Exception:  # noqa: BLE001 - the original tree stays; the constants are not translated
        for n in list(state.built):
            state.unbuildable[n] = "the code computing it could not be gathered into one function"
        state.built.clear()
        return parsed, source_tree(parsed.source)
    return parsed.model_copy(update={"source": text, "functions": [*parsed.functions, *infos]}), tree


def _built_constants(tm: ModuleTypeMap, state: ModuleState, scope: TypeScope, parsed: ParsedModule,
                     final: bool = False) -> None:
    """The constants later module code builds, as statics whose initialiser is their synthetic
    function (typed like any function). `final`: the synthetic functions leave the map (they
    are no function of the module) and each constant keeps its function's signature; one whose
    value has no static type, or that cannot be captured, is PTL145 (its readers: PTL135)."""
    inits = {init_function_name(n): n for n in state.built}
    sigs = {s.name: s for s in tm.functions if s.name in inits}
    tm.constants = [c for c in tm.constants if c.name not in state.built]
    for fname, name in inits.items():
        sig = sigs.get(fname)
        b = state.built[name]
        info = next(c for c in parsed.constants if c.name == name)
        typed = None
        if sig is not None and sig.typed and T.is_known(sig.returns):
            typed = typed_computed(ConstantInfo(name=name, annotation=info.annotation, value=init_function_source(b), line=b.line),
                                   sig.returns, scope)
        if typed is not None:
            tm.constants.append(typed.model_copy(update={"init": sig}) if final else typed)
        elif final:
            why = "its value's type is not inferred" if sig is None or not T.is_known(sig.returns) else f"a static cannot hold a {sig.returns}"
            tm.diagnostics.append(_diag(parsed, "PTL145", f"constant `{name}` is built by module-level code (lines {b.line}-{b.last_line}) and is not translated: {why}", b.line, name)
                                  .model_copy(update={"severity": Severity.WARNING}))
    if not final:
        return
    for name, why in state.unbuildable.items():
        line = next((c.line for c in parsed.constants if c.name == name), None)
        tm.diagnostics.append(_diag(parsed, "PTL145", f"constant `{name}` is not translated: {why}", line or 1, name)
                              .model_copy(update={"severity": Severity.WARNING}))
    tm.functions = [s for s in tm.functions if s.name not in inits]
    tm.diagnostics = [d for d in tm.diagnostics if not (d.function or "").startswith(INIT_PREFIX)]


def _names_in(code: str) -> set[str]:
    """The names an expression's source reads (every Name node; an unparsable one: none)."""
    try:
        expr = cst.parse_expression(code)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return set()
    out: set[str] = set()
    stack: list[cst.CSTNode] = [expr]
    while stack:
        n = stack.pop()
        if type(n) is cst.Name:
            out.add(n.value)
        elif type(n) is cst.Attribute:
            stack.append(n.value)  # `string.digits`: the attribute's name is not a read
            continue
        stack.extend(n.children)
    return out


def _is_literal(code: str) -> bool:
    try:
        constant_value(code)
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError, MemoryError, RecursionError):
        return False
    return True


def _fields_from_evidence(tm: ModuleTypeMap, evidence: ModuleEvidence) -> None:
    """Attributes `__init__` does not type, typed by what the class's methods assign to them."""
    for ci, cls in enumerate(tm.classes):
        found = evidence.fields.get(cls.name)
        if not found:
            continue
        fields = list(cls.fields)
        for fi, f in enumerate(fields):
            ev = found.get(f.name)
            # `self.last = None` in __init__ and `self.last = key` in a method: Optional[str]
            open_type = not T.is_known(f.py_type) or f.py_type.kind == "none"
            if open_type and ev is not None and ev.type is not None and T.is_known(ev.type):
                new = T.unify(f.py_type, ev.type)
                if new is not None and T.is_known(new):
                    fields[fi] = f.model_copy(update={"py_type": new, "provenance": list(ev.provenance)})
        if fields != cls.fields:
            tm.classes[ci] = cls.model_copy(update={"fields": fields})


def _mutating_method_calls(tm: ModuleTypeMap, nodes: dict[str, cst.FunctionDef], resized: dict[str, set[str]]) -> None:
    """A class-typed parameter on which a `&mut self` method is called is passed `&mut`."""
    mutators = tm.mutating_methods()
    if not mutators:
        return
    for i, sig in enumerate(tm.functions):
        node = nodes.get(sig.name)
        if node is None:
            continue
        called = {
            c.func.value.value
            for c in scan_function(node).calls
            if isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) and c.func.attr.value in mutators
        }
        params = list(sig.params)
        for j, p in enumerate(params):
            if p.name in called and p.py_type.kind == "class" and not p.mutated:
                params[j] = _typed(p.name, p.py_type, True, p.default, variadic=p.variadic, keywords=p.keywords, provenance=p.provenance)
        if params != sig.params:
            tm.functions[i] = sig.model_copy(update={"params": params})


def _holds_callable(t: PyType) -> bool:
    """Whether a type is or contains a callable (`Optional[Callable[[str], bool]]`)."""
    return t.kind == "callable" or any(_holds_callable(a) for a in t.args)


def _finish_classes(tm: ModuleTypeMap, sources: dict, parsed: ParsedModule, evidence: ModuleEvidence | None = None) -> None:
    """Settle field and method types; what is still unknown is reported (PTL112/PTL110)."""
    from portalis.exception_facts import escaping_raises, exception_classes

    known = exception_classes([(c.name, c.bases) for c in parsed.classes])
    for ci, cls in enumerate(list(tm.classes)):
        diags = list(cls.diagnostics)
        fields = []
        plain = cls.flavour is None and not cls.is_dataclass
        for f in cls.fields:
            if T.typevars_in(f.py_type):
                # The `T` a generic callee returns (`self.x = normalize(value)` with
                # `normalize(v: Any) -> Any`) is not the struct's: a field has no type parameter.
                f = f.model_copy(update={"py_type": T.UNKNOWN})
            why = f.why
            if why is None and _holds_callable(f.py_type):
                # A callable is a borrowed `&dyn Fn` (parameters, lowering's closures); a struct
                # field would need its lifetime (rustc E0106 left the whole class out): the
                # placeholder keeps the class and its other methods (difflib's `Differ.linejunk`).
                why = f"field `{cls.name}.{f.name}`: a callable ({f.py_type}) is not stored in a struct field yet"
            if why is None and T.is_known(f.py_type):
                try:
                    fields.append(f.model_copy(update={"rust_type": print_type(owned_type(f.py_type))}))
                    continue
                except TypeMappingError as exc:
                    why = f"field `{cls.name}.{f.name}`: {exc}"
            if plain:
                # An attribute nothing types (a callable, a file, a value of a class outside the
                # repository) or whose type has no Rust mapping no longer drops the class: the
                # field holds the placeholder, the methods that touch it say so (PTL112/PTL111
                # from lowering) and the others translate.
                what = (f"{why}: the field holds the placeholder `crate::pyrt::Opaque`" if why else
                        f"{held_field_text(cls.name, f.name) or f'the type of attribute `{cls.name}.{f.name}` cannot be inferred'}: "
                        "the field holds the placeholder `crate::pyrt::Opaque`")
                tm.diagnostics.append(Diagnostic(
                    code="PTL111" if why else "PTL112", module=parsed.module, function=cls.name, line=cls.line,
                    severity=Severity.WARNING, message=f"{what} and the methods that use it are not translated"))
                fields.append(f.model_copy(update={"py_type": PyType(kind="opaque", name=f"{cls.name}.{f.name}"),
                                                   "rust_type": "crate::pyrt::Opaque", "why": why}))
            elif why is not None:
                diags.append(_diag(parsed, "PTL111", why, cls.line, cls.name))
            else:
                diags.append(_diag(parsed, "PTL112", _untyped_field(cls.name, f.name), cls.line, cls.name))
        if cls.foreign_bases:
            # Not the class's own diagnostic (that would leave it out): a warning on the class.
            tm.diagnostics.append(Diagnostic(
                code="PTL190", module=parsed.module, function=cls.name, line=cls.line, severity=Severity.WARNING,
                message=f"class `{cls.name}`: base {', '.join(f'`{b}`' for b in cls.foreign_bases)} is not translated with it: "
                "the struct has the class's own fields; the methods using what the base provides are not translated"))
        methods = []
        changed, resized = _method_mutation(cls, sources, tm)
        for m in cls.methods:
            if changed.get(m.name):
                m = m.model_copy(update={"params": [p.model_copy(update={"mutated": True}) if p.name in changed[m.name] else p for p in m.params]})
            done = _finish(m, parsed, None, resized.get(m.name, set()), evidence.function(m.qualname) if evidence is not None else None)
            _owner, node, _c = sources[f"{cls.name}.{m.name}"]
            if escaping_raises(node, known):
                rust = done.rust_returns if done.rust_returns != "_" else "()"
                done = done.model_copy(update={"raises": True, "rust_returns": f"Result<{rust}, crate::pyrt::PyErr>"})
            methods.append(done.model_copy(update={"kind": m.kind, "unbound": m.unbound, "mut_self": m.mut_self, "qualname": m.qualname}))
        tm.classes[ci] = cls.model_copy(update={"fields": fields, "methods": methods, "diagnostics": diags})


