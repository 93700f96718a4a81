"""Names across modules: what a name bound in one module refers to, and which Rust items exist.

A module's type map (portalis/typemap.py) is built from the module alone, so a name it imports
stays a reference: `from ._types import Pos` makes an annotation `Pos` the class type
(`tomllib._types`, `Pos`), whatever `Pos` turns out to be there. This pass, given the type maps
of the modules a translation may read, settles those references:

- **Resolution** (`Names.resolve`) follows what Python follows: the module's own definitions,
  then its imports (`from x import y as z`, `import a.b as c`, relative imports are already
  absolute in the type map), then its star imports (the exporter's `__all__` when it is a
  literal list, else its public names), re-exports through `__init__.py` at any depth, and
  submodules. A cycle (two modules star-importing each other) resolves to nothing.
- **Types** (`Names.resolve_type_map`): a class type becomes the class where it is defined
  (`crate::pkg::sub::Name`, never a path through a re-export), a type alias of another module
  becomes its type (`Pos = int`), an exception class becomes the exception type; a class type
  that names no Rust item of the crate (a standard-library class such as `decimal.Decimal`, a
  class the rules did not translate, a TypeVar or alias with no mapping) becomes the opaque
  placeholder `crate::pyrt::Opaque`, and the function or method naming it is reported
  (PTL141) and emitted as a stub over that placeholder. So nothing in the crate names a path
  that does not exist.
- **Exceptions** (`Names.exceptions`): the exception classes a module can raise and catch by
  name, its own and those it imports or star-imports, with their bases across modules, so
  `except Base` catches a subclass defined elsewhere.

Pure functions of the type maps; idempotent (a resolved map resolves to itself).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator, Mapping

from portalis.model import Diagnostic, FunctionSignature, ImportInfo, ModuleNames, ModuleTypeMap, ParsedModule, PyType, Severity
from portalis.types import pytypes as T

MAX_DEPTH = 24
OPAQUE = "opaque"  # PyType kind of the placeholder type (its `name` says what it stands for)


@dataclass(frozen=True)
class Target:
    """What a name refers to. kind: function | class | constant | alias | module (name empty)
    | external (a module outside the repository: `module` and `name` as imported)."""

    module: str
    name: str
    kind: str


def module_names(parsed: ParsedModule, aliases: Mapping[str, PyType]) -> ModuleNames:
    """The namespace facts of a parsed module that other modules resolve names through."""
    exported: list[str] | None = None
    for c in parsed.constants:
        if c.name == "__all__":
            try:
                value = ast.literal_eval(c.value)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                exported = None
                continue
            exported = [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else None
    return ModuleNames(
        imports=list(parsed.imports),
        aliases=dict(aliases),
        bases={c.name: c.bases[0] for c in parsed.classes if c.bases},
        exported=exported,
    )


def opaque(what: str) -> PyType:
    """The placeholder type standing for `what` (a dotted Python name)."""
    return PyType(kind=OPAQUE, name=what)


def export_closure(imports: list[ImportInfo], maps: Mapping[str, ModuleTypeMap], own: str | None = None) -> list[str]:
    """The modules of `maps` that resolving these imports' names may read, sorted: the imported
    modules, then where each imported name really is (re-exports, star imports, submodules), and
    the modules of the class types their interfaces name. A whole-module import (`import pkg`,
    read as `pkg.name`) follows the re-exports of a package (`pkg/__init__.py`) and its star
    imports, not every import of a plain module: `b.mid` of `import b` does not depend on what
    `b` itself imports."""
    seen: set[tuple[str, str | None]] = set()
    reached: set[str] = set()
    todo: list[tuple[str, str | None]] = []
    for imp in imports:
        todo.append((imp.module, imp.name))
        if imp.name and imp.name != "*":
            todo.append((f"{imp.module}.{imp.name}", None))
    typed: set[str] = set()
    while todo:
        module, name = todo.pop()
        if (module, name) in seen or module == own:
            continue
        seen.add((module, name))
        tm = maps.get(module)
        if tm is None:
            continue
        reached.add(module)
        if module not in typed:
            typed.add(module)
            todo.extend((t.module, t.name) for t in _class_types(tm) if t.module and t.module != module)
            # The bases of its classes in other modules: a subclass lowers the methods it
            # inherits from them (portalis/inheritance.py), at any depth of the chain.
            todo.extend(_imported_bases(tm))
        package = any(k.startswith(module + ".") for k in maps)
        defined = name is not None and name != "*" and (
            tm.cls(name) is not None or tm.function(name) is not None or name in tm.names.aliases
            or any(c.name == name for c in tm.constants))
        if defined:
            continue
        for imp in tm.names.imports:
            if imp.name == "*":
                todo.append((imp.module, "*" if name in (None, "*") else name))
                continue
            bound = imp.alias or imp.name or imp.module.split(".")[0]
            if name == "*" or (name is None and package) or bound == name:
                todo.append((imp.module, imp.name))
                if imp.name:
                    todo.append((f"{imp.module}.{imp.name}", None))
        if name and name != "*" and f"{module}.{name}" in maps:
            todo.append((f"{module}.{name}", None))
    return sorted(reached)


def _imported_bases(tm: ModuleTypeMap) -> list[tuple[str, str | None]]:
    """(module, name) of each imported name a class of `tm` derives from (`RegexLexer` of
    `from pygments.lexer import RegexLexer`, `lexer` of `from pygments import lexer`)."""
    heads = {b.split("[", 1)[0].strip().split(".")[0] for c in tm.classes for b in c.foreign_bases}
    out: list[tuple[str, str | None]] = []
    for imp in tm.names.imports:
        bound = imp.alias or imp.name or imp.module.split(".")[0]
        if imp.name != "*" and bound in heads:
            out.append((imp.module, imp.name))
            if imp.name:
                out.append((f"{imp.module}.{imp.name}", None))
    return out


def _class_types(tm: ModuleTypeMap) -> Iterator[PyType]:
    """The class types a type map's signatures, fields and aliases name."""
    def walk(t: PyType) -> Iterator[PyType]:
        if t.kind == "class":
            yield t
        for a in t.args:
            yield from walk(a)

    for f in tm.functions:
        for p in f.params:
            yield from walk(p.py_type)
        yield from walk(f.returns)
    for c in tm.classes:
        for fl in c.fields:
            yield from walk(fl.py_type)
        for m in c.methods:
            for p in m.params:
                yield from walk(p.py_type)
            yield from walk(m.returns)
    for a in tm.names.aliases.values():
        yield from walk(a)


