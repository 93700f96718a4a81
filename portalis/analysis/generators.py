"""Which generator functions are translated lazily, and the shape the lazy form is built from.

A generator function is translated eagerly by default: what it yields is collected into the
Vec it returns (portalis/lower/function.py), which is the same sequence as long as the
generator ends. One that never ends (`while True:` with no `break` or `return`: a counter, a
cycle, a stream of ids) cannot be collected; it is translated lazily, as a Rust iterator
(`impl Iterator<Item = T>`, `std::iter::from_fn` over a closure that resumes the loop;
portalis/lower/generators.py). Its type is `iter[T]` instead of `list[T]`
(portalis/typemap.py), so its callers draw from it (`next`, `islice`, `zip`, a loop that
breaks) rather than collect it.

The lazy form resumes at one place, so the shape is:

    <statements without yield>          # run when the generator is made (see below)
    while True:                         # no break, no return in it
        A                               # no yield
        yield v                         # or an `if` whose yields each end their branch
        B                               # no yield; reads nothing A binds only for B

Known difference: the statements before the loop run when the generator is made, where Python
runs them at the first `next()` (it matters only when they print or raise).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from portalis.cst_scan import iter_nodes

_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


@dataclass(frozen=True)
class LazyGenerator:
    """A generator that must be lazy: why, and (when the lazy form cannot be built) why not."""

    reason: str
    problem: str | None = None
    # The statement of the loop's body holding its yields (`yield v`, or an `if` whose
    # yields each end their branch): the next call resumes after it
    resume_at: int | None = None


def _yields(node: cst.CSTNode) -> list[cst.Yield]:
    return [n for n in iter_nodes(node, prune=_NESTED) if type(n) is cst.Yield]


def _has_yield(node: cst.CSTNode) -> bool:
    return bool(_yields(node))


def _yield_statement(stmt: cst.CSTNode) -> cst.Yield | None:
    """The `yield v` of a statement that is only that (not `yield from`, not `x = yield`)."""
    if type(stmt) is cst.SimpleStatementLine and len(stmt.body) == 1 and type(stmt.body[0]) is cst.Expr:
        value = stmt.body[0].value
        if type(value) is cst.Yield and type(value.value) is not cst.From:
            return value
    return None


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (type(stmt) is cst.SimpleStatementLine and len(stmt.body) == 1 and type(stmt.body[0]) is cst.Expr
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _endless_loop(stmt: cst.CSTNode) -> bool:
    """`while True:` (no else) that nothing in it leaves: no `return`, no `break` of its own."""
    if type(stmt) is not cst.While or not (type(stmt.test) is cst.Name and stmt.test.value == "True"):
        return False
    if any(type(n) is cst.Return for n in iter_nodes(stmt.body, prune=_NESTED)):
        return False
    return not any(type(n) is cst.Break for n in iter_nodes(stmt.body, prune=(*_NESTED, cst.For, cst.While)))


def endless(node: cst.FunctionDef) -> bool:
    """Some `while True:` loop of the body that yields is never left."""
    return any(_endless_loop(n) and _has_yield(n) for n in iter_nodes(node.body, prune=_NESTED))


def _tail_yields(stmts: list[cst.CSTNode]) -> bool:
    """Every yield in `stmts` is the last thing run on its path (an `if`'s branches included)."""
    for i, stmt in enumerate(stmts):
        last = i == len(stmts) - 1
        if not _has_yield(stmt):
            continue
        if not last:
            return False
        if _yield_statement(stmt) is not None:
            continue
        if type(stmt) is cst.If:
            return _if_tail(stmt)
        return False
    return True


def _if_tail(stmt: cst.If) -> bool:
    if not _tail_yields(list(stmt.body.body)):
        return False
    other = stmt.orelse
    if other is None:
        return True
    if type(other) is cst.If:
        return _if_tail(other)
    return _tail_yields(list(other.body.body))


def _bound(stmts: list[cst.CSTNode]) -> set[str]:
    from portalis.cst_walk import bound_names

    out: set[str] = set()
    for s in stmts:
        for n in iter_nodes(s, prune=_NESTED):
            t = type(n)
            if t is cst.Assign:
                for target in n.targets:  # type: ignore[attr-defined]
                    out.update(bound_names(target.target))
            elif t in (cst.AnnAssign, cst.AugAssign) or t is cst.For:
                out.update(bound_names(n.target))  # type: ignore[attr-defined]
    return out


def _read(stmts: list[cst.CSTNode]) -> set[str]:
    return {n.value for s in stmts for n in iter_nodes(s, prune=_NESTED) if type(n) is cst.Name}


def lazy_generator(node: cst.FunctionDef) -> LazyGenerator | None:
    """None when the generator (if it is one) is collected eagerly; else why it must be lazy,
    and the problem that keeps the lazy form from being built, if any (PTL122)."""
    if not endless(node):
        return None
    found = LazyGenerator(reason="an endless `while True:` loop")
    body = list(node.body.body)
    if body and _is_docstring(body[0]):
        body = body[1:]
    if not body or not _endless_loop(body[-1]):
        return LazyGenerator(found.reason, "the endless loop is not the last statement of the generator")
    loop = body[-1]
    assert isinstance(loop, cst.While)
    if any(_has_yield(s) for s in body[:-1]):
        return LazyGenerator(found.reason, "a yield before the endless loop")
    if any(type(n) is cst.Return for s in body[:-1] for n in iter_nodes(s, prune=_NESTED)):
        return LazyGenerator(found.reason, "a `return` before the endless loop")
    if loop.orelse is not None:
        return LazyGenerator(found.reason, "`while True: ... else:`")
    if any(type(y.value) is cst.From for y in _yields(loop)):
        return LazyGenerator(found.reason, "`yield from` in an endless loop")
    inner = list(loop.body.body)
    holders = [k for k, stmt in enumerate(inner) if _has_yield(stmt)]
    if len(holders) == 1:
        k = holders[0]
        stmt = inner[k]
        if _yield_statement(stmt) is not None or (type(stmt) is cst.If and _if_tail(stmt)):
            before, after = inner[:k], inner[k + 1:]
            params = {p.name.value for p in (*node.params.params, *node.params.kwonly_params, *node.params.posonly_params)}
            kept = (_bound([*before, stmt]) - _bound(body[:-1]) - params) & _read(after)
            if kept:
                # the next call resumes after the yield: the loop's own locals are gone by then
                return LazyGenerator(found.reason, f"`{sorted(kept)[0]}` is set before the `yield` and read after it")
            return LazyGenerator(found.reason, resume_at=k)
    return LazyGenerator(found.reason, "yields the lazy form cannot resume after (inside nested loops or `try`, "
                         "in several statements of the loop, or not last in their branch)")


# ---------------------------------------------------------------- parameters iterated once

# Calls whose result is an iterator (what a list parameter could not take without collecting it)
_ITERATOR_CALLS = frozenset({"iter", "map", "filter", "zip", "enumerate", "reversed"})


def iterated_once(node: cst.FunctionDef, name: str) -> bool:
    """The body's one use of parameter `name` is a single pass over it: `for x in name:` or a
    comprehension over it, not inside another loop, and the name is never rebound. Such a
    parameter can take any iterable (Rust: `impl IntoIterator<Item = T>`), drawn once."""
    uses = [n for n in iter_nodes(node.body) if type(n) is cst.Name and n.value == name]  # nested functions too
    if len(uses) != 1:
        return False
    use = uses[0]
    loops = [n for n in iter_nodes(node.body, prune=_NESTED) if type(n) in (cst.For, cst.While, cst.CompFor)]
    inner_fors = {id(n.inner_for_in) for n in loops if type(n) is cst.CompFor and n.inner_for_in is not None}
    for loop in loops:
        if type(loop) in (cst.For, cst.CompFor) and loop.iter is use:  # type: ignore[attr-defined]
            if id(loop) in inner_fors:
                return False  # `for a in b for x in name`: drawn again for each a
            # the iteration itself must not be repeated by an enclosing loop
            return not any(
                other is not loop and type(other) in (cst.For, cst.While)
                and any(n is loop for n in iter_nodes(other.body, prune=_NESTED))  # type: ignore[attr-defined]
                for other in loops
            ) and not any(type(n) in (cst.Assign, cst.AugAssign, cst.AnnAssign) for n in iter_nodes(node.body, prune=_NESTED)
                          if name in _bound([n]))
    return False


def iterator_names(node: cst.CSTNode) -> frozenset[str]:
    """Names a function uses as iterators: passed to `next()` (`next(it)`, `next(it, d)`: `next`
    of a list is a TypeError) or assigned `iter(...)` (one iterator that every use draws from:
    `for a in it: for b in it:`, `islice(it, n)` in a loop)."""
    found: set[str] = set()
    for n in iter_nodes(node):
        if (
            type(n) is cst.Call
            and type(n.func) is cst.Name
            and n.func.value == "next"
            and 1 <= len(n.args) <= 2
            and type(n.args[0].value) is cst.Name
        ):
            found.add(n.args[0].value.value)
        elif (type(n) is cst.Assign and len(n.targets) == 1 and type(n.targets[0].target) is cst.Name
              and type(n.value) is cst.Call and type(n.value.func) is cst.Name and n.value.func.value == "iter"):
            found.add(n.targets[0].target.value)
    return frozenset(found)


def _iterator_argument(arg: cst.BaseExpression, generators: frozenset[str], iterators: frozenset[str] = frozenset()) -> bool:
    """A value that is an iterator in Python: a generator expression, `map(...)`, `iter(...)`,
    a call of one of the module's generator functions, an `itertools` call, a name of the
    caller holding an iterator (`iterators`)."""
    if type(arg) is cst.GeneratorExp:
        return True
    if type(arg) is cst.Name:
        return arg.value in iterators
    if type(arg) is not cst.Call:
        return False
    f = arg.func
    if type(f) is cst.Name:
        return f.value in _ITERATOR_CALLS or f.value in generators
    return type(f) is cst.Attribute and type(f.value) is cst.Name and f.value.value == "itertools"


def iterator_arguments(module: cst.Module, functions: dict[str, cst.FunctionDef]) -> dict[str, set[str]]:
    """function -> its parameters some call in the module passes an iterator to (positionally
    or by keyword): evidence that the parameter is any iterable, not a list."""
    generators = frozenset(n for n, f in functions.items() if _has_yield(f.body))
    found: dict[str, set[str]] = {}
    callers = [(iterator_names(f), f) for f in functions.values()]
    for iterators, caller in [(frozenset(), module), *callers]:
        for call in iter_nodes(caller, prune=(cst.FunctionDef,) if caller is module else ()):
            if type(call) is not cst.Call or type(call.func) is not cst.Name or call.func.value not in functions:
                continue
            _passed(call, functions[call.func.value], generators, iterators, found)
    return found


def _passed(call: cst.Call, fn: cst.FunctionDef, generators: frozenset[str], iterators: frozenset[str],
            found: dict[str, set[str]]) -> None:
    """Record the parameters of `fn` that `call` passes an iterator to."""
    assert type(call.func) is cst.Name
    params = [p.name.value for p in fn.params.params]
    for i, arg in enumerate(call.args):
        if arg.star or not _iterator_argument(arg.value, generators, iterators):
            continue
        target = arg.keyword.value if arg.keyword is not None else params[i] if i < len(params) else None
        if target is not None:
            found.setdefault(call.func.value, set()).add(target)
