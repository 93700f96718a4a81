"""Module constants computed by an expression: `TOML_WS | frozenset("\\n")`, `BASE[:]`,
`frozenset(string.hexdigits)`, `[i * i for i in range(8)]`.

A literal constant (`REVERSE = {"a": 1}`) is a `pub const` or a `LazyLock` static built from the
literal (portalis/lower/module.py). A constant whose value is an expression is typed by the
analysis' evaluator in the type map (portalis/analysis/evidence.py `_constant_types`, each
constant seeing the earlier ones; portalis/constant_facts.py keeps it when the value is data: a
str, list, dict, set or tuple of such, what a `static` can hold and every reader can borrow, or a
compiled pattern). This stage lowers the expression and emits

    pub static NAME: std::sync::LazyLock<T> = std::sync::LazyLock::new(|| { ... });

so it is computed once, at first use, as Python computes it once at import. A constant later module-level
code builds (`codes = {}` then `codes[k] = ...` in a loop: portalis/analysis/module_state.py)
has as initialiser the body of the synthetic function the type map typed (`TypedConstant.init`),
the same statements run once. A value the rules
cannot lower is PTL145 and the constant is left out (its uses are then PTL135, never a path that
does not exist).
"""

from __future__ import annotations

import libcst as cst

from portalis.constant_facts import LAZY, MAX_COMPUTED_SOURCE, is_data
from portalis.lower.context import ModuleEnv, Unsupported
from portalis.model import ConstantInfo, FunctionSignature, PyType, TypedConstant
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.annotations import TypeScope
from portalis.types.rust_types import TypeMappingError, owned_type, rust_ident


def initialiser(value: str) -> cst.FunctionDef | None:
    """`def __portalis_init__(): return (<value>)`: the function whose return is the value."""
    if len(value) > MAX_COMPUTED_SOURCE:
        return None
    try:
        module = cst.parse_module(f"def __portalis_init__():\n    return (\n{value}\n)\n")
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    node = module.body[0] if module.body else None
    return node if isinstance(node, cst.FunctionDef) else None


def init_function(source: str) -> cst.FunctionDef | None:
    """The synthetic function (`def __portalis_init_NAME__(): ...`) of a constant module code
    builds (portalis/analysis/module_state.py), parsed."""
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    node = module.body[0] if module.body else None
    return node if isinstance(node, cst.FunctionDef) else None


def _signature(c: ConstantInfo | TypedConstant, returns: PyType) -> FunctionSignature:
    from portalis.rust.printer import print_type

    try:
        rust = print_type(owned_type(returns)) if T.is_known(returns) else "_"
    except TypeMappingError:
        rust = "_"
    return FunctionSignature(name=f"__init_{c.name}__", qualname=c.name, params=[], returns=returns, rust_returns=rust, line=c.line)


def lower_computed(c: TypedConstant, env: ModuleEnv, scope: TypeScope) -> tuple[ir.Const, list[str]]:
    """The `LazyLock` static of a computed constant and the runtime helpers it uses; raises
    Unsupported when the rules cannot lower its value."""
    from portalis.lower.function import lower_function

    if c.init is not None:
        # Built by later module code: its synthetic function's body, typed by the type map.
        node = init_function(c.value)
        sig = c.init
        if sig.raises:
            raise Unsupported("PTL145", f"the code computing `{c.name}` can raise (a static's initialiser cannot)")
    else:
        node = initialiser(c.value)
        sig = _signature(c, c.py_type)
    if node is None:
        raise Unsupported("PTL145", f"the value of `{c.name}` cannot be lowered")
    fn, lowerer = lower_function(env, sig, node, scope)
    ty = owned_type(c.py_type)
    init = ir.Call(ir.Path(f"{LAZY}::new"), (ir.Closure((), ir.BlockExpr(fn.body)),))
    attrs = () if c.name == c.name.upper() else (ir.Allow(("non_upper_case_globals",)),)
    return ir.Const(name=rust_ident(c.name), type=ir.TPath(LAZY, (ty,)), value=init, static=True, attrs=attrs), sorted(lowerer.runtime)


def is_computed(c: TypedConstant) -> bool:
    """A constant whose value is an expression (not a literal the lowering writes directly)."""
    from portalis.typemap import constant_value

    if not c.lazy_static:
        return False
    try:
        constant_value(c.value)
    except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError, MemoryError, RecursionError):
        return True
    return False


__all__ = ["LAZY", "initialiser", "is_computed", "is_data", "lower_computed"]
