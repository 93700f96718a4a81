"""Lowering expressions: names, operators, comparisons, displays, f-strings, subscripts, calls.

A mixin of FunctionLowerer (lower/function.py): it uses the lowerer's locals, facts and tables.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable as CallableType, Iterator

import libcst as cst

from portalis.builtin_bases import HELD_FIELDS, held_field_text
from portalis.lower.bigint import bigint_arg, bigint_call, bigint_result, on_bigint
from portalis.lower.bytes_ops import (
    bytes_concat,
    bytes_contains,
    bytes_fromhex,
    bytes_index,
    bytes_literal,
    bytes_maketrans,
    bytes_repeat,
    bytes_repr,
    bytes_slice,
)
from portalis.lower.builtins import BUILTINS, TYPE_NAMES, MODULE_MEMBERS, isinstance_of, lower_builtin, lower_module_member
from portalis.lower.context import (
    Callable,
    ClassRef,
    class_static_path,
    ConstRef,
    Local,
    Mode,
    Unsupported,
    Val,
)
from portalis.lower.methods import METHODS as _TABLE_METHODS
from portalis.lower.methods import lower_method, method_receiver_kinds
from portalis.lower.values import (
    _has_tuple,
    borrow,
    coerce,
    float_operand,
    comparable,
    owned,
    owned_as,
    read,
    str_view,
    to_float,
)
from portalis.class_interfaces import operator_method, orders
from portalis.cst_walk import static_length
from portalis.memo import memo_table
from portalis.cst_scan import MUTATING_METHODS  # the one list of Python methods that change their receiver
from portalis.model import ClassSignature, PyType
from portalis.parse import code_of
from portalis.rust import ir
from portalis.types import pytypes as T
from portalis.types.unions import enum_name as union_enum_name, has_class as union_has_class, member_for_type, tag as union_tag, union_or_none
from portalis.types.pytypes import is_copy, unify
from portalis.types.rust_types import declared_param_type, param_type, rust_ident

if TYPE_CHECKING:
    from portalis.lower.function import FunctionLowerer

_ARITH = {cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*"}
_DUNDERS = {
    cst.Add: "__add__", cst.Subtract: "__sub__", cst.Multiply: "__mul__", cst.Divide: "__truediv__",
    cst.FloorDivide: "__floordiv__", cst.Modulo: "__mod__", cst.MatrixMultiply: "__matmul__",
}
_BITS = {cst.BitAnd: "&", cst.BitOr: "|", cst.BitXor: "^", cst.LeftShift: "<<", cst.RightShift: ">>"}
_CMP = {
    cst.Equal: "==", cst.NotEqual: "!=", cst.LessThan: "<", cst.LessThanEqual: "<=",
    cst.GreaterThan: ">", cst.GreaterThanEqual: ">=",
}


class ExprLowering:
    """Expression lowering (mixed into FunctionLowerer)."""

    # -------------------------------------------------------- small helpers
    def receiver(self: "FunctionLowerer", v: Val) -> ir.Expr:
        """A value as a method receiver: literals need their type spelled out."""
        if isinstance(v.expr, ir.IntLit) and not v.expr.suffix:
            return ir.IntLit(v.expr.value, "i64")
        if isinstance(v.expr, ir.FloatLit) and not v.expr.suffix:
            return ir.FloatLit(v.expr.value, "_f64")
        return read(v)

    def mutable(self: "FunctionLowerer", v: Val) -> ir.Expr:
        """The receiver of an in-place change: it must be a variable we own or a &mut parameter."""
        if v.mode is Mode.REF:
            raise Unsupported("PTL113", "in-place change of a value this function only borrows")
        return v.expr

    def key_ref(self: "FunctionLowerer", key: Val, key_t: PyType) -> ir.Expr:
        """A dict key for lookups (`get(&k)`): &str for str keys, &T otherwise."""
        key = coerce(key, key_t)
        if key_t.kind == "str":
            return str_view(key)
        if is_copy(key_t):
            return ir.Ref(read(key))
        return borrow(key)

    def truthy(self: "FunctionLowerer", v: Val) -> ir.Expr:
        k = v.ty.kind
        if k == "path":
            from portalis.lower.paths import truthy as path_truthy

            return path_truthy(self, v)
        if k == "class":
            cls = self.env.class_sig(v.ty)
            for name in ("__bool__", "__len__"):
                if cls is not None and cls.method(name) is not None:
                    return self.truthy(self.dunder(v, name, "bool"))
            if cls is not None and cls.foreign_bases:
                raise Unsupported("PTL190", f"the truth value of a `{cls.name}`: base {_bases_text(cls)} (not translated with it) may define __bool__ or __len__")
            items = self.held(v)
            if items is not None:  # a list subclass: true when it holds items
                return self.truthy(items)
            return ir.BoolLit(True)  # objects are true unless they say otherwise
        if k == "bool":
            return read(v)
        if k == "decimal":
            from portalis.lower.stdlib_decimal import truthy as decimal_truthy

            return decimal_truthy(v)
        if k == "dyn":  # a value of any builtin type: its own truth value
            return ir.MethodCall(v.expr, "truthy")
        if k == "num":
            return ir.Binary("!=", ir.MethodCall(read(v), "to_f64"), ir.FloatLit(0.0))
        if k == "int":
            return ir.Binary("!=", read(v), ir.IntLit(0))
        if k == "float":
            return ir.Binary("!=", read(v), ir.FloatLit(0.0))
        if k in ("str", "list", "dict", "set", "bytes"):
            return ir.Unary("!", ir.MethodCall(v.expr, "is_empty"))
        if k == "optional":
            inner = v.ty.args[0]
            if inner.kind in ("class", "tuple", "re_match", "re_pattern"):
                return ir.MethodCall(v.expr, "is_some")
            # `if x:` on Optional[int] is false for None and for 0.
            test = self.truthy(Val(ir.Path("__v"), inner, Mode.REF))
            return ir.MethodCall(ir.MethodCall(v.expr, "as_ref"), "is_some_and", (ir.Closure((ir.PBind("__v"),), test),))
        if k == "tuple":
            return ir.BoolLit(bool(v.ty.args))
        if k == "union":
            if union_has_class(v.ty):
                raise Unsupported("PTL113", f"the truth value of {v.ty}: a class member's is its own (__bool__, __len__)")
            # each member's own truth value (`0`, `''`, `[]` are false), by the variant it holds
            enum = f"crate::pyrt::{union_enum_name(v.ty)}"
            value = v.expr if v.mode is Mode.REF else ir.Ref(v.expr)
            arms = tuple(ir.MatchArm(ir.PVariant(f"{enum}::{union_tag(m)}", (ir.PBind("__v"),)),
                                     self.truthy(Val(ir.Path("__v"), m, Mode.REF))) for m in v.ty.args)
            return ir.Match(value, arms)
        if k in ("re_match", "re_pattern"):
            return ir.BoolLit(True)  # match and pattern objects are always true
        if k == "none":
            return ir.BoolLit(False)
        raise Unsupported("PTL113", f"truth value of {v.ty}")

    def dunder(self: "FunctionLowerer", v: Val, method: str, builtin: str) -> Val:
        """`len(obj)`, `str(obj)`...: the class's `__len__`, `__str__`..."""
        cls = self.env.class_sig(v.ty)
        if cls is None or cls.method(method) is None:
            raise Unsupported("PTL113", f"{builtin}() of {v.ty} (no {method})")
        out = self.class_method(v, method, [], {}, None)
        assert out is not None
        return out

    def to_str(self: "FunctionLowerer", v: Val) -> ir.Expr:
        """`str(v)` with Python's formatting."""
        k = v.ty.kind
        if k == "class":
            cls = self.env.class_sig(v.ty)
            if cls is not None and cls.flavour == "enum" and cls.method("__str__") is None:
                return ir.Macro("format", (ir.MethodCall(read(v) if v.mode is not Mode.REF else v.expr, "name"),), fmt=f"{cls.name}.{{}}")
            name = "__str__" if cls is not None and cls.method("__str__") is not None else "__repr__"
            if cls is not None and cls.is_dataclass and cls.method(name) is None:
                return self.record_repr(v, cls)
            return owned(self.dunder(v, name, "str"))
        if k == "str":
            return owned(v)
        if k == "bytes":
            return bytes_repr(self, v)
        if k == "int":
            return ir.MethodCall(self.receiver(v), "to_string")
        if k == "float":
            self.use_runtime("float_repr")
            return ir.Call(ir.Path("crate::pyrt::float_repr"), (read(v),))
        if k == "bool":
            self.use_runtime("bool_str")
            return ir.Call(ir.Path("crate::pyrt::bool_str"), (read(v),))
        if k == "exc":
            return ir.MethodCall(v.expr, "message")
        if k in ("date", "timedelta", "datetime", "time", "timezone"):  # Display is Python's str()
            return ir.MethodCall(read(v), "to_string")
        if k == "path":
            from portalis.lower.paths import to_str as path_str

            return path_str(self, v)
        if k == "fraction":
            from portalis.lower.stdlib_fractions import to_str as fraction_str

            return fraction_str(self, v)
        if k == "decimal":
            from portalis.lower.stdlib_decimal import to_str as decimal_str

            return decimal_str(self, v)
        if k == "num":
            self.use_runtime("PyNum")
            return ir.MethodCall(read(v), "to_string")
        if k in ("union", "dyn"):  # the enum's Display: a str member as it is, the others as their repr
            if union_has_class(v.ty):
                raise Unsupported("PTL113", f"str() of {v.ty}: a class member has no str() of its own in the crate")
            return ir.MethodCall(v.expr, "to_string")
        if k == "optional":
            # str(x) of Some(x) is str(x), not its repr (`'a'` for a str): the inner value's own
            # formatting, "None" otherwise
            got = self.temp("s")
            inner = self.to_str(Val(ir.Path(got), v.ty.args[0], Mode.REF))
            return ir.Match(ir.MethodCall(v.expr, "as_ref"), (
                ir.MatchArm(ir.PVariant("Some", (ir.PBind(got),)), inner),
                ir.MatchArm(ir.PVariant("None"), ir.MethodCall(ir.StrLit("None"), "to_string"))))
        if k in ("list", "tuple", "dict", "set", "none"):
            from portalis.lower.stdlib_datetime import use_container_reprs

            self.use_runtime("PyRepr")
            use_container_reprs(self, v.ty)
            # Fully qualified: the trait need not be imported where it is used.
            return ir.Call(ir.Path("crate::pyrt::PyRepr::py_repr"), (borrow(replace(v, expr=_ints_typed(v.expr))),))
        raise Unsupported("PTL113", f"str() of {v.ty}")

    def record_repr(self: "FunctionLowerer", v: Val, cls) -> ir.Expr:
        """The repr a dataclass or NamedTuple gets for free: `P(x=1, label='a')`."""
        tmp = self.temp("rec")
        pieces: list[str] = []
        args: list[ir.Expr] = []
        for f in cls.fields:
            field = Val(ir.Field(ir.Path(tmp), rust_ident(f.name)), f.py_type, Mode.PLACE)
            if f.py_type.kind == "str":
                self.use_runtime("str_repr")
                args.append(ir.Call(ir.Path("crate::pyrt::str_repr"), (str_view(field),)))
            else:
                args.append(self.to_str(field))
            pieces.append(f"{f.name}={{}}")
        text = ir.Macro("format", tuple(args), fmt=f"{cls.typename or cls.name}(" + ", ".join(pieces) + ")")
        return ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, borrow(v)),), text))

    def condition(self: "FunctionLowerer", node: cst.BaseExpression) -> ir.Expr:
        """A test (if, while, and/or operands, not): Python truthiness as a Rust bool."""
        if isinstance(node, cst.BooleanOperation):
            # `a and b and c` is a left-nested chain: walked as a list (a 1,000-operand chain
            # neither recurses 1,000 levels nor recomputes the narrowings of its prefix).
            levels = bool_chain(node)
            is_and = isinstance(node.operator, cst.And)
            first = levels[0].left
            out = self.condition(first)
            known = self.narrowings(first)
            for level in levels:
                with self.narrowed(known[0] if is_and else known[1]):
                    right = self.condition(level.right)
                out = logical("&&" if is_and else "||", out, right)
                known = _narrow_more(known, self.narrowings(level.right), is_and)
            return out
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            return _negate(self.condition(node.expression))
        v = self.expr(node)
        return self.truthy(v)

    # -------------------------------------------------------- Optional narrowing
    def narrowings(self: "FunctionLowerer", test: cst.BaseExpression) -> tuple[set[str], set[str]]:
        """Optional locals known to hold a value when `test` is true, and when it is false."""
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.left, cst.Name):
            comp = test.comparisons[0]
            if isinstance(comp.comparator, cst.Name) and comp.comparator.value == "None":
                name = test.left.value
                if isinstance(comp.operator, cst.IsNot) or isinstance(comp.operator, cst.NotEqual):
                    return {name}, set()
                if isinstance(comp.operator, cst.Is) or isinstance(comp.operator, cst.Equal):
                    return set(), {name}
        if isinstance(test, cst.Name):
            local = self.locals.get(test.value)
            if local is not None and local.ty.kind == "optional" and not local.narrowed:
                return {test.value}, set()
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            a, b = self.narrowings(test.expression)
            return b, a
        if isinstance(test, cst.BooleanOperation):
            levels = bool_chain(test)
            is_and = isinstance(test.operator, cst.And)
            known = self.narrowings(levels[0].left)
            for level in levels:
                known = _narrow_more(known, self.narrowings(level.right), is_and)
            return known
        return set(), set()

    @contextmanager
    def narrowed(self: "FunctionLowerer", names: set[str]) -> Iterator[None]:
        changed = []
        for n in names:
            local = self.locals.get(n)
            if local is not None and local.ty.kind == "optional" and not local.narrowed:
                changed.append((n, local))
                self.locals[n] = _narrow(local)
        try:
            yield
        finally:
            for n, local in changed:
                current = self.locals.get(n)
                if current is not None and current.narrowed:
                    self.locals[n] = local

    def narrow_state(self: "FunctionLowerer") -> frozenset[str]:
        """The Optional locals currently known to hold a value."""
        return frozenset(n for n, loc in self.locals.items() if loc.narrowed)

    def set_narrow_state(self: "FunctionLowerer", names: frozenset[str] | set[str]) -> None:
        for n, loc in list(self.locals.items()):
            if loc.narrowed and n not in names:
                self.locals[n] = _widen(loc)
            elif not loc.narrowed and n in names and loc.ty.kind == "optional":
                self.locals[n] = _narrow(loc)

    def narrow_rest(self: "FunctionLowerer", names: set[str]) -> None:
        """Narrow for the rest of the current block (after `if x is None: return`)."""
        for n in names:
            local = self.locals.get(n)
            if local is not None and local.ty.kind == "optional" and not local.narrowed:
                if n in self.assign_count and self.assign_count[n] > 1 and n in self.assigned_in_loop:
                    continue  # reassigned later in a loop: keep checking
                self.locals[n] = _narrow(local)

    # -------------------------------------------------------- expressions
    def expr(self: "FunctionLowerer", node: cst.BaseExpression) -> Val:
        try:
            return self._expr(node)
        except Unsupported as exc:
            if exc.node is None:
                exc.node = node
            raise

    def _expr(self: "FunctionLowerer", node: cst.BaseExpression) -> Val:
        # Dispatch on the exact node class: libcst's classes are ABCs, and a chain of failing
        # isinstance() tests is the costliest thing translation did.
        rule = _EXPR_RULES.get(type(node))
        if rule is None:
            raise Unsupported("PTL130", f"expression `{type(node).__name__}` is not supported yet", node)
        return rule(self, node)

    def _literal_string(self: "FunctionLowerer", node: cst.SimpleString | cst.ConcatenatedString) -> Val:
        value = _string_value(node)
        if isinstance(value, bytes):
            return bytes_literal(value)
        if value is None and isinstance(node, cst.ConcatenatedString):
            # `f'... {x!r} ...' 'more text'`: the parts' values, one after the other
            parts: list[cst.BaseExpression] = []
            cur: cst.BaseExpression = node
            while isinstance(cur, cst.ConcatenatedString):
                parts.append(cur.left)
                cur = cur.right
            parts.append(cur)
            vals = [self.expr(p) for p in parts]
            if all(v.ty.kind == "str" for v in vals):
                return Val(ir.Macro("format", tuple(str_view(v) for v in vals), fmt="{}" * len(vals)), T.STR)
        if not isinstance(value, str):
            raise Unsupported("PTL130", "this string literal is not supported yet", node)
        return Val(ir.StrLit(value), T.STR, Mode.REF)

    def _unsupported_expr(self: "FunctionLowerer", node: cst.BaseExpression) -> Val:
        raise Unsupported("PTL130", "complex numbers are not supported", node)

    def walrus(self: "FunctionLowerer", node: cst.NamedExpr) -> Val:
        """`(n := value)`: assign the (ahead-declared) local, then read it as the value."""
        if not isinstance(node.target, cst.Name):
            raise Unsupported("PTL130", "`:=` to something other than a name", node)
        v = self.expr(node.value)
        stmts = self.bind_name(node.target.value, v, None, node)
        local = self.locals.get(node.target.value)
        if local is None or local.func is not None:
            raise Unsupported("PTL130", "this assignment expression is not supported yet", node)
        after = self.local_val(local)
        return Val(ir.BlockExpr(ir.Block(tuple(stmts), owned(after))), after.ty)

    def name(self: "FunctionLowerer", node: cst.Name) -> Val:
        n = node.value
        local = self.locals.get(n)
        if local is not None:
            return self.moved(node, self.local_val(local))
        if n in ("True", "False"):
            return Val(ir.BoolLit(n == "True"), T.BOOL)
        if n == "None":
            return Val(ir.Path("None"), T.NONE)
        nested = self.nested.get(n)
        if nested is not None:
            return self.func_value_of(nested)
        outer = self.outer
        while outer is not None:
            if n in outer.nested:
                return self.func_value_of(outer.nested[n])
            outer = outer.outer
        found = self.env.lookup(n)
        if not isinstance(found, (ConstRef, Callable)):
            from portalis.lower.paths import constant as path_constant

            path = path_constant(self, n)  # `Name`, `Token`: a path known when translating
            if path is not None:
                return path
        member = self.env.imports.get(n) if found is None else None
        if member is not None and member[0] in MODULE_MEMBERS and member[1] is not None:
            return lower_module_member(self, member[0], member[1], None)
        if isinstance(found, ConstRef):
            return self.const(found)
        if isinstance(found, Callable):
            return self.func_value_of(found)
        if isinstance(found, ClassRef) and found.sig.flavour == "enum":
            # The enum class as a value (`for c in Color`, `list(Color)`, `len(Color)`): its members.
            ty = T.list_of(T.class_type(found.module, found.sig.name))
            return Val(ir.MethodCall(ir.Path(f"{found.path}::MEMBERS"), "to_vec"), ty)
        if found is None and self.builtin_func(n) is not None:
            return self.func_value_of(n)
        if isinstance(found, ClassRef):
            from portalis.lower.class_objects import class_value

            return class_value(self, found, node)  # `make(HtmlLexer, x)`: a class object, `type[HtmlLexer]`
        if found is None and n in self.exceptions:
            # `options.get('excclass', ErrorToken)`: the class is raised and caught by name
            # (crate::pyrt::PyErr), its object is no value
            raise Unsupported("PTL131", f"exception class `{n}` used as a value (not raised or caught): "
                              "a class object is not a Rust value yet", node)
        raise Unsupported("PTL135", self.env.why_unresolved(n) or f"name `{n}` cannot be resolved here", node)

    def local_val(self: "FunctionLowerer", local: Local) -> Val:
        if local.func is not None:
            return Val(local.path(), PyType(kind="func"), Mode.OWNED, func=local.func)
        if local.narrowed:
            inner = local.ty
            if is_copy(inner):
                return Val(ir.MethodCall(local.path(), "unwrap"), inner, Mode.OWNED)
            return Val(ir.MethodCall(ir.MethodCall(local.path(), "as_ref"), "unwrap"), inner, Mode.REF)
        if local.mutable_ref and local.slice:
            return Val(ir.SlicePath(local.name), local.ty, local.mode)
        if local.view is not None:
            return Val(local.path(), local.ty, local.mode, view=ir.Path(local.view))
        return Val(local.path(), local.ty, local.mode)

    def const(self: "FunctionLowerer", c: ConstRef) -> Val:
        if c.const.lazy_static:
            # A static built at first use (`NAMES.iter()`, `&NAMES`, `NAMES.clone()`).
            if c.const.py_type.kind == "dict":
                self.use_runtime("PyDict")
            if c.const.py_type.kind == "str":  # a computed string: read as `&str`, like a literal's
                return Val(ir.MethodCall(ir.Path(c.path), "as_str"), c.const.py_type, Mode.REF)
            if c.const.py_type.kind == "timezone":  # Copy: the value itself, out of the LazyLock
                return Val(ir.Unary("*", ir.Path(c.path)), c.const.py_type, Mode.OWNED)
            # Method calls and borrows reach the value through LazyLock's Deref.
            return Val(ir.Path(c.path), c.const.py_type, Mode.PLACE)
        mode = Mode.REF if c.const.py_type.kind == "str" else Mode.OWNED
        return Val(ir.Path(c.path), c.const.py_type, mode)

    def attribute(self: "FunctionLowerer", node: cst.Attribute) -> Val:
        name = self.class_name_of(node)
        if name is not None:
            return name
        if isinstance(node.value, cst.Name) and node.value.value == self.cls_param and self.self_type is not None:
            # `cls.aliases` in a class method: the class's constant (a subclass overriding it is
            # another class, as for `self.aliases`)
            cls = self.env.class_sig(self.self_type)
            const = next((c for c in cls.constants if c.name == node.attr.value), None) if cls is not None else None
            if const is None:
                where = f" (base {_bases_text(cls)} is not translated with it)" if cls is not None and cls.foreign_bases else ""
                code = "PTL190" if where else "PTL135"
                raise Unsupported(code, f"`{node.value.value}.{node.attr.value}` is not a translated class attribute{where}", node)
            class_path = self.env.class_path(self.self_type)
            path = class_static_path(class_path, const.name) if const.lazy_static else f"{class_path}::{rust_ident(const.name)}"
            return self.const(ConstRef(path=path, const=const))
        if node.attr.value == "utc" and _library_name(self, node) == "datetime.timezone.utc":
            from portalis.lower.stdlib_datetime import timezone_utc

            return timezone_utc(self)
        if isinstance(node.value, cst.Name) and node.value.value not in self.locals:
            target = self.env.lookup(node.value.value)
            if isinstance(target, ClassRef):
                if target.sig.flavour == "enum" and any(m.name == node.attr.value for m in target.sig.members):
                    ty = T.class_type(target.module, target.sig.name)
                    return Val(ir.Path(f"{target.path}::{rust_ident(node.attr.value)}"), ty, Mode.OWNED)
                const = next((c for c in target.sig.constants if c.name == node.attr.value), None)
                if const is not None:
                    path = class_static_path(target.path, const.name) if const.lazy_static else f"{target.path}::{rust_ident(const.name)}"
                    return self.const(ConstRef(path=path, const=const))
                if node.attr.value == "_fields" and target.sig.flavour == "namedtuple":
                    # a NamedTuple's field names: a tuple of str literals, known when translating
                    names = tuple(f.name for f in target.sig.fields)
                    return Val(ir.TupleExpr(tuple(ir.MethodCall(ir.StrLit(n), "to_string") for n in names)),
                               T.tuple_of(*([T.STR] * len(names))))
                raise Unsupported("PTL135", f"`{node.value.value}.{node.attr.value}` is not a translated class attribute", node)
            if isinstance(target, str):
                if target in MODULE_MEMBERS:
                    return lower_module_member(self, target, node.attr.value, None)
                member = self.env.lookup_attr(target, node.attr.value)
                if isinstance(member, ConstRef):
                    return self.const(member)
                if isinstance(member, Callable):
                    return self.func_value_of(member)
                if isinstance(member, ClassRef):
                    from portalis.lower.class_objects import class_value

                    return class_value(self, member, node)  # `lexers.HtmlLexer` as a value
                raise Unsupported("PTL135", self.env.why_unresolved(node.value.value, node.attr.value)
                                  or f"`{node.value.value}.{node.attr.value}` is not a translated constant", node)
        if isinstance(node.value, cst.Name) and node.value.value in ("str", "list", "dict", "set") and node.value.value not in self.locals and self.env.lookup(node.value.value) is None:
            from portalis.lower.iteration import MethodFunc

            return Val(ir.Path("__method"), PyType(kind="func"), Mode.OWNED, func=MethodFunc(node.attr.value))
        recv = self.expr(node.value)
        if recv.ty.kind == "date":
            from portalis.lower.stdlib_datetime import date_field

            return date_field(recv, node.attr.value)
        if recv.ty.kind == "timedelta":
            from portalis.lower.stdlib_datetime import timedelta_field

            return timedelta_field(recv, node.attr.value)
        if recv.ty.kind == "datetime":
            from portalis.lower.stdlib_datetime import datetime_field

            return datetime_field(self, recv, node.attr.value)
        if recv.ty.kind == "time":
            from portalis.lower.stdlib_datetime import time_field

            return time_field(recv, node.attr.value)
        if recv.ty.kind == "re_match":
            from portalis.lower.stdlib_re import match_field

            return match_field(recv, node.attr.value)
        if recv.ty.kind == "decimal_context":
            from portalis.lower.stdlib_decimal import context_field

            return context_field(self, node.attr.value)
        if recv.ty.kind == "decimal":
            raise Unsupported("PTL134", f"Decimal.{node.attr.value} is not translated yet", node)
        if recv.ty.kind == "path" or recv.ty.kind == "optional" and recv.ty.args[0].kind == "path":
            from portalis.lower.paths import field as path_field, unwrap

            if recv.ty.kind == "optional":
                recv = unwrap(self, recv, "AttributeError", f"'NoneType' object has no attribute '{node.attr.value}'")
            return path_field(self, recv, node.attr.value)
        if recv.ty.kind == "fraction":
            from portalis.lower.stdlib_fractions import field as fraction_field

            return fraction_field(self, recv, node.attr.value)
        if recv.ty.kind in ("str", "list", "dict", "set") and node.attr.value in _TABLE_METHODS.get(recv.ty.kind, ()):
            from portalis.lower.iteration import BoundMethod

            return Val(ir.Path("__method"), PyType(kind="func"), Mode.OWNED, func=BoundMethod(recv, node.attr.value))
        cls = self.env.class_sig(recv.ty)
        if cls is not None and cls.flavour == "enum" and node.attr.value in ("value", "name"):
            # An enum member's value (as its literal type) and name: methods of the Rust enum.
            vt = cls.members[0].py_type if node.attr.value == "value" else T.STR
            return Val(ir.MethodCall(recv.expr, node.attr.value), vt, Mode.REF if vt.kind == "str" else Mode.OWNED)
        if cls is not None and not any(f.name == node.attr.value for f in cls.fields):
            const = next((c for c in cls.constants if c.name == node.attr.value), None)
            if const is not None:
                class_path = self.env.class_path(recv.ty)
                path = class_static_path(class_path, const.name) if const.lazy_static else f"{class_path}::{rust_ident(const.name)}"
                return self.const(ConstRef(path=path, const=const))
            named = cls.properties.get(node.attr.value)
            if named is not None and named[0] is not None:
                # `x = property(getx, ...)` in the class body: reading `obj.x` runs `getx`
                got = self.class_method(recv, named[0], [], {}, node)
                if got is not None:
                    return got
            prop = cls.method(node.attr.value)
            if prop is not None and prop.kind == "property":
                self.env.check_available(recv.ty, node.attr.value, node)
                self.calls_item(recv.ty.module, f"{cls.name}.{node.attr.value}")
                call: ir.Expr = ir.MethodCall(recv.expr, rust_ident(node.attr.value))
                return Val(self.propagate(call) if prop.raises else call, prop.returns)
        field_t = self.field_type(recv, node.attr.value)
        return Val(ir.Field(recv.expr, rust_ident(node.attr.value)), field_t, Mode.PLACE if recv.mode is not Mode.OWNED else Mode.OWNED)

    def super_call(self: "FunctionLowerer", name: str, node: cst.Call) -> Val:
        """`super().__init__(...)` in a class with a translated base: the base's initialiser,
        kept in this class as `__init_<Base>__`."""
        cls = self.env.class_sig(self.self_type) if self.self_type is not None else None
        if cls is not None and cls.foreign_bases and cls.base is None:
            raise Unsupported("PTL190", f"`super().{name}` runs base {_bases_text(cls)}'s, not translated with `{cls.name}`", node)
        if cls is None or cls.base is None or name != "__init__":
            raise Unsupported("PTL140", f"`super().{name}` is not supported yet", node)
        self_local = next((loc for loc in self.locals.values() if loc.name == "self"), None)
        if self_local is None:
            raise Unsupported("PTL140", "`super()` outside a method", node)
        args, kwargs = self.call_args(node, keywords=True)
        v = self.class_method(Val(ir.Path("self"), self_local.ty, Mode.PLACE), f"__init_{cls.base}__", args, kwargs, node)
        if v is None:
            raise Unsupported("PTL140", f"`{cls.base}` has no __init__ to call", node)
        return v

    def held(self: "FunctionLowerer", v: Val, *dunders: str) -> Val | None:
        """A value of a class deriving from list or dict (portalis/builtin_bases.py) used as that
        builtin (`len(s)`, `s[0]`, `for x in s`, `s.append(x)`) where the class gives the use no
        meaning of its own (none of `dunders`): the field holding its items; else None."""
        if v.ty.kind != "class":
            return None
        cls = self.env.class_sig(v.ty)
        if cls is None or any(cls.method(d) is not None for d in dunders):
            return None
        f = next((f for f in cls.fields if f.name in HELD_FIELDS), None)
        if f is None:
            return None
        return Val(ir.Field(v.expr, rust_ident(f.name)), self.field_type(v, f.name), Mode.PLACE if v.mode is not Mode.OWNED else Mode.OWNED)

    def field_type(self: "FunctionLowerer", recv: Val, attr: str) -> PyType:
        cls = self.env.class_sig(recv.ty)
        if cls is None:
            raise Unsupported("PTL130", f"attribute `.{attr}` of {recv.ty}")
        f = next((f for f in cls.fields if f.name == attr), None)
        if f is None and cls.foreign_bases:
            raise Unsupported("PTL190", f"`{cls.name}.{attr}` is not an attribute of the class itself: it would come from "
                              f"base {_bases_text(cls)}, not translated with it")
        if f is None:
            raise Unsupported("PTL135", f"{cls.name} has no field `{attr}`")
        if attr in cls.unset_fields:
            # a base's field its own __init__ never sets (inheritance.py): a Python instance
            # has no such attribute, the struct's default would stand in for an AttributeError
            raise Unsupported("PTL190", f"`{cls.name}.{attr}` is never set: `{cls.name}.__init__` does not run its base's "
                              f"(Python raises AttributeError)")
        if f.py_type.kind == "opaque":
            # typemap: an attribute nothing types, or typed with what has no Rust mapping, holds
            # the placeholder; what uses it waits for a type
            if f.why:
                raise Unsupported("PTL111", f"{f.why} (the field holds a placeholder)")
            raise Unsupported("PTL112", held_field_text(cls.name, attr) or f"the type of attribute `{cls.name}.{attr}` cannot be inferred: annotate it")
        return f.py_type

    def place(self: "FunctionLowerer", node: cst.BaseExpression) -> Val:
        """An expression used as the target of an in-place change (`d[k].append(x)`)."""
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            recv = self.place(node.value)
            recv = self.held(recv, "__getitem__", "__setitem__") or recv
            if recv.ty.kind == "dict":
                key = self.expr(node.slice[0].slice.value)
                k_t, v_t = recv.ty.args
                if not T.is_known(k_t) and T.is_known(key.ty):
                    recv = self.refine(recv, PyType(kind="dict", args=(key.ty, v_t), name=recv.ty.name))
                    k_t, v_t = recv.ty.args
                if recv.ty.name == "defaultdict":
                    self.use_runtime("PyDict")
                    got = ir.MethodCall(self.mutable(recv), "get_or_insert_default", (owned_as(key, k_t),))
                    return Val(got, v_t, Mode.PLACE)
                got = ir.MethodCall(self.mutable(recv), "get_mut", (self.key_ref(key, k_t),))
                return Val(self.expect_some(got, "KeyError"), v_t, Mode.PLACE)
            if recv.ty.kind == "list":
                key = self.expr(node.slice[0].slice.value)
                index = self.list_index(recv, key)
                return Val(ir.Index(self.mutable(recv), index), recv.ty.args[0], Mode.PLACE)
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "setdefault"
            and len(node.args) == 2
            and not any(a.keyword or a.star for a in node.args)
        ):
            # `d.setdefault(k, []).append(x)`: the stored value itself is changed, as in Python.
            recv = self.place(node.func.value)
            if recv.ty.kind == "dict":
                key, default = self.expr(node.args[0].value), self.expr(node.args[1].value)
                if not T.is_known(recv.ty):
                    k_t, v_t = recv.ty.args
                    recv = self.refine(recv, PyType(kind="dict", args=(k_t if T.is_known(k_t) else key.ty, v_t if T.is_known(v_t) else default.ty), name=recv.ty.name))
                k_t, v_t = recv.ty.args
                got = ir.MethodCall(self.mutable(recv), "setdefault", (owned_as(key, k_t), owned_as(default, v_t)))
                return Val(got, v_t, Mode.PLACE)
        v = self.expr(node)
        if isinstance(node, cst.Name):
            local = self.locals.get(node.value)
            if local is not None and local.narrowed and not is_copy(local.ty):
                return Val(ir.MethodCall(ir.MethodCall(local.path(), "as_mut"), "unwrap"), local.ty, Mode.PLACE)
        return v

    def unary(self: "FunctionLowerer", node: cst.UnaryOperation) -> Val:
        if isinstance(node.operator, cst.Not):
            return Val(_negate(self.condition(node.expression)), T.BOOL)
        v = self.expr(node.expression)
        if v.ty.kind == "unknown":
            self.expect_local(v, T.INT)
            v = self.expr(node.expression)
        if isinstance(node.operator, cst.Minus):
            if isinstance(v.expr, ir.IntLit):
                return Val(ir.IntLit(-v.expr.value), T.INT)
            if isinstance(v.expr, ir.FloatLit):
                return Val(ir.FloatLit(-v.expr.value), T.FLOAT)
            if v.ty.kind in ("int", "float", "num"):
                return Val(ir.Unary("-", read(v)), v.ty)
            if v.ty.kind == "bool":
                return Val(ir.Unary("-", ir.Cast(read(v), ir.I64)), T.INT)
            if v.ty.kind == "timedelta":
                from portalis.lower.stdlib_datetime import negate

                return negate(self, v)
            if v.ty.kind == "fraction":
                from portalis.lower.stdlib_fractions import negate as fraction_negate

                return fraction_negate(self, v)
            if v.ty.kind == "decimal":
                from portalis.lower.stdlib_decimal import unary as decimal_unary

                return decimal_unary(self, "neg", v)
        if isinstance(node.operator, cst.Plus) and v.ty.kind == "decimal":
            from portalis.lower.stdlib_decimal import unary as decimal_unary

            return decimal_unary(self, "pos", v)
        if isinstance(node.operator, cst.Plus) and v.ty.kind in ("int", "float", "num"):
            return v
        if isinstance(node.operator, cst.BitInvert) and v.ty.kind in ("int", "bool"):
            return Val(ir.Unary("!", read(coerce(v, T.INT))), T.INT)
        raise Unsupported("PTL130", f"unary {code_of(node.operator)} on {v.ty}", node)

    def binary(self: "FunctionLowerer", op: cst.BaseBinaryOp, a: Val, b: Val, node: cst.CSTNode) -> Val:
        if a.ty.kind == "unknown" and b.ty.kind != "unknown":
            self.expect_local(a, b.ty if b.ty.kind != "bool" else T.INT)
            a = self._reread(a)
        elif b.ty.kind == "unknown" and a.ty.kind != "unknown":
            self.expect_local(b, a.ty if a.ty.kind != "bool" else T.INT)
            b = self._reread(b)
        ka, kb = a.ty.kind, b.ty.kind
        if "decimal" in (ka, kb):
            from portalis.lower.stdlib_decimal import binary as decimal_binary

            exact = decimal_binary(self, op, a, b)
            if exact is not None:
                return exact
        if "fraction" in (ka, kb):
            from portalis.lower.stdlib_fractions import binary as fraction_binary

            exact = fraction_binary(self, op, a, b)
            if exact is not None:
                return exact
        if "date" in (ka, kb) or "timedelta" in (ka, kb) or "datetime" in (ka, kb):
            from portalis.lower.stdlib_datetime import binary as date_binary

            dated = date_binary(self, op, a, b)
            if dated is not None:
                return dated
        if ka == "class" and type(op) in _DUNDERS:
            # `v + w` on objects: the class's own __add__ (and so on).
            cls = self.env.class_sig(a.ty)
            if cls is not None and cls.method(_DUNDERS[type(op)]) is not None:
                out = self.class_method(a, _DUNDERS[type(op)], [b], {}, node)
                if out is not None:
                    return out
        if isinstance(op, cst.Add) and ka == kb == "str":
            fa, xa = _format_parts(a.expr)
            fb, xb = _format_parts(b.expr)
            return Val(ir.Macro("format", xa + xb, fmt=fa + fb), T.STR)
        if isinstance(op, cst.Add) and ka == kb == "bytes":
            return bytes_concat(a, b)
        if isinstance(op, cst.Multiply) and {ka, kb} in ({"bytes", "int"}, {"bytes", "bool"}):
            return bytes_repeat(self, *((a, b) if ka == "bytes" else (b, a)))
        if isinstance(op, cst.Add) and ka == kb == "list":
            elem = unify(a.ty.args[0], b.ty.args[0]) if a.ty.args and b.ty.args else (a.ty.args or b.ty.args or (T.UNKNOWN,))[0]
            if elem is None:
                raise Unsupported("PTL113", f"operator + on {a.ty} and {b.ty}", node)
            ty = T.list_of(elem)
            parts = ir.ArrayLit((self.as_slice_of(a, ty), self.as_slice_of(b, ty)))
            return Val(ir.MethodCall(parts, "concat"), ty)
        if isinstance(op, cst.Add) and ka == kb == "tuple":
            tmp_a, tmp_b = self.temp("a"), self.temp("b")
            items = tuple(ir.Field(ir.Path(tmp_a), str(i)) for i in range(len(a.ty.args))) + tuple(
                ir.Field(ir.Path(tmp_b), str(i)) for i in range(len(b.ty.args))
            )
            block = ir.Block((ir.Let(ir.PBind(tmp_a), None, owned(a)), ir.Let(ir.PBind(tmp_b), None, owned(b))), ir.TupleExpr(items))
            return Val(ir.BlockExpr(block), T.tuple_of(*a.ty.args, *b.ty.args))
        if isinstance(op, cst.Multiply) and {ka, kb} in ({"str", "int"}, {"list", "int"}, {"str", "bool"}):
            seq, n = (a, b) if ka in ("str", "list") else (b, a)
            n = coerce(n, T.INT)
            if isinstance(n.expr, ir.IntLit):
                count: ir.Expr = ir.IntLit(max(n.expr.value, 0))  # an untyped literal: rustc makes it usize
            else:
                count = ir.Cast(ir.MethodCall(self.receiver(n), "max", (ir.IntLit(0),)), ir.USIZE)
            recv = seq.expr
            if seq.ty.kind == "list" and seq.ty.args and not is_copy(seq.ty.args[0]):
                # slice::repeat needs Copy items: clones of each item instead.
                if isinstance(recv, ir.Macro) and recv.name == "vec" and len(recv.args) == 1:
                    it = ir.Call(ir.Path("std::iter::repeat_n"), (recv.args[0], count))
                    return Val(ir.MethodCall(it, "collect", turbofish=(self.rust_type(seq.ty),)), seq.ty)
                self.use_runtime("list_repeat")
                items = ir.Ref(ir.ArrayLit(recv.args)) if isinstance(recv, ir.Macro) and recv.name == "vec" else borrow(seq)
                return Val(ir.Call(ir.Path("crate::pyrt::list_repeat"), (items, count)), seq.ty)
            if isinstance(recv, ir.Macro) and recv.name == "vec" and recv.args:
                recv = ir.ArrayLit(recv.args)  # `[0] * n`: slice::repeat of an array
            return Val(ir.MethodCall(recv, "repeat", (count,)), seq.ty)
        if isinstance(op, cst.Modulo) and ka == "str":
            return self.percent_format(a, b, node)
        if type(op) in _BITS and (ka, kb) in (("bool", "bool"),) and type(op) in (cst.BitAnd, cst.BitOr, cst.BitXor):
            return Val(ir.Binary(_BITS[type(op)], read(a), read(b)), T.BOOL)
        if (type(op) in _BITS or isinstance(op, cst.Subtract)) and ka == kb == "set":
            return self.set_operator(type(op), a, b, node)
        if not (T.is_numeric(a.ty) and T.is_numeric(b.ty)):
            raise Unsupported("PTL113", f"operator {code_of(op).strip()} on {a.ty} and {b.ty}", node)
        if "num" in (ka, kb) and "float" not in (ka, kb) and type(op) in (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide, cst.Modulo):
            # An int-or-float with an int: the result keeps the kind (PyNum's operators).
            self.use_runtime("PyNum")
            x, y = coerce(a, T.NUM), coerce(b, T.NUM)
            if type(op) in _ARITH:
                return Val(ir.Binary(_ARITH[type(op)], read(x), read(y)), T.NUM)
            method = "floordiv" if isinstance(op, cst.FloorDivide) else "modulo"
            return Val(ir.MethodCall(read(x), method, (read(y),)), T.NUM)
        is_float = "float" in (ka, kb) or "num" in (ka, kb)  # otherwise a PyNum computes as a float
        if isinstance(op, cst.Divide):
            x, y = float_operand(a, b), float_operand(b, a)
            return Val(self.checked("fdiv", (read(x), read(y))), T.FLOAT)
        if type(op) in _BITS:
            if is_float:
                raise Unsupported("PTL113", f"bitwise operator on {a.ty} and {b.ty}", node)
            x, y = coerce(a, T.INT), coerce(b, T.INT)
            if isinstance(op, (cst.LeftShift, cst.RightShift)) and isinstance(y.expr, ir.IntLit) and not 0 <= y.expr.value < 64:
                # `1 << 64` is a Python int beyond i64 (and rustc's build rejects the shift)
                raise Unsupported("PTL113", f"shift by {y.expr.value}: the result leaves the range of i64", node)
            if isinstance(op, cst.LeftShift) or (isinstance(op, cst.RightShift) and not isinstance(y.expr, ir.IntLit)):
                # `a << n` leaves i64 long before n reaches 64 (Python's int grows): checked, as
                # is a shift count that is negative or 64 and above (a panic in Rust)
                helper = "shl" if isinstance(op, cst.LeftShift) else "shr"
                self.use_runtime(helper)
                return Val(ir.Call(ir.Path(f"crate::pyrt::{helper}"), (read(x), read(y))), T.INT)
            return Val(ir.Binary(_BITS[type(op)], read(x), read(y)), T.INT)
        if is_float:
            x, y = float_operand(a, b), float_operand(b, a)
        else:
            x, y = coerce(a, T.INT), coerce(b, T.INT)
        if isinstance(op, cst.Modulo) and not is_float:
            big = self._big_str_mod(x, y, node)
            if big is not None:
                return big
        ty = T.FLOAT if is_float else T.INT
        rust = _ARITH.get(type(op))
        if rust == "*" and _is_minus_one(x.expr):
            return Val(ir.Unary("-", read(y)), ty)
        if rust == "*" and _is_minus_one(y.expr):
            return Val(ir.Unary("-", read(x)), ty)
        if rust is not None:
            return Val(ir.Binary(rust, read(x), read(y)), ty)
        if (
            isinstance(op, (cst.FloorDivide, cst.Modulo)) and not is_float and isinstance(y.expr, ir.IntLit) and y.expr.value > 0
            and not isinstance(x.expr, ir.IntLit)
        ):
            # By a positive constant Python's floor division and modulo are the Euclidean ones:
            # no zero check, no sign fix-up.
            method = "div_euclid" if isinstance(op, cst.FloorDivide) else "rem_euclid"
            return Val(ir.MethodCall(self.receiver(x), method, (read(y),)), ty)
        if isinstance(op, cst.FloorDivide):
            helper = "ffloordiv" if is_float else "floordiv"
        elif isinstance(op, cst.Modulo):
            helper = "fmod" if is_float else "pymod"
        elif isinstance(op, cst.Power):
            if is_float:
                if isinstance(b.expr, ir.IntLit) and kb == "int":
                    return Val(ir.MethodCall(self.receiver(x), "powi", (ir.IntLit(b.expr.value),)), T.FLOAT)
                return Val(ir.MethodCall(self.receiver(x), "powf", (read(y),)), T.FLOAT)
            if isinstance(b.expr, ir.IntLit) and b.expr.value >= 0:
                return Val(ir.MethodCall(self.receiver(x), "pow", (ir.IntLit(b.expr.value),)), T.INT)
            helper = "ipow"
        elif isinstance(op, cst.MatrixMultiply):
            raise Unsupported("PTL130", "operator @ is not supported", node)
        else:
            raise Unsupported("PTL130", f"operator {code_of(op).strip()} is not supported yet", node)
        if helper == "ipow":
            self.use_runtime(helper)
            return Val(ir.Call(ir.Path(f"crate::pyrt::{helper}"), (read(x), read(y))), ty)
        return Val(self.checked(helper, (read(x), read(y))), ty)

    def _big_str_mod(self: "FunctionLowerer", x: Val, y: Val, node: cst.CSTNode) -> Val | None:
        """`int(s) % m`: the string may hold more digits than i64 (an IBAN, a card number), and
        the remainder is what the code keeps; parsed as a num_bigint::BigInt, reduced, and the
        remainder (which fits) comes back as i64. Noted in the report (PTL242). Likewise
        `int(x) % m` of a float (`pyrt::float_int_mod`)."""
        e = x.expr
        if isinstance(e, ir.Call) and isinstance(e.func, ir.Path) and e.func.name == "crate::pyrt::float_to_int":
            # `int(h * 6.0) % 6`: Python's int of a float past i64 is exact and only the
            # remainder is kept; computed from the float's bits (no big integer, no note)
            self.use_runtime("float_int_mod")
            return Val(ir.Call(ir.Path("crate::pyrt::float_int_mod"), (e.args[0], read(y))), T.INT)
        if not (isinstance(e, ir.Call) and isinstance(e.func, ir.Path)
                and e.func.name in ("crate::pyrt::parse_int", "crate::pyrt::parse_int_base")):
            return None
        base = e.args[1] if len(e.args) == 2 else ir.IntLit(10)
        self.use_runtime("big_str_mod")
        self.use_crate("num-bigint")
        self.note("PTL242", "`int(str) % m` computed with num_bigint::BigInt: the string may hold more digits than i64",
                  node)
        return Val(ir.Call(ir.Path("crate::pyrt::big_str_mod"), (e.args[0], base, read(y))), T.INT)

    def _reread(self: "FunctionLowerer", v: Val) -> Val:
        """The value again after inference refined its local's type."""
        if isinstance(v.expr, ir.Path):
            for local in self.locals.values():
                if local.name == v.expr.name and local.func is None:
                    return self.local_val(local)
        return v

    def as_slice_of(self: "FunctionLowerer", v: Val, ty: PyType) -> ir.Expr:
        """A list value as `&[T]` (every operand of `concat` must be the same slice type)."""
        if v.ty.args and v.ty.args[0] != ty.args[0] and v.ty.args[0].kind != "unknown":
            # [1] + [2.5]: the ints become floats first.
            return ir.MethodCall(owned_as(v, ty), "as_slice")
        if v.mode is Mode.REF or isinstance(v.expr, ir.SlicePath):
            return v.expr
        return ir.MethodCall(v.expr, "as_slice")

    def set_operator(self: "FunctionLowerer", op: type, a: Val, b: Val, node: cst.CSTNode) -> Val:
        method = {cst.BitAnd: "intersection", cst.BitOr: "union", cst.BitXor: "symmetric_difference", cst.Subtract: "difference"}.get(op)
        if method is None:
            raise Unsupported("PTL130", "this set operator is not supported yet", node)
        ty = unify(a.ty, b.ty)
        if ty is None:
            raise Unsupported("PTL113", f"set operator on {a.ty} and {b.ty}", node)
        it = ir.MethodCall(ir.MethodCall(a.expr, method, (borrow(b),)), "cloned")
        return Val(ir.MethodCall(it, "collect", turbofish=(self.rust_type(ty),)), ty)

    def boolean(self: "FunctionLowerer", node: cst.BooleanOperation) -> Val:
        """`a and b` / `a or b` as values: Python returns one of the operands. A chain
        `a and b and c` is walked as a list, as in `condition`."""
        levels = bool_chain(node)
        is_and = isinstance(node.operator, cst.And)
        first = levels[0].left
        a = self.expr(first)
        known = self.narrowings(first)
        for level in levels:
            with self.narrowed(known[0] if is_and else known[1]):
                b = self.expr(level.right)
            a = self.boolean_value(a, b, is_and, level)
            known = _narrow_more(known, self.narrowings(level.right), is_and)
        return a

    def boolean_value(self: "FunctionLowerer", a: Val, b: Val, is_and: bool, node: cst.BooleanOperation) -> Val:
        """The value of `a and b` / `a or b` from its lowered operands."""
        if a.ty.kind == "bool" and b.ty.kind == "bool":
            return Val(logical("&&" if is_and else "||", read(a), read(b)), T.BOOL)
        ty = unify(a.ty, b.ty)
        if ty is None:
            raise Unsupported("PTL113", f"`{'and' if is_and else 'or'}` of {a.ty} and {b.ty} as a value", node)
        if a.ty.kind == "optional" and b.ty.kind != "optional" and not is_and:
            # `x or default` with x Optional: the value when present and truthy, else default.
            inner = unify(a.ty.args[0], b.ty)
            if inner is not None and inner == a.ty.args[0]:
                tmp = self.temp("v")
                test = self.truthy(Val(ir.Path(tmp), inner, Mode.REF))
                kept = ir.MethodCall(owned(a), "filter", (ir.Closure((ir.PBind(tmp),), test),))
                default = owned_as(b, inner)
                if _has_try(default):
                    # `x or f()` with f raising: `?` cannot leave a closure, a match can
                    got = self.temp("v")
                    return Val(ir.Match(kept, (ir.MatchArm(ir.PVariant("Some", (ir.PBind(got),)), ir.Path(got)),
                                               ir.MatchArm(ir.PVariant("None"), default))), inner)
                return Val(ir.MethodCall(kept, "unwrap_or_else", (ir.Closure((), default),)), inner)
        tmp = self.temp("v")
        first = Val(ir.Path(tmp), ty, Mode.PLACE)
        test = self.truthy(first)
        other = owned_as(b, ty)
        this = ir.Path(tmp)
        branches = (ir.Block(tail=other), ir.Block(tail=this)) if is_and else (ir.Block(tail=this), ir.Block(tail=other))
        block = ir.Block((ir.Let(ir.PBind(tmp), None, owned_as(a, ty)),), ir.IfExpr(test, branches[0], branches[1]))
        return Val(ir.BlockExpr(block), ty)

    # -------------------------------------------------------- comparisons
    def comparison(self: "FunctionLowerer", node: cst.Comparison) -> Val:
        decided = self.type_comparison(node)
        if decided is not None:
            return decided
        left = self.expr(node.left)
        parts: list[ir.Expr] = []
        for target in node.comparisons:
            right = self.expr(target.comparator)
            parts.append(self.compare(target.operator, left, right, node))
            left = right
        out = parts[0]
        for p in parts[1:]:
            out = logical("&&", out, p)
        return Val(out, T.BOOL)

    def type_comparison(self: "FunctionLowerer", node: cst.Comparison) -> Val | None:
        """`type(x) == type("")`, `type(x) is str` (and `!=`, `is not`) of values whose builtin
        type the signature fixes (no union, no class: a subclass's instance is not its base's
        type): decided here, a literal (getopt's `if type(longopts) == type(""):` of a list).
        None where it is not of that form; the operands are names and literals (nothing to run)."""
        if len(node.comparisons) != 1 or not isinstance(node.comparisons[0].operator, (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)):
            return None
        sides = [self._builtin_type_of(e) for e in (node.left, node.comparisons[0].comparator)]
        if None in sides or not any(isinstance(e, cst.Call) for e in (node.left, node.comparisons[0].comparator)):
            return None
        same = sides[0] == sides[1]
        return Val(ir.BoolLit(same if isinstance(node.comparisons[0].operator, (cst.Equal, cst.Is)) else not same), T.BOOL)

    def _builtin_type_of(self: "FunctionLowerer", e: cst.BaseExpression) -> str | None:
        """The builtin type `type(arg)` (arg a name or literal) or a builtin type's name stands for."""
        plain = {"int", "float", "str", "bool", "bytes", "bytearray", "list", "dict", "set", "tuple"}
        if isinstance(e, cst.Name):
            free = e.value not in self.locals and self.env.lookup(e.value) is None
            return e.value if free and e.value in plain else None
        if not (isinstance(e, cst.Call) and isinstance(e.func, cst.Name) and e.func.value == "type" and len(e.args) == 1
                and e.args[0].keyword is None and not e.args[0].star and "type" not in self.locals and self.env.lookup("type") is None):
            return None
        arg = e.args[0].value
        if not isinstance(arg, (cst.Name, cst.SimpleString, cst.Integer, cst.Float)):
            return None
        ty = self.expr(arg).ty
        kind = "bytearray" if ty.kind == "bytes" and ty.name == "bytearray" else ty.kind
        return kind if kind in plain else None

    def compare(self: "FunctionLowerer", op: cst.BaseCompOp, a: Val, b: Val, node: cst.CSTNode) -> ir.Expr:
        if isinstance(op, (cst.Is, cst.IsNot)):
            if a.ty.kind == "none" or b.ty.kind == "none":
                other = a if b.ty.kind == "none" else b
                if other.ty.kind == "none":
                    return ir.BoolLit(isinstance(op, cst.Is))
                if other.ty.kind != "optional":
                    return ir.BoolLit(isinstance(op, cst.IsNot))
                return ir.MethodCall(other.expr, "is_some" if isinstance(op, cst.IsNot) else "is_none")
            if a.ty.kind == "bool" and b.ty.kind == "bool":
                return ir.Binary("!=" if isinstance(op, cst.IsNot) else "==", read(a), read(b))
            cls = self.env.class_sig(a.ty) if a.ty == b.ty else None
            if cls is not None and cls.flavour == "enum":
                # Enum members are singletons: identity is equality.
                return ir.Binary("!=" if isinstance(op, cst.IsNot) else "==", borrow(a), borrow(b))
            raise Unsupported("PTL130", "`is` is only supported against None, bools and enum members", node)
        if isinstance(op, (cst.In, cst.NotIn)):
            test = self.contains(b, a, node)
            return _negate(test) if isinstance(op, cst.NotIn) else test
        rust = _CMP.get(type(op))
        if rust is None:
            raise Unsupported("PTL130", f"comparison {code_of(op).strip()}", node)
        if a.ty.kind == "unknown" and b.ty.kind != "unknown":
            self.expect_local(a, b.ty)
            a = self._reread(a)
        elif b.ty.kind == "unknown" and a.ty.kind != "unknown":
            self.expect_local(b, a.ty)
            b = self._reread(b)
        if "decimal" in (a.ty.kind, b.ty.kind):
            from portalis.lower.stdlib_decimal import compare as decimal_compare

            decided = decimal_compare(self, rust, a, b)
            if decided is not None:
                return decided
        if T.is_numeric(a.ty) and T.is_numeric(b.ty):
            if "float" in (a.ty.kind, b.ty.kind) or "num" in (a.ty.kind, b.ty.kind):
                return ir.Binary(rust, read(to_float(a)), read(to_float(b)))
            if a.ty.kind == b.ty.kind == "bool":
                return ir.Binary(rust, read(a), read(b), total=True)
            return ir.Binary(rust, read(coerce(a, T.INT)), read(coerce(b, T.INT)), total=True)
        if (a.ty.kind == "none") != (b.ty.kind == "none") and rust in ("==", "!="):
            other = a if b.ty.kind == "none" else b
            if other.ty.kind == "optional":
                return ir.MethodCall(other.expr, "is_none" if rust == "==" else "is_some")
        if rust in ("==", "!=") and "union" in (a.ty.kind, b.ty.kind) and a.ty != b.ty:
            return _union_equality(rust, a, b, node)
        if a.ty.kind != b.ty.kind and "optional" not in (a.ty.kind, b.ty.kind):
            if rust in ("==", "!="):
                return ir.BoolLit(rust == "!=")  # Python: values of different types are unequal
            raise Unsupported("PTL113", f"ordering {a.ty} against {b.ty}", node)
        if a.ty.kind == "optional" or b.ty.kind == "optional":
            target = a.ty if a.ty.kind == "optional" else b.ty
            return ir.Binary(rust, owned_as(a, target), owned_as(b, target))
        if a.ty.kind in ("list", "tuple", "dict", "set") and a.ty != b.ty:
            ty = unify(a.ty, b.ty)
            if ty is None:
                if rust in ("==", "!="):
                    return ir.BoolLit(rust == "!=")
                raise Unsupported("PTL113", f"ordering {a.ty} against {b.ty}", node)
            if a.ty.kind == "tuple" or not all(x.kind == "unknown" or x == y for x, y in zip(a.ty.args, ty.args)):
                a = Val(owned_as(a, ty), ty)
            if b.ty.kind == "tuple" or not all(x.kind == "unknown" or x == y for x, y in zip(b.ty.args, ty.args)):
                b = Val(owned_as(b, ty), ty)
        if rust in ("==", "!=") and (_is_empty_literal(a.expr) or _is_empty_literal(b.expr)):
            other = b if _is_empty_literal(a.expr) else a
            test = ir.MethodCall(other.expr, "is_empty")
            return test if rust == "==" else ir.Unary("!", test)
        if a.ty.kind == "str" and b.ty.kind == "str" and (a.char is not None or b.char is not None):
            ca, cb = _as_char(a), _as_char(b)
            if ca is not None and cb is not None:
                # One character against another (or a one-character literal): chars compare by
                # code point, as Python's one-character strs do.
                return ir.Binary(rust, ca, cb, total=True)
        if a.ty.kind in ("dict", "set", "class", "tuple"):
            for side in (a, b):
                cls = self.env.class_sig(side.ty) if side.ty.kind == "class" else None
                if cls is not None and cls.foreign_bases and not any(cls.method(d) is not None for d in ("__eq__", "__lt__")):
                    raise Unsupported("PTL190", f"comparing `{cls.name}` objects: base {_bases_text(cls)} (not translated with it) may define the comparison", node)
                if (cls is not None and rust in ("==", "!=") and cls.method("__eq__") is not None
                        and operator_method(cls, "__eq__") is None):
                    # derive(PartialEq) compares every field, which is not what the class's own
                    # __eq__ (untyped, or `other` more than a `C`) does
                    raise Unsupported("PTL133", f"comparing `{cls.name}` objects: the class's `__eq__` is not a typed "
                                      f"`__eq__(self, other: {cls.name}) -> bool` (see its diagnostic)", node)
                if cls is not None and cls.flavour != "enum" and rust not in ("==", "!=") and not orders(cls):
                    # the struct has PartialOrd only from a typed `__lt__` of its own (or as a
                    # NamedTuple): an inherited or untyped one leaves `<` nothing to call
                    raise Unsupported("PTL133", f"ordering `{cls.name}` objects: the class has no typed `__lt__(self, other: "
                                      f"{cls.name}) -> bool` of its own", node)
                if cls is not None:
                    # `==` and `<` reach the class's own `__eq__`/`__lt__` through its impls
                    for dunder in ("__eq__",) if rust in ("==", "!=") else ("__eq__", "__lt__"):
                        if operator_method(cls, dunder) is not None:
                            self.calls_item(side.ty.module, f"{cls.name}.{dunder}")
            return ir.Binary(rust, _compare_ref(a), _compare_ref(b))
        if a.ty.kind == b.ty.kind == "datetime" and rust not in ("==", "!="):
            # a naive against an aware datetime: Python's TypeError (`==` is False: PartialEq)
            self.use_runtime("PyDateTime")
            order = self.propagate(ir.Call(ir.Path("crate::pyrt::PyDateTime::cmp_py"), (read(a), read(b))))
            return ir.Binary(rust, order, ir.Path("std::cmp::Ordering::Equal"))
        return ir.Binary(rust, comparable(a), comparable(b), total=a.ty.kind == "str")

    def contains(self: "FunctionLowerer", container: Val, item: Val, node: cst.CSTNode) -> ir.Expr:
        k = container.ty.kind
        if k == "path":
            from portalis.lower.paths import contains as path_contains

            return path_contains(self, container, item)
        if item.ty.kind == "unknown" and k in ("list", "set", "dict") and T.is_known(container.ty.args[0]):
            self.expect_local(item, container.ty.args[0])
            item = self._reread(item)
        if k == "unknown" and item.ty.kind == "str":
            container = self.refine(container, T.STR)
            k = "str"
        if k == "str" and item.ty.kind != "dyn":
            return ir.MethodCall(container.expr, "contains", (str_view(item),))
        if k == "bytes":
            return bytes_contains(self, container, item)
        if k in ("list", "set") and container.ty.args and "dyn" in (item.ty.kind, container.ty.args[0].kind) and (
                item.ty.kind == container.ty.args[0].kind or container.ty.args[0].kind in ("str", "int", "bool", "dyn")
                and item.ty.kind in ("str", "int", "bool", "dyn")):
            # a value of any builtin type among strs (or the other way round): Python's `==`
            # on each (crate::pyrt::PyObj's PartialEq with a String, an i64, a bool, a PyObj)
            x = self.temp("x")
            probe = ir.Unary("*", item.expr) if item.mode is Mode.REF else item.expr
            test = ir.Binary("==", ir.Unary("*", ir.Path(x)), probe)
            return ir.MethodCall(ir.MethodCall(container.expr, "iter"), "any", (ir.Closure((ir.PBind(x),), test),))
        if k == "dict":
            return ir.MethodCall(container.expr, "contains_key", (self.key_ref(item, container.ty.args[0]),))
        if k == "list" and isinstance(container.expr, ir.Macro) and container.expr.name == "vec" and container.expr.args:
            elem = container.ty.args[0]
            if elem.kind == "str" and item.ty.kind == "str":
                items = tuple(_plain_str_lit(a) for a in container.expr.args)
                if all(i is not None for i in items):
                    # `c in ["a", "e"]`: an array of &str, no Vec of Strings.
                    return ir.MethodCall(ir.ArrayLit(items), "contains", (ir.Ref(str_view(item)),))
            if is_copy(elem) and unify(item.ty, elem) == elem:
                return ir.MethodCall(ir.ArrayLit(container.expr.args), "contains", (ir.Ref(read(coerce(item, elem))),))
        if k in ("list", "set"):
            elem = container.ty.args[0]
            if elem.kind == "unknown":
                return ir.BoolLit(False)  # an empty display
            probe = coerce(item, elem) if unify(item.ty, elem) == elem else None
            if probe is None and elem.kind == "union" and item.ty.kind != "union" and member_for_type(elem, item.ty) is not None:
                probe = coerce(item, elem)  # `3 in xs` of a list of `int | str`: the Int variant
            if probe is None and elem.kind == "union" and (item.ty.kind == "union" or (
                    T.is_numeric(item.ty) and any(T.is_numeric(m) for m in elem.args))):
                raise Unsupported("PTL113", f"`in` of a {item.ty} in a list of {elem}", node)  # 3.0 == 3 in Python
            if probe is None:
                if unify(item.ty, elem) is not None:
                    probe = item
                    container_elem = unify(item.ty, elem)
                    assert container_elem is not None
                    if container_elem.kind == "float":
                        x = self.temp("x")
                        test = ir.Binary("==", ir.Cast(ir.Unary("*", ir.Path(x)), ir.F64) if elem.kind != "float" else ir.Unary("*", ir.Path(x)), read(to_float(item)))
                        return ir.MethodCall(ir.MethodCall(container.expr, "iter"), "any", (ir.Closure((ir.PBind(x),), test),))
                return ir.BoolLit(False)  # values of different types are never equal
            if elem.kind == "str":
                if k == "set":
                    return ir.MethodCall(container.expr, "contains", (str_view(probe),))
                x = self.temp("x")
                any_ = ir.Closure((ir.PBind(x),), ir.Binary("==", ir.Path(x), ir.Ref(str_view(probe)) if False else str_view(probe)))
                return ir.MethodCall(ir.MethodCall(container.expr, "iter"), "any", (any_,))
            if is_copy(elem):
                return ir.MethodCall(container.expr, "contains", (ir.Ref(read(probe)),))
            return ir.MethodCall(container.expr, "contains", (borrow(probe),))
        if k == "tuple":
            if isinstance(container.expr, ir.TupleExpr) and container.expr.items and item.ty.kind == "str":
                lits = tuple(_plain_str_lit(a) for a in container.expr.items)
                if all(lit is not None for lit in lits):
                    # `x in ("R", "AL")`: an array of &str, not a tuple of Strings built per element
                    return ir.MethodCall(ir.ArrayLit(lits), "contains", (ir.Ref(str_view(item)),))
            items = [Val(ir.Field(container.expr, str(i)), t, Mode.PLACE) for i, t in enumerate(container.ty.args)]
            tests = [self.compare(cst.Equal(), item, it, node) for it in items]
            if not tests:
                return ir.BoolLit(False)
            out = tests[0]
            for t in tests[1:]:
                out = ir.Binary("||", out, t)
            return out
        if k == "class":
            # `x in obj`: the class's own __contains__ (a bool, as Python's `in` makes it)
            found = self.class_method(container, "__contains__", [item], {}, node)
            if found is not None and found.ty.kind == "bool":
                return found.expr
            items = self.held(container, "__contains__", "__iter__")
            if items is not None:
                return self.contains(items, item, node)
        raise Unsupported("PTL113", f"`in` on {container.ty}", node)

    def if_exp(self: "FunctionLowerer", node: cst.IfExp) -> Val:
        let_form = self.if_let_exp(node)
        if let_form is not None:
            return let_form
        cond = self.condition(node.test)
        then_n, else_n = self.narrowings(node.test)
        with self.narrowed(then_n):
            a = self.expr(node.body)
        with self.narrowed(else_n):
            b = self.expr(node.orelse)
        ty = unify(a.ty, b.ty)
        if ty is None and T.is_known(a.ty) and T.is_known(b.ty):
            ty = union_or_none([a.ty, b.ty])  # an int or a str: the union's enum
        if ty is None:
            raise Unsupported("PTL113", f"conditional expression mixes {a.ty} and {b.ty}", node)
        if isinstance(a.expr, ir.BoolLit) and isinstance(b.expr, ir.BoolLit) and a.expr.value != b.expr.value:
            return Val(cond if a.expr.value else _negate(cond), T.BOOL)  # `True if c else False`
        if ty.kind == "str" and a.mode is Mode.REF and b.mode is Mode.REF and isinstance(a.expr, ir.StrLit) and isinstance(b.expr, ir.StrLit):
            return Val(ir.IfExpr(cond, ir.Block(tail=a.expr), ir.Block(tail=b.expr)), T.STR, Mode.REF)
        return Val(ir.IfExpr(cond, ir.Block(tail=owned_as(a, ty)), ir.Block(tail=owned_as(b, ty))), ty)

    def if_let_exp(self: "FunctionLowerer", node: cst.IfExp) -> Val | None:
        """`f(x) if x is not None else d` as `if let Some(x) = x { f(x) } else { d }`."""
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
        some_first = isinstance(comp.operator, cst.IsNot)
        some_node, none_node = (node.body, node.orelse) if some_first else (node.orelse, node.body)
        inner = local.ty.args[0]
        copy = is_copy(inner)
        self.locals[name] = Local(local.name, inner, Mode.PLACE if copy else Mode.REF, param=local.param, block=local.block)
        try:
            some = self.expr(some_node)
        finally:
            self.locals[name] = local
        none = self.expr(none_node)
        ty = unify(some.ty, none.ty)
        if ty is None:
            raise Unsupported("PTL113", f"conditional expression mixes {some.ty} and {none.ty}", node)
        scrutinee = local.path() if copy else ir.Ref(local.path())
        cond = ir.LetPattern(ir.PVariant("Some", (ir.PBind(local.name),)), scrutinee)
        return Val(ir.IfExpr(cond, ir.Block(tail=owned_as(some, ty)), ir.Block(tail=owned_as(none, ty))), ty)

    # -------------------------------------------------------- displays
    def display(self: "FunctionLowerer", node: cst.List | cst.Tuple | cst.Dict | cst.Set) -> Val:
        if isinstance(node, cst.Dict):
            self.use_runtime("PyDict")
            if not node.elements:
                return Val(ir.Call(ir.Path("crate::pyrt::PyDict::new")), T.dict_of(T.UNKNOWN, T.UNKNOWN))
            if any(isinstance(el, cst.StarredDictElement) for el in node.elements):
                return self.merged_dict_display(node)
            pairs: list[tuple[Val, Val]] = []
            for el in node.elements:
                assert isinstance(el, cst.DictElement)
                pairs.append((self.expr(el.key), self.expr(el.value)))
            kt, vt = _unify_all([k.ty for k, _ in pairs], node), _unify_all([v.ty for _, v in pairs], node)
            items = tuple(ir.TupleExpr((owned_as(k, kt), owned_as(v, vt))) for k, v in pairs)
            arr = ir.Macro("vec", items, brackets="[]")
            return Val(ir.MethodCall(ir.MethodCall(arr, "into_iter"), "collect", turbofish=(self.rust_type(T.dict_of(kt, vt), holes=True),)), T.dict_of(kt, vt))
        if any(isinstance(el, cst.StarredElement) for el in node.elements):
            if isinstance(node, cst.Tuple):
                raise Unsupported("PTL130", "* unpacking in a tuple is not supported yet", node)
            return self.starred_display(node)
        vals = [self.expr(el.value) for el in node.elements]
        if isinstance(node, cst.Tuple):
            return Val(ir.TupleExpr(tuple(owned(v) for v in vals)), T.tuple_of(*(v.ty for v in vals)))
        # a list of several types (`[n, "x"]`) holds a union's enum values
        elem = _unify_all([v.ty for v in vals], node, union=isinstance(node, cst.List)) if vals else T.UNKNOWN
        items = tuple(owned_as(v, elem) for v in vals)
        if isinstance(node, cst.List):
            if not items:
                return Val(ir.Call(ir.Path("Vec::new")), T.list_of(elem))
            return Val(ir.Macro("vec", items, brackets="[]"), T.list_of(elem))
        arr = ir.Macro("vec", items, brackets="[]")
        return Val(ir.MethodCall(ir.MethodCall(arr, "into_iter"), "collect", turbofish=(self.rust_type(T.set_of(elem), holes=True),)), T.set_of(elem))

    def merged_dict_display(self: "FunctionLowerer", node: cst.Dict) -> Val:
        """`{**a, "k": v, **b}`: a new dict filled in order (later keys overwrite earlier
        values but keep the first position, as Python's insertion order does)."""
        parts: list[tuple[Val, Val | None]] = []
        kts: list[PyType] = []
        vts: list[PyType] = []
        for el in node.elements:
            if isinstance(el, cst.StarredDictElement):
                d = self.expr(el.value)
                if d.ty.kind != "dict":
                    raise Unsupported("PTL113", f"** of {d.ty} in a dict display", node)
                parts.append((d, None))
                kts.append(d.ty.args[0])
                vts.append(d.ty.args[1])
            else:
                assert isinstance(el, cst.DictElement)
                k, v = self.expr(el.key), self.expr(el.value)
                parts.append((k, v))
                kts.append(k.ty)
                vts.append(v.ty)
        ty = T.dict_of(_unify_all(kts, node), _unify_all(vts, node))
        kt, vt = ty.args
        tmp = self.temp("merged")
        stmts: list[ir.Stmt] = [ir.Let(ir.PBind(tmp, True), self.rust_type(ty, holes=True), ir.Call(ir.Path("crate::pyrt::PyDict::new")))]
        for a, b in parts:
            if b is None:
                k, v = self.temp("k"), self.temp("v")
                pair = ir.TupleExpr((owned_as(Val(ir.Path(k), a.ty.args[0], Mode.REF), kt), owned_as(Val(ir.Path(v), a.ty.args[1], Mode.REF), vt)))
                items = ir.MethodCall(ir.MethodCall(a.expr, "items"), "map", (ir.Closure((ir.PTuple((ir.PBind(k), ir.PBind(v))),), pair),))
                stmts.append(ir.ExprStmt(ir.MethodCall(ir.Path(tmp), "extend", (items,))))
            else:
                stmts.append(ir.ExprStmt(ir.MethodCall(ir.Path(tmp), "insert", (owned_as(a, kt), owned_as(b, vt)))))
        return Val(ir.BlockExpr(ir.Block(tuple(stmts), ir.Path(tmp))), ty)

    def starred_display(self: "FunctionLowerer", node: cst.List | cst.Set) -> Val:
        """`[*xs, 1, *ys]`: extend a new list from each part."""
        parts: list[tuple[bool, Val]] = []
        for el in node.elements:
            parts.append((isinstance(el, cst.StarredElement), self.expr(el.value)))
        elems = [self.iter_elem_type(v) if star else v.ty for star, v in parts]
        elem = _unify_all(elems, node)
        tmp = self.temp("items")
        ty = T.list_of(elem) if isinstance(node, cst.List) else T.set_of(elem)
        stmts: list[ir.Stmt] = [ir.Let(ir.PBind(tmp, True), self.rust_type(ty, holes=True), ir.Call(ir.Path("Default::default")))]
        for star, v in parts:
            if star:
                stmts.append(ir.ExprStmt(ir.MethodCall(ir.Path(tmp), "extend", (self.iterate_owned_expr(v, elem),))))
            else:
                stmts.append(ir.ExprStmt(ir.MethodCall(ir.Path(tmp), "push" if ty.kind == "list" else "insert", (owned_as(v, elem),))))
        return Val(ir.BlockExpr(ir.Block(tuple(stmts), ir.Path(tmp))), ty)

    # -------------------------------------------------------- f-strings
    def fstring(self: "FunctionLowerer", node: cst.FormattedString) -> Val:
        from portalis.lower.stdlib_format import lower_dynamic_spec, lower_spec

        fmt: list[str] = []
        args: list[ir.Expr] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                text = fstring_text(node, part.value).replace("{{", "{").replace("}}", "}")
                fmt.append(text.replace("{", "{{").replace("}", "}}"))
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            v = self.expr(part.expression)
            if part.conversion is not None:
                if part.conversion == "r":
                    from portalis.lower.builtins import repr_of

                    v = Val(repr_of(self, v), T.STR)
                elif part.conversion == "s":
                    v = Val(self.to_str(v), T.STR)
                elif part.conversion == "a":
                    from portalis.lower.builtins import ascii_of

                    v = Val(ascii_of(self, v), T.STR)
                else:
                    raise Unsupported("PTL130", f"f-string conversion !{part.conversion} is not supported yet", node)
            pieces: list[str | Val] = []
            for p in part.format_spec or ():
                if isinstance(p, cst.FormattedStringText):
                    pieces.append(fstring_text(node, p.value))
                elif not p.format_spec and p.conversion is None:
                    pieces.append(self.expr(p.expression))  # `{x:>{width}}`: a spec computed at run time
                else:
                    raise Unsupported("PTL130", "this nested f-string format spec is not supported yet", node)
            if any(not isinstance(p, str) for p in pieces):
                piece, arg = lower_dynamic_spec(self, pieces, v, node)
            elif pieces and "".join(pieces):  # type: ignore[arg-type]
                piece, arg = lower_spec(self, "".join(pieces), v, node)  # type: ignore[arg-type]
            elif v.char is not None:  # one character of a char view: a char displays as its str
                piece, arg = "{}", v.char
            else:
                piece, arg = "{}", fmt_arg(self.to_str(v)) if v.ty.kind not in ("str", "int") else read(v)
            fmt.append(piece)
            args.append(arg)
        return format_val("".join(fmt), args)

    def format_spec(self: "FunctionLowerer", spec: str, v: Val, node: cst.CSTNode | None) -> tuple[str, ir.Expr]:
        """A Python format spec as (Rust format piece, the argument it formats)."""
        from portalis.lower.stdlib_format import lower_spec

        return lower_spec(self, spec, v, node)

    # -------------------------------------------------------- subscripts
    def subscript(self: "FunctionLowerer", node: cst.Subscript) -> Val:
        recv = self.expr(node.value)
        recv = self.held(recv, "__getitem__") or recv
        if len(node.slice) != 1:
            raise Unsupported("PTL130", "multi-dimensional subscripts are not supported", node)
        sl = node.slice[0].slice
        if recv.ty.kind == "unknown" and isinstance(sl, cst.Slice):
            raise Unsupported("PTL112", "slicing a value of unknown type", node)
        if isinstance(sl, cst.Slice):
            return self.slice(recv, sl, node)
        assert isinstance(sl, cst.Index)
        fields = self.namedtuple_fields(recv.ty)
        if fields is not None:
            # `p[0]` on a NamedTuple: its first field.
            idx = self.expr(sl.value)
            if not isinstance(idx.expr, ir.IntLit) or not -len(fields) <= idx.expr.value < len(fields):
                raise Unsupported("PTL130", "a NamedTuple index must be a literal in range", node)
            f = fields[idx.expr.value]
            return Val(ir.Field(recv.expr, rust_ident(f.name)), f.py_type, Mode.PLACE if recv.mode is not Mode.OWNED else Mode.OWNED)
        if recv.ty.kind == "tuple":
            idx = self.expr(sl.value)
            if not isinstance(idx.expr, ir.IntLit):
                if recv.ty.args and all(a == recv.ty.args[0] for a in recv.ty.args):
                    # A tuple of one type indexed by a variable: as an array.
                    arr = ir.Macro("vec", tuple(ir.Field(recv.expr, str(i)) for i in range(len(recv.ty.args))), brackets="[]")
                    self.use_runtime("index")
                    pos = ir.Call(ir.Path("crate::pyrt::index"), (read(coerce(idx, T.INT)), ir.IntLit(len(recv.ty.args))))
                    return Val(ir.Index(arr, pos), recv.ty.args[0], Mode.PLACE)
                raise Unsupported("PTL130", "tuple index must be a literal", node)
            i = idx.expr.value
            n = len(recv.ty.args)
            i = i + n if i < 0 else i
            if not 0 <= i < n:
                raise Unsupported("PTL113", "tuple index out of range", node)
            return Val(ir.Field(recv.expr, str(i)), recv.ty.args[i], Mode.PLACE if recv.mode is not Mode.OWNED else Mode.OWNED)
        key = self.expr(sl.value)
        if recv.ty.kind == "unknown":
            if key.ty.kind == "int":
                raise Unsupported("PTL112", "indexing a value of unknown type", node)
        if recv.ty.kind == "re_match":
            # `m[1]`, `m["key"]`: Match.__getitem__ is m.group(...)
            from portalis.lower.stdlib_re import lower_match_method

            return lower_match_method(self, recv, "group", [key], {})
        if recv.ty.kind == "bytes":
            return bytes_index(self, recv, key)
        if recv.ty.kind == "path" or recv.ty.kind == "optional" and recv.ty.args[0].kind == "path":
            from portalis.lower.paths import index as path_index, unwrap

            if recv.ty.kind == "optional":
                recv = unwrap(self, recv, "TypeError", "'NoneType' object is not subscriptable")
            return path_index(self, recv, key)
        if recv.ty.kind == "list":
            if recv.mode is Mode.OWNED or (recv.mode is Mode.REF and not _is_place_path(recv.expr)):
                # A computed list is evaluated once: `recv[index(i, recv.len())]` would print (and
                # run) it twice, doubling the Rust per nesting level (`[[x][0]][0]`).
                return Val(self.checked("item", (ir.Ref(_as_array(recv.expr)), self.list_key(key))), recv.ty.args[0])
            return Val(ir.Index(recv.expr, self.list_index(recv, key)), recv.ty.args[0], Mode.PLACE)
        if recv.ty.kind == "str" and recv.view is not None:
            # `s[i]` on a str with a char view: O(1), a char (compared as such, a String only
            # where one is needed).
            if self.proven_in_bounds(recv.view, key):
                pos: ir.Expr = ir.Cast(read(key), ir.USIZE)
            else:
                pos = self.checked("index", (read(coerce(key, T.INT)), ir.MethodCall(recv.view, "len")))
            ch = ir.Index(recv.view, pos)
            return Val(ir.MethodCall(ch, "to_string"), T.STR, char=ch)
        lit = recv.expr if isinstance(recv.expr, ir.StrLit) else _plain_str_lit(recv.expr)
        if recv.ty.kind == "str" and lit is not None and 0 < len(lit.value) <= 64:
            # `"abcd"[i]`: the literal's characters as an array, indexed in O(1).
            chars = ir.ArrayLit(tuple(ir.CharLit(c) for c in lit.value))
            pos = self.checked("index", (read(coerce(key, T.INT)), ir.IntLit(len(lit.value))))
            ch = ir.Index(chars, pos)
            return Val(ir.MethodCall(ch, "to_string"), T.STR, char=ch)
        if recv.ty.kind == "str":
            return Val(self.checked("str_index", (str_view(recv), read(coerce(key, T.INT)))), T.STR)
        if recv.ty.kind == "dict":
            k_t, v_t = recv.ty.args
            if not T.is_known(k_t) and T.is_known(key.ty):
                recv = self.refine(recv, PyType(kind="dict", args=(key.ty, v_t), name=recv.ty.name))
                k_t, v_t = recv.ty.args
            if recv.ty.name in ("Counter", "defaultdict"):
                # A missing key reads as 0 / the factory's value (not inserted: reading only).
                got = ir.MethodCall(recv.expr, "get", (self.key_ref(key, k_t),))
                if is_copy(v_t):
                    return Val(ir.MethodCall(ir.MethodCall(got, "copied"), "unwrap_or_default"), v_t)
                return Val(ir.MethodCall(ir.MethodCall(got, "cloned"), "unwrap_or_default"), v_t)
            if self.catching():
                got = ir.MethodCall(recv.expr, "get", (self.key_ref(key, k_t),))
                return Val(self.expect_some(got, "KeyError"), v_t, Mode.REF)
            return Val(ir.MethodCall(recv.expr, "getitem", (self.key_ref(key, k_t),)), v_t, Mode.REF)
        if recv.ty.kind == "class":
            # `obj[i]`: the class's own __getitem__
            found = self.class_method(recv, "__getitem__", [self.expr(sl.value)], {}, node)
            if found is not None:
                return found
        raise Unsupported("PTL113", f"indexing {recv.ty}", node)

    def list_index(self: "FunctionLowerer", recv: Val, key: Val) -> ir.Expr:
        if self.proven_in_bounds(recv.expr, key):
            return ir.Cast(read(key), ir.USIZE)
        return self.checked("index", (self.list_key(key), ir.MethodCall(recv.expr, "len")))

    def proven_in_bounds(self: "FunctionLowerer", seq: ir.Expr, key: Val) -> bool:
        """`xs[i]` inside `for i in range(len(xs))` (or `range(k, len(xs))`, k >= 0) where the
        body neither rebinds i nor resizes xs: 0 <= i < len(xs) holds, the index is `i as
        usize` (Rust's own bounds check stays, and the optimiser can drop it)."""
        for i, xs in reversed(self.in_bounds):
            li, lxs = self.locals.get(i), self.locals.get(xs)
            if li is None or lxs is None or key.expr != li.path():
                continue
            if seq == lxs.path() or (lxs.view is not None and seq == ir.Path(lxs.view)):
                return True
        return False

    def list_key(self: "FunctionLowerer", key: Val) -> ir.Expr:
        """A list index as the i64 the runtime's index helpers take."""
        if key.ty.kind == "unknown":
            self.expect_local(key, T.INT)
            key = self._reread(key)
        if key.ty.kind not in ("int", "bool"):
            raise Unsupported("PTL113", f"list index of type {key.ty}")
        return read(coerce(key, T.INT))

    def slice(self: "FunctionLowerer", recv: Val, sl: cst.Slice, node: cst.CSTNode) -> Val:
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
            return Val(ir.Call(ir.Path("crate::pyrt::list_slice"), (self.as_slice_of(recv, recv.ty), *args)), recv.ty)
        if recv.ty.kind == "bytes":
            return bytes_slice(self, recv, args)
        if recv.ty.kind == "str":
            self.use_runtime("str_slice")
            return Val(ir.Call(ir.Path("crate::pyrt::str_slice"), (str_view(recv), *args)), T.STR)
        if recv.ty.kind == "tuple" and recv.ty.args and all(a == recv.ty.args[0] for a in recv.ty.args):
            raise Unsupported("PTL130", "slicing a tuple is not supported yet", node)
        raise Unsupported("PTL113", f"slicing {recv.ty}", node)

    # -------------------------------------------------------- calls
    def call(self: "FunctionLowerer", node: cst.Call) -> Val:
        func = node.func
        if isinstance(func, cst.Attribute):
            if func.attr.value == "join" and self.building:
                joined = self.builder_join(node)  # a list that only builds a string: that String
                if joined is not None:
                    return joined
            # `module.f(...)` or `value.method(...)`
            if (
                isinstance(func.value, cst.Call)
                and isinstance(func.value.func, cst.Name)
                and func.value.func.value == "super"
                and self.self_type is not None
            ):
                return self.super_call(func.attr.value, node)
            if func.attr.value == "__class__" and isinstance(func.value, cst.Name) and func.value.value in self.locals:
                # `self.__class__(a, b)`: a new object of the variable's own class (each class
                # lowers its own copy of an inherited method, so the class is known here)
                held = self.locals[func.value.value].ty
                cls = self.env.class_sig(held) if held.kind == "class" else None
                if cls is not None:
                    return self.construct(ClassRef(path=self.env.class_path(held), module=held.module or "", sig=cls), node)
            from portalis.lower.stdlib_hash import hexdigest_call

            digest = hexdigest_call(self, node)
            if digest is not None:
                return digest
            if isinstance(func.value, cst.Name) and func.value.value == self.cls_param and self.self_type is not None:
                cls = self.env.class_sig(self.self_type)
                assert cls is not None
                return self.static_call(ClassRef(path=self.env.class_path(self.self_type), module=self.self_type.module or "", sig=cls), func.attr.value, node)
            if (
                isinstance(func.value, cst.Name)
                and func.attr.value == "fromkeys"
                and func.value.value not in self.locals
                and (func.value.value == "dict" or self.env.imports.get(func.value.value) == ("collections", "OrderedDict"))
            ):
                from portalis.lower.builtins import dict_fromkeys

                return dict_fromkeys(self, *self.call_args(node))
            if func.attr.value == "combine" and _library_name(self, func.value) == "datetime.datetime":
                from portalis.lower.stdlib_datetime import lower_datetime

                return lower_datetime(self, "datetime.combine", self.call_args(node))
            if func.attr.value == "fromisoformat" and _library_name(self, func.value) == "datetime.date":
                from portalis.lower.stdlib_datetime import lower_datetime

                return lower_datetime(self, "date.fromisoformat", self.call_args(node))
            if func.attr.value in ("fromisoformat", "now", "utcnow", "today") and _library_name(self, func.value) == "datetime.datetime":
                from portalis.lower.stdlib_datetime import lower_datetime

                return lower_datetime(self, f"datetime.{func.attr.value}", self.call_args(node))
            if isinstance(func.value, cst.Name) and func.value.value not in self.locals:
                target = self.env.lookup(func.value.value)
                if isinstance(target, ClassRef):
                    return self.static_call(target, func.attr.value, node)
                if target in ("typing", "typing_extensions") and func.attr.value == "cast":
                    return self.typing_cast(node)
                if isinstance(target, str):
                    if target == "builtins" and func.attr.value in BUILTINS:
                        # `builtins.repr(x)` (reprlib, where a method is named `repr`): the builtin
                        args, kwargs = self.call_args(node)
                        return lower_builtin(self, func.attr.value, args, kwargs)
                    if target in MODULE_MEMBERS:
                        args, kwargs = self.call_args(node)
                        return lower_module_member(self, target, func.attr.value, (args, kwargs))
                    member = self.env.lookup_attr(target, func.attr.value)
                    return self.call_target(member, f"{func.value.value}.{func.attr.value}", node,
                                            lambda: self.env.why_unresolved(func.value.value, func.attr.value))
                if func.value.value in ("bytes", "bytearray") and func.attr.value == "fromhex" and target is None:
                    return bytes_fromhex(self, func.value.value, *self.call_args(node))
                if func.value.value in ("bytes", "bytearray") and func.attr.value == "maketrans" and target is None:
                    return bytes_maketrans(self, *self.call_args(node))
                if func.value.value in ("str", "list", "dict", "set", "int", "float") and target is None:
                    # `str.lower(s)`: the method called with its receiver first.
                    args, kwargs = self.call_args(node)
                    if not args:
                        raise Unsupported("PTL134", f"`{func.value.value}.{func.attr.value}()` without a receiver", node)
                    return self.method_call(args[0], func.attr.value, args[1:], kwargs, node)
            recv = self.place(func.value) if func.attr.value in MUTATING_METHODS else self.expr(func.value)
            args, kwargs = self.call_args(node, keywords=recv.ty.kind == "class")
            return self.method_call(recv, func.attr.value, args, kwargs, node)
        if isinstance(func, cst.Name):
            if func.value == self.cls_param and self.self_type is not None:
                cls = self.env.class_sig(self.self_type)
                assert cls is not None
                return self.construct(ClassRef(path=self.env.class_path(self.self_type), module=self.self_type.module or "", sig=cls), node)
            local = self.locals.get(func.value)
            if local is not None:
                if local.func is not None:
                    args, kwargs = self.call_args(node)
                    if kwargs:
                        raise Unsupported("PTL130", "keyword arguments to a local function", node)
                    return local.func.apply(self, args)
                fn_type = local.ty if local.ty.kind == "callable" else (
                    local.ty.args[0] if local.ty.kind == "optional" and local.narrowed and local.ty.args[0].kind == "callable" else None)
                if fn_type is not None:
                    return self.call_callable(self.expr(func), fn_type, node)
                if local.ty.kind == T.CLASS_OBJECT:
                    from portalis.lower.class_objects import call_class_object

                    return call_class_object(self, self.expr(func), node)  # `cls(x)`: the chosen class's constructor
                if local.ty.kind == "class":
                    # `obj(x)`: the class's own __call__
                    args, kwargs = self.call_args(node, keywords=True)
                    found = self.class_method(self.expr(func), "__call__", args, kwargs, node)
                    if found is not None:
                        return found
                raise Unsupported("PTL130", f"calling `{func.value}`, a {local.ty}, is not supported", node)
            nested = self.find_nested(func.value)
            if nested is not None:
                args, kwargs = self.call_args(node)
                return nested.call(self, args, kwargs, node)
            target = self.env.lookup(func.value)
            if target is None:
                member = self.env.imports.get(func.value)
                if member in (("typing", "cast"), ("typing_extensions", "cast")):
                    return self.typing_cast(node)
                if member is not None and member[0] in MODULE_MEMBERS and member[1] is not None:
                    args, kwargs = self.call_args(node)
                    return lower_module_member(self, member[0], member[1], (args, kwargs))
                if func.value in ("any", "all") and len(node.args) == 1 and type(node.args[0].value) is cst.GeneratorExp and not node.args[0].keyword:
                    # any/all of a generator: a loop that stops at the deciding item.
                    return self.comprehension(node.args[0].value, consume=func.value)
                if func.value == "isinstance" and len(node.args) == 2:
                    subject = self.expr(node.args[0].value)
                    # a union's class members are tested by their names (`isinstance(x, Circle)`)
                    members = {m.name for m in subject.ty.args if m.kind == "class"} if subject.ty.kind == "union" else set()
                    if subject.ty.kind == "class" and subject.ty.name:
                        # a value of the class itself (the kind tests left one member: `if
                        # isinstance(other, timedelta): ... else: return NotImplemented`)
                        members = {subject.ty.name}
                    return isinstance_of(subject, _type_names(node.args[1].value, members))
                if func.value == "tuple" and len(node.args) == 1 and not node.args[0].keyword:
                    n = static_length(node.args[0].value)
                    if n is not None:
                        return self.tuple_of_len(self.expr(node.args[0].value), n)
                if member is not None and func.value not in BUILTINS:
                    # an imported name no rule knows (`from argparse import ArgumentParser`)
                    raise Unsupported("PTL135", self.env.why_unresolved(func.value) or f"`{func.value}` is not a translated function", node)
                args, kwargs = self.call_args(node)
                return lower_builtin(self, func.value, args, kwargs)
            if isinstance(target, str) and target in MODULE_MEMBERS:
                raise Unsupported("PTL135", f"calling module `{func.value}`", node)
            return self.call_target(target, func.value, node, lambda: self.env.why_unresolved(func.value))
        if isinstance(func, cst.Lambda):
            args, kwargs = self.call_args(node)
            fv = self.lambda_value(func)
            assert fv.func is not None
            return fv.func.apply(self, args)
        raise Unsupported("PTL130", "this call form is not supported yet", node)

    def class_name_of(self: "FunctionLowerer", node: cst.Attribute) -> Val | None:
        """`self.__class__.__name__` / `type(self).__name__` of a variable holding an object: the
        struct's class name (each class, derived ones included, has its own copy of the
        methods it inherits, so the name is known where the method is lowered)."""
        if node.attr.value != "__name__":
            return None
        inner = node.value
        if isinstance(inner, cst.Attribute) and inner.attr.value == "__class__":
            holder = inner.value
        elif (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name) and inner.func.value == "type"
              and "type" not in self.locals and len(inner.args) == 1 and inner.args[0].keyword is None and not inner.args[0].star):
            holder = inner.args[0].value
        else:
            return None
        if not isinstance(holder, cst.Name) or holder.value not in self.locals:
            return None
        ty = self.locals[holder.value].ty
        cls = self.env.class_sig(ty) if ty.kind == "class" else None
        if cls is None:
            return None
        return Val(ir.StrLit(cls.name), T.STR, Mode.REF)

    def typing_cast(self: "FunctionLowerer", node: cst.Call) -> Val:
        """`cast(T, value)` returns `value` unchanged at run time: the value, as its own type (the
        type argument is not evaluated)."""
        if len(node.args) != 2 or any(a.keyword is not None or a.star for a in node.args):
            raise Unsupported("PTL113", "cast() takes a type and a value", node)
        return self.expr(node.args[1].value)

    def percent_format(self: "FunctionLowerer", template: Val, values: Val, node: cst.CSTNode) -> Val:
        """`"%s has %d items" % (name, n)` with a literal template: one format!."""
        if not isinstance(template.expr, ir.StrLit):
            raise Unsupported("PTL130", "`%` formatting of a computed template is not supported", node)
        if values.ty.kind == "tuple" and isinstance(values.expr, ir.TupleExpr):
            # The tuple's items are owned copies; formatting only reads them.
            parts = [Val(fmt_arg(e), t, Mode.PLACE) for e, t in zip(values.expr.items, values.ty.args)]
        elif values.ty.kind == "tuple":
            raise Unsupported("PTL130", "`%` formatting with a tuple variable is not supported", node)
        else:
            parts = [values]
        text = template.expr.value
        mapping: str | None = None
        if values.ty.kind == "dict" and any(m.group("key") is not None for m in _PERCENT.finditer(text)):
            # `"%(name)s" % d`: each key read from the dict (KeyError as Python), bound once
            if len(values.ty.args) != 2 or values.ty.args[0].kind != "str":
                raise Unsupported("PTL130", f"`%` formatting with a {values.ty} mapping is not supported yet", node)
            mapping = self.temp("m")
        out: list[str] = []
        args: list[ir.Expr] = []
        pos = 0
        i = 0
        for m in _PERCENT.finditer(text):
            out.append(text[pos : m.start()].replace("{", "{{").replace("}", "}}"))
            pos = m.end()
            key, flags, width, prec, conv = m.group("key", "flags", "width", "prec", "conv")
            if conv == "%" and not (key or flags or width or prec is not None):
                out.append("%")
                continue
            if width == "*" or prec == "*" or (key is None) != (mapping is None):
                raise Unsupported("PTL130", f"`{m.group(0)}` formatting (`*`, or keys without a dict) is not supported yet", node)
            if not conv or conv not in "diouxXeEfFgGcrsa":
                raise Unsupported("PTL113", f"unsupported format character in `{m.group(0)}` (ValueError in Python)", node)
            if mapping is not None:
                assert key is not None
                v = Val(ir.MethodCall(ir.Path(mapping), "getitem", (ir.StrLit(key),)), values.ty.args[1], Mode.REF)
            else:
                if i >= len(parts):
                    raise Unsupported("PTL113", "not enough arguments for format string (TypeError)", node)
                v = parts[i]
                i += 1
            width = width or ""
            if prec == "":
                prec = "0"  # `%.f`: precision 0, as Python reads it
            align = "<" if "-" in flags else ""
            if conv in "sra" or (conv == "c" and v.ty.kind == "str"):
                if conv == "a":
                    from portalis.lower.builtins import ascii_of

                    sv = Val(ascii_of(self, v), T.STR)
                elif conv == "r":
                    sv = Val(self.checked_repr(Val(ir.Ref(v.expr), v.ty, Mode.REF) if v.ty.kind == "str" and v.mode is not Mode.REF else v), T.STR)
                else:
                    sv = v if v.ty.kind == "str" else Val(fmt_arg(self.to_str(v)), T.STR)
                spec = (align or ">") + width + (f".{prec}" if prec is not None else "") if (width or prec is not None) else ""
                piece, arg = self.format_spec(spec, sv, node) if spec else ("{}", read(sv))
                out.append(piece)
                args.append(arg)
                continue
            if v.ty.kind not in ("int", "bool", "float"):
                raise Unsupported("PTL113", f"`%{conv}` format of {v.ty} (TypeError in Python)", node)
            if conv in "diu":
                if prec is not None:
                    raise Unsupported("PTL130", f"`{m.group(0)}` (a precision on an integer) is not supported yet", node)
                if v.ty.kind == "float":
                    self.use_runtime("float_to_int")  # %d of a float truncates it
                    v = Val(ir.Call(ir.Path("crate::pyrt::float_to_int"), (read(v),)), T.INT)
                conv = "d"
            elif conv in "oxXc":
                if v.ty.kind == "float":
                    raise Unsupported("PTL113", f"`%{conv}` format of a float (TypeError in Python)", node)
                if prec is not None:
                    raise Unsupported("PTL130", f"`{m.group(0)}` (a precision on an integer) is not supported yet", node)
            else:
                v = to_float(v)
            sign = "+" if "+" in flags else " " if " " in flags else ""
            zero = "0" if "0" in flags and not align and conv != "c" else ""
            alt = "#" if "#" in flags and conv in "oxXeEfFgG" else ""
            spec = f"{align}{sign}{alt}{zero}{width}{'.' + prec if prec is not None else ''}{conv}"
            piece, arg = self.format_spec(spec, v, node)
            out.append(piece)
            args.append(arg)
        out.append(text[pos:].replace("{", "{{").replace("}", "}}"))
        if mapping is not None:
            self.use_runtime("PyDict")
            body = format_val("".join(out), args)
            return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind(mapping, False), None, borrow(values)),), body.expr)), T.STR)
        if i != len(parts):
            raise Unsupported("PTL113", "not all arguments converted during string formatting (TypeError)", node)
        return format_val("".join(out), args)

    def checked_repr(self: "FunctionLowerer", v: Val) -> ir.Expr:
        from portalis.lower.builtins import repr_of

        return fmt_arg(repr_of(self, v))

    def tuple_of_len(self: "FunctionLowerer", v: Val, n: int) -> Val:
        """`tuple(xs)` where xs has a length known from the code (`tuple(sorted([a, b]))`)."""
        from portalis.lower.builtins import collect_vec

        if v.ty.kind == "tuple":
            return v
        expr, elem = collect_vec(self, v)
        tmp = self.temp("items")
        items = tuple(ir.MethodCall(ir.MethodCall(ir.Path(tmp), "next"), "unwrap") for _ in range(n))
        block = ir.Block((ir.Let(ir.PBind(tmp, True), None, ir.MethodCall(expr, "into_iter")),), ir.TupleExpr(items))
        return Val(ir.BlockExpr(block), T.tuple_of(*([elem] * n)))

    def namedtuple_replace(self: "FunctionLowerer", recv: Val, args: list[Val], kwargs: dict[str, Val], node: cst.CSTNode) -> Val:
        """`p._replace(x=1)`: a copy of the NamedTuple with those fields given and the others
        copied from the receiver (`{ let base = &p; P { x: 1, y: base.y.clone() } }`: the
        receiver evaluated once, first, as in Python; only the fields not given are cloned)."""
        fields = self.namedtuple_fields(recv.ty) or []
        names = {f.name for f in fields}
        if args or any(k not in names for k in kwargs):
            bad = next((k for k in kwargs if k not in names), None)
            raise Unsupported("PTL113", f"`_replace` takes field names only (ValueError: unexpected field {bad!r})"
                              if bad else "`_replace` takes keyword arguments only", node)
        tmp = self.temp("base")
        given = tuple((rust_ident(f.name), owned_as(kwargs[f.name], f.py_type)) for f in fields if f.name in kwargs)
        rest = tuple((rust_ident(f.name), owned(Val(ir.Field(ir.Path(tmp), rust_ident(f.name)), f.py_type, Mode.PLACE)))
                     for f in fields if f.name not in kwargs)
        lit = ir.StructLit(self.env.class_path(recv.ty), given + rest)
        return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, borrow(recv)),), lit)), recv.ty)

    def namedtuple_make(self: "FunctionLowerer", target: ClassRef, node: cst.Call) -> Val:
        """`P._make(t)`: the NamedTuple from a tuple of as many items (each converted as a
        constructor argument is), or from a list when the fields share its item type (its
        length checked: Python's TypeError "Expected 2 arguments, got 3")."""
        args, kwargs = self.call_args(node)
        fields = list(target.sig.fields)
        ty = T.class_type(target.module, target.sig.name)
        if len(args) != 1 or kwargs:
            raise Unsupported("PTL113", f"`{target.sig.name}._make` takes one iterable", node)
        src = args[0]
        tmp = self.temp("made")
        if src.ty.kind == "tuple":
            if len(src.ty.args) != len(fields):
                raise Unsupported("PTL113", f"`{target.sig.name}._make` of a {len(src.ty.args)}-tuple: TypeError (Expected "
                                  f"{len(fields)} arguments, got {len(src.ty.args)})", node)
            items = [owned_as(Val(ir.Field(ir.Path(tmp), str(i)), t, Mode.PLACE), f.py_type)
                     for i, (t, f) in enumerate(zip(src.ty.args, fields))]
            lit = ir.StructLit(self.env.class_path(ty), tuple((rust_ident(f.name), e) for f, e in zip(fields, items)))
            return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, borrow(src)),), lit)), ty)
        if src.ty.kind == "list" and all(f.py_type == src.ty.args[0] for f in fields):
            n = len(fields)
            check = ir.ExprStmt(ir.IfExpr(ir.Binary("!=", ir.MethodCall(ir.Path(tmp), "len"), ir.IntLit(n, "usize")), ir.Block((ir.ExprStmt(ir.Macro(
                "panic", (ir.MethodCall(ir.Path(tmp), "len"),), fmt=f"TypeError: Expected {n} arguments, got {{}}")),))))
            items = [owned(Val(ir.Index(ir.Path(tmp), ir.IntLit(i, "usize")), f.py_type, Mode.PLACE)) for i, f in enumerate(fields)]
            lit = ir.StructLit(self.env.class_path(ty), tuple((rust_ident(f.name), e) for f, e in zip(fields, items)))
            return Val(ir.BlockExpr(ir.Block((ir.Let(ir.PBind(tmp), None, borrow(src)), check), lit)), ty)
        raise Unsupported("PTL113", f"`{target.sig.name}._make` of a {src.ty} (a tuple of the fields' types, or a list "
                          "when they share one type)", node)

    def method_call(self: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val], node: cst.CSTNode) -> Val:
        if SPREAD in kwargs and (self.env.class_sig(recv.ty) is None or self.env.class_sig(recv.ty).method(name) is None):
            raise Unsupported("PTL150", f"`**d` in a call of `{name}`, which is not a translated method", node)
        if recv.ty.kind == "class" and name == "_replace" and self.namedtuple_fields(recv.ty) is not None:
            return self.namedtuple_replace(recv, args, kwargs, node)
        fields = self.namedtuple_fields(recv.ty) if recv.ty.kind == "class" and name == "_asdict" else None
        if (fields and not args and not kwargs and all(f.py_type == fields[0].py_type for f in fields)
                and isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name)):
            # `p._asdict()` of a name, fields of one type: the dict display `{"x": p.x, "y": p.y}`
            owner = node.func.value
            display = cst.Dict([cst.DictElement(cst.SimpleString(repr(f.name)), cst.Attribute(owner, cst.Name(f.name))) for f in fields])
            return self.expr(display)
        if recv.ty.kind == "class":
            v = self.class_method(recv, name, args, kwargs, node)
            items = self.held(recv) if v is None else None
            if items is not None:
                # `s.append(x)` of a list subclass that does not define `append`: the list's
                return self.method_call(items, name, args, kwargs, node)
            if v is None:
                cls = self.env.class_sig(recv.ty)
                if cls is not None and cls.foreign_bases:
                    raise Unsupported("PTL190", f"`{cls.name}.{name}()` is not a method of the class itself: it would come "
                                      f"from base {_bases_text(cls)}, not translated with it", node)
                raise Unsupported("PTL134", f"`{recv.ty.name}` has no translated method `{name}`", node)
            return v
        if recv.ty.kind == "union" and all(m.kind == "class" for m in recv.ty.args):
            from portalis.lower.class_objects import union_method_call

            dispatched = union_method_call(self, recv, name, args, kwargs, node)  # a match over the classes
            if dispatched is not None:
                return dispatched
        if recv.ty.kind == "dyn" and method_receiver_kinds(name) == ["str"]:
            # `s.lower()` of a value of any builtin type: the str method on a str, Python's
            # AttributeError on anything else
            s = self.temp("s")
            got = self.method_call(Val(ir.Path(s), T.STR, Mode.REF), name, args, kwargs, node)
            self.use_runtime("PyErr")
            o = self.temp("o")
            err = ir.Call(ir.Path("crate::pyrt::PyErr::new"), (ir.StrLit("AttributeError"), ir.Macro(
                "format", (ir.MethodCall(ir.Path(o), "type_name"),), fmt=f"'{{}}' object has no attribute '{name}'")))
            result = ir.Match(borrow(recv), (
                ir.MatchArm(ir.PVariant("crate::pyrt::PyObj::Str", (ir.PBind(s),)), ir.Call(ir.Path("Ok"), (owned(got),))),
                ir.MatchArm(ir.PBind(o), ir.Call(ir.Path("Err"), (err,)))))
            return Val(self.propagate(result), got.ty)
        if recv.ty.kind == "unknown" or (recv.ty.kind in ("list", "dict", "set") and not T.is_known(recv.ty)):
            kinds = method_receiver_kinds(name)
            if recv.ty.kind == "unknown" and len(kinds) == 1:
                kind = kinds[0]
                guess = {"str": T.STR, "list": T.list_of(T.UNKNOWN), "dict": T.dict_of(T.UNKNOWN, T.UNKNOWN), "set": T.set_of(T.UNKNOWN)}[kind]
                recv = self.refine(recv, guess)
        return lower_method(self, recv, name, args, kwargs)

    def call_args(self: "FunctionLowerer", node: cst.Call, star: bool = False, keywords: bool = False) -> tuple[list[Val], dict[str, Val]]:
        """The lowered arguments of a call; with `star`, `*xs` arguments come as StarredArg
        (only a callee with a `*args` parameter takes them); with `keywords`, `**d` comes as
        the keyword SPREAD (a call of a translated function or method: gather_keywords)."""
        args: list[Val] = []
        kwargs: dict[str, Val] = {}
        if (
            isinstance(node.func, cst.Name)
            and node.func.value == "zip"
            and len(node.args) == 1
            and node.args[0].star == "*"
            and node.func.value not in self.locals
        ):
            # `zip(*rows)`: the columns (transposition), each as a list.
            rows = self.expr(node.args[0].value)
            if rows.ty.kind != "list" or rows.ty.args[0].kind != "list":
                raise Unsupported("PTL150", f"zip(*x) of {rows.ty}", node)
            self.use_runtime("zip_rows")
            cols = ir.Call(ir.Path("crate::pyrt::zip_rows"), (self.as_slice_of(rows, rows.ty),))
            return [Val(cols, rows.ty)], {}
        for a in node.args:
            if a.star == "*" and star:
                v = self.expr(a.value)
                args.append(StarredArg(v.expr, v.ty, v.mode))
                continue
            if a.star == "**" and keywords:
                if SPREAD in kwargs:
                    raise Unsupported("PTL174", "two `**d` in one call", node)
                kwargs[SPREAD] = self.expr(a.value)
                continue
            if a.star:
                raise Unsupported("PTL150", "*args/**kwargs in a call are not supported yet", node)
            v = self.expr(a.value)
            if a.keyword is not None:
                kwargs[a.keyword.value] = v
            else:
                args.append(v)
        return args, kwargs

    def call_target(self: "FunctionLowerer", target: object, shown: str, node: cst.Call,
                    why: "CallableType[[], str | None] | None" = None) -> Val:
        if isinstance(target, Callable):
            same = self.identity_call(target, node)
            if same is not None:
                return same
            args, kwargs = self.call_args(node, star=any(p.variadic for p in target.sig.params), keywords=True)
            return self.call_function(target, shown, args, kwargs, node)
        if isinstance(target, ClassRef):
            return self.construct(target, node)
        raise Unsupported("PTL135", (why() if why is not None and target is None else None) or f"`{shown}` is not a translated function", node)

    def identity_call(self: "FunctionLowerer", target: Callable, node: cst.Call) -> Val | None:
        """`_('option -%s not recognized') % opt` where the module defines `def _(s): return s`
        (gettext's stand-in, portalis/import_fallbacks.py): a call of a function of this module
        whose body only returns its one parameter is its argument, unchanged, as Python's is
        (the same object); the template stays a literal `%` can format. None: not such a call."""
        module, _, name = target.key.partition(":")
        if module != self.env.module or self.env.absolute or self.tree is None:
            return None
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            return None
        fn = next((s for s in reversed(self.tree.module.body) if isinstance(s, cst.FunctionDef) and s.name.value == name), None)  # the last def binds
        if fn is None or fn.decorators or fn.asynchronous is not None:
            return None
        ps = fn.params
        if ps.posonly_params or ps.kwonly_params or isinstance(ps.star_arg, cst.Param) or ps.star_kwarg or len(ps.params) != 1 or ps.params[0].default:
            return None
        lines = fn.body.body if isinstance(fn.body, cst.IndentedBlock) else [fn.body]
        smalls = [small for line in lines if isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) for small in line.body]
        if len(smalls) != len(lines) and not all(isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) for line in lines):
            return None
        smalls = [small for small in smalls if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString))]
        if len(smalls) != 1 or not isinstance(smalls[0], cst.Return):
            return None
        value = smalls[0].value
        if not (isinstance(value, cst.Name) and value.value == ps.params[0].name.value):
            return None
        return self.expr(node.args[0].value)

    def bind_arguments(self: "FunctionLowerer", names: list[str], args: list[Val], kwargs: dict[str, Val], shown: str, defaults: dict[str, Val] | None = None) -> dict[str, Val]:
        bound: dict[str, Val] = {}
        if len(args) > len(names):
            raise Unsupported("PTL113", f"too many arguments to `{shown}`")
        for name, v in zip(names, args):
            bound[name] = v
        for key, v in kwargs.items():
            if key not in names or key in bound:
                raise Unsupported("PTL113", f"bad keyword argument `{key}` to `{shown}`")
            bound[key] = v
        for name in names:
            if name not in bound and defaults and name in defaults:
                bound[name] = defaults[name]
        missing = [n for n in names if n not in bound]
        if missing:
            raise Unsupported("PTL113", f"missing argument(s) {', '.join(missing)} to `{shown}`")
        return bound

    def call_function(self: "FunctionLowerer", target: Callable, shown: str, args: list[Val], kwargs: dict[str, Val], node: cst.CSTNode | None) -> Val:
        sig = target.sig
        big = on_bigint(sig)
        if big is not None:  # a callee on num_bigint::BigInt (lower/bigint.py): called with i64s
            sig = big
        sig = self.instantiated(sig, args, kwargs)
        out = self.lower_call_args(sig, shown, args, kwargs, node)
        if big is not None and not sig.raises and all(p.py_type.kind == "bigint" for p in target.sig.params):
            # its i64 fast path first (lower/bigint.py): each argument read once, into a temp
            # unless it is a name or a literal
            self.use_crate("num-bigint")
            self.use_runtime("big_to_i64")
            lets: list[ir.Stmt] = []
            simple: list[ir.Expr] = []
            for e in out:
                if isinstance(e, ir.IntLit) or (isinstance(e, ir.Path) and "::" not in e.name):
                    simple.append(e)
                else:
                    t = self.temp("a")
                    lets.append(ir.Let(ir.PBind(t), None, e))
                    simple.append(ir.Path(t))
            if target.key:
                self.calls.add(target.key)
            fast = bigint_call(target.path, simple)
            return Val(ir.BlockExpr(ir.Block(tuple(lets), fast)) if lets else fast, sig.returns)
        if big is not None:
            self.use_crate("num-bigint")
            self.use_runtime("big_to_i64")
            out = [bigint_arg(e) for e in out]
        lets, out = self.hoisted_after_mut_borrow(out)
        if target.key:
            self.calls.add(target.key)
        call: ir.Expr = ir.Call(ir.Path(target.path), tuple(out))
        if lets:
            call = ir.BlockExpr(ir.Block(tuple(lets), call))
        if sig.raises:
            call = self.propagate(call)
        if big is not None:
            call = bigint_result(call)
        return Val(call, sig.returns)

    def lower_call_args(self: "FunctionLowerer", sig, shown: str, args: list[Val], kwargs: dict[str, Val], node: cst.CSTNode | None) -> list[ir.Expr]:
        """The arguments of a call of a translated function or method, as its parameters take
        them (converted, borrowed, or `&mut` for parameters it changes in place)."""
        args = self.gather_variadic(sig, args, node)
        kwargs = self.gather_keywords(sig, shown, len(args), kwargs, node)
        defaults: dict[str, Val] = {}
        given = len(args)
        for i, p in enumerate(sig.params):
            if p.default is not None and i >= given and p.name not in kwargs:
                # An omitted argument takes the default's value (evaluated here: defaults of
                # translated functions are literals or constants).
                defaults[p.name] = self.expr(cst.parse_expression(p.default))
        bound = self.bind_arguments([p.name for p in sig.params], args, kwargs, shown, defaults)
        out: list[ir.Expr] = []
        if not sig.typed or any(not T.is_known(p.py_type) for p in sig.params) or sig.returns.kind == "unknown":
            raise Unsupported("PTL136", f"`{shown}` has no typed signature", node)
        for p in sig.params:
            v = bound[p.name]
            fn_type = p.py_type if p.py_type.kind == "callable" else (
                p.py_type.args[0] if p.py_type.kind == "optional" and p.py_type.args[0].kind == "callable" else None)
            if fn_type is not None:
                out.append(self.callable_arg(v, fn_type, p.py_type.kind == "optional", f"parameter `{p.name}` of `{shown}`", node))
                continue
            if p.py_type.kind == "iter":
                # a parameter taking any iterable: the argument's items (owned), drawn by the callee
                from portalis.lower.generators import iterable_argument

                out.append(iterable_argument(self, v, p.py_type.args[0], f"parameter `{p.name}` of `{shown}`"))
                continue
            if p.py_type.kind == "func":
                raise Unsupported("PTL111", f"parameter `{p.name}` of `{shown}` takes a function value")
            if v.ty.kind == "iter" and p.py_type.kind == "list" and not p.mutated:
                # an iterator passed where the callee takes a list (its `Iterator[T]`, or what the
                # analysis typed from this call: portalis/analysis/values.py `as_list`): the
                # items collected, as an iterator bound to a name is
                from portalis.lower.builtins import collect_vec

                expr, elem = collect_vec(self, v)
                v = Val(expr, T.list_of(elem), Mode.OWNED)
            if v.ty.kind == "class" and p.py_type.kind in ("list", "dict"):
                # a list subclass where a list is taken: its items, the object's own (a
                # change in place by the callee is the object's, as in Python)
                items = self.held(v)
                v = items if items is not None and items.ty.kind == p.py_type.kind else v
            self.expect_local(v, p.py_type)
            v = coerce(self._reread(v), p.py_type)
            if p.keywords:
                # the callee's own dict (gather_keywords): a new one in Python, so a `**d`
                # passed on is copied when the callee changes it (`options.pop(...)`)
                if p.mutated:
                    out.append(ir.Ref(owned(v), mutable=True))
                else:
                    out.append(borrow(v))
                continue
            if p.mutated:
                if v.mode is not Mode.PLACE:
                    raise Unsupported("PTL113", f"`{shown}` changes its argument `{p.name}` in place: pass a variable", node)
                local = next((loc for loc in self.locals.values() if isinstance(v.expr, ir.Path) and loc.name == v.expr.name), None)
                out.append(local.path() if local is not None and local.mutable_ref else ir.Ref(v.expr, mutable=True))
            elif isinstance(param_type(p.py_type), ir.TRef) and isinstance(declared_param_type(p), ir.TRef):
                if p.py_type.kind == "list" and isinstance(v.expr, ir.Macro) and v.expr.name == "vec" and v.expr.args:
                    out.append(ir.Ref(ir.ArrayLit(v.expr.args)))  # `&[1, 2]` for a slice parameter
                else:
                    out.append(borrow(v))
            else:
                out.append(owned(v))
        return out

    def call_callable(self: "FunctionLowerer", f: Val, fn_type: PyType, node: cst.Call) -> Val:
        """`key(x)` where key is a callable parameter (`&dyn Fn(A) -> R`): its arguments owned
        as its parameter types."""
        args, kwargs = self.call_args(node)
        wanted = fn_type.args[:-1]
        if kwargs or len(args) != len(wanted) or any(isinstance(a, StarredArg) for a in args):
            raise Unsupported("PTL130", f"calling a {fn_type} with {len(args)} argument(s){' and keywords' if kwargs else ''}", node)
        converted = tuple(owned_as(self._reread(a), t) for a, t in zip(args, wanted))
        return Val(ir.Call(f.expr, converted), fn_type.args[-1], Mode.OWNED)

    def callable_arg(self: "FunctionLowerer", v: Val, fn_type: PyType, optional: bool, what: str, node: cst.CSTNode | None) -> ir.Expr:
        """A function value passed where a callable is expected: a callable parameter passed on
        as is, None for an optional one, and a lambda, a module function or a builtin as a
        borrowed closure applying it (`&|a: i64| f(a)`), `Some(..)` for an optional one."""
        def some(e: ir.Expr) -> ir.Expr:
            return ir.Call(ir.Path("Some"), (e,)) if optional else e

        if v.ty.kind == "none" and optional:
            return ir.Path("None")
        if v.ty == fn_type or (optional and v.ty == T.optional(fn_type)):
            return some(v.expr) if v.ty == fn_type else v.expr
        if v.ty.kind != "func" or v.func is None:
            raise Unsupported("PTL111", f"{what} takes a {fn_type}, given a {v.ty}", node)
        names = [self.temp("a") for _ in fn_type.args[:-1]]
        with self.in_closure():
            result = v.func.apply(self, [Val(ir.Path(n), t, Mode.OWNED) for n, t in zip(names, fn_type.args[:-1])])
            body = owned_as(self._reread(result), fn_type.args[-1])
        params = tuple(ir.PTyped(ir.PBind(n), self.rust_type(t)) for n, t in zip(names, fn_type.args[:-1]))
        return some(ir.Ref(ir.Closure(params, body)))

    def instantiated(self: "FunctionLowerer", sig, args: list[Val], kwargs: dict[str, Val]):
        """A generic callee's signature at the types this call passes (`list[T]` given a
        `list[int]`: T is int), so its arguments and result convert as for a plain function.
        Within a generic function, its own T passed on stays T (rustc infers the callee's)."""
        if not sig.facts.generics:
            return sig
        binding: dict[str, PyType] = {}
        given = [(p, a) for p, a in zip(sig.params, args) if not isinstance(a, StarredArg)]
        given += [(p, kwargs[p.name]) for p in sig.params if p.name in kwargs]
        for p, a in given:
            _bind_typevars(p.py_type, a.ty, binding)
        if not binding:
            return sig
        params = [p.model_copy(update={"py_type": T.substitute(p.py_type, binding)}) for p in sig.params]
        return sig.model_copy(update={"params": params, "returns": T.substitute(sig.returns, binding)})

    def hoisted_after_mut_borrow(self: "FunctionLowerer", out: list[ir.Expr]) -> tuple[list[ir.Stmt], list[ir.Expr]]:
        """Arguments after a `&mut x` that read x are evaluated first, into temporaries: Rust
        evaluates arguments in order, and `f(heap, 0, heap.len() - 1)` reads `heap` while the
        first argument holds it mutably borrowed (E0502); Python read it before the call ran."""
        lets: list[ir.Stmt] = []
        borrowed: set[str] = set()
        result: list[ir.Expr] = []
        for e in out:
            if borrowed and not isinstance(e, ir.Path) and any(_mentions_name(e, b) for b in borrowed):
                if not all(isinstance(x, (ir.Path, ir.Ref, ir.IntLit, ir.BoolLit, ir.FloatLit)) for x in result):
                    return [], out  # an earlier argument with effects would run after it
                tmp = self.temp("arg")
                lets.append(ir.Let(ir.bind(tmp, False), None, e))
                e = ir.Path(tmp)
            root = e.operand if isinstance(e, ir.Ref) and e.mutable else e
            if (isinstance(e, ir.Ref) and e.mutable) or (isinstance(e, ir.Path) and any(
                    loc.mutable_ref and loc.name == e.name for loc in self.locals.values())):
                if isinstance(root, ir.Path):
                    borrowed.add(root.name)
            result.append(e)
        return lets, (result if lets else out)

    def gather_variadic(self: "FunctionLowerer", sig, args: list[Val], node: cst.CSTNode | None) -> list[Val]:
        """Positional arguments with those a `*args` parameter takes gathered into one list:
        `f(1, 2, 3)` -> `f(&[1, 2, 3])`, `f(*xs)` -> `f(&xs)`."""
        at = next((i for i, p in enumerate(sig.params) if p.variadic), None)
        starred = [i for i, a in enumerate(args) if isinstance(a, StarredArg)]
        if at is None:
            if starred:
                raise Unsupported("PTL150", "*args in a call are not supported yet", node)
            return args
        head, rest = args[:at], args[at:]
        if any(isinstance(a, StarredArg) for a in head):
            raise Unsupported("PTL150", "*args before the callee's own *args parameter", node)
        elem = sig.params[at].py_type.args[0] if sig.params[at].py_type.args else T.UNKNOWN
        if len(rest) == 1 and isinstance(rest[0], StarredArg):
            v = rest[0]
            if v.ty.kind == "list":
                return head + [Val(v.expr, v.ty, v.mode)]
            if v.ty.kind == "tuple" and v.ty.args and all(t == v.ty.args[0] for t in v.ty.args):
                items = tuple(ir.Field(v.expr, str(i)) for i in range(len(v.ty.args)))
                return head + [Val(ir.Macro("vec", items, brackets="[]"), T.list_of(v.ty.args[0]))]
            raise Unsupported("PTL150", f"*{v.ty} as the arguments of `*{sig.params[at].name}`", node)
        if any(isinstance(a, StarredArg) for a in rest):
            raise Unsupported("PTL150", "*xs mixed with other arguments of a `*args` parameter", node)
        if not rest:
            ty = T.list_of(elem)
            return head + [Val(ir.Call(ir.Path("Vec::new")), ty)]
        if not T.is_known(elem):
            elem = _unify_all([a.ty for a in rest], node)
        items = tuple(owned_as(a, elem) for a in rest)
        return head + [Val(ir.Macro("vec", items, brackets="[]"), T.list_of(elem))]

    def gather_keywords(self: "FunctionLowerer", sig, shown: str, given: int, kwargs: dict[str, Val], node: cst.CSTNode | None) -> dict[str, Val]:
        """Keyword arguments with those a `**kwargs` parameter takes gathered into its dict,
        in the order the call writes them (Python's dict keeps it): `f(1, x=2, y=3)` ->
        `f(1, &[("x", 2), ("y", 3)].collect())`; `f(**d)` passes d itself (borrowed; copied
        when the callee changes its dict, which is a new one in Python). `given`: how many
        parameters the positional arguments fill."""
        kw = next((p for p in sig.params if p.keywords), None)
        spread = kwargs.get(SPREAD)
        if kw is None:
            if not getattr(sig, "typed", True) and (spread is not None or any(k not in {p.name for p in sig.params} for k in kwargs)):
                # its `**kwargs` (or another parameter) could not be typed: the callee says why
                raise Unsupported("PTL136", f"`{shown}` has no typed signature", node)
            if spread is not None:
                raise Unsupported("PTL174", f"`**d` into `{shown}`, which has no `**kwargs` parameter", node)
            return kwargs
        named = [p.name for p in sig.params if not p.keywords and not p.variadic]
        kept = {k: v for k, v in kwargs.items() if k in named}
        extra = {k: v for k, v in kwargs.items() if k != SPREAD and k not in named}
        vt = kw.py_type.args[1] if kw.py_type.kind == "dict" and len(kw.py_type.args) == 2 else T.UNKNOWN
        dict_ty = T.dict_of(T.STR, vt)
        if spread is not None:
            if extra:
                raise Unsupported("PTL174", f"`**d` beside other keywords that `**{kw.name}` of `{shown}` takes", node)
            # Python binds d's keys to the named parameters first: only where every one is
            # given already (positionally or by keyword) does all of d land in `**kwargs`.
            positional = [p.name for p in sig.params if not p.keywords and not p.variadic][:given]
            open_ = [n for n in named if n not in kept and n not in positional]
            if open_:
                raise Unsupported("PTL174", f"`**d` may fill parameter `{open_[0]}` of `{shown}` (its keys are not known here)", node)
            if spread.ty.kind != "dict" or len(spread.ty.args) != 2 or spread.ty.args[0].kind != "str":
                raise Unsupported("PTL174", f"`**d` of a {spread.ty} (a dict of str keys is what `**{kw.name}` takes)", node)
            if vt.kind == "dyn" and spread.ty.args[1].kind != "dyn" and T.fits_dyn(spread.ty.args[1]) and not _has_tuple(spread.ty.args[1]):
                # `f(**d)` of typed values into a `**kwargs` of dynamic ones: a new dict of
                # them as PyObj values (Python's callee gets a new dict too)
                self.use_runtime("PyObj")
                converted = ir.Call(ir.Path("crate::pyrt::PyObj::dict_from"), (borrow(spread),))
                return {**kept, kw.name: Val(converted, T.dict_of(T.STR, T.DYN), Mode.OWNED)}
            if T.is_known(vt) and spread.ty.args[1] != vt:
                raise Unsupported("PTL174", f"`**d` of a {spread.ty} into `**{kw.name}: {vt}` of `{shown}`", node)
            return {**kept, kw.name: spread}
        self.use_runtime("PyDict")
        if not extra:
            return {**kept, kw.name: Val(ir.Call(ir.Path("crate::pyrt::PyDict::new")), dict_ty, Mode.OWNED)}
        if not T.is_known(vt):
            types = [v.ty for v in extra.values()]
            for t in types[1:]:
                if unify(types[0], t) is None:
                    raise Unsupported("PTL173", f"keyword arguments of `**{kw.name}` of `{shown}` of several types ({types[0]} and {t})", node)
            vt = _unify_all(types, node)
            dict_ty = T.dict_of(T.STR, vt)
        pairs = tuple(ir.TupleExpr((ir.MethodCall(ir.StrLit(k), "to_string"), owned_as(self._reread(v), vt))) for k, v in extra.items())
        built = ir.MethodCall(ir.MethodCall(ir.Macro("vec", pairs, brackets="[]"), "into_iter"), "collect",
                              turbofish=(self.rust_type(dict_ty, holes=True),))
        return {**kept, kw.name: Val(built, dict_ty, Mode.OWNED)}

    def class_method(self: "FunctionLowerer", recv: Val, name: str, args: list[Val], kwargs: dict[str, Val], node: cst.CSTNode | None) -> Val | None:
        """`obj.m(...)` on an instance of a translated class (None: no such method)."""
        cls = self.env.class_sig(recv.ty)
        m = cls.method(name) if cls is not None else None
        if m is None or cls is None:
            return None
        self.env.check_available(recv.ty, name, node)
        out = self.lower_call_args(m, f"{cls.name}.{name}", args, kwargs, node)
        self.calls_item(recv.ty.module, f"{cls.name}.{name}")
        if m.kind in ("staticmethod", "classmethod"):
            call: ir.Expr = ir.Call(ir.Path(f"{self.env.class_path(recv.ty)}::{rust_ident(name)}"), tuple(out))
        elif m.mut_self:
            call = ir.MethodCall(self.mutable(recv), rust_ident(name), tuple(out), mutates=True)
        else:
            call = ir.MethodCall(recv.expr, rust_ident(name), tuple(out))
        if m.raises:
            call = self.propagate(call)
        return Val(call, m.returns)

    def static_call(self: "FunctionLowerer", target: ClassRef, name: str, node: cst.Call) -> Val:
        """`C.m(...)`: a static or class method (or a method called with its receiver first)."""
        cls = target.sig
        if name == "_make" and cls.flavour == "namedtuple":
            return self.namedtuple_make(target, node)
        m = cls.method(name)
        if m is None:
            raise Unsupported("PTL135", f"`{cls.name}.{name}` is not a translated method", node)
        args, kwargs = self.call_args(node, keywords=True)
        ty = T.class_type(target.module, cls.name)
        self.env.check_available(ty, name, node)
        if m.kind not in ("staticmethod", "classmethod"):
            if not args:
                raise Unsupported("PTL113", f"`{cls.name}.{name}()` needs its receiver", node)
            name = self.base_method_name(cls, args[0], name, node)
            v = self.class_method(args[0], name, args[1:], kwargs, node)
            if v is None:
                raise Unsupported("PTL113", f"`{cls.name}.{name}()` called with a receiver of type {args[0].ty}", node)
            return v
        out = self.lower_call_args(m, f"{cls.name}.{name}", args, kwargs, node)
        self.calls_item(target.module, f"{cls.name}.{name}")
        call: ir.Expr = ir.Call(ir.Path(f"{self.env.class_path(ty)}::{rust_ident(name)}"), tuple(out))
        if m.raises:
            call = self.propagate(call)
        return Val(call, m.returns)

    def base_method_name(self: "FunctionLowerer", cls, recv: Val, name: str, node: cst.CSTNode) -> str:
        """`Base.m(self, ...)` on an object of a subclass runs Base's m, not the subclass's:
        the method of the receiver's class that is Base's. `Base.__init__(self, **options)` in
        a subclass's __init__ (pygments' lexers) is the base's initialiser that the subclass
        keeps as `__init_<Base>__` (as for `super().__init__`); a method the subclass inherits
        from Base is the same method. One the subclass overrides: not supported yet (calling
        the subclass's own would recurse)."""
        own = self.env.class_sig(recv.ty) if recv.ty.kind == "class" else None
        if own is None or own.name == cls.name:
            return name
        if name == "__init__":
            if own.method(f"__init_{cls.name}__") is not None:
                return f"__init_{cls.name}__"
            raise Unsupported("PTL140", f"`{cls.name}.__init__(self, ...)` in `{own.name}`, whose translated base is not `{cls.name}`", node)
        owner = own.method_owners.get(name) or own.inherited.get(name, "").rpartition(":")[2]
        if owner != cls.name:
            raise Unsupported("PTL140", f"`{cls.name}.{name}(self, ...)` on a `{own.name}`, which has its own `{name}`: not supported yet", node)
        return name

    def field_default(self: "FunctionLowerer", default: str, ty: PyType, node: cst.CSTNode) -> Val:
        """A dataclass field's default: a value, or `field(default=...)` /
        `field(default_factory=list)` (the factory is called for every new object)."""
        expr = cst.parse_expression(default)
        if isinstance(expr, cst.Call) and isinstance(expr.func, (cst.Name, cst.Attribute)) and (
            expr.func.value if isinstance(expr.func, cst.Name) else expr.func.attr.value
        ) == "field":
            for a in expr.args:
                if a.keyword is not None and a.keyword.value == "default":
                    return self.expr(a.value)
                if a.keyword is not None and a.keyword.value == "default_factory":
                    factory = self.expr(a.value)
                    if factory.func is None:
                        raise Unsupported("PTL140", "this default_factory is not supported", node)
                    return factory.func.apply(self, [])
            raise Unsupported("PTL140", "field() without a default", node)
        return self.expr(expr)

    def construct(self: "FunctionLowerer", target: ClassRef, node: cst.Call) -> Val:
        cls = target.sig
        ty = T.class_type(target.module, cls.name)
        if cls.flavour == "enum":
            # `Color(1)`: the member with that value; ValueError when none has it.
            args, kwargs = self.call_args(node)
            if len(args) != 1 or kwargs:
                raise Unsupported("PTL113", f"`{cls.name}()` takes one value", node)
            vt = cls.members[0].py_type
            arg = str_view(args[0]) if vt.kind == "str" and args[0].ty.kind == "str" else read(coerce(args[0], vt))
            if args[0].ty.kind != vt.kind and not (vt.kind == "float" and args[0].ty.kind in ("int", "bool")):
                raise Unsupported("PTL113", f"`{cls.name}()` of {args[0].ty}", node)
            found = ir.Call(ir.Path(f"{self.env.class_path(ty)}::from_value"), (arg,))
            return Val(self.expect_some(found, "ValueError"), ty)
        if cls.foreign_bases and (cls.is_dataclass or cls.method("__init__") is None):
            raise Unsupported("PTL190", f"`{cls.name}(...)` runs the __init__ of base {_bases_text(cls)}, not translated with it", node)
        if not cls.is_dataclass:
            args, kwargs = self.call_args(node, keywords=True)
            init = cls.method("__init__")
            if init is None:
                if args or kwargs:
                    raise Unsupported("PTL113", f"`{cls.name}()` takes no arguments", node)
                return Val(ir.Call(ir.Path(f"{self.env.class_path(ty)}::default")), ty)
            out = self.lower_call_args(init, cls.name, args, kwargs, node)
            self.calls_item(target.module, f"{cls.name}.new")
            call: ir.Expr = ir.Call(ir.Path(f"{self.env.class_path(ty)}::new"), tuple(out))
            if init.raises:
                call = self.propagate(call)
            return Val(call, ty)
        args, kwargs = self.call_args(node)
        defaults: dict[str, Val] = {}
        for i, f in enumerate(cls.fields):
            if f.default is not None and i >= len(args) and f.name not in kwargs:
                defaults[f.name] = self.field_default(f.default, f.py_type, node)
        bound = self.bind_arguments([f.name for f in cls.fields], args, kwargs, cls.name, defaults)
        fields = tuple((rust_ident(f.name), owned_as(bound[f.name], f.py_type)) for f in cls.fields)
        ty = T.class_type(target.module, cls.name)
        return Val(ir.StructLit(self.env.class_path(ty), fields), ty)