def export_deps(tm: ModuleTypeMap) -> list[str]:
    """The modules a type map's names point at directly (for loading a closure step by step)."""
    out: set[str] = set()
    for imp in tm.names.imports:
        out.add(imp.module)
        if imp.name and imp.name != "*":
            out.add(f"{imp.module}.{imp.name}")
    out.discard(tm.module)
    return sorted(m for m in out if m)


def load_export_closure(maps: Mapping[str, ModuleTypeMap], load, rounds: int = MAX_DEPTH) -> dict[str, ModuleTypeMap]:
    """`maps` plus the type maps their names lead to (re-exports, star imports), fetched with
    `load(list of modules) -> {module: type map}` one round per step of the chains (Dagster
    reads the stored type maps of a run's imports, then of what those re-export)."""
    out = dict(maps)
    asked = set(out)
    for _ in range(rounds):
        want = sorted({d for tm in out.values() for d in export_deps(tm)} - asked)
        if not want:
            break
        asked.update(want)
        out.update(load(want))
    return out


class Names:
    """Resolution over a set of type maps (the module translated and what it may read)."""

    def __init__(self, maps: Mapping[str, ModuleTypeMap]) -> None:
        self.maps = maps
        self._memo: dict[tuple[str, str], Target | None] = {}
        self._resolved: dict[str, ModuleTypeMap] = {}
        self._resolving: set[str] = set()

    # ------------------------------------------------------------ names

    def resolve(self, module: str, name: str) -> Target | None:
        """What `name` means at the top level of `module` (None: nothing the maps know)."""
        key = (module, name)
        if key not in self._memo:
            self._memo[key] = None  # a cycle resolves to nothing
            self._memo[key] = self._resolve(module, name)
        return self._memo[key]

    def _resolve(self, module: str, name: str) -> Target | None:
        tm = self.maps.get(module)
        if tm is None:
            if f"{module}.{name}" in self.maps:  # `import a.b` binds `a`, a namespace package
                return Target(f"{module}.{name}", "", "module")
            return Target(module, name, "external")
        if tm.cls(name) is not None:
            return Target(module, name, "class")
        if tm.function(name) is not None:
            return Target(module, name, "function")
        if any(c.name == name for c in tm.constants):
            return Target(module, name, "constant")
        if name in tm.names.aliases:
            return Target(module, name, "alias")
        for imp in reversed(tm.names.imports):
            if imp.name == "*":
                continue
            if imp.name is None:
                bound = imp.alias or imp.module.split(".")[0]
                if bound == name:
                    return Target(imp.module if imp.alias else bound, "", "module")
                continue
            if (imp.alias or imp.name) != name:
                continue
            sub = f"{imp.module}.{imp.name}"
            if sub in self.maps:
                return Target(sub, "", "module")
            if imp.module not in self.maps:
                return Target(imp.module, imp.name, "external")
            return self.resolve(imp.module, imp.name)  # memoized: a cycle meets its placeholder (None)
        for imp in reversed(tm.names.imports):
            if imp.name == "*" and self.exports(imp.module, name):
                found = self.resolve(imp.module, name)
                if found is not None:
                    return found
        if f"{module}.{name}" in self.maps:
            return Target(f"{module}.{name}", "", "module")
        return None

    def exports(self, module: str, name: str) -> bool:
        """Whether `from module import *` binds `name`: listed in its `__all__`, or public
        (no leading underscore) when it has none."""
        tm = self.maps.get(module)
        if tm is None:
            return False
        if tm.names.exported is not None:
            return name in tm.names.exported
        return not name.startswith("_")

    def bound(self, module: str, _seen: set[str] | None = None) -> Iterator[str]:
        """Every name the top level of `module` binds that the maps can see: its definitions,
        its imports and what its star imports bring."""
        seen = _seen if _seen is not None else set()
        tm = self.maps.get(module)
        if tm is None or module in seen:
            return
        seen.add(module)
        yield from (c.name for c in tm.classes)
        yield from (f.name for f in tm.functions)
        yield from (c.name for c in tm.constants)
        yield from tm.names.aliases
        for imp in tm.names.imports:
            if imp.name == "*":
                star = self.maps.get(imp.module)
                if star is None:
                    continue
                if star.names.exported is not None:
                    yield from star.names.exported
                else:
                    yield from (n for n in self.bound(imp.module, seen) if not n.startswith("_"))
            elif imp.name is not None:
                yield imp.alias or imp.name

    def unresolved_stars(self, module: str) -> list[str]:
        """The modules `module` star-imports that are not in the maps (outside the repository)."""
        tm = self.maps.get(module)
        if tm is None:
            return []
        return [i.module for i in tm.names.imports if i.name == "*" and i.module not in self.maps]

    def _dotted(self, module: str, dotted: str) -> Target | None:
        """`a.b.C` as written in `module`."""
        parts = dotted.split(".")
        target = self.resolve(module, parts[0])
        for part in parts[1:]:
            if target is None or target.kind != "module":
                return None
            target = self.resolve(target.module, part)
        return target

    # ------------------------------------------------------------ exceptions

    def exception_base(self, target: Target, depth: int = 0) -> str | None | bool:
        """The base name of an exception class (None for BaseException), or False when the
        class is not an exception."""
        from portalis.exception_facts import BUILTIN_EXCEPTIONS

        if target.kind != "class" or depth > MAX_DEPTH:
            return False
        tm = self.maps.get(target.module)
        base = tm.names.bases.get(target.name) if tm is not None else None
        if base is None:
            return False
        short = base.split(".")[-1]
        parent = self._dotted(target.module, base)
        if parent is not None and parent.kind == "class":
            return short if self.exception_base(parent, depth + 1) is not False else False
        if short in BUILTIN_EXCEPTIONS and (parent is None or parent.kind == "external"):
            return short
        return False

    def exceptions(self, module: str) -> dict[str, str | None]:
        """Exception class name -> base name, for the builtin hierarchy plus every exception class
        `module` can name (its own, imported, star-imported) and their ancestors elsewhere."""
        from portalis.exception_facts import BUILTIN_EXCEPTIONS

        known: dict[str, str | None] = dict(BUILTIN_EXCEPTIONS)

        def add(name: str, target: Target, depth: int) -> None:
            if depth > MAX_DEPTH or name in known:
                return
            base = self.exception_base(target)
            if base is False:
                return
            tm = self.maps.get(target.module)
            written = tm.names.bases.get(target.name) if tm is not None else None
            known[name] = base  # type: ignore[assignment]
            parent = self._dotted(target.module, written) if written else None
            if parent is not None and parent.kind == "class" and isinstance(base, str):
                add(base, parent, depth + 1)

        for name in dict.fromkeys(self.bound(module)):
            target = self.resolve(module, name)
            if target is not None and target.kind == "class":
                add(name, target, 0)
        return known

    # ------------------------------------------------------------ types

    def class_item(self, target: Target) -> bool:
        """Whether a class target is a Rust type of the crate (translated: no diagnostics)."""
        tm = self.maps.get(target.module)
        cls = tm.cls(target.name) if tm is not None else None
        return cls is not None and not cls.diagnostics

    def resolve_type(self, t: PyType, missing: list[str], depth: int = 0) -> PyType:
        """`t` with every class type settled (see the module docstring); what has no Rust item
        is appended to `missing` (dotted Python names) and becomes the opaque placeholder."""
        if t.kind == "class" and t.module and t.name:
            if depth > MAX_DEPTH:
                missing.append(f"{t.module}.{t.name}")
                return opaque(f"{t.module}.{t.name}")
            target = self._dotted(t.module, t.name) if "." in t.name else self.resolve(t.module, t.name)
            if target is not None and target.kind == "class":
                if self.exception_base(target) is not False:
                    return T.EXC
                if self.class_item(target):
                    return t if (target.module, target.name) == (t.module, t.name) else T.class_type(target.module, target.name)
                owner = self.maps.get(target.module)
                if owner is not None and target.name in owner.names.paths:
                    return T.path_type(target.module, target.name)  # portalis/path_types.py
                what = f"{target.module}.{target.name}"
                missing.append(f"{what} (not translated)")
                return opaque(what)
            if target is not None and target.kind == "alias":
                alias = self.maps[target.module].names.aliases[target.name]
                return self.resolve_type(alias, missing, depth + 1)
            if target is not None and target.kind == "external":
                what = f"{target.module}.{target.name}"
                missing.append(f"{what} (outside the repository)")
            else:
                what = f"{t.module}.{t.name}"
                missing.append(f"{what} (no type mapping)" if target is not None else what)
            return opaque(what)
        if t.kind == T.CLASS_OBJECT and t.args:
            return self._resolve_class_object(t, missing, depth)
        if t.args:
            args = tuple(self.resolve_type(a, missing, depth) for a in t.args)
            return t if args == t.args else t.model_copy(update={"args": args})
        return t

    def _resolve_class_object(self, t: PyType, missing: list[str], depth: int) -> PyType:
        """`type[A | B]` with each class settled. A class with no Rust item (not translated) is
        left out of the set: no constructor call can make it, and a caller passing it is
        refused where it meets the slot (PTL113, lower/class_objects.py); the set is what the
        crate can build. With none left, the placeholder, as any type naming no item."""
        from portalis.types.unions import union_or_none

        kept: list[PyType] = []
        lost: list[str] = []
        for c in T.object_classes(t):
            got = self.resolve_type(c, lost, depth)
            if got.kind == "class":
                kept.append(got)
        inst = union_or_none(kept) if kept else None
        if inst is None or inst.kind not in ("class", "union"):
            missing.extend(lost)
            return opaque(str(t))
        out = T.class_object(inst)
        return t if out == t else out

    def resolved(self, module: str) -> ModuleTypeMap | None:
        """The type map of `module` with its types settled (memoized)."""
        if module not in self._resolved:
            tm = self.maps.get(module)
            if tm is None or module in self._resolving:
                return None  # (inside a cycle of modules whose classes derive from each other's)
            self._resolving.add(module)
            try:
                self._resolved[module] = self.resolve_type_map(tm)
            finally:
                self._resolving.discard(module)
        return self._resolved[module]

    def resolve_type_map(self, tm: ModuleTypeMap) -> ModuleTypeMap:
        """A copy of `tm` with its signatures' and fields' types settled; a function or method
        whose signature names a type with no Rust item gets PTL141 (it becomes a stub over
        `crate::pyrt::Opaque`), a field gets a warning and the placeholder type."""
        new_diags: list[Diagnostic] = []
        functions = [self._signature(tm, s, new_diags) for s in tm.functions]
        classes = []
        for cls in tm.classes:
            if cls.diagnostics:
                classes.append(cls)  # not emitted (its diagnostics say why): nothing names its types
                continue
            fields = []
            for f in cls.fields:
                missing: list[str] = []
                py = self.resolve_type(f.py_type, missing)
                if py != f.py_type:
                    fields.append(f.model_copy(update={"py_type": py, "rust_type": _rust_owned(py)}))
                    if missing:
                        new_diags.append(Diagnostic(
                            code="PTL141", module=tm.module, function=cls.name, line=cls.line, severity=Severity.WARNING,
                            message=f"field `{cls.name}.{f.name}` names {_listed(missing)}: no Rust type in the crate, so it "
                            "holds the placeholder `crate::pyrt::Opaque`"))
                else:
                    fields.append(f)
            from portalis.analysis.metaclass_wraps import wrap_method

            # A method the metaclass replaces by a known wrapper (`analyse_text`): the wrapper's signature.
            methods = [self._wrapped_signature(tm, wrap_method(self, tm, cls, m), new_diags) for m in cls.methods]
            if fields != cls.fields or methods != cls.methods:
                cls = cls.model_copy(update={"fields": fields, "methods": methods})
            from portalis.inheritance import inherit_across

            # A base of another module of the repository: its fields and methods (portalis/inheritance.py).
            classes.append(inherit_across(self, tm.module, cls))
        if functions == tm.functions and classes == tm.classes and not new_diags:
            return tm
        return tm.model_copy(update={"functions": functions, "classes": classes, "diagnostics": [*tm.diagnostics, *new_diags]})

    def _wrapped_signature(self, tm: ModuleTypeMap, sig: FunctionSignature, out: list[Diagnostic]) -> FunctionSignature:
        """`_signature`, and that of the body a metaclass's wrapper holds (`wrapped`)."""
        sig = self._signature(tm, sig, out)
        if sig.wrapped is not None:
            inner = self._signature(tm, sig.wrapped[1], out)
            if inner is not sig.wrapped[1]:
                sig = sig.model_copy(update={"wrapped": (sig.wrapped[0], inner)})
        return sig

    def _signature(self, tm: ModuleTypeMap, sig: FunctionSignature, out: list[Diagnostic]) -> FunctionSignature:
        from portalis.rust.printer import print_type
        from portalis.model import Passing
        from portalis.types.rust_types import TypeMappingError, param_passing, param_type

        missing: list[str] = []
        params = []
        for p in sig.params:
            py = self.resolve_type(p.py_type, missing)
            if py == p.py_type:
                params.append(p)
                continue
            resized = p.passing is not Passing.MUT_ITEMS
            try:
                rust = print_type(param_type(py, p.mutated, resized, p.consumed))
                passing = param_passing(py, p.mutated, resized, p.consumed)
            except TypeMappingError:
                rust, passing = "_", Passing.VALUE
            params.append(p.model_copy(update={"py_type": py, "rust_type": rust, "passing": passing}))
        returns = self.resolve_type(sig.returns, missing)
        if params == sig.params and returns == sig.returns:
            return sig
        update: dict = {"params": params, "returns": returns}
        if returns != sig.returns:
            rust = _rust_owned(returns)
            update["rust_returns"] = f"Result<{rust}, crate::pyrt::PyErr>" if sig.raises else rust
        if missing:
            diag = Diagnostic(
                code="PTL141", module=tm.module, function=sig.qualname, line=sig.line,
                message=f"the signature names {_listed(missing)}: no Rust type in the crate, so the function is a stub "
                "over the placeholder `crate::pyrt::Opaque`",
            )
            update["diagnostics"] = [*sig.diagnostics, diag]
            out.append(diag)
        return sig.model_copy(update=update)


