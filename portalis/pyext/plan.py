"""Which translated functions a Python extension module exposes, and how each crosses the
boundary: a plan, as data, made from the type maps and the translation report.

The plan decides; the emitter (portalis/pyext/emit.py) only prints it. A function is exposed
when it was translated (not a `todo!()` stub), is a plain module-level function, and every
parameter and its return have a conversion (`convertible`); by default only `verified`
functions are exposed, `include_all=True` takes every translated one. Each function left out is
said with a code: PTL801 (a type with no conversion), PTL802 (not verified), PTL803 (a method
of a class not swapped whole), PTL804 (not translated), PTL805 (a class not swapped whole, and why).

Classes: a dataclass crosses the boundary by value (read field by field, built back as the
Python class). A plain class (no dataclass, no base or metaclass, no enum or namedtuple) is swapped whole
when its `__init__` and every method it defines are translated (verified, unless
`include_all`), take and return convertible types and are of a kind the extension can give a
Python class (constructor, method, static and class method, read-only property, and the dunders
in `DUNDERS`): it becomes a `#[pyclass]` holding the translated struct, with a getter and a setter
per field. A plain class not swapped whole still crosses by value (built back field by field
without running `__init__`).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from portalis.model import ClassSignature, ModuleTypeMap, Passing, PyType, TypedParam
from portalis.naming import rust_path
from portalis.types.rust_types import rust_ident

# Statuses of the report whose Rust is the translation itself (not the todo!() stub).
TRANSLATED_STATUSES = frozenset({"translated", "verified", "failed", "untested"})
SCALARS = frozenset({"int", "float", "bool", "str", "none"})
# Python's special methods a #[pyclass] can carry with the same meaning (pyo3 gives them their
# slots); a class defining another one (`__iter__`, `__add__`...) is not swapped whole.
DUNDERS = frozenset({"__repr__", "__str__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__len__",
                     "__contains__", "__bool__", "__hash__"})
METHOD_KINDS = frozenset({"init", "method", "staticmethod", "classmethod", "property"})


class PlanParam(BaseModel):
    name: str  # the Python name
    rust_name: str  # the wrapper's parameter (a Rust identifier)
    py_type: PyType
    passing: Passing  # how the translated function takes it (value, &, &mut)
    default: str | None = None  # Python source of the default (evaluated in the module when omitted)


class PlanFunction(BaseModel):
    name: str  # the Python name, also the name in the extension module
    module: str  # the Python module that defines it
    rust_fn: str  # `examples::inventory::mathutil::gcd` (path inside the translated crate, no `crate::`)
    wrapper: str  # the wrapper's Rust name, unique in the extension crate
    params: list[PlanParam]
    returns: PyType
    raises: bool  # the Rust returns Result<T, pyrt::PyErr>
    status: str  # the report's status (verified, untested...)


class PlanMethod(BaseModel):
    """A method of a class swapped whole, as the #[pyclass] exposes it."""

    name: str  # the Python name
    kind: str  # init | method | staticmethod | classmethod | property
    rust_fn: str  # the translated method's Rust name (`new` for the constructor)
    params: list[PlanParam]  # without self
    returns: PyType
    raises: bool
    mut_self: bool = False
    status: str


class PlanClass(BaseModel):
    """A class crossing the boundary by value: read field by field from the Python object, and
    built back as whatever the module's name is bound to when it is needed: the #[pyclass]
    when the class is swapped, else the original Python class (a dataclass called with its
    fields, a plain class filled in without running `__init__`), so `==` and `isinstance` keep
    working. With `methods`, the class is swapped whole (a #[pyclass] named `pyclass`)."""

    module: str
    name: str
    rust_type: str  # path inside the translated crate
    fields: list[tuple[str, str, PyType]]  # (Python name, Rust field, type)
    dataclass: bool = True
    pyclass: str | None = None  # the #[pyclass]'s Rust name when the class is swapped whole
    methods: list[PlanMethod] = Field(default_factory=list)
    status: str = ""  # verified when every method is, else the weakest of theirs

    @property
    def key(self) -> str:
        return f"{self.module}.{self.name}"


class Skipped(BaseModel):
    module: str
    name: str
    code: str
    reason: str


class ExtensionPlan(BaseModel):
    crate_name: str  # the translated crate's package name
    module_name: str  # the extension's Python import name
    modules: list[str]  # every Python module with a submodule (parents of exposed ones included)
    functions: list[PlanFunction] = Field(default_factory=list)
    classes: list[PlanClass] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    uses_dict: bool = False  # the crate's runtime PyDict is needed by a conversion
    # A function on num_bigint::BigInt (portalis/lower/bigint.py): pyo3's `num-bigint` feature
    # converts Python ints of any size both ways; only then is it turned on.
    uses_bigint: bool = False
    uses_pyerr: bool = False  # some function returns Result<_, pyrt::PyErr>

    def exposed(self) -> list[str]:
        """`module.function` for each exposed function."""
        return [f"{f.module}.{f.name}" for f in self.functions]

    def swapped_classes(self) -> list[PlanClass]:
        """The classes the extension gives as #[pyclass]es (swapped whole)."""
        return [c for c in self.classes if c.pyclass]


