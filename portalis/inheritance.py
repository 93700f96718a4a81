"""Bases across modules: a class whose base is a class of another module of the repository.

The type map reads one module alone (portalis/typemap.py), so `class PythonLexer(RegexLexer)`
with `from pygments.lexer import RegexLexer` leaves `RegexLexer` a base "not translated with it"
(`ClassSignature.foreign_bases`). The cross-module resolution (portalis/names.py) sees the type
maps of both modules and merges the base into the class, as the type map does for a base of the
same module (portalis/class_interfaces.py):

- the base's fields become fields of the class (before its own), its class constants too, unless
  the class redefines them;
- the methods the class does not override are methods of the class, signed as in the base;
  `inherited` says where each `def` is (`module:Class`) and `base_sources` holds that class's text,
  so lowering translates the base's body once per subclass with `self` the subclass (Python's
  dispatch through `self`: a base method calling `self.m()` runs the subclass's `m` when it
  overrides it, which is what a body lowered with the subclass's `self` does; the names the body
  uses resolve in the base's module, portalis/lower/module.py);
- `super().__init__(...)` calls the base's initialiser, kept as `__init_<Base>__`.

A base outside the repository, an exception class, an enum or NamedTuple, a class left out
(diagnostics), several bases not translated with the class (the method resolution order of
multiple inheritance), or a cycle of modules leave the class as it was (PTL190 per member).

Why flattening rather than a trait per hierarchy: the struct of each subclass then holds every
field Python's instance has, method calls on `self` resolve statically to the override (what
Python's dynamic dispatch finds for that class), and no base's body has to be rewritten to reach
fields through accessors; the cost is one copy of each inherited method per subclass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalis.model import ClassSignature, FunctionSignature, ModuleTypeMap

if TYPE_CHECKING:
    from portalis.names import Names


def owner_key(module: str, cls: str) -> str:
    """`module:Class`: where an inherited `def` is (the key of `base_sources`)."""
    return f"{module}:{cls}"


def inherit_across(names: "Names", module: str, cls: ClassSignature) -> ClassSignature:
    """`cls` (of `module`, its types settled) with its base of another module of the repository
    merged in; `cls` itself when there is none to merge (see the module docstring)."""
    if cls.diagnostics or cls.flavour is not None or cls.is_dataclass or len(cls.foreign_bases) != 1 or cls.repo_bases:
        return cls
    written = cls.foreign_bases[0].split("[", 1)[0].strip()
    target = names._dotted(module, written)
    if target is None or target.kind != "class" or target.module == module:
        return cls
    if names.exception_base(target) is not False:
        return cls
    base_tm: ModuleTypeMap | None = names.resolved(target.module)  # None inside a cycle of modules
    base = base_tm.cls(target.name) if base_tm is not None else None
    if base is None or base.diagnostics or base.flavour is not None or base.is_dataclass:
        return cls
    own_fields = {f.name for f in cls.fields}
    fields = [f for f in base.fields if f.name not in own_fields] + list(cls.fields)
    own_init = cls.method("__init__")
    runs_base = own_init is None or cls.source is None or _runs_base_init(cls.source, cls.name, written.split(".")[-1])
    unset = [] if runs_base else [f.name for f in base.fields if f.name not in own_fields]
    own_consts = {c.name for c in cls.constants}
    constants = [c for c in base.constants if c.name not in own_consts] + list(cls.constants)
    own_methods = {m.name for m in cls.methods}
    methods = list(cls.methods)
    inherited: dict[str, str] = {}
    sources: dict[str, str] = dict(base.base_sources)

    def owner_of(name: str) -> str:
        if name in base.inherited:
            return base.inherited[name]
        return owner_key(target.module, base.method_owners.get(name, base.name))

    for m in base.methods:
        if m.name in own_methods:
            continue
        methods.append(m.model_copy(update={"qualname": f"{cls.name}.{m.name}"}))
        inherited[m.name] = owner_of(m.name)
    init = base.method("__init__")
    alias = f"__init_{base.name}__"
    if init is not None and alias not in own_methods and alias not in inherited:
        methods.append(init.model_copy(update={"name": alias, "qualname": f"{cls.name}.{alias}"}))
        inherited[alias] = owner_of("__init__")
    for key in dict.fromkeys(inherited.values()):  # in order: a set's order changes per process (hash seed)
        if key in sources:
            continue
        where, _, name = key.partition(":")
        owner_tm = names.maps.get(where)
        owner = owner_tm.cls(name) if owner_tm is not None else None
        if owner is None or owner.source is None:
            # no text to lower it from: the method is dropped (its uses are PTL134/PTL190)
            methods = [m for m in methods if inherited.get(m.name) != key]
            continue
        sources[key] = owner.source
    inherited = {k: v for k, v in inherited.items() if v in sources}
    methods = _mut_self_closure(cls, methods, set(inherited))
    return cls.model_copy(update={
        "fields": fields,
        "constants": constants,
        "methods": methods,
        "base": cls.base if cls.base is not None else base.name,
        "foreign_bases": list(base.foreign_bases),
        "repo_bases": [cls.foreign_bases[0]],
        "inherited": inherited,
        "base_sources": sources,
        "unset_fields": unset,
    })


def _runs_base_init(source: str, name: str, base: str) -> bool:
    """Whether the `__init__` of class `name` (its text, `source`) calls the base's initialiser:
    `super().__init__(...)`, `super(C, self).__init__(...)` or `Base.__init__(self, ...)`. True
    when the text cannot be read (the fields then count as set, as before)."""
    import libcst as cst

    from portalis.cst_walk import iter_nodes

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return True
    cls = next((s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == name), None)
    init = next((s for s in (cls.body.body if cls is not None else ()) if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)
    if init is None:
        return True
    for node in iter_nodes(init):
        if type(node) is cst.Call and type(node.func) is cst.Attribute and node.func.attr.value == "__init__":
            owner = node.func.value
            if type(owner) is cst.Call and type(owner.func) is cst.Name and owner.func.value == "super":
                return True
            if type(owner) is cst.Name and owner.value == base:
                return True
    return False


def _mut_self_closure(cls: ClassSignature, methods: list[FunctionSignature], inherited: set[str]) -> list[FunctionSignature]:
    """A method of the class calling an inherited `&mut self` method on self takes `&mut self`
    too (as class_interfaces does within a module); read from the class's own text."""
    mutating = {m.name for m in methods if m.name in inherited and m.mut_self}
    if not mutating or cls.source is None:
        return methods
    import libcst as cst

    from portalis.class_interfaces import method_nodes
    from portalis.cst_scan import scan_function
    from portalis.parse import source_tree

    try:
        tree = source_tree(cls.source)
    except Exception:  # noqa: BLE001 - a text that does not parse alone: signatures as they are
        return methods
    node = next((s for s in tree.module.body if isinstance(s, cst.ClassDef)), None)
    defs = method_nodes(node) if node is not None else {}
    by_name = {m.name: m for m in methods}
    changed = True
    while changed:
        changed = False
        for m in list(by_name.values()):
            fn = defs.get(m.name)
            if m.mut_self or m.name in inherited or fn is None or m.kind in ("staticmethod", "classmethod"):
                continue
            params = [*fn.params.posonly_params, *fn.params.params]
            self_name = params[0].name.value if params else None
            for call in scan_function(fn).calls:
                f = call.func
                if type(f) is cst.Attribute and type(f.value) is cst.Name and f.value.value == self_name \
                        and (f.attr.value in mutating or (by_name.get(f.attr.value) is not None and by_name[f.attr.value].mut_self)):
                    by_name[m.name] = m.model_copy(update={"mut_self": True})
                    changed = True
                    break
    return [by_name[m.name] for m in methods]


__all__ = ["inherit_across", "owner_key"]
