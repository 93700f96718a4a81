"""Records that cross stage boundaries: what one pass hands the next and what goes into DuckDB.

Every stage output is a pydantic model so it can be stored as JSON, reloaded, and compared.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr, model_validator


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Diagnostic(BaseModel):
    """Something a pass could not do, with enough position to act on it."""

    code: str
    message: str
    module: str = ""
    function: str | None = None
    line: int | None = None
    severity: Severity = Severity.ERROR


class SourceModule(BaseModel):
    """One Python file found in a source repository."""

    module: str  # dotted module path, the partition key
    path: str  # path relative to the repository root
    sha256: str
    is_package: bool = False  # an __init__.py


class SkippedFile(BaseModel):
    """A `.py` file under the root that is not translated, and why (codes PTL010-PTL015)."""

    path: str  # relative to the repository root
    code: str
    reason: str
    severity: Severity = Severity.WARNING


# ---------------------------------------------------------------- parse stage


class ParamInfo(BaseModel):
    name: str
    annotation: str | None = None  # source text of the annotation
    default: str | None = None  # source text of the default value
    variadic: bool = False  # `*args` (the annotation types each extra positional argument)
    # `**kwargs` (the annotation types each extra keyword argument); always the last parameter
    keywords: bool = False


class FunctionInfo(BaseModel):
    name: str
    qualname: str
    params: list[ParamInfo]
    returns: str | None = None
    line: int
    end_line: int
    docstring: str | None = None
    decorators: list[str] = Field(default_factory=list)
    is_method: bool = False


class FieldInfo(BaseModel):
    name: str
    annotation: str | None = None
    default: str | None = None
    line: int


class ClassInfo(BaseModel):
    name: str
    line: int
    end_line: int
    bases: list[str] = Field(default_factory=list)
    metaclass: str | None = None  # `class C(metaclass=M)`: M as written
    decorators: list[str] = Field(default_factory=list)
    fields: list[FieldInfo] = Field(default_factory=list)
    methods: list[FunctionInfo] = Field(default_factory=list)
    docstring: str | None = None

    @property
    def is_dataclass(self) -> bool:
        return any(d.split("(")[0].split(".")[-1] == "dataclass" for d in self.decorators)


class ImportInfo(BaseModel):
    """`import a.b as c` -> module="a.b", name=None, alias="c";
    `from .x import y as z` -> module resolved to absolute, name="y", alias="z"."""

    module: str
    name: str | None = None
    alias: str | None = None
    line: int


class ConstantInfo(BaseModel):
    name: str
    annotation: str | None = None
    value: str
    line: int


class ParsedModule(BaseModel):
    """The parse stage's output: the module's outline plus its source text for later passes."""

    module: str
    path: str
    source_sha256: str
    ok: bool  # False when the source could not be read or parsed
    source: str = ""
    line_count: int = 0
    functions: list[FunctionInfo] = Field(default_factory=list)
    classes: list[ClassInfo] = Field(default_factory=list)
    imports: list[ImportInfo] = Field(default_factory=list)
    constants: list[ConstantInfo] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    def imported_modules(self) -> list[str]:
        return sorted({i.module for i in self.imports})


# ---------------------------------------------------------------- type map stage


class PyType(BaseModel):
    """Python type IR. `kind` is one of: int float bool str none list dict set tuple
    optional class unknown; `args` are the type arguments; class types carry module and name."""

    model_config = {"frozen": True}

    kind: str
    args: tuple["PyType", ...] = ()
    module: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        if self.kind in ("class", "path"):
            return self.name or "?"
        if self.kind == "typevar":
            return self.name or "T"
        if self.kind == "dyn":
            return "object"
        if self.kind == "callable" and self.args:
            return f"Callable[[{', '.join(str(a) for a in self.args[:-1])}], {self.args[-1]}]"
        if self.kind == "optional":
            return f"Optional[{self.args[0]}]"
        if self.kind == "union":
            return " | ".join(str(a) for a in self.args)
        if self.kind == "classobj" and self.args:
            return f"type[{self.args[0]}]"
        if self.kind == "bytes" and self.name:
            return self.name  # bytearray
        if self.args:
            return f"{self.kind}[{', '.join(str(a) for a in self.args)}]"
        return "None" if self.kind == "none" else self.kind


class Passing(str, Enum):
    """How a parameter is passed; its Rust type follows from this and its Python type."""

    VALUE = "value"  # by value: Copy types, Optional, tuples
    SHARED = "shared"  # a shared borrow: &str, &[T], &PyDict
    MUT = "mut"  # &mut: changed in place (a list may be resized: &mut Vec<T>)
    MUT_ITEMS = "mut_items"  # &mut [T]: a list whose items change but never its length


class TypeOrigin(BaseModel):
    """Where a type of a signature came from (its provenance): `source` is one of
    "annotation", "default", "use" (the function's own use of the parameter), "call" (a call
    site in the module), "docstring", "return" (a returned expression), "assignment" (a value
    the body assigns to the parameter), "body" (learnt by lowering the body in inference mode),
    "observed" (a call seen when the repository's tests and doctests ran under the tracer);
    `line` the source line of the evidence; `detail` what was seen (`.split()`, `+ 1`, `f(2.5)`)."""

    model_config = {"frozen": True}

    source: str
    line: int | None = None
    detail: str = ""

    def __str__(self) -> str:
        where = f" at line {self.line}" if self.line is not None else ""
        what = f": {self.detail}" if self.detail else ""
        return f"{self.source}{what}{where}"


class ObservedType(BaseModel):
    """One type a traced call showed (portalis/validate/trace.py): how many sampled calls
    showed it and the first test or doctest that did."""

    type: PyType
    calls: int = 1
    first: str = ""


class ObservedFunction(BaseModel):
    """What the tracer saw of one function or method (`qualname` as the type map writes it):
    the sampled calls, each parameter's types and the returned values' types."""

    qualname: str
    calls: int = 0
    params: dict[str, list[ObservedType]] = Field(default_factory=dict)
    returns: list[ObservedType] = Field(default_factory=list)
    # A generator's yielded values' types (its calls' results are generator objects, which
    # say nothing): the items of the list its eager translation returns.
    yields: list[ObservedType] = Field(default_factory=list)
    # A method no traced call reached that overrides a reached one (`inherited_from`, its
    # `module:qualname`): the base's types of the parameters both have (weaker than evidence).
    inherited: dict[str, list[ObservedType]] = Field(default_factory=dict)
    # ... and what the base gave its callers (its returns; a generator base: the list of its
    # yields): the override's result where its own body does not type it
    inherited_returns: list[ObservedType] = Field(default_factory=list)
    inherited_from: str = ""
    # the base was never reached itself (an abstract method): `inherited_returns` are what its
    # reached overrides returned (yielded), not the base's
    inherited_by_overrides: bool = False


class Observations(BaseModel):
    """Observed calls: the repository's tests and doctests run once under the tracer.
    `modules`: module -> qualname -> what was seen; `key` the source hash they are cached
    under; `stopped` why recording ended early (time or call limit), `reason` why nothing
    was run (no tests, refused sandbox)."""

    key: str = ""
    modules: dict[str, dict[str, ObservedFunction]] = Field(default_factory=dict)
    tests: int = 0
    doctests: int = 0
    failed: int = 0
    calls: int = 0
    seconds: float = 0.0
    stopped: str = ""
    reason: str = ""
    errors: list[str] = Field(default_factory=list)
    sandbox: str = ""
    cached: bool = False

    def module(self, name: str) -> dict[str, ObservedFunction]:
        return self.modules.get(name, {})

    def summary(self) -> dict:
        """For the report and the Dagster metadata."""
        return {
            "tests": self.tests, "doctests": self.doctests, "failed": self.failed, "calls": self.calls,
            "functions": sum(1 for m in self.modules.values() for f in m.values() if f.calls), "seconds": round(self.seconds, 2),
            "stopped": self.stopped, "reason": self.reason, "sandbox": self.sandbox, "cached": self.cached,
        }


class TypedParam(BaseModel):
    name: str
    py_type: PyType
    rust_type: str  # for people (UI, report, prompts); code reads `passing`, never this text
    passing: Passing = Passing.VALUE
    mutated: bool = False  # mutated in place: passed as &mut
    # iterated once and its items moved by appends (analysis/liveness.py: consumed_params): a list of
    # non-Copy items is passed by value and its items moved (types/rust_types.py: param_type)
    consumed: bool = False
    default: str | None = None  # source text of the default value (callers may omit it)
    variadic: bool = False  # `*args`: a list of the extra positional arguments (`&[T]`)
    # `**kwargs`: a dict (str -> T, insertion-ordered as Python's) of the keyword arguments no
    # other parameter takes; always the last parameter
    keywords: bool = False
    # Where py_type came from (empty in rows stored before provenance was recorded).
    provenance: list[TypeOrigin] = Field(default_factory=list)


class NestedFacts(BaseModel):
    """A nested function's parameter types as its enclosing function calls it, and its return."""

    model_config = {"frozen": True}

    params: tuple[PyType, ...]
    returns: PyType


class IntGrowth(BaseModel):
    """Whether a function's ints may grow past i64 (portalis/analysis/int_growth.py) and, if so,
    what keeps it from num_bigint::BigInt (None: it is lowered on BigInt)."""

    model_config = {"frozen": True}

    grows: str | None = None
    unsupported: str | None = None
    # Ints that do not grow but can pass i64 midway (`y1 -= 1` of -2**63) while every value
    # stays inside i128 (portalis/analysis/int_ranges.py): computed in checked i128, the
    # signature stays i64 (the result converted back: OverflowError past i64). Why, or None.
    wide: str | None = None
    # Functions this one (on BigInt) calls through their BigInt twins (`__g_big`, `__g_small`:
    # a matrix product of lists of lists), and, on such a callee, the BigInt callers that need them.
    twins: list[str] = Field(default_factory=list)
    twin_of: list[str] = Field(default_factory=list)

    @property
    def bigint(self) -> bool:
        """Lowered on num_bigint::BigInt: its ints grow and the body is in the subset."""
        return self.grows is not None and self.unsupported is None


class FunctionFacts(BaseModel):
    """What the analysis (portalis/analysis) knows about one function's body before lowering:
    each local's type (the one type the translation gives a Python local: the join of every
    value bound to it; a local missing here lowering declares with its first value's type, and
    refuses, PTL112, where a later value or use needs another). Computed once per module by
    the type map, stored with it, and the start of lowering's view of the locals."""

    model_config = {"frozen": True}

    locals: dict[str, PyType] = Field(default_factory=dict)
    # Parameters the body rebinds to values of a wider type (`n = n / 2` for an int n): the
    # type of the local copy the body works on (lowering declares it, initialised from the
    # parameter; the signature keeps the parameter's own type).
    widened: dict[str, PyType] = Field(default_factory=dict)
    # Locals rebound to a value of an unrelated type (`s = []` ... `s = "".join(s)`): the type of
    # each Rust binding in source order, the first being `locals`' entry; lowering declares the
    # later ones as new bindings (a shadowing `let`).
    rebound: dict[str, tuple[PyType, ...]] = Field(default_factory=dict)
    # Functions defined in the body (`def is_prime(k)` inside it) whose every call from the body
    # passes the same argument types: those types (its own parameters) and the type it returns
    # with them (and with the enclosing function's names it reads, as typed in `locals`).
    nested: dict[str, NestedFacts] = Field(default_factory=dict)
    # Its ints may grow past i64 (None: nothing says so): the report shows the representation.
    ints: IntGrowth | None = None
    # A generic function's type parameters (the `typevar` types its signature mentions) and the
    # traits each must implement, from what the body does with their values (comparison:
    # PartialOrd, a dict key: Hash + Eq...; portalis/analysis/generics.py). Empty: not generic.
    generics: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # Why a function with type parameters cannot be generic (the first use no trait expresses):
    # the type map reports it as PTL110.
    generic_problem: str | None = None
    # A comparison method (`__eq__`, `__lt__`...) whose first statement (after a docstring) is
    # the isinstance() guard of an `other` the type map typed as the class itself
    # (portalis/analysis/comparisons.py): the Rust trait compares objects of the class only, so
    # the guard could never fire and lowering drops it.
    comparison_guard: bool = False


class FunctionSignature(BaseModel):
    name: str
    qualname: str
    params: list[TypedParam]
    returns: PyType
    rust_returns: str
    line: int
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    # Python exceptions can leave the function: the Rust function returns Result<T, PyErr>
    # (rust_returns spells the whole Result type).
    raises: bool = False
    # Methods: "method" (receiver `&self`, or `&mut self` when mut_self), "staticmethod",
    # "classmethod", "property", "init" (the constructor, `Class::new`); "function" otherwise.
    kind: str = "function"
    mut_self: bool = False
    # Where `returns` came from (see TypeOrigin; empty in rows stored before it was recorded).
    returns_provenance: list[TypeOrigin] = Field(default_factory=list)
    # The analysis' facts about the body (not part of the interface: see interface.py).
    facts: FunctionFacts = Field(default_factory=FunctionFacts)
    # A `def` in a class body whose first parameter is not `self` (no decorator), in a class
    # with a metaclass or a base not translated with it (`def analyse_text(text):` of a pygments
    # lexer): signed as Python calls it through the class, `C.f(text)` (all its parameters, kind
    # "staticmethod"). Lowering refuses it (PTL191) unless `wrapped` says what the metaclass makes of it.
    unbound: bool = False
    # Set by the cross-module resolution (portalis/analysis/metaclass_wraps.py) when a metaclass
    # replaces the method by a known wrapper of it: ("analysator", the body's own signature).
    # This signature is then the wrapper's (`(text: str) -> float`), what callers and the
    # differential validation see; lowering translates the body with `wrapped[1]` and wraps it.
    wrapped: tuple[str, "FunctionSignature"] | None = None

    @property
    def typed(self) -> bool:
        return not self.diagnostics


class TypedField(BaseModel):
    name: str
    py_type: PyType
    rust_type: str
    default: str | None = None  # source text of a dataclass field's default (or `field(...)`)
    provenance: list[TypeOrigin] = Field(default_factory=list)  # where py_type came from, when inferred
    # Why a plain class's field holds the placeholder `crate::pyrt::Opaque` although it is
    # annotated (`_key: CmpKey`, a type with no Rust mapping): the methods touching it say this.
    why: str | None = None


class ExceptionMessage(BaseModel):
    """What `str(e)` gives for an exception class with its own `__init__` and `__str__`, as a
    template of the raise's arguments: `__str__` returns `expr` (Python source), in which each
    `self.<attr>` of `attrs` is what `__init__` stored unchanged from the parameter at that
    position (self not counted). `params`: `__init__`'s parameters; `defaults`: position -> the
    default's source. calendar's `IllegalMonthError(month)`: expr `"bad month number %r; must be
    1-12" % self.month`, attrs {"month": 0}."""

    expr: str
    attrs: dict[str, int] = Field(default_factory=dict)
    params: list[str] = Field(default_factory=list)
    defaults: dict[int, str] = Field(default_factory=dict)


class ClassSignature(BaseModel):
    name: str
    fields: list[TypedField]
    is_dataclass: bool
    line: int
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    methods: list[FunctionSignature] = Field(default_factory=list)  # inherited ones included
    constants: list["TypedConstant"] = Field(default_factory=list)  # class attributes (`TAX = 0.2`)
    base: str | None = None  # the single base class translated with it
    # Bases (as written) not translated with it (in another module, outside the repository): the
    # struct has the class's own fields; what the class reads or calls from them is PTL190.
    foreign_bases: list[str] = Field(default_factory=list)
    # A method whose source the class's metaclass names (`analyse_text` in `LexerMeta`): the
    # metaclass may rewrite it, so it is not translated (PTL191).
    metaclass: str | None = None
    # The names the metaclass's code mentions (its class body and those of its bases in the same
    # module; sorted): what it may rewrite in a subclass, also one in another module
    # (`Ca65Lexer(RegexLexer)`: `LexerMeta` names `analyse_text`). None: no metaclass, or one
    # whose code is not in the module (it may rewrite any method).
    metaclass_names: list[str] | None = None
    # What the metaclass's `__new__` replaces by a wrapper of it: `d['analyse_text'] =
    # make_analysator(d['analyse_text'])` gives {"analyse_text": "make_analysator"} (the wrapper as
    # written in the metaclass's module, `metaclass_module`); whether that function is a known
    # wrapper is settled across modules (portalis/analysis/metaclass_wraps.py).
    metaclass_wraps: dict[str, str] = Field(default_factory=dict)
    metaclass_module: str | None = None
    flavour: str | None = None  # "namedtuple" (a record that is also a tuple), "enum"; None: a class
    # The name its repr shows where it is not the class's (`_Base = namedtuple('Result', ...)`).
    typename: str | None = None
    members: list["TypedConstant"] = Field(default_factory=list)  # an enum's members, in order
    # The class's text as written (a plain class): a subclass in another module of the repository
    # lowers the methods it inherits from it (portalis/inheritance.py). Part of the interface on
    # purpose: a change of a base's body changes what its subclasses elsewhere translate.
    source: str | None = None
    # A method inherited from a base of the same module: method name -> the class whose `def` it is.
    method_owners: dict[str, str] = Field(default_factory=dict)
    # An exception class whose `__str__` returns what `__init__` stored from one parameter
    # (getopt's `GetoptError(msg, opt)`: `self.msg = msg`, `__str__` returns `self.msg`): that
    # parameter's position (self not counted), the raised error's message; None otherwise.
    message_arg: int | None = None
    # The general form of the same (message_arg is its `return self.msg` case): `str(e)` as a
    # template of the raise's arguments, lowered at each `raise C(...)`.
    message: ExceptionMessage | None = None
    # Set by the cross-module resolution (portalis/inheritance.py): bases as written that are
    # classes of another module of the repository, merged into this class (their fields, constants
    # and the methods it does not override); `inherited`: method name -> "module:Class" where its
    # `def` is; `base_sources`: "module:Class" -> that class's text.
    repo_bases: list[str] = Field(default_factory=list)
    inherited: dict[str, str] = Field(default_factory=dict)
    base_sources: dict[str, str] = Field(default_factory=dict)
    # `x = property(getx, setx)` in the class body (or a base's in the same module): x ->
    # [getter method, setter method or None]. `obj.x` calls the getter, `obj.x = v` the setter,
    # and x is no field (what the setter stores is).
    properties: dict[str, list[str | None]] = Field(default_factory=dict)
    # Fields merged from such a base that the class's own `__init__` never sets (it does not run
    # the base's): a Python instance has no such attribute, the struct has the typed field; the
    # harness compares instances by the other fields (portalis/validate/methods.py).
    unset_fields: list[str] = Field(default_factory=list)

    def method(self, name: str) -> FunctionSignature | None:
        return next((m for m in self.methods if m.name == name), None)


class TypedConstant(BaseModel):
    name: str
    py_type: PyType
    rust_type: str
    value: str
    line: int
    # A `static` built at first use (a `LazyLock`: containers, computed values), read through its
    # Deref; else a `pub const` (scalars, `&str`).
    lazy_static: bool = False
    # A constant later module-level statements build (portalis/analysis/module_state.py): the
    # signature of the synthetic function whose body (`value`, a `def`) runs those statements
    # once and returns the constant, typed like any function (its facts: the locals' types).
    init: FunctionSignature | None = None

    @model_validator(mode="before")
    @classmethod
    def _stored_before_lazy_static(cls, data: Any) -> Any:
        # Rows stored before the field existed say it only in their Rust type's text.
        if isinstance(data, dict) and "lazy_static" not in data and isinstance(data.get("rust_type"), str):
            data = {**data, "lazy_static": data["rust_type"].startswith("std::sync::LazyLock")}
        return data


class PathFacts(BaseModel):
    """A path class (portalis/path_types.py): the name its root prints as, the module's
    constants of it (name -> parts) and its aliases ([owner's parts, name, target's parts]:
    `Token.String = String`)."""

    root: str
    constants: dict[str, list[str]] = Field(default_factory=dict)
    aliases: list[tuple[list[str], str, list[str]]] = Field(default_factory=list)


class ModuleNames(BaseModel):
    """What a module's namespace binds besides its typed definitions, for names across modules
    (portalis/names.py): its imports (star imports have name `*`), its type aliases, the first
    base of each class as written, and `__all__` (None: not a literal list)."""

    imports: list[ImportInfo] = Field(default_factory=list)
    aliases: dict[str, PyType] = Field(default_factory=dict)
    bases: dict[str, str] = Field(default_factory=dict)
    exported: list[str] | None = None
    # The module's path classes (portalis/path_types.py: pygments' `_TokenType`): a value of
    # one is crate::pyrt::PyPath wherever it is named.
    paths: dict[str, "PathFacts"] = Field(default_factory=dict)


class ModuleTypeMap(BaseModel):
    """A module's interface: what other modules may call or name, with Python and Rust types."""

    module: str
    functions: list[FunctionSignature] = Field(default_factory=list)
    classes: list[ClassSignature] = Field(default_factory=list)
    constants: list[TypedConstant] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    names: ModuleNames = Field(default_factory=ModuleNames)
    # Module-level functions of the exact shape of pygments' `make_analysator` (a static
    # function calling its argument, 0.0 on an exception or a falsy result, else the float
    # clamped to 0..1): portalis/analysis/metaclass_wraps.py.
    analysators: list[str] = Field(default_factory=list)

    # Name -> position indexes of the lists, derived and kept on the map itself (private
    # attributes: not fields, not in JSON; equality below compares fields only). `function(name)`
    # is asked for every call and name of every function, and a scan made the type map quadratic
    # in a module's size. Each index remembers the list it was built for: passes replace entries
    # in place by same-named copies (`functions[i] = sig.model_copy(...)`), which keeps positions;
    # a new list or a new length rebuilds it, a hit is checked by name. Replaced, never mutated,
    # so a model_copy (which shares the private values) never sees another map's index.
    _function_index: tuple | None = PrivateAttr(default=None)
    _class_index: tuple | None = PrivateAttr(default=None)
    _mutators: tuple | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ModuleTypeMap):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable, as pydantic models are

    def function(self, name: str) -> FunctionSignature | None:
        found, self._function_index = _lookup(self.functions, name, self._function_index)
        return found

    def cls(self, name: str) -> ClassSignature | None:
        found, self._class_index = _lookup(self.classes, name, self._class_index)
        return found

    def mutating_methods(self) -> set[str]:
        """Names of the `&mut self` methods of the module's classes (asked by every function;
        set when the classes' interfaces are built, so kept for the same list of classes)."""
        cached = self._mutators
        if cached is None or cached[0] is not self.classes or cached[1] != len(self.classes):
            cached = self._mutators = (
                self.classes, len(self.classes), {m.name for c in self.classes for m in c.methods if m.mut_self},
            )
        return cached[2]


