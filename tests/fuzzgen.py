"""A generator of syntactically valid Python modules for fuzzing the translator (stdlib only).

Deterministic by seed: `generate_module(seed, index)` always gives the same text, so a failing
module of the fuzz test is reproduced by its seed and index alone. A module is a header (a
docstring, sometimes `from __future__ import annotations`) and a few *items*, each drawn from a
feature: deep nesting near CPython's limits, odd literals, Unicode identifiers, Rust keywords as
Python names, walrus, match, decorators, async, lambdas, comprehensions, try/except*, scopes,
classes with odd bases, star-args, annotations of every shape, duplicate definitions, and plain
well-typed functions built from a small typed grammar (those are the ones that translate, so the
crate check has teeth). Every module is checked with `compile()`; an item that does not compile
(a bug of this generator) is dropped and counted, so only valid Python reaches the translator.

    python tests/fuzzgen.py --seed 9 --count 250 --out DIR   # write a repository of modules
    python tests/fuzzgen.py --seed 9 --index 17              # print one module

CPython 3.11's limits the deep features stay under (measured, see FEATURE notes below): 200
nested brackets, 100 indentation levels, 20 statically nested loops/try/with blocks, about 2,988
terms in a binary-operator chain (the compiler's recursion limit; 2,500 here, to leave room for
the caller's frames), 4,300 digits in a decimal
integer literal.
"""

from __future__ import annotations

import argparse
import random
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# CPython 3.11 limits (probed with compile()): deep features pick sizes below these.
MAX_BRACKETS = 200  # tokenizer MAXLEVEL: "too many nested parentheses" above
MAX_INDENT = 99  # tokenizer MAXINDENT is 100 levels
MAX_STATIC_BLOCKS = 19  # compiler CO_MAXBLOCKS 20: nested for/while/try/with
# A binop chain of ~2,988 terms hits the compiler's recursion limit when compile() is called at
# the top of a script; each Python frame of the caller costs 3 terms of it (under pytest, ~300).
MAX_CHAIN = 2500
MAX_DECIMAL_DIGITS = 4300  # sys.int_info.default_max_str_digits

# Python names that are keywords, reserved words or prelude names in Rust (or names our crate
# uses). Every one of them is a valid Python identifier.
RUST_NAMES = [
    "move", "use", "ref", "impl", "fn", "mut", "let", "loop", "match", "type", "crate", "mod", "pub",
    "struct", "enum", "trait", "where", "unsafe", "extern", "dyn", "box", "static", "const", "super",
    "Self", "self", "abstract", "become", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "gen", "union", "try", "async_", "r", "r#", "_", "__", "_0", "_1", "i64", "f64", "usize",
    "u8", "char", "str", "String", "Vec", "Option", "Some", "Ok", "Err", "Box", "Result", "drop",
    "panic", "println", "format", "vec", "std", "core", "alloc", "pyrt", "main", "new", "clone",
    "to_string", "len", "iter", "into", "from", "as_str", "unwrap", "PyDict", "todo", "unreachable",
]
RUST_NAMES = [n for n in RUST_NAMES if n.isidentifier() and n not in ("try", "from")]

# Identifiers CPython accepts, including ones NFKC-normalised to another name (`ﬁle` is `file`,
# `µ` is `μ`, `𝔘` is `U`), homoglyphs (Cyrillic `а` vs Latin `a`), CJK, Greek, titlecase.
UNICODE_NAMES = [
    "café", "π", "变量", "Ω", "ﬁle", "ℌ", "_ñ", "𝔘nicode", "ǅx", "а", "ª", "µ", "名前", "Δt",
    "résumé", "naïve", "Ünïcödé", "ß", "ǈ", "ℯ", "ｆｕｌｌ", "x₁", "ⅷ", "ℵ0", "ŉ", "ǰ",
]
UNICODE_NAMES = [n for n in UNICODE_NAMES if n.isidentifier()]

# Module (file) names that stress the crate's layout: Rust keywords, files the crate needs,
# non-ASCII names. Only identifiers: other file names are `layout`'s own tests.
TRICKY_MODULE_NAMES = [
    "move", "type", "match", "crate", "self", "super", "fn", "impl", "use", "r#", "mödule", "lib",
    "main", "pyrt", "mod", "std", "core", "test", "tests_", "_", "__main__", "Self", "async_", "名前",
]
TRICKY_MODULE_NAMES = [n for n in TRICKY_MODULE_NAMES if n.isidentifier()]


@dataclass
class Item:
    feature: str
    source: str


@dataclass
class GeneratedModule:
    seed: int
    index: int
    name: str  # the module (file stem) name
    header: str
    items: list[Item] = field(default_factory=list)
    rejected: list[Item] = field(default_factory=list)  # items that did not compile (generator bugs)
    newline: str = "\n"
    bom: bool = False

    @property
    def source(self) -> str:
        return render(self.header, self.items, self.newline)

    def data(self) -> bytes:
        text = self.source
        return ("\ufeff" if self.bom else "").encode("utf-8") + text.encode("utf-8", "surrogatepass")

    @property
    def features(self) -> list[str]:
        return [i.feature for i in self.items]


def render(header: str, items: list[Item], newline: str = "\n") -> str:
    text = header + "".join("\n\n" + i.source.rstrip("\n") + "\n" for i in items)
    return text.replace("\n", newline) if newline != "\n" else text


