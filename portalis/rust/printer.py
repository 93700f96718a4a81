"""The one Rust printer: Rust IR -> source text. Formatting is finished by rustfmt (rust/fmt.py).

The printer owns precedence: it adds exactly the parentheses Rust needs, so the output has no
`unused_parens` warnings and no surprising parses (`x as i64 < y` is a generic-argument error).
"""

from __future__ import annotations

import math

from portalis.rust import ir

# Binding strength, higher binds tighter.
_POSTFIX = 100
_UNARY = 90
_CAST = 85
_BINARY = {
    "*": 80, "/": 80, "%": 80,
    "+": 70, "-": 70,
    "<<": 60, ">>": 60,
    "&": 50, "^": 45, "|": 40,
    "==": 30, "!=": 30, "<": 30, ">": 30, "<=": 30, ">=": 30,
    "&&": 20, "||": 10,
}
_COMPARISON = 30
_ASSOCIATIVE = frozenset({"&&", "||"})
_RANGE = 5
_LOWEST = 0


def print_type(t: ir.Type) -> str:
    if isinstance(t, ir.TPath):
        if t.args:
            return f"{t.name}<{', '.join(print_type(a) for a in t.args)}>"
        return t.name
    if isinstance(t, ir.TRef):
        lifetime = f"'{t.lifetime} " if t.lifetime else ""
        return f"&{lifetime}{'mut ' if t.mutable else ''}{print_type(t.inner)}"
    if isinstance(t, ir.TUnion):
        return t.name
    if isinstance(t, ir.TSlice):
        return f"[{print_type(t.inner)}]"
    if isinstance(t, ir.TLifetime):
        return f"'{t.name}"
    if isinstance(t, ir.TImplIter):
        return f"impl {'IntoIterator' if t.into else 'Iterator'}<Item = {print_type(t.item)}>"
    if isinstance(t, ir.TDynFn):
        ret = "" if t.ret == ir.UNIT else f" -> {print_type(t.ret)}"
        return f"dyn Fn({', '.join(print_type(p) for p in t.params)}){ret}"
    if isinstance(t, ir.TArray):
        return f"[{print_type(t.inner)}; {t.length}]"
    if isinstance(t, ir.TTuple):
        if len(t.items) == 1:
            return f"({print_type(t.items[0])},)"
        return f"({', '.join(print_type(i) for i in t.items)})"
    raise TypeError(f"not a Rust type: {t!r}")


def print_pat(p: ir.Pat) -> str:
    if isinstance(p, ir.PBind):
        return f"mut {p.name}" if p.mutable else p.name
    if isinstance(p, ir.PWild):
        return "_"
    if isinstance(p, ir.PTuple):
        if len(p.items) == 1:
            return f"({print_pat(p.items[0])},)"
        return f"({', '.join(print_pat(i) for i in p.items)})"
    if isinstance(p, ir.PRef):
        return f"&{print_pat(p.inner)}"
    if isinstance(p, ir.PVariant):
        if p.items is None:
            return p.path
        return f"{p.path}({', '.join(print_pat(i) for i in p.items)})"
    if isinstance(p, ir.PTyped):
        return f"{print_pat(p.inner)}: {print_type(p.type)}"
    if isinstance(p, ir.POr):
        return " | ".join(print_pat(a) for a in p.alternatives)
    raise TypeError(f"not a Rust pattern: {p!r}")


def print_attr(a: ir.Attr) -> str:
    """An attribute's text inside `#[...]`."""
    if isinstance(a, ir.Allow):
        return f"allow({', '.join(a.lints)})"
    if isinstance(a, ir.DocHidden):
        return "doc(hidden)"
    raise TypeError(f"not a Rust attribute: {a!r}")


def print_param(p: ir.Param) -> str:
    """`name: T`, `mut name: T`: a function's parameter."""
    return f"{'mut ' if p.mutable else ''}{p.name}: {print_type(p.type)}"


def print_self(r: ir.SelfParam) -> str:
    if not r.by_ref:
        return "mut self" if r.mutable else "self"
    return "&mut self" if r.mutable else "&self"


class UnprintableLiteral(ValueError):
    """A value with no Rust literal: the item holding it is quarantined (PTL163)."""


# Rust's widest integer literal (u128); the lowering keeps i64 literals in range before this.
_MAX_INT_BITS = 128


