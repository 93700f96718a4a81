"""Classes passed as values across modules (issue 11): the closed set of classes each parameter
receives, gathered over every module of the repository.

The per-module evidence pass (evidence.py `class_object_value`) types a parameter `type[A | B]`
from the module's own call sites passing the module's own classes. pygments hands its classes to
`DelegatingLexer.__init__(self, _root_lexer, _language_lexer, ...)` (pygments/lexer.py) from ~40
lexer modules (`super().__init__(HtmlLexer, PhpLexer, **options)` in lexers/templates.py, the
classes imported from lexers/html.py and lexers/php.py), so no one module sees the set. This pass
reads every module once (Python's `ast`, no libcst: it runs over the whole repository before the
per-module type maps) and finds, per call site:

- the callee: `f(..)` / `mod.f(..)` (a function of the repository, through imports, re-exports
  and star imports), `C(..)` (C's `__init__`, inherited included), `super().m(..)` (m of the
  nearest base of the enclosing class defining it, bases in other modules included) and
  `Base.m(self, ..)`;
- its arguments that are class objects: a name (or `mod.Name`) bound to a class of the
  repository whose bases are all classes of the repository (the rule of `class_object_refused`:
  not an exception, an enum, a class of a builtin or foreign base), and not a local of the
  calling function;
- its arguments that are the calling function's own parameters (`def make(cls): build(cls)`):
  an edge along which the classes that parameter receives flow on, followed to a fixed point.

What a module's analysis gets (`passed_classes(..)[module][qualname][param]`) is what it cannot see
itself: classes passed from call sites in other modules, and classes of other modules passed from
its own call sites; the classes its own call sites pass of its own it finds as before. They are
evidence of the parameter like a call site's (evidence.py `_add_passed`), so the set joins with
the module's own into one `type[A | B | ...]`.

Pure: a function of the sources; the result depends only on them (sorted, deterministic).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_DEPTH = 24  # re-export chains and base lineages followed at most this deep
MAX_ROUNDS = 50  # fixed-point rounds over the forwarding edges (each round adds classes or stops)


@dataclass(frozen=True, order=True)
class PassedClass:
    """A class passed to a parameter: the class (`module`, `name`) and the call site that passes
    it (`site_module`, `line`; for a class that flowed through a forwarding parameter, the site of
    the last call)."""

    module: str
    name: str
    site_module: str
    line: int


@dataclass
class _Module:
    name: str
    is_package: bool
    tree: ast.Module
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # bound name -> (module, name or None)
    stars: list[str] = field(default_factory=list)
    exported: list[str] | None = None
    rebound: set[str] = field(default_factory=set)  # names bound more than once at the top level


def _relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    base = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, target] if target else base)


def _scan(name: str, is_package: bool, tree: ast.Module) -> _Module:
    m = _Module(name, is_package, tree)
    seen: set[str] = set()

    def bind(n: str) -> None:
        if n in seen:
            m.rebound.add(n)
        seen.add(n)

    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            m.classes[node.name] = node
            bind(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            m.functions[node.name] = node
            bind(node.name)
        elif isinstance(node, ast.Import):
            for a in node.names:
                bound = a.asname or a.name.split(".")[0]
                m.imports[bound] = (a.name if a.asname else bound, None)
                bind(bound)
        elif isinstance(node, ast.ImportFrom):
            src = _relative(name, is_package, node.level, node.module)
            for a in node.names:
                if a.name == "*":
                    m.stars.append(src)
                else:
                    m.imports[a.asname or a.name] = (src, a.name)
                    bind(a.asname or a.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        if n.id == "__all__" and isinstance(node, ast.Assign):
                            try:
                                value = ast.literal_eval(node.value)
                            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                                value = None
                            m.exported = [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else None
                        bind(n.id)
                        m.rebound.add(n.id)  # an assigned name is no class we can name statically
    return m


class _Repo:
    """Names across the modules (a small resolver over `ast` trees: what portalis/names.py does
    over type maps, which do not exist yet when this pass runs)."""

    def __init__(self, modules: dict[str, _Module]) -> None:
        self.modules = modules
        self._memo: dict[tuple[str, str], tuple | None] = {}

    def resolve(self, module: str, name: str, depth: int = 0) -> tuple | None:
        """("class", module, name) | ("function", module, name) | ("module", module) | None."""
        key = (module, name)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # a cycle resolves to nothing
        found = self._resolve(module, name, depth)
        self._memo[key] = found
        return found

    def _resolve(self, module: str, name: str, depth: int) -> tuple | None:
        m = self.modules.get(module)
        if m is None or depth > MAX_DEPTH or name in m.rebound:
            return None
        if name in m.classes:
            return ("class", module, name)
        if name in m.functions:
            return ("function", module, name)
        if name in m.imports:
            src, attr = m.imports[name]
            if attr is None:
                return ("module", src) if src in self.modules else None
            if f"{src}.{attr}" in self.modules:
                return ("module", f"{src}.{attr}")
            return self.resolve(src, attr, depth + 1)
        for src in m.stars:
            s = self.modules.get(src)
            if s is None or (s.exported is not None and name not in s.exported) or (s.exported is None and name.startswith("_")):
                continue
            if (found := self.resolve(src, name, depth + 1)) is not None:
                return found
        if f"{module}.{name}" in self.modules:
            return ("module", f"{module}.{name}")
        return None

    def dotted(self, module: str, node: ast.expr) -> tuple | None:
        """What `Name` or `a.b.Name` means at the top level of `module`."""
        if isinstance(node, ast.Name):
            return self.resolve(module, node.id)
        if isinstance(node, ast.Attribute):
            owner = self.dotted(module, node.value)
            if owner is not None and owner[0] == "module":
                return self.resolve(owner[1], node.attr)
        return None

    def bases(self, module: str, name: str) -> list[tuple | None]:
        return [self.dotted(module, b) for b in self.modules[module].classes[name].bases]

    def value_class(self, module: str, name: str, depth: int = 0) -> bool:
        """Whether the class's object is a value of the crate: every base a class of the
        repository that is one too (evidence.py `class_object_refused`, across modules)."""
        if depth > MAX_DEPTH:
            return False
        node = self.modules[module].classes[name]
        if node.keywords and any(k.arg != "metaclass" for k in node.keywords):
            return False
        for b, found in zip(node.bases, self.bases(module, name)):
            if isinstance(b, ast.Name) and b.id == "object":
                continue
            if found is None or found[0] != "class" or "enum" in ast.unparse(b).lower():
                return False
            if not self.value_class(found[1], found[2], depth + 1):
                return False
        return True

    def method(self, module: str, cls: str, name: str, depth: int = 0) -> tuple[str, str, ast.FunctionDef] | None:
        """(module, class, def) of method `name` of the class or its nearest base defining it."""
        if depth > MAX_DEPTH:
            return None
        node = self.modules[module].classes[cls]
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == name:
                return module, cls, item
        for found in self.bases(module, cls):
            if found is not None and found[0] == "class":
                if (got := self.method(found[1], found[2], name, depth + 1)) is not None:
                    return got
        return None


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    return [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]


def _keyword_params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return {a.arg for a in [*fn.args.args, *fn.args.kwonlyargs]}


def _plain_method(fn: ast.FunctionDef) -> bool:
    names = {ast.unparse(d) for d in fn.decorator_list}
    return not names & {"staticmethod", "classmethod"}


class _Gather:
    def __init__(self, repo: _Repo) -> None:
        self.repo = repo
        # (module, qualname, param) -> classes; edges: source param key -> [(target key, site module, line)]
        self.direct: dict[tuple[str, str, str], set[PassedClass]] = {}
        self.edges: dict[tuple[str, str, str], list[tuple[tuple[str, str, str], str, int]]] = {}

    def run(self) -> None:
        for m in self.repo.modules.values():
            for fn in m.functions.values():
                self._function(m, None, fn)
            for cname, cnode in m.classes.items():
                for item in cnode.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self._function(m, cname, item)

    def _function(self, m: _Module, cls: str | None, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        params = set(_params(fn)) | {a.arg for a in fn.args.kwonlyargs}
        qual = f"{cls}.{fn.name}" if cls else fn.name
        stored: set[str] = set()
        calls: list[ast.Call] = []
        stack: list[ast.AST] = list(fn.body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stored.add(getattr(node, "name", ""))
                continue  # nested scopes: their own names
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                stored.add(node.id)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                stored.update(node.names)
            elif isinstance(node, ast.Call):
                calls.append(node)
            stack.extend(ast.iter_child_nodes(node))
        for call in calls:
            target = self._callee(m, cls, fn, call)
            if target is None:
                continue
            tmod, tqual, tdef, shift = target
            names = _params(tdef)[shift:]
            slots: list[tuple[str, ast.expr]] = []
            for i, a in enumerate(call.args):
                if isinstance(a, ast.Starred):
                    break
                if i < len(names):
                    slots.append((names[i], a))
            kw = _keyword_params(tdef)
            slots.extend((k.arg, k.value) for k in call.keywords if k.arg is not None and k.arg in kw)
            for p, value in slots:
                key = (tmod, tqual, p)
                if isinstance(value, ast.Name) and value.id in params and value.id not in stored:
                    self.edges.setdefault((m.name, qual, value.id), []).append((key, m.name, call.lineno))
                    continue
                if isinstance(value, ast.Name) and (value.id in stored or value.id in params):
                    continue
                found = self.repo.dotted(m.name, value)
                if found is None or found[0] != "class" or not self.repo.value_class(found[1], found[2]):
                    continue
                self.direct.setdefault(key, set()).add(PassedClass(found[1], found[2], m.name, call.lineno))

    def _callee(self, m: _Module, cls: str | None, fn: ast.FunctionDef | ast.AsyncFunctionDef,
                call: ast.Call) -> tuple[str, str, ast.FunctionDef, int] | None:
        """(module, qualname, def, parameters the call does not fill: 1 for the implicit self)."""
        f = call.func
        if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name)
                and f.value.func.id == "super" and not f.value.args):
            if cls is None:
                return None
            for base in self.repo.bases(m.name, cls):
                if base is not None and base[0] == "class":
                    found = self.repo.method(base[1], base[2], f.attr)
                    if found is not None and _plain_method(found[2]):
                        return found[0], f"{found[1]}.{found[2].name}", found[2], 1
                    if found is not None:
                        return None
            return None
        target = self.repo.dotted(m.name, f)
        if target is not None and target[0] == "function":
            d = self.repo.modules[target[1]].functions[target[2]]
            return (target[1], target[2], d, 0) if isinstance(d, ast.FunctionDef) else None
        if target is not None and target[0] == "class":
            found = self.repo.method(target[1], target[2], "__init__")
            return (found[0], f"{found[1]}.__init__", found[2], 1) if found is not None else None
        if isinstance(f, ast.Attribute):
            owner = self.repo.dotted(m.name, f.value)
            if owner is not None and owner[0] == "class":
                # `Base.m(self, ..)`: the method called unbound, every parameter filled
                found = self.repo.method(owner[1], owner[2], f.attr)
                if found is not None and _plain_method(found[2]):
                    return found[0], f"{found[1]}.{found[2].name}", found[2], 0
        return None

    def settled(self) -> dict[tuple[str, str, str], set[PassedClass]]:
        """Classes per parameter, flowed along the forwarding edges to a fixed point."""
        sets = {k: set(v) for k, v in self.direct.items()}
        for _ in range(MAX_ROUNDS):
            changed = False
            for src, outs in self.edges.items():
                have = sets.get(src)
                if not have:
                    continue
                for dst, site, line in outs:
                    got = sets.setdefault(dst, set())
                    for c in have:
                        new = PassedClass(c.module, c.name, site, line)
                        if not any((x.module, x.name) == (c.module, c.name) for x in got):
                            got.add(new)
                            changed = True
            if not changed:
                break
        return sets


def passed_classes(sources: Mapping[str, tuple[str, bool]]) -> dict[str, dict[str, dict[str, list[PassedClass]]]]:
    """module -> qualname -> parameter -> the classes passed to it that the module's own analysis
    cannot see (see the module docstring). `sources`: module -> (its text, whether it is a
    package's `__init__.py`). A module that does not parse contributes nothing."""
    modules: dict[str, _Module] = {}
    for name, (text, is_package) in sources.items():
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        modules[name] = _scan(name, is_package, tree)
    gather = _Gather(_Repo(modules))
    gather.run()
    out: dict[str, dict[str, dict[str, list[PassedClass]]]] = {}
    for (module, qual, param), classes in sorted(gather.settled().items()):
        # what the target module's analysis sees by itself: its own class passed from its own call
        # site, directly or along its own edges
        kept = sorted(c for c in classes if not (c.site_module == module and c.module == module))
        if kept:
            out.setdefault(module, {}).setdefault(qual, {})[param] = kept
    return out


def repo_passed_classes(root, modules) -> dict[str, dict[str, dict[str, list[PassedClass]]]]:  # noqa: ANN001
    """`passed_classes` of a repository's modules (SourceModule rows under `root`), each read as
    the parse step reads it (an unreadable file contributes nothing)."""
    from portalis.parse import read_source

    sources: dict[str, tuple[str, bool]] = {}
    for m in modules:
        text, _error = read_source(root, m.path)
        if text is not None:
            sources[m.module] = (text, m.is_package)
    return passed_classes(sources)


__all__ = ["PassedClass", "passed_classes", "repo_passed_classes"]
