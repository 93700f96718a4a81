"""Lowering one typed Python function (libcst) into a Rust IR function.

Types flow forward through the body: each expression is lowered to a `Val` carrying its Python
type and ownership mode, locals get their type at their first assignment (or annotation), and
every conversion goes through `portalis.lower.values`.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from portalis.lower.builtins import lower_builtin
from portalis.lower.context import (
    Callable,
    ClassRef,
    ConstRef,
    Local,
    Mode,
    ModuleEnv,
    Unsupported,
    Val,
    elem_type,
)
from portalis.lower.methods import lower_method
from portalis.lower.values import (
    borrow,
    coerce,
    comparable,
    owned,
    owned_as,
    read,
    str_view,
    to_float,
)
from portalis.model import FunctionSignature, PyType
from portalis.parse import code_of
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation
from portalis.types.pytypes import is_copy, unify
from portalis.types.rust_types import TypeMappingError, owned_type, param_type, rust_ident

_ARITH = {cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*"}
_CMP = {
    cst.Equal: "==", cst.NotEqual: "!=", cst.LessThan: "<", cst.LessThanEqual: "<=",
    cst.GreaterThan: ">", cst.GreaterThanEqual: ">=",
}
_AUG = {
    cst.AddAssign: cst.Add(), cst.SubtractAssign: cst.Subtract(), cst.MultiplyAssign: cst.Multiply(),
    cst.DivideAssign: cst.Divide(), cst.FloorDivideAssign: cst.FloorDivide(), cst.ModuloAssign: cst.Modulo(),
    cst.PowerAssign: cst.Power(),
}


class _Assigned(cst.CSTVisitor):
    """How often each name is bound in a body, and at what loop depth its first binding is."""

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.in_loop: set[str] = set()
        self.loop_depth = 0

    def _bind(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.count[target.value] = self.count.get(target.value, 0) + 1
            if self.loop_depth:
                self.in_loop.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self._bind(el.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind(t.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self.loop_depth += 1

    def leave_For(self, node: cst.For) -> None:
        self.loop_depth -= 1

    def visit_While(self, node: cst.While) -> None:
        self.loop_depth += 1

    def leave_While(self, node: cst.While) -> None:
        self.loop_depth -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


class FunctionLowerer:
    """Lowers one function. Raises Unsupported at the first construct it cannot translate."""

    def __init__(
        self,
        env: ModuleEnv,
        sig: FunctionSignature,
        node: cst.FunctionDef,
        positions: dict,
        scope: TypeScope,
        mutated_locals: set[str],
    ) -> None:
        self.env = env
        self.sig = sig
        self.node = node
        self.positions = positions
        self.scope = scope
        self.locals: dict[str, Local] = {}
        self.declared: set[str] = set()
        self.hoisted: dict[str, Local] = {}
        self.runtime: set[str] = set()
        self.mutated_locals = set(mutated_locals) | self._passed_mutably(node)
        self.depth = 0
        counter = _Assigned()
        node.body.visit(counter)
        self.assign_count = counter.count
        self.assigned_in_loop = counter.in_loop

    def _passed_mutably(self, node: cst.FunctionDef) -> set[str]:
        """Names passed to a parameter that the callee changes in place (`f(xs)` where f takes
        `&mut Vec`): the local must be declared `mut` before the call is lowered."""
        env = self.env
        found: set[str] = set()

        class Visitor(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                func = call.func
                target = None
                if isinstance(func, cst.Name):
                    target = env.lookup(func.value)
                elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
                    module = env.lookup(func.value.value)
                    if isinstance(module, str):
                        target = env.lookup_attr(module, func.attr.value)
                if not isinstance(target, Callable):
                    return
                params = target.sig.params
                positional = [a for a in call.args if not a.keyword and not a.star]
                for p, arg in zip(params, positional):
                    if p.mutated and isinstance(arg.value, cst.Name):
                        found.add(arg.value.value)
                for arg in call.args:
                    if arg.keyword and isinstance(arg.value, cst.Name):
                        p = next((q for q in params if q.name == arg.keyword.value), None)
                        if p is not None and p.mutated:
                            found.add(arg.value.value)

            def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
                return inner is node

        node.visit(Visitor())
        return found

    # -------------------------------------------------------- helpers used by the tables
    def use_runtime(self, name: str) -> None:
        self.runtime.add(name)

    def rust_type(self, t: PyType) -> ir.Type:
        try:
            return owned_type(t)
        except TypeMappingError as exc:
            raise Unsupported("PTL111", str(exc)) from exc

    def receiver(self, v: Val) -> ir.Expr:
        """A value as a method receiver: literals need their type spelled out."""
        if isinstance(v.expr, ir.IntLit) and not v.expr.suffix:
            return ir.IntLit(v.expr.value, "i64")
        if isinstance(v.expr, ir.FloatLit) and not v.expr.suffix:
            return ir.FloatLit(v.expr.value, "_f64")
        return read(v)

    def mutable(self, v: Val) -> ir.Expr:
        """The receiver of an in-place change: it must be a variable we own or a &mut parameter."""
        if v.mode is Mode.REF:
            raise Unsupported("PTL113", "in-place change of a value this function only borrows")
        return v.expr

    def key_ref(self, key: Val, key_t: PyType) -> ir.Expr:
        """A dict key for lookups (`get(&k)`): &str for str keys, &T otherwise."""
        key = coerce(key, key_t)
        if key_t.kind == "str":
            return str_view(key)
        if is_copy(key_t):
            return ir.Ref(read(key))
        return borrow(key)

    def truthy(self, v: Val) -> ir.Expr:
        k = v.ty.kind
        if k == "bool":
            return read(v)
        if k == "int":
            return ir.Binary("!=", read(v), ir.IntLit(0))
        if k == "float":
            return ir.Binary("!=", read(v), ir.FloatLit(0.0))
        if k in ("str", "list", "dict", "set"):
            return ir.Unary("!", ir.MethodCall(v.expr, "is_empty"))
        if k == "optional":
            return ir.MethodCall(v.expr, "is_some")
        raise Unsupported("PTL113", f"truth value of {v.ty}")

    def to_str(self, v: Val) -> ir.Expr:
        """`str(v)` with Python's formatting."""
        k = v.ty.kind
        if k == "str":
            return owned(v)
        if k == "int":
            return ir.MethodCall(self.receiver(v), "to_string")
        if k == "float":
            self.use_runtime("float_repr")
            return ir.Call(ir.Path("crate::pyrt::float_repr"), (read(v),))
        if k == "bool":
            self.use_runtime("bool_str")
            return ir.Call(ir.Path("crate::pyrt::bool_str"), (read(v),))
        raise Unsupported("PTL113", f"str() of {v.ty}")

    def line(self, node: cst.CSTNode) -> int | None:
        pos = self.positions.get(node)
        return pos.start.line if pos else None

    # -------------------------------------------------------- function
    def lower(self) -> ir.Fn:
        params: list[ir.Param] = []
        prologue: list[ir.Stmt] = []
        for p in self.sig.params:
            name = rust_ident(p.name)
            rebound = self.assign_count.get(p.name, 0) > 0
            ptype = param_type(p.py_type, p.mutated)
            if p.mutated:
                if rebound:
                    raise Unsupported("PTL120", f"parameter `{p.name}` is both changed in place and rebound")
                self.locals[p.name] = Local(name, p.py_type, Mode.PLACE, mutable_ref=True)
                params.append(ir.Param(name, ptype))
            elif isinstance(ptype, ir.TRef) and rebound:
                # Python rebinds the name; Rust gets an owned local copy that shadows the borrow.
                self.locals[p.name] = Local(name, p.py_type, Mode.PLACE)
                params.append(ir.Param(name, ptype))
                prologue.append(ir.Let(f"mut {name}", owned_type(p.py_type), owned(Val(ir.Path(name), p.py_type, Mode.REF))))
            else:
                mode = Mode.REF if isinstance(ptype, ir.TRef) else Mode.PLACE
                self.locals[p.name] = Local(name, p.py_type, mode)
                params.append(ir.Param(name, ptype, mutable=rebound))
            self.declared.add(p.name)
        body = self.block(self.node.body, top=True)
        stmts = list(body.stmts)
        tail: ir.Expr | None = None
        if stmts and isinstance(stmts[-1], ir.Return) and stmts[-1].value is not None:
            tail = stmts.pop().value  # a final `return x;` reads better as the tail `x`
        elif self.sig.returns.kind not in ("none",) and not _ends_in_return(stmts):
            # Python falls off the end returning None; a typed function reaching here is a bug
            # in the source, and Rust needs the diverging expression to type-check.
            tail = ir.Macro("unreachable", fmt="function ended without a return value")
        hoisted = [
            ir.Let(("mut " if self._needs_mut(name) else "") + loc.name, self.rust_type(loc.ty), None)
            for name, loc in self.hoisted.items()
        ]
        return ir.Fn(
            name=rust_ident(self.sig.name),
            params=tuple(params),
            ret=self.rust_type(self.sig.returns) if self.sig.returns.kind != "none" else ir.UNIT,
            body=ir.Block(tuple(prologue + hoisted + stmts), tail),
        )

    def _needs_mut(self, name: str) -> bool:
        return (
            self.assign_count.get(name, 0) > 1
            or name in self.assigned_in_loop
            or name in self.mutated_locals
        )

    # -------------------------------------------------------- statements
    def block(self, suite: cst.BaseSuite, top: bool = False) -> ir.Block:
        if not top:
            self.depth += 1
        out: list[ir.Stmt] = []
        try:
            if isinstance(suite, cst.SimpleStatementSuite):
                for small in suite.body:
                    out.extend(self.small_stmt(small))
            else:
                body = list(suite.body)
                for i, stmt in enumerate(body):
                    if i == 0 and top and _is_docstring(stmt):
                        continue
                    out.extend(self.stmt(stmt))
        finally:
            if not top:
                self.depth -= 1
        return ir.Block(tuple(out))

    def stmt(self, stmt: cst.BaseStatement) -> list[ir.Stmt]:
        if isinstance(stmt, cst.SimpleStatementLine):
            out: list[ir.Stmt] = []
            for small in stmt.body:
                out.extend(self.small_stmt(small))
            return out
        if isinstance(stmt, cst.If):
            return [ir.ExprStmt(self.if_stmt(stmt))]
        if isinstance(stmt, cst.While):
            if stmt.orelse is not None:
                raise Unsupported("PTL120", "while ... else is not supported yet", stmt)
            cond = self.condition(stmt.test)
            body = self.block(stmt.body)
            if isinstance(cond, ir.BoolLit) and cond.value:
                # `while True:` is Rust's `loop`: rustc knows it only ends by break or return.
                return [ir.Loop(body)]
            return [ir.While(cond, body)]
        if isinstance(stmt, cst.For):
            return [self.for_stmt(stmt)]
        if isinstance(stmt, cst.Try):
            raise Unsupported("PTL121", "try/except is not supported yet", stmt)
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            raise Unsupported("PTL123", "nested functions and classes are not supported yet", stmt)
        if isinstance(stmt, cst.With):
            raise Unsupported("PTL120", "`with` is not supported yet", stmt)
        raise Unsupported("PTL120", f"statement `{type(stmt).__name__}` is not supported yet", stmt)

    def small_stmt(self, small: cst.BaseSmallStatement) -> list[ir.Stmt]:
        if isinstance(small, cst.Return):
            return [self.return_stmt(small)]
        if isinstance(small, cst.Assign):
            return self.assign(small)
        if isinstance(small, cst.AnnAssign):
            return self.ann_assign(small)
        if isinstance(small, cst.AugAssign):
            return self.aug_assign(small)
        if isinstance(small, cst.Expr):
            if isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                return []  # a string statement is a comment
            if isinstance(small.value, (cst.Yield, cst.Await)):
                raise Unsupported("PTL122", "generators (yield) are not supported yet", small)
            if not isinstance(small.value, cst.Call):
                raise Unsupported("PTL120", "an expression statement without effect", small)
            return [ir.ExprStmt(self.expr(small.value).expr)]
        if isinstance(small, cst.Pass):
            return []
        if isinstance(small, cst.Break):
            return [ir.Break()]
        if isinstance(small, cst.Continue):
            return [ir.Continue()]
        if isinstance(small, cst.Raise):
            raise Unsupported("PTL121", "raise is not supported yet", small)
        if isinstance(small, (cst.Global, cst.Nonlocal)):
            raise Unsupported("PTL124", "global/nonlocal is not supported yet", small)
        if isinstance(small, cst.Assert):
            cond = self.condition(small.test)
            msg = ir.StrLit("AssertionError")
            return [ir.ExprStmt(ir.Macro("assert", (cond, msg)))]
        raise Unsupported("PTL120", f"statement `{type(small).__name__}` is not supported yet", small)

    def return_stmt(self, node: cst.Return) -> ir.Stmt:
        want = self.sig.returns
        if node.value is None:
            if want.kind == "none":
                return ir.Return()
            if want.kind == "optional":
                return ir.Return(ir.Path("None"))
            raise Unsupported("PTL113", f"bare return in a function returning {want}", node)
        v = self.expr(node.value)
        if want.kind == "none":
            if v.ty.kind == "none":
                return ir.Return()
            raise Unsupported("PTL113", "returns a value but is annotated -> None", node)
        return ir.Return(self.owned_for_return(v, want))

    def owned_for_return(self, v: Val, want: PyType) -> ir.Expr:
        try:
            return owned_as(v, want)
        except Unsupported as exc:
            raise Unsupported(exc.code, f"return: {exc.message}") from exc

    def if_stmt(self, node: cst.If) -> ir.IfExpr:
        cond = self.condition(node.test)
        then = self.block(node.body)
        orelse: ir.Block | ir.IfExpr | None = None
        if isinstance(node.orelse, cst.If):
            orelse = self.if_stmt(node.orelse)
        elif isinstance(node.orelse, cst.Else):
            orelse = self.block(node.orelse.body)
        return ir.IfExpr(cond, then, orelse)

    def condition(self, node: cst.BaseExpression) -> ir.Expr:
        return self.truthy(self.expr(node))

    def for_stmt(self, node: cst.For) -> ir.Stmt:
        if node.orelse is not None:
            raise Unsupported("PTL120", "for ... else is not supported yet", node)
        if node.asynchronous is not None:
            raise Unsupported("PTL120", "async for is not supported", node)
        iterable, elem, mode = self.iteration(node.iter)
        pattern, binds = self.loop_target(node.target, elem, mode)
        saved = {n: self.locals.get(n) for n, _ in binds}
        for name, local in binds:
            self.locals[name] = local
            self.declared.add(name)
        try:
            body = self.block(node.body)
        finally:
            for name, old in saved.items():
                if old is None:
                    self.locals.pop(name, None)
                    self.declared.discard(name)
                else:
                    self.locals[name] = old
        return ir.For(pattern, iterable, body)

    def iteration(self, node: cst.BaseExpression) -> tuple[ir.Expr, PyType, Mode]:
        """(iterator expression, element type, element mode) for `for x in node`."""
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "range" and self.env.lookup("range") is None:
            return self.range_iter(node)
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "items"
            and not node.args
        ):
            recv = self.expr(node.func.value)
            if recv.ty.kind == "dict":
                k, v = recv.ty.args
                return ir.MethodCall(recv.expr, "items"), T.tuple_of(k, v), Mode.REF
        v = self.expr(node)
        if v.ty.kind == "str":
            chars = ir.MethodCall(ir.MethodCall(v.expr, "chars"), "map", (ir.Path("String::from"),))
            return chars, T.STR, Mode.OWNED
        if v.ty.kind in ("list", "set"):
            elem = v.ty.args[0]
            it = ir.MethodCall(v.expr, "iter")
            if is_copy(elem):
                return ir.MethodCall(it, "copied"), elem, Mode.OWNED
            return it, elem, Mode.REF
        if v.ty.kind == "dict":
            key = v.ty.args[0]
            it = ir.MethodCall(v.expr, "keys")
            if is_copy(key):
                return ir.MethodCall(it, "copied"), key, Mode.OWNED
            return it, key, Mode.REF
        raise Unsupported("PTL113", f"cannot iterate over {v.ty}", node)

    def range_iter(self, node: cst.Call) -> tuple[ir.Expr, PyType, Mode]:
        args = [self.expr(a.value) for a in node.args]
        if any(a.keyword for a in node.args) or not 1 <= len(args) <= 3:
            raise Unsupported("PTL133", "range() with these arguments", node)
        ints = [read(coerce(a, T.INT)) if a.ty.kind in ("int", "bool") else None for a in args]
        if any(i is None for i in ints):
            raise Unsupported("PTL113", "range() of non-integers", node)
        vals = [i for i in ints if i is not None]
        if len(vals) == 1:
            return ir.RangeExpr(ir.IntLit(0), vals[0]), T.INT, Mode.OWNED
        start, stop = vals[0], vals[1]
        if len(vals) == 2:
            return ir.RangeExpr(start, stop), T.INT, Mode.OWNED
        step = vals[2]
        if isinstance(step, ir.IntLit) and step.value > 0:
            rng = ir.RangeExpr(start, stop)
            if step.value == 1:
                return rng, T.INT, Mode.OWNED
            return ir.MethodCall(rng, "step_by", (ir.IntLit(step.value),)), T.INT, Mode.OWNED
        neg = step if isinstance(step, ir.IntLit) else None
        if neg is not None and neg.value < 0:
            # range(a, b, -k) visits a, a-k, ... while > b: the reversed inclusive range b+1..=a.
            rng = ir.MethodCall(ir.RangeExpr(ir.Binary("+", stop, ir.IntLit(1)), start, inclusive=True), "rev")
            if neg.value == -1:
                return rng, T.INT, Mode.OWNED
            return ir.MethodCall(rng, "step_by", (ir.IntLit(-neg.value),)), T.INT, Mode.OWNED
        raise Unsupported("PTL133", "range() with a step that is not a literal", node)

    def loop_target(self, target: cst.BaseExpression, elem: PyType, mode: Mode) -> tuple[str, list[tuple[str, Local]]]:
        if isinstance(target, cst.Name):
            name = rust_ident(target.value)
            mut = target.value in self.assign_count or target.value in self.mutated_locals
            if mut and mode is Mode.REF:
                raise Unsupported("PTL120", "reassigning a loop variable that borrows", target)
            return (f"mut {name}" if mut else name), [(target.value, Local(name, elem, Mode.PLACE if mode is Mode.OWNED else mode))]
        if isinstance(target, (cst.Tuple, cst.List)) and elem.kind == "tuple" and len(elem.args) == len(target.elements):
            parts: list[str] = []
            binds: list[tuple[str, Local]] = []
            for el, ty in zip(target.elements, elem.args):
                p, b = self.loop_target(el.value, ty, mode)
                parts.append(p)
                binds.extend(b)
            return f"({', '.join(parts)})", binds
        raise Unsupported("PTL120", "this loop target is not supported yet", target)

    # -------------------------------------------------------- assignment
    def assign(self, node: cst.Assign) -> list[ir.Stmt]:
        if len(node.targets) != 1:
            raise Unsupported("PTL120", "chained assignment a = b = c is not supported yet", node)
        return self.bind(node.targets[0].target, node.value, None, node)

    def ann_assign(self, node: cst.AnnAssign) -> list[ir.Stmt]:
        try:
            declared = resolve_annotation(code_of(node.annotation.annotation), self.scope)
        except AnnotationError as exc:
            raise Unsupported("PTL111", str(exc), node) from exc
        if node.value is None:
            if isinstance(node.target, cst.Name) and node.target.value not in self.locals:
                name = rust_ident(node.target.value)
                loc = Local(name, declared, Mode.PLACE)
                self.locals[node.target.value] = loc
                self.hoisted[node.target.value] = loc
                self.declared.add(node.target.value)
            return []
        return self.bind(node.target, node.value, declared, node)

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression, declared: PyType | None, node: cst.CSTNode) -> list[ir.Stmt]:
        if isinstance(target, cst.Name):
            return self.bind_name(target.value, self.expr(value), declared, node)
        if isinstance(target, (cst.Tuple, cst.List)):
            return self.bind_tuple(target, value, node)
        if isinstance(target, cst.Subscript):
            return [self.store_item(target, self.expr(value))]
        if isinstance(target, cst.Attribute):
            recv = self.expr(target.value)
            field_t = self.field_type(recv, target.attr.value)
            place = ir.Field(self.mutable(recv), rust_ident(target.attr.value))
            return [ir.Assign(place, owned_as(self.expr(value), field_t))]
        raise Unsupported("PTL120", "this assignment target is not supported yet", node)

    def bind_name(self, pyname: str, v: Val, declared: PyType | None, node: cst.CSTNode) -> list[ir.Stmt]:
        local = self.locals.get(pyname)
        if local is not None:
            if local.mode is Mode.REF or local.mutable_ref:
                raise Unsupported("PTL120", f"rebinding `{pyname}` is not supported here", node)
            ty = local.ty
            if declared is not None and declared != ty:
                raise Unsupported("PTL113", f"`{pyname}` changes type from {ty} to {declared}", node)
            try:
                value = owned_as(v, ty)
            except Unsupported as exc:
                raise Unsupported("PTL113", f"`{pyname}` is {ty} but is assigned {v.ty}", node) from exc
            if pyname in self.hoisted and ty.kind == "unknown":
                raise Unsupported("PTL112", f"cannot infer the type of `{pyname}`", node)
            return [ir.Assign(ir.Path(local.name), value)]
        ty = declared if declared is not None else v.ty
        if not T.is_known(ty):
            raise Unsupported("PTL112", f"cannot infer the type of `{pyname}`: annotate it (x: list[int] = [])", node)
        name = rust_ident(pyname)
        loc = Local(name, ty, Mode.PLACE)
        self.locals[pyname] = loc
        self.declared.add(pyname)
        value = owned_as(v, ty)
        if self.depth > 0:
            # First bound inside a block but visible after it, as in Python: declare at the top.
            self.hoisted[pyname] = loc
            return [ir.Assign(ir.Path(name), value)]
        mut = "mut " if self._needs_mut(pyname) else ""
        return [ir.Let(f"{mut}{name}", self.rust_type(ty), value)]

    def bind_tuple(self, target: cst.Tuple | cst.List, value: cst.BaseExpression, node: cst.CSTNode) -> list[ir.Stmt]:
        names = []
        for el in target.elements:
            if not isinstance(el.value, cst.Name) or isinstance(el, cst.StarredElement):
                raise Unsupported("PTL120", "unpacking into this target is not supported yet", node)
            names.append(el.value.value)
        v = self.expr(value)
        if v.ty.kind != "tuple" or len(v.ty.args) != len(names):
            raise Unsupported("PTL113", f"cannot unpack {v.ty} into {len(names)} names", node)
        # Evaluate the whole right side first (Python semantics for `a, b = b, a + b`).
        tmp = "__tuple"
        stmts: list[ir.Stmt] = [ir.Let(tmp, None, owned(v))]
        for i, (pyname, ty) in enumerate(zip(names, v.ty.args)):
            stmts.extend(self.bind_name(pyname, Val(ir.Field(ir.Path(tmp), str(i)), ty, Mode.OWNED), None, node))
        return stmts

    def store_item(self, target: cst.Subscript, v: Val) -> ir.Stmt:
        recv = self.expr(target.value)
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            raise Unsupported("PTL130", "slice assignment is not supported yet", target)
        key = self.expr(target.slice[0].slice.value)
        if recv.ty.kind == "list":
            place = self.mutable(recv)
            index = self.list_index(recv, key)
            value = owned_as(v, recv.ty.args[0])
            if isinstance(index, ir.IntLit):
                return ir.Assign(ir.Index(place, index), value)
            # The position reads the list (`xs.len()`): compute it, and the value (Python
            # evaluates the right side first), before the element is borrowed mutably.
            return ir.ExprStmt(ir.BlockExpr(ir.Block((
                ir.Let("__value", None, value),
                ir.Let("__index", None, index),
                ir.Assign(ir.Index(place, ir.Path("__index")), ir.Path("__value")),
            ))))
        if recv.ty.kind == "dict":
            k_t, v_t = recv.ty.args
            return ir.ExprStmt(ir.MethodCall(self.mutable(recv), "insert", (owned_as(key, k_t), owned_as(v, v_t))))
        raise Unsupported("PTL113", f"item assignment on {recv.ty}", target)

    def aug_assign(self, node: cst.AugAssign) -> list[ir.Stmt]:
        op = _AUG.get(type(node.operator))
        if op is None:
            raise Unsupported("PTL130", f"augmented operator {code_of(node.operator)} is not supported yet", node)
        target = self.expr(node.target)
        value = self.expr(node.value)
        result = self.binary(op, target, value, node)
        if isinstance(node.target, cst.Name):
            local = self.locals.get(node.target.value)
            if local is None or local.mode is Mode.REF:
                raise Unsupported("PTL135", f"augmented assignment to `{node.target.value}`", node)
            if target.ty.kind in ("int", "float") and type(node.operator) in (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign):
                rust_op = {cst.AddAssign: "+=", cst.SubtractAssign: "-=", cst.MultiplyAssign: "*="}[type(node.operator)]
                return [ir.Assign(ir.Path(local.name), read(coerce(value, target.ty)), rust_op)]
            if target.ty.kind == "str" and isinstance(node.operator, cst.AddAssign):
                return [ir.ExprStmt(ir.MethodCall(ir.Path(local.name), "push_str", (str_view(value) if value.mode is not Mode.OWNED else ir.Ref(value.expr),)))]
            return [ir.Assign(ir.Path(local.name), owned_as(result, local.ty))]
        if isinstance(node.target, cst.Subscript):
            return [self.store_item(node.target, result)]
        if isinstance(node.target, cst.Attribute):
            recv = self.expr(node.target.value)
            place = ir.Field(self.mutable(recv), rust_ident(node.target.attr.value))
            return [ir.Assign(place, owned_as(result, target.ty))]
        raise Unsupported("PTL120", "this augmented assignment target is not supported yet", node)

    # -------------------------------------------------------- expressions
    def expr(self, node: cst.BaseExpression) -> Val:
        try:
            return self._expr(node)
        except Unsupported as exc:
            if exc.node is None:
                exc.node = node
            raise

    def _expr(self, node: cst.BaseExpression) -> Val:
        if isinstance(node, cst.Integer):
            return Val(ir.IntLit(int(node.evaluated_value)), T.INT)
        if isinstance(node, cst.Float):
            return Val(ir.FloatLit(float(node.evaluated_value)), T.FLOAT)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            if not isinstance(value, str):
                raise Unsupported("PTL130", "bytes literals are not supported yet", node)
            return Val(ir.StrLit(value), T.STR, Mode.REF)
        if isinstance(node, cst.FormattedString):
            return self.fstring(node)
        if isinstance(node, cst.Name):
            return self.name(node)
        if isinstance(node, cst.Attribute):
            return self.attribute(node)
        if isinstance(node, cst.BinaryOperation):
            return self.binary(node.operator, self.expr(node.left), self.expr(node.right), node)
        if isinstance(node, cst.UnaryOperation):
            return self.unary(node)
        if isinstance(node, cst.BooleanOperation):
            left = self.condition(node.left)
            right = self.condition(node.right)
            op = "&&" if isinstance(node.operator, cst.And) else "||"
            return Val(ir.Binary(op, left, right), T.BOOL)
        if isinstance(node, cst.Comparison):
            return self.comparison(node)
        if isinstance(node, cst.Call):
            return self.call(node)
        if isinstance(node, cst.Subscript):
            return self.subscript(node)
        if isinstance(node, cst.IfExp):
            return self.if_exp(node)
        if isinstance(node, (cst.List, cst.Tuple, cst.Dict, cst.Set)):
            return self.display(node)
        if isinstance(node, cst.Lambda):
            raise Unsupported("PTL131", "lambda is not supported yet", node)
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            raise Unsupported("PTL132", "comprehensions are not supported yet", node)
        raise Unsupported("PTL130", f"expression `{type(node).__name__}` is not supported yet", node)

    def name(self, node: cst.Name) -> Val:
        n = node.value
        local = self.locals.get(n)
        if local is not None:
            return Val(ir.Path(local.name), local.ty, local.mode)
        if n in ("True", "False"):
            return Val(ir.BoolLit(n == "True"), T.BOOL)
        if n == "None":
            return Val(ir.Path("None"), T.NONE)
        found = self.env.lookup(n)
        if isinstance(found, ConstRef):
            return self.const(found)
        raise Unsupported("PTL135", f"name `{n}` cannot be resolved here", node)

    def const(self, c: ConstRef) -> Val:
        mode = Mode.REF if c.const.py_type.kind == "str" else Mode.OWNED
        return Val(ir.Path(c.path), c.const.py_type, mode)

    def attribute(self, node: cst.Attribute) -> Val:
        if isinstance(node.value, cst.Name) and node.value.value not in self.locals:
            target = self.env.lookup(node.value.value)
            if isinstance(target, str):
                member = self.env.lookup_attr(target, node.attr.value)
                if isinstance(member, ConstRef):
                    return self.const(member)
                raise Unsupported("PTL135", f"`{node.value.value}.{node.attr.value}` is not a translated constant", node)
        recv = self.expr(node.value)
        field_t = self.field_type(recv, node.attr.value)
        return Val(ir.Field(recv.expr, rust_ident(node.attr.value)), field_t, Mode.PLACE if recv.mode is not Mode.OWNED else Mode.OWNED)

    def field_type(self, recv: Val, attr: str) -> PyType:
        cls = self.env.class_sig(recv.ty)
        if cls is None:
            raise Unsupported("PTL130", f"attribute `.{attr}` of {recv.ty}")
        f = next((f for f in cls.fields if f.name == attr), None)
        if f is None:
            raise Unsupported("PTL135", f"{cls.name} has no field `{attr}`")
        return f.py_type

    def unary(self, node: cst.UnaryOperation) -> Val:
        v = self.expr(node.expression)
        if isinstance(node.operator, cst.Not):
            return Val(ir.Unary("!", self.truthy(v)), T.BOOL)
        if isinstance(node.operator, cst.Minus):
            if isinstance(v.expr, ir.IntLit):
                return Val(ir.IntLit(-v.expr.value), T.INT)
            if isinstance(v.expr, ir.FloatLit):
                return Val(ir.FloatLit(-v.expr.value), T.FLOAT)
            if v.ty.kind in ("int", "float"):
                return Val(ir.Unary("-", read(v)), v.ty)
            if v.ty.kind == "bool":
                return Val(ir.Unary("-", ir.Cast(read(v), ir.I64)), T.INT)
        if isinstance(node.operator, cst.Plus) and v.ty.kind in ("int", "float"):
            return v
        raise Unsupported("PTL130", f"unary {code_of(node.operator)} on {v.ty}", node)

    def binary(self, op: cst.BaseBinaryOp, a: Val, b: Val, node: cst.CSTNode) -> Val:
        ka, kb = a.ty.kind, b.ty.kind
        if isinstance(op, cst.Add) and ka == kb == "str":
            return Val(ir.Macro("format", (read(a), read(b)), fmt="{}{}"), T.STR)
        if isinstance(op, cst.Add) and ka == kb == "list":
            elem = unify(a.ty.args[0], b.ty.args[0]) if a.ty.args and b.ty.args else (a.ty.args or b.ty.args or (T.UNKNOWN,))[0]
            parts = ir.Macro("vec", (_slice_of(a), _slice_of(b)), brackets="[]")
            return Val(ir.MethodCall(parts, "concat"), T.list_of(elem or T.UNKNOWN))
        if isinstance(op, cst.Multiply) and {ka, kb} in ({"str", "int"}, {"list", "int"}):
            seq, n = (a, b) if ka in ("str", "list") else (b, a)
            count = ir.Cast(ir.MethodCall(read(n), "max", (ir.IntLit(0),)) if not isinstance(n.expr, ir.IntLit) else read(n), ir.USIZE)
            return Val(ir.MethodCall(seq.expr, "repeat", (count,)), seq.ty)
        if not (T.is_numeric(a.ty) and T.is_numeric(b.ty)):
            raise Unsupported("PTL113", f"operator {code_of(op).strip()} on {a.ty} and {b.ty}", node)
        is_float = "float" in (ka, kb)
        if isinstance(op, cst.Divide):
            x, y = to_float(a), to_float(b)
            self.use_runtime("fdiv")
            return Val(ir.Call(ir.Path("crate::pyrt::fdiv"), (read(x), read(y))), T.FLOAT)
        if is_float:
            x, y = to_float(a), to_float(b)
        else:
            x, y = coerce(a, T.INT), coerce(b, T.INT)
        ty = T.FLOAT if is_float else T.INT
        rust = _ARITH.get(type(op))
        if rust is not None:
            return Val(ir.Binary(rust, read(x), read(y)), ty)
        if isinstance(op, cst.FloorDivide):
            helper = "ffloordiv" if is_float else "floordiv"
        elif isinstance(op, cst.Modulo):
            helper = "fmod" if is_float else "pymod"
        elif isinstance(op, cst.Power):
            if is_float:
                if isinstance(b.expr, ir.IntLit):
                    return Val(ir.MethodCall(self.receiver(x), "powi", (ir.IntLit(b.expr.value),)), T.FLOAT)
                return Val(ir.MethodCall(self.receiver(x), "powf", (read(y),)), T.FLOAT)
            if isinstance(b.expr, ir.IntLit) and b.expr.value >= 0:
                return Val(ir.MethodCall(self.receiver(x), "pow", (ir.IntLit(b.expr.value),)), T.INT)
            helper = "ipow"
        else:
            raise Unsupported("PTL130", f"operator {code_of(op).strip()} is not supported yet", node)
        self.use_runtime(helper)
        return Val(ir.Call(ir.Path(f"crate::pyrt::{helper}"), (read(x), read(y))), ty)

    def comparison(self, node: cst.Comparison) -> Val:
        left = self.expr(node.left)
        parts: list[ir.Expr] = []
        for target in node.comparisons:
            right = self.expr(target.comparator)
            parts.append(self.compare(target.operator, left, right, node))
            left = right
        out = parts[0]
        for p in parts[1:]:
            out = ir.Binary("&&", out, p)
        return Val(out, T.BOOL)

    def compare(self, op: cst.BaseCompOp, a: Val, b: Val, node: cst.CSTNode) -> ir.Expr:
        if isinstance(op, (cst.Is, cst.IsNot)):
            if b.ty.kind != "none":
                raise Unsupported("PTL130", "`is` is only supported against None", node)
            if a.ty.kind != "optional":
                return ir.BoolLit(isinstance(op, cst.IsNot))
            return ir.MethodCall(a.expr, "is_some" if isinstance(op, cst.IsNot) else "is_none")
        if isinstance(op, (cst.In, cst.NotIn)):
            test = self.contains(b, a, node)
            return ir.Unary("!", test) if isinstance(op, cst.NotIn) else test
        rust = _CMP.get(type(op))
        if rust is None:
            raise Unsupported("PTL130", f"comparison {code_of(op).strip()}", node)
        if T.is_numeric(a.ty) and T.is_numeric(b.ty):
            if "float" in (a.ty.kind, b.ty.kind):
                return ir.Binary(rust, read(to_float(a)), read(to_float(b)))
            return ir.Binary(rust, read(coerce(a, T.INT)), read(coerce(b, T.INT)))
        if a.ty.kind != b.ty.kind and "optional" not in (a.ty.kind, b.ty.kind):
            if rust in ("==", "!="):
                return ir.BoolLit(rust == "!=")  # Python: values of different types are unequal
            raise Unsupported("PTL113", f"ordering {a.ty} against {b.ty}", node)
        if a.ty.kind == "optional" or b.ty.kind == "optional":
            target = a.ty if a.ty.kind == "optional" else b.ty
            return ir.Binary(rust, owned_as(a, target), owned_as(b, target))
        return ir.Binary(rust, comparable(a), comparable(b))

    def contains(self, container: Val, item: Val, node: cst.CSTNode) -> ir.Expr:
        k = container.ty.kind
        if k == "str":
            return ir.MethodCall(container.expr, "contains", (str_view(item),))
        if k == "dict":
            return ir.MethodCall(container.expr, "contains_key", (self.key_ref(item, container.ty.args[0]),))
        if k in ("list", "set"):
            elem = container.ty.args[0]
            probe = coerce(item, elem)
            if elem.kind == "str":
                # Vec<String>::contains needs &String: compare as &str instead.
                any_ = ir.Closure(("__x",), ir.Binary("==", ir.MethodCall(ir.Path("__x"), "as_str"), str_view(probe)))
                return ir.MethodCall(ir.MethodCall(container.expr, "iter"), "any", (any_,))
            if is_copy(elem):
                return ir.MethodCall(container.expr, "contains", (ir.Ref(read(probe)),))
            return ir.MethodCall(container.expr, "contains", (borrow(probe),))
        raise Unsupported("PTL113", f"`in` on {container.ty}", node)

    def if_exp(self, node: cst.IfExp) -> Val:
        cond = self.condition(node.test)
        a, b = self.expr(node.body), self.expr(node.orelse)
        ty = unify(a.ty, b.ty)
        if ty is None:
            raise Unsupported("PTL113", f"conditional expression mixes {a.ty} and {b.ty}", node)
        return Val(ir.IfExpr(cond, ir.Block(tail=owned_as(a, ty)), ir.Block(tail=owned_as(b, ty))), ty)

    def display(self, node: cst.List | cst.Tuple | cst.Dict | cst.Set) -> Val:
        if isinstance(node, cst.Dict):
            self.use_runtime("PyDict")
            if not node.elements:
                return Val(ir.Call(ir.Path("crate::pyrt::PyDict::new")), T.dict_of(T.UNKNOWN, T.UNKNOWN))
            pairs: list[tuple[Val, Val]] = []
            for el in node.elements:
                if not isinstance(el, cst.DictElement):
                    raise Unsupported("PTL130", "** in a dict display is not supported yet", node)
                pairs.append((self.expr(el.key), self.expr(el.value)))
            kt, vt = _unify_all([k.ty for k, _ in pairs], node), _unify_all([v.ty for _, v in pairs], node)
            items = tuple(ir.TupleExpr((owned_as(k, kt), owned_as(v, vt))) for k, v in pairs)
            arr = ir.Macro("vec", items, brackets="[]")
            return Val(ir.MethodCall(ir.MethodCall(arr, "into_iter"), "collect", turbofish=(self.rust_type(T.dict_of(kt, vt)),)), T.dict_of(kt, vt))
        vals = []
        for el in node.elements:
            if isinstance(el, cst.StarredElement):
                raise Unsupported("PTL130", "* unpacking in a display is not supported yet", node)
            vals.append(self.expr(el.value))
        if isinstance(node, cst.Tuple):
            return Val(ir.TupleExpr(tuple(owned(v) for v in vals)), T.tuple_of(*(v.ty for v in vals)))
        elem = _unify_all([v.ty for v in vals], node) if vals else T.UNKNOWN
        items = tuple(owned_as(v, elem) for v in vals)
        if isinstance(node, cst.List):
            return Val(ir.Macro("vec", items, brackets="[]"), T.list_of(elem))
        arr = ir.Macro("vec", items, brackets="[]")
        return Val(ir.MethodCall(ir.MethodCall(arr, "into_iter"), "collect", turbofish=(self.rust_type(T.set_of(elem)),)), T.set_of(elem))

    def fstring(self, node: cst.FormattedString) -> Val:
        fmt: list[str] = []
        args: list[ir.Expr] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                fmt.append(part.value.replace("{{", "{").replace("}}", "}").replace("{", "{{").replace("}", "}}"))
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            if part.conversion is not None:
                raise Unsupported("PTL130", f"f-string conversion !{part.conversion} is not supported yet", node)
            v = self.expr(part.expression)
            spec = None
            if part.format_spec:
                texts = [p.value for p in part.format_spec if isinstance(p, cst.FormattedStringText)]
                if len(texts) != len(part.format_spec):
                    raise Unsupported("PTL130", "nested f-string format specs are not supported yet", node)
                spec = "".join(texts)
            if spec:
                fmt.append(self.format_spec(spec, v, node))
                args.append(read(v))
            else:
                fmt.append("{}")
                args.append(self.to_str(v) if v.ty.kind in ("float", "bool") else read(v))
        return Val(ir.Macro("format", tuple(args), fmt="".join(fmt)), T.STR)

    def format_spec(self, spec: str, v: Val, node: cst.CSTNode) -> str:
        import re

        m = re.fullmatch(r"([<>^]?)(0?)(\d*)(?:\.(\d+))?([dfs]?)", spec)
        if not m:
            raise Unsupported("PTL130", f"format spec `{spec}` is not supported yet", node)
        align, zero, width, prec, kind = m.groups()
        if kind == "f" and v.ty.kind not in ("float", "int"):
            raise Unsupported("PTL113", f"format spec `{spec}` on {v.ty}", node)
        if prec and v.ty.kind == "int":
            raise Unsupported("PTL130", f"format spec `{spec}` on an int is not supported yet", node)
        if not align and v.ty.kind in ("int", "float"):
            align = ">"  # Python right-aligns numbers by default, as Rust does
        return "{:" + align + zero + width + (f".{prec}" if prec else "") + "}"

    def subscript(self, node: cst.Subscript) -> Val:
        recv = self.expr(node.value)
        if len(node.slice) != 1:
            raise Unsupported("PTL130", "multi-dimensional subscripts are not supported", node)
        sl = node.slice[0].slice
        if isinstance(sl, cst.Slice):
            return self.slice(recv, sl, node)
        assert isinstance(sl, cst.Index)
        if recv.ty.kind == "tuple":
            if not isinstance(sl.value, (cst.Integer, cst.UnaryOperation)):
                raise Unsupported("PTL130", "tuple index must be a literal", node)
            idx = self.expr(sl.value)
            if not isinstance(idx.expr, ir.IntLit):
                raise Unsupported("PTL130", "tuple index must be a literal", node)
            i = idx.expr.value
            n = len(recv.ty.args)
            i = i + n if i < 0 else i
            if not 0 <= i < n:
                raise Unsupported("PTL113", "tuple index out of range", node)
            return Val(ir.Field(recv.expr, str(i)), recv.ty.args[i], Mode.PLACE if recv.mode is not Mode.OWNED else Mode.OWNED)
        key = self.expr(sl.value)
        if recv.ty.kind == "list":
            return Val(ir.Index(recv.expr, self.list_index(recv, key)), recv.ty.args[0], Mode.PLACE)
        if recv.ty.kind == "str":
            self.use_runtime("str_index")
            return Val(ir.Call(ir.Path("crate::pyrt::str_index"), (str_view(recv), read(coerce(key, T.INT)))), T.STR)
        if recv.ty.kind == "dict":
            k_t, v_t = recv.ty.args
            return Val(ir.MethodCall(recv.expr, "getitem", (self.key_ref(key, k_t),)), v_t, Mode.REF)
        raise Unsupported("PTL113", f"indexing {recv.ty}", node)

    def list_index(self, recv: Val, key: Val) -> ir.Expr:
        if key.ty.kind not in ("int", "bool"):
            raise Unsupported("PTL113", f"list index of type {key.ty}")
        if isinstance(key.expr, ir.IntLit):
            i = key.expr.value
            if i >= 0:
                return ir.IntLit(i)
            return ir.Binary("-", ir.MethodCall(recv.expr, "len"), ir.IntLit(-i))
        self.use_runtime("index")
        return ir.Call(ir.Path("crate::pyrt::index"), (read(coerce(key, T.INT)), ir.MethodCall(recv.expr, "len")))

    def slice(self, recv: Val, sl: cst.Slice, node: cst.CSTNode) -> Val:
        def bound(e: cst.BaseExpression | None) -> ir.Expr:
            if e is None or (isinstance(e, cst.Name) and e.value == "None"):
                return ir.Path("None")
            return ir.Call(ir.Path("Some"), (read(coerce(self.expr(e), T.INT)),))

        step: ir.Expr = ir.IntLit(1)
        if sl.step is not None:
            step = read(coerce(self.expr(sl.step), T.INT))
        args = (bound(sl.lower), bound(sl.upper), step)
        if recv.ty.kind == "list":
            self.use_runtime("list_slice")
            return Val(ir.Call(ir.Path("crate::pyrt::list_slice"), (borrow(recv), *args)), recv.ty)
        if recv.ty.kind == "str":
            self.use_runtime("str_slice")
            return Val(ir.Call(ir.Path("crate::pyrt::str_slice"), (str_view(recv), *args)), T.STR)
        raise Unsupported("PTL113", f"slicing {recv.ty}", node)

    # -------------------------------------------------------- calls
    def call(self, node: cst.Call) -> Val:
        func = node.func
        if isinstance(func, cst.Attribute):
            # `module.f(...)` or `value.method(...)`
            if isinstance(func.value, cst.Name) and func.value.value not in self.locals:
                target = self.env.lookup(func.value.value)
                if isinstance(target, str):
                    member = self.env.lookup_attr(target, func.attr.value)
                    return self.call_target(member, f"{func.value.value}.{func.attr.value}", node)
            recv = self.expr(func.value)
            if any(a.keyword or a.star for a in node.args):
                raise Unsupported("PTL134", "keyword arguments to methods are not supported yet", node)
            args = [self.expr(a.value) for a in node.args]
            return lower_method(self, recv, func.attr.value, args)
        if isinstance(func, cst.Name):
            if func.value in self.locals:
                raise Unsupported("PTL130", "calling a local variable is not supported yet", node)
            target = self.env.lookup(func.value)
            if target is None:
                if any(a.keyword or a.star for a in node.args):
                    raise Unsupported("PTL133", f"keyword arguments to `{func.value}()` are not supported yet", node)
                return lower_builtin(self, func.value, [self.expr(a.value) for a in node.args])
            return self.call_target(target, func.value, node)
        raise Unsupported("PTL130", "this call form is not supported yet", node)

    def call_target(self, target: object, shown: str, node: cst.Call) -> Val:
        if isinstance(target, Callable):
            return self.call_function(target, shown, node)
        if isinstance(target, ClassRef):
            return self.construct(target, node)
        raise Unsupported("PTL135", f"`{shown}` is not a translated function", node)

    def _arguments(self, names: list[str], defaults: dict[str, bool], node: cst.Call, shown: str) -> dict[str, cst.BaseExpression]:
        bound: dict[str, cst.BaseExpression] = {}
        positional = [a for a in node.args if not a.keyword]
        if any(a.star for a in node.args):
            raise Unsupported("PTL150", f"*args/**kwargs in a call to `{shown}`", node)
        if len(positional) > len(names):
            raise Unsupported("PTL113", f"too many arguments to `{shown}`", node)
        for name, arg in zip(names, positional):
            bound[name] = arg.value
        for arg in node.args:
            if arg.keyword:
                if arg.keyword.value not in names or arg.keyword.value in bound:
                    raise Unsupported("PTL113", f"bad keyword argument `{arg.keyword.value}` to `{shown}`", node)
                bound[arg.keyword.value] = arg.value
        missing = [n for n in names if n not in bound and not defaults.get(n)]
        if missing:
            raise Unsupported("PTL113", f"missing argument(s) {', '.join(missing)} to `{shown}`", node)
        return bound

    def call_function(self, target: Callable, shown: str, node: cst.Call) -> Val:
        sig = target.sig
        if not sig.typed:
            raise Unsupported("PTL136", f"`{shown}` has no typed signature", node)
        bound = self._arguments([p.name for p in sig.params], {}, node, shown)
        args: list[ir.Expr] = []
        for p in sig.params:
            v = coerce(self.expr(bound[p.name]), p.py_type)
            if p.mutated:
                if v.mode is not Mode.PLACE:
                    raise Unsupported("PTL113", f"`{shown}` changes its argument `{p.name}` in place: pass a variable", node)
                local = self.locals.get(code_of(bound[p.name]))
                args.append(ir.Path(local.name) if local is not None and local.mutable_ref else ir.Ref(v.expr, mutable=True))
            elif isinstance(param_type(p.py_type), ir.TRef):
                args.append(borrow(v))
            else:
                args.append(owned(v))
        return Val(ir.Call(ir.Path(target.path), tuple(args)), sig.returns)

    def construct(self, target: ClassRef, node: cst.Call) -> Val:
        cls = target.sig
        if not cls.is_dataclass:
            raise Unsupported("PTL140", f"`{cls.name}` is not a dataclass: constructing it is not supported yet", node)
        bound = self._arguments([f.name for f in cls.fields], {}, node, cls.name)
        fields = tuple((rust_ident(f.name), owned_as(self.expr(bound[f.name]), f.py_type)) for f in cls.fields)
        ty = T.class_type(target.module, cls.name)
        return Val(ir.StructLit(self.env.class_path(ty), fields), ty)


