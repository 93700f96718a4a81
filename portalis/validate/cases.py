"""Where test cases come from: doctests, the repository's own tests, and the type annotations.

All three give `PyCase`s (expected.py) for the functions asked for; none runs any code: doctest
and test calls are found statically (their arguments stay source text, evaluated later in the
Python subprocess), generated cases are values built from hypothesis strategies over the
functions' Python types, seeded per function so reruns give the same cases.

- `doctest_cases(parsed, targets)`: every call of a target function in a `>>>` example of any
  docstring of the module; earlier statements of the same docstring (`>>> items = [...]`) are the
  case's setup. The expected output written in the docstring is ignored: Python is run instead.
- `repo_test_cases(test_file, targets)`: every call of a target function inside a `test_*`
  function of a test file, resolved through the file's imports (`from pkg import mod` then
  `mod.f(...)`, `from pkg.mod import f` then `f(...)`); the simple assignments before the call in
  the test function are its setup (`original = Item(...)`). Arguments that use anything else
  (loop variables, fixtures) fail to evaluate and the case is dropped.
- `generated_cases(sig, type_maps, n, seed)`: up to n argument tuples drawn from strategies for
  the parameter types (bounded ints and floats, short strings, lists, dicts, sets, tuples,
  Optional, translated dataclasses); None with the reason when a type has no strategy.
"""

from __future__ import annotations

import ast
import doctest
import hashlib
import json
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from portalis.model import FunctionSignature, ModuleTypeMap, ParsedModule, PyType
from portalis.validate.expected import PyCase
from portalis.validate.literals import ClassObjectValue, ClassValue, PathValue, encode_value
from portalis.validate.methods import instance_class
from portalis.types import pytypes as T

TEST_PATTERNS = ("test_*.py", "*_test.py")
SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", "node_modules", "build", "dist", "site-packages", ".tox"}
INT_RANGE = 1_000  # generated ints stay small: Python ints are unbounded, the translation's are i64
FLOAT_RANGE = 1e6


def _calls(node: ast.AST) -> list[ast.Call]:
    """Calls in a statement or expression, outermost first, not inside nested defs/lambdas."""
    found: list[ast.Call] = []

    def walk(n: ast.AST) -> None:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return
        if isinstance(n, ast.Call):
            found.append(n)
        for child in ast.iter_child_nodes(n):
            walk(child)

    walk(node)
    return found


def _arguments(call: ast.Call) -> tuple[list[str], dict[str, str]] | None:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    return [ast.unparse(a) for a in call.args], {k.arg: ast.unparse(k.value) for k in call.keywords if k.arg}


def _docstrings(tree: ast.Module) -> list[str]:
    out: list[str] = []
    for node in [tree, *ast.walk(tree)]:
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            doc = ast.get_docstring(node, clean=True)
            if doc and ">>>" in doc and doc not in out:
                out.append(doc)
    return out


def doctest_cases(parsed: ParsedModule, targets: set[str]) -> list[PyCase]:
    """Calls of `targets` (function names of this module) in the module's doctest examples."""
    if not parsed.ok or not parsed.source:
        return []
    try:
        tree = ast.parse(parsed.source)
    except SyntaxError:
        return []
    cases: list[PyCase] = []
    parser = doctest.DocTestParser()
    for doc in _docstrings(tree):
        try:
            examples = parser.get_examples(doc)
        except ValueError:  # malformed doctest (bad indentation): nothing usable in it
            continue
        setup: list[str] = []
        instances: dict[str, str] = {}  # `w = TextWrapper(...)` in an earlier example: w -> TextWrapper
        for ex in examples:
            try:
                stmt_tree = ast.parse(ex.source)
            except SyntaxError:
                continue
            for call in _calls(stmt_tree):
                name: str | None = None
                receiver: list[str] = []
                if isinstance(call.func, ast.Name) and call.func.id in targets:
                    name = call.func.id
                elif isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
                    owner = call.func.value.id
                    # `w.wrap(text)` on an instance: the method, with the instance as argument 0
                    if owner in instances and f"{instances[owner]}.{call.func.attr}" in targets:
                        name, receiver = f"{instances[owner]}.{call.func.attr}", [owner]
                    elif f"{owner}.{call.func.attr}" in targets:  # `C.fee(3)`: a static or class method
                        name = f"{owner}.{call.func.attr}"
                found = _arguments(call) if name is not None else None
                if name is None or found is None:
                    continue
                args, kwargs = found
                cases.append(PyCase(
                    id=0, module=parsed.module, function=name, origin="doctest",
                    label=ast.unparse(call), setup=list(setup), args_src=[*receiver, *args], kwargs_src=kwargs,
                ))
            for stmt in stmt_tree.body:
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    value = stmt.value
                    cls = value.func.id if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else None
                    if cls is not None and any(t.startswith(f"{cls}.") for t in targets):
                        instances[stmt.targets[0].id] = cls
                    else:
                        instances.pop(stmt.targets[0].id, None)
            if not all(isinstance(s, ast.Expr) for s in stmt_tree.body):
                setup.append(ex.source)
    return cases


