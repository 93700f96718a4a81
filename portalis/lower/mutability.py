"""Which `let`s need `mut` (and which bind a value nobody reads): decided on the finished
Rust IR of a function.

Python rebinds names freely; the lowering gives a rebinding with a new type its own `let`
(shadowing), so whether a binding is ever changed is only known once the whole body is lowered.
This pass walks each block in order, tracks which `let` each name currently refers to, and marks
a binding mutable when code after it assigns it, borrows it `&mut`, or calls a method that
changes it in place. Lets without an initialiser (declared ahead, assigned later) keep what the
lowering decided: their first assignment is an initialisation, not a change.
"""

from __future__ import annotations

import dataclasses

from portalis.rust import ir
from portalis.types.rust_types import unused_ident

# Methods of the Rust types we emit that take `&mut self`.
MUTATING = frozenset(
    "push push_str insert remove pop sort sort_by sort_unstable reverse clear extend extend_from_slice "
    "truncate splice get_mut setdefault retain dedup swap drain append as_mut iter_mut entry "
    "insert_str remove_entry next nth by_ref get_or_insert_default set_item slot slot_str get_mut_str".split()
)


class _Binding:
    __slots__ = ("mutated", "read", "deferred", "count", "is_ref")

    def __init__(self, deferred: bool = False) -> None:
        self.mutated = False
        self.read = False
        self.is_ref = False  # a `&mut T` (from iter_mut): changes go through it, no `mut` needed
        self.deferred = deferred  # `let x;`: the first assignment on a path initialises it
        self.count = 0  # assignments so far on the current path (deferred bindings)


def fix_mutability(fn: ir.Fn) -> ir.Fn:
    """The function with `mut` on exactly the initialised lets that are changed later, and an
    underscore on parameters its code never reads (`_n`)."""
    fn = dataclasses.replace(fn, body=_drop_dead_initialisers(fn.body))
    decisions: dict[int, _Binding] = {}
    scope: dict[str, _Binding] = {}
    for p in fn.params:
        scope[p.name] = _Binding()
    params = dict(scope)
    _block(fn.body, scope, decisions)
    taken = _names_in(fn)
    new_params = tuple(
        dataclasses.replace(p, name=_unused(p.name, taken)) if not params[p.name].read and not params[p.name].mutated else p
        for p in fn.params
    )
    return dataclasses.replace(fn, params=new_params, body=_rewrite_block(fn.body, decisions, taken))


def _unused(name: str, taken: set[str]) -> str:
    """The name of a binding nothing reads (`_x`), or `_` when `_x` already names something
    else in the function: shadowing it could change what a later read sees."""
    if name.startswith("_"):
        return name if name.strip("_") else "_"
    shown = unused_ident(name)
    return "_" if shown in taken else shown


def _names_in(fn: ir.Fn) -> set[str]:
    """Every identifier the function's IR binds or reads (paths' first segments, patterns)."""
    out: set[str] = {p.name for p in fn.params}
    todo: list[object] = [fn.body]
    while todo:
        node = todo.pop()
        if isinstance(node, ir.Path):
            out.add(node.name.split("::")[0])
        elif isinstance(node, (ir.Let, ir.For, ir.LetPattern, ir.MatchArm)):
            out.update(ir.pattern_names(node.pattern))
        elif isinstance(node, ir.Closure):
            out.update(n for p in node.params for n in ir.pattern_names(p))
        if isinstance(node, (tuple, list)):
            todo.extend(node)
        elif dataclasses.is_dataclass(node) and not isinstance(node, ir.Type):
            todo.extend(getattr(node, f.name) for f in dataclasses.fields(node))
    return out


_PURE_CALLS = frozenset({"Vec::new", "String::new", "Default::default", "crate::pyrt::PyDict::new", "std::collections::HashSet::new"})


def _pure(e: ir.Expr | None) -> bool:
    """An initial value with no effect (a literal, an empty container): dropping it is safe."""
    if isinstance(e, (ir.IntLit, ir.FloatLit, ir.BoolLit, ir.StrLit, ir.CharLit)):
        return True
    if isinstance(e, ir.Call) and isinstance(e.func, ir.Path) and not e.args:
        return e.func.name in _PURE_CALLS
    if isinstance(e, ir.MethodCall) and e.method == "to_string" and isinstance(e.receiver, ir.StrLit):
        return True
    if isinstance(e, ir.Path):
        return e.name == "None"
    return False