class StarredArg(Val):
    """`*xs` in a call's arguments (see call_args and gather_variadic)."""


# The key call_args files a `**d` argument under (no keyword can be spelt so).
SPREAD = "**"


def _string_value(node: cst.SimpleString | cst.ConcatenatedString) -> object:
    """A string literal's value (libcst evaluates it anew on every access; every lowering
    pass asks: kept in the lowering's memo scope, portalis/memo.py)."""
    table = memo_table("string_value")
    hit = table.get(id(node)) if table is not None else None
    if hit is not None and hit[0] is node:
        return hit[1]
    value = node.evaluated_value
    if table is not None:
        table[id(node)] = (node, value)
    return value


_EXPR_RULES = {
    cst.Integer: lambda lw, n: Val(ir.IntLit(int(n.evaluated_value)), T.INT),
    cst.Float: lambda lw, n: Val(ir.FloatLit(float(n.evaluated_value)), T.FLOAT),
    cst.Imaginary: lambda lw, n: lw._unsupported_expr(n),
    cst.NamedExpr: lambda lw, n: lw.walrus(n),
    cst.SimpleString: lambda lw, n: lw._literal_string(n),
    cst.ConcatenatedString: lambda lw, n: lw._literal_string(n),
    cst.FormattedString: lambda lw, n: lw.fstring(n),
    cst.Name: lambda lw, n: lw.name(n),
    cst.Attribute: lambda lw, n: lw.attribute(n),
    cst.BinaryOperation: lambda lw, n: lw.binary(n.operator, lw.expr(n.left), lw.expr(n.right), n),
    cst.UnaryOperation: lambda lw, n: lw.unary(n),
    cst.BooleanOperation: lambda lw, n: lw.boolean(n),
    cst.Comparison: lambda lw, n: lw.comparison(n),
    cst.Call: lambda lw, n: lw.call(n),
    cst.Subscript: lambda lw, n: lw.subscript(n),
    cst.IfExp: lambda lw, n: lw.if_exp(n),
    cst.List: lambda lw, n: lw.display(n),
    cst.Tuple: lambda lw, n: lw.display(n),
    cst.Dict: lambda lw, n: lw.display(n),
    cst.Set: lambda lw, n: lw.display(n),
    cst.Lambda: lambda lw, n: lw.lambda_value(n),
    cst.ListComp: lambda lw, n: lw.comprehension(n),
    cst.SetComp: lambda lw, n: lw.comprehension(n),
    cst.DictComp: lambda lw, n: lw.comprehension(n),
    cst.GeneratorExp: lambda lw, n: lw.comprehension(n),
}