def extension_module_name(crate_name: str) -> str:
    return f"{crate_name}_rs"


class _Types:
    """Conversions available for the plan's types; learns the dataclasses it meets."""

    def __init__(self, type_maps: dict[str, ModuleTypeMap], crate: str) -> None:
        self.type_maps = type_maps
        self.crate = crate
        self.classes: dict[tuple[str, str], PlanClass] = {}
        self.uses_dict = False
        self.uses_bigint = False

    def problem(self, t: PyType, seen: frozenset[tuple[str, str]] = frozenset()) -> str | None:
        """Why `t` cannot cross the boundary (None: it can)."""
        k = t.kind
        if k in SCALARS:
            return None
        if k == "bigint":
            self.uses_bigint = True
            return None
        if k == "bytes":
            return None  # Vec<u8>: crosses as bytes (a bytearray argument is read too)
        if k in ("list", "set", "optional") and len(t.args) == 1:
            return self.problem(t.args[0], seen)
        if k == "tuple" and 1 <= len(t.args) <= 8:
            return next((p for a in t.args if (p := self.problem(a, seen))), None)
        if k == "dict" and len(t.args) == 2:
            self.uses_dict = True
            return self.problem(t.args[0], seen) or self.problem(t.args[1], seen)
        if k == "class" and t.module and t.name:
            return self._class_problem(t.module, t.name, seen)
        return f"no conversion for `{t}`"

    def _class_problem(self, module: str, name: str, seen: frozenset[tuple[str, str]]) -> str | None:
        key = (module, name)
        if key in self.classes or key in seen:
            return None
        tm = self.type_maps.get(module)
        cls = tm.cls(name) if tm else None
        written_base = tm.names.bases.get(name) if tm else None
        if cls is None or cls.flavour is not None or cls.base is not None or (written_base or "object") != "object" \
                or cls.foreign_bases or cls.repo_bases or cls.metaclass is not None:
            return f"`{name}` is not a plain class or dataclass (no base, no metaclass, no enum, no namedtuple)"
        if cls.diagnostics:  # its interface was not typed: no struct in the crate
            return f"`{name}` is not translated ({', '.join(sorted({d.code for d in cls.diagnostics}))})"
        for f in cls.fields:
            why = self.problem(f.py_type, seen | {key})
            if why:
                return f"`{name}.{f.name}`: {why}"
        self.classes[key] = PlanClass(
            module=module, name=name, rust_type=f"{self.crate}{rust_path(module).removeprefix('crate')}::{rust_ident(name)}",
            fields=[(f.name, rust_ident(f.name), f.py_type) for f in cls.fields], dataclass=cls.is_dataclass,
        )
        return None


def _statuses(report: dict) -> dict[tuple[str, str], str]:
    return {(m["module"], f["qualname"]): f["status"] for m in report.get("modules", []) for f in m.get("functions", [])}


def plan_extension(crate_name: str, type_maps: dict[str, ModuleTypeMap], report: dict, include_all: bool = False,
                   module_name: str | None = None) -> ExtensionPlan:
    """The plan for a translated crate: `report` is the translation report (portalis-report.json,
    its `modules[].functions[].status`), `type_maps` the modules' interfaces."""
    statuses = _statuses(report)
    types = _Types(type_maps, crate_name)
    functions: list[PlanFunction] = []
    skipped: list[Skipped] = []
    used_names: set[str] = set()
    swapped: list[PlanClass] = []
    for module in sorted(type_maps):
        for cls in type_maps[module].classes:
            plan_cls, reason = _swap_class(types, module, cls, statuses, include_all)
            if plan_cls is not None:
                swapped.append(plan_cls)
                continue
            skipped.append(Skipped(module=module, name=cls.name, code="PTL805", reason=f"class not swapped whole: {reason}"))
            for m in cls.methods:
                skipped.append(Skipped(module=module, name=m.qualname, code="PTL803", reason=f"a method of `{cls.name}`, not swapped whole"))
        for sig in type_maps[module].functions:
            status = statuses.get((module, sig.qualname), "untranslated")
            if sig.kind != "function" or "." in sig.qualname:
                skipped.append(Skipped(module=module, name=sig.qualname, code="PTL803", reason="not a module-level function"))
                continue
            if status not in TRANSLATED_STATUSES:
                skipped.append(Skipped(module=module, name=sig.name, code="PTL804", reason=f"not translated ({status})"))
                continue
            if status != "verified" and not include_all:
                skipped.append(Skipped(module=module, name=sig.name, code="PTL802", reason=f"not verified ({status}); --python-all exposes it"))
                continue
            why = next((f"parameter `{p.name}`: {w}" for p in sig.params if (w := _param_problem(types, p.py_type, p.variadic, p.keywords))), None)
            why = why or (f"return: {w}" if (w := types.problem(sig.returns)) else None)
            if why:
                skipped.append(Skipped(module=module, name=sig.name, code="PTL801", reason=why))
                continue
            wrapper = "f_" + "_".join([*module.split("."), sig.name]).lower()
            while wrapper in used_names:
                wrapper += "_"
            used_names.add(wrapper)
            functions.append(PlanFunction(
                name=sig.name, module=module, wrapper=wrapper, status=status, raises=sig.raises, returns=sig.returns,
                rust_fn=f"{crate_name}{rust_path(module).removeprefix('crate')}::{rust_ident(sig.name)}",
                params=_params(sig.params),
            ))
    for c in swapped:  # swapped whole: the class's own conversions are the pyclass's
        types.classes[(c.module, c.name)] = c
    classes = _used_classes(functions, swapped, types.classes)
    modules: set[str] = set()
    for defining in [*(f.module for f in functions), *(c.module for c in swapped)]:
        parts = defining.split(".")
        modules.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return ExtensionPlan(
        crate_name=crate_name, module_name=module_name or extension_module_name(crate_name), modules=sorted(modules),
        functions=functions, classes=classes, skipped=skipped,
        uses_dict=types.uses_dict, uses_bigint=types.uses_bigint, uses_pyerr=any(f.raises for f in functions),
    )


