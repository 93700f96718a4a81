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

from portalis.lower.context import Local, Mode, Unsupported, Val
from portalis.lower.scan import children, free_names, iter_nodes
from portalis.lower.values import owned, str_view
from portalis.model import PyType
from portalis.rust import ir
from portalis.types import pytypes as T

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

PYERR = "crate::pyrt::PyErr"
EXC = T.EXC  # a caught exception bound by `except E as e`

# Python's builtin exception hierarchy: class -> base class.
BUILTIN_EXCEPTIONS: dict[str, str | None] = {
    "BaseException": None,
    "Exception": "BaseException",
    "KeyboardInterrupt": "BaseException",
    "SystemExit": "BaseException",
    "GeneratorExit": "BaseException",
    "ArithmeticError": "Exception",
    "ZeroDivisionError": "ArithmeticError",
    "OverflowError": "ArithmeticError",
    "FloatingPointError": "ArithmeticError",
    "AssertionError": "Exception",
    "AttributeError": "Exception",
    "BufferError": "Exception",
    "EOFError": "Exception",
    "ImportError": "Exception",
    "ModuleNotFoundError": "ImportError",
    "LookupError": "Exception",
    "IndexError": "LookupError",
    "KeyError": "LookupError",
    "MemoryError": "Exception",
    "NameError": "Exception",
    "UnboundLocalError": "NameError",
    "OSError": "Exception",
    "FileNotFoundError": "OSError",
    "FileExistsError": "OSError",
    "PermissionError": "OSError",
    "TimeoutError": "OSError",
    "RuntimeError": "Exception",
    "NotImplementedError": "RuntimeError",
    "RecursionError": "RuntimeError",
    "StopIteration": "Exception",
    "TypeError": "Exception",
    "ValueError": "Exception",
    "UnicodeError": "ValueError",
    "UnicodeDecodeError": "UnicodeError",
    "UnicodeEncodeError": "UnicodeError",
}
CATCH_ALL = frozenset({"Exception", "BaseException"})


def exception_classes(classes: list[tuple[str, list[str]]]) -> dict[str, str | None]:
    """The builtin hierarchy plus a module's own exception classes ((name, bases) pairs whose
    first base is an exception class)."""
    known: dict[str, str | None] = dict(BUILTIN_EXCEPTIONS)
    changed = True
    while changed:
        changed = False
        for name, bases in classes:
            if name in known or not bases:
                continue
            base = bases[0].split(".")[-1]
            if base in known:
                known[name] = base
                changed = True
    return known


def is_subclass(name: str, base: str, known: dict[str, str | None]) -> bool:
    seen = name
    while seen is not None:
        if seen == base:
            return True
        seen = known.get(seen)
    return False


def caught_names(clause: cst.BaseExpression | None, known: dict[str, str | None]) -> frozenset[str] | None:
    """The class names an `except` clause catches (None: everything)."""
    if clause is None:
        return None
    names: list[str] = []
    if isinstance(clause, cst.Tuple):
        for el in clause.elements:
            names.append(_name_of(el.value))
    else:
        names.append(_name_of(clause))
    if any(n in CATCH_ALL for n in names):
        return None
    out = set(names)
    for n in known:
        if any(is_subclass(n, b, known) for b in names):
            out.add(n)
    return frozenset(out)