def _narrow(local: Local) -> Local:
    return Local(
        name=local.name,
        ty=local.ty.args[0],
        mode=local.mode,
        mutable_ref=local.mutable_ref,
        narrowed=True,
        param=local.param,
        block=local.block,
        deref=local.deref,
    )


def _type_names(node: cst.BaseExpression, classes: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The builtin types (and the names in `classes`) named by isinstance's second argument (a
    name or a tuple of names)."""
    if isinstance(node, cst.Name) and (node.value in TYPE_NAMES or node.value in classes):
        return {node.value}
    if isinstance(node, cst.Tuple):
        out: set[str] = set()
        for el in node.elements:
            out |= _type_names(el.value, classes)
        return out
    raise Unsupported("PTL133", "isinstance() with this type argument is not supported", node)


def _format_parts(e: ir.Expr) -> tuple[str, tuple[ir.Expr, ...]]:
    """A string value as (format string, arguments): literals are inlined and `format!`s
    merged, so `a + " " + b` is one `format!("{} {}", a, b)`."""
    if isinstance(e, ir.StrLit):
        return e.value.replace("{", "{{").replace("}", "}}"), ()
    if isinstance(e, ir.Macro) and e.name == "format" and e.fmt is not None:
        return e.fmt, e.args
    return "{}", (fmt_arg(e),)


# One `%` conversion: `%(key)-08.3f` (length modifiers h l L are ignored, as Python does).
_PERCENT = re.compile(r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[-0 +#]*)(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d*))?[hlL]?(?P<conv>.?)", re.S)


def format_val(fmt: str, args: list[ir.Expr]) -> Val:
    """`format!(fmt, args)` as a str value; a lone `{}` of a runtime formatting call (already a
    String: `pyrt::format_float(x, ".1f")`) is that call."""
    if fmt == "{}" and len(args) == 1 and isinstance(args[0], ir.Call) and isinstance(args[0].func, ir.Path) \
            and args[0].func.name.startswith(("crate::pyrt::format_", "crate::pyrt::str_repr", "crate::pyrt::float_repr")):
        return Val(args[0], T.STR)
    return Val(ir.Macro("format", tuple(args), fmt=fmt), T.STR)


def fstring_text(node: cst.FormattedString, raw: str) -> str:
    """The text of an f-string part as Python reads it: escapes decoded (`\\n` is a newline)
    unless the string is raw; `{{` and `}}` are kept for the caller."""
    prefix = node.prefix.lower().replace("f", "")
    if "r" in prefix or "\\" not in raw:
        return raw
    quote = node.start[len(node.prefix):]
    import ast

    try:
        return ast.literal_eval(prefix + quote + raw + quote)
    except (SyntaxError, ValueError):
        raise Unsupported("PTL130", "this f-string text (a backslash before a field) is not supported yet", node) from None


def fmt_arg(e: ir.Expr) -> ir.Expr:
    """An argument of format!: a Display value need not be turned into a String first."""
    if isinstance(e, ir.MethodCall) and e.method == "to_string" and not e.args and not isinstance(e.receiver, ir.StrLit):
        return e.receiver
    return e


def _as_char(v: Val) -> ir.Expr | None:
    """A one-character str as a Rust char: one read from a char view, or a literal."""
    if v.char is not None:
        return v.char
    lit = v.expr if isinstance(v.expr, ir.StrLit) else _plain_str_lit(v.expr)
    if lit is not None and len(lit.value) == 1:
        return ir.CharLit(lit.value)
    return None


def _plain_str_lit(e: ir.Expr) -> ir.StrLit | None:
    if isinstance(e, ir.MethodCall) and e.method == "to_string" and isinstance(e.receiver, ir.StrLit):
        return e.receiver
    return None


def _is_minus_one(e: ir.Expr) -> bool:
    return isinstance(e, ir.IntLit) and e.value == -1 or isinstance(e, ir.FloatLit) and e.value == -1.0


def bool_chain(node: cst.BooleanOperation) -> list[cst.BooleanOperation]:
    """The levels of a left-nested chain of one operator, innermost first: for
    `a and b and c` (`(a and b) and c`), [`a and b`, `(a and b) and c`]; the chain's operands are
    the first level's left and every level's right."""
    op = type(node.operator)
    levels = [node]
    while isinstance(levels[-1].left, cst.BooleanOperation) and type(levels[-1].left.operator) is op and not levels[-1].left.lpar:
        levels.append(levels[-1].left)
    levels.reverse()
    return levels


def _narrow_more(known: tuple[set[str], set[str]], more: tuple[set[str], set[str]], is_and: bool) -> tuple[set[str], set[str]]:
    """Narrowings of `chain and x` from those of the chain and of x (`or`: the false side)."""
    return (known[0] | more[0], set()) if is_and else (set(), known[1] | more[1])


def _is_empty_literal(e: ir.Expr) -> bool:
    if isinstance(e, ir.StrLit):
        return e.value == ""
    if isinstance(e, ir.Call) and isinstance(e.func, ir.Path) and e.func.name == "Vec::new":
        return True
    return isinstance(e, ir.Macro) and e.name == "vec" and not e.args


def logical(op: str, a: ir.Expr, b: ir.Expr) -> ir.Expr:
    """`a && b` / `a || b`, folding literal operands (isinstance() and `in` on displays give
    constants): nothing with an effect is dropped, since Rust short-circuits the same way."""
    if isinstance(a, ir.BoolLit):
        if op == "&&":
            return b if a.value else a
        return a if a.value else b
    if isinstance(b, ir.BoolLit) and b.value == (op == "&&"):
        return a  # x && true, x || false
    rng = _range_test(op, a, b)
    if rng is not None:
        return rng
    return ir.Binary(op, a, b)


def _range_test(op: str, a: ir.Expr, b: ir.Expr) -> ir.Expr | None:
    """`lo <= x && x <= hi` as `(lo..=hi).contains(&x)`, `x < lo || x > hi` as its negation."""
    def bound(e: ir.Expr) -> tuple[str, ir.Expr, ir.Expr] | None:
        if not isinstance(e, ir.Binary) or e.op not in ("<", "<=", ">", ">="):
            return None
        if isinstance(e.left, ir.Path) and isinstance(e.right, (ir.IntLit, ir.Path)):
            return e.op, e.left, e.right
        if isinstance(e.right, ir.Path) and isinstance(e.left, (ir.IntLit, ir.Path)):
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[e.op]
            return flipped, e.right, e.left
        return None

    x, y = bound(a), bound(b)
    if x is None or y is None or x[1] != y[1] or not (isinstance(x[2], ir.IntLit) and isinstance(y[2], ir.IntLit)):
        return None
    var = x[1]
    pairs = {x[0]: x[2], y[0]: y[2]}
    if op == "&&" and ">=" in pairs and "<=" in pairs:
        return ir.MethodCall(ir.RangeExpr(pairs[">="], pairs["<="], inclusive=True), "contains", (ir.Ref(var),))
    if op == "&&" and ">=" in pairs and "<" in pairs:
        return ir.MethodCall(ir.RangeExpr(pairs[">="], pairs["<"]), "contains", (ir.Ref(var),))
    if op == "||" and "<" in pairs and ">" in pairs:
        return ir.Unary("!", ir.MethodCall(ir.RangeExpr(pairs["<"], pairs[">"], inclusive=True), "contains", (ir.Ref(var),)))
    return None


def _widen(local: Local) -> Local:
    """The Optional local again after a narrowing ends."""
    return Local(
        name=local.name,
        ty=T.optional(local.ty),
        mode=local.mode,
        mutable_ref=local.mutable_ref,
        narrowed=False,
        param=local.param,
        block=local.block,
        deref=local.deref,
    )


def _negate(e: ir.Expr) -> ir.Expr:
    if isinstance(e, ir.Unary) and e.op == "!":
        return e.operand
    if isinstance(e, ir.BoolLit):
        return ir.BoolLit(not e.value)
    if isinstance(e, ir.Binary) and e.op in ("==", "!="):
        return ir.Binary("!=" if e.op == "==" else "==", e.left, e.right)
    if isinstance(e, ir.Binary) and e.total and e.op in _FLIPPED:
        return ir.Binary(_FLIPPED[e.op], e.left, e.right, total=True)  # not for floats: NaN
    if isinstance(e, ir.Binary) and e.op in ("&&", "||") and any(_negates_simply(x) for x in (e.left, e.right)):
        # De Morgan, when it removes a negation: `!(!a && b)` is `a || !b`.
        return ir.Binary("||" if e.op == "&&" else "&&", _negate(e.left), _negate(e.right))
    return ir.Unary("!", e)


_FLIPPED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _negates_simply(e: ir.Expr) -> bool:
    return isinstance(e, ir.Unary) and e.op == "!" or isinstance(e, ir.Binary) and e.op in ("==", "!=")


def _has_try(node: object) -> bool:
    """Whether a lowered expression holds a `?` outside any closure of its own (a `?` there
    returns from the closure, not from the function)."""
    if isinstance(node, ir.Try):
        return True
    if isinstance(node, ir.Closure):
        return False
    if isinstance(node, (tuple, list)):
        return any(_has_try(x) for x in node)
    if is_dataclass(node):
        return any(_has_try(getattr(node, f.name)) for f in fields(node))
    return False


def _compare_ref(v: Val) -> ir.Expr:
    """An operand of == between values without a slice view (dicts, sets, structs, tuples)."""
    if v.mode is Mode.REF:
        return ir.Unary("*", v.expr)
    return v.expr


def _bind_typevars(param: PyType, arg: PyType, binding: dict[str, PyType]) -> None:
    """Match a parameter's type against an argument's: each type parameter the first time it
    meets a known type is bound to it."""
    if param.kind == "typevar" and param.name:
        if param.name not in binding and T.is_known(arg) and arg.kind != "typevar":
            binding[param.name] = arg
        return
    if param.kind == arg.kind and len(param.args) == len(arg.args):
        for a, b in zip(param.args, arg.args):
            _bind_typevars(a, b, binding)


def _mentions_name(node: object, name: str) -> bool:
    """Whether an IR expression reads the variable `name`."""
    import dataclasses

    if isinstance(node, ir.Path):
        return node.name == name
    if isinstance(node, (tuple, list)):
        return any(_mentions_name(x, name) for x in node)
    if dataclasses.is_dataclass(node):
        return any(_mentions_name(getattr(node, f.name), name) for f in dataclasses.fields(node))
    return False


def _union_equality(rust: str, a: Val, b: Val, node: cst.CSTNode) -> ir.Expr:
    """`x == "a"` with x a union: the other side as the union's variant of its member, compared
    as enums (another variant is unequal, as Python's values of different types are)."""
    u, other = (a, b) if a.ty.kind == "union" else (b, a)
    if union_has_class(u.ty):
        raise Unsupported("PTL113", f"comparing {u.ty} with {other.ty}: a class member compares by identity", node)
    member = member_for_type(u.ty, other.ty) if other.ty.kind not in ("union", "optional") else None
    if member is None:
        if other.ty.kind in ("union", "optional") or (T.is_numeric(other.ty) and any(T.is_numeric(m) for m in u.ty.args)):
            raise Unsupported("PTL113", f"comparing {u.ty} with {other.ty}", node)
        return ir.BoolLit(rust == "!=")  # no member of that type: never equal
    lhs = ir.Unary("*", u.expr) if u.mode is Mode.REF else u.expr
    return ir.Binary(rust, lhs, owned_as(other, u.ty))


def _unify_all(types: list[PyType], node: cst.CSTNode, union: bool = False) -> PyType:
    out = types[0]
    for t in types[1:]:
        u = unify(out, t)
        if u is None and union and T.is_known(out) and T.is_known(t):
            u = union_or_none([out, t])
        if u is None:
            raise Unsupported("PTL113", f"a display mixes {out} and {t}", node)
        out = u
    return out


def _is_place_path(e: ir.Expr) -> bool:
    """A variable or a field of one: cheap and side-effect free to name twice."""
    while isinstance(e, ir.Field):
        e = e.value
    return isinstance(e, ir.Path)


def _as_array(e: ir.Expr) -> ir.Expr:
    """A `vec![a, b]` that is only borrowed as an array literal (clippy: useless_vec)."""
    if isinstance(e, ir.Macro) and e.name == "vec" and e.brackets == "[]" and e.fmt is None and e.args:
        return ir.ArrayLit(e.args)
    return e


def _library_name(lw: "FunctionLowerer", node: cst.BaseExpression) -> str | None:
    """`datetime.date` or `date` (imported from datetime) as a dotted library name; None for a
    local or anything else."""
    from portalis.lower.stdlib_functools import qualified

    head = node
    while isinstance(head, cst.Attribute):
        head = head.value
    if not isinstance(head, cst.Name) or head.value in lw.locals:
        return None
    return qualified(lw.env, node)


def _bases_text(cls: ClassSignature) -> str:
    """`Lexer` / `Lexer, Mixin`: the bases a class is translated without, for a diagnostic."""
    return ", ".join(f"`{b}`" for b in cls.foreign_bases)


def _ints_typed(e: ir.Expr) -> ir.Expr:
    """Bare int literals of a tuple or `vec!` literal given `i64`: PyRepr is implemented for u8
    too (a `Vec<u8>` prints as bytes), so `py_repr(&vec![1, 2])` alone no longer tells rustc which
    integer it is, and its fallback, i32, has no PyRepr."""
    if isinstance(e, ir.IntLit) and not e.suffix:
        return replace(e, suffix="i64")
    if isinstance(e, ir.TupleExpr):
        return ir.TupleExpr(tuple(_ints_typed(x) for x in e.items))
    if isinstance(e, ir.Macro) and e.name == "vec":
        return replace(e, args=tuple(_ints_typed(x) for x in e.args))
    return e


def class_value_reason(found: ClassRef) -> str:
    """Why a class of the repository named as a value stops the function: an exception class
    or an enum's object has no Rust value (other classes' objects do: portalis/lower/class_objects.py).
    Said apart from "not translated in its module", which it is not."""
    where = f"{found.module}.{found.sig.name}"
    what = "an exception class's" if found.sig.flavour is None else f"an {found.sig.flavour} class's"
    return f"class `{where}` used as a value (passed or stored, not called): {what} object is not a Rust value yet"