def find_test_files(root: Path) -> list[Path]:
    """Test files of a repository (test_*.py, *_test.py), sorted, outside virtualenvs and builds."""
    found: set[Path] = set()
    for pattern in TEST_PATTERNS:
        for p in root.rglob(pattern):
            if not any(part in SKIP_DIRS or part.startswith(".") for part in p.relative_to(root).parts[:-1]):
                found.add(p)
    return sorted(found)


def _aliases(tree: ast.Module, modules: set[str]) -> dict[str, str]:
    """Local name -> dotted path it stands for (`mathutil` -> `inventory.mathutil`)."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = a.name
                else:
                    out[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _resolve(func: ast.expr, aliases: dict[str, str], targets: dict[str, set[str]]) -> tuple[str, str] | None:
    """(module, function) a call's callee names, when it is a target."""
    dotted = _dotted(func)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    if head not in aliases:
        return None
    full = aliases[head] + (f".{rest}" if rest else "")
    module, _, name = full.rpartition(".")
    if module in targets and name in targets[module]:
        return module, name
    return None


def repo_test_cases(test_file: Path, targets: dict[str, set[str]]) -> list[PyCase]:
    """Calls of target functions (module -> function names) in the `test_*` functions of a file."""
    try:
        tree = ast.parse(test_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError):
        return []
    aliases = _aliases(tree, set(targets))
    cases: list[PyCase] = []
    funcs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test")]
    for fn in funcs:
        setup: list[str] = []
        for stmt in fn.body:
            for call in _calls(stmt):
                hit = _resolve(call.func, aliases, targets)
                found = _arguments(call) if hit else None
                if hit is None or found is None:
                    continue
                args, kwargs = found
                cases.append(PyCase(
                    id=0, module=hit[0], function=hit[1], origin="test",
                    label=f"{hit[1]}({', '.join([*args, *(f'{k}={v}' for k, v in kwargs.items())])})",
                    namespace=str(test_file.resolve()), setup=list(setup), args_src=args, kwargs_src=kwargs,
                ))
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and all(
                isinstance(t, ast.Name) for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            ):
                setup.append(ast.unparse(stmt))
    return cases


# ---------------------------------------------------------------- generated from annotations


def _fixed_zones():
    """`datetime.timezone` values: offsets strictly inside +-24 hours (whole minutes mostly, as
    real zones, some with seconds), with or without a name; timezone.utc among them."""
    import datetime as _dt

    from hypothesis import strategies as st

    minutes = st.integers(-24 * 60 + 1, 24 * 60 - 1).map(lambda m: _dt.timedelta(minutes=m))
    odd = st.integers(-86_399, 86_399).map(lambda s: _dt.timedelta(seconds=s))
    offsets = st.one_of(minutes, odd)
    named = st.builds(_dt.timezone, offsets, st.sampled_from(["CET", "EST", "UTC", "zone"]))
    return st.one_of(st.just(_dt.timezone.utc), st.builds(_dt.timezone, offsets), named)


