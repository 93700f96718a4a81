"""Module state: which module constants later module-level code changes, and the code that
computes their final value.

Python runs a module's top-level statements once, at import; a function reading a module
constant sees the value it has once the whole module has run. A constant is not always its
first assignment:

    codes = {}
    codes["reset"] = esc + "39;49;00m"
    for dark, light in zip(dark_colors, light_colors):
        codes[dark] = esc + "%im" % x
        x += 1
    codes["white"] = codes["bold"]

Here `codes` (pygments/console.py) is built by the statements after `codes = {}`. This pass
finds, for every module constant, the top-level statements that change it (assignments to its
items or attributes, augmented assignments, mutating method calls such as `x.update(...)`,
loops and other blocks holding those, a call statement handing it to a function, rebinding it),
and closes that set over the other constants those statements change (`x` above): the result
is a block that runs the same code once and ends with the constant's value. The type map types
that block like a function (`init_function_source`) and lowering makes it the initialiser of a
`LazyLock` static (portalis/lower/constants.py), so the static holds what the import left.

A constant whose final value this cannot capture is `unbuildable` (a top-level call of a module
function that changes it, a change inside a class body, a read of another constant before that
one is complete): it is not translated, rather than translated with a value it never has at
run time. A name a top-level `del` removes is `deleted`: it is no module constant at all.
Pure functions over the CST: nothing is executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

# Container methods that change their receiver in place (list, dict, set, deque, bytearray).
MUTATORS = frozenset({
    "append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault", "add", "discard",
    "difference_update", "intersection_update", "symmetric_difference_update", "sort", "reverse",
    "appendleft", "extendleft", "popleft", "rotate", "__setitem__", "__delitem__",
})
# Builtins that only read their arguments: a dropped call of one (`print(x)`) changes nothing.
READERS = frozenset({"print", "len", "repr", "str", "sorted", "isinstance", "issubclass", "hash", "id", "type", "bool",
                     "int", "float", "list", "tuple", "set", "frozenset", "dict", "min", "max", "sum", "any", "all"})
INIT_PREFIX = "__portalis_init_"


@dataclass(frozen=True)
class BuiltConstant:
    """A module constant whose value later top-level statements compute."""

    name: str
    line: int  # its first assignment
    statements: tuple[str, ...]  # the top-level statements that compute it, in source order
    last_line: int  # line of the last statement that changes it
    local: str = ""  # its name in the statements (the group's constants are renamed there)


@dataclass
class ModuleState:
    """What the module's top-level code does to its constants (see the module docstring)."""

    built: dict[str, BuiltConstant] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    unbuildable: dict[str, str] = field(default_factory=dict)  # name -> why its value cannot be captured
    changed_at: dict[str, int] = field(default_factory=dict)  # name -> line of the last statement changing it

    def complete_before(self, name: str, line: int) -> bool:
        """Whether constant `name` has its final value at `line` (nothing later changes it)."""
        return self.changed_at.get(name, 0) < line

    def excluded(self, name: str) -> str | None:
        """Why a literal or computed reading of this constant's first assignment would be wrong
        (None: its first assignment is its value)."""
        if name in self.deleted:
            return "a module-level `del` removes it"
        if name in self.unbuildable:
            return self.unbuildable[name]
        if name in self.built:
            return "later module-level statements change it"
        return None


def init_function_name(name: str) -> str:
    """The name of the synthetic function whose body computes constant `name`."""
    return f"{INIT_PREFIX}{name}__"


def init_function_source(c: BuiltConstant) -> str:
    """`def __portalis_init_<name>__():` running the constant's statements, returning it."""
    body = "".join(_indent(s) for s in c.statements)
    return f"def {init_function_name(c.name)}():\n{body}    return {c.local or c.name}\n"


def _indent(stmt: str) -> str:
    lines = stmt.rstrip("\n").split("\n")
    return "".join(("    " + ln if ln.strip() else "") + "\n" for ln in lines)


