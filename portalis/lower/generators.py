"""Generators and iterators as values: `next()`, `iter()`, `itertools.islice`, variables that
hold an iterator, and the body of a lazy generator function.

A generator function is translated one of two ways, decided by the analysis
(portalis/analysis/generators.py), never here:
- eagerly (most): its yields are pushed into the Vec it returns (lower/function.py), so its
  callers see a list;
- lazily (an endless loop, which no Vec can hold): a Rust iterator, `std::iter::from_fn` over a
  closure that resumes the loop (`lazy_body` below), typed `iter[T]` (`impl Iterator<Item = T>`).

Iterator values follow Python's protocol where a program can observe it: `next(it)` draws one
item (StopIteration when there is none, or the default), a variable that `next()` reads is a
Rust iterator held mutably (`let mut it = xs.into_iter();`), and a loop over it continues
from where `next()` left it (`it.by_ref()`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from portalis.lower.builtins import iter_of
from portalis.lower.context import Elem, Iteration, Mode, Unsupported, Val
from portalis.lower.values import coerce, owned_as, read
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer


def next_targets(node: cst.CSTNode) -> frozenset[str]:
    """Names that hold iterators (analysis/generators.py: iterator_names): kept as Rust
    iterators rather than collected, so that every use draws from the same one."""
    from portalis.analysis.generators import iterator_names

    return iterator_names(node)


def iterator_of(lw: "FunctionLowerer", v: Val) -> Iteration:
    """An iterator of owned items over an iterable value (a list, a generator's items, a
    `map`...)."""
    return lw.owned_items(lw.iterate_val(v))


def lower_next(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`next(it)`: one item drawn, StopIteration when there is none; `next(it, d)`: d then.
    A variable holding an iterator is advanced in place; a fresh value (`next(gen())`,
    `next(iter(xs))`) is drawn from once."""
    if kwargs or not 1 <= len(args) <= 2:
        raise Unsupported("PTL133", "next() takes an iterator and an optional default")
    it = args[0]
    if it.ty.kind == "iter" and isinstance(it.expr, ir.Path) and it.mode is not Mode.OWNED:
        drawn: ir.Expr = ir.MethodCall(it.expr, "next")  # a variable: advanced in place
        elem = it.ty.args[0]
    elif it.mode is Mode.OWNED and it.ty.kind in ("iter", "list"):
        # A fresh iterator: the result of a generator (its Vec) or of iter()/map()/...
        items = iterator_of(lw, it)
        drawn = ir.MethodCall(items.expr, "next")
        elem = items.elem.ty
    else:
        raise Unsupported("PTL113", f"next() of {it.ty} that is not an iterator")
    if len(args) == 2:
        default = args[1]
        ty = T.unify(elem, default.ty) if default.ty != elem else elem
        if ty is None or not T.is_known(ty):
            raise Unsupported("PTL113", f"next() of {elem} items with a default of {default.ty}")
        if ty != elem:
            x = lw.temp("x")
            drawn = ir.MethodCall(drawn, "map", (ir.Closure((ir.PBind(x),), owned_as(Val(ir.Path(x), elem), ty)),))
        # Python evaluates the default before drawing: `unwrap_or`, not `unwrap_or_else`
        return Val(ir.MethodCall(drawn, "unwrap_or", (owned_as(default, ty),)), ty)
    return Val(lw.expect_some(drawn, "StopIteration"), elem)


