"""Classes: dataclasses and plain classes as a struct plus one `impl` block per method.

Interface (the type map): a class's fields are its dataclass/class-level annotated fields, and for
plain classes the attributes `__init__` assigns (`self.x = ...`, typed from an annotation, the
parameter assigned, or a literal); a single base class defined in the same module contributes
its fields first and the methods the class does not override; a base not translated with it (in
another module, outside the repository) leaves the class its own fields, methods and class
attributes (`foreign_bases`: lowering refuses, PTL190, what would come from the base), while a
value base (`str`, `tuple`, an enum, an exception, `type`) leaves the class out (PTL140). A
metaclass is recorded (`metaclass`, with the names its `__new__` wraps, `metaclass_wraps`): lowering
leaves out the methods it may rewrite (PTL191) unless the wrapper is a known one (pygments'
`make_analysator`, portalis/analysis/metaclass_wraps.py). A `def` without `self` in such a class
(`def analyse_text(text):`) is signed as `C.f(text)` calls it (`unbound`).
Methods are typed like functions
(annotations, docstring examples, inference from their bodies) with `self` bound to the class;
a method that assigns `self`'s attributes, changes them in place or calls such a method takes
`&mut self`.

Lowering: the struct derives Debug, Clone, PartialEq and Default; each method is
`impl C { pub fn m(&self, ...) }` on its own, so rustc can reject (and the validation stage
quarantine) one method without the others; `__init__` becomes `pub fn __init__(&mut self, ...)`
plus `pub fn new(...) -> Self` that starts from `Self::default()`; static methods have no
receiver, class methods neither (`cls(...)` builds `Self`), properties are methods called where
the attribute is read. `super().__init__(...)` runs the base's initialiser on the same value.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

from portalis.cst_scan import scan_function
from portalis.memo import memo_table
from portalis.model import ClassInfo, ClassSignature, Diagnostic, FunctionInfo, FunctionSignature, ParsedModule, PyType, TypedField
from portalis.namedtuples import TYPENAME, UNTYPED_FIELD
from portalis.parse import _bindings, code_of, method_key
from portalis.rust.printer import print_type
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation
from portalis.types.evidence import value_type
from portalis.types.rust_types import TypeMappingError, owned_type

_DECORATOR_KINDS = {"staticmethod": "staticmethod", "classmethod": "classmethod", "property": "property"}


def method_kind(info: FunctionInfo) -> str:
    for d in info.decorators:
        kind = _DECORATOR_KINDS.get(d.split(".")[-1])
        if kind is not None:
            return kind
    if info.name == "__init__":
        return "init"
    return "method"


def class_nodes(module: cst.Module) -> dict[str, cst.ClassDef]:
    """The module's top-level classes by name (the last definition of a name, as Python binds
    it; asked once per class of a module, kept in the stage's memo scope, portalis/memo.py).
    Read-only: the dict is shared by the callers of one module."""
    table = memo_table("class_nodes")
    hit = table.get(id(module)) if table is not None else None
    if hit is not None and hit[0] is module:
        return hit[1]
    nodes = {s.name.value: s for s in module.body if isinstance(s, cst.ClassDef)}
    if table is not None:
        table[id(module)] = (module, nodes)
    return nodes


def method_nodes(node: cst.ClassDef) -> dict[str, cst.FunctionDef]:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return {
        method_key(s.name.value, [code_of(d.decorator) for d in s.decorators]): s
        for s in body if isinstance(s, cst.FunctionDef)
    }


def _diag(parsed: ParsedModule, code: str, message: str, line: int, function: str | None) -> Diagnostic:
    return Diagnostic(code=code, message=message, module=parsed.module, function=function, line=line)


def init_fields(init: cst.FunctionDef, param_types: dict[str, PyType], scope: TypeScope) -> tuple[list[tuple[str, PyType | None]], list[tuple[str, str]]]:
    """The attributes `__init__` assigns on self, in order, with the type each assignment shows
    (None when it does not say); and the problems found, as (attribute, message)."""
    fields: dict[str, PyType | None] = {}
    problems: list[tuple[str, str]] = []
    kind_tested = {c.args[0].value.value for c in scan_function(init).calls  # type: ignore[attr-defined]
                   if type(c.func) is cst.Name and c.func.value == "isinstance" and c.args and type(c.args[0].value) is cst.Name}
    assigned: list[tuple[cst.BaseExpression, cst.BaseExpression | None, str | None]] = []
    for n in _in_order(init.body):
        if type(n) is cst.Assign:
            # `self.a = self.b = None`: every target of a chained assignment is stored
            assigned.extend((t.target, n.value, None) for t in n.targets)
        elif type(n) is cst.AnnAssign:
            assigned.append((n.target, n.value, code_of(n.annotation.annotation)))
    for target, value, annotation in assigned:
        if not (type(target) is cst.Attribute and type(target.value) is cst.Name and target.value.value == "self"):
            continue
        name = target.attr.value
        ty: PyType | None = None
        if annotation is not None:
            try:
                ty = resolve_annotation(annotation, scope)
            except AnnotationError as exc:
                problems.append((name, f"attribute `{name}`: {exc}"))
        elif type(value) is cst.Name and value.value in param_types:
            ty = param_types[value.value]
            if ty.kind == "union" and value.value in kind_tested:
                ty = None  # a union narrowed by isinstance: the branch's member (the evidence pass types it)
        elif value is not None:
            try:
                ty = value_type(ast.literal_eval(code_of(value)))
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                ty = None
        old = fields.get(name)
        if old is None:
            fields[name] = ty
        elif ty is not None:
            fields[name] = T.unify(old, ty) or old
    return list(fields.items()), problems


def init_callees(init: cst.FunctionDef, own: dict[str, cst.FunctionDef]) -> list[str]:
    """The class's own methods `__init__` runs through `self.m(...)`, transitively, in the order
    first called (`__init__` -> `set_seqs` -> `set_seq1`, `set_seq2` -> `__chain_b`): the
    attributes they assign are the object's fields as much as those `__init__` assigns."""
    out: list[str] = []
    todo = [init]
    while todo:
        fn = todo.pop(0)
        for n in _in_order(fn.body):
            if not (type(n) is cst.Call and type(n.func) is cst.Attribute and type(n.func.value) is cst.Name
                    and n.func.value.value == "self"):
                continue
            name = n.func.attr.value
            if name in own and name != "__init__" and name not in out:
                out.append(name)
                todo.append(own[name])
    return out


