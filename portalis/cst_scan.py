"""The per-function syntactic facts lowering needs (one scan of a body; the fast walker it uses
is portalis/cst_walk.py, shared with the analysis)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import libcst as cst

# The walker, shared with the analysis; its names stay importable from here for lowering.
from portalis.cst_walk import NODE_TYPES, bound_names, children, iter_nodes, types_of, walk  # noqa: F401
from portalis.memo import memo_table

# Python methods that change their receiver in place (a parameter they are called on is passed &mut);
# the one list: the analysis (liveness, typemap) and lowering (receiver as a place) read it from here.
MUTATING_METHODS = frozenset(
    "append extend insert pop remove clear sort reverse update setdefault add discard popitem popleft appendleft "
    "difference_update intersection_update symmetric_difference_update".split()
)

HEAP_FUNCTIONS = frozenset("heapify heappush heappop heappushpop heapreplace".split())
# Of those, the ones that can change a list's length (a `&mut [T]` cannot).
RESIZING_METHODS = frozenset("append extend insert pop remove clear popleft appendleft".split())

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_SCOPE_TYPES = frozenset(_SCOPES)
_COMPREHENSION_TYPES = frozenset(_COMPREHENSIONS)
# Nodes scan_function looks at; every other node only has its children walked.
_SPECIAL = frozenset({
    cst.Name, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Del, cst.NamedExpr, cst.For, cst.While,
    cst.Return, cst.Yield, cst.ExceptHandler, cst.Call, cst.CompFor,
}) | _SCOPE_TYPES | _COMPREHENSION_TYPES


@dataclass
class FunctionScan:
    """Syntactic facts about one function body (nested functions and lambdas excluded)."""

    assign_count: dict[str, int] = field(default_factory=dict)  # bindings of each name
    in_loop: set[str] = field(default_factory=set)  # names bound inside a loop
    mutated: set[str] = field(default_factory=set)  # names changed in place (not rebound)
    returns_value: bool = False  # some `return <value>` other than None
    calls: list[cst.Call] = field(default_factory=list)
    nested: dict[str, cst.FunctionDef] = field(default_factory=dict)  # nested defs by name
    yields: bool = False
    names_read: set[str] = field(default_factory=set)  # every Name read in the body
    # Names rebound before anything changes them in place: the changes affect a new object,
    # never a caller's argument.
    rebound_first: set[str] = field(default_factory=set)
    loop_target_count: dict[str, int] = field(default_factory=dict)  # bindings by `for` targets
    resized: set[str] = field(default_factory=set)  # lists whose length may change in place

    def rebound(self, name: str) -> bool:
        """Assigned by a statement other than a `for` header."""
        return self.assign_count.get(name, 0) > self.loop_target_count.get(name, 0)


def scan_function(fn: cst.FunctionDef | cst.Lambda) -> FunctionScan:
    """One walk over a function body collecting the facts lowering and typing need (computed
    once per function node in a memo scope, portalis/memo.py: the type map and every lowering
    pass ask again). Read-only."""
    table = memo_table("scan_function")
    if table is None:
        return _scan(fn)
    hit = table.get(id(fn))
    if hit is not None and hit[0] is fn:
        return hit[1]
    out = _scan(fn)
    table[id(fn)] = (fn, out)
    return out


def _scan(fn: cst.FunctionDef | cst.Lambda) -> FunctionScan:
    out = FunctionScan()

    first_event: dict[str, str] = {}

    def bind(target: cst.BaseExpression, loop: int) -> None:
        if isinstance(target, cst.Name):
            first_event.setdefault(target.value, "bind")
            out.assign_count[target.value] = out.assign_count.get(target.value, 0) + 1
            if loop:
                out.in_loop.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                bind(el.value, loop)
        elif isinstance(target, cst.StarredElement):
            bind(target.value, loop)

    def changed(target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Subscript, cst.Attribute)):
            base = target.value
            # `a[i][j] = x` and `a.b.c = x` change `a` in place too.
            while isinstance(base, (cst.Subscript, cst.Attribute)):
                base = base.value
            if isinstance(base, cst.Name):
                out.mutated.add(base.value)
                first_event.setdefault(base.value, "mutate")
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                changed(el.value)

    def visit(node: cst.CSTNode, loop: int) -> None:
        t = type(node)
        if t is cst.Attribute:
            visit(node.value, loop)
            return
        if t not in _SPECIAL:
            for child in children(node):
                visit(child, loop)
            return
        if t is cst.Name:
            out.names_read.add(node.value)
            return
        if t in _SCOPE_TYPES:
            if t is cst.FunctionDef:
                out.nested[node.name.value] = node
                out.names_read |= free_names(node.body)  # what it captures is read here
                for d in node.decorators:
                    visit(d.decorator, loop)
            elif t is cst.Lambda:
                # A lambda reads names of the enclosing function (its captures).
                for child in children(node.body) if not isinstance(node.body, cst.Name) else [node.body]:
                    visit(child, loop)
            return
        if t is cst.Assign:
            for t in node.targets:
                if isinstance(t.target, cst.Subscript) and isinstance(t.target.value, cst.Name) and any(
                    isinstance(el.slice, cst.Slice) for el in t.target.slice
                ):
                    out.resized.add(t.target.value.value)  # slice assignment may change the length
                bind(t.target, loop)
                changed(t.target)
                if not isinstance(t.target, cst.Name):
                    visit(t.target, loop)
            visit(node.value, loop)
            return
        if t is cst.AnnAssign:
            if node.value is not None:
                bind(node.target, loop)
                visit(node.value, loop)
            changed(node.target)
            return
        if t is cst.AugAssign:
            if isinstance(node.target, cst.Name):
                out.resized.add(node.target.value)  # `xs += ys` extends in place
            bind(node.target, loop)
            bind(node.target, loop)
            changed(node.target)
            visit(node.target, loop)
            visit(node.value, loop)
            return
        if t is cst.Del:
            changed(node.target)
            if isinstance(node.target, cst.Subscript) and isinstance(node.target.value, cst.Name):
                out.resized.add(node.target.value.value)
            return
        if t is cst.NamedExpr:
            bind(node.target, loop)
            visit(node.value, loop)
            return
        if t is cst.For or t is cst.While:
            if t is cst.For:
                # A for target is a fresh binding per iteration, not an assignment in the loop.
                bind(node.target, 0)
                for n in _target_names(node.target):
                    out.loop_target_count[n] = out.loop_target_count.get(n, 0) + 1
                visit(node.iter, loop)
            else:
                visit(node.test, loop + 1)
            visit(node.body, loop + 1)
            if node.orelse is not None:
                visit(node.orelse, loop)
            return
        if t is cst.Return:
            if node.value is not None and not (isinstance(node.value, cst.Name) and node.value.value == "None"):
                out.returns_value = True
            if node.value is not None:
                visit(node.value, loop)
            return
        if t is cst.Yield:
            out.yields = True
            out.returns_value = True  # a generator function returns what it yields (a list)
        if t is cst.ExceptHandler and node.name is not None:
            bind(node.name.name, loop)
        if t is cst.Call:
            out.calls.append(node)
            f = node.func
            if isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name) and f.attr.value in MUTATING_METHODS:
                out.mutated.add(f.value.value)
                first_event.setdefault(f.value.value, "mutate")
                if f.attr.value in RESIZING_METHODS:
                    out.resized.add(f.value.value)
            elif isinstance(f, cst.Attribute) and f.attr.value in MUTATING_METHODS:
                changed(f.value)
            heap_fn = f.value if type(f) is cst.Name else f.attr.value if type(f) is cst.Attribute else None
            if heap_fn == "shuffle" and node.args and type(node.args[0].value) is cst.Name:
                # random.shuffle changes its list in place (its length stays)
                out.mutated.add(node.args[0].value.value)
                first_event.setdefault(node.args[0].value.value, "mutate")
            if heap_fn in HEAP_FUNCTIONS and node.args and type(node.args[0].value) is cst.Name:
                # heapq functions change their first argument in place.
                name = node.args[0].value.value
                out.mutated.add(name)
                out.resized.add(name)
                first_event.setdefault(name, "mutate")
        if t in _COMPREHENSION_TYPES:
            # Comprehension targets are local to the comprehension (Python 3): not bindings.
            for child in children(node):
                visit(child, loop)
            return
        if t is cst.CompFor:
            visit(node.iter, loop)
            for cond in node.ifs:
                visit(cond, loop)
            if node.inner_for_in is not None:
                visit(node.inner_for_in, loop)
            return
        for child in children(node):
            visit(child, loop)

    body = fn.body
    if isinstance(body, cst.BaseSuite):
        for stmt in body.body:
            visit(stmt, 0)
    else:
        visit(body, 0)
    out.rebound_first = {n for n, e in first_event.items() if e == "bind"}
    return out


def returns_value(fn: cst.FunctionDef) -> bool:
    return scan_function(fn).returns_value


# ---------------------------------------------------------------- declaration placement


@dataclass
class Declarations:
    """Where each local is declared in Rust.

    Python locals live for the whole function; Rust `let`s live for their block. A name is
    declared in the innermost block that holds all its uses (its bindings and reads): with a
    `let` at its first binding when that binding is a statement of that block, else by a
    declaration hoisted to the start of the block (`let x: T;`), initialised with the type's
    default only when the block's code may read it before every path has assigned it."""

    hoisted: dict[int, list[str]] = field(default_factory=dict)  # id(block) -> names declared at its start
    hoisted_names: set[str] = field(default_factory=set)
    needs_default: set[str] = field(default_factory=set)
    # For-loop targets that are also used outside their loop: the loop assigns the local.
    loop_escaping: set[str] = field(default_factory=set)


