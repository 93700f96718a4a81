"""Python exceptions as Rust `Result`s.

- A function that can let an exception out (a `raise` no enclosing handler catches, a call of
  such a function, or a call made inside a `try` body elsewhere in the module) returns
  `Result<T, crate::pyrt::PyErr>`; `PyErr` carries the exception's class name and message and
  displays as Python prints it (`ValueError: bad`).
- `raise X(msg)` becomes `return Err(...)`, or a `break` out of the enclosing try block.
- `try:` bodies are labelled blocks evaluating to `Result<(), PyErr>`; operations that raise
  implicitly in Python (int("x"), d[k], xs[i], 1 // 0...) use checked forms there and in
  functions that return Result, and panic elsewhere (an uncaught exception ends the program,
  as in Python). Handlers test the class name against what the `except` clause catches (its
  subclasses included), the `else` block runs when nothing was raised, `finally` always runs.
- Calls of functions that return Result propagate the error: `?` in such functions, a break to
  the handlers in a try body, a panic with the Python message elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from portalis.cst_scan import free_names, iter_nodes
# What the type map reads too lives in portalis/exception_facts.py; re-exported for lowering.
from portalis.exception_facts import (  # noqa: F401
    BUILTIN_EXCEPTIONS, CATCH_ALL, UnsupportedClause, calls_in_try, escaping_raises, exception_classes, is_subclass,
    raised_name, uncaught_calls,
)
from portalis.exception_facts import caught_names as _caught_names
from portalis.lower.context import Local, Mode, Unsupported, Val
from portalis.lower.values import owned, str_view
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

PYERR = "crate::pyrt::PyErr"
# Arguments that may be left out of, or repeated in, an exception's message (no effects).
_PURE = (cst.Name, cst.SimpleString, cst.Integer, cst.Float)
EXC = T.EXC  # a caught exception bound by `except E as e`


def caught_names(clause: cst.BaseExpression | None, known: dict[str, str | None]) -> frozenset[str] | None:
    """The class names an `except` clause catches (None: everything); PTL121 when it names
    them otherwise than by name."""
    try:
        return _caught_names(clause, known)
    except UnsupportedClause as exc:
        raise Unsupported("PTL121", str(exc), exc.node) from exc


class _Try:
    """A try body being lowered: where its errors go."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.used = False