def _used_classes(functions: list[PlanFunction], swapped: list[PlanClass],
                  known: dict[tuple[str, str], PlanClass]) -> list[PlanClass]:
    """The classes the extension needs conversions for: those swapped and those an exposed
    signature (or such a class's field) names; the others the plan looked at are left out, so
    the extension carries no code it does not call."""
    used: dict[tuple[str, str], PlanClass] = {}

    def visit(t: PyType) -> None:
        if t.kind == "class" and (t.module, t.name) in known and (t.module, t.name) not in used:
            c = used[(t.module, t.name)] = known[(t.module, t.name)]  # type: ignore[index]
            for _, _, ft in c.fields:
                visit(ft)
        for a in t.args:
            visit(a)

    for c in swapped:
        visit(PyType(kind="class", module=c.module, name=c.name))
        for m in c.methods:
            for p in m.params:
                visit(p.py_type)
            visit(m.returns)
    for f in functions:
        for p in f.params:
            visit(p.py_type)
        visit(f.returns)
    return sorted(used.values(), key=lambda c: (c.module, c.name))


def _params(params: list[TypedParam]) -> list[PlanParam]:
    return [PlanParam(name=p.name, rust_name=_param_ident(p.name, i), py_type=p.py_type, passing=p.passing, default=p.default)
            for i, p in enumerate(params)]


_STATUS_RANK = {"verified": 0, "untested": 1, "translated": 1, "failed": 2}


def _swap_class(types: _Types, module: str, cls: ClassSignature, statuses: dict[tuple[str, str], str],
                include_all: bool) -> tuple[PlanClass | None, str]:
    """The class as a #[pyclass] swapped whole, or None and why not (see the module docstring)."""
    if cls.is_dataclass:
        return None, "a dataclass (crosses the boundary by value)"
    why = types.problem(PyType(kind="class", module=module, name=cls.name))
    if why:
        return None, why
    if cls.method("__init__") is None:
        return None, "no `__init__`"
    methods: list[PlanMethod] = []
    names: set[str] = set()
    for m in cls.methods:
        where = f"`{cls.name}.{m.name}`"
        if m.name in names:
            return None, f"{where}: a property with a setter"
        names.add(m.name)
        if m.kind not in METHOD_KINDS or (m.name.startswith("__") and m.name.endswith("__") and m.name not in DUNDERS | {"__init__"}):
            return None, f"{where}: a {m.kind} the extension does not give a Python class"
        status = statuses.get((module, m.qualname), "untranslated")
        if status not in TRANSLATED_STATUSES:
            return None, f"{where} is not translated ({status})"
        if status != "verified" and not include_all:
            return None, f"{where} is not verified ({status}); --python-all swaps it"
        why = next((f"parameter `{p.name}`: {w}" for p in m.params if (w := _param_problem(types, p.py_type, p.variadic, p.keywords))), None)
        why = why or (f"return: {w}" if m.kind != "init" and (w := types.problem(m.returns)) else None)
        if why:
            return None, f"{where}: {why}"
        methods.append(PlanMethod(name=m.name, kind=m.kind, rust_fn="new" if m.kind == "init" else rust_ident(m.name),
                                  params=_params(m.params), returns=m.returns, raises=m.raises, mut_self=m.mut_self, status=status))
    base = types.classes[(module, cls.name)]
    worst = max((m.status for m in methods), key=lambda st: _STATUS_RANK.get(st, 1))
    return base.model_copy(update={"methods": methods, "status": worst,
                                   "pyclass": "C_" + "_".join([*module.split("."), cls.name]).lower()}), ""


def _param_problem(types: _Types, t: PyType, variadic: bool, keywords: bool = False) -> str | None:
    if variadic:
        return "*args is not exposed"
    if keywords:
        return "**kwargs is not exposed"
    return types.problem(t)


def _param_ident(name: str, i: int) -> str:
    """The wrapper's parameter: the Python name (so keywords work when the extension is called
    directly), unless it would clash with the wrapper's own `py` or is not plain ASCII."""
    ident = rust_ident(name)
    if name == "py" or not name.isascii() or ident.startswith("r#") or name != ident:
        return f"arg{i}_"
    return ident