def int_literal_problem(value: int, bits: int = 64) -> str | None:
    """Why `value` cannot be a Rust integer literal of a signed `bits`-bit type, or None.
    (-2**63 is allowed: `-9223372036854775808` is a valid i64 expression.)"""
    if value.bit_length() <= bits - 1 or value == -(1 << (bits - 1)) or abs(value) == 1 << (bits - 1):
        return None
    digits = value.bit_length() * 30103 // 100000 + 1  # about: never converts a huge int to text
    return f"the integer literal (about {digits} digits) does not fit in i{bits}"


def str_literal_problem(value: str) -> str | None:
    """Why `value` cannot be a Rust string (or char) literal, or None: Rust strings are UTF-8,
    so a lone surrogate (`"\\ud800"`, valid in Python) has no Rust form."""
    for i, ch in enumerate(value):
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return f"the string literal holds a lone surrogate (U+{ord(ch):04X} at index {i}), which a Rust string cannot hold"
    return None


# The escapes of a Rust string literal; a byte string shares them but for NUL, which it writes
# `\x00` like every other byte outside printable ASCII.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}


def rust_string_literal(value: str) -> str:
    problem = str_literal_problem(value) if not value.isascii() else None
    if problem is not None:
        raise UnprintableLiteral(problem)
    out = ['"']
    for ch in value:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def rust_bytes_literal(value: bytes) -> str:
    """`b"..."` with every byte outside printable ASCII escaped (`\\xNN`)."""
    out = ['b"']
    for c in value:
        ch = chr(c)
        esc = _ESCAPES.get(ch) if c else None
        if esc is not None:
            out.append(esc)
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{c:02x}")
    out.append('"')
    return "".join(out)


def rust_char_literal(value: str) -> str:
    if value == "'":
        return "'\\''"
    body = rust_string_literal(value)[1:-1].replace('\\"', '"')
    return f"'{body}'"


def float_literal(value: float) -> str:
    if math.isnan(value):
        return "f64::NAN"
    if math.isinf(value):
        return "f64::INFINITY" if value > 0 else "f64::NEG_INFINITY"
    text = repr(float(value))
    if "e" in text:
        mantissa, exp = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{int(exp)}"
    return text


def _prec(e: ir.Expr) -> int:
    if isinstance(e, ir.Binary):
        return _BINARY[e.op]
    if isinstance(e, (ir.Unary, ir.Ref)):
        return _UNARY
    if isinstance(e, ir.DerefPath):
        return _UNARY  # `*n`: a variable reached through a `&mut` (a nonlocal capture)
    if isinstance(e, ir.IntLit) and e.value < 0:
        return _UNARY
    if isinstance(e, ir.FloatLit) and (e.value < 0 or (e.value == 0 and math.copysign(1, e.value) < 0)):
        return _UNARY
    if isinstance(e, ir.Cast):
        return _CAST
    if isinstance(e, ir.RangeExpr):
        return _RANGE
    if isinstance(e, (ir.Closure, ir.IfExpr, ir.Match, ir.LetPattern)):
        return _LOWEST
    if isinstance(e, ir.BlockExpr) and e.label is not None:
        return _LOWEST
    return _POSTFIX


def _ends_in_cast(e: ir.Expr) -> bool:
    """True when the printed expression ends with `as Type` (nothing closes after the type)."""
    if isinstance(e, ir.Cast):
        return True
    if isinstance(e, ir.Binary):
        right_min = _BINARY[e.op] + 1
        return _prec(e.right) >= right_min and _ends_in_cast(e.right)
    if isinstance(e, (ir.Unary, ir.Ref)):
        return _prec(e.operand) >= _UNARY and _ends_in_cast(e.operand)
    return False


def _exterior_struct_lit(e: ir.Expr) -> bool:
    """A struct literal that the printed expression does not enclose in (), [] or {}."""
    if isinstance(e, ir.StructLit):
        return True
    if isinstance(e, ir.Binary):
        prec = _BINARY[e.op]
        left_min = prec + 1 if prec == _COMPARISON else prec
        return (_prec(e.left) >= left_min and _exterior_struct_lit(e.left)) or (
            _prec(e.right) >= prec + 1 and _exterior_struct_lit(e.right)
        )
    if isinstance(e, (ir.Unary, ir.Ref)):
        return _prec(e.operand) >= _UNARY and _exterior_struct_lit(e.operand)
    if isinstance(e, ir.Cast):
        return _prec(e.operand) >= _CAST and _exterior_struct_lit(e.operand)
    if isinstance(e, (ir.MethodCall, ir.Field, ir.Index)):
        return _exterior_struct_lit(e.receiver)
    return False


