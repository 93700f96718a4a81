"""`random` where a seed makes it deterministic (issue 12, item 3): the runtime's `PyRandom` is
CPython's Mersenne Twister and `random.py`'s algorithms (3.11), so after `random.seed(n)` the
Rust draws Python's numbers: `seed(int)`, `random()`, `randint`, `randrange` (1-3 arguments),
`uniform`, `choice` of a list, `shuffle` of a list, `sample(xs, k)` of a list or a range and `choices(xs[, weights],
k=n)` of a list (weights of floats or ints). The module's shared generator is one
`static` (a Mutex; each helper locks it only inside its call). Unseeded, the generator starts
from the clock, as Python's starts from os.urandom: random in both, and validation leaves
functions using `random` untested (validate/behaviour.py NONDETERMINISTIC).

Not translated (PTL133): a seed of another type than int (a str or bytes seed goes through
SHA-512), `random.Random` instances, `sample` of a set or str, `sample(counts=)`,
`choices(cum_weights=)`, `gauss` and the other distributions, `getstate`/`setstate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portalis.lower.context import Mode, Unsupported, Val
from portalis.lower.values import coerce, list_view, read, to_float
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

NAMES = frozenset({"seed", "random", "randint", "randrange", "uniform", "choice", "shuffle", "sample", "choices"})


def _call(lw: "FunctionLowerer", helper: str, *args: ir.Expr) -> ir.Expr:
    lw.use_runtime("PyRandom")
    return ir.Call(ir.Path(f"crate::pyrt::{helper}"), args)


def _ints(args: list[Val]) -> list[ir.Expr]:
    for a in args:
        if a.ty.kind not in ("int", "bool"):
            raise Unsupported("PTL113", f"an int is expected, not {a.ty} (TypeError or ValueError in Python)")
    return [read(coerce(a, T.INT)) for a in args]


def lower_random(lw: "FunctionLowerer", name: str, call: tuple[list[Val], dict[str, Val]] | None) -> Val:
    """`random.seed(n)`, `random.random()` and the other NAMES."""
    if name not in NAMES or call is None:
        raise Unsupported("PTL133", f"`random.{name}` is not translated yet ({', '.join(sorted(NAMES))} are)")
    args, kwargs = call
    if name in ("sample", "choices"):
        return _sample_or_choices(lw, name, args, kwargs)
    if kwargs:
        raise Unsupported("PTL133", f"random.{name}() with keywords is not translated yet")
    if name == "seed":
        if len(args) != 1 or args[0].ty.kind not in ("int", "bool"):
            raise Unsupported("PTL133", "random.seed() of an int is translated (no seed, or a str/bytes seed, is not)")
        return Val(_call(lw, "random_seed", *_ints(args)), T.NONE)
    if name == "random" and not args:
        return Val(_call(lw, "random_random"), T.FLOAT)
    if name == "randint" and len(args) == 2:
        return Val(lw.propagate(_call(lw, "random_randint", *_ints(args))), T.INT)
    if name == "randrange" and 1 <= len(args) <= 3:
        start, *rest = _ints(args)
        stop = ir.Call(ir.Path("Some"), (rest[0],)) if rest else ir.Path("None")
        step = rest[1] if len(rest) == 2 else ir.IntLit(1, "i64")
        return Val(lw.propagate(_call(lw, "random_randrange", start, stop, step)), T.INT)
    if name == "uniform" and len(args) == 2:
        a, b = (read(to_float(x)) for x in args)
        return Val(_call(lw, "random_uniform", a, b), T.FLOAT)
    if name == "choice" and len(args) == 1 and args[0].ty.kind == "list" and args[0].ty.args and T.is_known(args[0].ty.args[0]):
        seq = args[0]
        view = list_view(seq)
        index = lw.propagate(_call(lw, "random_choice_index", ir.MethodCall(view, "len")))
        return Val(ir.Index(view, index), seq.ty.args[0], Mode.PLACE)
    if name == "shuffle" and len(args) == 1 and args[0].ty.kind == "list":
        from portalis.lower.builtins import _heap_target

        return Val(_call(lw, "random_shuffle", _heap_target(lw, args[0], "shuffle")), T.NONE)
    raise Unsupported("PTL133", f"random.{name}() with these arguments is not translated yet")


def _sample_or_choices(lw: "FunctionLowerer", name: str, args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`random.sample(xs, k)` and `random.choices(xs[, weights], k=n)` of a list: random.py's
    draws (`pyrt::PyRandom::sample_indices`, `choices_indices`, `choices_weighted_indices`),
    the items cloned into a new list."""
    allowed = ("k",) if name == "sample" else ("weights", "k")
    extra = sorted(set(kwargs) - set(allowed))
    if extra:
        raise Unsupported("PTL133", f"random.{name}() with {extra[0]}= is not translated yet")
    if name == "sample" and args and len(args) + ("k" in kwargs) == 2:
        e = args[0].expr
        bounds = None
        if isinstance(e, ir.RangeExpr):
            bounds = (e.start, e.end, ir.IntLit(1, "i64"))
        elif isinstance(e, ir.Call) and isinstance(e.func, ir.Path) and e.func.name == "crate::pyrt::range_step":
            bounds = tuple(e.args)
        if bounds is not None:
            # `random.sample(range(n), k)`: indexed as Python does, the range never built
            (k,) = _ints(args[1:] or [kwargs["k"]])
            return Val(lw.propagate(_call(lw, "random_sample_range", *bounds, k)), T.list_of(T.INT))
    if not args or args[0].ty.kind != "list" or not args[0].ty.args or not T.is_known(args[0].ty.args[0]):
        raise Unsupported("PTL133", f"random.{name}() of a list is translated (a set or str population is not yet)")
    seq, rest = args[0], args[1:]
    view = list_view(seq)
    if name == "sample":
        if len(rest) + ("k" in kwargs) != 1:
            raise Unsupported("PTL113", "random.sample() takes a population and k (TypeError in Python)")
        (k,) = _ints(rest or [kwargs["k"]])
        return Val(lw.propagate(_call(lw, "random_sample", view, k)), seq.ty)
    if len(rest) > 1 or (rest and "weights" in kwargs):
        raise Unsupported("PTL113", "random.choices() takes k as a keyword (TypeError in Python)")
    (k,) = _ints([kwargs["k"]]) if "k" in kwargs else [ir.IntLit(1, "i64")]
    weights = rest[0] if rest else kwargs.get("weights")
    if weights is None or weights.ty.kind == "none":
        return Val(lw.propagate(_call(lw, "random_choices", view, k)), seq.ty)
    kind = weights.ty.args[0].kind if weights.ty.kind == "list" and weights.ty.args else ""
    if kind not in ("int", "float"):
        raise Unsupported("PTL133", f"random.choices() weights of {weights.ty} are not translated yet (a list of ints or floats is)")
    helper = "random_choices_weighted" if kind == "float" else "random_choices_weighted_int"
    return Val(lw.propagate(_call(lw, helper, view, list_view(weights), k)), seq.ty)