def _drop_dead_initialisers(b: ir.Block) -> ir.Block:
    """`let x = <empty>;` whose value the block overwrites (`x = ...;`) before anything reads it
    (Python code often starts a variable off empty, then assigns it): the `let` moves to that
    assignment (rustc would report the first value as never read)."""
    stmts: list[ir.Stmt | None] = list(b.stmts)
    for i, s in enumerate(stmts):
        if not (isinstance(s, ir.Let) and _pure(s.value)):
            continue
        if not isinstance(s.pattern, ir.PBind):
            continue
        name = s.pattern.name
        for j in range(i + 1, len(stmts)):
            later = stmts[j]
            if later is None:
                continue
            if isinstance(later, ir.For) and name in ir.pattern_names(later.pattern) and not _mentions(later.iterable, name):
                continue  # its own variable of that name: the outer one is not touched
            if not _mentions(later, name):
                continue
            if isinstance(later, ir.Assign) and later.op == "=" and later.target == ir.Path(name) and not _mentions(later.value, name):
                # Declared where it gets its first real value (nothing in between uses it).
                stmts[j] = ir.Let(s.pattern, s.type, later.value)
                stmts[i] = None
            break
    out = [_nested_blocks(s) for s in stmts if s is not None]
    return ir.Block(tuple(out), b.tail) if out != list(b.stmts) else b


def _nested_blocks(s: ir.Stmt) -> ir.Stmt:
    if isinstance(s, ir.For):
        return ir.For(s.pattern, s.iterable, _drop_dead_initialisers(s.body), s.label)
    if isinstance(s, ir.While):
        return ir.While(s.cond, _drop_dead_initialisers(s.body), s.label)
    if isinstance(s, ir.Loop):
        return ir.Loop(_drop_dead_initialisers(s.body), s.label)
    return s


def _mentions(node: object, name: str) -> bool:
    """Whether an IR node uses the variable `name` anywhere (read or written)."""
    if isinstance(node, ir.Path):
        return node.name == name
    if isinstance(node, (ir.Let, ir.For)):
        # A name the pattern binds shadows, but the value/iterable is evaluated first.
        if isinstance(node, ir.Let):
            return node.value is not None and _mentions(node.value, name)
        return _mentions(node.iterable, name) or _mentions(node.body, name)
    if isinstance(node, (tuple, list)):
        return any(_mentions(x, name) for x in node)
    if dataclasses.is_dataclass(node):
        return any(_mentions(getattr(node, f.name), name) for f in dataclasses.fields(node))
    return False


def _root(e: ir.Expr) -> str | None:
    while True:
        if isinstance(e, ir.Path):
            return e.name
        if isinstance(e, (ir.Field, ir.Index)):
            e = e.receiver
        elif isinstance(e, ir.MethodCall) and e.method in ("as_mut", "unwrap", "expect", "get_mut", "iter_mut", "get_or_insert_default", "setdefault"):
            e = e.receiver
        elif isinstance(e, ir.Unary) and e.op == "*":
            e = e.operand
        else:
            return None


def _block(b: ir.Block, scope: dict[str, _Binding], decisions: dict[int, _Binding]) -> None:
    scope = dict(scope)
    for s in b.stmts:
        _stmt(s, scope, decisions)
    if b.tail is not None:
        _expr(b.tail, scope, decisions)


def _mutate(name: str | None, scope: dict[str, _Binding], direct: bool = False) -> None:
    if name is not None and name in scope:
        binding = scope[name]
        if not binding.is_ref or direct:
            binding.mutated = True