class ExceptionLowering:
    """raise, try/except/else/finally and error propagation (mixed into FunctionLowerer)."""

    def catching(self: "FunctionLowerer") -> bool:
        """Whether an implicit exception here is reported as an error (inside a try body or a
        function returning Result) rather than a panic."""
        if self.closure_depth:
            return False
        return bool(self.tries) or self.sig.raises

    def propagate(self: "FunctionLowerer", result: ir.Expr) -> ir.Expr:
        """The Ok value of a Result, sending an Err where Python's exception would go."""
        if self.tries and not self.closure_depth:
            t = self.tries[-1]
            t.used = True
            self.used_try = True
            err = ir.Call(ir.Path("Err"), (ir.Path("__err"),))
            return ir.Match(result, (
                ir.MatchArm(ir.PVariant("Ok", (ir.PBind("__ok"),)), ir.Path("__ok")),
                ir.MatchArm(ir.PVariant("Err", (ir.PBind("__err"),)), ir.BlockExpr(ir.Block((ir.Break(t.label, err),)))),
            ))
        if self.sig.raises and not self.closure_depth:
            return ir.Try(result)
        self.use_runtime("PyErr")
        e = self.temp("e")
        return ir.MethodCall(result, "unwrap_or_else", (ir.Closure((ir.PBind(e),), ir.Macro("panic", (ir.Path(e),), fmt="{}")),))

    def raise_err(self: "FunctionLowerer", err: ir.Expr) -> list[ir.Stmt]:
        """Statements that raise the PyErr `err` (an owned value)."""
        self.use_runtime("PyErr")
        if self.tries and not self.closure_depth:
            t = self.tries[-1]
            t.used = True
            return [ir.Break(t.label, ir.Call(ir.Path("Err"), (err,)))]
        if self.sig.raises:
            return [ir.Return(ir.Call(ir.Path("Err"), (err,)))]
        return [ir.ExprStmt(ir.Macro("panic", (err,), fmt="{}"))]

    def checked(self: "FunctionLowerer", helper: str, args: tuple[ir.Expr, ...]) -> ir.Expr:
        """A pyrt helper that raises a Python exception: its `try_` form where the exception is
        caught, its panicking form elsewhere."""
        if self.catching():
            self.use_runtime(f"try_{helper}")
            return self.propagate(ir.Call(ir.Path(f"crate::pyrt::try_{helper}"), args))
        self.use_runtime(helper)
        return ir.Call(ir.Path(f"crate::pyrt::{helper}"), args)

    def expect_some(self: "FunctionLowerer", option: ir.Expr, kind: str, message: str = "") -> ir.Expr:
        """The value of an Option that Python would raise `kind` for when it is None."""
        if self.catching():
            self.use_runtime("PyErr")
            err = ir.Call(ir.Path(f"{PYERR}::new"), (ir.StrLit(kind), ir.StrLit(message)))
            return self.propagate(ir.MethodCall(option, "ok_or_else", (ir.Closure((), err),)))
        text = f"{kind}: {message}" if message else kind
        return ir.MethodCall(option, "expect", (ir.StrLit(text),))

    def raise_stmt(self: "FunctionLowerer", node: cst.Raise) -> list[ir.Stmt]:
        if node.exc is None:
            current = self.handling[-1] if self.handling else None
            if current is None:
                raise Unsupported("PTL121", "bare `raise` outside an except block", node)
            return self.raise_err(ir.MethodCall(ir.Path(current), "clone"))
        exc = node.exc
        if isinstance(exc, cst.Name) and exc.value in self.locals and self.locals[exc.value].ty.kind == "exc":
            return self.raise_err(ir.MethodCall(self.locals[exc.value].path(), "clone"))
        name = raised_name(node)
        if name is None or name not in self.exceptions:
            raise Unsupported("PTL121", f"raising `{name or 'this value'}` is not supported (not an exception class)", node)
        message: ir.Expr = ir.Call(ir.Path("String::new"))
        template = self._message_template(name, exc)
        if template is not None:
            v = self.expr(template)
            message = self.to_str(v) if v.ty.kind != "str" else owned(v)
        elif isinstance(exc, cst.Call):
            if any(a.keyword or a.star for a in exc.args):
                raise Unsupported("PTL121", "exceptions with several arguments are not supported yet", node)
            shown = 0
            if len(exc.args) > 1:
                shown = self._message_arg(name, exc)
                if shown is None:
                    raise Unsupported("PTL121", "exceptions with several arguments are not supported yet", node)
            if exc.args:
                v = self.expr(exc.args[shown].value)
                message = self.to_str(v) if v.ty.kind != "str" else owned(v)
        err = ir.Call(ir.Path(f"{PYERR}::new"), (ir.StrLit(name), message))
        return self.raise_err(err)

    def _message_template(self: "FunctionLowerer", name: str, exc: cst.BaseExpression) -> cst.BaseExpression | None:
        """`str(e)` of `raise C(a, b)` for a class whose `__str__` is a template of its
        constructor's arguments (ClassSignature.message): the template with each `self.<attr>`
        replaced by the argument stored there, lowered in the raising function. None where the
        class has none, or where the arguments do not fit it plainly: a starred argument, one
        `str(e)` does not show or shows twice that has effects (only names and literals may be
        dropped or repeated), two with effects (their order would change), a name of the
        template that is a local here."""
        from portalis.lower.context import ClassRef

        found = self.env.lookup(name)
        t = found.sig.message if isinstance(found, ClassRef) else None
        if t is None:
            return None
        args = exc.args if isinstance(exc, cst.Call) else ()
        values: dict[int, cst.BaseExpression] = {}
        for i, a in enumerate(args):
            if a.star:
                return None
            at = i if a.keyword is None else (t.params.index(a.keyword.value) if a.keyword.value in t.params else -1)
            if at < 0 or at >= len(t.params) or at in values:
                return None
            values[at] = a.value
        template = cst.parse_expression(t.expr)
        uses: dict[int, int] = {}
        attr_names = {id(n.attr) for n in iter_nodes(template) if isinstance(n, cst.Attribute)}
        for n in iter_nodes(template):
            if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == "self":
                uses[t.attrs[n.attr.value]] = uses.get(t.attrs[n.attr.value], 0) + 1
            elif isinstance(n, cst.Name) and id(n) not in attr_names and n.value != "self" and n.value in self.locals:
                return None
        for at in uses:
            if at not in values:
                default = cst.parse_expression(t.defaults[at]) if at in t.defaults else None
                if not isinstance(default, _PURE):
                    return None
                values[at] = default
        effects = [at for at, v in values.items() if not isinstance(v, _PURE)]
        if len(effects) > 1 or any(uses.get(at, 0) != 1 for at in effects):
            return None

        class _Fill(cst.CSTTransformer):
            def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
                if isinstance(original.value, cst.Name) and original.value.value == "self":
                    value = values[t.attrs[original.attr.value]]
                    return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) if hasattr(value, "lpar") else value
                return updated

        return template.visit(_Fill())

    def _message_arg(self: "FunctionLowerer", name: str, exc: cst.Call) -> int | None:
        """Which argument of `raise C(a, b)` is the error's message: the one C's `__str__`
        returns (ClassSignature.message_arg), where the others have no effect to keep (names,
        literals); None otherwise (Python's message is the tuple of the arguments)."""
        from portalis.lower.context import ClassRef

        found = self.env.lookup(name)
        at = found.sig.message_arg if isinstance(found, ClassRef) else None
        if at is None or at >= len(exc.args):
            return None
        pure = (cst.Name, cst.SimpleString, cst.Integer, cst.Float)
        if not all(isinstance(a.value, pure) for i, a in enumerate(exc.args) if i != at):
            return None
        return at

    def try_stmt(self: "FunctionLowerer", node: cst.Try) -> list[ir.Stmt]:
        self.use_runtime("PyErr")
        if node.finalbody is not None and _leaves(node):
            raise Unsupported("PTL121", "return/break/continue inside try ... finally is not supported yet", node)
        t = _Try(f"'{self.temp('try').lstrip('_')}")
        self.tries.append(t)
        try:
            body = self.block(node.body)
        finally:
            self.tries.pop()
        from portalis.lower.function import _block_diverges

        out: list[ir.Stmt] = []
        else_block = self.block(node.orelse.body) if node.orelse is not None else None
        if not t.used:
            # Nothing in the body can raise: the handlers are dead code.
            out.extend(body.stmts)
            if else_block is not None:
                out.extend(else_block.stmts)
        else:
            result = self.temp("r")
            tail = None if _block_diverges(body) else ir.Call(ir.Path("Ok"), (ir.TupleExpr(()),))
            labelled = ir.BlockExpr(ir.Block(body.stmts, tail), label=t.label)
            out.append(ir.Let(ir.PBind(result), ir.TPath("Result", (ir.UNIT, ir.TPath(PYERR))), labelled))
            err = self.temp("e")
            chain = self.handlers(node.handlers, err)
            out.append(ir.ExprStmt(ir.IfExpr(ir.LetPattern(ir.PVariant("Err", (ir.PBind(err),)), ir.Path(result)), chain, else_block)))
        if node.finalbody is not None:
            out.extend(self.block(node.finalbody.body).stmts)
        return out

    def handlers(self: "FunctionLowerer", handlers: tuple[cst.ExceptHandler, ...], err: str) -> ir.Block:
        """The handler chain for the error bound to `err`; an error no handler catches is
        raised again."""
        arms: list[tuple[ir.Expr | None, ir.Block]] = []
        for h in handlers:
            names = caught_names(h.type, self.exceptions)
            test: ir.Expr | None = None
            if names is not None:
                kind = ir.Field(ir.Path(err), "kind")
                for n in sorted(names):
                    eq = ir.Binary("==", kind, ir.StrLit(n))
                    test = eq if test is None else ir.Binary("||", test, eq)
            prelude: list[ir.Stmt] = []
            saved = None
            bound = None
            if h.name is not None:
                bound = h.name.name.value if isinstance(h.name.name, cst.Name) else None
                if bound is None:
                    raise Unsupported("PTL121", "this `except ... as` target is not supported", h)
                saved = self.locals.get(bound)
                if bound in free_names(h.body):
                    local = Local(self.temp(bound.strip("_") or "e"), EXC, Mode.PLACE)
                    local.block = self.blocks[-1] if self.blocks else 0
                    self.locals[bound] = local
                    prelude.append(ir.Let(ir.PBind(local.name), None, ir.MethodCall(ir.Path(err), "clone")))
            self.handling.append(err)
            try:
                block = self.block(h.body, prelude=prelude)
            finally:
                self.handling.pop()
                if bound is not None:
                    if saved is None:
                        self.locals.pop(bound, None)
                    else:
                        self.locals[bound] = saved
            arms.append((test, block))
            if test is None:
                break  # a catch-all: later handlers never run
        fallback: ir.Block | None = None
        if not arms or arms[-1][0] is not None:
            fallback = ir.Block(tuple(self.raise_err(ir.Path(err))))
        chain: ir.Block | ir.IfExpr | None = fallback
        for test, block in reversed(arms):
            if test is None:
                chain = block
            else:
                chain = ir.IfExpr(test, block, chain)
        if isinstance(chain, ir.IfExpr):
            return ir.Block((ir.ExprStmt(chain),))
        assert chain is not None
        return chain

    def exc_str(self: "FunctionLowerer", v: Val) -> ir.Expr:
        """`str(e)` of a caught exception: its message."""
        return ir.MethodCall(v.expr, "message")


def _leaves(node: cst.Try) -> bool:
    for n in iter_nodes(node, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        if isinstance(n, (cst.Return, cst.Break, cst.Continue)):
            return True
    return False


__all__ = ["ExceptionLowering", "exception_classes", "escaping_raises", "calls_in_try", "uncaught_calls", "EXC", "PYERR", "str_view"]