def module_state(module: cst.Module, line_of, constants: set[str]) -> ModuleState:
    """The module state of `module` for its `constants` (the names parse.py keeps as module
    constants: single-name top-level assignments). `line_of(node)` is a statement's line."""
    state = ModuleState()
    body = list(module.body)
    defined: dict[str, int] = {}  # constant -> index of its first assignment
    writes: list[set[str]] = []
    calls: list[set[str]] = []
    functions: dict[str, cst.FunctionDef] = {}
    for i, stmt in enumerate(body):
        if _main_guard(stmt):
            # `if __name__ == "__main__":` does not run when the module is imported
            writes.append(set())
            calls.append(set())
            continue
        if type(stmt) is cst.FunctionDef:
            functions[stmt.name.value] = stmt
            writes.append(set())
            calls.append(set())
            continue
        if type(stmt) is cst.ClassDef:
            # A class body runs at import too: a change it makes is not captured.
            for n in _class_body_writes(stmt) & constants:
                state.unbuildable.setdefault(n, f"the body of class `{stmt.name.value}` changes it")
            writes.append(set())
            calls.append(set())
            continue
        w, c = _writes(stmt)
        writes.append(w)
        calls.append(c)
        for name in _defines(stmt):
            if name in constants:
                defined.setdefault(name, i)
        for name in _deletes(stmt):
            state.deleted.add(name)
    lines = [line_of(s) or 0 for s in body]
    # `LIMIT = 1` ... `LIMIT = 2`: a plain rebinding that does not read the old value starts the
    # constant afresh (parse.py keeps the last definition, PTL017): what came before it changed
    # an object the module no longer holds.
    for i, stmt in enumerate(body):
        n = _plain_rebinding(stmt)
        if n is not None and n in defined and i > defined[n]:
            defined[n] = i
    # A top-level call of a module function that changes a constant (`global`, items, methods).
    for i, called in enumerate(calls):
        for fname in called & set(functions):
            for n in _function_changes(functions[fname]) & constants:
                state.unbuildable.setdefault(n, f"the call of `{fname}` at line {lines[i]} changes it")
    changers: dict[str, list[int]] = {}
    for i, w in enumerate(writes):
        for n in w:
            if n in defined and i > defined[n]:
                changers.setdefault(n, []).append(i)
    for n, idx in changers.items():
        state.changed_at[n] = lines[idx[-1]]
    for n in sorted(changers):
        if n in state.deleted or n in state.unbuildable:
            continue
        group, chosen = {n}, {defined[n]}
        todo = [n]
        while todo:
            g = todo.pop()
            for i in [defined[g], *changers.get(g, [])]:
                chosen.add(i)
                for other in writes[i]:
                    if other in defined and other not in group:
                        group.add(other)
                        todo.append(other)
        blocked = next((g for g in group if g in state.unbuildable), None)
        if blocked is not None:
            state.unbuildable[n] = f"it is computed with `{blocked}`, which is not: {state.unbuildable[blocked]}"
            continue
        order = sorted(chosen)
        late = _read_too_early(body, order, group, defined, changers)
        if late is not None:
            state.unbuildable[n] = late
            continue
        stmts = [body[i].with_changes(leading_lines=()) for i in order if not _only_deletes_names(body[i])]
        # In the function the constants of the group are locals: renamed, since a Rust `let`
        # may not shadow the static of the same name (E0530).
        taken = set().union(*(_names_read(s) for s in stmts))
        renames = {g: _fresh(g, taken) for g in sorted(group)}
        texts = tuple(module.code_for_node(s.visit(_Rename(renames))) for s in stmts)
        state.built[n] = BuiltConstant(name=n, line=lines[defined[n]], statements=texts, last_line=lines[order[-1]], local=renames[n])
    return state


def _plain_rebinding(stmt: cst.CSTNode) -> str | None:
    """The name a top-level `N = value` binds, when value does not read N (a fresh value)."""
    if type(stmt) is not cst.SimpleStatementLine or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if type(small) is not cst.Assign or len(small.targets) != 1 or type(small.targets[0].target) is not cst.Name:
        return None
    name = small.targets[0].target.value
    return None if name in _names_read(small.value) else name