def _stmt(s: ir.Stmt, scope: dict[str, _Binding], decisions: dict[int, _Binding]) -> None:
    if isinstance(s, ir.Let):
        if s.value is not None:
            _expr(s.value, scope, decisions)
        if isinstance(s.pattern, ir.PBind):
            binding = _Binding(deferred=s.value is None)
            decisions[id(s)] = binding
            scope[s.pattern.name] = binding
        return
    if isinstance(s, ir.Assign):
        _expr(s.value, scope, decisions)
        root = _root(s.target)
        binding = scope.get(root) if root is not None else None
        if binding is not None and binding.deferred and isinstance(s.target, ir.Path) and s.op == "=":
            binding.count += 1
            if binding.count > 1:
                binding.mutated = True  # assigned twice on one path
        else:
            _mutate(root, scope, direct=isinstance(s.target, ir.Path))
        if not isinstance(s.target, ir.Path):
            _expr(s.target, scope, decisions)
        return
    if isinstance(s, ir.ExprStmt):
        _expr(s.expr, scope, decisions)
    elif isinstance(s, ir.Return) and s.value is not None:
        _expr(s.value, scope, decisions)
    elif isinstance(s, ir.Break) and s.value is not None:
        _expr(s.value, scope, decisions)
    elif isinstance(s, (ir.While,)):
        _loop(lambda: (_expr(s.cond, scope, decisions), _block(s.body, scope, decisions)), scope)
    elif isinstance(s, ir.Loop):
        _loop(lambda: _block(s.body, scope, decisions), scope)
    elif isinstance(s, ir.For):
        _expr(s.iterable, scope, decisions)
        inner = dict(scope)
        for name in ir.pattern_names(s.pattern):
            inner.pop(name, None)
        if isinstance(s.pattern, ir.PBind):
            binding = _Binding()
            binding.is_ref = isinstance(s.iterable, ir.MethodCall) and s.iterable.method == "iter_mut"
            decisions[id(s)] = binding
            inner[s.pattern.name] = binding
        else:
            # `(k, v)`, `(i, &x)`: each name in the pattern, so an unused one can become `_k`.
            names = {n: _Binding() for n in ir.pattern_names(s.pattern)}
            for n, b in names.items():
                b.read = n.startswith("_")
                inner[n] = b
            decisions[id(s)] = names  # type: ignore[assignment]
        _loop(lambda: _block(s.body, inner, decisions), scope)


def _deferred(scope: dict[str, _Binding]) -> dict[_Binding, int]:
    return {b: b.count for b in scope.values() if b.deferred}


def _loop(body, scope: dict[str, _Binding]) -> None:
    """A loop body may run many times: a deferred local it assigns is assigned again."""
    before = _deferred(scope)
    body()
    for b, count in before.items():
        if b.count > count:
            b.mutated = True


def _branches(parts, scope: dict[str, _Binding]) -> None:
    """Exclusive branches: a deferred local assigned once in each is assigned once."""
    before = _deferred(scope)
    after: dict[_Binding, int] = dict(before)
    for part in parts:
        for b, count in before.items():
            b.count = count
        part()
        for b in before:
            after[b] = max(after[b], b.count)
    for b, count in after.items():
        b.count = count