def _name_of(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    raise Unsupported("PTL121", "this except clause is not supported", node)


def raised_name(node: cst.Raise) -> str | None:
    """The class a `raise` statement raises (None: a bare re-raise or an unknown expression)."""
    exc = node.exc
    if isinstance(exc, cst.Call):
        exc = exc.func
    if isinstance(exc, (cst.Name, cst.Attribute)):
        return _name_of(exc)
    return None


# ---------------------------------------------------------------- which functions raise


def escaping_raises(fn: cst.FunctionDef, known: dict[str, str | None]) -> bool:
    """Whether a `raise` in the body can leave the function (no enclosing handler catches it)."""

    def caught(name: str | None, handlers: list[frozenset[str] | None]) -> bool:
        for h in handlers:
            if h is None or (name is not None and name in h):
                return True
        return False

    def walk(stmts, handlers: list[frozenset[str] | None]) -> bool:
        for stmt in stmts:
            if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                for small in stmt.body:
                    if isinstance(small, cst.Raise):
                        name = raised_name(small) if small.exc is not None else None
                        if not caught(name, handlers):
                            return True
                continue
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                continue
            if isinstance(stmt, cst.Try):
                try:
                    mine = [caught_names(h.type, known) for h in stmt.handlers]
                except Unsupported:
                    mine = []
                if walk(stmt.body.body, handlers + mine):
                    return True
                for h in stmt.handlers:
                    if walk(h.body.body, handlers):
                        return True
                for extra in (stmt.orelse, stmt.finalbody):
                    if extra is not None and walk(extra.body.body, handlers):
                        return True
                continue
            for suite in _suites(stmt):
                if walk(suite.body, handlers):
                    return True
        return False

    return walk(fn.body.body, [])


def _suites(stmt: cst.CSTNode) -> list[cst.BaseSuite]:
    out: list[cst.BaseSuite] = []
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.BaseSuite):
        out.append(body)
    orelse = getattr(stmt, "orelse", None)
    if isinstance(orelse, cst.If):
        out.extend(_suites(orelse))
        out.append(orelse.body)
    elif isinstance(orelse, cst.Else):
        out.append(orelse.body)
    return out


def calls_in_try(fn: cst.FunctionDef) -> set[str]:
    """Names of functions called inside the try bodies of a function: their failures are
    caught here, so they must report them as errors rather than panic."""
    out: set[str] = set()
    for n in iter_nodes(fn.body, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        if isinstance(n, cst.Try):
            for m in iter_nodes(n.body, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                if isinstance(m, cst.Call) and isinstance(m.func, cst.Name):
                    out.add(m.func.value)
    return out


def uncaught_calls(fn: cst.FunctionDef) -> set[str]:
    """Names called outside any try body that has a catch-all handler (an error they return
    would leave this function)."""
    out: set[str] = set()

    def walk(node: cst.CSTNode, protected: bool) -> None:
        t = type(node)
        if (t is cst.FunctionDef or t is cst.ClassDef) and node is not fn:
            return
        if t is not cst.Try and t is not cst.Call:
            for c in children(node):
                walk(c, protected)
            return
        if t is cst.Try:
            catch_all = any(h.type is None or (isinstance(h.type, cst.Name) and h.type.value in CATCH_ALL) for h in node.handlers)
            walk(node.body, protected or catch_all)
            for h in node.handlers:
                walk(h.body, protected)
            for extra in (node.orelse, node.finalbody):
                if extra is not None:
                    walk(extra.body, protected)
            return
        if type(node.func) is cst.Name and not protected:
            out.add(node.func.value)
        if type(node.func) is cst.Attribute and not protected:
            out.add("." + node.func.attr.value)  # a method call, by method name
        for c in children(node):
            walk(c, protected)

    walk(fn.body, False)
    return out


# ---------------------------------------------------------------- lowering


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
            return self.raise_err(ir.MethodCall(ir.Path(self.locals[exc.value].name), "clone"))
        name = raised_name(node)
        if name is None or name not in self.exceptions:
            raise Unsupported("PTL121", f"raising `{name or 'this value'}` is not supported (not an exception class)", node)
        message: ir.Expr = ir.Call(ir.Path("String::new"))
        if isinstance(exc, cst.Call):
            if len(exc.args) > 1 or any(a.keyword or a.star for a in exc.args):
                raise Unsupported("PTL121", "exceptions with several arguments are not supported yet", node)
            if exc.args:
                v = self.expr(exc.args[0].value)
                message = self.to_str(v) if v.ty.kind != "str" else owned(v)
        err = ir.Call(ir.Path(f"{PYERR}::new"), (ir.StrLit(name), message))
        return self.raise_err(err)

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
