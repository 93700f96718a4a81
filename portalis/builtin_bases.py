"""A class deriving from `list` or `dict` as a plain class holding its value (issue 11, "a
class deriving from a stdlib base").

`class Stack(list)` has no attributes of its own for its items: the instance *is* the list. The
rest of the translator handles plain classes (a struct of the attributes `__init__` assigns, item
types from what the methods append), so the module's text is rewritten, line for line, into that
form before the outline is made (as portalis/namedtuples.py does for `namedtuple()`):

- the base `list` (`List[int]`, `list[str]`; `dict`, `Dict[str, int]`) becomes `object`;
- the items are the attribute `LIST_FIELD` (`self.__list__`; a dict's entries `DICT_FIELD`,
  `self.__mapping__`): `super().__init__(xs)` and `list.__init__(self, xs)` become
  `self.__list__ = list(xs)` (list's `__init__` replaces the items; dict's adds to the entries
  there are: `self.__mapping__ = {**self.__mapping__, **dict(xs)}`); an `__init__` that does not
  call it starts with `self.__list__ = list(self.__list__)` (the items are untouched: none when
  the object is built, the object's own when the harness runs `__init__` again); a class with
  no `__init__` gets `def __init__(self): self.__list__ = []` on a blank line of its body (or
  the blank line after it), so that `Stack()` builds an empty one as Python's does;
- in the methods, `self` used as the list is `self.__list__`: `self.append(x)` (a method of the
  base the class does not define itself), `self[i]`, `len(self)`, `list(self)`, `for x in self`,
  `x in self`, `if self:` / `not self`, `super().append(x)`, `super().__len__()`; a use the class
  gives its own meaning stays the class's (`len(self)` with its own `__len__`, `self[k]` in a
  dict subclass with `__missing__`).

Subclasses in the module (`class Phrase(TokenList)`) are rewritten the same way (their
`super().__init__` is the base's, kept); they inherit the field through the ordinary base
machinery (portalis/class_interfaces.py, portalis/inheritance.py across modules). Outside the
class (and in a subclass of another module) the lowering reads the field where a value of the
class is used as its builtin (`FunctionLowerer.held`: `s.append(x)`, `for x in s`, `s[0]`,
`len(s)`, `x in s`, `if s:`, `f(s)` where f takes a list). What the rewrite cannot reproduce
exactly leaves the class as it was (PTL140): `super().__init__(*args, **kw)`, an `__init__`
whose first statement is compound, no blank line to hold the synthesized `__init__`, another
base beside `list`, a text that would not parse. The differential harness reads the field of a
Python instance as `list(obj)` / `dict(obj)` and gives it to a decoded one with `list.extend` /
`dict.update` (portalis/validate/worker.py). Pure: text in, text out; line numbers kept.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from portalis.source_rewrite import parse_if, python_tree

# The attribute standing for the instance's list items (a dunder name: Python does not mangle
# it, and no class of a repository uses it); a dict subclass's entries likewise (`__dict__`
# is the instance's namespace).
LIST_FIELD = "__list__"
DICT_FIELD = "__mapping__"
# what each field holds and of which base, for diagnostics
HELD_FIELDS = {LIST_FIELD: ("items", "list"), DICT_FIELD: ("entries", "dict")}


def held_field_text(cls: str, field: str) -> str | None:
    """How a diagnostic names a field nothing types when it holds a list or dict subclass's
    own items (`self.__list__`), or None for any other field."""
    if field not in HELD_FIELDS:
        return None
    what, base = HELD_FIELDS[field]
    return (f"the {what} of `{cls}` (a class deriving from `{base}`, held as `self.{field}`) cannot be typed: "
            "nothing the class adds or is built from says their type")


@dataclass(frozen=True)
class _Kind:
    """A builtin base the rewrite handles: the field holding the value, the base's methods
    (`self.m(...)` calls the base's unless the class defines `m`), the
    constructor, the dunders a subscript of `self` goes through."""

    field: str
    methods: frozenset[str]
    ctor: str
    subscript: tuple[str, ...]

    def reinit(self, held: str, arg: str | None) -> str:
        """The value `Base.__init__(self[, arg])` leaves (`held` the field's text)."""
        if self.ctor == "list":
            return f"list({arg})" if arg is not None else "[]"
        return f"{{**{held}, **dict({arg})}}" if arg is not None else f"dict({held})"

    def kept(self, held: str) -> str:
        """The field's first value in an `__init__` that does not call the base's: what the
        instance holds (nothing when built; its items when the harness runs `__init__` again)."""
        return f"{self.ctor}({held})"


_LIST = _Kind(LIST_FIELD, frozenset({"append", "extend", "insert", "pop", "remove", "clear", "index", "count", "sort",
                                     "reverse", "copy"}), "list", ("__getitem__", "__setitem__", "__delitem__"))
# `__missing__`: `self[k]` of a missing key runs it, which `self.__mapping__[k]` would not
_DICT = _Kind(DICT_FIELD, frozenset({"get", "keys", "values", "items", "pop", "popitem", "setdefault", "update", "clear",
                                     "copy"}), "dict", ("__getitem__", "__setitem__", "__delitem__", "__missing__"))
# builtins taking an iterable (or sized) argument: `len(self)` is the list's length
_ITERABLE_CALLS = frozenset({"len", "list", "iter", "reversed", "sorted", "enumerate", "tuple", "set", "frozenset",
                             "sum", "min", "max", "any", "all", "bool", "zip", "map", "filter", "dict"})


# A base as `_kind_of` reads it, found in the text: `(list)`, `(List[int])`, `(typing.Dict)`.
# Nearly every module says "list" or "dict" somewhere; few derive a class from them, and only
# those are parsed again.
_BUILTIN_BASE = re.compile(r"\(\s*(?:typing\s*\.\s*)?(?:list|List|dict|Dict)\s*[\[)]")


def _kind_of(node: ast.expr) -> _Kind | None:
    """The kind of a base (`list`, `List[int]`, `typing.List`, `dict`, `Dict[str, int]`), or None."""
    if isinstance(node, ast.Subscript):
        node = node.value
    name = node.id if isinstance(node, ast.Name) else \
        node.attr if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "typing" else None
    return _LIST if name in ("list", "List") else _DICT if name in ("dict", "Dict") else None


class _Edits:
    """Replacements of (line, start byte, end byte) spans of single lines, applied right to left."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines
        self.items: list[tuple[int, int, int, bytes]] = []

    def replace(self, node: ast.AST, text: str) -> bool:
        """The node's text (one line only, else False) becomes `text`."""
        line, start = getattr(node, "lineno"), getattr(node, "col_offset")
        if line != getattr(node, "end_lineno", None):
            return False
        self.items.append((line, start, getattr(node, "end_col_offset"), text.encode()))
        return True

    def insert(self, line: int, col: int, text: str) -> None:
        self.items.append((line, col, col, text.encode()))

    def apply(self) -> None:
        # a replacement before an insertion at its start (the insertion then goes before it)
        spans = sorted(self.items, key=lambda e: (e[0], e[1], e[2]), reverse=True)
        for line, start, end, text in spans:
            raw = self.lines[line - 1]
            self.lines[line - 1] = raw[:start] + text + raw[end:]


def _self_name(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in fn.decorator_list):
        return None
    params = [*fn.args.posonlyargs, *fn.args.args]
    return params[0].arg if params else None


def _defined(cls: ast.ClassDef) -> set[str]:
    return {s.name for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _super_init(stmt: ast.stmt, self_name: str, kind: _Kind) -> ast.Call | None:
    """`super().__init__(xs)` / `list.__init__(self, xs)` as a statement of its own, at most one
    item argument and no keywords, or None."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    f = call.func
    if not (isinstance(f, ast.Attribute) and f.attr == "__init__") or call.keywords:
        return None
    if isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name) and f.value.func.id == "super" \
            and not f.value.args and len(call.args) <= 1:
        return call
    if isinstance(f.value, ast.Name) and f.value.id == kind.ctor and 1 <= len(call.args) <= 2 \
            and isinstance(call.args[0], ast.Name) and call.args[0].id == self_name:
        return call
    return None


def _rewrite_init_call(call: ast.Call, self_name: str, kind: _Kind, edits: _Edits) -> bool:
    """`super().__init__(xs)` / `list.__init__(self, xs)` as what it does to the held value:
    `list.__init__` replaces the items (`self.__list__ = list(xs)`), `dict.__init__` adds to
    the entries it has (an `__init__` run again keeps them)."""
    args = [a for a in call.args if not (isinstance(a, ast.Name) and a.id == self_name and a is call.args[0]
                                         and isinstance(call.func.value, ast.Name))]  # type: ignore[attr-defined]
    if call.lineno != call.end_lineno:
        return False
    line = edits.lines[call.lineno - 1]
    arg = line[args[0].col_offset:args[0].end_col_offset].decode() if args else None  # type: ignore[attr-defined]
    held = f"{self_name}.{kind.field}"
    text = f"{held} = {kind.reinit(held, arg)}"
    return edits.replace(call, text)


def _uses_as_list(fn: ast.AST, self_name: str, own: set[str], direct: bool, kind: _Kind) -> list[tuple[ast.AST, str]]:
    """Where in a method `self` stands for its list, and the text standing for it there: the
    `self` Name nodes (`self.__list__`), `super().append` in a class deriving from list
    directly, `super().__len__()`. A use the class gives its own meaning (`len(self)` with a
    `__len__` of its own, `for x in self` with an `__iter__`) is the class's, left alone."""
    out: list[tuple[ast.AST, str]] = []
    items = f"{self_name}.{kind.field}"

    def bare(node: ast.AST | None, *dunders: str) -> bool:
        return isinstance(node, ast.Name) and node.id == self_name and isinstance(node.ctx, ast.Load) \
            and not any(d in own for d in dunders)

    def is_super(node: ast.AST) -> bool:
        return direct and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super" \
            and not node.args

    truth = ("__bool__", "__len__")
    iterated = ("__iter__",)
    for node in ast.walk(fn):
        if isinstance(node, ast.Subscript) and bare(node.value, *kind.subscript):
            out.append((node.value, items))
        elif isinstance(node, ast.Attribute) and node.attr in kind.methods:
            if bare(node.value) and node.attr not in own:
                out.append((node.value, items))
            elif is_super(node.value):  # `super().append(x)` skips the class's own `append`
                out.append((node.value, items))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_super(node.func.value) \
                and node.func.attr in ("__len__", "__iter__") and not node.args and not node.keywords:
            out.append((node, f"{node.func.attr[2:-2]}({items})"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _ITERABLE_CALLS:
            dunders = ("__len__",) if node.func.id == "len" else truth if node.func.id == "bool" else iterated
            out.extend((a, items) for a in node.args if bare(a, *dunders))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and bare(node.iter, *iterated):
            out.append((node.iter, items))
        elif isinstance(node, ast.Compare):
            out.extend((c, items) for op, c in zip(node.ops, node.comparators)
                       if isinstance(op, (ast.In, ast.NotIn)) and bare(c, "__contains__", "__iter__"))
        elif isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)) and bare(node.test, *truth):
            out.append((node.test, items))
        elif isinstance(node, ast.BoolOp):
            out.extend((v, items) for v in node.values if bare(v, *truth))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and bare(node.operand, *truth):
            out.append((node.operand, items))
    return out


def _blank_line(cls: ast.ClassDef, following: ast.stmt | None, text: list[bytes]) -> int | None:
    """A line (1-based) between two statements of the class body, or after its last one and
    before the module's next statement, holding nothing but blanks or a comment: where a
    synthesized method can go without moving any other line."""
    starts = [min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", ()))]) for s in cls.body]
    ends = [s.end_lineno or s.lineno for s in cls.body]
    after = following.lineno if following is not None else len(text) + 1
    if following is not None:
        after = min([after, *(d.lineno for d in getattr(following, "decorator_list", ()))])
    gaps = [(ends[i] + 1, starts[i + 1]) for i in range(len(starts) - 1)] + [(ends[-1] + 1, after)]
    for lo, hi in gaps:
        for line in range(lo, hi):
            content = text[line - 1].strip() if line - 1 < len(text) else None
            if content is not None and (not content or content.startswith(b"#")):
                return line
    return None


def desugar_list_bases(source: str) -> str:
    """The module's text with each class deriving from `list` or `dict` (and its subclasses in
    the module) as a plain class holding `self.__list__` / `self.__mapping__` (see the module
    docstring); the text unchanged when no class derives from them or the module does not parse."""
    tree = parse_if(source, lambda text: _BUILTIN_BASE.search(text) is not None)
    if tree is None:
        return source
    classes = {s.name: s for s in tree.body if isinstance(s, ast.ClassDef)}
    direct = {n: k for n, c in classes.items() if len(c.bases) == 1 and not c.keywords and (k := _kind_of(c.bases[0])) is not None}
    if not direct:
        return source
    # ast's columns are UTF-8 byte offsets
    lines = source.encode("utf-8", "surrogatepass").split(b"\n")
    edits = _Edits(lines)
    order = [s for s in tree.body if isinstance(s, ast.ClassDef)]
    # A subclass of the module joins its base's family when that base is one (module order).
    family: dict[str, str] = {}
    for cls in order:
        if cls.name in direct:
            family[cls.name] = cls.name
        elif cls.bases and isinstance(cls.bases[0], ast.Name) and cls.bases[0].id in family:
            family[cls.name] = family[cls.bases[0].id]
    defined: dict[str, set[str]] = {}
    failed: set[str] = set()
    plans: dict[str, _Edits] = {}
    for index, stmt in enumerate(tree.body):
        if not isinstance(stmt, ast.ClassDef) or stmt.name not in family:
            continue
        cls = stmt
        root = family[cls.name]
        if root in failed:
            continue
        base = cls.bases[0]
        own = _defined(cls) | (defined.get(base.id, set()) if isinstance(base, ast.Name) else set())
        defined[cls.name] = own
        plan = _Edits(lines)
        ok = _plan_class(cls, cls.name in direct, direct[root], own, plan, tree.body[index + 1] if index + 1 < len(tree.body) else None, lines)
        if not ok:
            failed.add(root)
            continue
        plans[cls.name] = plan
    for name, plan in plans.items():
        if family[name] not in failed:
            edits.items.extend(plan.items)
    if not edits.items:
        return source
    edits.apply()
    out = b"\n".join(edits.lines).decode("utf-8", "surrogatepass")
    if source.endswith("\n") and not out.endswith("\n"):
        out += "\n"  # the synthesized `__init__` took the empty line after the last newline
    try:
        python_tree(out)  # kept: the parse that follows (libcst's, portalis/parse.py) reads it
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source  # a form the edits do not foresee: the classes stay as written (PTL140)
    return out


def _forwarding(fn: ast.FunctionDef, self_name: str) -> tuple[ast.Call, ast.arg] | None:
    """`def __init__(self, *args, **kw)` whose only use of `args`/`kw` is one statement
    `super().__init__(*args, **kw)` (either may be absent): that call and `self`'s ast.arg."""
    a = fn.args
    if a.posonlyargs or len(a.args) != 1 or a.kwonlyargs or a.defaults or not (a.vararg or a.kwarg):
        return None
    names = {x.arg for x in (a.vararg, a.kwarg) if x is not None}
    for stmt in fn.body:
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
            continue
        call = stmt.value
        f = call.func
        if not (isinstance(f, ast.Attribute) and f.attr == "__init__" and isinstance(f.value, ast.Call)
                and isinstance(f.value.func, ast.Name) and f.value.func.id == "super" and not f.value.args):
            continue
        star = [x.value.id for x in call.args if isinstance(x, ast.Starred) and isinstance(x.value, ast.Name)]
        double = [k.value.id for k in call.keywords if k.arg is None and isinstance(k.value, ast.Name)]
        if len(star) != len(call.args) or len(double) != len(call.keywords) or set(star + double) != names:
            return None
        uses = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id in names]
        if len(uses) != len(star) + len(double):
            return None  # `args` read elsewhere: the parameters are the function's own
        return call, a.args[0]
    return None


def _drop_parameters(fn: ast.FunctionDef, first: ast.arg, edits: _Edits) -> bool:
    """`def __init__(self, *args, **kw):` -> `def __init__(self):` (one line only)."""
    last = fn.args.kwarg or fn.args.vararg
    assert last is not None
    if first.end_lineno != last.end_lineno:
        return False
    edits.items.append((first.end_lineno, first.end_col_offset, last.end_col_offset, b""))  # type: ignore[arg-type]
    return True


def _docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _plan_class(cls: ast.ClassDef, direct: bool, kind: _Kind, own: set[str], edits: _Edits, following: ast.stmt | None,
                lines: list[bytes]) -> bool:
    """The edits of one class; False when the class cannot be rewritten exactly."""
    if direct and not edits.replace(cls.bases[0], "object"):
        return False
    init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    if direct and init is None:
        line = _blank_line(cls, following, lines)
        if line is None:
            return False
        first = cls.body[0]
        if first.lineno == cls.lineno:
            return False  # `class A(list): pass`: no block to add a method to
        indent = lines[first.lineno - 1][:first.col_offset].decode()  # tabs kept
        edits.items.append((line, 0, len(lines[line - 1]), f"{indent}def __init__(self): self.{kind.field} = {kind.reinit('self.' + kind.field, None)}".encode()))
    for fn in cls.body:
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        self_name = _self_name(fn)
        if self_name is None:
            continue
        if direct and fn is init:
            forwarded = _forwarding(fn, self_name)
            if forwarded is not None:
                # `def __init__(self, *args, **kw): super().__init__(*args, **kw)` (email's
                # TokenList, dateutil's _ymd): the form built with no arguments, the only one the
                # module's evidence can type; a call passing items is refused where it is made
                call, first_arg = forwarded
                if not (edits.replace(call, f"{self_name}.{kind.field} = {kind.reinit(self_name + '.' + kind.field, None)}")
                        and _drop_parameters(fn, first_arg, edits)):
                    return False
                for node, text in _uses_as_list(fn, self_name, own, direct, kind):
                    if not edits.replace(node, text):
                        return False
                continue
            calls = [c for c in (_super_init(s, self_name, kind) for s in fn.body) if c is not None]
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "__init__"
                   and n not in calls for n in ast.walk(fn)):
                return False  # another `__init__` call (under an `if`, with `*args`): not reproduced
            for call in calls:
                if not _rewrite_init_call(call, self_name, kind, edits):
                    return False
            if not calls:
                first = fn.body[0]
                if isinstance(first, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While,
                                      ast.With, ast.Try, ast.AsyncFor, ast.AsyncWith)) or type(first).__name__ in ("Match", "TryStar"):
                    return False
                if _docstring(first):
                    # after the docstring, which stays the method's (its examples are evidence)
                    edits.insert(first.end_lineno or first.lineno, first.end_col_offset or 0, f"; {self_name}.{kind.field} = {kind.kept(self_name + '.' + kind.field)}")
                else:
                    edits.insert(first.lineno, first.col_offset, f"{self_name}.{kind.field} = {kind.kept(self_name + '.' + kind.field)}; ")
        for node, text in _uses_as_list(fn, self_name, own, direct, kind):
            if not edits.replace(node, text):
                return False
    return True


__all__ = ["DICT_FIELD", "HELD_FIELDS", "LIST_FIELD", "held_field_text", "desugar_list_bases"]