def _listed(missing: list[str]) -> str:
    shown = list(dict.fromkeys(f"`{m}`" if " " not in m else f"`{m.split(' ', 1)[0]}` {m.split(' ', 1)[1]}" for m in missing))
    return ", ".join(shown)


def _rust_owned(t: PyType) -> str:
    from portalis.rust.printer import print_type
    from portalis.types.rust_types import TypeMappingError, owned_type

    if t.kind == "none":
        return "()"
    try:
        return print_type(owned_type(t))
    except TypeMappingError:
        return "_"


def resolve_all(maps: Mapping[str, ModuleTypeMap]) -> dict[str, ModuleTypeMap]:
    """Every type map with its types settled against all the others (a whole crate's maps)."""
    names = Names(maps)
    return {k: names.resolved(k) or v for k, v in maps.items()}


class ResolvedMaps(Mapping[str, ModuleTypeMap]):
    """A read-only view of type maps that settles each one when it is first read."""

    def __init__(self, names: Names, keys: list[str]) -> None:
        self._names = names
        self._keys = keys
        self._set = set(keys)

    def __getitem__(self, key: str) -> ModuleTypeMap:
        if key not in self._set:
            raise KeyError(key)
        found = self._names.resolved(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._set


__all__ = ["MAX_DEPTH", "Names", "OPAQUE", "ResolvedMaps", "Target", "export_closure", "export_deps", "load_export_closure", "module_names", "opaque", "resolve_all"]