@dataclass
class _Occ:
    path: tuple[int, ...]  # ids of the blocks from the function body inwards
    stmts: tuple[cst.CSTNode, ...]  # the statement holding the use, in each block of path
    bind: bool
    loop_target: bool = False


_LOOP_BODY = "loop"


def declarations(fn: cst.FunctionDef | cst.Lambda, params: set[str]) -> Declarations:
    """Where the locals of `fn` are declared (see Declarations); computed once per function in
    a memo scope."""
    table = memo_table("declarations")
    if table is None:
        return _declarations(fn, params)
    key = (id(fn), frozenset(params))
    hit = table.get(key)
    if hit is not None and hit[0] is fn:
        return hit[1]
    out = _declarations(fn, params)
    table[key] = (fn, out)
    return out


def _declarations(fn: cst.FunctionDef | cst.Lambda, params: set[str]) -> Declarations:
    out = Declarations()
    if not isinstance(fn, cst.FunctionDef):
        return out
    occ: dict[str, list[_Occ]] = {}
    walrus: set[str] = set()
    loop_bodies: dict[int, cst.CSTNode] = {}  # id(body block) -> loop statement
    parent_of: dict[int, tuple[int, ...]] = {}

    def note(name: str, path: tuple[int, ...], stmts: tuple[cst.CSTNode, ...], bind: bool, loop_target: bool = False) -> None:
        if name in params:
            return
        occ.setdefault(name, []).append(_Occ(path, stmts, bind, loop_target))

    def targets(t: cst.BaseExpression, path, stmts, loop_target=False) -> None:
        if isinstance(t, cst.Name):
            note(t.value, path, stmts, True, loop_target)
        elif isinstance(t, (cst.Tuple, cst.List)):
            for el in t.elements:
                targets(el.value, path, stmts, loop_target)
        elif isinstance(t, cst.StarredElement):
            targets(t.value, path, stmts, loop_target)
        else:
            reads(t, path, stmts)

    def reads(e: cst.CSTNode | None, path, stmts) -> None:
        if e is None:
            return
        for name in free_names(e):
            note(name, path, stmts, False)
        for name in _walrus_targets(e):
            # `(n := ...)` binds in the function's scope from inside an expression: declared
            # ahead of the statement (a let cannot stand inside an expression).
            walrus.add(name)
            note(name, path, stmts, True)

    def block(suite: cst.BaseSuite, path: tuple[int, ...], stmts: tuple[cst.CSTNode, ...]) -> None:
        path = path + (id(suite),)
        for stmt in suite.body:
            statement(stmt, path, stmts + (stmt,))

    def statement(stmt: cst.CSTNode, path, stmts) -> None:
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in stmt.body:
                statement(small, path, stmts)
            return
        if isinstance(stmt, cst.Assign):
            reads(stmt.value, path, stmts)
            for t in stmt.targets:
                targets(t.target, path, stmts)
        elif isinstance(stmt, cst.AnnAssign):
            reads(stmt.value, path, stmts)
            if stmt.value is not None:
                targets(stmt.target, path, stmts)
            else:
                note(stmt.target.value, path, stmts, False) if isinstance(stmt.target, cst.Name) else None
        elif isinstance(stmt, cst.AugAssign):
            reads(stmt.target, path, stmts)
            reads(stmt.value, path, stmts)
            targets(stmt.target, path, stmts)
        elif isinstance(stmt, cst.FunctionDef):
            note(stmt.name.value, path, stmts, True)
            reads(stmt, path, stmts)  # captured names count as reads where the def stands
        elif isinstance(stmt, cst.If):
            reads(stmt.test, path, stmts)
            block(stmt.body, path, stmts)
            if isinstance(stmt.orelse, cst.If):
                statement(stmt.orelse, path, stmts)
            elif isinstance(stmt.orelse, cst.Else):
                block(stmt.orelse.body, path, stmts)
        elif isinstance(stmt, (cst.For, cst.While)):
            body_path = path + (id(stmt.body),)
            loop_bodies[id(stmt.body)] = stmt
            if isinstance(stmt, cst.For):
                reads(stmt.iter, path, stmts)
                # The target is bound at the start of every iteration, inside the body.
                targets(stmt.target, body_path, stmts + (stmt.target,), loop_target=True)
            else:
                reads(stmt.test, body_path, stmts + (stmt.test,))
            block(stmt.body, path, stmts)
            if stmt.orelse is not None:
                block(stmt.orelse.body, path, stmts)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            block(stmt.body, path, stmts)
            for h in stmt.handlers:
                hpath = path + (id(h.body),)
                if h.name is not None:
                    targets(h.name.name, hpath, stmts + (h,))
                block(h.body, path, stmts)
            if stmt.orelse is not None:
                block(stmt.orelse.body, path, stmts)
            if stmt.finalbody is not None:
                block(stmt.finalbody.body, path, stmts)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                reads(item.item, path, stmts)
                if item.asname is not None:
                    targets(item.asname.name, path, stmts)
            block(stmt.body, path, stmts)
        else:
            reads(stmt, path, stmts)

    root = fn.body
    block(root, (), ())

    for name, uses in occ.items():
        binds = [u for u in uses if u.bind]
        if not binds:
            continue  # a global, a builtin, or a read of an unbound name
        targets_only = all(u.loop_target for u in binds)
        if targets_only:
            # Each loop declares its own target; a use outside every binding loop escapes.
            escaping = any(not any(_inside(u.path, b.path) for b in binds) for u in uses if not u.bind)
            if not escaping:
                continue
            out.loop_escaping.add(name)
        lca = _common_prefix([u.path for u in uses])
        # A loop body that reads the name before binding it carries the value from the
        # previous iteration: it must be declared outside the loop.
        while len(lca) > 1 and lca[-1] in loop_bodies:
            inner = [u for u in uses if u.path[: len(lca)] == lca]
            first = inner[0]
            if not first.bind or first.loop_target and name in out.loop_escaping:
                lca = lca[:-1]
                continue
            break
        block_id = lca[-1]
        first = next(u for u in uses if u.path[: len(lca)] == lca)
        # A loop target whose uses all sit in its own loop's body is declared by the `for`
        # pattern itself (assignments in the body then make it `mut`).
        direct = first.bind and len(first.path) == len(lca) and name not in out.loop_escaping and name not in walrus
        if direct:
            continue
        out.hoisted.setdefault(block_id, []).append(name)
        out.hoisted_names.add(name)
        stmt = first.stmts[len(lca) - 1] if len(first.stmts) >= len(lca) else None
        if name in walrus:
            # Declared without a value: rustc's flow analysis sees the assignment inside the
            # expression (also through `and`/`or`), as Python would raise NameError otherwise.
            continue
        if stmt is None or not _binds_on_all_paths(stmt, name) or name in out.loop_escaping:
            out.needs_default.add(name)
    return out