def _main_guard(stmt: cst.CSTNode) -> bool:
    """`if __name__ == "__main__":` (either order of the comparison)."""
    if type(stmt) is not cst.If or type(stmt.test) is not cst.Comparison or len(stmt.test.comparisons) != 1:
        return False
    sides = [stmt.test.left, stmt.test.comparisons[0].comparator]
    names = [s.value for s in sides if type(s) is cst.Name]
    texts = [s.evaluated_value for s in sides if type(s) is cst.SimpleString]
    return names == ["__name__"] and texts == ["__main__"] and type(stmt.test.comparisons[0].operator) is cst.Equal


def _fresh(name: str, taken: set[str]) -> str:
    base = f"{name.lower()}_built"
    out, k = base, 1
    while out in taken:
        k += 1
        out = f"{base}{k}"
    taken.add(out)
    return out


class _Rename(cst.CSTTransformer):
    """Renames the group's names wherever they are names (not attributes, not keywords)."""

    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames
        self.keep: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.keep.add(id(node.attr))
        return True

    def visit_Arg(self, node: cst.Arg) -> bool:
        if node.keyword is not None:
            self.keep.add(id(node.keyword))
        return True

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if id(original) in self.keep or original.value not in self.renames:
            return updated
        return updated.with_changes(value=self.renames[original.value])


def _read_too_early(body, order, group, defined, changers) -> str | None:
    """Why the block reads another constant before that one has its final value, or None."""
    for i in order:
        for r in _names_read(body[i]) - group:
            later = [j for j in changers.get(r, []) if j >= i]
            if r in defined and later:
                return f"it is computed from `{r}` before later statements change `{r}`"
    return None


def _target_names(t: cst.CSTNode) -> set[str]:
    """The name an assignment target changes: `x`, `x[k]`, `x.a`, `x[k].a` -> x; tuples: each."""
    out: set[str] = set()
    stack = [t]
    while stack:
        n = stack.pop()
        if type(n) is cst.Name:
            out.add(n.value)
        elif type(n) in (cst.Tuple, cst.List):
            stack.extend(e.value for e in n.elements)
        elif type(n) is cst.StarredElement:
            stack.append(n.value)
        elif type(n) in (cst.Subscript, cst.Attribute):
            stack.append(n.value)
    return out


def _writes(stmt: cst.CSTNode) -> tuple[set[str], set[str]]:
    """(names the statement changes or rebinds, module functions it calls by name)."""
    w: set[str] = set()
    called: set[str] = set()
    stack = [stmt]
    while stack:
        n = stack.pop()
        t = type(n)
        if t in (cst.FunctionDef, cst.ClassDef, cst.Lambda):
            continue
        if t is cst.Assign:
            for target in n.targets:
                w |= _target_names(target.target)
        elif t in (cst.AugAssign, cst.AnnAssign):
            w |= _target_names(n.target)
        elif t in (cst.For, cst.CompFor):
            w |= _target_names(n.target)
        elif t is cst.Del:
            # `del x[k]` changes x; `del x` (alone or in a tuple) removes the name, no value
            targets = [e.value for e in n.target.elements] if type(n.target) in (cst.Tuple, cst.List) else [n.target]
            for target in targets:
                if type(target) is not cst.Name:
                    w |= _target_names(target)
        elif t is cst.NamedExpr:
            w |= _target_names(n.target)
        elif t is cst.AsName:
            w |= _target_names(n.name)
        elif t is cst.Call:
            f = n.func
            if type(f) is cst.Attribute and f.attr.value in MUTATORS:
                w |= _base_name(f.value)
            if type(f) is cst.Name:
                called.add(f.value)
        elif t is cst.Expr and type(n.value) is cst.Call and not (type(n.value.func) is cst.Name and n.value.func.value in READERS):
            # A call whose result is dropped runs for its effects: the names handed to it change.
            for a in n.value.args:
                if type(a.value) is cst.Name:
                    w.add(a.value.value)
        stack.extend(n.children)
    return w, called


def _base_name(n: cst.CSTNode) -> set[str]:
    while type(n) in (cst.Subscript, cst.Attribute):
        n = n.value
    return {n.value} if type(n) is cst.Name else set()