def compiles(source: str) -> str | None:
    """None when CPython compiles `source`, else why not (one line)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. are warnings only
            compile(source, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return None


def mixed_brackets(inner: str, n: int) -> str:
    """`inner` under n levels of alternating `( )`, `[ ][0]` and `{0: }[0]`."""
    e = inner
    for i in range(n - 1):
        e = [f"({e})", f"[{e}][0]", f"{{0: {e}}}[0]"][i % 3]
    return e


def indent(text: str, level: int = 1) -> str:
    pad = "    " * level
    return "\n".join(pad + line if line.strip() else line for line in text.split("\n"))


class Gen:
    """One module's random choices. Feature methods `f_*` return the source of one item."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counter = 0

    # ---------------------------------------------------------------- helpers

    def fresh(self, prefix: str = "f") -> str:
        self.counter += 1
        return f"{prefix}_{self.counter}"

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def size(self, small: tuple[int, int], big: tuple[int, int], p_big: float = 0.15) -> int:
        lo, hi = big if self.chance(p_big) else small
        return self.rng.randint(lo, hi)

    def odd_name(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.pick(RUST_NAMES)
        if r < 0.75:
            return self.pick(UNICODE_NAMES)
        return self.fresh(self.pick(["x", "_x", "X", "x_", "__x", "xX"]))

    # ---------------------------------------------------------------- typed grammar

    TYPES = ("int", "float", "bool", "str", "list[int]")

    def expr(self, ty: str, env: dict[str, str], depth: int) -> str:
        """A well-typed expression of Python type `ty` over the variables in env."""
        rng = self.rng
        vars_ = [v for v, t in env.items() if t == ty]
        if depth <= 0 or rng.random() < 0.25:
            if vars_ and rng.random() < 0.7:
                return rng.choice(vars_)
            return self.literal(ty)
        d = depth - 1
        if ty == "int":
            c = rng.randrange(11)
            if c < 4:
                op = rng.choice(["+", "-", "*", "//", "%", "&", "|", "^", "<<", ">>"])
                if op in ("<<", ">>"):
                    return f"({self.expr('int', env, d)} {op} {rng.randint(0, 5)})"
                if op in ("//", "%"):
                    return f"({self.expr('int', env, d)} {op} {rng.choice(['3', '-7', '(1 + abs(' + self.expr('int', env, d) + '))'])})"
                return f"({self.expr('int', env, d)} {op} {self.expr('int', env, d)})"
            if c == 4:
                return f"len({self.expr(rng.choice(['str', 'list[int]']), env, d)})"
            if c == 5:
                return f"abs({self.expr('int', env, d)})"
            if c == 6:
                return f"{rng.choice(['min', 'max'])}({self.expr('int', env, d)}, {self.expr('int', env, d)})"
            if c == 7:
                return f"({self.expr('int', env, d)} if {self.expr('bool', env, d)} else {self.expr('int', env, d)})"
            if c == 8:
                return f"int({self.expr('float', env, d)})"
            if c == 9:
                return f"-{self.expr('int', env, d)}"
            return f"sum({self.expr('list[int]', env, d)})"
        if ty == "float":
            c = rng.randrange(6)
            if c < 3:
                op = rng.choice(["+", "-", "*", "/"])
                rhs = self.expr("float", env, d) if op != "/" else f"(1.5 + abs({self.expr('float', env, d)}))"
                return f"({self.expr('float', env, d)} {op} {rhs})"
            if c == 3:
                return f"float({self.expr('int', env, d)})"
            if c == 4:
                return f"({self.expr('int', env, d)} / {rng.choice(['2', '3', '-4'])})"
            return f"abs({self.expr('float', env, d)})"
        if ty == "bool":
            c = rng.randrange(6)
            if c == 0:
                t = rng.choice(["int", "float"])
                return f"({self.expr(t, env, d)} {rng.choice(['<', '<=', '>', '>=', '==', '!='])} {self.expr(t, env, d)})"
            if c == 1:
                return f"({self.expr('bool', env, d)} {rng.choice(['and', 'or'])} {self.expr('bool', env, d)})"
            if c == 2:
                return f"(not {self.expr('bool', env, d)})"
            if c == 3:
                return f"({self.expr('str', env, d)} in {self.expr('str', env, d)})"
            if c == 4:
                return f"({self.expr('int', env, d)} < {self.expr('int', env, d)} <= {self.expr('int', env, d)})"
            return f"{self.expr('str', env, d)}.{rng.choice(['isdigit', 'isalpha', 'isupper', 'isspace'])}()"
        if ty == "str":
            c = rng.randrange(7)
            if c == 0:
                return f"({self.expr('str', env, d)} + {self.expr('str', env, d)})"
            if c == 1:
                return f"{self.expr('str', env, d)}.{rng.choice(['upper', 'lower', 'strip', 'title', 'lstrip'])}()"
            if c == 2:
                return f"str({self.expr(rng.choice(['int', 'float', 'bool']), env, d)})"
            if c == 3:
                return f"{self.expr('str', env, d)}[{rng.choice(['1:', ':2', '::-1', '1:3', '-1:'])}]"
            if c == 4:
                # 3.11 f-strings: no backslash, `#` or the outer quote inside the braces
                text = f"f\"<{{{self.expr('int', env, d)}}}|{{{self.expr('str', env, d)}!r}}>\""
                return text if compiles(f"x = {text}") is None else f"str({self.expr('int', env, d)})"
            if c == 5:
                return f"({self.expr('str', env, d)} * {rng.randint(0, 3)})"
            return f"{self.expr('str', env, d)}.replace({self.literal('str')}, {self.literal('str')})"
        # list[int]
        c = rng.randrange(5)
        if c == 0:
            return f"[{', '.join(self.expr('int', env, d) for _ in range(rng.randint(0, 3)))}]"
        if c == 1:
            return f"({self.expr('list[int]', env, d)} + {self.expr('list[int]', env, d)})"
        if c == 2:
            return f"sorted({self.expr('list[int]', env, d)})"
        if c == 3:
            return f"{self.expr('list[int]', env, d)}[{rng.choice(['1:', ':2', '::-1', '::2'])}]"
        return f"list(range({rng.randint(0, 5)}))"

    def literal(self, ty: str) -> str:
        rng = self.rng
        if ty == "int":
            return rng.choice(["0", "1", "-1", "7", "42", "2**31", "10**18", "0x7F", "0b101", "1_000", "True + 0"])
        if ty == "float":
            return rng.choice(["0.0", "1.5", "-2.25", "1e-3", "3.0e2", "0.1"])
        if ty == "bool":
            return rng.choice(["True", "False"])
        if ty == "str":
            return rng.choice(['""', '"a"', "'xy'", '"héllo"', '"a b c"', r'"\t"', '"{}"', "'\"#'", '"日本"'])
        return rng.choice(["[]", "[1, 2, 3]", "[-5]"])

    def typed_body(self, env: dict[str, str], ret: str, depth: int, budget: int) -> list[str]:
        """Statements of a typed function body ending in `return <ret>`."""
        rng = self.rng
        lines: list[str] = []
        for _ in range(rng.randint(0, budget)):
            c = rng.randrange(8)
            if c < 3:
                ty = rng.choice(self.TYPES)
                name = self.fresh("v")
                lines.append(f"{name}: {ty} = {self.expr(ty, env, depth)}" if rng.random() < 0.5 else f"{name} = {self.expr(ty, env, depth)}")
                env[name] = ty
            elif c == 3:
                ints = [v for v, t in env.items() if t == "int"]
                if ints:
                    lines.append(f"{rng.choice(ints)} {rng.choice(['+=', '-=', '*='])} {self.expr('int', env, depth)}")
            elif c == 4:
                ints = [v for v, t in env.items() if t == "int"]
                if ints:
                    v = rng.choice(ints)
                    lines.append(f"if {self.expr('bool', env, depth)}:\n    {v} = {self.expr('int', env, depth)}\n"
                                 f"elif {self.expr('bool', env, depth)}:\n    {v} += 1\nelse:\n    pass")
            elif c == 5:
                ints = [v for v, t in env.items() if t == "int"]
                if ints:
                    v, i = rng.choice(ints), self.fresh("i")
                    lines.append(f"for {i} in range({rng.randint(0, 6)}):\n    {v} += {i}")
            elif c == 6:
                lists = [v for v, t in env.items() if t == "list[int]"]
                if lists:
                    lines.append(f"{rng.choice(lists)}.append({self.expr('int', env, depth)})")
            else:
                ints = [v for v, t in env.items() if t == "int"]
                if ints:
                    v, k = rng.choice(ints), self.fresh("k")
                    lines.append(f"{k} = 0\nwhile {k} < {rng.randint(1, 4)}:\n    {k} += 1\n    {v} = {v} + {k}")
        lines.append(f"return {self.expr(ret, env, depth)}")
        return lines

    def typed_function(self, name: str | None = None, params: list[tuple[str, str]] | None = None) -> str:
        rng = self.rng
        name = name or self.fresh("typed")
        if params is None:
            params = [(self.fresh("p"), rng.choice(self.TYPES)) for _ in range(rng.randint(0, 3))]
        ret = rng.choice(self.TYPES)
        env = dict(params)
        body = self.typed_body(env, ret, depth=rng.randint(1, 4), budget=rng.randint(0, 5))
        sig = ", ".join(f"{p}: {t}" for p, t in params)
        return f"def {name}({sig}) -> {ret}:\n" + indent("\n".join(body))

    # ---------------------------------------------------------------- features

    def f_typed(self) -> str:
        return self.typed_function()

    def f_deep_parens(self) -> str:
        n = self.size((2, 40), (150, MAX_BRACKETS - 1), 0.3)
        inner = self.pick(["x", "x + 1", "(x)", "-x", "x * 2"])
        kind = self.rng.randrange(4)
        if kind == 0:
            e = "(" * n + inner + ")" * n
        elif kind == 1:  # alternate brackets: all count against the same limit
            # Shallow here: rustfmt needs ~30 s at 30 levels of these (FINDINGS F-12), so the
            # deep case is one module, limit_mixed_brackets, not a cost drawn many times.
            e = mixed_brackets(inner, min(n, 12))
        elif kind == 2:  # nested calls
            e = "abs(" * n + inner + ")" * n
        else:  # nested sub-expressions with operators at every level
            e = inner
            for i in range(n):
                e = f"({e} {self.pick(['+', '-', '*'])} {i})"
        return f"def {self.fresh('deep')}(x: int) -> int:\n    return {e}"

    def f_deep_literal(self) -> str:
        # rustfmt needs > 30 s for a 190-deep tuple type (F-12): deep ones rare, limit_* has them
        n = self.size((2, 30), (100, MAX_BRACKETS - 2), 0.08)
        opener, closer = self.pick([("[", "]"), ("(", ",)"), ("{'k': ", "}")])
        return f"{self.fresh('NESTED').upper()} = " + opener * n + "0" + closer * n

    def f_long_chain(self) -> str:
        n = self.size((5, 120), (400, MAX_CHAIN), 0.25)
        kind = self.rng.randrange(5)
        name = self.fresh("chain")
        if kind == 0:
            return f"def {name}(x: int) -> int:\n    return " + " + ".join(f"x * {i}" if i % 3 else "x" for i in range(n))
        if kind == 1:
            return f"def {name}(x: int) -> bool:\n    return " + " and ".join(f"x != {i}" for i in range(n))
        if kind == 2:
            return f"def {name}(s: str) -> str:\n    return " + " + ".join(f"s[{i % 5}:]" if i % 2 else f'"{i}"' for i in range(n))
        if kind == 3:
            return f"def {name}(x: int) -> bool:\n    return " + " or ".join(f"(x == {i} and x > -{i})" for i in range(n // 2 + 1))
        return f"def {name}(x: int) -> bool:\n    return 0 " + " ".join(f"{self.pick(['<', '<=', '!='])} x + {i}" for i in range(min(n, 900)))

    def f_elif_chain(self) -> str:
        n = self.size((2, 60), (300, 1500), 0.2)
        lines = [f"def {self.fresh('classify')}(x: int) -> str:", "    if x == 0:", "        return 'zero'"]
        for i in range(1, n):
            lines += [f"    elif x == {i}:", f"        return '{i}'"]
        lines += ["    else:", "        return 'many'"]
        return "\n".join(lines)

    def f_nested_ifs(self) -> str:
        # rustfmt's time doubles per level of the folded conditions (F-11): deep ones are rare
        # here and limit_ifs has the deepest.
        n = self.size((2, 14), (15, MAX_INDENT - 2), 0.03)
        lines = [f"def {self.fresh('nest')}(x: int) -> int:", "    y = 0"]
        for i in range(n):
            lines.append("    " * (i + 1) + f"if x > {i}:")
        lines.append("    " * (n + 1) + "y = x")
        lines.append("    return y")
        return "\n".join(lines)

    def f_nested_loops(self) -> str:
        n = self.size((2, 6), (10, MAX_STATIC_BLOCKS - 1), 0.3)
        lines = [f"def {self.fresh('loops')}(n: int) -> int:", "    total = 0"]
        for i in range(n):
            kw = self.pick(["for", "for", "while"])
            pad = "    " * (i + 1)
            lines.append(pad + (f"for i{i} in range(n):" if kw == "for" else f"while total < {i + 3}:"))
            if kw == "while":
                lines.append(pad + "    total += 1")
        lines.append("    " * (n + 1) + "total += 1")
        lines.append("    return total")
        return "\n".join(lines)

    def f_nested_defs(self) -> str:
        n = self.size((2, 6), (20, 45), 0.25)
        lines, pad = [], ""
        for i in range(n):
            lines.append(f"{pad}def inner_{i}(a{i}: int) -> int:")
            pad += "    "
            if i:
                lines.append(f"{pad}nonlocal_{i} = a{i - 1} + a{i}")
        lines.append(f"{pad}return a{n - 1}")
        for i in range(n - 1, 0, -1):
            pad = "    " * i
            lines.append(f"{pad}return inner_{i}(a{i - 1})")
        lines[0] = lines[0].replace("inner_0", self.fresh("outer"))
        return "\n".join(lines)

    def f_nested_lambda(self) -> str:
        n = self.size((2, 20), (100, 400), 0.25)
        return f"{self.fresh('L')} = " + "".join(f"lambda a{i}: " for i in range(n)) + "a0"

    def f_unary_chain(self) -> str:
        n = self.size((2, 30), (200, 900), 0.25)
        op = self.pick(["-", "not ", "~", "+", "- -"])
        ret = "bool" if op == "not " else "int"
        return f"def {self.fresh('unary')}(x: int) -> {ret}:\n    return " + op * n + "x"

    def f_postfix_chain(self) -> str:
        n = self.size((2, 30), (200, 900), 0.25)
        kind = self.rng.randrange(3)
        name = self.fresh("post")
        if kind == 0:
            return f"def {name}(x: int) -> int:\n    return x" + ".real" * n
        if kind == 1:
            return f"def {name}(x: list) -> int:\n    return x" + "[0]" * min(n, 150)
        return f"def {name}(s: str) -> str:\n    return s" + ".strip()" * n

    def f_odd_literals(self) -> str:
        rng = self.rng
        digits = rng.choice([19, 20, 39, 100, 1000, 4000, MAX_DECIMAL_DIGITS])
        values = [
            "1" + "0" * (digits - 1),
            "-" + "9" * min(digits, 50),
            "0x" + "F" * rng.choice([16, 17, 64, 5000]),
            "0b" + "1" * rng.choice([63, 64, 65, 200]),
            "0o777", "1_000_000", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "1e309", "-1e309", "1e-400", "5e-324", "1.7976931348623157e308", "0.1 + 0.2", "1j", "2.5e3j",
            "0.0 * -1", "1__0".replace("__", "_"), "0_0", "00", "1.", ".5", "1E5", "10**400",
        ]
        strings = [
            r"'\ud800'", r"'\udfff'", r"'a\ud83dz'", r"'\U0010ffff'", r"'\x00'", r"'\0'", r"'\N{BULLET}'",
            r"'\N{GREEK SMALL LETTER ALPHA}'", "'\"#'", "'#\"##'", r"r'\d+\\'", r"r'\\'", r"R'\n'", "'{}'", "'}{'",
            "'{0}'", "'%s %d'", "'\\r\\n'", "'\\x0c\\x0b'", "'😀👍🏽'", "'e\\u0301'", "'\\u202e'", "'\\ufeff'",
            '"""a\n"b"\n\'c\'"""', "'''\\''''", "'a' 'b' \"c\"", "'x' * 1000", repr("y" * rng.choice([10, 5000])),
            "'\\\\'", "'\\''", "'''\"\"\"'''", "'$' '{x}'",
        ]
        fstrings = [
            "f'{x}'", "f'{x!r:>10}'", "f'{x=}'", "f'{x:{w}.{p}f}'", "f\"{f'{x}'}\"", "f'''{f\"{f'{x}'}\"}'''",
            "f'{{}}{x}{{'", "f'{x:#x}'", "f'{x:,}'", "f'{x:_b}'", "f'{x!s:^{w}}'", "rf'\\d{x}'", "fr'{x}\\n'",
            "f'{x}' 'plain' f'{w}'", "f'{(lambda: x)()}'", "f'{x if x else w}'", "f'{[x, w]}'", "f'{ {x: w} }'",
            "f'''{x\n}'''", "f'{x:{\"<\"}{w}}'", "f'{\"é\"}' '\\u00e9'", "f'{x:%Y-%m-%d}'" if rng.random() < 0.2 else "f'{x:.3}'",
        ]
        bytes_ = [
            "b''", r"b'\x00\xff'", r"b'\\'", r"rb'\d'", r"br'\x'", "b'abc' b'def'", r"b'\x80' * 3",
            r"bytes([0, 255])", r"bytearray(b'\x01')",
        ]
        kind = rng.randrange(5)
        name = self.fresh("lit")
        if kind == 0:
            v = rng.choice(values)
            if compiles(f"x = {v}") is not None:
                v = "1"
            return f"{name.upper()} = {v}\n\n\ndef {name}() -> int:\n    return {v if 'e' not in v and 'j' not in v and '.' not in v else '0'}"
        if kind == 1:
            v = rng.choice(values)
            if compiles(f"x = {v}") is not None:
                v = "1"
            return f"def {name}(x: float) -> float:\n    return x + {v}" if ("." in v or "e" in v) and "j" not in v \
                else f"def {name}(x: int) -> int:\n    return x + ({v} if isinstance({v}, int) else 0)"
        if kind == 2:
            s = rng.choice(strings)
            return f"def {name}(s: str) -> str:\n    t = {s}\n    return s + t"
        if kind == 3:
            f = rng.choice(fstrings)
            return f"def {name}(x: int, w: int = 8, p: int = 2) -> str:\n    return {f}"
        b = rng.choice(bytes_)
        return f"def {name}() -> bytes:\n    return {b}"

    def f_unicode_names(self) -> str:
        rng = self.rng
        names = rng.sample(UNICODE_NAMES, k=min(4, len(UNICODE_NAMES)))
        fn, a, b, c = names
        kind = rng.randrange(3)
        if kind == 0:
            return f"def {fn}({a}: int, {b}: int) -> int:\n    {c} = {a} * {b}\n    return {c} + {a}"
        if kind == 1:
            return (f"class {fn.capitalize() if fn.capitalize().isidentifier() else fn}:\n    {a}: int = 0\n\n"
                    f"    def {b}(self, {c}: str) -> str:\n        return {c}.upper()")
        # NFKC-equal spellings: `ﬁle` and `file` are one variable for Python
        return f"def {self.fresh('nfkc')}(ﬁle: int) -> int:\n    file = ﬁle + 1\n    µ = 2\n    return file * μ"

    def f_rust_keywords(self) -> str:
        rng = self.rng
        names = rng.sample(RUST_NAMES, k=5)
        a, b, c, d, e = names
        kind = rng.randrange(6)
        fname = self.pick([self.fresh("kw"), rng.choice(RUST_NAMES)])
        if kind == 0:  # parameters, one unused
            return f"def {fname}({a}: int, {b}: int) -> int:\n    {c} = {a} + 1\n    return {c}"
        if kind == 1:  # loop variable, used or not
            return f"def {fname}(xs: list[int]) -> int:\n    t = 0\n    for {a} in xs:\n        t += {'1' if rng.random() < 0.5 else a}\n    return t"
        if kind == 2:  # several unpacks into the same throwaway name
            return (f"def {fname}(s: str) -> str:\n    x, {a}, y = s.partition(':')\n    z, {a}, w = y.partition(':')\n"
                    f"    _, _, q = w.partition('-')\n    return x + z + q")
        if kind == 3:  # keyword arguments and defaults with odd names
            return f"def {fname}({a}: int = 1, *, {b}: str = 'x') -> str:\n    return {b} * {a}\n\n\ndef {self.fresh('call')}() -> str:\n    return {fname}({a}=2, {b}='y')"
        if kind == 4:  # class with odd attribute and method names
            return (f"class {self.fresh('K')}:\n    {a}: int = 1\n\n    def {b}(self, {c}: int) -> int:\n"
                    f"        return self.{a} + {c}\n\n    def {d}(self) -> int:\n        return self.{b}(1)")
        # the first parameter of a method named something other than self
        return f"class {self.fresh('K')}:\n    def m({e}, x: int) -> int:\n        return x\n\n    def n(this) -> int:\n        return this.m(1)"

    def f_walrus(self) -> str:
        kind = self.rng.randrange(4)
        name = self.fresh("walrus")
        if kind == 0:
            return f"def {name}(xs: list[int]) -> int:\n    if (n := len(xs)) > 2:\n        return n\n    return -1"
        if kind == 1:
            return f"def {name}(xs: list[int]) -> list[int]:\n    return [y for x in xs if (y := x * 2) > 3]"
        if kind == 2:
            return f"def {name}(s: str) -> int:\n    i = 0\n    while (c := s[i:i + 1]) and c != 'x':\n        i += 1\n    return i"
        return f"def {name}(x: int) -> int:\n    return (a := (b := x + 1) * 2) + a + b"

    def f_match(self) -> str:
        rng = self.rng
        cases = [
            "case 0:\n    return 'zero'",
            "case 1 | 2 | 3:\n    return 'small'",
            "case int(n) if n < 0:\n    return 'negative'",
            "case [a, b, *rest]:\n    return 'seq'",
            "case (x, y):\n    return 'pair'",
            "case {'k': v, **kw}:\n    return 'map'",
            "case str() as s:\n    return s",
            "case Point(x=0, y=0):\n    return 'origin'",
            "case Point(1, y):\n    return 'one'",
            "case None | True | False:\n    return 'const'",
            "case 'a' 'b':\n    return 'ab'",
            "case -1.5 | 2j | -1 + 2j:\n    return 'num'",
            "case [[_, _], [_]]:\n    return 'nested'",
            "case {1: _, 'x': [*_]}:\n    return 'mixed'",
            "case ((a | a) as b) if b:\n    return 'alias'" if False else "case (1 as one) | (2 as one):\n    return str(one)",
        ]
        chosen = rng.sample(cases, k=rng.randint(1, 6))
        body = "\n".join(indent(c, 2) for c in chosen) + "\n        case _:\n            return 'other'"
        subject = rng.choice(["x", "x,", "(x, 1)", "[x]", "-x" if rng.random() < 0.5 else "x"])
        point = "class Point:\n    __match_args__ = ('x', 'y')\n\n    def __init__(self, x: int, y: int):\n        self.x = x\n        self.y = y\n\n\n"
        return point + f"def {self.fresh('matcher')}(x: object) -> str:\n    match {subject}:\n{body}"

    def f_soft_keywords(self) -> str:
        # `match`, `case`, `type` and `_` are ordinary names outside match statements
        return ("def " + self.fresh("soft") + "(match: int, case: int) -> int:\n    type = match + case\n    _ = type\n"
                "    match = [match]\n    return match[0] + _")

    def f_decorators(self) -> str:
        rng = self.rng
        decos = rng.sample([
            "@staticmethod", "@functools.lru_cache(maxsize=None)", "@functools.cache", "@deco",
            "@deco_with(1, key='v')", "@(lambda f: f)", "@registry['x'].register", "@contextlib.contextmanager",
            "@typing.overload", "@property", "@abc.abstractmethod", "@dataclasses.dataclass(frozen=True)",
            "@(deco if True else deco)", "@[deco][0]",
        ], k=rng.randint(1, 3))
        if any(d in ("@property", "@abc.abstractmethod", "@staticmethod") for d in decos) and rng.random() < 0.7:
            return (f"class {self.fresh('D')}:\n" + indent("\n".join(decos)) +
                    "\n    def value(self) -> int:\n        return 1")
        pre = ("import functools\nimport contextlib\nimport typing\nimport abc\nimport dataclasses\n\n\n"
               "def deco(f):\n    return f\n\n\ndef deco_with(*a, **k):\n    return deco\n\n\nregistry = {'x': None}\n\n\n")
        return pre + "\n".join(decos) + f"\ndef {self.fresh('decorated')}(x: int) -> int:\n    return x + 1"

    def f_async(self) -> str:
        kind = self.rng.randrange(4)
        name = self.fresh("coro")
        if kind == 0:
            return f"async def {name}(x: int) -> int:\n    return x + 1\n\n\nasync def {self.fresh('caller')}() -> int:\n    return await {name}(1)"
        if kind == 1:
            return (f"async def {name}(xs) -> list[int]:\n    out = []\n    async for x in xs:\n        out.append(x)\n"
                    "    async with xs as y:\n        pass\n    return [z async for z in xs if await z]")
        if kind == 2:
            return f"async def {name}():\n    yield 1\n    await something()"
        return f"def {name}(x: int) -> int:\n    async def inner() -> int:\n        return x\n    return x"

    def f_lambdas(self) -> str:
        rng = self.rng
        forms = [
            "lambda: 0", "lambda x: x + 1", "lambda x, y=2, *a, k=1, **kw: (x, y, a, k, kw)",
            "lambda *, k: k", "lambda x, /, y: x - y", "(lambda x: lambda y: x + y)(1)", "lambda x: (yield_ := x)",
            "lambda: (lambda: (lambda: 1))", "lambda x=lambda: 1: x()", "lambda _: _", "lambda move: move",
        ]
        lam = rng.choice(forms)
        name = self.fresh("lam")
        return f"{name} = {lam}\n\n\ndef {self.fresh('uses')}(xs: list[int]) -> list[int]:\n    return sorted(xs, key=lambda v: (-v, v))"

    def f_comprehensions(self) -> str:
        rng = self.rng
        forms = [
            "[x * y for x in xs for y in xs if x if y]", "{x: [y for y in range(x)] for x in xs}",
            "{x % 3 for x in xs}", "sum(x for x in xs)", "[[x for x in xs] for _ in xs]",
            "[(lambda: x)() for x in xs]", "list({*xs, *[1]})", "[x for x in (y for y in xs) if x]",
            "dict(zip(xs, xs))", "[x for x in xs for x in [x]]", "{**{1: 2}, **{x: x for x in xs}}",
            "[*xs, *[x for x in xs]]", "[i for i, _ in enumerate(xs)]", "any(x > 2 for x in xs)",
            "[x async for x in xs]" if False else "[str(x) for x in sorted(xs, reverse=True)]",
        ]
        return f"def {self.fresh('comp')}(xs: list[int]) -> object:\n    return {rng.choice(forms)}"

    def f_try(self) -> str:
        rng = self.rng
        kind = rng.randrange(6)
        name = self.fresh("tr")
        if kind == 0:
            return (f"def {name}(s: str) -> int:\n    try:\n        return int(s)\n    except (ValueError, TypeError) as e:\n"
                    "        return -1\n    except Exception:\n        raise\n    else:\n        pass\n    finally:\n        s = ''")
        if kind == 1:
            return (f"def {name}() -> int:\n    try:\n        raise ExceptionGroup('g', [ValueError(1), KeyError(2)])\n"
                    "    except* ValueError as eg:\n        r = 1\n    except* (KeyError, TypeError):\n        r = 2\n    return r")
        if kind == 2:
            return f"def {name}(x: int) -> int:\n    try:\n        return x\n    finally:\n        return -x"
        if kind == 3:
            return f"def {name}(x: int) -> int:\n    try:\n        pass\n    except:\n        pass\n    raise ValueError('bad') from None"
        if kind == 4:
            depth = self.size((2, 5), (10, MAX_STATIC_BLOCKS - 1), 0.3)
            lines = [f"def {name}(x: int) -> int:"]
            for i in range(depth):
                lines.append("    " * (i + 1) + "try:")
            lines.append("    " * (depth + 1) + "x += 1")
            for i in range(depth - 1, -1, -1):
                lines.append("    " * (i + 1) + f"except ValueError:\n" + "    " * (i + 2) + f"x -= {i}")
            lines.append("    return x")
            return "\n".join(lines)
        return f"class {self.fresh('Err')}(Exception):\n    pass\n\n\ndef {name}() -> None:\n    raise {self.fresh('Missing')}"

    def f_scopes(self) -> str:
        kind = self.rng.randrange(3)
        g = self.fresh("G")
        if kind == 0:
            return f"{g} = 0\n\n\ndef {self.fresh('bump')}() -> int:\n    global {g}\n    {g} += 1\n    return {g}"
        if kind == 1:
            return (f"def {self.fresh('counter')}() -> int:\n    n = 0\n\n    def inc() -> int:\n        nonlocal n\n"
                    "        n += 1\n        return n\n    inc()\n    return inc()")
        return f"def {self.fresh('declares')}() -> None:\n    global {g}, {self.fresh('H')}\n    {g} = 1\n    del {g}"

    def f_classes(self) -> str:
        rng = self.rng
        name = self.fresh("C")
        bases = rng.choice([
            "", "()", "(object)", "(Exception)", "(dict)", "(list[int])", "(int, metaclass=type)",
            "(*[object])", "(**{})", "(Base if True else object)", "(typing.NamedTuple)", "(enum.Enum)",
            "(typing.Generic[T])", "(Base, Mixin)", "(type('X', (), {}))", "(collections.namedtuple('P', 'a b'))",
        ])
        body_kind = rng.randrange(5)
        pre = ("import typing\nimport enum\nimport collections\nT = typing.TypeVar('T')\n\n\nclass Base:\n    pass\n\n\n"
               "class Mixin:\n    def mix(self) -> int:\n        return 1\n\n\n")
        if body_kind == 0:
            body = "pass"
        elif body_kind == 1:
            body = "__slots__ = ('a',)\n\ndef __init__(self, a: int) -> None:\n    self.a = a\n\ndef __repr__(self) -> str:\n    return f'{self.a}'"
        elif body_kind == 2:
            body = "class Inner:\n    class Deeper:\n        X = 1\n\n@classmethod\ndef make(cls) -> 'Inner':\n    return cls.Inner()"
        elif body_kind == 3:
            body = "a: int\nb: str = 'x'\n\ndef __eq__(self, other: object) -> bool:\n    return True\n\ndef __hash__(self) -> int:\n    return 0"
        else:
            body = "def __init__(self):\n    super().__init__()\n    self.x: list[int] = []\n\ndef __len__(self) -> int:\n    return len(self.x)"
        if "Enum" in bases and body_kind == 3:
            body = "A = 1\nB = 'b'"
        if "NamedTuple" in bases:
            body = "a: int\nb: str = 'x'"
        return pre + f"class {name}{bases}:\n" + indent(body)

    def f_dataclass(self) -> str:
        rng = self.rng
        fields = [(self.pick(RUST_NAMES + ["a", "b", "c"]) if rng.random() < 0.4 else self.fresh("fld"), rng.choice(self.TYPES))
                  for _ in range(rng.randint(0, 4))]
        seen: set[str] = set()
        lines = []
        for n, t in fields:
            if n in seen or n == "self":
                continue
            seen.add(n)
            lines.append(f"{n}: {t}")
        name = self.fresh("DC")
        opts = rng.choice(["", "(frozen=True)", "(order=True)", "(slots=True)", "(eq=False)"])
        return (f"from dataclasses import dataclass, field\n\n\n@dataclass{opts}\nclass {name}:\n" + indent("\n".join(lines) or "pass") +
                f"\n\n\ndef {self.fresh('make')}() -> int:\n    return 1")

    def f_star_args(self) -> str:
        rng = self.rng
        sigs = [
            "a, /, b, *, c", "*args", "**kwargs", "a, *args, b=1, **kwargs", "a=1, /, b=2, *c, d, e=3, **f",
            "*, key", "a: int, *rest: int", "a, b=(), c={}, d=[], e=None", "x=lambda: 0, y=(1, 2)",
        ]
        sig = rng.choice(sigs)
        name = self.fresh("star")
        calls = rng.choice(["print(*xs, sep='')", "[*xs, *xs]", "{**d, 'k': 1}", "f(*xs, **d)", "(*xs,)"])
        unpack = rng.choice(["a, *b = xs", "*a, b = xs", "[a, [b, *c]] = [1, [2, 3]]", "(a), = xs[:1]", "a, (b, c) = 1, (2, 3)"])
        return f"def {name}({sig}):\n    return None\n\n\ndef {self.fresh('user')}(xs: list[int], d: dict, f=print) -> object:\n    {unpack}\n    return {calls}"

    def f_annotations(self) -> str:
        rng = self.rng
        anns = [
            "int", "list[int]", "dict[str, list[tuple[int, ...]]]", "Optional[int]", "int | None", "str | int | None",
            "Callable[[int], str]", "Callable[..., Any]", "'Foo'", "\"list['Foo']\"", "Any", "Literal['a', 1]",
            "Union[int, str]", "tuple[()]", "tuple[int, str, float]", "type[int]", "Final[int]" if False else "typing.Sequence[int]",
            "set[frozenset[int]]", "Annotated[int, 'meta']", "1 + 2", "[int]", "(int, str)", "None", "...",
            "list[" * 30 + "int" + "]" * 30, "dict[str, dict[str, dict[str, int]]]", "Iterator[int]", "object",
            "bytes", "bytearray", "complex", "float | int", "Optional[list[Optional[int]]]", "typing.List[typing.Dict[str, int]]",
            "T", "list[T]", "'int'", "lambda: int", "f(x)", "x.y.z", "int if True else str",
        ]
        name = self.fresh("ann")
        n = rng.randint(1, 4)
        params = ", ".join(f"p{i}: {rng.choice(anns)}" for i in range(n))
        ret = rng.choice(anns)
        pre = ("from typing import Any, Annotated, Callable, Iterator, Literal, Optional, Union, TypeVar\nimport typing\n"
               "T = TypeVar('T')\n\n\n")
        mod = rng.choice(["", f"{self.fresh('ANN').upper()}: {rng.choice(anns)} = None\n", f"{self.fresh('bare')}: {rng.choice(anns)}\n"])
        return pre + mod + f"\n\ndef {name}({params}) -> {ret}:\n    local: {rng.choice(anns)} = p0\n    return p0"

    def f_duplicates(self) -> str:
        rng = self.rng
        name = self.pick([self.fresh("dup"), "f", "len", "print", "main", "new"])
        kind = rng.randrange(5)
        if kind == 0:
            return f"def {name}(x: int) -> int:\n    return x\n\n\ndef {name}(x: str, y: str) -> str:\n    return x + y"
        if kind == 1:
            return f"class {name}:\n    pass\n\n\ndef {name}() -> int:\n    return 1"
        if kind == 2:
            return f"class {name}:\n    def m(self) -> int:\n        return 1\n\n    def m(self, x: int) -> int:\n        return x"
        if kind == 3:
            return f"def {name}(x: int) -> int:\n    return x\n\n\n{name} = 3"
        return f"def {name}({name}: int) -> int:\n    {name} = {name} + 1\n    return {name}"

    def f_generators(self) -> str:
        kind = self.rng.randrange(4)
        name = self.fresh("gen")
        if kind == 0:
            return f"def {name}(n: int):\n    for i in range(n):\n        yield i\n    return 'done'"
        if kind == 1:
            return f"def {name}(xs: list[int]):\n    yield from xs\n    yield from (x for x in xs)"
        if kind == 2:
            return f"def {name}():\n    while True:\n        x = yield\n        if x:\n            break"
        return f"def {name}(n: int) -> list[int]:\n    return list(i * i for i in range(n))"

    def f_statements(self) -> str:
        rng = self.rng
        forms = [
            "with open('f') as (a, b), open('g'):\n    pass", "with (\n    open('a') as a,\n    open('b') as b,\n):\n    pass",
            "del xs[0], xs[1:2]", "assert xs, 'empty'", "a = b = c = 1", "xs[1:2:3] = []", "x = 1; y = 2; z = x + y",
            "x = 1 + \\\n    2", "import os.path as osp", "from os import (path,\n    sep)", "exec('1')", "if xs: pass\nelse: pass",
            "for i in xs: pass\nelse: pass", "while False: pass\nelse: x = 1", "print(end='')", "xs.sort(key=None, reverse=True)",
            "global GG", "nonsense = xs[...]", "x = not -1 ** -2", "x = 2 ** -1", "x = (yield)" if False else "x = [] == []",
            "type X = int" if sys.version_info >= (3, 12) else "X = int", "x: int", "(x) = 1", "[a, b] = [1, 2]",
        ]
        chosen = rng.sample(forms, k=rng.randint(1, 4))
        return f"def {self.fresh('stmts')}(xs: list[int]) -> None:\n" + indent("\n".join(chosen))

    def f_module_level(self) -> str:
        rng = self.rng
        forms = [
            "if __name__ == '__main__':\n    print('main')", "for _i in range(2):\n    pass", "__all__ = ['x']",
            "try:\n    import numpy_missing\nexcept ImportError:\n    numpy_missing = None", "from os.path import *",
            "if True:\n    def cond() -> int:\n        return 1\nelse:\n    def cond() -> int:\n        return 2",
            "del_me = 1\ndel del_me", "from . import sibling" if False else "import json as _json", "assert True",
            "X, Y = 1, 2", "CONST: 'int' = 3", "print(__file__, __name__)", "__version__ = '1.0'", "locals()['q'] = 1",
        ]
        return "\n".join(rng.sample(forms, k=rng.randint(1, 3)))

    def f_whitespace(self) -> str:
        # tabs, form feeds, trailing backslashes, comments with odd characters
        return (f"def {self.fresh('ws')}(x: int) -> int:\n\tif x:\n\t\treturn x  # comment with \u202e and \u200b in it\n"
                "\x0c\n\treturn (x +\n\t\t1)\n# type: ignore\n#!/not/a/shebang")

    FEATURES: list[tuple[str, float]] = [
        ("typed", 6.0), ("deep_parens", 1.0), ("deep_literal", 0.6), ("long_chain", 0.8), ("elif_chain", 0.6),
        ("nested_ifs", 0.8), ("nested_loops", 0.6), ("nested_defs", 0.5), ("nested_lambda", 0.4), ("unary_chain", 0.5),
        ("postfix_chain", 0.4), ("odd_literals", 2.0), ("unicode_names", 1.0), ("rust_keywords", 2.0), ("walrus", 0.8),
        ("match", 1.0), ("soft_keywords", 0.4), ("decorators", 0.8), ("async", 0.6), ("lambdas", 0.6),
        ("comprehensions", 0.8), ("try", 0.8), ("scopes", 0.6), ("classes", 1.0), ("dataclass", 0.8), ("star_args", 0.8),
        ("annotations", 1.0), ("duplicates", 0.8), ("generators", 0.5), ("statements", 1.0), ("module_level", 0.6),
        ("whitespace", 0.3),
    ]


def feature_names() -> list[str]:
    return [n for n, _ in Gen.FEATURES]


def _rng(seed: int, index: int, salt: str = "") -> random.Random:
    # Seeding with a string hashes it (SHA-512): the same on every platform and Python 3.x.
    return random.Random(f"portalis-fuzz:{seed}:{index}:{salt}")


def module_name_for(seed: int, index: int, tricky_share: float = 0.04) -> str:
    """`m0017` mostly; now and then a name that stresses the crate layout (a Rust keyword,
    `lib`, `main`, `pyrt`, a non-ASCII name). Each tricky name is used once per repository."""
    rng = _rng(seed, index, "name")
    if rng.random() < tricky_share:
        return rng.choice(TRICKY_MODULE_NAMES)
    return f"m{index:04d}"


def generate_item(gen: Gen, feature: str) -> Item:
    make: Callable[[], str] = getattr(gen, f"f_{feature}")
    return Item(feature, make())


def generate_module(seed: int, index: int, items: tuple[int, int] = (2, 6), features: list[str] | None = None,
                    tricky_names: bool = True) -> GeneratedModule:
    """Module `index` of the fuzz repository of `seed`: valid Python (checked with compile())."""
    rng = _rng(seed, index)
    gen = Gen(rng)
    names, weights = zip(*Gen.FEATURES)
    pool = list(features) if features else None
    future = rng.random() < 0.2
    header = f'"""Fuzz module {index} of seed {seed}."""\n' + ("from __future__ import annotations\n" if future else "")
    module = GeneratedModule(
        seed=seed, index=index, name=module_name_for(seed, index) if tricky_names else f"m{index:04d}", header=header,
        newline="\r\n" if rng.random() < 0.05 else "\n", bom=rng.random() < 0.03,
    )
    for _ in range(rng.randint(*items)):
        feature = rng.choice(pool) if pool else rng.choices(names, weights=weights)[0]
        item = generate_item(gen, feature)
        why = compiles(header + "\n\n" + item.source + "\n")
        if why is None:
            module.items.append(item)
        else:
            module.rejected.append(item)
    if compiles(module.source) is not None:  # items valid alone but not together: keep a valid prefix
        keep: list[Item] = []
        for item in module.items:
            if compiles(render(header, keep + [item])) is None:
                keep.append(item)
            else:
                module.rejected.append(item)
        module.items = keep
    assert compiles(module.source) is None, module.source[:2000]
    return module


def limit_modules() -> dict[str, str]:
    """One module per CPython limit, at (just under) the limit: what a random seed may miss.

    Each is valid Python (checked with compile()); the translator may refuse one with a
    diagnostic (a deliberate limit), but must not crash on it."""
    n = MAX_CHAIN
    sources = {
        "limit_parens": f"def f(x: int) -> int:\n    return {'(' * (MAX_BRACKETS - 1)}x{')' * (MAX_BRACKETS - 1)}\n",
        "limit_mixed_brackets": f"def f(x: int) -> int:\n    return {mixed_brackets('x', MAX_BRACKETS - 1)}\n",
        "limit_tuple": "T = " + "(" * (MAX_BRACKETS - 1) + "0" + ",)" * (MAX_BRACKETS - 1) + "\n",
        "limit_brackets": "X = " + "[" * (MAX_BRACKETS - 1) + "0" + "]" * (MAX_BRACKETS - 1) + "\n",
        "limit_sum": "def f(x: int) -> int:\n    return " + " + ".join(["x"] * n) + "\n",
        "limit_and": "def f(x: int) -> bool:\n    return " + " and ".join(f"x != {i}" for i in range(n)) + "\n",
        "limit_elif": "def f(x: int) -> int:\n    if x == 0:\n        return 0\n"
                      + "".join(f"    elif x == {i}:\n        return {i}\n" for i in range(1, n)) + "    return -1\n",
        "limit_ifs": "def f(x: int) -> int:\n    y = 0\n"
                     + "".join("    " * (i + 1) + f"if x > {i}:\n" for i in range(MAX_INDENT - 2))
                     + "    " * (MAX_INDENT - 1) + "y = x\n    return y\n",
        "limit_loops": "def f(n: int) -> int:\n    t = 0\n"
                       + "".join("    " * (i + 1) + f"for i{i} in range(n):\n" for i in range(MAX_STATIC_BLOCKS))
                       + "    " * (MAX_STATIC_BLOCKS + 1) + "t += 1\n    return t\n",
        "limit_unary": "def f(x: int) -> int:\n    return " + "-" * n + "x\n",
        "limit_attr": "def f(x: int) -> int:\n    return x" + ".real" * n + "\n",
        "limit_lambda": "L = " + "".join(f"lambda a{i}: " for i in range(1000)) + "a0\n",
        "limit_int": f"BIG = {'9' * MAX_DECIMAL_DIGITS}\nHEX = 0x{'F' * 10000}\n\n\ndef f() -> int:\n    return {'7' * MAX_DECIMAL_DIGITS}\n",
        "limit_strings": "def f(s: str) -> str:\n    return s + '\\ud800' + '\\udfff' + '\\U0010ffff' + '\\x00' + " + repr("z" * 100_000) + "\n",
    }
    for name, source in sources.items():
        assert compiles(source) is None, (name, compiles(source))
    return sources


def generate_repo(root: Path, seed: int, count: int, limits: bool = False, **kwargs) -> list[GeneratedModule]:
    """Write `count` generated modules into `root` (one flat repository), and with `limits` the
    modules of `limit_modules()`; returns the generated ones."""
    root.mkdir(parents=True, exist_ok=True)
    if limits:
        for name, source in limit_modules().items():
            (root / f"{name}.py").write_text(source, encoding="utf-8")
    modules = [generate_module(seed, i, **kwargs) for i in range(count)]
    used: set[str] = set()
    for m in modules:
        if m.name in used:  # a tricky name twice: the second gets the plain name
            m.name = f"m{m.index:04d}"
        used.add(m.name)
        (root / f"{m.name}.py").write_bytes(m.data())
    return modules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--count", type=int, default=250)
    parser.add_argument("--index", type=int, default=None, help="print module INDEX of the seed")
    parser.add_argument("--out", type=Path, default=None, help="write a repository of COUNT modules here")
    parser.add_argument("--feature", action="append", help="only these features (repeatable)")
    parser.add_argument("--limits", action="store_true", help="also write the limit_* modules")
    args = parser.parse_args(argv)
    if args.index is not None:
        m = generate_module(args.seed, args.index, features=args.feature)
        sys.stdout.flush()
        sys.stdout.buffer.write(m.data())  # the file's bytes: a BOM or CRLF line ends included
        print(f"# file {m.name}.py, features {m.features}, bom {m.bom}, newline {m.newline!r}, "
              f"rejected {[i.feature for i in m.rejected]}", file=sys.stderr)
        return 0
    if args.out is None:
        parser.error("--out or --index is needed")
    modules = generate_repo(args.out, args.seed, args.count, limits=args.limits, features=args.feature)
    rejected = sum(len(m.rejected) for m in modules)
    print(f"{len(modules)} modules, {sum(len(m.items) for m in modules)} items, {rejected} rejected by compile()")
    return 0


if __name__ == "__main__":
    sys.exit(main())
