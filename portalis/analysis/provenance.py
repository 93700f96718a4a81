"""Where the types of a signature came from, in the forms the report and the UI show:
`int (default: = 0 at line 5)`, `str (use: .split() at line 12)`."""

from __future__ import annotations

from portalis.model import FunctionSignature, ModuleTypeMap, PyType, TypeOrigin

SHOWN = 2


def explain(py_type: PyType, provenance: list[TypeOrigin]) -> str:
    """A type and the first observations that pinned it (`int (default: = 0 at line 5)`)."""
    if not provenance:
        return str(py_type)
    shown = "; ".join(str(o) for o in provenance[:SHOWN])
    more = f"; +{len(provenance) - SHOWN}" if len(provenance) > SHOWN else ""
    return f"{py_type} ({shown}{more})"


def signature_summary(sig: FunctionSignature) -> dict:
    """A signature's types with their provenance (JSON for the report)."""
    return {
        "params": [
            {"name": p.name, "type": str(p.py_type), "rust": p.rust_type, "provenance": [str(o) for o in p.provenance]}
            for p in sig.params
        ],
        "returns": {"type": str(sig.returns), "rust": sig.rust_returns, "provenance": [str(o) for o in sig.returns_provenance]},
        "ints": int_representation(sig),
    }


def int_representation(sig: FunctionSignature) -> dict:
    """How the function's ints are represented (portalis/analysis/int_growth.py): `bigint`
    (num_bigint::BigInt), `i128` (checked i128 inside, i64 at the boundary: values pass i64
    midway) or `i64` (overflow raises OverflowError), why they may grow, and what kept a
    growing function on i64."""
    fact = sig.facts.ints
    if fact is None:
        return {"repr": "i64"}
    if fact.wide:  # checked i128 inside, the signature on i64 (portalis/lower/wide.py)
        return {"repr": "i128", "wide": fact.wide}
    out = {"repr": "bigint" if fact.bigint else "i64", "grows": fact.grows, "kept_i64": fact.unsupported}
    if fact.twin_of:  # BigInt twins beside it for these callers on BigInt (a matrix product)
        out["bigint_twin_for"] = list(fact.twin_of)
    return out


def find_signature(tm: ModuleTypeMap, qualname: str) -> FunctionSignature | None:
    """A function's (`f`) or method's (`C.m`) signature in a type map."""
    if "." not in qualname:
        return tm.function(qualname)
    cls, _, name = qualname.rpartition(".")
    c = tm.cls(cls)
    return c.method(name) if c is not None else None
