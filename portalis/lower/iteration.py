"""Lowering iteration and function values: for loops, comprehensions, lambdas, nested functions.

A mixin of FunctionLowerer (lower/function.py).

Iteration is one protocol: `iteration(node)` gives a Rust iterator expression and what it
yields (`Elem`: type, and whether items are borrowed). `for` loops and comprehensions bind
their targets from it; comprehensions become loops that push into a new collection (readable,
and free of closure-capture problems); generator expressions are materialised the same way.

Function values (lambdas, function names, builtins, nested functions) are `FuncValue`s that the
builtin and method tables apply to already-lowered arguments (a sort key, a map function).
Lambdas are expanded where they are applied; nested functions become nested Rust `fn` items
whose parameter types come from their first call, with captured variables passed as extra
parameters (Python reads them at call time, which is what passing them does).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import libcst as cst

from portalis.analysis.indexing import bounded_index
from portalis.lower.builtins import BUILTINS, lower_builtin
from portalis.lower.context import (
    Callable,
    Elem,
    Facts,
    FuncValue,
    Iteration,
    Local,
    Mode,
    Unsupported,
    Val,
)
from portalis.cst_scan import iter_nodes, scan_function
from portalis.lower.values import coerce, owned, owned_as, read, str_view
from portalis.model import FunctionSignature, Passing, PyType, TypedParam
from portalis.parse import code_of
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, resolve_annotation
from portalis.types.pytypes import is_copy, unify
from portalis.types.rust_types import TypeMappingError, binding, param_passing, param_type, rust_ident

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

FUNC = PyType(kind="func")


class IterLowering:
    """Iteration, comprehensions and function values (mixed into FunctionLowerer)."""

    # -------------------------------------------------------- for loops
    def consumed_param(self: "FunctionLowerer", name: str) -> bool:
        """Whether `name` is a parameter passed by value to be consumed (`Vec<T>`, not `&[T]`)."""
        local = self.locals.get(name)
        if local is None or not local.param or local.mode is not Mode.PLACE:
            return False
        p = next((p for p in self.sig.params if p.name == name), None)
        return p is not None and p.consumed and p.passing is Passing.VALUE and p.py_type.kind == "list"

    def for_stmt(self: "FunctionLowerer", node: cst.For) -> list[ir.Stmt]:
        if node.asynchronous is not None:
            raise Unsupported("PTL120", "async for is not supported", node)
        target_name = node.target.value if isinstance(node.target, cst.Name) else None
        changes_items = target_name is not None and target_name in self.mutated_locals and not self.scan.rebound(target_name)
        from portalis.lower.generators import refuse_endless_source

        refuse_endless_source(self, node.iter)
        if changes_items:
            # `for line in lines: line.qty += 1` changes the items themselves: iterate mutably.
            it = self.iteration_mut(node.iter)
        else:
            it = self.iteration(node.iter)
        before = self.loop_entry_state(node)
        pattern, binds, prelude = self.loop_target(node.target, it.elem)
        if isinstance(node.target, cst.Name) and pattern == ir.PBind(rust_ident(node.target.value)):
            from portalis.cst_scan import free_names

            if node.target.value not in free_names(node.body) and node.target.value not in self.decls.loop_escaping:
                pattern = ir.PWild()  # the loop variable is never used
        pattern, iterable = _deref_pattern(pattern, it.expr)
        it = Iteration(iterable, it.elem)
        saved = {n: self.locals.get(n) for n, _ in binds}
        for name, local in binds:
            self.locals[name] = local
        flag = self.temp("broke") if node.orelse is not None else None
        from portalis.lower.function import _Loop

        self.loops.append(_Loop(flag))
        bounded = bounded_index(node)
        if bounded is not None:
            self.in_bounds.append(bounded)
        from portalis.cst_scan import free_names

        drawn_in_body = isinstance(node.iter, cst.Name) and node.iter.value in self.next_targets \
            and isinstance(it.expr, ir.MethodCall) and it.expr.method == "by_ref" and node.iter.value in free_names(node.body)
        if drawn_in_body:
            # `for a in it:` whose body also draws from it (`next(it)`, `for b in it`): the loop
            # draws each item itself (a `for` would hold `it` borrowed for the whole loop).
            assert isinstance(it.expr, ir.MethodCall)
            item = self.temp("item")
            draw = ir.Match(ir.MethodCall(it.expr.receiver, "next"), (
                ir.MatchArm(ir.PVariant("Some", (ir.PBind(item),)), ir.Path(item)),
                ir.MatchArm(ir.PVariant("None"), ir.BlockExpr(ir.Block((ir.Break(),)))),
            ))
            prelude = [ir.Let(pattern, None, draw), *prelude]
            if "clippy::while_let_loop" not in self.allowed:
                self.allowed.append("clippy::while_let_loop")  # a `match` in a `loop`: the IR has no `while let`
        try:
            body = self.block(node.body, prelude=prelude)
        finally:
            if bounded is not None:
                self.in_bounds.pop()
            self.loops.pop()
            for name, old in saved.items():
                if old is None:
                    self.locals.pop(name, None)
                else:
                    self.locals[name] = old
            self.set_narrow_state(before)
        if drawn_in_body:
            return self.with_else(ir.Loop(body), flag, node.orelse)
        return self.with_else(ir.For(pattern, it.expr, body), flag, node.orelse)

    def loop_target(self: "FunctionLowerer", target: cst.BaseExpression, elem: Elem, comprehension: bool = False) -> tuple[ir.Pat, list[tuple[str, Local]], list[ir.Stmt]]:
        """(Rust pattern, locals it binds, statements to run first in the body). Comprehension
        targets are local to the comprehension: never reassigned, never read after it."""
        if isinstance(target, cst.Name):
            py = target.value
            name = rust_ident(py)
            reassigned = not comprehension and (self.scan.rebound(py) or py in self.mutated_locals)
            if py in self.decls.loop_escaping and not comprehension:
                # The loop variable is read after the loop: the loop assigns the function's local.
                tmp = self.temp(py.strip("_") or "x")
                local = self.locals.get(py)
                if local is None:
                    local = self.declare(py, elem.ty)
                v = Val(ir.Path(tmp), elem.ty, elem.mode if elem.mode is not Mode.OWNED else Mode.PLACE)
                return ir.PBind(tmp), [], [ir.Assign(local.path(), owned_as(v, local.ty))]
            if elem.mode is Mode.REF and reassigned:
                # Python rebinds the loop variable: iterate by reference, work on an owned copy.
                local = Local(name, elem.ty, Mode.PLACE)
                return ir.PBind(name), [(py, local)], [ir.Let(binding(name, True), None, owned(Val(ir.Path(name), elem.ty, Mode.REF)))]
            mode = Mode.PLACE if elem.mode is not Mode.REF else Mode.REF
            return binding(name, reassigned and elem.mode is not Mode.REF), [(py, Local(name, elem.ty, mode))], []
        if isinstance(target, (cst.Tuple, cst.List)) and elem.ty.kind == "tuple" and len(elem.ty.args) == len(target.elements):
            parts: list[ir.Pat] = []
            binds: list[tuple[str, Local]] = []
            prelude: list[ir.Stmt] = []
            items = elem.items or tuple(Elem(t, elem.mode) for t in elem.ty.args)
            for el, sub in zip(target.elements, items):
                p, b, pre = self.loop_target(el.value, sub, comprehension)
                parts.append(p)
                binds.extend(b)
                prelude.extend(pre)
            return ir.PTuple(tuple(parts)), binds, prelude
        if isinstance(target, (cst.Tuple, cst.List)) and (elem.ty.kind == "list" or self.namedtuple_fields(elem.ty) is not None):
            # `for a, b in pairs` over lists of two: unpack each with Python's length check.
            tmp = self.temp("item")
            v = Val(ir.Path(tmp), elem.ty, Mode.REF if elem.mode is Mode.REF else Mode.PLACE)
            return ir.PBind(tmp), [], self.unpack(target, v, target)
        raise Unsupported("PTL120", f"this loop target is not supported for {elem.ty}", target)

    # -------------------------------------------------------- iterables
    def iteration(self: "FunctionLowerer", node: cst.BaseExpression) -> Iteration:
        """How to iterate `node` (see the module docstring)."""
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and not node.func.value in self.locals and self.env.lookup(node.func.value) is None and self.find_nested(node.func.value) is None:
            name = node.func.value
            if name == "range":
                return self.range_iter(node)
            if name == "enumerate" and 1 <= len(node.args) <= 2 and not any(a.star for a in node.args):
                inner = self.iteration(node.args[0].value)
                start: ir.Expr = ir.IntLit(0)
                if len(node.args) == 2:
                    start = read(coerce(self.expr(node.args[1].value), T.INT))
                i, x = self.temp("i"), self.temp("x")
                index: ir.Expr = ir.Cast(ir.Path(i), ir.I64)
                if not (isinstance(start, ir.IntLit) and start.value == 0):
                    index = ir.Binary("+", index, start)
                mapped = ir.MethodCall(
                    ir.MethodCall(inner.expr, "enumerate"), "map", (ir.Closure((ir.PTuple((ir.PBind(i), ir.PBind(x))),), ir.TupleExpr((index, ir.Path(x)))),)
                )
                ty = T.tuple_of(T.INT, inner.elem.ty)
                return Iteration(mapped, Elem(ty, Mode.OWNED, (Elem(T.INT), inner.elem)))
            if name == "zip" and len(node.args) >= 2 and not any(a.star or a.keyword for a in node.args):
                its = [self.iteration(a.value) for a in node.args]
                expr = its[0].expr
                for other in its[1:]:
                    arg = other.expr
                    if isinstance(arg, ir.MethodCall) and arg.method == "into_iter" and not arg.args:
                        arg = arg.receiver  # zip takes any IntoIterator
                    expr = ir.MethodCall(expr, "zip", (arg,))
                if len(its) > 2:
                    names = [self.temp("z") for _ in its]
                    pat: ir.Pat = ir.PBind(names[0])
                    for n in names[1:]:
                        pat = ir.PTuple((pat, ir.PBind(n)))
                    expr = ir.MethodCall(expr, "map", (ir.Closure((pat,), ir.TupleExpr(tuple(ir.Path(n) for n in names))),))
                ty = T.tuple_of(*(i.elem.ty for i in its))
                return Iteration(expr, Elem(ty, Mode.OWNED, tuple(i.elem for i in its)))
            if name == "reversed" and len(node.args) == 1:
                arg = node.args[0].value
                if isinstance(arg, cst.Call) and isinstance(arg.func, cst.Name) and arg.func.value == "range":
                    inner = self.range_iter(arg)
                    if not isinstance(inner.expr, ir.MethodCall) or inner.expr.method != "step_by":
                        return Iteration(_rev(inner.expr), inner.elem)
                v = self.expr(arg)
                if v.ty.kind in ("list", "str"):
                    inner = self.iterate_val(v)
                    return Iteration(ir.MethodCall(inner.expr, "rev"), inner.elem)
                vals = self.iterate_val(v)
                items = ir.MethodCall(self.owned_items(vals).expr, "collect", turbofish=(ir.TPath("Vec", (self.rust_type(vals.elem.ty),)),))
                return Iteration(ir.MethodCall(ir.MethodCall(items, "into_iter"), "rev"), Elem(vals.elem.ty))
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "split":
            pieces = self.split_pieces(node)
            if pieces is not None:
                return pieces
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("items", "keys", "values")
            and not node.args
        ):
            recv = self.expr(node.func.value)
            if recv.ty.kind == "dict" and T.is_known(recv.ty):
                k, v = recv.ty.args
                method = node.func.attr.value
                if recv.mode is Mode.OWNED:
                    tmp_it = self.iterate_val(Val(ir.MethodCall(recv.expr, method), T.list_of(T.UNKNOWN)))
                    del tmp_it
                else:
                    if method == "items":
                        return Iteration(ir.MethodCall(recv.expr, "items"), Elem(T.tuple_of(k, v), Mode.REF, (_ref_elem(k), _ref_elem(v))))
                    ty = k if method == "keys" else v
                    it = ir.MethodCall(recv.expr, method)
                    if is_copy(ty):
                        return Iteration(ir.MethodCall(it, "copied"), Elem(ty))
                    return Iteration(it, Elem(ty, Mode.REF))
        v = self.expr(node)
        if isinstance(node, cst.Name) and v.ty.kind == "list" and isinstance(v.expr, ir.Path) and self.consumed_param(node.value):
            # a list parameter passed by value to be consumed (analysis/liveness.py:
            # consumed_params): its items moved out, not copied
            return self.iterate_val(Val(v.expr, v.ty, Mode.OWNED))
        if v.ty.kind == "str" and v.mode is not Mode.OWNED:
            # `for c in s` over a str held elsewhere: each character as a borrowed one-character
            # `&str` slice of it (no String per character; copied only where stored)
            self.use_runtime("str_chars")
            return Iteration(ir.Call(ir.Path("crate::pyrt::str_chars"), (str_view(v),)), Elem(T.STR, Mode.REF))
        return self.iterate_val(v)

    def split_pieces(self: "FunctionLowerer", node: cst.Call) -> Iteration | None:
        """`for w in s.split()` / `s.split(",")` over a str held in a variable: the pieces as
        borrowed `&str` slices of s, no Vec of owned copies (copied only where stored)."""
        if len(node.args) > 1 or any(a.keyword or a.star for a in node.args):
            return None
        sep = None
        if node.args:
            arg = node.args[0].value
            if not isinstance(arg, cst.SimpleString) or not isinstance(arg.evaluated_value, str) or not arg.evaluated_value:
                return None
            sep = arg.evaluated_value
        recv = self.expr(node.func.value)
        if recv.ty.kind != "str" or recv.mode is Mode.OWNED:
            return None
        if sep is None:
            self.use_runtime("split_ws")
            return Iteration(ir.Call(ir.Path("crate::pyrt::split_ws"), (str_view(recv),)), Elem(T.STR, Mode.REF))
        return Iteration(ir.MethodCall(recv.expr, "split", (ir.StrLit(sep),)), Elem(T.STR, Mode.REF))

    def iteration_mut(self: "FunctionLowerer", node: cst.BaseExpression) -> Iteration:
        """Iterate a list so that the loop can change its items in place (`iter_mut`)."""
        v = self.place(node)
        if v.ty.kind != "list":
            raise Unsupported("PTL113", f"changing the items of {v.ty} while iterating it is not supported yet", node)
        elem = v.ty.args[0]
        if is_copy(elem):
            raise Unsupported("PTL113", "assigning to a loop variable does not change the list", node)
        return Iteration(ir.MethodCall(self.mutable(v), "iter_mut"), Elem(elem, Mode.PLACE))

    def iterate_val(self: "FunctionLowerer", v: Val) -> Iteration:
        """Iterate an already-lowered value."""
        k = v.ty.kind
        if k == "unknown":
            raise Unsupported("PTL112", "iterating a value of unknown type")
        if k == "str":
            c = self.temp("c")
            chars = ir.MethodCall(ir.MethodCall(v.expr, "chars"), "map", (ir.Closure((ir.PBind(c),), ir.MethodCall(ir.Path(c), "to_string")),))
            return Iteration(chars, Elem(T.STR))
        if k == "bytes":
            from portalis.lower.bytes_ops import bytes_iteration

            return Iteration(bytes_iteration(self, v), Elem(T.INT))
        if k in ("list", "set"):
            elem = v.ty.args[0]
            if v.mode is Mode.OWNED:
                if isinstance(v.expr, ir.Macro) and v.expr.name == "vec" and v.expr.args:
                    # A display only iterated: an array, no Vec.
                    return Iteration(ir.MethodCall(ir.ArrayLit(v.expr.args), "into_iter"), Elem(elem))
                return Iteration(ir.MethodCall(v.expr, "into_iter"), Elem(elem))
            it = ir.MethodCall(v.expr, "iter")
            if is_copy(elem):
                return Iteration(ir.MethodCall(it, "copied"), Elem(elem))
            return Iteration(it, Elem(elem, Mode.REF))
        if k == "dict":
            key = v.ty.args[0]
            if v.mode is Mode.OWNED:
                self.use_runtime("PyDict")
                return Iteration(ir.MethodCall(v.expr, "into_keys"), Elem(key))
            it = ir.MethodCall(v.expr, "keys")
            if is_copy(key):
                return Iteration(ir.MethodCall(it, "copied"), Elem(key))
            return Iteration(it, Elem(key, Mode.REF))
        if k == "iter":
            local = next((loc for loc in self.locals.values() if isinstance(v.expr, ir.Path) and loc.name == v.expr.name), None)
            if local is not None and local.param:
                return Iteration(v.expr, Elem(v.ty.args[0]))  # a parameter iterated once (generators.iterated_once)
            if isinstance(v.expr, ir.Path) and v.mode is not Mode.OWNED:
                from portalis.lower.generators import by_ref

                return by_ref(v)  # a variable holding an iterator: it goes on from there after
            return Iteration(v.expr, Elem(v.ty.args[0]))
        if k == "tuple" and v.ty.args and all(a == v.ty.args[0] for a in v.ty.args):
            tmp = self.temp("t")
            items = tuple(ir.Field(ir.Path(tmp), str(i)) for i in range(len(v.ty.args)))
            arr = ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, owned(v)),), ir.Macro("vec", items, brackets="[]")))
            return Iteration(ir.MethodCall(arr, "into_iter"), Elem(v.ty.args[0]))
        fields = self.namedtuple_fields(v.ty) if k == "class" else None
        if fields and all(f.py_type == fields[0].py_type for f in fields):
            # `for x in p` on a NamedTuple of one field type: its fields, in order
            tmp = self.temp("t")
            items = tuple(ir.Field(ir.Path(tmp), rust_ident(f.name)) for f in fields)
            arr = ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, owned(v)),), ir.Macro("vec", items, brackets="[]")))
            return Iteration(ir.MethodCall(arr, "into_iter"), Elem(fields[0].py_type))
        if k == "class":
            # `for x in obj`: what the class's own __iter__ gives (a generator method: a Vec)
            found = self.class_method(v, "__iter__", [], {}, None)
            if found is not None and found.ty.kind in ("list", "iter"):
                return self.iterate_val(found)
            items = self.held(v, "__iter__")
            if items is not None:  # a list subclass: its items
                return self.iterate_val(items)
        raise Unsupported("PTL113", f"cannot iterate over {v.ty}")

    def owned_items(self: "FunctionLowerer", it: Iteration) -> Iteration:
        """The same iteration yielding owned items (what collecting or storing needs)."""
        elem = it.elem
        if elem.mode is Mode.OWNED and elem.items is None:
            return it
        if elem.items is None:
            if is_copy(elem.ty):
                return Iteration(ir.MethodCall(it.expr, "copied"), Elem(elem.ty))
            if elem.ty.kind == "str":  # borrowed pieces (`&str`: split, characters) or &String
                c = self.temp("c")
                return Iteration(ir.MethodCall(it.expr, "map", (ir.Closure((ir.PBind(c),), ir.MethodCall(ir.Path(c), "to_string")),)), Elem(elem.ty))
            return Iteration(ir.MethodCall(it.expr, "cloned"), Elem(elem.ty))
        if elem.mode is Mode.OWNED and all(i.mode is Mode.OWNED and i.items is None for i in elem.items):
            return Iteration(it.expr, Elem(elem.ty))
        names = [self.temp("p") for _ in elem.items]
        parts = tuple(owned(Val(ir.Path(n), i.ty, i.mode if i.mode is not Mode.OWNED else Mode.OWNED)) for n, i in zip(names, elem.items))
        closure = ir.Closure((ir.PTuple(tuple(ir.PBind(n) for n in names)),), ir.TupleExpr(parts))
        return Iteration(ir.MethodCall(it.expr, "map", (closure,)), Elem(elem.ty))

    def iterate_owned_expr(self: "FunctionLowerer", v: Val, elem: PyType | None = None) -> ir.Expr:
        """An iterator of owned items of a value (for `extend`), converted to `elem`."""
        it = self.owned_items(self.iterate_val(v))
        if elem is not None and it.elem.ty != elem and it.elem.ty.kind != "unknown":
            x = self.temp("x")
            conv = owned_as(Val(ir.Path(x), it.elem.ty), elem)
            return ir.MethodCall(it.expr, "map", (ir.Closure((ir.PBind(x),), conv),))
        if isinstance(it.expr, ir.MethodCall) and it.expr.method == "into_iter" and not it.expr.args:
            return it.expr.receiver  # extend() and friends take anything iterable
        return it.expr

    def iter_elem_type(self: "FunctionLowerer", v: Val) -> PyType:
        k = v.ty.kind
        if k in ("list", "set", "iter"):
            return v.ty.args[0]
        if k == "dict":
            return v.ty.args[0]
        if k == "str":
            return T.STR
        raise Unsupported("PTL113", f"cannot iterate over {v.ty}")

    def range_iter(self: "FunctionLowerer", node: cst.Call) -> Iteration:
        args = [self.expr(a.value) for a in node.args]
        if any(a.keyword or a.star for a in node.args) or not 1 <= len(args) <= 3:
            raise Unsupported("PTL133", "range() with these arguments", node)
        for a in args:
            if a.ty.kind == "unknown":
                self.expect_local(a, T.INT)
        args = [self._reread(a) for a in args]
        if any(a.ty.kind not in ("int", "bool") for a in args):
            raise Unsupported("PTL113", "range() of non-integers", node)
        vals = [read(coerce(a, T.INT)) for a in args]
        if len(vals) == 1:
            return Iteration(ir.RangeExpr(ir.IntLit(0), vals[0]), Elem(T.INT))
        start, stop = vals[0], vals[1]
        if len(vals) == 2:
            return Iteration(ir.RangeExpr(start, stop), Elem(T.INT))
        step = vals[2]
        if isinstance(step, ir.IntLit) and step.value > 0:
            rng = ir.RangeExpr(start, stop)
            if step.value == 1:
                return Iteration(rng, Elem(T.INT))
            return Iteration(ir.MethodCall(rng, "step_by", (ir.IntLit(step.value),)), Elem(T.INT))
        if isinstance(step, ir.IntLit) and step.value < 0:
            # range(a, b, -k) visits a, a-k, ... while > b: the reversed inclusive range b+1..=a.
            low = ir.IntLit(stop.value + 1) if isinstance(stop, ir.IntLit) else ir.Binary("+", stop, ir.IntLit(1))
            rng = _rev(ir.RangeExpr(low, start, inclusive=True))
            if step.value == -1:
                return Iteration(rng, Elem(T.INT))
            return Iteration(ir.MethodCall(rng, "step_by", (ir.IntLit(-step.value),)), Elem(T.INT))
        self.use_runtime("range_step")
        return Iteration(ir.Call(ir.Path("crate::pyrt::range_step"), (start, stop, step)), Elem(T.INT))

    # -------------------------------------------------------- comprehensions
    def comprehension(self: "FunctionLowerer", node: cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp, consume: str | None = None) -> Val:
        """A comprehension as a loop filling a new collection (generators are materialised).
        With `consume` ("any"/"all", a generator passed to any()/all()), the loop stops at the
        first item that decides the result, as Python's does (later items are never computed)."""
        acc = self.temp("acc")
        result: dict[str, PyType] = {}
        label = f"'{acc.strip('_')}" if consume else None

        def body_for(comp: cst.CompFor) -> ir.Stmt:
            if comp.asynchronous is not None:
                raise Unsupported("PTL130", "async comprehensions are not supported", node)
            it = self.iteration(comp.iter)
            pattern, binds, prelude = self.loop_target(comp.target, it.elem, comprehension=True)
            pattern, iterable = _deref_pattern(pattern, it.expr)
            it = Iteration(iterable, it.elem)
            saved = {n: self.locals.get(n) for n, _ in binds}
            for name, local in binds:
                self.locals[name] = local
            try:
                conds: list[tuple[ir.Expr, set[str]]] = []
                narrowed: set[str] = set()
                for cond in comp.ifs:
                    with self.narrowed(narrowed):
                        conds.append((self.condition(cond.test), narrowed))
                    narrowed = narrowed | self.narrowings(cond.test)[0]
                with self.narrowed(narrowed):
                    if comp.inner_for_in is not None:
                        inner: list[ir.Stmt] = [body_for(comp.inner_for_in)]
                    elif consume is not None:
                        from portalis.lower.expr import _negate

                        test = self.condition(node.elt)  # type: ignore[union-attr]
                        decided = test if consume == "any" else _negate(test)
                        stop = ir.Block((ir.Assign(ir.Path(acc), ir.BoolLit(consume == "any")), ir.Break(label)))
                        inner = [ir.ExprStmt(ir.IfExpr(decided, stop))]
                    else:
                        inner = [self.comprehension_push(node, acc, result)]
            finally:
                for name, old in saved.items():
                    if old is None:
                        self.locals.pop(name, None)
                    else:
                        self.locals[name] = old
            block = ir.Block(tuple(inner))
            if conds:
                test = conds[0][0]
                for c, _ in conds[1:]:
                    test = ir.Binary("&&", test, c)
                block = ir.Block((ir.ExprStmt(ir.IfExpr(test, block)),))
            return ir.For(pattern, it.expr, ir.Block(tuple(prelude) + block.stmts))

        loop = body_for(node.for_in)
        if consume is not None:
            assert isinstance(loop, ir.For)
            loop = ir.For(loop.pattern, loop.iterable, loop.body, label)
            start = ir.Let(ir.PBind(acc, True), None, ir.BoolLit(consume == "all"))
            return Val(ir.BlockExpr(ir.Block((start, loop), ir.Path(acc))), T.BOOL)
        ty = result["ty"]
        init = ir.Call(ir.Path("Default::default"))
        if ty.kind == "dict":
            self.use_runtime("PyDict")
        stmts = (ir.Let(ir.PBind(acc, True), self.rust_type(ty, holes=True), init), loop)
        return Val(ir.BlockExpr(ir.Block(stmts, ir.Path(acc))), ty)

    def comprehension_push(self: "FunctionLowerer", node: cst.CSTNode, acc: str, result: dict[str, PyType]) -> ir.Stmt:
        if isinstance(node, cst.DictComp):
            k, v = self.expr(node.key), self.expr(node.value)
            result["ty"] = T.dict_of(k.ty, v.ty)
            return ir.ExprStmt(ir.MethodCall(ir.Path(acc), "insert", (owned(k), owned(v))))
        assert isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp))
        v = self.expr(node.elt)
        if v.ty.kind == "func":
            raise Unsupported("PTL131", "a comprehension of functions is not supported", node)
        if isinstance(node, cst.SetComp):
            result["ty"] = T.set_of(v.ty)
            return ir.ExprStmt(ir.MethodCall(ir.Path(acc), "insert", (owned(v),)))
        result["ty"] = T.list_of(v.ty)
        return ir.ExprStmt(ir.MethodCall(ir.Path(acc), "push", (owned(v),)))

    # -------------------------------------------------------- function values
    def func_value_of(self: "FunctionLowerer", target: object) -> Val:
        if isinstance(target, NestedFunction):
            fv: FuncValue = NestedFunc(target)
        elif isinstance(target, Callable):
            fv = NamedFunc(target)
        elif isinstance(target, str):
            fv = BuiltinFunc(target)
        else:
            raise Unsupported("PTL130", "this function value is not supported")
        return Val(ir.Path("__func"), FUNC, Mode.OWNED, func=fv)

    def builtin_func(self: "FunctionLowerer", name: str) -> FuncValue | None:
        return BuiltinFunc(name) if name in BUILTINS else None

    def lambda_value(self: "FunctionLowerer", node: cst.Lambda) -> Val:
        return Val(ir.Path("__lambda"), FUNC, Mode.OWNED, func=LambdaFunc(node))

    def bind_lambda(self: "FunctionLowerer", pyname: str, node: cst.Lambda) -> list[ir.Stmt]:
        """`f = lambda x: ...`: calls of f expand the lambda where they stand."""
        if pyname in self.locals and self.locals[pyname].func is None:
            raise Unsupported("PTL131", f"`{pyname}` is rebound to a lambda", node)
        local = Local(rust_ident(pyname), FUNC, Mode.OWNED, func=LambdaFunc(node))
        local.block = self.decl_block(pyname)
        self.locals[pyname] = local
        return []

    def nested_def(self: "FunctionLowerer", node: cst.FunctionDef) -> list[ir.Stmt]:
        if node.decorators:
            raise Unsupported("PTL123", "decorated nested functions are not supported yet", node)
        if node.params.star_arg is not None and isinstance(node.params.star_arg, cst.Param) or node.params.star_kwarg is not None:
            raise Unsupported("PTL150", "variadic nested functions are not supported yet", node)
        self.nested[node.name.value] = NestedFunction(self, node)
        return []

    def find_nested(self: "FunctionLowerer", name: str) -> "NestedFunction | None":
        lw: FunctionLowerer | None = self
        while lw is not None:
            if name in lw.nested:
                return lw.nested[name]
            if name in lw.locals and lw is not self:
                return None
            lw = lw.outer
        return None