class Printer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    # -------------------------------------------------------- expressions
    def expr(self, e: ir.Expr, min_prec: int = _LOWEST) -> str:
        text = self._expr(e)
        if _prec(e) < min_prec:
            return f"({text})"
        return text

    def _expr(self, e: ir.Expr) -> str:
        if isinstance(e, ir.IntLit):
            if e.value.bit_length() > _MAX_INT_BITS:  # also before str(): a 5,000-digit int raises
                raise UnprintableLiteral(int_literal_problem(e.value, _MAX_INT_BITS) or "integer literal too large")
            return f"{e.value}{e.suffix}"
        if isinstance(e, ir.FloatLit):
            text = float_literal(e.value)
            return text + e.suffix if "::" not in text else text
        if isinstance(e, ir.StrLit):
            return rust_string_literal(e.value)
        if isinstance(e, ir.CharLit):
            return rust_char_literal(e.value)
        if isinstance(e, ir.BytesLit):
            return rust_bytes_literal(e.value)
        if isinstance(e, ir.BoolLit):
            return "true" if e.value else "false"
        if isinstance(e, ir.DerefPath):
            return f"*{e.name}"
        if isinstance(e, ir.Path):
            if e.turbofish:
                return f"{e.name}::<{', '.join(print_type(t) for t in e.turbofish)}>"
            return e.name
        if isinstance(e, ir.Call):
            return f"{self.expr(e.func, _POSTFIX)}({self.args(e.args)})"
        if isinstance(e, ir.MethodCall):
            turbofish = f"::<{', '.join(print_type(t) for t in e.turbofish)}>" if e.turbofish else ""
            return f"{self.receiver(e.receiver)}.{e.method}{turbofish}({self.args(e.args)})"
        if isinstance(e, ir.Field):
            return f"{self.receiver(e.receiver)}.{e.name}"
        if isinstance(e, ir.Index):
            return f"{self.receiver(e.receiver)}[{self.expr(e.index)}]"
        if isinstance(e, ir.Binary):
            if e.op in _ASSOCIATIVE:
                return self.chain(e)
            prec = _BINARY[e.op]
            # Comparisons do not chain in Rust: both sides must bind tighter.
            left_min = prec + 1 if prec == _COMPARISON else prec
            left = self.expr(e.left, left_min)
            if e.op in ("<", "<<") and _prec(e.left) >= left_min and _ends_in_cast(e.left):
                left = f"({left})"  # `x as i64 < y`, `a * x as i64 < y`: `<` would open generic arguments
            return f"{left} {e.op} {self.expr(e.right, prec + 1)}"
        if isinstance(e, ir.Unary):
            inner = self.expr(e.operand, _UNARY)
            if e.op == "-" and inner.startswith("-"):
                inner = f"({inner})"
            return f"{e.op}{inner}"
        if isinstance(e, ir.Ref):
            return f"&{'mut ' if e.mutable else ''}{self.expr(e.operand, _UNARY)}"
        if isinstance(e, ir.Cast):
            return f"{self.expr(e.operand, _CAST)} as {print_type(e.type)}"
        if isinstance(e, ir.Macro):
            parts = [rust_string_literal(e.fmt)] if e.fmt is not None else []
            parts += [self.expr(a) for a in e.args]
            open_, close = e.brackets[0], e.brackets[1]
            return f"{e.name}!{open_}{', '.join(parts)}{close}"
        if isinstance(e, ir.ArrayLit):
            return f"[{self.args(e.items)}]"
        if isinstance(e, ir.TupleExpr):
            if len(e.items) == 1:
                return f"({self.expr(e.items[0])},)"
            return f"({self.args(e.items)})"
        if isinstance(e, ir.StructLit):
            fields = ", ".join(
                name if isinstance(value, ir.Path) and value.name == name else f"{name}: {self.expr(value)}"
                for name, value in e.fields
            )
            return f"{e.path} {{ {fields} }}"
        if isinstance(e, ir.Closure):
            move = "move " if e.move else ""
            return f"{move}|{', '.join(print_pat(p) for p in e.params)}| {self.expr(e.body)}"
        if isinstance(e, ir.RangeExpr):
            start = self.expr(e.start, _RANGE + 1) if e.start is not None else ""
            end = self.expr(e.end, _RANGE + 1) if e.end is not None else ""
            return f"{start}{'..=' if e.inclusive else '..'}{end}"
        if isinstance(e, ir.IfExpr):
            return self.if_expr(e)
        if isinstance(e, ir.BlockExpr):
            if e.label is not None:
                return f"{e.label}: {self.block(e.block)}"
            return self.block(e.block)
        if isinstance(e, ir.Try):
            return f"{self.expr(e.operand, _POSTFIX)}?"
        if isinstance(e, ir.LetPattern):
            return f"let {print_pat(e.pattern)} = {self.expr(e.value)}"
        if isinstance(e, ir.Matches):
            return f"matches!({self.expr(e.value)}, {print_pat(e.pattern)})"
        if isinstance(e, ir.Match):
            arms = " ".join(f"{print_pat(a.pattern)} => {self.expr(a.body)}," for a in e.arms)
            return f"match {self.expr(e.scrutinee)} {{ {arms} }}"
        raise TypeError(f"not a Rust expression: {e!r}")

    def chain(self, e: ir.Binary) -> str:
        """`a && b && c` flat, however the IR nests it: `&&` and `||` are associative (same
        value, same short-circuit order), and rustfmt's time doubles with each nested pair of
        parentheses (19 nested `if`s folded into `&&` took it past 30 s). Iterative, so a
        3,000-operand chain does not recurse 3,000 levels here."""
        operands: list[ir.Expr] = []
        todo: list[ir.Expr] = [e]
        while todo:
            x = todo.pop()
            if isinstance(x, ir.Binary) and x.op == e.op:
                todo.append(x.right)
                todo.append(x.left)
            else:
                operands.append(x)
        prec = _BINARY[e.op]
        return f" {e.op} ".join(self.expr(x, prec + 1) for x in operands)

    def receiver(self, e: ir.Expr) -> str:
        return self.expr(e, _POSTFIX)

    def args(self, args: tuple[ir.Expr, ...]) -> str:
        return ", ".join(self.expr(a) for a in args)

    def if_expr(self, e: ir.IfExpr) -> str:
        text = f"if {self.cond(e.cond)} {self.block(e.then)}"
        if isinstance(e.orelse, ir.IfExpr):
            text += f" else {self.if_expr(e.orelse)}"
        elif isinstance(e.orelse, ir.Block):
            text += f" else {self.block(e.orelse)}"
        return text

    def cond(self, e: ir.Expr) -> str:
        # A struct literal outside any delimiter of a condition would be read as the block.
        text = self.expr(e)
        return f"({text})" if _exterior_struct_lit(e) else text

    # -------------------------------------------------------- statements
    def block(self, b: ir.Block) -> str:
        inner = [self.stmt(s) for s in b.stmts]
        if b.tail is not None:
            inner.append(self.expr(b.tail))
        if not inner:
            return "{}"
        return "{\n" + "\n".join(inner) + "\n}"

    def stmt(self, s: ir.Stmt) -> str:
        if isinstance(s, ir.Let):
            ty = f": {print_type(s.type)}" if s.type is not None else ""
            value = f" = {self.expr(s.value)}" if s.value is not None else ""
            return f"let {print_pat(s.pattern)}{ty}{value};"
        if isinstance(s, ir.Assign):
            return f"{self.expr(s.target)} {s.op} {self.expr(s.value)};"
        if isinstance(s, ir.ExprStmt):
            text = self.expr(s.expr)
            if isinstance(s.expr, (ir.IfExpr, ir.BlockExpr)):
                return text
            return text + ";"
        if isinstance(s, ir.Return):
            return "return;" if s.value is None else f"return {self.expr(s.value)};"
        if isinstance(s, ir.ItemStmt):
            return self.item(s.item)
        if isinstance(s, ir.While):
            return f"{self.label(s.label)}while {self.cond(s.cond)} {self.block(s.body)}"
        if isinstance(s, ir.Loop):
            return f"{self.label(s.label)}loop {self.block(s.body)}"
        if isinstance(s, ir.For):
            return f"{self.label(s.label)}for {print_pat(s.pattern)} in {self.cond(s.iterable)} {self.block(s.body)}"
        if isinstance(s, ir.Break):
            value = f" {self.expr(s.value)}" if s.value is not None else ""
            return f"break{' ' + s.label if s.label else ''}{value};"
        if isinstance(s, ir.Continue):
            return f"continue{' ' + s.label if s.label else ''};"
        raise TypeError(f"not a Rust statement: {s!r}")

    @staticmethod
    def label(label: str | None) -> str:
        return f"{label}: " if label else ""

    # -------------------------------------------------------- items
    def item(self, it: ir.Item) -> str:
        if isinstance(it, ir.Fn):
            params = ", ".join(
                ([print_self(it.receiver)] if it.receiver else [])
                + [print_param(p) for p in it.params]
            )
            ret = "" if it.ret == ir.UNIT else f" -> {print_type(it.ret)}"
            attrs = "".join(f"#[{print_attr(a)}]\n" for a in it.attrs)
            vis = "pub " if it.public else ""
            generics = print_generics(it.generics)
            return f"{doc_comment(it.doc)}{attrs}{vis}fn {it.name}{generics}({params}){ret} {self.block(it.body)}"
        if isinstance(it, ir.Struct):
            derives = f"#[derive({', '.join(it.derives)})]\n" if it.derives else ""
            fields = "".join(f"pub {f.name}: {print_type(f.type)},\n" for f in it.fields)
            return f"{doc_comment(it.doc)}{derives}pub struct {it.name} {{\n{fields}}}"
        if isinstance(it, ir.Enum):
            derives = f"#[derive({', '.join(it.derives)})]\n" if it.derives else ""
            attrs = "".join(f"#[{print_attr(a)}]\n" for a in it.attrs)
            if it.payloads:
                variants = "".join(f"{v}({print_type(t)}),\n" for v, t in zip(it.variants, it.payloads))
            else:
                variants = "".join(f"{'#[default]' + chr(10) if i == 0 else ''}{v},\n" for i, v in enumerate(it.variants))
            return f"{doc_comment(it.doc)}{derives}{attrs}pub enum {it.name} {{\n{variants}}}"
        if isinstance(it, ir.Const):
            attrs = "".join(f"#[{print_attr(a)}]\n" for a in it.attrs)
            kw = "static" if it.static else "const"
            return f"{doc_comment(it.doc)}{attrs}pub {kw} {it.name}: {print_type(it.type)} = {self.expr(it.value)};"
        if isinstance(it, ir.Items):
            return "\n\n".join(self.item(i) for i in it.items)
        if isinstance(it, ir.Impl):
            head = f"{it.trait} for {it.type_name}" if it.trait is not None else it.type_name
            return f"impl {head} {{\n" + "\n\n".join(self.item(i) for i in it.items) + "\n}"
        if isinstance(it, ir.Use):
            return f"use {it.path};"
        raise TypeError(f"not a Rust item: {it!r}")


def print_generics(generics: tuple[ir.GenericParam, ...]) -> str:
    """`<T: PartialOrd + Clone, U>`, or nothing for a function that is not generic."""
    if not generics:
        return ""
    shown = [f"{g.name}: {' + '.join(g.bounds)}" if g.bounds else g.name for g in generics]
    return f"<{', '.join(shown)}>"


def doc_comment(doc: str | None) -> str:
    if not doc:
        return ""
    lines = _dedent(doc.strip("\n").splitlines())
    # The body goes in a text fence: rustdoc would compile indented lines and doctests as Rust.
    body = [line for line in lines[1:]]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    if body:
        lines = [lines[0], "", "```text", *body, "```"]
    return "".join(f"///{' ' + line if line.strip() else ''}\n" for line in lines)


def _dedent(lines: list[str]) -> list[str]:
    rest = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    cut = min(rest) if rest else 0
    return [lines[0].strip()] + [line[cut:].rstrip() for line in lines[1:]]


def print_item(item: ir.Item) -> str:
    """Print one item (unformatted; run rustfmt on the file)."""
    return Printer().item(item)


def print_expr(e: ir.Expr) -> str:
    return Printer().expr(e)
