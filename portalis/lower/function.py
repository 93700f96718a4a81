"""Lowering one typed Python function (libcst) into a Rust IR function: statements.

Types flow forward through the body: each expression is lowered to a `Val` carrying its Python
type and ownership mode (expressions: lower/expr.py; loops, comprehensions and function values:
lower/iteration.py), and every conversion goes through `portalis.lower.values`.

Local types are the analysis' facts (`FunctionSignature.facts`, portalis/analysis/evidence.py
`local_facts`): each local's type, the widened copy of a parameter the body rebinds to wider
values (`n = n / 2`), and the type of each binding of a local rebound to an unrelated type (a
shadowing `let`). Lowering is one pass: it never learns a local's type and lowers again. What
the facts leave open (a local filled with values the analysis' evaluator does not type,
narrowing it does not follow) is refused where a statement needs a type other than the one
code was already lowered with (PTL112 naming the local: `FunctionLowerer.refuse_wider`;
`benchmarks/lowering_passes.py` lists them). The one type still taken from the body as it is
lowered is the return of a nested function the analysis does not type (`FunctionFacts.nested`):
its first return sets it, a later one needing another is refused the same way.
"""

from __future__ import annotations

import unicodedata

import libcst as cst

from portalis.lower.context import (
    Callable,
    Facts,
    item_key,
    joined_return,
    Local,
    Mode,
    ModuleEnv,
    Unsupported,
    Val,
)
from portalis.class_interfaces import hashes
from portalis.lower.exceptions import BUILTIN_EXCEPTIONS, PYERR, ExceptionLowering
from portalis.lower.expr import ExprLowering
from portalis.lower.iteration import IterLowering
from portalis.lower.mutability import fix_mutability
from portalis.cst_scan import Declarations, FunctionScan, declarations, iter_nodes, scan_function
from portalis.analysis.indexing import indexed_in_loop
from portalis.analysis.builders import Builder, string_builders
from portalis.analysis.uses import suite_falls_through
from portalis.analysis.liveness import dead_after, dead_after_branch, movable_copies, shared_then_changed
from portalis.lower.unions import early_exit_rest, match_as_tail, match_isinstance
from portalis.lower.values import coerce, owned, owned_as, read, str_view
from portalis.memo import memo_table
from portalis.model import FunctionSignature, PyType
from portalis.parse import SourceTree, code_of
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation
from portalis.types.pytypes import is_copy, unify
from portalis.types.rust_types import TypeMappingError, binding, declared_param_type, owned_type, param_type, rust_ident, unused_ident

_AUG = {
    cst.AddAssign: cst.Add(), cst.SubtractAssign: cst.Subtract(), cst.MultiplyAssign: cst.Multiply(),
    cst.DivideAssign: cst.Divide(), cst.FloorDivideAssign: cst.FloorDivide(), cst.ModuloAssign: cst.Modulo(),
    cst.PowerAssign: cst.Power(), cst.BitAndAssign: cst.BitAnd(), cst.BitOrAssign: cst.BitOr(),
    cst.BitXorAssign: cst.BitXor(), cst.LeftShiftAssign: cst.LeftShift(), cst.RightShiftAssign: cst.RightShift(),
}
_RUST_AUG = {cst.AddAssign: "+=", cst.SubtractAssign: "-=", cst.MultiplyAssign: "*="}

YIELDED = "__yielded"  # the list a generator function collects


class _Loop:
    """A loop being lowered: `for ... else` needs to know whether a break left it."""

    def __init__(self, broke_flag: str | None) -> None:
        self.broke_flag = broke_flag


def _is_groups_call(node: cst.BaseExpression) -> bool:
    """`x.groups()` with no arguments (a match's groups, when x is a match)."""
    return (isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "groups")