def _in_order(node: cst.CSTNode):
    """The statements of a body in source order (nested blocks included)."""
    from portalis.cst_scan import children

    for child in children(node):
        if type(child) in (cst.FunctionDef, cst.ClassDef, cst.Lambda):
            continue
        yield child
        yield from _in_order(child)


def operator_method(cls: ClassSignature, name: str) -> FunctionSignature | None:
    """A comparison method Rust's operators can call: `def __lt__(self, other: C) -> bool`
    (lowering derives `impl PartialEq`/`PartialOrd` from `__eq__`/`__lt__`)."""
    m = cls.method(name)
    if m is None or not m.typed or m.raises or m.kind != "method" or len(m.params) != 1:
        return None
    other = m.params[0].py_type
    if other.kind != "class" or other.name != cls.name or m.returns.kind != "bool":
        return None
    return m


def hash_method(cls: ClassSignature) -> FunctionSignature | None:
    """A `__hash__` Rust's `Hash` can call: `def __hash__(self) -> int`, typed, not raising."""
    m = cls.method("__hash__")
    if m is None or not m.typed or m.raises or m.kind != "method" or m.params or m.returns.kind != "int":
        return None
    return m


def hashes(cls: ClassSignature) -> bool:
    """Whether the class's struct gets `impl Hash` and `Eq` (so its objects can be set items and
    dict keys, as in Python): its own typed `__hash__` and `__eq__`. A `__hash__` without an
    `__eq__` of the class compares objects by identity in Python, which a struct has not."""
    return hash_method(cls) is not None and operator_method(cls, "__eq__") is not None


def _orderable_field(t: PyType) -> bool:
    if t.kind in ("int", "float", "bool", "str", "none"):
        return True
    if t.kind in ("list", "tuple", "optional"):
        return all(_orderable_field(a) for a in t.args)
    return False