def _expr(e: ir.Expr, scope: dict[str, _Binding], decisions: dict[int, _Binding]) -> None:
    if isinstance(e, ir.Path):
        name = e.name  # a DerefPath (`*n`) names the `&mut` parameter
        if name in scope:
            scope[name].read = True
    elif isinstance(e, ir.Ref):
        if e.mutable:
            _mutate(_root(e.operand), scope)
        _expr(e.operand, scope, decisions)
    elif isinstance(e, ir.MethodCall):
        if e.method in MUTATING or e.mutates:
            _mutate(_root(e.receiver), scope)
        _expr(e.receiver, scope, decisions)
        for a in e.args:
            _expr(a, scope, decisions)
    elif isinstance(e, ir.Call):
        _expr(e.func, scope, decisions)
        for a in e.args:
            _expr(a, scope, decisions)
    elif isinstance(e, (ir.Field, ir.Cast, ir.Unary, ir.Try)):
        inner = e.receiver if isinstance(e, ir.Field) else e.operand
        _expr(inner, scope, decisions)
    elif isinstance(e, ir.Index):
        _expr(e.receiver, scope, decisions)
        _expr(e.index, scope, decisions)
    elif isinstance(e, ir.Binary):
        _expr(e.left, scope, decisions)
        _expr(e.right, scope, decisions)
    elif isinstance(e, (ir.Macro, ir.TupleExpr, ir.ArrayLit)):
        for a in (e.args if isinstance(e, ir.Macro) else e.items):
            _expr(a, scope, decisions)
    elif isinstance(e, ir.StructLit):
        for _, v in e.fields:
            _expr(v, scope, decisions)
    elif isinstance(e, ir.Closure):
        _loop(lambda: _expr(e.body, scope, decisions), scope)
    elif isinstance(e, ir.RangeExpr):
        for part in (e.start, e.end):
            if part is not None:
                _expr(part, scope, decisions)
    elif isinstance(e, ir.IfExpr):
        _expr(e.cond, scope, decisions)
        orelse = e.orelse
        parts = [lambda: _block(e.then, scope, decisions)]
        if isinstance(orelse, ir.IfExpr):
            parts.append(lambda: _expr(orelse, scope, decisions))
        elif isinstance(orelse, ir.Block):
            parts.append(lambda: _block(orelse, scope, decisions))
        else:
            parts.append(lambda: None)
        _branches(parts, scope)
    elif isinstance(e, ir.BlockExpr):
        _block(e.block, scope, decisions)
    elif isinstance(e, ir.Match):
        _expr(e.scrutinee, scope, decisions)
        _branches([(lambda arm=arm: _expr(arm.body, scope, decisions)) for arm in e.arms], scope)
    elif isinstance(e, (ir.LetPattern, ir.Matches)):
        _expr(e.value, scope, decisions)


def _rewrite_block(b: ir.Block, decisions: dict[int, _Binding], taken: set[str]) -> ir.Block:
    stmts = tuple(_rewrite_stmt(s, decisions, taken) for s in b.stmts)
    tail = _rewrite_expr(b.tail, decisions, taken) if b.tail is not None else None
    return ir.Block(stmts, tail)


def _rewrite_stmt(s: ir.Stmt, d: dict[int, _Binding], taken: set[str]) -> ir.Stmt:
    if isinstance(s, ir.Let):
        value = _rewrite_expr(s.value, d, taken) if s.value is not None else None
        pattern = s.pattern
        binding = d.get(id(s))
        if binding is not None and isinstance(pattern, ir.PBind):
            name = pattern.name
            if not binding.read and not binding.mutated and s.value is not None:
                name = _unused(name, taken)  # Python bound a value it never uses
            pattern = ir.bind(name, binding.mutated)
        return ir.Let(pattern, s.type, value)
    if isinstance(s, ir.Assign):
        return ir.Assign(_rewrite_expr(s.target, d, taken), _rewrite_expr(s.value, d, taken), s.op)
    if isinstance(s, ir.ExprStmt):
        return ir.ExprStmt(_rewrite_expr(s.expr, d, taken))
    if isinstance(s, ir.Return):
        return ir.Return(_rewrite_expr(s.value, d, taken) if s.value is not None else None)
    if isinstance(s, ir.Break):
        return ir.Break(s.label, _rewrite_expr(s.value, d, taken) if s.value is not None else None)
    if isinstance(s, ir.While):
        return ir.While(_rewrite_expr(s.cond, d, taken), _rewrite_block(s.body, d, taken), s.label)
    if isinstance(s, ir.Loop):
        return ir.Loop(_rewrite_block(s.body, d, taken), s.label)
    if isinstance(s, ir.For):
        pattern = s.pattern
        binding = d.get(id(s))
        if isinstance(binding, dict):
            unused = {n: _unused(n, taken) for n, b in binding.items() if not b.read and not b.mutated and not n.startswith("_")}
            pattern = _renamed(pattern, unused)
        elif binding is not None and isinstance(pattern, ir.PBind):
            name = pattern.name
            if not binding.read and not binding.mutated:
                name = _unused(name, taken)  # a loop that only counts: Python's variable is unused
            pattern = ir.bind(name, binding.mutated)
        return ir.For(pattern, _rewrite_expr(s.iterable, d, taken), _rewrite_block(s.body, d, taken), s.label)
    if isinstance(s, ir.ItemStmt) and isinstance(s.item, ir.Fn):
        return ir.ItemStmt(fix_mutability(s.item))
    return s