class FunctionLowerer(ExprLowering, IterLowering, ExceptionLowering):
    """Lowers one function. Raises Unsupported at the first construct it cannot translate
    (inference passes skip that statement instead)."""

    def __init__(
        self,
        env: ModuleEnv,
        sig: FunctionSignature,
        node: cst.FunctionDef,
        scope: TypeScope,
        tree: SourceTree | None = None,
        scan: FunctionScan | None = None,
        facts: Facts | None = None,
        outer: "FunctionLowerer | None" = None,
        self_type: PyType | None = None,
    ) -> None:
        self.env = env
        self.self_type = self_type  # the class of a method's `self`
        self.sig = sig
        self.node = node
        self.scope = scope
        self.tree = tree
        self.scan = scan or scan_function(node)
        self.facts = facts or Facts()
        self.outer = outer
        self.locals: dict[str, Local] = {}
        # union local -> the members it may still hold inside an arm of an isinstance `match`
        # that selects several (a chain nested there matches among those only: unions.py)
        self.union_held: dict[str, list[PyType]] = {}
        self.runtime: set[str] = set()
        self.crates: set[str] = set()  # crates of portalis/deps.py's table the code names
        # The crate's functions and methods the code calls ("module:name", context.item_key):
        # a caller of one left a todo!() stub is refused across modules (portalis/stub_callers.py).
        self.calls: set[str] = set()
        self.notes: list[tuple[str, str, int | None]] = []  # (code, message, line): INFO for the report
        self.depth = 0
        self.blocks: list[int] = []
        # ifs whose branch the types decide and that never fall through (static_if): ids of nodes
        self.decided_exits: set[int] = set()
        self.loops: list[_Loop] = []
        self.temp_counter = 0
        self._rust_names: set[str] | None = None
        self.current_line: int | None = None
        self.tries: list = []  # try bodies being lowered, innermost last (lower/exceptions.py)
        self.handling: list[str] = []  # the errors of the except blocks being lowered
        self.closure_depth = 0  # inside a Rust closure: errors cannot leave it by break or ?
        self.exceptions = env.exceptions or BUILTIN_EXCEPTIONS
        self.nested: dict = {}  # name -> NestedFunction (lower/iteration.py)
        self.nested_items: list[ir.Fn] = []  # nested functions, emitted at the top of the body
        self.extra_hoists: dict[int, list[Local]] = {}  # retyped locals, by declaring block
        self.retyped: dict[str, Local] = {}  # the first Rust variable of each retyped local
        self.rebindings: dict[str, int] = {}  # shadowing `let`s of each rebound local so far
        self.default_init: set[str] = set()  # retyped variables declared with a default value
        self.used_try = False  # some try body sends errors to its handlers
        self.allowed: list[str] = []  # lints the emitted shapes trip on purpose (`allow(...)`)
        self.cls_param: str | None = None  # a classmethod's `cls`
        params = {p.name for p in sig.params}
        self.decls: Declarations = declarations(node, params)
        self.mutated_locals = set(self.scan.mutated) | self._passed_mutably() | self._mutating_method_receivers()
        self.assign_count = self.scan.assign_count
        self.assigned_in_loop = self.scan.in_loop
        self._movable: frozenset[int] | None = None  # `x = y` that may move y (analysis/liveness.py)
        self._shared: dict[int, str] | None = None  # copies Python shares and the function changes
        from portalis.lower.generators import next_targets

        self.next_targets = next_targets(node)  # names holding iterators (next(it), it = iter(..)): kept as such
        # the type map made this generator lazy (an endless one: portalis/analysis/generators.py)
        self.lazy = bool(self.scan.yields) and sig.returns.kind == "iter"
        self._builders: dict[str, Builder] | None = None  # lists that only build a string (analysis/builders.py)
        self.building: dict[str, str] = {}  # those lowered as a String -> their "a piece came" flag ("" without separator)
        # (i, xs) of the enclosing `for i in range(len(xs))` loops that keep xs[i] in bounds
        # (analysis/indexing.py: bounded_index)
        self.in_bounds: list[tuple[str, str]] = []

    def _mutating_method_receivers(self) -> set[str]:
        """Names a `&mut self` method of a translated class is called on (`acc.deposit(5)`)."""
        mutators = self.env.own.mutating_methods()
        if not mutators:
            return set()
        return {
            c.func.value.value
            for c in self.scan.calls
            if isinstance(c.func, cst.Attribute) and isinstance(c.func.value, cst.Name) and c.func.attr.value in mutators
        }

    def _passed_mutably(self) -> set[str]:
        """Names passed to a parameter that the callee changes in place (`f(xs)` where f takes
        `&mut Vec`): the local must be declared `mut` before the call is lowered."""
        found: set[str] = set()
        for call in self.scan.calls:
            func = call.func
            target = None
            if isinstance(func, cst.Name):
                target = self.env.lookup(func.value)
            elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
                module = self.env.lookup(func.value.value)
                if isinstance(module, str):
                    target = self.env.lookup_attr(module, func.attr.value)
            if not isinstance(target, Callable):
                continue
            params = target.sig.params
            positional = [a for a in call.args if not a.keyword and not a.star]
            for p, arg in zip(params, positional):
                if p.mutated and isinstance(arg.value, cst.Name):
                    found.add(arg.value.value)
            for arg in call.args:
                if arg.keyword and isinstance(arg.value, cst.Name):
                    q = next((q for q in params if q.name == arg.keyword.value), None)
                    if q is not None and q.mutated:
                        found.add(arg.value.value)
        return found

    # -------------------------------------------------------- helpers used by the tables
    def use_runtime(self, name: str) -> None:
        self.runtime.add(name)

    def calls_item(self, module: str | None, name: str) -> None:
        """The code calls `name` (`f`, `C.m`, `C.new`) of `module` (RustItem.calls)."""
        if module:
            self.calls.add(item_key(module, name))

    def note(self, code: str, message: str, node: cst.CSTNode | None = None) -> None:
        """An INFO diagnostic for the function's report (a representation chosen, not a problem)."""
        entry = (code, message, self.line(node) if node is not None else None)
        if entry not in self.notes:
            self.notes.append(entry)

    def use_crate(self, name: str) -> None:
        """The emitted code names this crate (a name of portalis/deps.py's table)."""
        self.crates.add(name)

    def rust_type(self, t: PyType, holes: bool = False) -> ir.Type:
        key = self._unhashable_key(t)
        if key is not None:
            # A struct has no Hash/Eq unless the class has its own typed __hash__ and __eq__
            # (a Python object hashes by identity otherwise): a HashSet of it would not compile.
            raise Unsupported("PTL111", f"{t}: `{key}` objects as set items or dict keys (the struct has no Hash)")
        try:
            return owned_type(t, holes=holes)
        except TypeMappingError as exc:
            raise Unsupported("PTL111", str(exc)) from exc

    def _unhashable_key(self, t: PyType) -> str | None:
        """The class (not an enum) a set's items or a dict's keys are objects of, if any."""
        if t.kind in ("set", "dict") and t.args and t.args[0].kind == "class":
            cls = self.env.class_sig(t.args[0])
            if cls is not None and cls.flavour != "enum" and not hashes(cls):
                return cls.name
        for a in t.args:
            found = self._unhashable_key(a)
            if found is not None:
                return found
        return None

    def in_closure(self):
        """While lowering code that a Rust closure will hold."""
        from contextlib import contextmanager

        @contextmanager
        def scope():
            self.closure_depth += 1
            try:
                yield
            finally:
                self.closure_depth -= 1

        return scope()

    def temp(self, stem: str) -> str:
        """A fresh Rust name for a temporary (Python names never start with two underscores
        followed by a digit-suffixed stem, so these cannot clash)."""
        self.temp_counter += 1
        stem = rust_ident(stem).removeprefix("r#").strip("_") or "t"  # a stem may be a Python name
        return f"__{stem}{self.temp_counter}"

    def unused_name(self, ident: str) -> str:
        """The Rust name of a binding nothing reads (`_x`), or `_` when `_x` is a name of the
        function already (a parameter `x` next to a variable `_x`)."""
        shown = unused_ident(ident)
        if shown != "_" and shown != ident and shown in self.rust_names():
            return "_"
        return shown

    def rust_names(self) -> set[str]:
        if self._rust_names is None:
            names = set(self.scan.names_read) | set(self.scan.assign_count) | {p.name for p in self.sig.params}
            self._rust_names = {rust_ident(n) for n in names}
        return self._rust_names

    def line(self, node: cst.CSTNode) -> int | None:
        return self.tree.line(node) if self.tree is not None else None

    @property
    def returns(self) -> PyType:
        """The return type values are converted to (inferred when the signature has none)."""
        if self.sig.returns.kind != "unknown":
            return self.sig.returns
        return self.facts.returns or T.UNKNOWN

    def refuse_wider(self, what: str, old: PyType | None, new: PyType | None) -> None:
        """A statement needs `what` (a local, `self.x`, the return) to be `new` where code was
        already lowered with `old`: the analysis' facts did not say its type (every value bound
        to it typed, or narrowing it does not follow). Lowering does not learn it and start
        again: the function is refused, naming it."""
        if new == old:
            return
        shown = "not typed" if old is None or old.kind == "unknown" else f"{old}"
        raise Unsupported("PTL112", f"cannot infer the type of {what}: the analysis leaves it {shown} and a later use needs {new} "
                          f"(a value bound to it that the analysis does not type, or narrowing it does not follow): annotate it")

    def set_return(self, ty: PyType) -> None:
        """A return of a function whose signature does not say its return type: the first
        sets it (no code read it before: a recursive call before it is refused, NestedFunction),
        a later one needing a wider type is refused."""
        old = self.facts.returns
        new = joined_return(old, ty)
        if old is None:
            self.facts.returns = new
            return
        self.refuse_wider("the return value", old, new)

    # -------------------------------------------------------- function
    def lower(self) -> ir.Fn:
        params: list[ir.Param] = []
        prologue: list[ir.Stmt] = []
        receiver = None
        if self.self_type is not None and self.sig.kind in ("method", "property", "init"):
            self_name = _first_param(self.node)
            mut = self.sig.mut_self or self.sig.kind == "init"
            receiver = ir.SelfParam(mutable=mut)
            if self_name is not None:
                self.locals[self_name] = Local("self", self.self_type, Mode.PLACE if mut else Mode.REF, mutable_ref=mut, param=True)
        elif self.self_type is not None and self.sig.kind == "classmethod":
            self.cls_param = _first_param(self.node)
        nonlocals = _nonlocal_names(self.node) if self.outer is not None else set()
        indexed = indexed_in_loop(self.node) if isinstance(self.node, cst.FunctionDef) else frozenset()
        for p in self.sig.params:
            name = rust_ident(p.name)
            ty = p.py_type
            if p.name in nonlocals and T.is_known(ty):
                # A captured variable the nested function rebinds (`nonlocal n`): a `&mut T` to
                # the enclosing function's variable, read and written as `*n`.
                self.locals[p.name] = Local(name, ty, Mode.PLACE, param=True, deref=True)
                params.append(ir.Param(name, ir.TRef(owned_type(ty), mutable=True)))
                continue
            # A lazy generator's closure outlives the call: it holds owned copies of borrowed
            # parameters, as for a parameter the body rebinds.
            rebound = self.assign_count.get(p.name, 0) > 0 or self.lazy
            widened = self.facts.locals.get(p.name)
            if widened is not None and T.is_known(ty) and widened != ty and unify(ty, widened) == widened and not p.mutated:
                # Assigned values of a wider type (`n = n / 2` for an int n): the body works
                # on a local of that type, initialised from the parameter.
                name_ = rust_ident(p.name)
                params.append(ir.Param(name_, param_type(ty, False)))
                self.locals[p.name] = Local(name_, widened, Mode.PLACE, param=True)
                ptype_ = param_type(ty, False)
                start = Val(ir.Path(name_), ty, Mode.REF if isinstance(ptype_, ir.TRef) else Mode.PLACE)
                prologue.append(ir.Let(binding(name_, True), self.rust_type(widened), owned_as(start, widened)))
                continue
            if not T.is_known(ty):
                raise Unsupported("PTL110", f"the type of parameter `{p.name}` cannot be inferred: annotate it")
            if ty.kind == "iter" and ty == p.py_type:
                # any iterable, drawn once (`impl IntoIterator<Item = T>`): its iterator, held
                # as a variable `next()` could read (lower/generators.py)
                params.append(ir.Param(name, declared_param_type(p)))
                self.locals[p.name] = Local(name, ty, Mode.PLACE, param=True)
                prologue.append(ir.Let(binding(name, True), None, ir.MethodCall(ir.Path(name), "into_iter")))
                continue
            ptype = declared_param_type(p) if T.is_known(p.py_type) and ty == p.py_type else param_type(ty, p.mutated)
            if p.mutated:
                if rebound:
                    raise Unsupported("PTL120", f"parameter `{p.name}` is both changed in place and rebound")
                self.locals[p.name] = Local(name, ty, Mode.PLACE, mutable_ref=True, param=True,
                                            slice=isinstance(ptype, ir.TRef) and isinstance(ptype.inner, ir.TSlice))
                params.append(ir.Param(name, ptype))
            elif isinstance(ptype, ir.TRef) and p.name in self.mutated_locals and not rebound:
                # Changed in place by a callee the type map could not see (another module):
                # the caller would see the change in Python, which a copy would hide.
                raise Unsupported("PTL113", f"parameter `{p.name}` is passed to a function that changes it in place")
            elif isinstance(ptype, ir.TRef) and rebound:
                # Python rebinds the name: an owned local copy shadows the borrow.
                self.locals[p.name] = Local(name, ty, Mode.PLACE, param=True)
                params.append(ir.Param(name, ptype))
                prologue.append(ir.Let(binding(name, rebound or p.name in self.mutated_locals), owned_type(ty),
                                       owned(Val(ir.Path(name), ty, Mode.REF))))
            else:
                mode = Mode.REF if isinstance(ptype, ir.TRef) and ty.kind != "callable" else Mode.PLACE
                self.locals[p.name] = Local(name, ty, mode, param=True)
                if ty.kind == "str" and not rebound and p.name not in self.mutated_locals and p.name in indexed:
                    # Indexed in a loop and never rebound: its characters, collected once.
                    view = self.temp(f"{p.name}_chars")
                    self.locals[p.name].view = view
                    chars = ir.MethodCall(ir.MethodCall(ir.Path(name), "chars"), "collect")
                    prologue.append(ir.Let(ir.PBind(view), ir.TPath("Vec", (ir.TPath("char"),)), chars))
                # A parameter is initialised by the caller: any assignment needs `mut`.
                mutable = (rebound or p.name in self.mutated_locals) and mode is not Mode.REF
                shown = name if p.name in self.scan.names_read else self.unused_name(name)
                params.append(ir.Param(shown, ptype, mutable=mutable))
        if self.lazy:
            # An endless generator: a Rust iterator resuming its loop (lower/generators.py)
            from portalis.lower.generators import lazy_body

            return self.finish_fn(params, receiver, lazy_body(self, prologue), self.sig.returns)
        if self.scan.yields:
            # A generator function: what it yields is collected and returned as a list
            # (eagerly: an endless generator is lazy, decided by the type map).
            if isinstance(self.node, cst.FunctionDef):
                from portalis.analysis.generators import lazy_generator

                plan = lazy_generator(self.node)
                if plan is not None:
                    why = plan.problem or ("methods are not made lazy yet" if self.self_type is not None or self.outer is not None
                                           else "its yielded values are not typed")
                    raise Unsupported("PTL122", f"a generator with {plan.reason} is translated lazily, but not this one: {why}", self.node)
            if self.sig.returns.kind not in ("list", "unknown"):
                first_yield = next(n for n in iter_nodes(self.node.body) if type(n) is cst.Yield)
                exc = Unsupported("PTL122", f"a generator annotated as returning {self.sig.returns}", first_yield)
                exc.line = self.line(_statement_of(self.node.body, first_yield))
                raise exc
            ret = self.returns
            elem_t = self.rust_type(ret, holes=True) if ret.kind == "list" else ir.TPath("Vec", (ir.TPath("_"),))
            yielded_at = len(prologue)
            prologue.append(ir.Let(ir.PBind(YIELDED, True), elem_t, ir.Call(ir.Path("Vec::new"))))
        body = self.block(self.node.body, top=True)
        if self.scan.yields and self.sig.returns.kind == "unknown" and self.returns.kind == "list" and T.is_known(self.returns):
            # a nested generator the analysis does not type: its first yield set the list's
            # type (set_return), which the collecting list's declaration, written before it
            # with holes, now says in full
            prologue[yielded_at] = ir.Let(ir.PBind(YIELDED, True), self.rust_type(self.returns), ir.Call(ir.Path("Vec::new")))
        stmts = list(body.stmts)
        tail: ir.Expr | None = None
        falls_off = not _ends_in_return(stmts)
        if self.scan.yields:
            if falls_off:
                stmts.append(self.make_return(ir.Path(YIELDED)))
                falls_off = False
        elif self.sig.returns.kind == "unknown" and _py_falls_off(self.node.body):
            self.set_return(T.NONE)  # Python returns None at the end
        ret = self.returns
        if stmts and isinstance(stmts[-1], ir.Return) and stmts[-1].value is not None:
            tail = stmts.pop().value  # a final `return x;` reads better as the tail `x`
        elif stmts and match_as_tail(stmts[-1]) is not None:
            tail = match_as_tail(stmts.pop())  # a union's isinstance arms, each returning
        elif falls_off and ret.kind == "optional":
            tail = self.ok(ir.Path("None"))
        elif falls_off and ret.kind not in ("none", "unknown"):
            # Python falls off the end returning None; a typed function reaching here is a bug
            # in the source, and Rust needs the diverging expression to type-check.
            tail = ir.Macro("unreachable", fmt="function ended without a return value")
        elif falls_off and self.sig.raises:
            tail = self.ok(ir.TupleExpr(()))
        if isinstance(tail, ir.BlockExpr) and tail.label is None:
            # `return { let mut acc = ...; acc }` as the function's end: the block's statements
            # become the function's.
            stmts.extend(tail.block.stmts)
            tail = tail.block.tail
        if tail is None and stmts and isinstance(stmts[-1], ir.ExprStmt) and isinstance(stmts[-1].expr, ir.IfExpr):
            # An if/else whose every branch returns is the function's value: `if c { a } else { b }`.
            as_tail = _returns_as_tail(stmts[-1].expr)
            if as_tail is not None:
                stmts.pop()
                tail = _bool_if(as_tail)
        return self.finish_fn(params, receiver, ir.Block(tuple(prologue + stmts), tail), ret)

    def finish_fn(self, params: list[ir.Param], receiver: ir.SelfParam | None, body: ir.Block, ret: PyType) -> ir.Fn:
        """The function item: its nested functions first, then `body`; attributes and the
        return type (a Result when it raises)."""
        items: list[ir.Stmt] = [ir.ItemStmt(fn) for fn in self.nested_items]
        if ret.kind == "iter":
            rust_ret: ir.Type = ir.TImplIter(self.rust_type(ret.args[0]))
        else:
            rust_ret = self.rust_type(ret) if ret.kind not in ("none", "unknown") else ir.UNIT
        if self.sig.raises:
            self.use_runtime("PyErr")
            rust_ret = ir.TPath("Result", (rust_ret, ir.TPath(PYERR)))
        names = [self.sig.name, *(p.name for p in self.sig.params), *self.assign_count, *self.nested]
        attrs: tuple[ir.Attr, ...] = (ir.Allow(("non_snake_case",)),) if any(not _snake(n) for n in names) else ()
        if self.used_try:
            # A try body sends an error to its handlers with `break 'try Err(e)` from inside
            # the expression that failed: intended, not a mistake.
            attrs += (ir.Allow(("clippy::diverging_sub_expression",)),)
        attrs += tuple(ir.Allow((lint,)) for lint in self.allowed)
        fn = ir.Fn(
            name=rust_ident(self.sig.name),
            params=tuple(params),
            ret=rust_ret,
            body=ir.Block(tuple(items) + body.stmts, body.tail),
            attrs=attrs,
            receiver=receiver,
            generics=generic_params(self.sig),
        )
        return fix_mutability(fn)

    def ok(self, value: ir.Expr) -> ir.Expr:
        """A returned value: wrapped in Ok when the function returns Result."""
        if self.sig.raises:
            return ir.Call(ir.Path("Ok"), (value,))
        return value

    def _own_class_guard(self, stmt: cst.CSTNode) -> bool:
        """Whether `stmt` is the guard of a comparison method whose `other` the type map typed
        as the class itself (the type map's fact `comparison_guard`: the first statement after a
        docstring): the Rust trait compares objects of the class only, so the guard could never
        fire."""
        if not self.sig.facts.comparison_guard or not isinstance(self.node.body, cst.IndentedBlock):
            return False
        body = list(self.node.body.body)
        if body and _is_docstring(body[0]):
            body = body[1:]
        return bool(body) and body[0] is stmt

    def _needs_mut(self, name: str) -> bool:
        return (
            self.assign_count.get(name, 0) - self.scan.loop_target_count.get(name, 0) > 1
            or name in self.assigned_in_loop
            or name in self.mutated_locals
            or name in self.decls.needs_default
        )

    # -------------------------------------------------------- statements
    def block(self, suite: cst.BaseSuite, top: bool = False, prelude: list[ir.Stmt] | None = None) -> ir.Block:
        if not top:
            self.depth += 1
        self.blocks.append(id(suite))
        out: list[ir.Stmt] = list(prelude or [])
        try:
            body = list(suite.body)
            paired = -1  # a statement lowered together with the one before it
            for i, stmt in enumerate(body):
                if i == paired:
                    continue
                if i == 0 and top and _is_docstring(stmt):
                    continue
                if top and self._own_class_guard(stmt):
                    continue  # `if not isinstance(other, C): return NotImplemented`: `other` is a C here
                if out and isinstance(out[-1], (ir.Return, ir.Break, ir.Continue)):
                    break  # the rest of the block is dead code (Python never runs it either)
                if out and isinstance(out[-1], ir.ExprStmt) and isinstance(out[-1].expr, ir.BlockExpr) \
                        and out[-1].expr.label is None and _block_diverges(out[-1].expr.block):
                    break  # the same after a branch the types decide (static_if) that returns
                if out and i > 0 and id(body[i - 1]) in self.decided_exits:
                    break  # after a branch the types decide that never falls through (a try's too)
                if out and isinstance(out[-1], ir.ExprStmt) and isinstance(out[-1].expr, ir.Match) and _ends_in_return(out[-1:]):
                    # an isinstance `match` whose every arm returns: the union holds no other
                    # member, so what follows runs for no value the signature admits
                    break
                try:
                    narrowing = early_exit_rest(self, stmt, body[i + 1:])
                    if narrowing is not None:
                        # `if isinstance(x, int): return ...`: the rest is the other members' arm
                        out.extend(self.if_stmt(narrowing))
                        break
                    keyed = self.keyed_group(stmt, body[i + 1]) if i + 1 < len(body) else None
                    if keyed is not None:
                        out.extend(keyed)
                        paired = i + 1
                        continue
                    out.extend(self.stmt(stmt))
                except Unsupported as exc:
                    if exc.line is None:
                        exc.line = self.line(stmt) if not isinstance(stmt, cst.BaseSmallStatement) else self.current_line
                    raise
            out = self.hoisted_decls(id(suite)) + out
        finally:
            self.blocks.pop()
            if not top:
                self.depth -= 1
            # Rust scoping: what this block declared ends here (the declaration analysis put
            # every local in the block holding all its uses).
            for name in [n for n, loc in self.locals.items() if loc.block == id(suite) and not loc.param]:
                del self.locals[name]
        return ir.Block(tuple(out))

    def hoisted_decls(self, block_id: int) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for local in self.extra_hoists.get(block_id, []):
            init = ir.Call(ir.Path("Default::default")) if local.name in self.default_init else None
            out.append(ir.Let(binding(local.name, True), self.rust_type(local.ty, holes=True), init))
        for name in self.decls.hoisted.get(block_id, []):
            local = self.retyped.get(name) or self.locals.get(name)
            if local is None or local.func is not None:
                continue
            ty = self.rust_type(local.ty, holes=True)
            pattern = binding(local.name, self._needs_mut(name))
            if name in self.decls.needs_default:
                out.append(ir.Let(pattern, ty, ir.Call(ir.Path("Default::default"))))
            else:
                out.append(ir.Let(pattern, ty, None))
        return out

    def stmt(self, stmt: cst.BaseStatement) -> list[ir.Stmt]:
        line = self.line(stmt)
        if line is not None:
            self.current_line = line
        if isinstance(stmt, cst.SimpleStatementLine):
            out: list[ir.Stmt] = []
            for small in stmt.body:
                out.extend(self.small_stmt(small))
            return out
        if isinstance(stmt, cst.BaseSmallStatement):  # the body of `if x: return y`
            return self.small_stmt(stmt)
        if isinstance(stmt, cst.If):
            return self.if_stmt(stmt)
        if isinstance(stmt, cst.While):
            return self.while_stmt(stmt)
        if isinstance(stmt, cst.For):
            return self.for_stmt(stmt)
        if isinstance(stmt, cst.Try):
            return self.try_stmt(stmt)
        if isinstance(stmt, cst.TryStar):
            raise Unsupported("PTL121", "try/except* is not supported", stmt)
        if isinstance(stmt, cst.FunctionDef):
            return self.nested_def(stmt)
        if isinstance(stmt, cst.ClassDef):
            raise Unsupported("PTL123", "nested classes are not supported yet", stmt)
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
            if isinstance(small.value, cst.Yield):
                return self.yield_stmt(small.value)
            if isinstance(small.value, cst.Call):
                appended = self.builder_append(small.value)
                if appended is not None:
                    return appended
            if isinstance(small.value, cst.Await):
                raise Unsupported("PTL122", "async code is not supported", small)
            if not isinstance(small.value, cst.Call):
                raise Unsupported("PTL120", "an expression statement without effect", small)
            v = self.expr(small.value)
            expr = v.expr
            while isinstance(expr, (ir.MethodCall, ir.Unary)) and (
                isinstance(expr, ir.Unary) and expr.op == "*" or isinstance(expr, ir.MethodCall) and expr.method in ("clone", "to_string", "cloned") and not expr.args
            ):
                # The value is dropped: no copy of it is needed.
                expr = expr.receiver if isinstance(expr, ir.MethodCall) else expr.operand
            return [ir.ExprStmt(expr)]
        if isinstance(small, cst.Pass):
            return []
        if isinstance(small, cst.Break):
            loop = self.loops[-1] if self.loops else None
            if loop is not None and loop.broke_flag is not None:
                return [ir.Assign(ir.Path(loop.broke_flag), ir.BoolLit(True)), ir.Break()]
            return [ir.Break()]
        if isinstance(small, cst.Continue):
            return [ir.Continue()]
        if isinstance(small, cst.Raise):
            return self.raise_stmt(small)
        if isinstance(small, cst.Nonlocal) and all(
            (loc := self.locals.get(n.name.value)) is not None and loc.deref for n in small.names
        ):
            return []  # the captured variables are already `&mut` parameters
        if isinstance(small, (cst.Global, cst.Nonlocal)):
            raise Unsupported("PTL124", "global/nonlocal is not supported yet", small)
        if isinstance(small, cst.Assert):
            cond = self.condition(small.test)
            if small.msg is not None:
                m = self.expr(small.msg)
                msg = m.expr if m.ty.kind == "str" else self.to_str(m)  # a str is Display already
                return [ir.ExprStmt(ir.Macro("assert", (cond, ir.StrLit("AssertionError: {}"), msg)))]
            return [ir.ExprStmt(ir.Macro("assert", (cond, ir.StrLit("AssertionError"))))]
        if isinstance(small, cst.Del):
            return self.del_stmt(small)
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            self.local_import(small)
            return []
        raise Unsupported("PTL120", f"statement `{type(small).__name__}` is not supported yet", small)

    def local_import(self, node: cst.Import | cst.ImportFrom) -> None:
        """`import math` inside a function: the name is visible to the rest of the function."""
        from dataclasses import replace

        from portalis.parse import _attr_name, resolve_relative

        imports = dict(self.env.imports)
        if isinstance(node, cst.Import):
            for alias in node.names:
                module = _attr_name(alias.name)
                name = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else module.split(".")[0]
                imports[name] = (module, None)
        else:
            if isinstance(node.names, cst.ImportStar):
                raise Unsupported("PTL202", "`import *` inside a function", node)
            target = _attr_name(node.module) if node.module else None
            base = resolve_relative(self.env.module, False, len(node.relative), target)
            for alias in node.names:
                name = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else _attr_name(alias.name)
                imports[name] = (base, _attr_name(alias.name))
        self.env = replace(self.env, imports=imports)

    def make_return(self, value: ir.Expr | None) -> ir.Return:
        if self.sig.raises and isinstance(value, ir.Try):
            return ir.Return(value.operand)  # `Ok(f()?)` is `f()`: same Result type
        if self.sig.raises:
            return ir.Return(ir.Call(ir.Path("Ok"), (value if value is not None else ir.TupleExpr(()),)))
        return ir.Return(value)

    def yield_stmt(self, node: cst.Yield) -> list[ir.Stmt]:
        if self.lazy:
            from portalis.lower.generators import lazy_yield

            return lazy_yield(self, node)
        return self.eager_yield(node)

    def eager_yield(self, node: cst.Yield) -> list[ir.Stmt]:
        """A generator yields into the list it returns (translated eagerly): `yield from xs`
        extends it with xs's items, a bare `yield` yields None."""
        if isinstance(node.value, cst.From):
            from portalis.lower.generators import refuse_endless_source

            refuse_endless_source(self, node.value.item)
            xs = self.expr(node.value.item)
            if xs.ty.kind == "unknown":
                raise Unsupported("PTL112", "`yield from` a value of unknown type", node)
            if xs.ty.kind == "tuple":
                same = bool(xs.ty.args) and all(a == xs.ty.args[0] for a in xs.ty.args)
                item = xs.ty.args[0] if same else None
            else:
                item = self.iter_elem_type(xs)
            if item is None or not T.is_known(item):
                raise Unsupported("PTL113", f"`yield from` {xs.ty}", node)
            if self.sig.returns.kind == "unknown":
                self.set_return(T.list_of(item))
            want = self.returns
            elem = want.args[0] if want.kind == "list" else item
            return [ir.ExprStmt(ir.MethodCall(ir.Path(YIELDED), "extend", (self.iterate_owned_expr(xs, elem),)))]
        if node.value is None:  # a bare `yield`: None, the unit value in a list of Nones
            none_only = self.returns.kind == "list" and self.returns.args[0].kind == "none"
            v = Val(ir.TupleExpr(()) if none_only else ir.Path("None"), T.NONE)
        else:
            v = self.expr(node.value)
        if self.sig.returns.kind == "unknown":
            self.set_return(T.list_of(v.ty))
        want = self.returns
        elem = want.args[0] if want.kind == "list" else v.ty
        return [ir.ExprStmt(ir.MethodCall(ir.Path(YIELDED), "push", (owned_as(v, elem),)))]

    def return_stmt(self, node: cst.Return) -> ir.Stmt:
        if self.scan.yields:
            if node.value is not None:
                raise Unsupported("PTL122", "a generator returning a value is not supported", node)
            return self.make_return(ir.Path(YIELDED))
        inferring = self.sig.returns.kind == "unknown"
        if node.value is None:
            if inferring:
                self.set_return(T.NONE)
            want = self.returns
            if want.kind in ("none", "unknown"):
                return self.make_return(None)
            if want.kind == "optional":
                return self.make_return(ir.Path("None"))
            raise Unsupported("PTL113", f"bare return in a function returning {want}", node)
        v = self.expr(node.value)
        if inferring:
            self.set_return(v.ty)
        want = self.returns
        if want.kind == "none":
            if v.ty.kind == "none":
                return self.make_return(None)
            raise Unsupported("PTL113", "returns a value but is annotated -> None", node)
        if want.kind == "unknown":
            return self.make_return(owned(v))
        if v.ty.kind == "iter" and want.kind == "list":
            # `return reversed(xs)`: an iterator returned where the signature says a list (the
            # analysis types a returned iterator as the list of its items): collected
            from portalis.lower.builtins import collect_vec

            expr, elem = collect_vec(self, v)
            v = Val(expr, T.list_of(elem), Mode.OWNED)
        self.expect_local(v, want)
        v = self._reread(v)
        if v.ty.kind == "optional" and want.kind != "optional" and unify(v.ty.args[0], want) == want:
            # The signature promises a value where the code could return None: Python would
            # break that promise silently; the translation checks it.
            inner = Val(ir.MethodCall(owned(v), "expect", (ir.StrLit("TypeError: returned None where the signature promises a value"),)), v.ty.args[0])
            return self.make_return(owned_as(inner, want))
        if v.mode is Mode.PLACE and isinstance(v.expr, ir.Path) and T.same_shape(v.ty, want):
            local = next((loc for loc in self.locals.values() if loc.name == v.expr.name), None)
            if local is not None and not local.mutable_ref and not local.narrowed and local.func is None:
                return self.make_return(v.expr)  # the function ends: its local is moved out, not cloned
        try:
            return self.make_return(owned_as(v, want))
        except Unsupported as exc:
            raise Unsupported(exc.code, f"return: {exc.message}") from exc

    # -------------------------------------------------------- if / while / for
    def if_stmt(self, node: cst.If) -> list[ir.Stmt]:
        """An if statement, with Optional narrowing: `if x is not None:` unwraps x in the
        branch; after the statement, x stays unwrapped when every branch that falls through
        left it holding a value (`if x is None: return` / `if x is None: x = 0`)."""
        grouped = self.dict_group(node)
        if grouped is not None:
            return grouped
        let_form = self.if_let(node)
        if let_form is not None:
            return let_form
        matched = match_isinstance(self, node, _assigned_names)  # a union narrowed by isinstance
        if matched is not None:
            return matched
        cond = self.header_condition(node.test)
        if isinstance(cond, ir.BoolLit):
            return self.static_if(node, cond.value)
        then_n, else_n = self.narrowings(node.test)
        before = self.narrow_state()
        with self.narrowed(then_n):
            then = self.block(node.body)
            then_state = self.narrow_state()
        self.set_narrow_state(before)
        orelse: ir.Block | ir.IfExpr | None = None
        with self.narrowed(else_n):
            else_state = self.narrow_state()
            if isinstance(node.orelse, cst.If):
                inner = self.if_stmt(node.orelse)
                orelse = inner[0].expr if len(inner) == 1 and isinstance(inner[0], ir.ExprStmt) and isinstance(inner[0].expr, ir.IfExpr) else ir.Block(tuple(inner))
                else_state = self.narrow_state()
            elif isinstance(node.orelse, cst.Else):
                orelse = self.block(node.orelse.body)
                else_state = self.narrow_state()
        self.set_narrow_state(before)
        falls = []
        if not _block_diverges(then):
            falls.append(then_state)
        if not (isinstance(orelse, ir.Block) and _block_diverges(orelse)) and not (isinstance(orelse, ir.IfExpr) and _if_diverges(orelse)):
            falls.append(else_state)
        if falls:
            after = falls[0]
            for state in falls[1:]:
                after = after & state
            self.set_narrow_state(after)
        if orelse is None and not then.tail and len(then.stmts) == 1:
            inner = then.stmts[0]
            if (
                isinstance(inner, ir.ExprStmt)
                and isinstance(inner.expr, ir.IfExpr)
                and inner.expr.orelse is None
                and not isinstance(inner.expr.cond, ir.LetPattern)
                and not isinstance(cond, ir.LetPattern)
            ):
                # `if a: if b: ...` is `if a && b { ... }`.
                return [ir.ExprStmt(ir.IfExpr(ir.Binary("&&", cond, inner.expr.cond), inner.expr.then))]
        return [ir.ExprStmt(ir.IfExpr(cond, then, orelse))]

    def static_if(self, node: cst.If, taken: bool) -> list[ir.Stmt]:
        """An if statement whose test the types decide (`isinstance(s, str)` of a str, `type(x)
        == type("")` of a list): only the branch Python can run is lowered, as a plain block
        (getopt's `if isinstance(longopts, str): longopts = [longopts]` of a list[str]: the
        other branch would not type). The test has no effects to keep: it lowered to a literal.
        The branch is a plain block (its locals hoisted as for the if); one that never falls
        through makes the rest of the enclosing block dead code (`block` stops there)."""
        if taken:
            self._decided_exit(node, node.body)
            return [ir.ExprStmt(ir.BlockExpr(self.block(node.body)))]
        if isinstance(node.orelse, cst.If):
            lowered = self.if_stmt(node.orelse)
            if id(node.orelse) in self.decided_exits:
                self.decided_exits.add(id(node))
            return lowered
        if isinstance(node.orelse, cst.Else):
            self._decided_exit(node, node.orelse.body)
            return [ir.ExprStmt(ir.BlockExpr(self.block(node.orelse.body)))]
        return []

    def _decided_exit(self, node: cst.If, suite: cst.BaseSuite) -> None:
        """Note an if whose decided branch never falls through in Python (its last statement
        returns or raises, through a try's handlers too: the analysis' `end_reachable`), so
        `block` lowers nothing after it, as the analysis reads nothing after it
        (`dead_after_decided_test`). The Rust of a try does not show rustc that it diverges:
        the function's closing `unreachable!` covers what rustc cannot see."""
        if suite_falls_through(suite) is False:
            self.decided_exits.add(id(node))

    def if_let(self, node: cst.If) -> list[ir.Stmt] | None:
        """`if x is not None: A else: B` (or `if x is None: B else: A`) as
        `if let Some(x) = x { A } else { B }`: A reads the value directly (no unwrap). Only when
        A does not assign x (it would assign the Optional, not the value)."""
        test = node.test
        if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name)):
            return None
        comp = test.comparisons[0]
        if not (isinstance(comp.comparator, cst.Name) and comp.comparator.value == "None" and isinstance(comp.operator, (cst.Is, cst.IsNot))):
            return None
        name = test.left.value
        local = self.locals.get(name)
        if local is None or local.ty.kind != "optional" or local.narrowed or local.mutable_ref or local.func is not None:
            return None
        if isinstance(node.orelse, cst.If):
            return None
        some_first = isinstance(comp.operator, cst.IsNot)
        some_suite = node.body if some_first else (node.orelse.body if isinstance(node.orelse, cst.Else) else None)
        none_suite = (node.orelse.body if isinstance(node.orelse, cst.Else) else None) if some_first else node.body
        if some_suite is None or name in _assigned_names(some_suite):
            return None
        inner = local.ty.args[0]
        copy = is_copy(inner)
        before = self.narrow_state()
        shadow = Local(local.name, inner, Mode.PLACE if copy else Mode.REF, param=local.param, block=local.block)
        self.locals[name] = shadow
        try:
            some_block = self.block(some_suite)
        finally:
            self.locals[name] = local
        some_state = (self.narrow_state() - {name}) | {name}
        self.set_narrow_state(before)
        none_block: ir.Block | None = None
        none_state = before
        if none_suite is not None:
            none_block = self.block(none_suite)
            none_state = self.narrow_state()
        self.set_narrow_state(before)
        falls = [state for block, state in ((some_block, some_state), (none_block, none_state))
                 if block is None or not _block_diverges(block)]
        if falls:
            after = falls[0]
            for state in falls[1:]:
                after = after & state
            self.set_narrow_state(after)
        scrutinee = local.path() if copy else ir.Ref(local.path())
        cond = ir.LetPattern(ir.PVariant("Some", (ir.PBind(local.name),)), scrutinee)
        if none_block is not None and not none_block.stmts and none_block.tail is None:
            none_block = None
        return [ir.ExprStmt(ir.IfExpr(cond, some_block, none_block))]

    def while_stmt(self, stmt: cst.While) -> list[ir.Stmt]:
        flag = self.temp("broke") if stmt.orelse is not None else None
        before = self.loop_entry_state(stmt)
        cond = self.header_condition(stmt.test)
        then_n, else_n = self.narrowings(stmt.test)
        self.loops.append(_Loop(flag))
        try:
            with self.narrowed(then_n):
                body = self.block(stmt.body)
        finally:
            self.loops.pop()
            self.set_narrow_state(before)
        from portalis.cst_scan import iter_nodes

        if stmt.orelse is None and not any(isinstance(n, cst.Break) for n in iter_nodes(stmt.body, prune=(cst.For, cst.While, cst.FunctionDef))):
            # a loop without a break ends only when its test is false: `while x is None: ...`
            # leaves x holding a value (pygments' `_get_ttype_class`)
            with self.narrowed(else_n):
                after = self.narrow_state()
            self.set_narrow_state(after)
        loop: ir.Stmt
        if isinstance(cond, ir.BoolLit) and cond.value:
            # `while True:` is Rust's `loop`: rustc knows it only ends by break or return.
            loop = ir.Loop(body)
        else:
            loop = ir.While(cond, body)
        return self.with_else(loop, flag, stmt.orelse)

    def loop_entry_state(self, loop: cst.For | cst.While) -> frozenset[str]:
        """Narrowing that holds on every iteration: what the loop body never rebinds. It is
        also what holds after the loop (which may run zero times)."""
        from portalis.cst_scan import iter_nodes

        current = self.narrow_state()
        if not current:
            return current
        bound: set[str] = set()
        values: dict[str, list[cst.BaseExpression | None]] = {}
        for n in iter_nodes(loop.body):
            targets: list[cst.BaseExpression] = []
            t = type(n)
            if t is cst.Assign:
                targets = [t.target for t in n.targets]
            elif t is cst.AnnAssign or t is cst.AugAssign:
                targets = [n.target]
            for target in targets:
                if type(target) is cst.Name and t is cst.Assign:
                    values.setdefault(target.value, []).append(n.value)
                    continue
                for x in iter_nodes(target):
                    if type(x) is cst.Name:
                        bound.add(x.value)
                        values.setdefault(x.value, []).append(None)

        def not_none(e: cst.BaseExpression | None, seen: frozenset[str]) -> bool:
            # What the loop assigns that is certainly not None keeps the narrowing (`hi = mid`
            # with `mid = (lo + hi) // 2`): a literal, arithmetic, len(), a local of a type
            # that is not Optional, or a name every assignment of which in the loop is so.
            if e is None:
                return False
            if type(e) in (cst.Integer, cst.Float, cst.SimpleString, cst.BinaryOperation):
                return True
            if type(e) is cst.Call and type(e.func) is cst.Name and e.func.value == "len":
                return True
            if type(e) is cst.Name:
                if e.value in values:
                    return e.value not in seen and all(not_none(v, seen | {e.value}) for v in values[e.value])
                local = self.locals.get(e.value)
                return local is not None and T.is_known(local.ty) and local.ty.kind not in ("optional", "none")
            return False

        def own_slice(e: cst.BaseExpression | None, name: str) -> bool:
            # `margin = margin[:i]` (textwrap.dedent): a slice of the narrowed value itself is
            # not None when every other assignment in the loop keeps it so (by induction)
            return type(e) is cst.Subscript and type(e.value) is cst.Name and e.value.value == name \
                and all(type(el.slice) is cst.Slice for el in e.slice)

        for name, assigned in values.items():
            if name in current and not all(not_none(v, frozenset({name})) or own_slice(v, name) for v in assigned):
                bound.add(name)
        state = frozenset(n for n in current if n not in bound)
        self.set_narrow_state(state)
        return state

    def header_condition(self, test: cst.BaseExpression) -> ir.Expr:
        """The test of an if/while."""
        return self.condition(test)

    def with_else(self, loop: ir.Stmt, flag: str | None, orelse: cst.Else | None) -> list[ir.Stmt]:
        """`for/while ... else`: the else block runs when no break left the loop."""
        if orelse is None or flag is None:
            return [loop]
        other = self.block(orelse.body)
        return [
            ir.Let(ir.PBind(flag, True), ir.BOOL, ir.BoolLit(False)),
            loop,
            ir.ExprStmt(ir.IfExpr(ir.Unary("!", ir.Path(flag)), other)),
        ]

    # -------------------------------------------------------- assignment
    def assign(self, node: cst.Assign) -> list[ir.Stmt]:
        if len(node.targets) != 1:
            # a = b = value: evaluate once, bind each target (Copy values only: no aliasing).
            v = self.expr(node.value)
            if not is_copy(v.ty):
                raise Unsupported("PTL120", "chained assignment of a container (aliasing) is not supported", node)
            tmp = self.temp("chain")
            out: list[ir.Stmt] = [ir.Let(ir.PBind(tmp), None, owned(v))]
            for t in node.targets:
                out.extend(self.bind_val(t.target, Val(ir.Path(tmp), v.ty, Mode.PLACE), node))
            return out
        return self.bind(node.targets[0].target, node.value, None, node)

    def ann_assign(self, node: cst.AnnAssign) -> list[ir.Stmt]:
        try:
            declared = resolve_annotation(code_of(node.annotation.annotation), self.scope)
        except AnnotationError as exc:
            raise Unsupported("PTL111", str(exc), node) from exc
        if node.value is None:
            if isinstance(node.target, cst.Name) and node.target.value not in self.locals:
                self.facts.locals.setdefault(node.target.value, declared)
            return []
        return self.bind(node.target, node.value, declared, node)

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression, declared: PyType | None, node: cst.CSTNode) -> list[ir.Stmt]:
        if isinstance(target, cst.Name):
            built = self.builder_binding(target.value, declared, node)
            if built is not None:
                return built
            if isinstance(value, cst.Lambda) and declared is None:
                return self.bind_lambda(target.value, value)
            return self.bind_name(target.value, self.expr(value), declared, node)
        if isinstance(target, (cst.Tuple, cst.List)):
            return self.bind_tuple(target, value, node)
        if isinstance(target, cst.Subscript):
            counted = self.dict_update(target, value)
            if counted is not None:
                return counted
        return self.bind_val(target, self.expr(value), node)

    def dict_update(self, target: cst.Subscript, value: cst.BaseExpression) -> list[ir.Stmt] | None:
        """`d[k] = d.get(k, default) OP x` (the counting idiom) in one lookup of k: the slot
        of k, `default` inserted first when k is absent, then updated in place. Only for a
        plain dict of numbers, k a name or a literal, default and x names or literals (nothing
        that could run code or change d between the reads)."""
        simple = (cst.Name, cst.Integer, cst.Float, cst.SimpleString)
        if not (isinstance(target.value, cst.Name) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index)):
            return None
        key_node = target.slice[0].slice.value
        if not isinstance(value, cst.BinaryOperation) or not isinstance(value.left, cst.Call) or type(value.operator) not in (cst.Add, cst.Subtract, cst.Multiply):
            return None
        call = value.left
        if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "get" and isinstance(call.func.value, cst.Name)
                and call.func.value.value == target.value.value and len(call.args) == 2 and not any(a.keyword or a.star for a in call.args)):
            return None
        key2, default_node = call.args[0].value, call.args[1].value
        if not (isinstance(key_node, simple) and key_node.deep_equals(key2) and isinstance(default_node, simple) and isinstance(value.right, simple)):
            return None
        recv = self.expr(target.value)
        if recv.ty.kind != "dict" or recv.ty.name or not T.is_known(recv.ty) or recv.ty.args[1].kind not in ("int", "float"):
            return None
        k_t, v_t = recv.ty.args
        key, default, right = self.expr(key_node), self.expr(default_node), self.expr(value.right)
        if unify(key.ty, k_t) != k_t or not _fits(default, v_t):
            return None
        if unify(right.ty, v_t) != v_t or right.ty.kind not in ("int", "float"):
            return None  # an int slot and a float operand: the value changes type
        self.use_runtime("PyDict")
        # str keys compared inline (pyrt's PyDict::slot_str), any other key through Eq
        get = ir.MethodCall(self.mutable(recv), "slot_str" if k_t.kind == "str" else "slot", (self.key_ref(key, k_t), owned_as(default, v_t)))
        op = {cst.Add: "+=", cst.Subtract: "-=", cst.Multiply: "*="}[type(value.operator)]
        return [ir.Assign(ir.Unary("*", get), read(coerce(right, v_t)), op)]

    def keyed_group(self, stmt: cst.BaseStatement, nxt: cst.BaseStatement) -> list[ir.Stmt] | None:
        """`k = "".join(sorted(s))` followed by the grouping idiom on k (`dict_group`), k read
        nowhere else (dead after the `if`, not in the arguments or the value stored): the key
        is sorted into a buffer on the stack (`pyrt::SortedKey`: a short ASCII str), looked up
        from there, and made a String only when it is new. Python makes the key str every time;
        an allocation per lookup is most of what the idiom costs in Rust."""
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(nxt, cst.If)):
            return None
        a = stmt.body[0]
        if isinstance(a, cst.Assign) and len(a.targets) == 1 and isinstance(a.targets[0].target, cst.Name):
            name, value = a.targets[0].target.value, a.value
        elif isinstance(a, cst.AnnAssign) and isinstance(a.target, cst.Name) and a.value is not None:
            name, value = a.target.value, a.value
        else:
            return None
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "join"):
            return None
        test = nxt.test
        if not (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and test.left.value == name):
            return None
        if name in self.locals or self.tries or self.closure_depth or self.outer is not None:
            return None
        if any(name in names for names in self.decls.hoisted.values()) or name in self.decls.loop_escaping:
            return None
        # the test, `d[k].m(...)` and `d[k] = v`: the key and nothing else
        if sum(1 for n in iter_nodes(nxt) if isinstance(n, cst.Name) and n.value == name) != 3:
            return None
        if not dead_after(self.node, nxt, name):
            return None
        v = self.expr(value)
        if not (isinstance(v.expr, ir.Call) and isinstance(v.expr.func, ir.Path) and v.expr.func.name == "crate::pyrt::sorted_str"):
            return None
        tmp = self.temp(name)
        grouped = self.dict_group(nxt, (ir.MethodCall(ir.Path(tmp), "as_str"), ir.MethodCall(ir.Path(tmp), "into_string")))
        if grouped is None:
            return None
        self.use_runtime("SortedKey")
        return [ir.Let(ir.PBind(tmp), None, ir.Call(ir.Path("crate::pyrt::SortedKey::new"), v.expr.args)), *grouped]

    def dict_group(self, node: cst.If, key_exprs: tuple[ir.Expr, ir.Expr] | None = None) -> list[ir.Stmt] | None:
        """`if k in d: d[k].m(args) else: d[k] = v` (the grouping idiom) in one lookup when k
        is present: `match d.get_mut(k) { Some(slot) => slot.m(args), None => d[k] = v }`.
        Only for a plain dict of lists, sets or dicts held here, k a name or a literal, and
        args and v not mentioning d. `key_exprs` (`keyed_group`): a str key held elsewhere, as
        the `&str` to look up and the String to insert."""
        simple = (cst.Name, cst.Integer, cst.SimpleString)
        test = node.test
        if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, cst.In)
                and isinstance(test.left, simple) and isinstance(test.comparisons[0].comparator, cst.Name)):
            return None
        key_node, d = test.left, test.comparisons[0].comparator.value
        body, orelse = node.body, node.orelse
        if not (isinstance(body, cst.IndentedBlock) and len(body.body) == 1 and isinstance(orelse, cst.Else)
                and isinstance(orelse.body, cst.IndentedBlock) and len(orelse.body.body) == 1):
            return None
        then_line, else_line = body.body[0], orelse.body.body[0]
        if not (isinstance(then_line, cst.SimpleStatementLine) and len(then_line.body) == 1 and isinstance(then_line.body[0], cst.Expr)
                and isinstance(else_line, cst.SimpleStatementLine) and len(else_line.body) == 1 and isinstance(else_line.body[0], cst.Assign)):
            return None
        call, store = then_line.body[0].value, else_line.body[0]

        def item_of_d(e: cst.BaseExpression) -> bool:
            return (isinstance(e, cst.Subscript) and isinstance(e.value, cst.Name) and e.value.value == d and len(e.slice) == 1
                    and isinstance(e.slice[0].slice, cst.Index) and e.slice[0].slice.value.deep_equals(key_node))

        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and item_of_d(call.func.value)
                and len(store.targets) == 1 and item_of_d(store.targets[0].target)):
            return None
        if any(_mentions_name(a.value, d) or a.keyword or a.star for a in call.args) or _mentions_name(store.value, d):
            return None
        local = self.locals.get(d)
        if local is None or local.mode is not Mode.PLACE or local.func is not None or local.narrowed:
            return None
        recv = self.expr(test.comparisons[0].comparator)
        if recv.ty.kind != "dict" or recv.ty.name or not T.is_known(recv.ty) or recv.ty.args[1].kind not in ("list", "set", "dict"):
            return None
        k_t, v_t = recv.ty.args
        if key_exprs is not None:
            if k_t.kind != "str":
                return None
            key_ref = key_exprs[0]
        else:
            key = self.expr(key_node)
            if unify(key.ty, k_t) != k_t:
                return None
            key_ref = self.key_ref(key, k_t)
        slot = self.temp("slot")
        self.use_runtime("PyDict")
        args = [self.expr(a.value) for a in call.args]
        then = self.method_call(Val(ir.Path(slot), v_t, Mode.PLACE), call.func.attr.value, args, {}, call)
        if key_exprs is not None:
            stored = owned_as(self.expr(store.value), v_t)
            other: list[ir.Stmt] = [ir.ExprStmt(ir.MethodCall(self.mutable(recv), "insert", (key_exprs[1], stored)))]
        else:
            other = self.stmt(else_line)
        # a str key compared inline (pyrt's PyDict::get_mut_str), any other key through Eq
        lookup = ir.MethodCall(self.mutable(recv), "get_mut_str" if k_t.kind == "str" else "get_mut", (key_ref,))
        arms = (ir.MatchArm(ir.PVariant("Some", (ir.PBind(slot),)), ir.BlockExpr(ir.Block((ir.ExprStmt(then.expr),)))),
                ir.MatchArm(ir.PVariant("None"), ir.BlockExpr(ir.Block(tuple(other)))))
        return [ir.ExprStmt(ir.Match(lookup, arms))]

    # -------------------------------------------------------- lists that only build a string
    def builder(self, name: str) -> Builder | None:
        """The list `name` if it only builds a string (analysis/builders.py) and is lowered as
        that String (its binding was seen with str items)."""
        if self._builders is None:
            self._builders = string_builders(self.node) if self.outer is None else {}
        b = self._builders.get(name)
        return b if b is not None and name in self.building else None

    def builder_binding(self, name: str, declared: PyType | None, node: cst.CSTNode) -> list[ir.Stmt] | None:
        """`parts = []` of a list that only builds a string: the String it builds (and, for a
        separator, whether a piece came yet)."""
        if self._builders is None:
            self._builders = string_builders(self.node) if self.outer is None else {}
        b = self._builders.get(name)
        if b is None or b.binding != id(node) or name in self.locals or self.closure_depth:
            return None
        ty = declared if declared is not None else self.facts.locals.get(name)
        if ty != T.list_of(T.STR):
            return None
        self.building[name] = self.temp("started") if b.sep else ""
        out = self.let_local(name, Val(ir.Call(ir.Path("String::new"), ()), T.STR), T.STR)
        if b.sep:
            out.append(ir.Let(ir.PBind(self.building[name], True), None, ir.BoolLit(False)))
        return out

    def builder_append(self, call: cst.Call) -> list[ir.Stmt] | None:
        """`parts.append(x)` of a string builder: x pushed onto the String (after the separator
        unless it is the first piece), as `s += x` would be."""
        f = call.func
        if not (isinstance(f, cst.Attribute) and isinstance(f.value, cst.Name)):
            return None
        b = self.builder(f.value.value)
        if b is None or id(call) not in b.appends:
            return None
        out: list[ir.Stmt] = []
        local = self.locals[f.value.value]
        flag = self.building[f.value.value]
        if flag:
            push = (ir.MethodCall(local.path(), "push", (ir.CharLit(b.sep),)) if len(b.sep) == 1
                    else ir.MethodCall(local.path(), "push_str", (ir.StrLit(b.sep),)))
            out.append(ir.ExprStmt(ir.IfExpr(ir.Path(flag), ir.Block((ir.ExprStmt(push),)))))
            out.append(ir.Assign(ir.Path(flag), ir.BoolLit(True)))
        return out + self.push_str_node(local, call.args[0].value)

    def push_str_val(self, local: Local, value: Val) -> list[ir.Stmt]:
        """`s += value` on a str local s: pushed in place (a char, formatted text written
        straight into s, or the str's text)."""
        if isinstance(value.expr, ir.StrLit) and len(value.expr.value) == 1:
            return [ir.ExprStmt(ir.MethodCall(local.path(), "push", (ir.CharLit(value.expr.value),)))]
        if (isinstance(value.expr, ir.Macro) and value.expr.name == "format"
                and not any(_mentions(a, local.path()) for a in value.expr.args)):
            # `s += a + str(n)`: formatted straight into s, no intermediate String (formatted
            # first where it reads s itself).
            args = ir.Macro("format_args", value.expr.args, fmt=value.expr.fmt)
            write = ir.Call(ir.Path("std::fmt::Write::write_fmt"), (ir.Ref(local.path(), mutable=True), args))
            return [ir.ExprStmt(ir.MethodCall(write, "expect", (ir.StrLit("a String takes any text"),)))]
        if value.char is not None:
            return [ir.ExprStmt(ir.MethodCall(local.path(), "push", (value.char,)))]
        return [ir.ExprStmt(ir.MethodCall(local.path(), "push_str", (str_view(value) if value.mode is not Mode.OWNED else ir.Ref(value.expr),)))]

    def push_concat(self, local: Local, node: cst.BaseExpression) -> list[ir.Stmt] | None:
        """`s += a + str(n) + ...` (or the same appended to a string builder): each operand of
        the chain of `+` pushed onto s in turn, an int's `str()` written as digits
        (`pyrt::push_int`), instead of the formatting machinery over the whole text. None
        where an operand is not a str, reads s itself, or a try body could see s half-done
        when an operand raises."""
        operands: list[cst.BaseExpression] = []
        todo = node
        while isinstance(todo, cst.BinaryOperation) and isinstance(todo.operator, cst.Add):
            operands.append(todo.right)
            todo = todo.left
        operands.append(todo)
        operands.reverse()
        if len(operands) < 2 or self.tries or self.closure_depth:
            return None
        if any(isinstance(n, cst.Name) and self.locals.get(n.value) is local for op in operands for n in iter_nodes(op)):
            return None
        vals: list[Val | None] = []
        for op in operands:
            if (isinstance(op, cst.Call) and isinstance(op.func, cst.Name) and op.func.value == "str"
                    and self.locals.get("str") is None and len(op.args) == 1 and not op.args[0].keyword and not op.args[0].star):
                inner = self.expr(op.args[0].value)
                if inner.ty.kind == "int":
                    vals.append(Val(read(inner), T.INT))
                    continue
            vals.append(None)
        pieces = [v if v is not None else self.expr(op) for v, op in zip(vals, operands)]
        if any(v is None and p.ty.kind != "str" for v, p in zip(vals, pieces)):
            return None
        out: list[ir.Stmt] = []
        for v, piece in zip(vals, pieces):
            if v is not None:
                self.use_runtime("push_int")
                out.append(ir.ExprStmt(ir.Call(ir.Path("crate::pyrt::push_int"), (ir.Ref(local.path(), mutable=True), v.expr))))
            else:
                out += self.push_str_val(local, piece)
        return out

    def push_str_node(self, local: Local, node: cst.BaseExpression) -> list[ir.Stmt]:
        """A piece appended to a string builder: `a * k` (a str, k an int) repeats a into the
        String without making the repeated String first; a chain of `+` piece by piece
        (`push_concat`); anything else as `s += x`."""
        pieces = self.push_concat(local, node)
        if pieces is not None:
            return pieces
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
            left, right = self.expr(node.left), self.expr(node.right)
            pair = (left, right) if left.ty.kind == "str" else (right, left)
            if pair[0].ty.kind == "str" and pair[1].ty.kind == "int":
                text, n = pair
                piece = text.char if text.char is not None else str_view(text)
                count = ir.Cast(ir.MethodCall(self.receiver(coerce(n, T.INT)), "max", (ir.IntLit(0),)), ir.USIZE)
                return [ir.ExprStmt(ir.MethodCall(local.path(), "extend",
                                                  (ir.Call(ir.Path("std::iter::repeat_n"), (piece, count)),)))]
            value = self.binary(node.operator, left, right, node)
        else:
            value = self.expr(node)
        if value.ty.kind != "str":
            raise Unsupported("PTL113", f"a list of strs: appending {value.ty}", node)
        return self.push_str_val(local, value)

    def builder_join(self, call: cst.Call) -> Val | None:
        """`SEP.join(parts)` of a string builder: the String itself (moved out by a return)."""
        arg = call.args[0].value if len(call.args) == 1 else None
        if not isinstance(arg, cst.Name):
            return None
        b = self.builder(arg.value)
        if b is None or id(call) not in b.joins:
            return None
        v = self.local_val(self.locals[arg.value])
        return Val(v.expr, T.STR, Mode.OWNED) if id(call) in b.returned else v

    def moved(self, value: cst.Name, v: Val) -> Val:
        """y in `x = y` or `xs.append(y)` where y is dead afterwards (portalis/analysis/
        liveness.py): y's value is moved instead of cloned. Only for y an owned local of this
        function's body (not a borrowed or `&mut` parameter, not inside a closure or a try body,
        whose handlers may still read y). Where y stays a copy of a list, dict, set or object
        that the function changes in place (through either name), Python's two names share it
        and the copy would diverge: PTL125, not translated."""
        out = self._moved(value, v)
        if out.mode is Mode.OWNED or is_copy(v.ty) or v.ty.kind not in ("list", "dict", "set", "class"):
            return out
        if self._shared is None:
            self._shared = shared_then_changed(self.node)
        changed = self._shared.get(id(value))
        if changed is not None:
            raise Unsupported(
                "PTL125", f"`{value.value}` is shared by two names here in Python and `{changed}` is changed in place "
                f"afterwards: the Rust would change a copy (use `{value.value}.copy()` or a fresh value if that is meant)", value)
        return out

    def _moved(self, value: cst.Name, v: Val) -> Val:
        if v.mode is not Mode.PLACE or is_copy(v.ty):
            return v
        if self.outer is not None or self.closure_depth or self.tries:
            return v
        if self._movable is None:
            self._movable = movable_copies(self.node)
        if id(value) not in self._movable:
            return v
        local = self.locals.get(value.value)
        if local is None or local.func is not None or local.mutable_ref or local.narrowed or local.mode is not Mode.PLACE:
            return v
        if v.expr != local.path() or local.deref:
            return v
        return Val(v.expr, v.ty, Mode.OWNED)

    def bind_val(self, target: cst.BaseExpression, v: Val, node: cst.CSTNode) -> list[ir.Stmt]:
        if isinstance(target, cst.Name):
            return self.bind_name(target.value, v, None, node)
        if isinstance(target, cst.Subscript):
            return [self.store_item(target, v)]
        if isinstance(target, cst.Attribute):
            recv = self.expr(target.value)
            cls = self.env.class_sig(recv.ty)
            named = cls.properties.get(target.attr.value) if cls is not None else None
            # `x = property(getx, setx)`: the setter has its own name; `@x.setter` is `__set_x__`
            setter = named[1] if named is not None and named[1] is not None else f"__set_{target.attr.value}__"
            if cls is not None and cls.method(setter) is not None:
                # `obj.x = v` where x is a property with a setter: the setter runs.
                called = self.class_method(recv, setter, [v], {}, node)
                if called is not None:
                    return [ir.ExprStmt(called.expr)]
            field_t = self.field_type(recv, target.attr.value)
            if not T.is_known(field_t) and isinstance(recv.expr, ir.Path) and recv.expr.name == "self":
                # An attribute whose type the class does not say: learnt from what is stored.
                wider = unify(field_t, v.ty) or v.ty
                self.refuse_wider(f"`self.{target.attr.value}`", field_t, wider)
                field_t = wider
            place = ir.Field(self.mutable(recv), rust_ident(target.attr.value))
            return [ir.Assign(place, owned_as(v, field_t))]
        if isinstance(target, (cst.Tuple, cst.List)):
            return self.unpack(target, v, node)
        raise Unsupported("PTL120", "this assignment target is not supported yet", node)

    def declare(self, pyname: str, ty: PyType, mode: Mode = Mode.PLACE) -> Local:
        loc = Local(rust_ident(pyname), ty, mode)
        loc.block = self.decl_block(pyname)
        self.locals[pyname] = loc
        return loc

    def decl_block(self, pyname: str) -> int:
        """The block a local is declared in: the hoisting block, or the current one."""
        if pyname in self.decls.hoisted_names:
            for block_id, names in self.decls.hoisted.items():
                if pyname in names and block_id in self.blocks:
                    return block_id
        return self.blocks[-1] if self.blocks else 0

    def bind_name(self, pyname: str, v: Val, declared: PyType | None, node: cst.CSTNode) -> list[ir.Stmt]:
        if v.func is not None:
            if pyname in self.locals and self.locals[pyname].func is None:
                raise Unsupported("PTL131", f"binding a function value to `{pyname}` is not supported here", node)
            local = Local(rust_ident(pyname), v.ty, Mode.OWNED, func=v.func)
            local.block = self.decl_block(pyname)
            self.locals[pyname] = local
            return []
        if v.ty.kind in ("iter", "list") and pyname in self.next_targets:
            # `next(it)` reads it: a Rust iterator, advanced in place (lower/generators.py)
            from portalis.lower.generators import iterator_local

            return iterator_local(self, pyname, v)
        if v.ty.kind == "iter":
            # An iterator stored in a variable: materialised as a list (it is consumed once).
            from portalis.lower.builtins import collect_vec

            expr, elem = collect_vec(self, v)
            v = Val(expr, T.list_of(elem))
        local = self.locals.get(pyname)
        if local is not None and local.func is None:
            if local.mode is Mode.REF or local.mutable_ref:
                raise Unsupported("PTL120", f"rebinding `{pyname}` is not supported here", node)
            ty = local.ty
            if declared is not None and declared != ty:
                raise Unsupported("PTL113", f"`{pyname}` changes type from {ty} to {declared}", node)
            target_ty = ty
            if local.narrowed:
                target_ty = T.optional(ty)
            if not _fits(v, target_ty):
                wider = unify(ty, v.ty)
                if wider is not None and wider != ty and not local.narrowed:
                    # The local needs a wider type (int -> float, [] -> list[int], None -> Optional)
                    # than the facts gave it: code lowered so far used the narrower one.
                    self.refuse_wider(f"`{pyname}`", ty, wider)
                if self.can_shadow(local):
                    return self.let_local(pyname, v, self.next_binding_type(pyname, v), shadow=True)
                if local.param and dead_after_branch(self.node, node, pyname):
                    # a parameter rebound with another type in an `if` branch, never read
                    # once the branch is done: the branch's own `let` (analysis/liveness.py)
                    return self.let_local(pyname, v, v.ty, shadow=True)
                if not local.param and not local.narrowed and T.is_known(v.ty) and local.block in self.blocks:
                    return self.retype(pyname, local, v)
                raise Unsupported("PTL113", f"`{pyname}` is {ty} but is assigned {v.ty}", node)
            out = [_assign(local.path(), owned_as(v, target_ty))]
            if target_ty.kind == "optional":
                # After `x = value`, x holds a value (until it is assigned None).
                holds = v.ty.kind not in ("none", "optional")
                state = set(self.narrow_state())
                state = state | {pyname} if holds else state - {pyname}
                self.set_narrow_state(state)
            return out
        if local is not None and local.func is not None:
            raise Unsupported("PTL120", f"rebinding function `{pyname}`", node)
        ty = declared if declared is not None else v.ty
        if declared is not None and declared.kind == "dict" and v.ty.kind == "dict" and v.ty.name and not declared.name:
            # `d: Dict[str, List[int]] = defaultdict(list)`: the annotation's types, the value's
            # missing-key behaviour.
            ty = PyType(kind="dict", args=declared.args, name=v.ty.name)
        fact = self.facts.locals.get(pyname)
        if declared is None and fact is not None and _fits(v, fact):
            ty = fact
        if ty.kind == "func":
            raise Unsupported("PTL131", "function values in variables are not supported here", node)
        if not T.is_known(ty) and not _holes_ok(ty):
            raise Unsupported("PTL112", f"cannot infer the type of `{pyname}`: annotate it (x: list[int] = [])", node)
        if pyname in self.decls.hoisted_names:
            loc = self.declare(pyname, ty)
            return [ir.Assign(loc.path(), owned_as(v, ty))]
        return self.let_local(pyname, v, ty)

    def retype(self, pyname: str, local: Local, v: Val) -> list[ir.Stmt]:
        """A local declared ahead (its uses span blocks) rebound to a value of another type:
        a second Rust variable, declared next to the first, holds the new value, and later
        code reads it. It has no default value: if some path could still read the old one,
        rustc rejects the function (quarantine) instead of the translation guessing."""
        self.temp_counter += 1
        self.retyped.setdefault(pyname, local)
        new = Local(f"{local.name}_{self.temp_counter}", v.ty, Mode.PLACE)
        new.block = local.block
        # Inside a try body rustc cannot tell that code after the try only runs when the body
        # finished: the new variable starts from its type's default there.
        new.param = False
        if self.tries:
            self.default_init.add(new.name)
        self.extra_hoists.setdefault(local.block, []).append(new)
        self.locals[pyname] = new
        return [ir.Assign(ir.Path(new.name), owned(v))]

    def next_binding_type(self, pyname: str, v: Val) -> PyType:
        """The type of the next Rust binding of a local rebound to a value of an unrelated type
        (a shadowing `let`): the analysis' type for that binding (`FunctionFacts.rebound`:
        `s = []` ... `s = "".join(s)`) when the value fits it, else the value's own type."""
        versions = self.sig.facts.rebound.get(pyname, ()) if self.outer is None else ()
        k = self.rebindings.get(pyname, 0) + 1
        self.rebindings[pyname] = k
        if k < len(versions) and _fits(v, versions[k]):
            return versions[k]
        return v.ty

    def can_shadow(self, local: Local) -> bool:
        """A rebinding with an unrelated type becomes a new `let` (Rust shadowing) when it is a
        statement of the block that declared the local: later code only sees the new value."""
        if local.func is not None:
            return False
        if not self.blocks:
            return False
        if local.param:
            return len(self.blocks) == 1  # a statement of the function body
        return local.block == self.blocks[-1] and local.name not in self.decls.hoisted_names

    def let_local(self, pyname: str, v: Val, ty: PyType, shadow: bool = False) -> list[ir.Stmt]:
        value = owned_as(v, ty)
        loc = self.declare(pyname, ty)
        if shadow:
            loc.param = False
        annot = self.rust_type(ty, holes=True) if not _is_literal_typed(value, ty) else None
        return [ir.Let(binding(loc.name, self._needs_mut(pyname)), annot, value)]

    def bind_tuple(self, target: cst.Tuple | cst.List, value: cst.BaseExpression, node: cst.CSTNode) -> list[ir.Stmt]:
        names = [el.value for el in target.elements]
        if (
            isinstance(value, (cst.Tuple, cst.List))
            and len(value.elements) == len(names)
            and all(isinstance(n, cst.Name) for n in names)
            and not any(isinstance(e, cst.StarredElement) for e in value.elements)
        ):
            targets = {n.value for n in names if isinstance(n, cst.Name)}
            reads = {x.value for e in value.elements for x in _names_in(e.value)}
            if not targets & reads:
                # `a, b = 0, 1`: nothing on the right reads a target, bind one by one.
                out: list[ir.Stmt] = []
                for n, e in zip(names, value.elements):
                    assert isinstance(n, cst.Name)
                    out.extend(self.bind_name(n.value, self.expr(e.value), None, node))
                return out
        groups = None
        if _is_groups_call(value) and not any(isinstance(el, cst.StarredElement) for el in target.elements):
            groups = self.match_groups(value, len(target.elements))
        return self.unpack(target, groups if groups is not None else self.expr(value), node)

    def match_groups(self, call: cst.Call, n: int) -> Val | None:
        """`a, b = m.groups()`: of a match whose pattern is not known when translating (a
        `re.Match` parameter), the n groups the unpacking takes, after checking at run time
        that the pattern has n (Python's ValueError otherwise). None for any other receiver."""
        assert isinstance(call.func, cst.Attribute)
        if not isinstance(call.func.value, cst.Name):
            return None  # a name is read without effects: lowering it here and again below is safe
        recv = self.expr(call.func.value)
        if recv.ty.kind != "re_match" or recv.ty.name is not None:
            return None
        self.use_runtime("ReMatch")
        m = recv.expr if recv.mode is not Mode.OWNED else ir.Ref(recv.expr)
        tmp = self.temp("m")
        fail = ir.Block(tail=ir.Macro("panic", fmt=f"ValueError: the match's groups are not {n} values to unpack"))
        check = ir.IfExpr(ir.Binary("!=", ir.MethodCall(ir.Path(tmp), "group_count"), ir.IntLit(n)), fail)
        items = ir.TupleExpr(tuple(ir.MethodCall(ir.Path(tmp), "group", (ir.IntLit(k),)) for k in range(1, n + 1)))
        block = ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, m), ir.ExprStmt(check)), items))
        return Val(block, T.tuple_of(*([T.STR] * n)))

    def unpack(self, target: cst.Tuple | cst.List, v: Val, node: cst.CSTNode) -> list[ir.Stmt]:
        elements = list(target.elements)
        if any(isinstance(el, cst.StarredElement) for el in elements):
            return self.unpack_starred(elements, v, node)
        # Evaluate the whole right side first (Python semantics for `a, b = b, a + b`).
        tmp = self.temp("tuple")
        stmts: list[ir.Stmt] = [ir.Let(ir.PBind(tmp), None, owned(v))]
        if v.ty.kind == "tuple":
            if len(v.ty.args) != len(elements):
                raise Unsupported("PTL113", f"cannot unpack {v.ty} into {len(elements)} names", node)
            parts = [Val(ir.Field(ir.Path(tmp), str(i)), ty, Mode.OWNED) for i, ty in enumerate(v.ty.args)]
        elif v.ty.kind == "list":
            # Python checks the length at run time.
            n = len(elements)
            if self.catching():
                err = ir.Call(ir.Path(f"{PYERR}::new"), (ir.StrLit("ValueError"), ir.MethodCall(ir.StrLit(f"expected {n} values to unpack"), "to_string")))
                fail = ir.Block(tuple(self.raise_err(err)))
            else:
                fail = ir.Block(tail=ir.Macro("panic", fmt=f"ValueError: expected {n} values to unpack"))
            check = ir.IfExpr(ir.Binary("!=", ir.MethodCall(ir.Path(tmp), "len"), ir.IntLit(n)), fail)
            stmts.append(ir.ExprStmt(check))
            elem = v.ty.args[0]
            parts = [Val(ir.Index(ir.Path(tmp), ir.IntLit(i)), elem, Mode.PLACE) for i in range(n)]
        elif (fields := self.namedtuple_fields(v.ty)) is not None:
            if len(fields) != len(elements):
                raise Unsupported("PTL113", f"cannot unpack {v.ty} into {len(elements)} names", node)
            parts = [Val(ir.Field(ir.Path(tmp), rust_ident(f.name)), f.py_type, Mode.OWNED) for f in fields]
        else:
            raise Unsupported("PTL113", f"cannot unpack {v.ty}", node)
        for el, part in zip(elements, parts):
            stmts.extend(self.bind_val(el.value, part, node))
        return stmts

    def unpack_starred(self, elements: list, v: Val, node: cst.CSTNode) -> list[ir.Stmt]:
        """`first, *rest = xs` / `*init, last = xs`: the names before and after the starred one
        take single items, the starred one a list of what is left (Python checks the length)."""
        stars = [i for i, el in enumerate(elements) if isinstance(el, cst.StarredElement)]
        if len(stars) != 1:
            raise Unsupported("PTL120", "several starred names in one assignment", node)
        if v.ty.kind == "tuple" and v.ty.args and all(a == v.ty.args[0] for a in v.ty.args):
            items = tuple(ir.Field(v.expr, str(i)) for i in range(len(v.ty.args))) if v.mode is Mode.OWNED else tuple(
                ir.MethodCall(ir.Field(v.expr, str(i)), "clone") if not is_copy(v.ty.args[0]) else ir.Field(v.expr, str(i))
                for i in range(len(v.ty.args)))
            v = Val(ir.Macro("vec", items, brackets="[]"), T.list_of(v.ty.args[0]))
        if v.ty.kind == "str":
            from portalis.lower.builtins import collect_vec

            expr, elem = collect_vec(self, v)
            v = Val(expr, T.list_of(elem))
        if v.ty.kind != "list":
            raise Unsupported("PTL120", f"starred unpacking of {v.ty}", node)
        star = stars[0]
        before, after = star, len(elements) - star - 1
        tmp = self.temp("items")
        stmts: list[ir.Stmt] = [ir.Let(ir.PBind(tmp), None, owned(v))]
        n = before + after
        message = f"not enough values to unpack (expected at least {n})"
        if self.catching():
            err = ir.Call(ir.Path(f"{PYERR}::new"), (ir.StrLit("ValueError"), ir.MethodCall(ir.StrLit(message), "to_string")))
            fail = ir.Block(tuple(self.raise_err(err)))
        else:
            fail = ir.Block(tail=ir.Macro("panic", fmt=f"ValueError: {message}"))
        stmts.append(ir.ExprStmt(ir.IfExpr(ir.Binary("<", ir.MethodCall(ir.Path(tmp), "len"), ir.IntLit(n)), fail)))
        elem = v.ty.args[0]
        length = ir.MethodCall(ir.Path(tmp), "len")
        parts: list[Val] = [Val(ir.Index(ir.Path(tmp), ir.IntLit(i)), elem, Mode.PLACE) for i in range(before)]
        middle = ir.MethodCall(ir.Index(ir.Path(tmp), ir.RangeExpr(ir.IntLit(before), ir.Binary("-", length, ir.IntLit(after)) if after else None)), "to_vec")
        parts.append(Val(middle, v.ty))
        parts += [Val(ir.Index(ir.Path(tmp), ir.Binary("-", length, ir.IntLit(after - i))), elem, Mode.PLACE) for i in range(after)]
        for el, part in zip(elements, parts):
            stmts.extend(self.bind_val(el.value, part, node))
        return stmts

    def namedtuple_fields(self, ty: PyType) -> list | None:
        """The fields of a NamedTuple type, in tuple order (None for anything else)."""
        if ty.kind != "class":
            return None
        cls = self.env.class_sig(ty)
        if cls is None or cls.flavour != "namedtuple":
            return None
        return list(cls.fields)

    def store_item(self, target: cst.Subscript, v: Val) -> ir.Stmt:
        if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Slice):
            return self.store_slice(target, target.slice[0].slice, v)
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            raise Unsupported("PTL130", "multi-dimensional subscripts are not supported", target)
        lets, recv = self.index_path(target.value)
        key = self.expr(target.slice[0].slice.value)
        if recv.ty.kind == "list":
            if recv.ty.args[0].kind == "unknown":
                self.refine(recv, T.list_of(v.ty))
            place = self.mutable(recv)
            value = owned_as(v, recv.ty.args[0])
            index = self.list_index(recv, key)
            if isinstance(index, ir.IntLit) and not lets:
                return ir.Assign(ir.Index(place, index), value)
            # Positions read the lists (`xs.len()`): compute them, and the value (Python
            # evaluates the right side first), before the element is borrowed mutably.
            value_tmp, index_tmp = self.temp("value"), self.temp("index")
            return ir.ExprStmt(ir.BlockExpr(ir.Block((
                ir.Let(ir.PBind(value_tmp), None, value),
                *lets,
                ir.Let(ir.PBind(index_tmp), None, index),
                ir.Assign(ir.Index(place, ir.Path(index_tmp)), ir.Path(value_tmp)),
            ))))
        if lets:
            raise Unsupported("PTL130", "item assignment in a dict held in a list is not supported yet", target)
        if recv.ty.kind == "dict":
            k_t, v_t = recv.ty.args
            if not T.is_known(recv.ty):
                new_k = k_t if T.is_known(k_t) else key.ty
                new_v = v_t if T.is_known(v_t) else v.ty
                recv = self.refine(recv, PyType(kind="dict", args=(new_k, new_v), name=recv.ty.name))
                k_t, v_t = recv.ty.args
            wider = unify(v_t, v.ty)
            if wider is not None and wider != v_t and not _fits(v, v_t):
                self.refine(recv, PyType(kind="dict", args=(k_t, wider), name=recv.ty.name))
            value = owned_as(v, v_t)
            root = recv.expr
            while isinstance(root, (ir.MethodCall, ir.Field, ir.Index)):
                root = root.receiver

            def insert(value: ir.Expr) -> ir.Expr:
                if k_t.kind == "str" and key.ty.kind == "str" and key.mode is not Mode.OWNED:
                    # A borrowed str key: copied only when it is new to the dict.
                    return ir.MethodCall(self.mutable(recv), "set_item", (str_view(key), value))
                return ir.MethodCall(self.mutable(recv), "insert", (owned_as(key, k_t), value))

            if _mentions(value, root):
                # `memo[n] = f(n - 1, memo)`: the value uses the dict, compute it first.
                tmp = self.temp("value")
                return ir.ExprStmt(ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, value), ir.ExprStmt(insert(ir.Path(tmp)))))))
            return ir.ExprStmt(insert(value))
        raise Unsupported("PTL113", f"item assignment on {recv.ty}", target)

    def index_path(self, node: cst.BaseExpression) -> tuple[list[ir.Stmt], Val]:
        """A chain of list subscripts (`grid[i][j]`) as a place whose positions are computed
        into temporaries first (an index expression cannot read a list that is borrowed
        mutably for the assignment)."""
        if (
            isinstance(node, cst.Subscript)
            and len(node.slice) == 1
            and isinstance(node.slice[0].slice, cst.Index)
        ):
            lets, inner = self.index_path(node.value)
            if inner.ty.kind == "list":
                key = self.expr(node.slice[0].slice.value)
                tmp = self.temp("index")
                lets.append(ir.Let(ir.PBind(tmp), None, self.list_index(inner, key)))
                return lets, Val(ir.Index(self.mutable(inner), ir.Path(tmp)), inner.ty.args[0], Mode.PLACE)
            if not lets:
                return [], self.place(node)
            raise Unsupported("PTL130", "assignment into this nested container is not supported yet", node)
        return [], self.place(node)

    def store_slice(self, target: cst.Subscript, sl: cst.Slice, v: Val) -> ir.Stmt:
        """`xs[a:b] = ys` (the list may grow or shrink) and `xs[::k] = ys` (same length)."""
        recv = self.place(target.value)
        if recv.ty.kind != "list":
            raise Unsupported("PTL113", f"slice assignment on {recv.ty}", target)

        def bound(e: cst.BaseExpression | None) -> ir.Expr:
            if e is None or (isinstance(e, cst.Name) and e.value == "None"):
                return ir.Path("None")
            return ir.Call(ir.Path("Some"), (read(coerce(self.expr(e), T.INT)),))

        step: ir.Expr = ir.IntLit(1)
        if sl.step is not None:
            step = read(coerce(self.expr(sl.step), T.INT))
        from portalis.lower.builtins import collect_vec

        values, elem = collect_vec(self, v)
        if elem != recv.ty.args[0]:
            values = owned_as(Val(values, T.list_of(elem)), recv.ty)
        self.use_runtime("list_set_slice")
        # The values and bounds may read the list: compute them before borrowing it mutably.
        lets = (
            ir.Let(ir.PBind("__values"), None, values),
            ir.Let(ir.PBind("__start"), None, bound(sl.lower)),
            ir.Let(ir.PBind("__stop"), None, bound(sl.upper)),
            ir.Let(ir.PBind("__step"), None, step),
        )
        args = (ir.Ref(self.mutable(recv), mutable=True), ir.Path("__start"), ir.Path("__stop"), ir.Path("__step"), ir.Path("__values"))
        call = ir.ExprStmt(ir.Call(ir.Path("crate::pyrt::list_set_slice"), args))
        return ir.ExprStmt(ir.BlockExpr(ir.Block(lets + (call,))))

    def refine(self, v: Val, ty: PyType) -> Val:
        """A container local of partly unknown type gets its full type from a use (`xs.append(1)`
        makes `xs = []` a list[int]). Returns the value with its new type."""
        if isinstance(v.expr, ir.Field) and isinstance(v.expr.receiver, ir.Path) and v.expr.receiver.name == "self" and self.self_type is not None:
            # An attribute of self whose type the class did not say: the class learns it.
            wider = unify(v.ty, ty)
            if wider is None:
                raise Unsupported("PTL113", f"`self.{v.expr.name}` is {v.ty}, used as {ty}")
            self.refuse_wider(f"`self.{v.expr.name}`", v.ty, wider)
            return Val(v.expr, wider, v.mode)
        if (
            isinstance(v.expr, ir.MethodCall)
            and v.expr.method == "get_or_insert_default"
            and isinstance(v.expr.receiver, ir.Path)
        ):
            # `groups[k].append(x)` on a defaultdict(list): the dict learns its value type.
            holder = next((loc for loc in self.locals.values() if loc.name == v.expr.receiver.name), None)
            if holder is not None and holder.ty.kind == "dict":
                k_t, v_t = holder.ty.args
                wider = unify(v_t, ty)
                if wider is None:
                    raise Unsupported("PTL113", f"dict values are {v_t}, used as {ty}")
                self.refine(self.local_val(holder), PyType(kind="dict", args=(k_t, wider), name=holder.ty.name))
                return Val(v.expr, wider, v.mode)
        if not isinstance(v.expr, ir.Path):
            if T.is_known(v.ty):
                return v
            raise Unsupported("PTL112", f"cannot infer the element type of this {v.ty.kind}")
        name = next((n for n, loc in self.locals.items() if loc.name == v.expr.name), None)
        if name is None:
            raise Unsupported("PTL112", f"cannot infer the type of `{v.expr.name}`")
        local = self.locals[name]
        wider = unify(local.ty, ty)
        if wider is None:
            raise Unsupported("PTL113", f"`{name}` is {local.ty}, used as {ty}")
        if wider == local.ty:
            return v
        if local.param:
            raise Unsupported("PTL113", f"`{name}` is {local.ty}, used as {ty}")
        self.refuse_wider(f"`{name}`", local.ty, wider)
        return v

    def expect_local(self, v: Val, ty: PyType) -> None:
        """A value of partly unknown type used where `ty` is needed: a local learns its type."""
        if T.is_known(v.ty) or not isinstance(v.expr, ir.Path) or not T.is_known(ty):
            return
        if unify(v.ty, ty) is None:
            return
        try:
            self.refine(v, ty)
        except Unsupported:
            pass

    def aug_assign(self, node: cst.AugAssign) -> list[ir.Stmt]:
        op = _AUG.get(type(node.operator))
        if op is None:
            raise Unsupported("PTL130", f"augmented operator {code_of(node.operator)} is not supported yet", node)
        if isinstance(node.target, cst.Name):
            local = self.locals.get(node.target.value)
            if local is None or local.mode is Mode.REF or local.func is not None:
                raise Unsupported("PTL135", f"augmented assignment to `{node.target.value}`", node)
            target = self.expr(node.target)
            if target.ty.kind == "str" and isinstance(op, cst.Add) and not local.narrowed and isinstance(node.value, cst.BinaryOperation):
                pieces = self.push_concat(local, node.value)
                if pieces is not None:
                    return pieces
            value = self.expr(node.value)
            if target.ty.kind == "list" and isinstance(op, cst.Add) and value.ty.kind in ("list",):
                # xs += ys extends xs in place.
                if not T.is_known(target.ty):
                    target = self.refine(target, value.ty)
                return [ir.ExprStmt(ir.MethodCall(local.path(), "extend", (self.iterate_owned_expr(value, target.ty.args[0]),)))]
            if target.ty.kind == "str" and isinstance(op, cst.Add) and value.ty.kind == "str" and not local.narrowed:
                return self.push_str_val(local, value)
            result = self.binary(op, target, value, node)
            if (
                target.ty.kind in ("int", "float")
                and result.ty == target.ty
                and type(node.operator) in _RUST_AUG
                and not local.narrowed
            ):
                return [ir.Assign(local.path(), read(coerce(value, target.ty)), _RUST_AUG[type(node.operator)])]
            return self.bind_name(node.target.value, result, None, node)
        target = self.expr(node.target)
        value = self.expr(node.value)
        result = self.binary(op, target, value, node)
        if isinstance(node.target, cst.Subscript):
            return [self.store_item(node.target, result)]
        if isinstance(node.target, cst.Attribute):
            recv = self.expr(node.target.value)
            place = ir.Field(self.mutable(recv), rust_ident(node.target.attr.value))
            if target.ty.kind in ("int", "float") and result.ty == target.ty and type(node.operator) in _RUST_AUG:
                return [ir.Assign(place, read(coerce(value, target.ty)), _RUST_AUG[type(node.operator)])]
            return [ir.Assign(place, owned_as(result, target.ty))]
        raise Unsupported("PTL120", "this augmented assignment target is not supported yet", node)

    def del_stmt(self, node: cst.Del) -> list[ir.Stmt]:
        target = node.target
        if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
            recv = self.place(target.value)
            key = self.expr(target.slice[0].slice.value)
            if recv.ty.kind == "list":
                index = self.list_index(recv, key)
                return [ir.ExprStmt(ir.BlockExpr(ir.Block((
                    ir.Let(ir.PBind("__index"), None, index),
                    ir.ExprStmt(ir.MethodCall(self.mutable(recv), "remove", (ir.Path("__index"),))),
                ))))]
            if recv.ty.kind == "dict":
                removed = ir.MethodCall(self.mutable(recv), "remove", (self.key_ref(key, recv.ty.args[0]),))
                return [ir.ExprStmt(self.expect_some(removed, "KeyError"))]
        raise Unsupported("PTL120", "this del statement is not supported yet", node)