def orders(cls: ClassSignature) -> bool:
    """Whether the class's struct gets `PartialOrd`: a typed `__lt__` of its own kind, or a
    NamedTuple of orderable fields (compared as tuples, what derive does). `<` on objects of
    any other class has nothing in Rust to call."""
    if operator_method(cls, "__lt__") is not None:
        return True
    return cls.flavour == "namedtuple" and all(_orderable_field(f.py_type) for f in cls.fields)


# Bases that give a class no state and no behaviour the translation needs: `object`, abstract
# interfaces (collections.abc, numbers, typing) whose methods the class defines itself. A class
# deriving from them is translated alone; a mixin method it inherits (`Sequence.index`) is not
# a method of the struct, so a call of it says so (PTL134) instead of the class being dropped.
STATELESS_BASES: frozenset[str] = frozenset({
    "object", "ABC", "Generic", "Protocol",
    "Hashable", "Sized", "Container", "Iterable", "Reversible", "Collection", "Sequence", "Mapping",
    "Set", "Callable", "Awaitable", "MutableMapping", "MutableSequence", "MutableSet", "Iterator",
    "AbstractContextManager",
    "Number", "Complex", "Real", "Rational", "Integral",
})


def base_name(text: str) -> str:
    """`collections.abc.Sequence` -> `Sequence`, `Generic[T]` -> `Generic`."""
    return text.split("[", 1)[0].strip().split(".")[-1]


_base_name = base_name


@dataclass(frozen=True)
class Bases:
    """How a class's bases are translated: the module base it is translated with (its first
    base, a class of the module before it), the bases from elsewhere (its own and that base's),
    a value base that leaves the class out (PTL140), and a metaclass other than ABCMeta (its
    own or the inherited one)."""

    inherited: str | None = None
    foreign: tuple[str, ...] = ()
    value_base: str | None = None
    metaclass: str | None = None

    @property
    def rewrites(self) -> bool:
        """Whether something the module does not show may rewrite or call the class's methods
        (a metaclass, a base from elsewhere): a `def` without `self` is then signed unbound."""
        return bool(self.foreign) or self.metaclass is not None


def class_bases(info: ClassInfo, done: dict[str, Bases]) -> Bases:
    """The `Bases` of a class, given those of the module's classes before it (`done`, by name;
    the module's exception classes and classes without a def left out)."""
    inherited: str | None = None
    foreign: list[str] = []
    value: str | None = None
    if info.bases and not is_namedtuple(info) and not is_enum(info):
        names = [base_name(b) for b in info.bases]
        first, rest = names[0], names[1:]
        # A base of the module translated with it, even one left out itself (`class
        # ValueTerminal(Terminal)` where `Terminal(str)` is PTL140: email's parser keeps ~100
        # methods that way).
        if first in done and all(b in STATELESS_BASES for b in rest):
            inherited = first
        elif not all(b in STATELESS_BASES for b in names):
            value = next((b for b, n in zip(info.bases, names) if _value_base(n)), None)
            if value is None:
                # A base in another module or outside the repository: the class keeps its
                # struct and its own methods; what it takes from the base is PTL190 per method.
                foreign = [b for b, n in zip(info.bases, names) if n not in STATELESS_BASES]
    parent = done.get(inherited) if inherited is not None else None
    if parent is not None:
        foreign = [*parent.foreign, *foreign]
    metaclass = info.metaclass if info.metaclass is not None and base_name(info.metaclass) != "ABCMeta" else None
    if metaclass is None and parent is not None:
        metaclass = parent.metaclass
    return Bases(inherited=inherited, foreign=tuple(foreign), value_base=value, metaclass=metaclass)


def module_bases(parsed: ParsedModule, skipped: set[str]) -> dict[str, Bases]:
    """The `Bases` of every class of the module but the `skipped` ones (its exception classes,
    classes with no def at module level), in the module's order."""
    done: dict[str, Bases] = {}
    for info in parsed.classes:
        if info.name not in skipped:
            done[info.name] = class_bases(info, done)
    return done


def own_exceptions(parsed: ParsedModule) -> set[str]:
    """The module's classes that derive from an exception class (signed apart: not in `done`)."""
    from portalis.exception_facts import BUILTIN_EXCEPTIONS, exception_classes

    return set(exception_classes([(c.name, c.bases) for c in parsed.classes])) - set(BUILTIN_EXCEPTIONS)