def strategy_for(t: PyType, type_maps: dict[str, ModuleTypeMap], depth: int = 0):
    """A hypothesis strategy for values of a Python type, or a string saying why there is none."""
    from hypothesis import strategies as st

    k = t.kind
    if k == "bigint":
        # a function on BigInt (its ints grow): small arguments already give big results
        return st.integers(min_value=-10, max_value=60)
    if k == "int":
        # small values half of the time: ints are often sizes and counts (range(n), [0] * n)
        return st.integers(min_value=-10, max_value=10) | st.integers(min_value=-INT_RANGE, max_value=INT_RANGE)
    if k == "float":
        return st.floats(min_value=-FLOAT_RANGE, max_value=FLOAT_RANGE, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if k == "bool":
        return st.booleans()
    if k == "str":
        # mostly printable ASCII, with a few letters whose case mapping or width differ
        return st.text(st.characters(min_codepoint=32, max_codepoint=126) | st.sampled_from("éÅß\u00e7\t\n"), max_size=12)
    if k == "bytes":
        # printable ASCII half of the time (base64 text, words to decode), any byte otherwise
        ascii_ = st.binary(max_size=12).map(lambda b: bytes(32 + c % 95 for c in b))
        data = ascii_ | st.binary(max_size=12)
        return data.map(bytearray) if t.name == "bytearray" else data
    if k == "none":
        return st.none()
    if k == "dyn":
        # a value of any builtin type (crate::pyrt::PyObj): what `**options` gets from callers
        scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8) | st.sampled_from(
            ["1", "0", "yes", "no", "true", "False", "on", "off", "12", "-3", "x"])
        return scalars | st.lists(scalars, max_size=4) | st.lists(scalars, max_size=3).map(tuple)
    if k == "iter" and len(t.args) == 1:
        # a parameter taking any iterable (drawn once): lists of its items
        return strategy_for(PyType(kind="list", args=t.args), type_maps, depth)
    if k == "date":
        return st.dates()
    if k == "datetime":
        # naive, or aware with a fixed offset (the runtime's PyDateTime holds a PyTimezone)
        return st.datetimes(timezones=st.none() | _fixed_zones())
    if k == "timezone":
        return _fixed_zones()
    if k == "timedelta":
        return st.timedeltas()
    if k == "time":
        return st.times()  # naive, as the runtime's PyTime
    if k == "fraction":
        return st.fractions()
    if k == "path":
        return _paths(t, type_maps)
    if k == "classobj":
        # a class object: each class the callers pass (the enum's variants)
        return st.sampled_from([ClassObjectValue(c.module or "", c.name or "") for c in T.object_classes(t)])
    if k == "decimal":
        return st.decimals()  # NaNs and infinities too: the runtime's PyDecimal has them
    if k == "re_match":
        return _matches(t)
    if k == "optional" and t.args and t.args[0].kind == "callable":
        # Functions are not generated: an optional callable (`key=None`) is tried with None only.
        return st.none()
    if k == "callable":
        return "no generator for functions (a function taking a callable is verified only through its callers)"
    if depth >= 4:
        # Classes that refer to each other through containers (configparser's parser holds
        # proxies that hold the parser) nest without end: from the cut-off on a container is
        # empty and an Optional is None, values both languages hold.
        if k in ("list", "set", "dict"):
            return st.builds({"list": list, "set": set, "dict": dict}[k])
        if k == "optional":
            return st.none()
        if k == "union" and any(a.kind not in ("class", "list", "set", "dict", "tuple", "optional", "union") for a in t.args):
            # a tree (`Node | int`, Node holding the union): from the cut-off on, the members
            # that hold nothing further end it
            return st.one_of(*[strategy_for(a, type_maps, depth + 1) for a in t.args
                               if a.kind not in ("class", "list", "set", "dict", "tuple", "optional", "union")])
    if depth > 6:
        return "a type nested too deeply"
    inner = [strategy_for(a, type_maps, depth + 1) for a in t.args]
    bad = next((s for s in inner if isinstance(s, str)), None)
    if bad is not None:
        return bad
    if k == "optional":
        return st.none() | inner[0]
    if k == "union":
        return st.one_of(*inner)  # a value of each member type (the enum's variants)
    if k == "list":
        return st.lists(inner[0], max_size=6)
    if k == "set":
        return st.sets(inner[0], max_size=5)
    if k == "dict":
        return st.dictionaries(inner[0], inner[1], max_size=5)
    if k == "tuple":
        return st.tuples(*inner)
    if k == "class":
        tm = type_maps.get(t.module or "")
        cls = tm.cls(t.name or "") if tm else None
        if cls is None or not instance_class(cls):
            return f"class {t.name} is not a translated dataclass (nor a plain class with typed attributes)"
        # a field holding the placeholder (an attribute nothing types) is left unset in Python
        # and is the unit `Opaque` in Rust: the methods translated never read it
        # and a field of a base the class's own __init__ never sets (unset_fields) is left unset
        # too, as on every instance Python makes; the struct's holds its default
        typed = [f for f in cls.fields if f.py_type.kind != "opaque" and f.name not in cls.unset_fields]
        fields = [strategy_for(f.py_type, type_maps, depth + 1) for f in typed]
        bad = next((s for s in fields if isinstance(s, str)), None)
        if bad is not None:
            return bad
        names = [f.name for f in typed]
        module, name = t.module or "", cls.name
        return st.tuples(*fields).map(lambda vals: ClassValue(module=module, name=name, fields=tuple(zip(names, vals))))
    return f"no generator for values of type {t}"


