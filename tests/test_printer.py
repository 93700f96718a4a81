"""The Rust printer: precedence (parentheses only where Rust needs them), literals, items.

Besides exact-text checks for the rules, a generated batch of random expression trees is printed,
compiled with rustc and run: every printed expression must evaluate to what the tree means.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from portalis.rust import ir
from portalis.rust.fmt import format_source
from portalis.rust.printer import (
    Printer,
    doc_comment,
    float_literal,
    print_expr,
    print_item,
    print_type,
    rust_char_literal,
    rust_string_literal,
)

a, b, c = ir.Path("a"), ir.Path("b"), ir.Path("c")


def B(op: str, left: ir.Expr, right: ir.Expr) -> ir.Binary:
    return ir.Binary(op, left, right)


@pytest.mark.parametrize(
    "expr, text",
    [
        (B("*", B("+", a, b), c), "(a + b) * c"),
        (B("+", a, B("*", b, c)), "a + b * c"),
        (B("-", B("-", a, b), c), "a - b - c"),
        (B("-", a, B("-", b, c)), "a - (b - c)"),
        (B("-", a, B("+", b, c)), "a - (b + c)"),
        (B("/", a, B("*", b, c)), "a / (b * c)"),
        (B("%", B("*", a, b), c), "a * b % c"),
        (B("&&", B("||", a, b), c), "(a || b) && c"),
        (B("||", a, B("&&", b, c)), "a || b && c"),
        (B("==", B("<", a, b), c), "(a < b) == c"),
        (B("<", a, B("+", b, c)), "a < b + c"),
        (B("&&", B("<", a, b), B("<=", b, c)), "a < b && b <= c"),
        (ir.Unary("-", B("+", a, b)), "-(a + b)"),
        (ir.Unary("-", ir.Unary("-", a)), "-(-a)"),
        (ir.Unary("-", ir.IntLit(-3)), "-(-3)"),
        (ir.Unary("!", ir.MethodCall(a, "is_empty")), "!a.is_empty()"),
        (ir.Unary("*", ir.Field(a, "x")), "*a.x"),
        (ir.Ref(ir.Index(a, b)), "&a[b]"),
        (ir.Ref(ir.Unary("*", a), mutable=True), "&mut *a"),
        (ir.Cast(B("+", a, b), ir.F64), "(a + b) as f64"),
        (B("+", ir.Cast(a, ir.F64), b), "a as f64 + b"),
        (B("<", ir.Cast(a, ir.I64), b), "(a as i64) < b"),
        (B("<<", ir.Cast(a, ir.I64), b), "(a as i64) << b"),
        (B(">", ir.Cast(a, ir.I64), b), "a as i64 > b"),
        (B("<", a, ir.Cast(b, ir.I64)), "a < b as i64"),
        (ir.Cast(ir.Unary("-", a), ir.F64), "-a as f64"),
        (ir.Cast(ir.Cast(a, ir.I64), ir.F64), "a as i64 as f64"),
        (ir.MethodCall(ir.IntLit(-5, "i64"), "abs"), "(-5i64).abs()"),
        (ir.MethodCall(ir.FloatLit(-0.5, "_f64"), "abs"), "(-0.5_f64).abs()"),
        (ir.MethodCall(ir.FloatLit(2.0, "_f64"), "sqrt"), "2.0_f64.sqrt()"),
        (ir.MethodCall(B("+", a, b), "abs"), "(a + b).abs()"),
        (ir.MethodCall(ir.Cast(a, ir.I64), "abs"), "(a as i64).abs()"),
        (ir.MethodCall(ir.Unary("*", a), "clone"), "(*a).clone()"),
        (ir.Field(ir.Call(ir.Path("f"), (a,)), "0"), "f(a).0"),
        (ir.Index(ir.Ref(a), b), "(&a)[b]"),
        (ir.RangeExpr(ir.IntLit(0), B("+", a, ir.IntLit(1))), "0..a + 1"),
        (ir.MethodCall(ir.RangeExpr(a, b, inclusive=True), "rev"), "(a..=b).rev()"),
        (ir.Call(ir.Path("f"), (B("+", a, b), ir.TupleExpr((a,)))), "f(a + b, (a,))"),
        (ir.Macro("format", (a, b), fmt="{}{}"), 'format!("{}{}", a, b)'),
        (ir.Macro("vec", (ir.IntLit(1), ir.IntLit(2)), brackets="[]"), "vec![1, 2]"),
        (ir.MethodCall(a, "collect", turbofish=(ir.TPath("Vec", (ir.STRING,)),)), "a.collect::<Vec<String>>()"),
        (ir.Closure((ir.PBind("x"),), B("==", ir.Unary("*", ir.Path("x")), b)), "|x| *x == b"),
        (ir.StructLit("P", (("x", ir.Path("x")), ("y", ir.IntLit(2)))), "P { x, y: 2 }"),
        (ir.Path("None", (ir.I64,)), "None::<i64>"),
        (ir.Matches(a, ir.POr((ir.PVariant("E::X", (ir.PWild(),)), ir.PVariant("E::Y", (ir.PWild(),))))),
         "matches!(a, E::X(_) | E::Y(_))"),
    ],
)
def test_precedence_and_forms(expr: ir.Expr, text: str) -> None:
    assert print_expr(expr) == text


P = ir.StructLit("P", (("x", a),))


@pytest.mark.parametrize(
    "cond, text",
    [
        (P, "if (P { x: a }) {}"),
        (B("==", P, b), "if (P { x: a } == b) {}"),
        (B("==", b, P), "if (b == P { x: a }) {}"),
        (ir.MethodCall(P, "is_empty"), "if (P { x: a }.is_empty()) {}"),
        (ir.Call(ir.Path("f"), (P,)), "if f(P { x: a }) {}"),  # enclosed by the call: no parens
        (ir.Unary("!", B("==", P, b)), "if !(P { x: a } == b) {}"),
        (B("==", a, b), "if a == b {}"),
    ],
)
def test_struct_literal_in_a_condition_is_parenthesised(cond: ir.Expr, text: str) -> None:
    assert Printer().if_expr(ir.IfExpr(cond, ir.Block())) == text
    # outside a condition the same expression needs no parentheses
    assert "(P" not in print_expr(B("==", P, b))


@pytest.mark.parametrize(
    "expr, text",
    [
        (B("<", B("*", a, ir.Cast(b, ir.I64)), c), "(a * b as i64) < c"),
        (B("<", ir.Cast(B("*", a, ir.Cast(b, ir.I64)), ir.I64), c), "((a * b as i64) as i64) < c"),
        (B("<", B("*", ir.Cast(b, ir.I64), a), c), "b as i64 * a < c"),
        (B("<", B("+", a, B("*", b, ir.Cast(c, ir.I64))), a), "(a + b * c as i64) < a"),
        (B("<", B("+", a, b), c), "a + b < c"),
        (B("<=", B("*", a, ir.Cast(b, ir.I64)), c), "a * b as i64 <= c"),
    ],
)
def test_less_than_after_a_trailing_cast(expr: ir.Expr, text: str) -> None:
    assert print_expr(expr) == text


@pytest.mark.parametrize(
    "value, text",
    [
        ("plain", '"plain"'),
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("line\nbreak\ttab\rcr", r'"line\nbreak\ttab\rcr"'),
        ("nul\0", r'"nul\0"'),
        ("bell\x07del\x7f", r'"bell\u{7}del\u{7f}"'),
        ("héllo ✓ 😀", '"héllo ✓ 😀"'),
        ("{braces}", '"{braces}"'),
    ],
)
def test_string_escaping(value: str, text: str) -> None:
    assert rust_string_literal(value) == text


@pytest.mark.parametrize("value, text", [("'", r"'\''"), ('"', "'\"'"), ("\n", r"'\n'"), ("\\", r"'\\'"), ("é", "'é'")])
def test_char_escaping(value: str, text: str) -> None:
    assert rust_char_literal(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (1.0, "1.0"),
        (0.1, "0.1"),
        (2.5, "2.5"),
        (-3.25, "-3.25"),
        (1e-05, "1.0e-5"),
        (1.5e-07, "1.5e-7"),
        (1e16, "1.0e16"),
        (1e22, "1.0e22"),
        (123456789.0, "123456789.0"),
        (-0.0, "-0.0"),
        (float("inf"), "f64::INFINITY"),
        (float("-inf"), "f64::NEG_INFINITY"),
        (float("nan"), "f64::NAN"),
    ],
)
def test_float_literal_forms(value: float, text: str) -> None:
    assert float_literal(value) == text


def test_float_literal_suffix_and_constants() -> None:
    assert print_expr(ir.FloatLit(1e16, "_f64")) == "1.0e16_f64"
    assert print_expr(ir.FloatLit(float("nan"), "_f64")) == "f64::NAN"
    assert print_expr(ir.IntLit(7, "i64")) == "7i64"


def test_types() -> None:
    assert print_type(ir.TRef(ir.TSlice(ir.I64))) == "&[i64]"
    assert print_type(ir.TRef(ir.TPath("Vec", (ir.STRING,)), mutable=True)) == "&mut Vec<String>"
    assert print_type(ir.UNIT) == "()"
    assert print_type(ir.TTuple((ir.I64,))) == "(i64,)"
    assert print_type(ir.TPath("Option", (ir.TTuple((ir.I64, ir.F64)),))) == "Option<(i64, f64)>"
    assert print_type(ir.TRef(ir.STR, lifetime="static")) == "&'static str"
    assert print_type(ir.TArray(ir.TPath("Self"), 3)) == "[Self; 3]"
    assert print_type(ir.TRef(ir.TPath("std::fmt::Formatter", (ir.TLifetime("_"),)), mutable=True)) == "&mut std::fmt::Formatter<'_>"


def test_syntax_is_in_nodes_not_names() -> None:
    """A variable reached through its `&mut` (a `nonlocal` capture) is a DerefPath, not a name
    with a `*` in it: it binds like a unary `*`; a trait impl names its trait in a field."""
    n = ir.DerefPath("n")
    assert print_expr(ir.MethodCall(n, "push", (a,))) == "(*n).push(a)"
    assert Printer().stmt(ir.Assign(n, ir.IntLit(1), "+=")) == "*n += 1;"
    assert print_expr(ir.Ref(n, mutable=True)) == "&mut *n"
    assert n.name == "n" and n != ir.Path("n")
    impl = ir.Impl("P", (ir.Fn("eq", (ir.Param("other", ir.TRef(ir.TPath("Self"))),), ir.BOOL, ir.Block(tail=ir.BoolLit(True)),
                               public=False, receiver=ir.SelfParam()),), trait="PartialEq")
    assert print_item(impl).startswith("impl PartialEq for P {\nfn eq(&self, other: &Self) -> bool")
    attrs = (ir.Allow(("unused_variables", "non_snake_case")), ir.DocHidden())
    assert print_item(ir.Fn("F", (), ir.UNIT, ir.Block(), attrs=attrs)) == (
        "#[allow(unused_variables, non_snake_case)]\n#[doc(hidden)]\npub fn F() {}")


def test_items_and_doc_comments() -> None:
    fn = ir.Fn(
        name="f",
        params=(ir.Param("x", ir.I64, mutable=True), ir.Param("s", ir.TRef(ir.STR))),
        ret=ir.I64,
        body=ir.Block((ir.Assign(ir.Path("x"), ir.IntLit(1), "+="),), ir.Path("x")),
        doc="Add one.\n\n    Example:\n        f(1)\n",
    )
    text = print_item(fn)
    assert text.startswith("/// Add one.\n///\n/// ```text\n/// Example:\n///     f(1)\n/// ```\npub fn f(mut x: i64, s: &str) -> i64 {")
    assert "x += 1;" in text
    unit = print_item(ir.Fn("g", (), ir.UNIT, ir.Block()))
    assert unit == "pub fn g() {}"
    struct = print_item(ir.Struct("P", (ir.StructField("x", ir.I64),)))
    assert struct == "#[derive(Debug, Clone, PartialEq)]\npub struct P {\npub x: i64,\n}"
    const = print_item(ir.Const("N", ir.TRef(ir.STR), ir.StrLit("a")))
    assert const == 'pub const N: &str = "a";'
    assert doc_comment(None) == ""
    # the printed items are valid Rust (rustfmt parses them)
    if shutil.which("rustfmt"):
        format_source("\n".join([text, unit, struct, const]))


def test_statements() -> None:
    p = Printer()
    loop = ir.For(ir.PTuple((ir.PBind("k"), ir.PRef(ir.PBind("v")))), ir.MethodCall(a, "items"), ir.Block((ir.Break(),)))
    assert p.stmt(loop) == "for (k, &v) in a.items() {\nbreak;\n}"
    assert p.stmt(ir.While(ir.BoolLit(True), ir.Block((ir.Continue("'outer"),)), label="'outer")) == (
        "'outer: while true {\ncontinue 'outer;\n}"
    )
    assert p.stmt(ir.Let(ir.PBind("x", True), ir.I64, None)) == "let mut x: i64;"
    assert p.stmt(ir.Let(ir.bind("_", True), None, ir.IntLit(1))) == "let _ = 1;"  # `_` never takes mut
    arms = (ir.MatchArm(ir.PVariant("Some", (ir.PTuple((ir.PBind("x"),)),)), ir.Path("x")), ir.MatchArm(ir.PVariant("None"), b))
    assert p.expr(ir.Match(a, arms)) == "match a { Some((x,)) => x, None => b, }"
    typed = ir.Closure((ir.PTyped(ir.PBind("x"), ir.TRef(ir.TPath("_"))),), ir.Path("x"))
    assert p.expr(typed) == "|x: &_| x"
    fn = ir.Fn("f", (), ir.UNIT, ir.Block(), receiver=ir.SelfParam(mutable=True))
    assert p.item(fn) == "pub fn f(&mut self) {}"
    assert p.stmt(ir.Return()) == "return;"
    if_stmt = ir.ExprStmt(ir.IfExpr(a, ir.Block((ir.Return(b),)), ir.IfExpr(c, ir.Block(), ir.Block((ir.Return(),)))))
    assert p.stmt(if_stmt) == "if a {\nreturn b;\n} else if c {} else {\nreturn;\n}"


# ---------------------------------------------------------------- generated trees, compiled


def _int_tree(rng: random.Random, depth: int) -> ir.Expr:
    if depth == 0 or rng.random() < 0.2:
        if rng.randrange(4) == 0:
            return ir.IntLit(rng.randint(-9, 9), "i64")
        return ir.Path(rng.choice("abc"))
    kind = rng.randrange(6)
    if kind == 0:
        return ir.Unary("-", _int_tree(rng, depth - 1))
    if kind == 1:
        return ir.Cast(_int_tree(rng, depth - 1), ir.I64)
    if kind == 2:
        e = _int_tree(rng, depth - 1)
        return ir.MethodCall(e, "abs")
    return B(rng.choice(["+", "-", "*"]), _int_tree(rng, depth - 1), _int_tree(rng, depth - 1))


def _bool_tree(rng: random.Random, depth: int) -> ir.Expr:
    kind = rng.randrange(4) if depth > 0 else 0
    if kind == 0:
        left = _int_tree(rng, 2)
        if rng.random() < 0.4:
            left = ir.Cast(left, ir.I64)  # `x as i64 < y` would parse as generics
        return B(rng.choice(["<", "<=", ">", ">=", "==", "!="]), left, _int_tree(rng, 2))
    if kind == 1:
        return ir.Unary("!", _bool_tree(rng, depth - 1))
    if kind == 2:
        return B(rng.choice(["==", "!="]), _bool_tree(rng, depth - 1), _bool_tree(rng, depth - 1))
    return B(rng.choice(["&&", "||"]), _bool_tree(rng, depth - 1), _bool_tree(rng, depth - 1))


def _eval_int(e: ir.Expr) -> int:
    env = {"a": 3, "b": -7, "c": 5}
    if isinstance(e, ir.IntLit):
        return e.value
    if isinstance(e, ir.Path):
        return env[e.name]
    if isinstance(e, ir.Unary):
        return -_eval_int(e.operand)
    if isinstance(e, ir.Cast):
        return _eval_int(e.operand)
    if isinstance(e, ir.MethodCall):
        return abs(_eval_int(e.receiver))
    assert isinstance(e, ir.Binary)
    lv, rv = _eval_int(e.left), _eval_int(e.right)
    return {"+": lv + rv, "-": lv - rv, "*": lv * rv}[e.op]


def _eval_bool(e: ir.Expr) -> bool:
    if isinstance(e, ir.Unary):
        return not _eval_bool(e.operand)
    assert isinstance(e, ir.Binary)
    if e.op in ("&&", "||"):
        lv, rv = _eval_bool(e.left), _eval_bool(e.right)
        return (lv and rv) if e.op == "&&" else (lv or rv)
    if e.op in ("==", "!=") and _is_bool(e.left):
        lb, rb = _eval_bool(e.left), _eval_bool(e.right)
        return (lb == rb) if e.op == "==" else (lb != rb)
    lv, rv = _eval_int(e.left), _eval_int(e.right)
    return {"<": lv < rv, "<=": lv <= rv, ">": lv > rv, ">=": lv >= rv, "==": lv == rv, "!=": lv != rv}[e.op]


def _is_bool(e: ir.Expr) -> bool:
    if isinstance(e, ir.Unary):
        return e.op == "!"
    return isinstance(e, ir.Binary) and e.op in ("&&", "||", "<", "<=", ">", ">=", "==", "!=")


@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is needed")
def test_random_expression_trees_compile_and_keep_their_meaning(tmp_path: Path) -> None:
    rng = random.Random(20240611)
    ints = [_int_tree(rng, 4) for _ in range(250)]
    bools = [_bool_tree(rng, 3) for _ in range(250)]
    lines = ["#![allow(unused_parens, clippy::all)]", "fn main() {", "    let a: i64 = 3;", "    let b: i64 = -7;", "    let c: i64 = 5;"]
    for e in ints:
        lines.append(f'    println!("{{}}", {print_expr(e)});')
    for e in bools:
        lines.append(f'    println!("{{}}", {print_expr(e)});')
    lines.append("}")
    src = tmp_path / "trees.rs"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    exe = tmp_path / "trees"
    build = subprocess.run(
        ["rustc", "--edition", "2021", "-W", "unused_parens", "-o", str(exe), str(src)],
        capture_output=True, text=True, timeout=120,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    # Only the parentheses Rust needs: rustc never reports an unnecessary pair.
    assert "unnecessary parentheses" not in build.stderr, build.stderr[-4000:]
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60, check=True).stdout.split()
    expected = [str(_eval_int(e)) for e in ints] + [str(_eval_bool(e)).lower() for e in bools]
    mismatches = [
        (print_expr(e), got, want) for e, got, want in zip(ints + bools, out, expected) if got != want
    ]
    assert len(out) == len(expected)
    assert not mismatches, mismatches[:5]


def test_python_values_render_once_as_ir() -> None:
    """portalis/rust/values.py is the one rendering of a Python value as Rust (constants and the
    harness's case arguments): printed by the printer, paths re-rooted for programs outside."""
    from portalis.model import PyType
    from portalis.rust.values import NoRustValue, value_expr
    from portalis.types import pytypes as T

    lst = PyType(kind="list", args=(T.INT,))
    assert print_expr(value_expr([1, -2], lst)) == "vec![1, -2]"
    assert print_expr(value_expr([], lst)) == "Vec::new()"
    assert print_expr(value_expr("a\"b", T.STR, owned=False)) == '"a\\"b"'
    assert print_expr(value_expr("x", T.STR)) == '"x".to_string()'
    assert print_expr(value_expr(-(2**63), T.INT, suffixed=True)) == "i64::MIN"
    assert print_expr(value_expr(2.5, T.FLOAT, suffixed=True)) == "2.5_f64"
    opt = PyType(kind="optional", args=(T.INT,))
    assert print_expr(value_expr(None, opt)) == "None" and print_expr(value_expr(3, opt)) == "Some(3)"
    d = PyType(kind="dict", args=(T.STR, T.INT))
    assert print_expr(value_expr({"b": 1, "a": 2}, d, root="mycrate")) == (
        '[("b".to_string(), 1), ("a".to_string(), 2)].into_iter().collect::<mycrate::pyrt::PyDict<String, i64>>()')
    for bad, t in ((True, T.INT), (2**63, T.INT), ("s", lst)):
        with pytest.raises(NoRustValue):
            value_expr(bad, t)
    assert print_expr(value_expr(2**70, T.INT, int_range=False)).startswith("1180591620717411303424")