def _walrus_targets(e: cst.CSTNode) -> list[str]:
    """Names assigned by `:=` in an expression (not inside nested functions or lambdas)."""
    out: list[str] = []
    stack = [e]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is cst.NamedExpr and type(n.target) is cst.Name:
            out.append(n.target.value)
        if t in _SCOPE_DEFS or t is cst.Lambda:
            continue
        stack.extend(children(n))
    return out


def _target_names(t: cst.BaseExpression) -> set[str]:
    return {n.value for n in iter_nodes(t) if type(n) is cst.Name}


_SCOPE_DEFS = frozenset({cst.FunctionDef, cst.ClassDef})


def free_names(e: cst.CSTNode) -> frozenset[str]:
    """Names an expression (or statement) reads from its scope: comprehension targets and
    lambda parameters are local to their own scope (Python 3) and do not count."""
    table = memo_table("free_names")
    hit = table.get(id(e)) if table is not None else None
    if hit is not None and hit[0] is e:
        return hit[1]
    out: set[str] = set()

    def walk(n: cst.CSTNode, hidden: frozenset[str]) -> None:
        t = type(n)
        if t is cst.Name:
            if n.value not in hidden:
                out.add(n.value)
            return
        if t in _SCOPE_DEFS:
            return
        if t in _COMPREHENSION_TYPES:
            inner = set(hidden)
            comp: cst.CompFor | None = n.for_in
            first = True
            while comp is not None:
                # The first iterable is evaluated in the enclosing scope.
                walk(comp.iter, hidden if first else frozenset(inner))
                first = False
                inner |= _target_names(comp.target)
                for cond in comp.ifs:
                    walk(cond.test, frozenset(inner))
                comp = comp.inner_for_in
            for part in ("elt", "key", "value"):
                child = getattr(n, part, None)
                if child is not None:
                    walk(child, frozenset(inner))
            return
        if t is cst.Lambda:
            params = {p.name.value for p in (*n.params.posonly_params, *n.params.params, *n.params.kwonly_params)}
            walk(n.body, hidden | params)
            return
        if t is cst.Attribute:
            walk(n.value, hidden)  # `.attr` names an attribute, not a variable
            return
        for c in children(n):
            walk(c, hidden)

    walk(e, frozenset())
    result = frozenset(out)
    if table is not None:
        table[id(e)] = (e, result)
    return result