def _deref_pattern(pattern: ir.Pat, iterable: ir.Expr) -> tuple[ir.Pat, ir.Expr]:
    """`for x in xs.iter().copied()` reads better (and lints clean) as `for &x in xs.iter()`."""
    if (
        isinstance(iterable, ir.MethodCall)
        and iterable.method == "copied"
        and isinstance(iterable.receiver, ir.MethodCall)
        and iterable.receiver.method in ("iter", "keys", "values")
        and isinstance(pattern, ir.PBind)
    ):
        return ir.PRef(pattern), iterable.receiver
    return pattern, iterable


def _rev(e: ir.Expr) -> ir.Expr:
    if isinstance(e, ir.RangeExpr) and e.start is not None:
        return ir.MethodCall(e, "rev")
    return ir.MethodCall(e, "rev")


def _ref_elem(t: PyType) -> Elem:
    return Elem(t, Mode.REF)


# ---------------------------------------------------------------- function values


class LambdaFunc(FuncValue):
    """A lambda, expanded where it is applied (its body reads the captured names then)."""

    def __init__(self, node: cst.Lambda) -> None:
        self.node = node

    def describe(self) -> str:
        return "lambda"

    def apply(self, lw: "FunctionLowerer", args: list[Val]) -> Val:  # type: ignore[override]
        params = self.node.params
        if params.star_arg is not None and isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None or params.kwonly_params:
            raise Unsupported("PTL131", "lambdas with *args or keyword-only parameters are not supported", self.node)
        names = [p.name.value for p in (*params.posonly_params, *params.params)]
        defaults = [p.default for p in (*params.posonly_params, *params.params)]
        if len(args) > len(names):
            raise Unsupported("PTL113", "too many arguments to a lambda", self.node)
        lets: list[ir.Stmt] = []
        saved = {n: lw.locals.get(n) for n in names}
        try:
            for i, name in enumerate(names):
                if i < len(args):
                    v = args[i]
                elif defaults[i] is not None:
                    v = lw.expr(defaults[i])
                else:
                    raise Unsupported("PTL113", "missing argument to a lambda", self.node)
                lw.locals[name] = bind_param(lw, name, v, lets)
            body = lw.expr(self.node.body)
        finally:
            for n, old in saved.items():
                if old is None:
                    lw.locals.pop(n, None)
                else:
                    lw.locals[n] = old
        if not lets:
            return body
        return Val(ir.BlockExpr(ir.Block(tuple(lets), owned(body))), body.ty)