def _paths(t: PyType, type_maps: dict[str, ModuleTypeMap]):
    """Values of a path class (portalis/path_types.py): the module's constants of it (the
    paths its code names: `Token`, `Name`, `String`) and a child below each (`Name.Zz`, made on
    demand as any other), or why there are none."""
    from hypothesis import strategies as st

    tm = type_maps.get(t.module or "")
    facts = tm.names.paths.get(t.name or "") if tm is not None else None
    if facts is None or not facts.constants:
        return f"no constants of the path class {t}"
    cls = f"{t.module}:{t.name}"
    known = sorted({tuple(p) for p in facts.constants.values()})
    values = [PathValue(cls, facts.root, p) for p in known] + [PathValue(cls, facts.root, (*p, "Zz")) for p in known]
    return st.sampled_from(values)


def _matches(t: PyType):
    """Matches with the groups of a `re.Match` type: a pattern of one group per drawn piece of
    text (`(?P<key>ab)(c)`), matched from the piece before them on. What a function does with a
    match depends only on its subject, spans and group names, which these vary; every group takes
    part (Python's None for a group that did not is a known difference: the translation's groups
    are strs). A match of a type whose groups are unknown (an annotation) has 0 to 3 groups."""
    import re

    from hypothesis import strategies as st

    from portalis.regex_syntax import names_of

    names = {i: n for n, i in names_of(t.module)}
    piece = st.text(st.characters(min_codepoint=32, max_codepoint=126) | st.sampled_from("é\n"), max_size=5)
    counts = st.just(int(t.name)) if t.name is not None else st.integers(min_value=0, max_value=3)

    def made(parts: tuple[str, list[str], str]) -> re.Match:
        before, groups, after = parts
        pattern = "".join(f"(?P<{names[i]}>{re.escape(g)})" if i in names else f"({re.escape(g)})"
                          for i, g in enumerate(groups, 1)) or re.escape("")
        m = re.compile(pattern).match(before + "".join(groups) + after, len(before))
        assert m is not None
        return m

    return counts.flatmap(lambda n: st.tuples(piece, st.lists(piece, min_size=n, max_size=n), piece)).map(made)


@contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis sometimes draws "local constants": literals it collects from whatever user code
    is loaded in the process. That makes the same seed give different cases in different
    processes (the CLI, a Dagster run, a test), so reruns would not be stable and the compiled
    case program not reusable: generate without them. Private hypothesis API, hence the guard."""
    try:
        from hypothesis.internal.cache import LRUCache
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a hypothesis without the feature
        yield
        return
    if not hasattr(providers, "_get_local_constants") or not hasattr(providers, "CONSTANTS_CACHE"):
        yield
        return
    empty = providers.Constants(
        integers=providers.SortedSet(), floats=providers.SortedSet(key=providers.float_to_int),
        bytes=providers.SortedSet(), strings=providers.SortedSet(),
    )
    saved_get, saved_cache = providers._get_local_constants, providers.CONSTANTS_CACHE
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE = LRUCache(1024)
    try:
        yield
    finally:
        providers._get_local_constants, providers.CONSTANTS_CACHE = saved_get, saved_cache


def _seed(module: str, function: str, seed: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{module}:{function}".encode()).digest()[:8], "big")


# The concrete types generated cases instantiate a generic function at.
GENERIC_INSTANCES = (PyType(kind="int"), PyType(kind="str"))

HYPOTHESIS_MISSING = "no generated cases: hypothesis is not installed (pip install hypothesis)"

_GENERATED: dict[str, list[PyCase] | str] = {}  # generation is the costly part: reruns in a process reuse it


def _classes(t: PyType, type_maps: dict[str, ModuleTypeMap], out: dict[str, str]) -> None:
    if t.kind == "class" and t.module and t.name:
        key = f"{t.module}:{t.name}"
        if key in out:
            return
        tm = type_maps.get(t.module)
        cls = tm.cls(t.name) if tm else None
        out[key] = cls.model_dump_json() if cls else ""
        for f in cls.fields if cls else []:
            _classes(f.py_type, type_maps, out)
    for a in t.args:
        _classes(a, type_maps, out)


def generated_cases(
    module: str, sig: FunctionSignature, type_maps: dict[str, ModuleTypeMap], n: int, seed: int = 0
) -> list[PyCase] | str:
    """Up to n distinct generated argument lists for a function, or why none can be generated.
    The same signature (classes included), n and seed always give the same cases."""
    classes: dict[str, str] = {}
    for p in sig.params:
        _classes(p.py_type, type_maps, classes)
    key = json.dumps([module, sig.model_dump_json(), classes, n, seed], sort_keys=True)
    if key not in _GENERATED:
        if len(_GENERATED) > 20_000:
            _GENERATED.clear()
        _GENERATED[key] = _generate(module, sig, type_maps, n, seed)
    made = _GENERATED[key]
    return made if isinstance(made, str) else [c.model_copy(deep=True) for c in made]


def _generate(
    module: str, sig: FunctionSignature, type_maps: dict[str, ModuleTypeMap], n: int, seed: int
) -> list[PyCase] | str:
    if n <= 0:
        return "generated cases are turned off"
    try:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import seed as hseed
        from hypothesis import strategies as st
    except ImportError:  # a core dependency; an install without it still verifies on doctests and tests
        return HYPOTHESIS_MISSING
    # A generic function is instantiated at concrete types (its type parameters all ints, or all
    # strs): the cases mix both, and the harness calls the Rust at the types each case's values
    # have (methods.instantiated).
    variables = sorted(set().union(*(T.typevars_in(p.py_type) for p in sig.params))) if sig.params else []
    instances = [{v: t for v in variables} for t in GENERIC_INSTANCES] if variables else [{}]
    alternatives = []
    for binding in instances:
        strategies = []
        named = {q.name for q in sig.params if not q.keywords} | {"self", "cls"}
        for p in sig.params:
            s = strategy_for(T.substitute(p.py_type, binding), type_maps)
            if isinstance(s, str):
                return f"parameter `{p.name}`: {s}"
            if p.keywords:
                # `**kwargs`: keys naming another parameter would bind to it in Python (or be a
                # TypeError), never land in the dict: drawn apart from them
                s = s.map(lambda d, named=frozenset(named): {k: v for k, v in d.items() if k not in named})
            strategies.append(s)
        alternatives.append(st.tuples(*strategies))
    drawn: list[tuple] = []

    @hseed(_seed(module, sig.name, seed))
    @settings(
        max_examples=n, database=None, deadline=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck), derandomize=False,
    )
    @given(st.one_of(*alternatives))
    def collect(args: tuple) -> None:
        drawn.append(args)

    with warnings.catch_warnings(), _without_local_constants():
        warnings.simplefilter("ignore")
        collect()
    cases: list[PyCase] = []
    seen: set[str] = set()
    for args in drawn:
        encoded = [encode_value(a) for a in args]
        key = json.dumps(encoded, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        cases.append(PyCase(id=0, module=module, function=sig.name, origin="hypothesis", args=encoded))
    return cases