def signed_unbound(bases: Bases, decorated: bool, first_param: str | None) -> bool:
    """Whether a method is signed as called through its class (`C.f(text)`, every parameter
    visible): a plain method (no decorator) whose first parameter is not `self`/`cls`, in a class
    whose methods something the module does not show may rewrite (`def analyse_text(text):`
    under pygments' metaclass). The type map signs it so and the evidence pass reads each of
    its parameters (none is taken for `self`)."""
    return bases.rewrites and not decorated and first_param is not None and first_param not in ("self", "cls")


def build_class_interfaces(
    parsed: ParsedModule,
    module: cst.Module,
    scope: TypeScope,
    signature: object,
    exceptions: set[str],
) -> tuple[list[ClassSignature], dict[str, tuple[str, cst.FunctionDef, cst.ClassDef]]]:
    """Class signatures before inference (fields, method signatures from annotations), and for
    each method qualname `C.m` the (owner class, def node, owner ClassDef) it is lowered from."""
    nodes = class_nodes(module)
    out: list[ClassSignature] = []
    sources: dict[str, tuple[str, cst.FunctionDef, cst.ClassDef]] = {}
    done: dict[str, ClassSignature] = {}
    for info in parsed.classes:
        node = nodes.get(info.name)
        if info.name in exceptions or node is None:
            from portalis.exception_facts import message_parameter, message_template
            from portalis.model import ExceptionMessage

            is_exc = node is not None and info.name in exceptions
            message = message_parameter(node) if is_exc else None
            found = message_template(node) if is_exc else None
            template = ExceptionMessage(expr=found[0], attrs=found[1], params=found[2], defaults=found[3]) if found else None
            sig = ClassSignature(name=info.name, fields=[], is_dataclass=info.is_dataclass, line=info.line, message_arg=message,
                                 message=template)
            out.append(sig)
            continue
        sig = _class_interface(parsed, info, node, scope, signature, done, sources)
        if sig.metaclass is not None:
            inherited = done.get(sig.base) if sig.base is not None and info.metaclass is None else None
            names = inherited.metaclass_names if inherited is not None else metaclass_names(sig.metaclass, nodes)
            if inherited is not None:
                wraps, where = inherited.metaclass_wraps, inherited.metaclass_module
            else:
                from portalis.analysis.metaclass_wraps import metaclass_wraps

                wraps, where = metaclass_wraps(sig.metaclass, nodes), parsed.module
            sig = sig.model_copy(update={"metaclass_names": names, "metaclass_wraps": wraps, "metaclass_module": where})
        done[info.name] = sig
        out.append(sig)
    return out, sources


def names_in(node: cst.CSTNode) -> set[str]:
    """Every identifier and string literal in a class body (what a metaclass's code may name)."""
    from portalis.cst_walk import iter_nodes

    out: set[str] = set()
    for n in iter_nodes(node):
        if isinstance(n, cst.Name):
            out.add(n.value)
        elif isinstance(n, cst.SimpleString):
            out.add(n.evaluated_value if isinstance(n.evaluated_value, str) else "")
    return out


def metaclass_names(metaclass: str, nodes: dict[str, cst.ClassDef]) -> list[str] | None:
    """Every name and string the metaclass's code mentions (its body and its bases' bodies in the
    module, down to `type`): the methods it may rewrite. None when part of it is not in the module."""
    from portalis.analysis.metaclass_wraps import metaclass_chain

    out: set[str] = set()
    for _, node in metaclass_chain(metaclass, nodes):
        if node is None:
            return None
        out |= names_in(node)
    return sorted(out)