def _inside(path: tuple[int, ...], outer: tuple[int, ...]) -> bool:
    return path[: len(outer)] == outer


def _common_prefix(paths: list[tuple[int, ...]]) -> tuple[int, ...]:
    first = paths[0]
    n = len(first)
    for p in paths[1:]:
        n = min(n, len(p))
        for i in range(n):
            if p[i] != first[i]:
                n = i
                break
    return first[:n]


def _diverges(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return any(isinstance(s, (cst.Return, cst.Raise, cst.Break, cst.Continue)) for s in stmt.body)
    return False


def _suite_binds(suite: cst.BaseSuite, name: str) -> bool:
    for stmt in suite.body:
        if _diverges(stmt) or _binds_on_all_paths(stmt, name):
            return True
    return False


def _binds_on_all_paths(stmt: cst.CSTNode, name: str) -> bool:
    """Whether every path through stmt that falls through has bound `name`."""
    if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return any(_binds_on_all_paths(s, name) for s in stmt.body)
    if isinstance(stmt, cst.Assign):
        return any(name in bound_names(t.target) for t in stmt.targets)
    if isinstance(stmt, cst.AnnAssign):
        return stmt.value is not None and name in bound_names(stmt.target)
    if isinstance(stmt, cst.If):
        if not _suite_binds(stmt.body, name):
            return False
        if isinstance(stmt.orelse, cst.If):
            return _binds_on_all_paths(stmt.orelse, name)
        if isinstance(stmt.orelse, cst.Else):
            return _suite_binds(stmt.orelse.body, name)
        return False
    if isinstance(stmt, cst.With):
        return _suite_binds(stmt.body, name)
    # A try body is a labelled block that an error leaves early: rustc cannot see that the
    # handlers cover that path, so a local first bound in a try statement gets a default.
    return False


# Builtin type names an `isinstance` test may name for a union's members (lowering matches on
# them, portalis/lower/unions.py; the evidence pass reads the same tests, portalis/analysis/kinds.py).
ISINSTANCE_NAMES = frozenset("int float str bool list dict set tuple bytes bytearray".split())


def isinstance_test(test: cst.BaseExpression, classes: Collection[str] = ()) -> tuple[str, set[str], bool, bool] | None:
    """`isinstance(x, int)` / `isinstance(x, (int, float))` / `not isinstance(...)`, and the exact
    tests `type(x) is T` / `type(x) == T` (`is not` / `!=` negated): (name, type names, negated,
    exact); None for any other test. The names are builtin types, or names in `classes` (the
    classes a union of the caller's holds: `isinstance(x, Circle)`). An exact test excludes
    subclasses (`type(True) is int` is False); the caller decides where that differs."""
    negated = False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        negated, test = True, test.expression
    exact = False
    if (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Call)
            and isinstance(test.left.func, cst.Name) and test.left.func.value == "type" and len(test.left.args) == 1):
        op = test.comparisons[0].operator
        if not isinstance(op, (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual)) or test.left.args[0].keyword is not None or test.left.args[0].star:
            return None
        subject, types = test.left.args[0].value, test.comparisons[0].comparator
        exact, negated = True, negated != isinstance(op, (cst.IsNot, cst.NotEqual))
        if isinstance(types, cst.Tuple):
            return None  # `type(x) == (int, str)` compares with a tuple: never true
    elif isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "isinstance":
        if len(test.args) != 2 or any(a.keyword is not None or a.star for a in test.args):
            return None
        subject, types = test.args[0].value, test.args[1].value
    else:
        return None
    if not isinstance(subject, cst.Name):
        return None
    elements = [e.value for e in types.elements] if isinstance(types, cst.Tuple) else [types]
    names = {e.value for e in elements if isinstance(e, cst.Name) and (e.value in ISINSTANCE_NAMES or e.value in classes)}
    if len(names) != len(elements):
        return None
    return subject.value, names, negated, exact


def diverges(suite: cst.BaseSuite) -> bool:
    """Whether a suite's last statement leaves it (return, raise, continue, break)."""
    body = getattr(suite, "body", ())
    if not body:
        return False
    last = body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return bool(last.body) and isinstance(last.body[-1], (cst.Return, cst.Raise, cst.Continue, cst.Break))
    return False