def lower_iter(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`iter(xs)`: an iterator of xs's items (owned)."""
    if kwargs or len(args) != 1:
        raise Unsupported("PTL133", "iter() with a sentinel is not supported")
    v = args[0]
    if v.ty.kind == "iter":
        return v  # iter() of an iterator is the iterator itself
    items = iterator_of(lw, v)
    return Val(items.expr, iter_of(items.elem.ty))


def lower_islice(lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> Val:
    """`itertools.islice(it, stop)` / `(it, start, stop[, step])`: skip, take and step_by on the
    iterator (a lazy generator is drawn only that far). None as stop: to the end."""
    if kwargs or not 2 <= len(args) <= 4:
        raise Unsupported("PTL133", "islice() takes an iterable and stop, or start, stop[, step]")
    items = iterator_of(lw, args[0])
    if len(args) == 2:
        start, stop, step = None, args[1], None
    else:
        start, stop = args[1], args[2]
        step = args[3] if len(args) == 4 else None

    def count(v: Val | None) -> ir.Expr | None:
        if v is None or v.ty.kind == "none":
            return None
        if v.ty.kind not in ("int", "bool"):
            raise Unsupported("PTL113", f"islice() bound of {v.ty}")
        if isinstance(v.expr, ir.IntLit):
            if v.expr.value < 0:
                raise Unsupported("PTL113", "islice() with a negative bound (ValueError in Python)")
            return ir.IntLit(v.expr.value, "usize")
        # Python raises ValueError for a negative bound: so does the conversion
        lw.use_runtime("islice_bound")
        return ir.Call(ir.Path("crate::pyrt::islice_bound"), (read(coerce(v, T.INT)),))

    expr: ir.Expr = items.expr
    first, last, by = count(start), count(stop), count(step)
    lets: list[ir.Stmt] = []
    if first is not None and last is not None and not isinstance(first, ir.IntLit):
        # start is read twice (skip, and the length stop - start): computed once, in Python's
        # order (the iterable, then the bounds)
        it_name, first_name = lw.temp("it"), lw.temp("start")
        lets = [ir.Let(ir.PBind(it_name), None, expr), ir.Let(ir.PBind(first_name), None, first)]
        expr, first = ir.Path(it_name), ir.Path(first_name)
    if by is not None and isinstance(by, ir.IntLit) and by.value == 0:
        raise Unsupported("PTL113", "islice() with a step of 0 (ValueError in Python)")
    if first is not None and not (isinstance(first, ir.IntLit) and first.value == 0):
        expr = ir.MethodCall(expr, "skip", (first,))
    if last is not None:
        length = last if first is None else ir.MethodCall(last, "saturating_sub", (first,))
        expr = ir.MethodCall(expr, "take", (length,))
    if by is not None and not (isinstance(by, ir.IntLit) and by.value == 1):
        if not isinstance(by, ir.IntLit):
            lw.use_runtime("islice_step")
            by = ir.Call(ir.Path("crate::pyrt::islice_step"), (by,))
        expr = ir.MethodCall(expr, "step_by", (by,))
    if lets:
        expr = ir.BlockExpr(ir.Block(tuple(lets), expr))
    return Val(expr, iter_of(items.elem.ty))


def iterable_argument(lw: "FunctionLowerer", v: Val, elem: PyType, what: str) -> ir.Expr:
    """An argument for a parameter that takes any iterable (`impl IntoIterator<Item = T>`):
    an iterator of the value's items as `elem`s (a variable holding an iterator is lent, so
    that the caller goes on from where the callee stopped, as in Python)."""
    items = iterator_of(lw, v)
    if items.elem.ty != elem:
        if T.unify(items.elem.ty, elem) != elem:
            raise Unsupported("PTL113", f"{what} takes {elem} items, given {items.elem.ty} items")
        x = lw.temp("x")
        return ir.MethodCall(items.expr, "map", (ir.Closure((ir.PBind(x),), owned_as(Val(ir.Path(x), items.elem.ty), elem)),))
    return items.expr


def refuse_endless_source(lw: "FunctionLowerer", node: cst.BaseExpression) -> None:
    """An eager generator (its yields collected into a Vec) must not draw from an endless
    one (`for x in count_up(1): yield x`): Python yields lazily, the Vec would never be done."""
    if not lw.scan.yields or lw.lazy:
        return
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value not in lw.locals:
        from portalis.lower.context import Callable

        target = lw.env.lookup(node.func.value)
        if isinstance(target, Callable) and target.sig.returns.kind == "iter":
            raise Unsupported("PTL122", f"a generator collected into a list draws from `{node.func.value}()`, an endless generator", node)


def iterator_local(lw: "FunctionLowerer", pyname: str, v: Val) -> list[ir.Stmt]:
    """`it = iter(xs)` / `it = gen()` where `next(it)` reads the variable: a Rust iterator
    held mutably, so that each `next()` and the loops over it continue where the last stopped."""
    from portalis.lower.context import Local
    from portalis.types.rust_types import binding, rust_ident

    if pyname in lw.decls.hoisted_names or pyname in lw.locals:
        raise Unsupported("PTL113", f"`{pyname}` holds an iterator assigned in several places")
    items = iterator_of(lw, v)
    local = Local(rust_ident(pyname), iter_of(items.elem.ty), Mode.PLACE)
    local.block = lw.decl_block(pyname)
    lw.locals[pyname] = local
    return [ir.Let(binding(local.name, True), None, items.expr)]


def by_ref(v: Val) -> Iteration:
    """Iterating a variable that holds an iterator: borrowed mutably, so that it continues
    from there afterwards (Python's iterator is shared, not copied)."""
    return Iteration(ir.MethodCall(v.expr, "by_ref"), Elem(v.ty.args[0]))


# ---------------------------------------------------------------- lazy generator functions


def lazy_yield(lw: "FunctionLowerer", node: cst.Yield) -> list[ir.Stmt]:
    """`yield v` in a lazy generator: the closure returns the item (`return Some(v)`); the next
    call resumes after it (lazy_body)."""
    if isinstance(node.value, cst.From):
        raise Unsupported("PTL122", "`yield from` in a lazy generator", node)
    elem = lw.returns.args[0]
    if node.value is None:
        v = Val(ir.TupleExpr(()) if elem.kind == "none" else ir.Path("None"), T.NONE)
    else:
        v = lw.expr(node.value)
    return [_Item(owned_as(v, elem))]


@dataclass(frozen=True, slots=True)
class _Item(ir.Stmt):
    """A lazy yield while the body is lowered (a `return` would end the block it is in: the
    statements after a yield are the next call's); lazy_body turns it into `return Some(v)`."""

    value: ir.Expr


def _returned(node: object, flag: str | None = None) -> object:
    """The IR with every _Item made `return Some(v);` (after `flag = true;`: resumed)."""
    if isinstance(node, _Item):
        ret = ir.Return(ir.Call(ir.Path("Some"), (node.value,)))
        return (ir.Assign(ir.Path(flag), ir.BoolLit(True)), ret) if flag is not None else ret
    if isinstance(node, tuple):
        out: list[object] = []
        for n in node:
            done = _returned(n, flag)
            out.extend(done if isinstance(n, _Item) and isinstance(done, tuple) else (done,))
        return tuple(out)
    if isinstance(node, (ir.Stmt, ir.Expr, ir.Block)) and dataclasses.is_dataclass(node) and not isinstance(node, ir.Closure):
        changes = {f.name: _returned(getattr(node, f.name), flag) for f in dataclasses.fields(node)}
        return dataclasses.replace(node, **changes)  # type: ignore[arg-type]
    return node


def _holds_item(node: object) -> bool:
    if isinstance(node, _Item):
        return True
    if isinstance(node, tuple):
        return any(_holds_item(n) for n in node)
    if isinstance(node, (ir.Stmt, ir.Expr, ir.Block)) and dataclasses.is_dataclass(node) and not isinstance(node, ir.Closure):
        return any(_holds_item(getattr(node, f.name)) for f in dataclasses.fields(node))
    return False


def _continues(node: object) -> bool:
    """A `continue` of the loop these statements are the body of (not of a loop inside)."""
    if isinstance(node, ir.Continue):
        return node.label is None
    if isinstance(node, (ir.Loop, ir.While, ir.For, ir.Closure, ir.ItemStmt)):
        return False
    if isinstance(node, (list, tuple)):
        return any(_continues(n) for n in node)
    if dataclasses.is_dataclass(node):
        return any(_continues(getattr(node, f.name)) for f in dataclasses.fields(node))
    return False


def lazy_body(lw: "FunctionLowerer", prologue: list[ir.Stmt]) -> ir.Block:
    """The body of a lazy generator (portalis/analysis/generators.py gives its shape): the
    statements before the endless loop, then `std::iter::from_fn(move || ...)` whose closure
    runs the loop up to its yield, returning the item; with a yield in the middle of the loop
    (`A; yield v; B`), a flag says to run B first on the next call."""
    from portalis.analysis.generators import lazy_generator

    plan = lazy_generator(lw.node) if isinstance(lw.node, cst.FunctionDef) else None
    if plan is None or plan.problem is not None:
        raise Unsupported("PTL122", f"this generator cannot be made lazy: {plan.problem if plan else 'it ends'}", lw.node)
    if lw.sig.raises:
        # the closure returns items, not Results: an exception could not reach the caller
        raise Unsupported("PTL122", "a lazy generator whose body raises an exception", lw.node)
    body = lw.block(lw.node.body, top=True)
    stmts = list(body.stmts)
    if not stmts or not isinstance(stmts[-1], ir.Loop) or body.tail is not None:
        raise Unsupported("PTL122", "the endless loop of this generator did not lower to a loop", lw.node)
    loop = stmts.pop()
    assert isinstance(loop, ir.Loop)
    inner = list(loop.body.stmts)
    holders = [i for i, st in enumerate(inner) if _holds_item(st)]
    if plan.resume_at is None or len(holders) != 1:
        raise Unsupported("PTL122", "the yields of this generator's loop did not lower to one statement", lw.node)
    k = holders[0]
    before, held, after = inner[:k], inner[k], inner[k + 1:]
    if isinstance(held, _Item):
        # `A; yield v; B`
        if after:
            flag = lw.temp("resumed")
            stmts.append(ir.Let(ir.PBind(flag, True), None, ir.BoolLit(False)))
            # a `continue` in B goes back to the top of the loop: B is not run again
            reset = (ir.Assign(ir.Path(flag), ir.BoolLit(False)),) if _continues(after) else ()
            resume = ir.IfExpr(ir.Path(flag), ir.Block((*reset, *after)))
            closure: list[ir.Stmt] = [ir.ExprStmt(resume), *before, ir.Assign(ir.Path(flag), ir.BoolLit(True)), _returned(held)]  # type: ignore[list-item]
        else:
            closure = [*before, _returned(held)]  # type: ignore[list-item]
        if not _continues(inner):
            # one pass of the loop per item: no Rust loop needed (clippy's never_loop)
            item = closure[-1]
            assert isinstance(item, ir.Return)
            tail = ir.Block(tuple(closure[:-1]), item.value)
        else:
            tail = ir.Block((ir.Loop(ir.Block(tuple(closure))),))
    elif not after:
        # every yield ends its iteration: the loop runs until one returns the item
        if not _continues(inner) and "clippy::never_loop" not in lw.allowed:
            lw.allowed.append("clippy::never_loop")  # when each branch yields, the loop turns once per call
        tail = ir.Block((ir.Loop(ir.Block(tuple(_returned(tuple(inner))))),))  # type: ignore[arg-type]
    else:
        # `A; if c: ... yield v; B`: a call that yielded left the flag set; the next one skips
        # to B (a pass where no branch yielded runs B at once)
        flag = lw.temp("resumed")
        stmts.append(ir.Let(ir.PBind(flag, True), None, ir.BoolLit(False)))
        fresh: ir.Expr = ir.Unary("!", ir.Path(flag))
        if not before and isinstance(held, ir.ExprStmt) and isinstance(held.expr, ir.IfExpr) and held.expr.orelse is None:
            # `if !resumed && c { ... }` (clippy's collapsible_if)
            done = _returned(held.expr.then, flag)
            assert isinstance(done, ir.Block)
            first = ir.IfExpr(ir.Binary("&&", fresh, held.expr.cond), done)
        else:
            first = ir.IfExpr(fresh, ir.Block((*before, _returned(held, flag))))  # type: ignore[arg-type]
        tail = ir.Block((ir.Loop(ir.Block((ir.ExprStmt(first), ir.Assign(ir.Path(flag), ir.BoolLit(False)), *after))),))
    drawn = ir.Call(ir.Path("std::iter::from_fn"), (ir.Closure((), ir.BlockExpr(tail), move=True),))
    return ir.Block(tuple(prologue + stmts), drawn)