def _class_interface(
    parsed: ParsedModule,
    info: ClassInfo,
    node: cst.ClassDef,
    scope: TypeScope,
    signature,
    done: dict[str, ClassSignature],
    sources: dict[str, tuple[str, cst.FunctionDef, cst.ClassDef]],
) -> ClassSignature:
    diags: list[Diagnostic] = []
    fields: list[TypedField] = []
    base_sig: ClassSignature | None = None
    namedtuple = is_namedtuple(info)
    enum = is_enum(info)
    members: list = []
    if enum:
        members, problems = _enum_members(node, info, scope)
        for problem in problems:
            diags.append(_diag(parsed, "PTL140", f"enum `{info.name}`: {problem}", info.line, info.name))
    bases = class_bases(info, {n: _bases_of(sig) for n, sig in done.items()})
    if bases.inherited is not None:
        base_sig = done[bases.inherited]
    if bases.value_base is not None:
        bad = bases.value_base
        what = "a metaclass" if base_name(bad) == "type" else "a builtin value type, an enum or an exception"
        diags.append(_diag(parsed, "PTL140", f"class `{info.name}`: base class `{bad}` is not translated with it "
                           f"({what}: instances are not a plain struct)", info.line, info.name))
    foreign = list(bases.foreign)
    metaclass = bases.metaclass
    if base_sig is not None:
        fields.extend(base_sig.fields)
    for f in info.fields:
        if f.annotation is None:
            continue
        if f.annotation == UNTYPED_FIELD:
            # `namedtuple('P', 'x y')` where no construction site or default types `x`
            diags.append(_diag(parsed, "PTL111", f"field `{info.name}.{f.name}` of collections.namedtuple `{info.name}`: no type "
                               "evidence (no construction site, default or docstring example shows its type)", f.line, info.name))
            continue
        try:
            py = resolve_annotation(f.annotation, scope)
            fields = [x for x in fields if x.name != f.name]
            fields.append(TypedField(name=f.name, py_type=py, rust_type=print_type(owned_type(py)), default=f.default))
        except (AnnotationError, TypeMappingError) as exc:
            if info.is_dataclass or namedtuple or enum:
                # the field is a constructor parameter: no placeholder can be passed
                diags.append(_diag(parsed, "PTL111", f"field `{info.name}.{f.name}`: {exc}", f.line, info.name))
            else:
                # A plain class keeps its struct: the field holds the placeholder (typemap's
                # _finish_classes) and only the methods touching it are untranslated.
                fields = [x for x in fields if x.name != f.name]
                fields.append(TypedField(name=f.name, py_type=T.UNKNOWN, rust_type="", why=f"field `{info.name}.{f.name}`: {exc}"))
    constants = _class_constants(node, scope) if not enum else []
    typename = _typename(node) if namedtuple else None
    constants = [c for c in constants if c.name != TYPENAME]
    if base_sig is not None:
        constants = [c for c in base_sig.constants if c.name not in {k.name for k in constants}] + constants
    own_methods = method_nodes(node)
    properties = {**(base_sig.properties if base_sig is not None else {}), **property_calls(node)}
    method_infos = {method_key(m.name, m.decorators): m for m in info.methods}
    methods: list[FunctionSignature] = []
    for name, mnode in own_methods.items():
        minfo = method_infos[name]
        kind = method_kind(minfo)
        # `def analyse_text(text):` in a class a metaclass may rewrite: signed as `C.f(text)`
        # calls it (every parameter); lowering refuses it unless the metaclass's wrapper is known.
        unbound = kind == "method" and signed_unbound(bases, bool(minfo.decorators), minfo.params[0].name if minfo.params else None)
        if unbound:
            kind = "staticmethod"
        shown = minfo if kind == "staticmethod" else minfo.model_copy(update={"params": minfo.params[1:]})
        if name != minfo.name:
            # a property's setter (`__set_x__`): its evidence is under that name, not the getter's
            shown = shown.model_copy(update={"qualname": f"{info.name}.{name}"})
        msig = signature(shown, mnode, scope, parsed)
        msig = msig.model_copy(update={"name": name, "qualname": f"{info.name}.{name}", "kind": kind, "unbound": unbound})
        methods.append(msig)
        sources[f"{info.name}.{name}"] = (info.name, mnode, node)
    owners: dict[str, str] = {}
    if base_sig is not None:
        own = {m.name for m in methods}
        for m in base_sig.methods:
            if m.name not in own:
                methods.append(m.model_copy(update={"qualname": f"{info.name}.{m.name}"}))
                owner, mnode, onode = sources[f"{base_sig.name}.{m.name}"]
                sources[f"{info.name}.{m.name}"] = (owner, mnode, onode)
                owners[m.name] = owner
        base_init = base_sig.method("__init__")
        if base_init is not None:
            # `super().__init__(...)` runs the base's initialiser: kept under the base's name.
            alias = f"__init_{base_sig.name}__"
            methods.append(base_init.model_copy(update={"name": alias, "qualname": f"{info.name}.{alias}"}))
            sources[f"{info.name}.{alias}"] = sources[f"{base_sig.name}.__init__"]
            owners[alias] = sources[f"{base_sig.name}.__init__"][0]
    if not (info.is_dataclass or namedtuple):
        init = own_methods.get("__init__")
        init_sig = next((m for m in methods if m.name == "__init__"), None)
        if init is not None and init_sig is not None:
            found, problems = init_fields(init, {p.name: p.py_type for p in init_sig.params if T.is_known(p.py_type)}, scope)
            for callee in init_callees(init, own_methods):
                csig = next((m for m in methods if m.name == callee), None)
                more, more_problems = init_fields(own_methods[callee], {p.name: p.py_type for p in csig.params if T.is_known(p.py_type)} if csig else {}, scope)
                problems = [*problems, *more_problems]
                # `self.a = None` in __init__, `self.a = a` (a str) in the method it calls: one
                # field, the two types unified (Optional[str]); what does not unify stays open
                merged = dict(found)
                for name, ty in more:
                    old = merged.get(name, ty)
                    merged[name] = ty if old is None else old if ty is None else T.unify(old, ty)
                found = list(merged.items())
            unsupported = dict(problems)  # attribute -> why its annotation has no Rust type
            # A property with a setter is no field: `self.first = x` in __init__ runs the setter,
            # and what the setter stores (`self._first = value`) is the field.
            setters = {name[len("__set_"):-2]: (name, m) for name, m in own_methods.items() if name.startswith("__set_") and name.endswith("__")}
            # `x = property(getx, setx)`: the same, with the setter under its own name
            setters.update({prop: (setter, own_methods[setter]) for prop, (_, setter) in properties.items()
                            if setter is not None and setter in own_methods})
            for _setter_name, (method_name, snode) in setters.items():
                ssig = next((m for m in methods if m.name == method_name), None)
                stored, _ = init_fields(snode, {p.name: p.py_type for p in ssig.params if T.is_known(p.py_type)} if ssig else {}, scope)
                found = [*found, *stored]
            known = {f.name for f in fields}
            for name, ty in found:
                if name in known or name in setters or name in properties:
                    continue
                known.add(name)
                why = f"class `{info.name}`: {unsupported[name]}" if name in unsupported else None
                fields.append(TypedField(name=name, py_type=T.UNKNOWN if why else ty or T.UNKNOWN, rust_type="", why=why))
    methods = [_with_receiver(m, own_methods, sources, info.name) for m in methods]
    methods = _mut_self_closure(methods, sources, info.name)
    return ClassSignature(
        name=info.name,
        fields=fields,
        # A NamedTuple is built like a dataclass: positional/keyword fields, defaults.
        is_dataclass=info.is_dataclass or namedtuple,
        flavour="namedtuple" if namedtuple else "enum" if enum else None,
        typename=typename,
        members=members,
        line=info.line,
        diagnostics=diags,
        methods=methods,
        base=base_sig.name if base_sig is not None else None,
        constants=constants,
        foreign_bases=foreign,
        metaclass=metaclass,
        # What a subclass in another module lowers its inherited methods from (not for enums
        # and NamedTuples: no class derives from them as a plain struct).
        source=code_of(node) if not (enum or namedtuple) and own_methods else None,
        method_owners=owners,
        properties=properties,
    )