def _renamed(p: ir.Pat, names: dict[str, str]) -> ir.Pat:
    """The pattern with the bindings in `names` renamed (`_` for a name that is dropped)."""
    if isinstance(p, ir.PBind) and p.name in names:
        return ir.bind(names[p.name], p.mutable)
    if isinstance(p, ir.PTuple):
        return ir.PTuple(tuple(_renamed(i, names) for i in p.items))
    if isinstance(p, ir.PRef):
        return ir.PRef(_renamed(p.inner, names))
    if isinstance(p, ir.PVariant) and p.items is not None:
        return ir.PVariant(p.path, tuple(_renamed(i, names) for i in p.items))
    if isinstance(p, ir.PTyped):
        return ir.PTyped(_renamed(p.inner, names), p.type)
    return p


def _rewrite_expr(e: ir.Expr, d: dict[int, _Binding], taken: set[str]) -> ir.Expr:
    if isinstance(e, ir.BlockExpr):
        return ir.BlockExpr(_rewrite_block(e.block, d, taken), e.label)
    if isinstance(e, ir.IfExpr):
        orelse: ir.Block | ir.IfExpr | None = e.orelse
        if isinstance(orelse, ir.IfExpr):
            orelse = _rewrite_expr(orelse, d, taken)  # type: ignore[assignment]
        elif isinstance(orelse, ir.Block):
            orelse = _rewrite_block(orelse, d, taken)
        return ir.IfExpr(_rewrite_expr(e.cond, d, taken), _rewrite_block(e.then, d, taken), orelse)
    if isinstance(e, ir.Match):
        return ir.Match(_rewrite_expr(e.scrutinee, d, taken), tuple(ir.MatchArm(a.pattern, _rewrite_expr(a.body, d, taken)) for a in e.arms))
    if isinstance(e, ir.MethodCall):
        return ir.MethodCall(_rewrite_expr(e.receiver, d, taken), e.method, tuple(_rewrite_expr(a, d, taken) for a in e.args), e.turbofish, e.mutates)
    if isinstance(e, ir.Call):
        return ir.Call(_rewrite_expr(e.func, d, taken), tuple(_rewrite_expr(a, d, taken) for a in e.args))
    if isinstance(e, ir.Binary):
        return ir.Binary(e.op, _rewrite_expr(e.left, d, taken), _rewrite_expr(e.right, d, taken))
    if isinstance(e, ir.Unary):
        return ir.Unary(e.op, _rewrite_expr(e.operand, d, taken))
    if isinstance(e, ir.Ref):
        return ir.Ref(_rewrite_expr(e.operand, d, taken), e.mutable)
    if isinstance(e, ir.Try):
        return ir.Try(_rewrite_expr(e.operand, d, taken))
    if isinstance(e, ir.Cast):
        return ir.Cast(_rewrite_expr(e.operand, d, taken), e.type)
    if isinstance(e, ir.Field):
        return ir.Field(_rewrite_expr(e.receiver, d, taken), e.name)
    if isinstance(e, ir.Index):
        return ir.Index(_rewrite_expr(e.receiver, d, taken), _rewrite_expr(e.index, d, taken))
    if isinstance(e, ir.Macro):
        return ir.Macro(e.name, tuple(_rewrite_expr(a, d, taken) for a in e.args), e.fmt, e.brackets)
    if isinstance(e, ir.TupleExpr):
        return ir.TupleExpr(tuple(_rewrite_expr(a, d, taken) for a in e.items))
    if isinstance(e, ir.ArrayLit):
        return ir.ArrayLit(tuple(_rewrite_expr(a, d, taken) for a in e.items))
    if isinstance(e, ir.Closure):
        return ir.Closure(e.params, _rewrite_expr(e.body, d, taken), e.move)
    if isinstance(e, ir.LetPattern):
        return ir.LetPattern(e.pattern, _rewrite_expr(e.value, d, taken))
    if isinstance(e, ir.Matches):
        return ir.Matches(_rewrite_expr(e.value, d, taken), e.pattern)
    if isinstance(e, ir.StructLit):
        return ir.StructLit(e.path, tuple((n, _rewrite_expr(v, d, taken)) for n, v in e.fields))
    return e