def _defines(stmt: cst.CSTNode) -> set[str]:
    """The constant a top-level simple statement assigns (as parse.py keeps constants)."""
    out: set[str] = set()
    if type(stmt) is cst.SimpleStatementLine:
        for small in stmt.body:
            if type(small) is cst.Assign and len(small.targets) == 1 and type(small.targets[0].target) is cst.Name:
                out.add(small.targets[0].target.value)
            elif type(small) is cst.AnnAssign and type(small.target) is cst.Name and small.value is not None:
                out.add(small.target.value)
    return out


def _deletes(stmt: cst.CSTNode) -> set[str]:
    """Names a top-level `del` statement removes (`del x`, `del a, b`)."""
    out: set[str] = set()
    if type(stmt) is cst.SimpleStatementLine:
        for small in stmt.body:
            if type(small) is cst.Del:
                targets = small.target.elements if type(small.target) in (cst.Tuple, cst.List) else [small.target]
                for t in targets:
                    v = t.value if type(t) is cst.Element else t
                    if type(v) is cst.Name:
                        out.add(v.value)
    return out


def _only_deletes_names(stmt: cst.CSTNode) -> bool:
    """`del dark, light, x`: the temporaries' removal, nothing the block needs to run."""
    if type(stmt) is not cst.SimpleStatementLine:
        return False
    for small in stmt.body:
        if type(small) is not cst.Del:
            return False
        targets = small.target.elements if type(small.target) in (cst.Tuple, cst.List) else [small.target]
        if not all(type(t.value if type(t) is cst.Element else t) is cst.Name for t in targets):
            return False
    return True


def _names_read(stmt: cst.CSTNode) -> set[str]:
    out: set[str] = set()
    stack = [stmt]
    while stack:
        n = stack.pop()
        if type(n) is cst.Name:
            out.add(n.value)
        elif type(n) is cst.Attribute:
            stack.append(n.value)
            continue
        stack.extend(n.children)
    return out


def _class_body_writes(cls: cst.ClassDef) -> set[str]:
    """Module names a class body changes in place (its methods aside)."""
    out: set[str] = set()
    if type(cls.body) is not cst.IndentedBlock:
        return out
    for stmt in cls.body.body:
        if type(stmt) in (cst.FunctionDef, cst.ClassDef):
            continue
        w, _ = _writes(stmt)
        # Plain names a class body assigns are class attributes; only in-place changes count.
        out |= w - _defines(stmt) - _plain_assigned(stmt)
    return out


def _plain_assigned(stmt: cst.CSTNode) -> set[str]:
    out: set[str] = set()
    stack = [stmt]
    while stack:
        n = stack.pop()
        if type(n) is cst.Assign:
            out |= {t.target.value for t in n.targets if type(t.target) is cst.Name}
        elif type(n) in (cst.AugAssign, cst.AnnAssign, cst.For) and type(n.target) is cst.Name:
            out.add(n.target.value)
        stack.extend(n.children)
    return out


def _function_changes(fn: cst.FunctionDef) -> set[str]:
    """Module names a function changes: declared `global` and bound, or changed in place
    (items, attributes, mutating methods) without being a local or parameter of its own."""
    glob: set[str] = set()
    locals_: set[str] = {p.name.value for p in [*fn.params.params, *fn.params.posonly_params, *fn.params.kwonly_params]}
    inplace: set[str] = set()
    stack: list[cst.CSTNode] = [fn.body]
    while stack:
        n = stack.pop()
        t = type(n)
        if t is cst.Global:
            glob |= {x.name.value for x in n.names}
        elif t is cst.Assign:
            for target in n.targets:
                if type(target.target) is cst.Name:
                    locals_.add(target.target.value)
                else:
                    inplace |= _base_name(target.target)
        elif t is cst.AugAssign:
            if type(n.target) is cst.Name:
                locals_.add(n.target.value)  # rebinding a module name needs `global`
            else:
                inplace |= _base_name(n.target)
        elif t is cst.Call and type(n.func) is cst.Attribute and n.func.attr.value in MUTATORS:
            inplace |= _base_name(n.func.value)
        elif t is cst.Del and type(n.target) is not cst.Name:
            inplace |= _base_name(n.target)
        stack.extend(n.children)
    return glob | (inplace - locals_)


__all__ = ["BuiltConstant", "INIT_PREFIX", "ModuleState", "init_function_name", "init_function_source", "module_state"]