def property_calls(node: cst.ClassDef) -> dict[str, list[str | None]]:
    """`x = property(getx)` / `property(getx, setx)` in the class body: x -> [getter, setter],
    each the method its positional argument names (None: none given, or an expression such as a
    lambda, which is not translated). The analysis reads the same table (evidence._properties)."""
    out: dict[str, list[str | None]] = {}
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if type(small) is not cst.Assign or len(small.targets) != 1 or type(small.targets[0].target) is not cst.Name:
                continue
            value = small.value
            if type(value) is not cst.Call or type(value.func) is not cst.Name or value.func.value != "property":
                continue
            names: list[str | None] = [a.value.value if type(a.value) is cst.Name else None
                                       for a in value.args[:2] if a.keyword is None and not a.star]
            out[small.targets[0].target.value] = (names + [None, None])[:2]
    return out


# Bases whose instances are not a plain object with attributes: a builtin value (`class
# include(str)`: the instance is the string), a typed dict, an enum (class attributes become
# members), an exception (raised, not built as a struct). A class deriving from one is not
# translated (PTL140). `list` and `dict` reach here only where portalis/builtin_bases.py could
# not rewrite the class into one holding its items (`super().__init__(*args, **kw)`).
_VALUE_BASES = frozenset({
    "str", "int", "float", "complex", "bool", "bytes", "bytearray", "tuple", "list", "dict", "set", "frozenset",
    "type", "TypedDict", "NamedTuple", "namedtuple", "defaultdict", "OrderedDict", "Counter", "deque", "UserDict",
    "UserList", "UserString", "BaseException",
})