def bind_param(lw: "FunctionLowerer", name: str, v: Val, lets: list[ir.Stmt]) -> Local:
    """A local for a parameter of an expanded function: the argument's own variable when it is
    one, else a `let` in the expansion's block."""
    if v.func is not None:
        return Local(rust_ident(name), FUNC, Mode.OWNED, func=v.func)
    if isinstance(v.expr, ir.Path) and v.func is None:
        return Local(v.expr.name, v.ty, v.mode, deref=isinstance(v.expr, ir.DerefPath))
    tmp = lw.temp(name.strip("_") or "a")
    if v.mode is Mode.PLACE and not is_copy(v.ty):
        lets.append(ir.Let(ir.PBind(tmp), None, ir.Ref(v.expr)))
        return Local(tmp, v.ty, Mode.REF)
    lets.append(ir.Let(ir.PBind(tmp), None, v.expr if v.mode is not Mode.PLACE else read(v)))
    return Local(tmp, v.ty, v.mode if v.mode is not Mode.PLACE else Mode.OWNED)


class NamedFunc(FuncValue):
    """A module-level (or imported) function used as a value."""

    def __init__(self, target: Callable) -> None:
        self.target = target

    def describe(self) -> str:
        return self.target.sig.name

    def apply(self, lw: "FunctionLowerer", args: list[Val]) -> Val:  # type: ignore[override]
        return lw.call_function(self.target, self.target.sig.name, args, {}, None)