def _lookup(items: list, name: str, cached: tuple | None) -> tuple:
    """The first item of `items` called `name`, in constant time, and the index to keep for the
    next question (see ModuleTypeMap)."""
    if cached is None or cached[0] is not items or cached[1] != len(items):
        positions: dict[str, int] = {}
        for i, item in enumerate(items):
            positions.setdefault(item.name, i)  # the first of a name, as a scan finds it
        cached = (items, len(items), positions)
    i = cached[2].get(name)
    if i is None:
        return None, cached
    if items[i].name != name:  # replaced by an item of another name: index again next time
        return next((x for x in items if x.name == name), None), None
    return items[i], cached


# ---------------------------------------------------------------- translation stage


class FunctionStatus(str, Enum):
    TRANSLATED = "translated"
    UNTRANSLATED = "untranslated"
    COMPILE_ERROR = "compile_error"  # translated, but rustc rejected it: quarantined as todo!()
    VERIFIED = "verified"
    FAILED = "failed"
    UNTESTED = "untested"
    # not part of the library the crate is: a function of the module's script block (`if
    # __name__ == '__main__':`), which an import never binds; listed with its reason (PTL146),
    # counted apart from the functions (neither translated nor a failure)
    EXCLUDED = "excluded"


class RustItem(BaseModel):
    """One top-level Rust item of a module: a function, a struct, a constant."""

    name: str  # Python name
    kind: str  # "fn" | "struct" | "const"
    code: str  # the translation, printed and formatted
    stub: str | None = None  # what replaces it if it must be quarantined
    python_line: int
    status: FunctionStatus = FunctionStatus.TRANSLATED
    backend: str = "rules"
    runtime: list[str] = Field(default_factory=list)  # runtime helpers this item calls
    crates: list[str] = Field(default_factory=list)  # crates of deps.crate_table its code names
    # The enums of the unions its code or stub names (`crate::pyrt::IntOrStr`), printed: the
    # crate's pyrt module gets each distinct one once (portalis/types/unions.py).
    unions: list[str] = Field(default_factory=list)
    # The crate's functions and methods its code calls, as "module:name" (`f`, `C.m`, `C.new`):
    # a translated item calling one that is a todo!() stub is made a stub too, with the
    # callee's reason, before the crate is checked (portalis/stub_callers.py).
    calls: list[str] = Field(default_factory=list)
    # Why the item is not translated when no diagnostic of its module says it: an inherited
    # method that is not lowered for the class, kept as a record without code (no Rust at all).
    stub_reason: str | None = None