def _bases_of(sig: ClassSignature) -> Bases:
    """The `Bases` a class signature records (what a subclass inherits of them)."""
    return Bases(inherited=sig.base, foreign=tuple(sig.foreign_bases), metaclass=sig.metaclass)


def _value_base(name: str) -> bool:
    return name in _VALUE_BASES or name.endswith(("Enum", "Error", "Exception", "Warning", "Flag"))


def is_namedtuple(info: ClassInfo) -> bool:
    """`class P(NamedTuple): x: int`: a typed record that is also a tuple."""
    return len(info.bases) == 1 and info.bases[0] in ("NamedTuple", "typing.NamedTuple")


ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "enum.Enum", "enum.IntEnum", "enum.StrEnum"})


def is_enum(info: ClassInfo) -> bool:
    """`class Color(Enum): RED = 1`: a fixed set of named members."""
    return len(info.bases) == 1 and info.bases[0] in ENUM_BASES


def _enum_members(node: cst.ClassDef, info: ClassInfo, scope: TypeScope) -> tuple[list, list[str]]:
    """The members (`RED = 1`, `GREEN = auto()`) in order, each with its value's type; and the
    problems found (values that are not literals of one type)."""
    from portalis.model import TypedConstant

    out: list[TypedConstant] = []
    problems: list[str] = []
    last = 0
    kinds: set[str] = set()
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not (type(small) is cst.Assign and len(small.targets) == 1 and type(small.targets[0].target) is cst.Name):
                continue
            name = small.targets[0].target.value
            if name.startswith("_"):
                continue  # `_ignore_` and other sunder names are not members
            v = small.value
            if type(v) is cst.Call and code_of(v.func).split(".")[-1] == "auto" and not v.args:
                value: object = name.lower() if info.bases[0].endswith("StrEnum") else last + 1
            else:
                try:
                    value = ast.literal_eval(code_of(v))
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                    problems.append(f"member `{name}` is not a literal")
                    continue
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                problems.append(f"member `{name}` has a {type(value).__name__} value")
                continue
            if isinstance(value, int):
                last = value
            py = value_type(value)
            kinds.add(py.kind)
            out.append(TypedConstant(name=name, py_type=py, rust_type=print_type(owned_type(py)), value=repr(value), line=0))
    if len(kinds) > 1:
        problems.append("members have values of different types")
    if not out:
        problems.append("no members")
    return out, problems


def _typename(node: cst.ClassDef) -> str | None:
    """The typename portalis/namedtuples.py kept (`__portalis_typename__ = 'Result'`), if any."""
    body = node.body.body
    for stmt in body:
        for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else [stmt]):
            if (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
                    and small.targets[0].target.value == TYPENAME and isinstance(small.value, cst.SimpleString)):
                value = small.value.evaluated_value
                return value if isinstance(value, str) else None
    return None


