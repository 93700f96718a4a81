"""Which translated functions a Python extension module exposes, and how each crosses the
boundary: a plan, as data, made from the type maps and the translation report.

The plan decides; the emitter (portalis/pyext/emit.py) only prints it. A function is exposed
when it was translated (not a `todo!()` stub), is a plain module-level function, and every
parameter and its return have a conversion (`convertible`); by default only `verified`
functions are exposed, `include_all=True` takes every translated one. Each function left out is
said with a code: PTL801 (a type with no conversion), PTL802 (not verified), PTL803 (not a
plain function: methods are not exposed one by one), PTL804 (not translated).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from portalis.model import ModuleTypeMap, Passing, PyType
from portalis.naming import rust_path
from portalis.types.rust_types import rust_ident

# Statuses of the report whose Rust is the translation itself (not the todo!() stub).
TRANSLATED_STATUSES = frozenset({"translated", "verified", "failed", "untested"})
SCALARS = frozenset({"int", "float", "bool", "str", "none"})


class PlanParam(BaseModel):
    name: str  # the Python name
    rust_name: str  # the wrapper's parameter (a Rust identifier)
    py_type: PyType
    passing: Passing  # how the translated function takes it (value, &, &mut)


class PlanFunction(BaseModel):
    name: str  # the Python name, also the name in the extension module
    module: str  # the Python module that defines it
    rust_fn: str  # `examples::inventory::mathutil::gcd` (path inside the translated crate, no `crate::`)
    wrapper: str  # the wrapper's Rust name, unique in the extension crate
    params: list[PlanParam]
    returns: PyType
    raises: bool  # the Rust returns Result<T, pyrt::PyErr>
    status: str  # the report's status (verified, untested...)


class PlanClass(BaseModel):
    """A dataclass passed by value: read field by field from the Python object, and built back
    as an instance of the original Python class (so `==` and `isinstance` keep working)."""

    module: str
    name: str
    rust_type: str  # path inside the translated crate
    fields: list[tuple[str, str, PyType]]  # (Python name, Rust field, type)


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
    uses_pyerr: bool = False  # some function returns Result<_, pyrt::PyErr>

    def exposed(self) -> list[str]:
        """`module.function` for each exposed function."""
        return [f"{f.module}.{f.name}" for f in self.functions]


def extension_module_name(crate_name: str) -> str:
    return f"{crate_name}_rs"


class _Types:
    """Conversions available for the plan's types; learns the dataclasses it meets."""

    def __init__(self, type_maps: dict[str, ModuleTypeMap], crate: str) -> None:
        self.type_maps = type_maps
        self.crate = crate
        self.classes: dict[tuple[str, str], PlanClass] = {}
        self.uses_dict = False

    def problem(self, t: PyType, seen: frozenset[tuple[str, str]] = frozenset()) -> str | None:
        """Why `t` cannot cross the boundary (None: it can)."""
        k = t.kind
        if k in SCALARS:
            return None
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
        if cls is None or not cls.is_dataclass or cls.flavour is not None or cls.base is not None:
            return f"`{name}` is not a plain dataclass (only dataclasses cross the boundary by value)"
        for f in cls.fields:
            why = self.problem(f.py_type, seen | {key})
            if why:
                return f"`{name}.{f.name}`: {why}"
        self.classes[key] = PlanClass(
            module=module, name=name, rust_type=f"{self.crate}{rust_path(module).removeprefix('crate')}::{rust_ident(name)}",
            fields=[(f.name, rust_ident(f.name), f.py_type) for f in cls.fields],
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
    for module in sorted(type_maps):
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
            why = next((f"parameter `{p.name}`: {w}" for p in sig.params if (w := _param_problem(types, p.py_type, p.variadic))), None)
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
                params=[PlanParam(name=p.name, rust_name=_param_ident(p.name, i),
                                  py_type=p.py_type, passing=p.passing) for i, p in enumerate(sig.params)],
            ))
    modules: set[str] = set()
    for f in functions:
        parts = f.module.split(".")
        modules.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return ExtensionPlan(
        crate_name=crate_name, module_name=module_name or extension_module_name(crate_name), modules=sorted(modules),
        functions=functions, classes=sorted(types.classes.values(), key=lambda c: (c.module, c.name)), skipped=skipped,
        uses_dict=types.uses_dict, uses_pyerr=any(f.raises for f in functions),
    )


def _param_problem(types: _Types, t: PyType, variadic: bool) -> str | None:
    if variadic:
        return "*args is not exposed"
    return types.problem(t)


def _param_ident(name: str, i: int) -> str:
    """The wrapper's parameter: the Python name (so keywords work when the extension is called
    directly), unless it would clash with the wrapper's own `py` or is not plain ASCII."""
    ident = rust_ident(name)
    if name == "py" or not name.isascii() or ident.startswith("r#") or name != ident:
        return f"arg{i}_"
    return ident