class ModuleTranslation(BaseModel):
    module: str
    items: list[RustItem] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    @property
    def functions(self) -> list[RustItem]:
        return [i for i in self.items if i.kind == "fn"]


# ---------------------------------------------------------------- validation stage


class FunctionReport(BaseModel):
    name: str
    qualname: str
    backend: str = "rules"
    status: FunctionStatus
    cases_passed: int = 0
    cases_total: int = 0
    # Behaviour validation: for `failed` the first differing case, for `untested` why no case ran.
    detail: str | None = None
    case_origins: dict[str, int] = Field(default_factory=dict)  # cases run, by source (doctest, test, hypothesis)
    # which differential path gave the verdict: "literals" (the harness) or "extension" (the
    # Python extension called with the original's objects, portalis/pyext/verify.py); None: none
    verified_via: str | None = None


class ModuleValidation(BaseModel):
    """Validation of one module inside the crate: what compiled, what was quarantined."""

    module: str
    compiles: bool
    errors: int = 0
    warnings: int = 0
    clippy_warnings: int = 0  # when checked with clippy
    lints: dict[str, int] = Field(default_factory=dict)  # clippy lint -> count
    functions: list[FunctionReport] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    # The module's Rust after quarantine: what the crate is built from.
    items: list[RustItem] = Field(default_factory=list)


class CrateResult(BaseModel):
    path: str
    compiles: bool
    modules: int
    rustfmt_clean: bool | None = None
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list)  # its [dependencies] lines (portalis/deps.py)