def _class_constants(node: cst.ClassDef, scope: TypeScope) -> list:
    """Class attributes assigned a literal: scalars (`TAX = 0.2`) associated consts, containers
    (`aliases = ['py']`) statics next to the struct, unless the class changes them in place."""
    from portalis.model import ConstantInfo
    from portalis.typemap import _constant

    out = []
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    # Only a name's last binding in the class body counts (Python's; parse reports the others).
    last = {name: n for name, _kind, _line, n in _bindings(body, True, lambda _n: 0)}
    changed = _changed_in_place(node)
    earlier: dict[str, cst.BaseExpression] = {}  # class-body names bound so far -> their values
    for stmt in body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if type(small) is cst.Assign and len(small.targets) == 1 and type(small.targets[0].target) is cst.Name:
                name, value = small.targets[0].target.value, small.value
                if type(value) is cst.Name and value.value in earlier and not {name, value.value} & changed:
                    # `cssclasses_weekday_head = cssclasses` (calendar.HTMLCalendar): another name
                    # for an earlier class constant; neither is changed in place, so a copy of
                    # its value reads the same
                    value = earlier[value.value]
                earlier[name] = value
                if last.get(name) is not small:
                    continue
                info = ConstantInfo(name=name, value=code_of(value), line=0)
                typed = _constant(info, scope)
                if typed is None:
                    continue
                if typed.py_type.kind in ("int", "float", "bool", "str"):
                    out.append(typed)
                elif typed.lazy_static and typed.py_type.kind in ("list", "dict", "set") and info.name not in changed:
                    # `aliases = ['python', 'py']`: a static built at first use, read-only; one the
                    # class changes in place (`self.seen.append(x)` changes the class's list for
                    # every instance) is no constant. Not tuples yet: `self.dialects[i]` (a
                    # computed index into a static tuple) moves out of the static (rustc E0507).
                    out.append(typed)
    return out


_MUTATORS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard",
                       "setdefault", "popitem", "sort", "reverse", "difference_update", "intersection_update",
                       "symmetric_difference_update"})


def _changed_in_place(node: cst.ClassDef) -> set[str]:
    """Attribute names whose value the class's code changes in place (`x.seen.append(1)`,
    `x.table[k] = v`, `x.items += [1]`, `del x.table[k]`)."""
    from portalis.cst_walk import iter_nodes

    out: set[str] = set()

    def subscripted(target: cst.BaseExpression) -> None:
        for n in iter_nodes(target):
            if type(n) is cst.Subscript and type(n.value) is cst.Attribute:
                out.add(n.value.attr.value)

    for n in iter_nodes(node):
        if type(n) is cst.Call and type(n.func) is cst.Attribute and n.func.attr.value in _MUTATORS \
                and type(n.func.value) is cst.Attribute:
            out.add(n.func.value.attr.value)
        elif type(n) is cst.Assign:
            for t in n.targets:
                subscripted(t.target)
        elif type(n) is cst.AugAssign:
            if type(n.target) is cst.Attribute:
                out.add(n.target.attr.value)
            subscripted(n.target)
        elif type(n) is cst.Del:
            subscripted(n.target)
    return out


def _self_name(node: cst.FunctionDef) -> str | None:
    params = [*node.params.posonly_params, *node.params.params]
    return params[0].name.value if params else None


def _with_receiver(m: FunctionSignature, own: dict, sources: dict, cls: str) -> FunctionSignature:
    if m.kind in ("staticmethod", "classmethod"):
        return m
    _owner, node, _cnode = sources[f"{cls}.{m.name}"]
    self_name = _self_name(node)
    scan = scan_function(node)
    mut = m.kind == "init" or (self_name is not None and self_name in scan.mutated)
    return m.model_copy(update={"mut_self": mut})


def _mut_self_closure(methods: list[FunctionSignature], sources: dict, cls: str) -> list[FunctionSignature]:
    """A method calling a `&mut self` method of its class on self takes `&mut self` too."""
    by_name = {m.name: m for m in methods}
    changed = True
    while changed:
        changed = False
        for m in methods:
            if m.mut_self or m.kind in ("staticmethod", "classmethod"):
                continue
            _owner, node, _c = sources[f"{cls}.{m.name}"]
            self_name = _self_name(node)
            for call in scan_function(node).calls:
                f = call.func
                if type(f) is cst.Attribute and type(f.value) is cst.Name and f.value.value == self_name:
                    callee = by_name.get(f.attr.value)
                    if callee is not None and callee.mut_self:
                        by_name[m.name] = m.model_copy(update={"mut_self": True})
                        changed = True
        methods = [by_name[m.name] for m in methods]
    return methods


def class_type_of(module: str, name: str) -> PyType:
    return T.class_type(module, name)


__all__ = ["build_class_interfaces", "operator_method", "orders", "hash_method", "hashes", "is_namedtuple", "is_enum", "class_nodes", "method_nodes", "method_kind", "init_fields", "init_callees", "class_type_of"]