def _slice_of(v: Val) -> ir.Expr:
    """A list value as `&[T]` (every operand of `concat` must be the same slice type)."""
    if v.mode is Mode.REF:
        return v.expr
    return ir.MethodCall(v.expr, "as_slice")


def _unify_all(types: list[PyType], node: cst.CSTNode) -> PyType:
    out = types[0]
    for t in types[1:]:
        u = unify(out, t)
        if u is None:
            raise Unsupported("PTL113", f"a display mixes {out} and {t}", node)
        out = u
    return out


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _ends_in_return(stmts: list[ir.Stmt]) -> bool:
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ir.Return):
        return True
    if isinstance(last, ir.ExprStmt) and isinstance(last.expr, ir.IfExpr):
        return _if_returns(last.expr)
    if isinstance(last, ir.Loop):
        return not _breaks(last.body)  # a `loop` without a break only ends by returning
    return False


def _breaks(block: ir.Block) -> bool:
    """Whether a `break` in this block (outside nested loops) leaves the enclosing loop."""
    for stmt in block.stmts:
        if isinstance(stmt, ir.Break):
            return True
        if isinstance(stmt, ir.ExprStmt):
            if isinstance(stmt.expr, ir.IfExpr) and _if_breaks(stmt.expr):
                return True
            if isinstance(stmt.expr, ir.BlockExpr) and _breaks(stmt.expr.block):
                return True
    return False


def _if_breaks(e: ir.IfExpr) -> bool:
    if _breaks(e.then):
        return True
    if isinstance(e.orelse, ir.IfExpr):
        return _if_breaks(e.orelse)
    return e.orelse is not None and _breaks(e.orelse)


def _if_returns(e: ir.IfExpr) -> bool:
    if e.orelse is None or not _ends_in_return(list(e.then.stmts)):
        return False
    if isinstance(e.orelse, ir.IfExpr):
        return _if_returns(e.orelse)
    return _ends_in_return(list(e.orelse.stmts))