class BuiltinFunc(FuncValue):
    """A builtin used as a value (`key=len`, `map(int, xs)`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def describe(self) -> str:
        return self.name

    def apply(self, lw: "FunctionLowerer", args: list[Val]) -> Val:  # type: ignore[override]
        return lower_builtin(lw, self.name, args, {})


class MethodFunc(FuncValue):
    """An unbound method used as a value (`map(str.upper, words)`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def apply(self, lw: "FunctionLowerer", args: list[Val]) -> Val:  # type: ignore[override]
        return lw.method_call(args[0], self.name, args[1:], {}, None)


class BoundMethod(FuncValue):
    """A method of a value used as a function (`key=d.get`, `map(s.count, subs)`)."""

    def __init__(self, recv: Val, name: str) -> None:
        self.recv = recv
        self.name = name

    def apply(self, lw: "FunctionLowerer", args: list[Val]) -> Val:  # type: ignore[override]
        return lw.method_call(self.recv, self.name, args, {}, None)


class NestedFunc(FuncValue):
    def __init__(self, nested: "NestedFunction") -> None:
        self.nested = nested

    def describe(self) -> str:
        return self.nested.node.name.value

    def apply(self, lw: "FunctionLowerer", args: list[Val]) -> Val:  # type: ignore[override]
        return self.nested.call(lw, args, {}, None)


class NestedFunction:
    """A `def` inside a function: a nested Rust `fn` typed by its first call."""

    def __init__(self, owner: "FunctionLowerer", node: cst.FunctionDef) -> None:
        self.owner = owner
        self.node = node
        self.sig: FunctionSignature | None = None
        self.captures: list[tuple[str, Local]] = []
        self.facts: Facts | None = None
        self.building = False
        self.item: ir.Fn | None = None
        self.by_ref: set[str] = set()  # captures passed as `&mut` (changed or rebound inside)

    def call(self, lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val], node: cst.CSTNode | None) -> Val:
        name = self.node.name.value
        if self.sig is None:
            self.instantiate(lw, args, kwargs)
        assert self.sig is not None
        if self.building and self.sig.returns.kind == "unknown":
            ret = self.facts.returns if self.facts is not None and self.facts.returns is not None else T.UNKNOWN
            if ret.kind in ("unknown", "none"):
                raise Unsupported("PTL112", f"the return type of recursive `{name}` is not known yet", node)
        else:
            ret = self.sig.returns
        own_params = self.sig.params[: len(self.sig.params) - len(self.captures)]
        bound = lw.bind_arguments([p.name for p in own_params], args, kwargs, name, self.defaults(lw, own_params, args, kwargs))
        out: list[ir.Expr] = []
        for p in own_params:
            out.append(self.pass_arg(lw, coerce(bound[p.name], p.py_type), p.py_type))
        for (cap, local), p in zip(self.captures, self.sig.params[len(own_params):]):
            current = lw.locals.get(cap)
            if cap in self.by_ref:
                if current is not None and (current.mutable_ref or current.deref):
                    out.append(ir.Path(current.name))  # a `&mut` already: passed on
                elif current is not None and current.mode is not Mode.REF:
                    out.append(ir.Ref(current.path(), mutable=True))
                else:
                    raise Unsupported("PTL124", f"`{name}` changes `{cap}`, which this function only borrows", node)
                continue
            if current is None:
                # Calling from inside the nested function itself: its parameter carries it on.
                current = Local(rust_ident(cap), p.py_type, Mode.REF if isinstance(param_type(p.py_type), ir.TRef) else Mode.PLACE)
            out.append(self.pass_arg(lw, lw.local_val(current), p.py_type))
        call: ir.Expr = ir.Call(ir.Path(rust_ident(name)), tuple(out))
        if self.sig.raises:
            call = lw.propagate(call)
        return Val(call, ret)

    @staticmethod
    def defaults(lw: "FunctionLowerer", params: list[TypedParam], args: list[Val], kwargs: dict[str, Val]) -> dict[str, Val]:
        out: dict[str, Val] = {}
        for i, p in enumerate(params):
            if p.default is not None and i >= len(args) and p.name not in kwargs:
                out[p.name] = lw.expr(cst.parse_expression(p.default))
        return out

    @staticmethod
    def pass_arg(lw: "FunctionLowerer", v: Val, ty: PyType) -> ir.Expr:
        if isinstance(param_type(ty), ir.TRef):
            from portalis.lower.values import borrow

            return borrow(v)
        return owned(v)

    def instantiate(self, lw: "FunctionLowerer", args: list[Val], kwargs: dict[str, Val]) -> None:
        from portalis.lower.function import lower_function

        node = self.node
        owner = self.owner
        ps = node.params
        plist = [*ps.posonly_params, *ps.params, *ps.kwonly_params]
        params: list[TypedParam] = []
        for i, p in enumerate(plist):
            name = p.name.value
            ty: PyType | None = None
            if p.annotation is not None:
                try:
                    ty = resolve_annotation(code_of(p.annotation.annotation), owner.scope)
                except AnnotationError as exc:
                    raise Unsupported("PTL111", f"parameter `{name}` of `{node.name.value}`: {exc}", node) from exc
            elif i < len(args):
                ty = args[i].ty
            elif name in kwargs:
                ty = kwargs[name].ty
            elif p.default is not None:
                ty = lw.expr(p.default).ty
            if ty is None or not T.is_known(ty) or ty.kind == "func":
                raise Unsupported("PTL110", f"the type of parameter `{name}` of `{node.name.value}` is not known", node)
            params.append(_typed_param(name, ty, code_of(p.default) if p.default is not None else None))
        # Names the body reads from the enclosing function: passed as extra parameters.
        own = {p.name for p in params}
        inner_scan = scan_function(node)
        bound_inside = set(inner_scan.assign_count)
        from portalis.cst_scan import free_names

        read_inside: set[str] = set()
        for stmt in node.body.body:
            read_inside |= free_names(stmt)
        from portalis.lower.function import _nonlocal_names

        nonlocals = _nonlocal_names(node)
        self.by_ref = set()
        for name in sorted((read_inside - own - bound_inside) | (nonlocals - own)):
            local = owner.locals.get(name)
            if local is None or local.func is not None:
                if name in nonlocals:
                    raise Unsupported("PTL124", f"`nonlocal {name}`: not a variable of the enclosing function", node)
                continue
            self.captures.append((name, local))
            if name in nonlocals or name in inner_scan.mutated:
                # Rebound (`nonlocal`) or changed in place: the enclosing function's variable
                # is passed as `&mut`, so the change is seen there, as in Python.
                self.by_ref.add(name)
                params.append(_typed_param(name, local.ty, None, mutated=name not in nonlocals, resized=name in inner_scan.resized))
                continue
            params.append(_typed_param(name, local.ty, None))
        returns = T.UNKNOWN
        if node.returns is not None:
            try:
                returns = resolve_annotation(code_of(node.returns.annotation), owner.scope)
            except AnnotationError as exc:
                raise Unsupported("PTL111", f"return type of `{node.name.value}`: {exc}", node) from exc
        elif not inner_scan.returns_value:
            returns = T.NONE
        from portalis.lower.exceptions import escaping_raises

        raises = escaping_raises(node, owner.exceptions)
        self.sig = FunctionSignature(name=node.name.value, qualname=node.name.value, params=params, returns=returns, rust_returns="", line=0, raises=raises)
        self.facts = Facts()
        # The analysis' return for these argument types (FunctionFacts.nested) is where the
        # lowering starts, instead of lowering again once it has learnt it.
        known = owner.sig.facts.nested.get(node.name.value) if returns.kind == "unknown" else None
        if known is not None and tuple(p.py_type for p in params[: len(known.params)]) == known.params:
            self.facts.returns = known.returns
        self.building = True
        try:
            fn, inner = lower_function(owner.env, self.sig, node, owner.scope, owner.tree, self.facts, outer=owner)
        finally:
            self.building = False
        if self.sig.returns.kind == "unknown":
            final = self.facts.returns or T.NONE
            self.sig = self.sig.model_copy(update={"returns": final})
        owner.runtime |= inner.runtime
        owner.crates |= inner.crates
        owner.calls |= inner.calls
        owner.notes += [n for n in inner.notes if n not in owner.notes]
        self.item = ir.Fn(name=fn.name, params=fn.params, ret=fn.ret, body=fn.body, public=False)
        owner.nested_items.append(self.item)


def _typed_param(name: str, ty: PyType, default: str | None, mutated: bool = False, resized: bool = True) -> TypedParam:
    try:
        from portalis.rust.printer import print_type

        rust = print_type(param_type(ty, mutated, resized))
    except TypeMappingError as exc:
        raise Unsupported("PTL111", f"parameter `{name}`: {exc}") from exc
    return TypedParam(name=name, py_type=ty, rust_type=rust, passing=param_passing(ty, mutated, resized), default=default, mutated=mutated)


__all__ = ["IterLowering", "LambdaFunc", "NamedFunc", "BuiltinFunc", "MethodFunc", "NestedFunction", "iter_nodes"]