def _assigned_names(suite: cst.CSTNode) -> set[str]:
    """Names a block binds (assignments, for targets, with ... as)."""
    from portalis.cst_scan import iter_nodes

    out: set[str] = set()
    for n in iter_nodes(suite, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        targets: list[cst.BaseExpression] = []
        t = type(n)
        if t is cst.Assign:
            targets = [x.target for x in n.targets]
        elif t is cst.AnnAssign or t is cst.AugAssign:
            targets = [n.target]
        elif t is cst.For:
            targets = [n.target]
        for target in targets:
            for x in iter_nodes(target):
                if type(x) is cst.Name:
                    out.add(x.value)
    return out


def _mentions(e: ir.Expr, target: ir.Expr) -> bool:
    """Whether expression `e` refers to the variable `target` is (a Path)."""
    if not isinstance(target, ir.Path):
        return False
    stack: list[object] = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            stack.extend(x)
            continue
        if isinstance(x, ir.Path) and x.name == target.name:
            return True
        if isinstance(x, (ir.Expr, ir.Block, ir.Stmt, ir.MatchArm)):
            for name in getattr(x, "__slots__", ()):
                child = getattr(x, name, None)
                if isinstance(child, (ir.Expr, ir.Block, ir.Stmt, ir.MatchArm)):
                    stack.append(child)
                elif isinstance(child, tuple):
                    stack.extend(c for c in child if isinstance(c, (ir.Expr, ir.Block, ir.Stmt, ir.MatchArm)) or isinstance(c, tuple))
    return False


def _nonlocal_names(node: cst.FunctionDef) -> set[str]:
    """The names a function declares `nonlocal` (anywhere in its own body)."""
    return {
        n.name.value
        for stmt in iter_nodes(node.body, prune=(cst.FunctionDef, cst.ClassDef, cst.Lambda))
        if type(stmt) is cst.Nonlocal
        for n in stmt.names
    }


def _assign(target: ir.Path, value: ir.Expr) -> ir.Assign:
    """`x = x + y` as `x += y` (what rustc and clippy expect)."""
    if isinstance(value, ir.Binary) and value.op in ("+", "-", "*") and value.left == target:
        return ir.Assign(target, value.right, value.op + "=")
    return ir.Assign(target, value)


def _fits(v: Val, ty: PyType) -> bool:
    """Whether a value converts to type `ty` without widening it."""
    try:
        coerce(v, ty)
        return True
    except Unsupported:
        return False


def _holes_ok(ty: PyType) -> bool:
    """Containers whose element type is unknown can still be declared (`Vec<_>`): rustc infers
    it from their uses."""
    return ty.kind in ("list", "set", "dict") and not T.is_known(ty)


def _is_literal_typed(value: ir.Expr, ty: PyType) -> bool:
    """Whether the Rust value already says its type, so the `let` needs no annotation."""
    if ty.kind == "class":
        return isinstance(value, ir.StructLit) or (
            isinstance(value, ir.Call) and isinstance(value.func, ir.Path) and value.func.name.endswith(("::new", "::default"))
        )
    if ty.kind == "int":
        return False
    if ty.kind == "float" and isinstance(value, ir.FloatLit):
        return True
    if ty.kind == "bool" and isinstance(value, ir.BoolLit):
        return True
    return False


def _names_in(node: cst.CSTNode):
    from portalis.cst_scan import iter_nodes

    for n in iter_nodes(node):
        if isinstance(n, cst.Name):
            yield n


def _bool_if(e: ir.IfExpr) -> ir.Expr:
    """`if c { true } else { false }` is `c`."""
    if (
        isinstance(e.orelse, ir.Block)
        and not e.then.stmts
        and not e.orelse.stmts
        and isinstance(e.then.tail, ir.BoolLit)
        and isinstance(e.orelse.tail, ir.BoolLit)
        and e.then.tail.value != e.orelse.tail.value
    ):
        return e.cond if e.then.tail.value else ir.Unary("!", e.cond)
    return e


def generic_params(sig: FunctionSignature) -> tuple[ir.GenericParam, ...]:
    """The type parameters of a generic function with the bounds the analysis found
    (FunctionFacts.generics); a type parameter the signature mentions without facts (a stub of a
    function the analysis refused) gets Clone, which every value the translation passes around
    needs."""
    mentioned: set[str] = set()
    for p in sig.params:
        mentioned |= T.typevars_in(p.py_type)
    mentioned |= T.typevars_in(sig.returns)
    return tuple(ir.GenericParam(v, tuple(sig.facts.generics.get(v, ("Clone",)))) for v in sorted(mentioned))


def _first_param(node: cst.FunctionDef) -> str | None:
    params = [*node.params.posonly_params, *node.params.params]
    return params[0].name.value if params else None


def _statement_of(body: cst.CSTNode, target: cst.CSTNode) -> cst.CSTNode:
    """The innermost simple statement holding `target` (for its line)."""
    from portalis.cst_scan import iter_nodes

    for n in iter_nodes(body):
        if type(n) is cst.SimpleStatementLine and any(m is target for m in iter_nodes(n)):
            return n
    return body




def _snake(name: str) -> bool:
    """Whether rustc's non_snake_case lint accepts the name (Python names keep their case:
    `def digitSum(N)` stays `digitSum`, allowed explicitly)."""
    return name == name.lower()


def _returns_as_tail(e: ir.IfExpr) -> ir.IfExpr | None:
    """The if/else with each branch's final `return v;` turned into its tail value `v` (None
    when some branch does not end in a return)."""

    def branch(b: ir.Block) -> ir.Block | None:
        if b.tail is not None or not b.stmts:
            return None
        last = b.stmts[-1]
        if isinstance(last, ir.Return) and last.value is not None:
            return ir.Block(b.stmts[:-1], last.value)
        if isinstance(last, ir.ExprStmt) and isinstance(last.expr, ir.Macro) and last.expr.name in ("panic", "unreachable"):
            return ir.Block(b.stmts[:-1], last.expr)  # diverges: fits any branch type
        if isinstance(last, ir.ExprStmt) and isinstance(last.expr, ir.IfExpr):
            inner = _returns_as_tail(last.expr)
            if inner is not None:
                return ir.Block(b.stmts[:-1], inner)
        return None

    then = branch(e.then)
    if then is None or e.orelse is None:
        return None
    if isinstance(e.orelse, ir.IfExpr):
        orelse: ir.Block | ir.IfExpr | None = _returns_as_tail(e.orelse)
    else:
        orelse = branch(e.orelse)
    if orelse is None:
        return None
    return ir.IfExpr(e.cond, then, orelse)


def _py_falls_off(suite: cst.BaseSuite) -> bool:
    """Whether control can reach the end of a Python block (syntactically, conservatively)."""
    body = list(suite.body)
    if not body:
        return True
    return _py_stmt_falls_off(body[-1])


def _py_stmt_falls_off(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return not any(isinstance(s, (cst.Return, cst.Raise)) for s in stmt.body)
    if isinstance(stmt, (cst.Return, cst.Raise)):
        return False
    if isinstance(stmt, cst.If):
        if _py_falls_off(stmt.body):
            return True
        if isinstance(stmt.orelse, cst.If):
            return _py_stmt_falls_off(stmt.orelse)
        if isinstance(stmt.orelse, cst.Else):
            return _py_falls_off(stmt.orelse.body)
        return True
    if isinstance(stmt, cst.While):
        # `while True:` without a break only ends by returning.
        if isinstance(stmt.test, cst.Name) and stmt.test.value == "True":
            from portalis.cst_scan import iter_nodes

            return any(isinstance(n, cst.Break) for n in iter_nodes(stmt.body, prune=(cst.For, cst.While, cst.FunctionDef)))
        return True
    if isinstance(stmt, cst.Try):
        if stmt.finalbody is not None and not _py_falls_off(stmt.finalbody.body):
            return False
        body_falls = _py_falls_off(stmt.orelse.body) if stmt.orelse is not None else _py_falls_off(stmt.body)
        return body_falls or any(_py_falls_off(h.body) for h in stmt.handlers)
    if isinstance(stmt, cst.With):
        return _py_falls_off(stmt.body)
    return True


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _block_diverges(block: ir.Block) -> bool:
    """Whether a block never falls through (ends in return, break, continue or a panic)."""
    if block.tail is not None:
        return isinstance(block.tail, ir.Macro) and block.tail.name in ("panic", "unreachable", "todo")
    if not block.stmts:
        return False
    last = block.stmts[-1]
    if isinstance(last, (ir.Return, ir.Break, ir.Continue)):
        return True
    if isinstance(last, ir.ExprStmt):
        if isinstance(last.expr, ir.Macro) and last.expr.name in ("panic", "unreachable"):
            return True
        if isinstance(last.expr, ir.IfExpr):
            return _if_diverges(last.expr)
        if isinstance(last.expr, ir.BlockExpr) and last.expr.label is None:
            return _block_diverges(last.expr.block)
    return _ends_in_return(list(block.stmts))


def _if_diverges(e: ir.IfExpr) -> bool:
    """Whether every branch of an if/else-if chain diverges (iterative, memoized)."""
    # An `elif` chain is asked about at every level of its lowering, and walking it again each
    # time made a 1,000-branch chain quadratic: answers are kept in the lowering's memo scope
    # (portalis/memo.py; entries hold their node, so ids stay unique while they live).
    table = memo_table("if_diverges")
    if table is None:
        table = {}
    chain: list[ir.IfExpr] = []
    current = e
    while True:
        hit = table.get(id(current))
        if hit is not None and hit[0] is current:
            result = hit[1]
            break
        chain.append(current)
        if current.orelse is None or not _block_diverges(current.then):
            result = False
            break
        if isinstance(current.orelse, ir.IfExpr):
            current = current.orelse
            continue
        result = _block_diverges(current.orelse)
        break
    for link in chain:
        table[id(link)] = (link, result)
    return result


def _ends_in_return(stmts: list[ir.Stmt]) -> bool:
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ir.Return):
        return True
    if isinstance(last, ir.ExprStmt) and isinstance(last.expr, ir.IfExpr):
        return _if_returns(last.expr)
    if isinstance(last, ir.ExprStmt) and isinstance(last.expr, ir.Match):  # a union's isinstance arms
        return all((isinstance(a.body, ir.BlockExpr) and _ends_in_return(list(a.body.block.stmts)))
                   or (isinstance(a.body, ir.Macro) and a.body.name == "unreachable") for a in last.expr.arms)
    if isinstance(last, ir.ExprStmt) and isinstance(last.expr, ir.Macro) and last.expr.name in ("panic", "unreachable"):
        return True
    if isinstance(last, ir.ExprStmt) and isinstance(last.expr, ir.BlockExpr) and last.expr.label is None:
        return _ends_in_return(list(last.expr.block.stmts))  # a branch the types decide (static_if)
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
        if isinstance(stmt, ir.Let) and isinstance(stmt.value, ir.Match) and any(
                isinstance(a.body, ir.BlockExpr) and _breaks(a.body.block) for a in stmt.value.arms):
            return True  # `let a = match it.next() { Some(x) => x, None => { break; } };` (lower/iteration.py)
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


# ---------------------------------------------------------------- the driver


def name_clash(names: list[str]) -> str | None:
    """Two distinct Python names of one function that rust_ident() maps to one Rust name
    (`self` and `self_`, `_` and `__`, a non-ASCII name and its mangled spelling), or None."""
    seen: dict[str, str] = {}
    for n in names:
        r = rust_ident(n)
        other = seen.setdefault(r, n)
        if other != n and unicodedata.normalize("NFKC", other) != unicodedata.normalize("NFKC", n):
            return f"the Python names `{other}` and `{n}` would both be `{r}` in Rust: rename one"
    return None


def lower_function(
    env: ModuleEnv,
    sig: FunctionSignature,
    node: cst.FunctionDef,
    scope: TypeScope,
    tree: SourceTree | None = None,
    facts: Facts | None = None,
    outer: FunctionLowerer | None = None,
    self_type: PyType | None = None,
) -> tuple[ir.Fn, FunctionLowerer]:
    """Lower a function in one pass, from the analysis' facts (`sig.facts`: its locals' types, the
    widened copies of parameters, the bindings of rebound locals), or the given `facts` (a
    nested function's). A local the facts leave open is refused (PTL112, `FunctionLowerer.refuse_wider`)."""
    if facts is None:
        # The analysis' local types (computed with the type map) are where lowering starts.
        # (and the copies of the parameters the body widens: `n = n / 2`).
        facts = Facts(locals={**sig.facts.locals, **sig.facts.widened})
    scan = scan_function(node)
    clash = name_clash([p.name for p in sig.params] + sorted(set(scan.names_read) | set(scan.assign_count)))
    if clash is not None:
        raise Unsupported("PTL165", clash, node)
    lw = FunctionLowerer(env, sig, node, scope, tree, scan, facts, outer=outer, self_type=self_type)
    return lw.lower(), lw


def _mentions_name(node: cst.CSTNode, name: str) -> bool:
    """Whether the syntax mentions the Python name (anywhere inside it)."""
    if isinstance(node, cst.Name):
        return node.value == name
    return any(_mentions_name(c, name) for c in node.children)
