"""Rust IR: the items, statements, expressions and types the lowering pass produces.

Plain frozen dataclasses (not pydantic): they are built in the hot loop of translation and never
stored; only the printed text is. Ownership is explicit in the tree (Ref, Clone via MethodCall,
ToOwned conversions): the printer adds nothing the lowering did not decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# ---------------------------------------------------------------- types


class Type:
    """Base of Rust types."""


@dataclass(frozen=True, slots=True)
class TPath(Type):
    """A named type with optional generic arguments: i64, String, Vec<T>, crate::m::Item."""

    name: str
    args: tuple[Type, ...] = ()


@dataclass(frozen=True, slots=True)
class TRef(Type):
    """A reference: `&T`, `&mut T`, `&'static T` (lifetime without the quote: "static")."""

    inner: Type
    mutable: bool = False
    lifetime: str | None = None


@dataclass(frozen=True, slots=True)
class TDynFn(Type):
    """`dyn Fn(A, B) -> R`: the trait object of a callable passed as a value (behind a `&`)."""

    params: tuple[Type, ...]
    ret: Type


@dataclass(frozen=True, slots=True)
class TImplIter(Type):
    """`impl Iterator<Item = T>`: what a lazy generator function returns; with `into`,
    `impl IntoIterator<Item = T>`: a parameter that takes any iterable (a Vec, an iterator)."""

    item: Type
    into: bool = False


@dataclass(frozen=True, slots=True)
class TUnion(Type):
    """A Python union (`int | str`) as the crate's enum with one variant per member: printed as
    its path (`crate::pyrt::IntOrStr`); the enum itself is one item per distinct union in the
    crate (portalis/rust/unions.py builds it from this node: variant names and payload types)."""

    name: str
    variants: tuple[tuple[str, Type], ...]
    hashable: bool = False  # every member is Eq + Hash (no float inside): the enum derives them
    printable: bool = True  # every member has PyRepr (no class inside): the enum gets Display and PyRepr
    # A class object's enum (`type[A | B]`): fieldless, Copy, a variant per class; each
    # variant's type is the class's struct (what calling it makes), not a payload.
    class_objects: bool = False


@dataclass(frozen=True, slots=True)
class TLifetime(Type):
    """A lifetime as a generic argument: `'_` in `Formatter<'_>` (the name without the quote,
    as in TRef.lifetime)."""

    name: str


@dataclass(frozen=True, slots=True)
class TSlice(Type):
    inner: Type


@dataclass(frozen=True, slots=True)
class TArray(Type):
    """A fixed-size array: `[T; N]`."""

    inner: Type
    length: int


@dataclass(frozen=True, slots=True)
class TTuple(Type):
    items: tuple[Type, ...]


UNIT = TTuple(())
I64 = TPath("i64")
F64 = TPath("f64")
BOOL = TPath("bool")
STRING = TPath("String")
STR = TPath("str")
USIZE = TPath("usize")


# ---------------------------------------------------------------- expressions


class Expr:
    """Base of Rust expressions."""


@dataclass(frozen=True, slots=True)
class IntLit(Expr):
    value: int
    suffix: str = ""  # "i64", "usize", or "" to let inference decide


@dataclass(frozen=True, slots=True)
class FloatLit(Expr):
    value: float
    suffix: str = ""  # "_f64" where inference needs it (a method receiver)


@dataclass(frozen=True, slots=True)
class StrLit(Expr):
    value: str


@dataclass(frozen=True, slots=True)
class BytesLit(Expr):
    """`b"..."`: a byte string literal (`&[u8; N]` in Rust)."""

    value: bytes


@dataclass(frozen=True, slots=True)
class CharLit(Expr):
    value: str


@dataclass(frozen=True, slots=True)
class BoolLit(Expr):
    value: bool


@dataclass(frozen=True, slots=True)
class Path(Expr):
    """A variable, function, constant or enum variant: `x`, `crate::m::f`, `None`; with
    `turbofish`, its generic arguments written out (`None::<i64>`)."""

    name: str
    turbofish: tuple[Type, ...] = ()


@dataclass(frozen=True, slots=True)
class SlicePath(Path):
    """A variable holding a `&mut [T]` (a parameter whose length never changes): already a
    slice, so it is passed as is where `&[T]` is wanted."""


@dataclass(frozen=True, slots=True)
class DerefPath(Path):
    """A variable reached through the `&mut` parameter `name` (a nested function's capture
    of a variable it rebinds, `nonlocal n`): printed `*n`. A Path, being a place like the
    variable itself (assigned, borrowed, called on); `name` has no `*`."""


@dataclass(frozen=True, slots=True)
class Call(Expr):
    func: Expr
    args: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class MethodCall(Expr):
    receiver: Expr
    method: str
    args: tuple[Expr, ...] = ()
    turbofish: tuple[Type, ...] = ()
    mutates: bool = False  # a translated method taking `&mut self` (the receiver must be mut)


@dataclass(frozen=True, slots=True)
class Field(Expr):
    receiver: Expr
    name: str  # a field name or a tuple index ("0")


@dataclass(frozen=True, slots=True)
class Index(Expr):
    receiver: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    op: str  # Rust operator token
    left: Expr
    right: Expr
    total: bool = False  # a comparison of totally ordered values: `!(a < b)` is `a >= b`


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str  # "-", "!", "*"
    operand: Expr


@dataclass(frozen=True, slots=True)
class Ref(Expr):
    operand: Expr
    mutable: bool = False


@dataclass(frozen=True, slots=True)
class Cast(Expr):
    operand: Expr
    type: Type


@dataclass(frozen=True, slots=True)
class Macro(Expr):
    """`name!(args)`; `fmt` is a format string literal put before the args (format!, todo!)."""

    name: str
    args: tuple[Expr, ...] = ()
    fmt: str | None = None
    brackets: str = "()"


@dataclass(frozen=True, slots=True)
class TupleExpr(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class ArrayLit(Expr):
    """`[a, b, c]`: a fixed-size array."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class StructLit(Expr):
    path: str
    fields: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True, slots=True)
class Closure(Expr):
    params: tuple[Pat, ...]
    body: Expr
    move: bool = False


@dataclass(frozen=True, slots=True)
class RangeExpr(Expr):
    start: Expr | None
    end: Expr | None
    inclusive: bool = False


@dataclass(frozen=True, slots=True)
class IfExpr(Expr):
    cond: Expr
    then: Block
    orelse: Block | IfExpr | None = None


@dataclass(frozen=True, slots=True)
class BlockExpr(Expr):
    block: Block
    label: str | None = None  # `'label: { ... }`, left by `break 'label value`


@dataclass(frozen=True, slots=True)
class Try(Expr):
    """`expr?`: the Ok value, or return the error."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class LetPattern(Expr):
    """`let PATTERN = value`, the condition of an `if let`."""

    pattern: Pat
    value: Expr


@dataclass(frozen=True, slots=True)
class Matches(Expr):
    """`matches!(value, PATTERN)`: whether a value has the pattern's shape (an enum's variant)."""

    value: Expr
    pattern: Pat


@dataclass(frozen=True, slots=True)
class MatchArm:
    pattern: Pat
    body: Expr


@dataclass(frozen=True, slots=True)
class Match(Expr):
    scrutinee: Expr
    arms: tuple[MatchArm, ...]


# ---------------------------------------------------------------- patterns


class Pat:
    """Base of Rust patterns (`let`, `for`, `if let`, match arms, closure parameters)."""


@dataclass(frozen=True, slots=True)
class PBind(Pat):
    """A binding: `x` or `mut x`."""

    name: str
    mutable: bool = False


@dataclass(frozen=True, slots=True)
class PWild(Pat):
    """`_`: matches anything, binds nothing."""


@dataclass(frozen=True, slots=True)
class PTuple(Pat):
    items: tuple[Pat, ...]


@dataclass(frozen=True, slots=True)
class PRef(Pat):
    """`&inner`: matches through a shared reference (`for &x in xs.iter()`)."""

    inner: Pat


@dataclass(frozen=True, slots=True)
class PVariant(Pat):
    """An enum variant: `Some(x)`, `Err(e)`; `items` None for a unit variant (`Self::Red`)."""

    path: str
    items: tuple[Pat, ...] | None = None


@dataclass(frozen=True, slots=True)
class POr(Pat):
    """Alternatives: `A::X(_) | A::Y(_)`."""

    alternatives: tuple[Pat, ...]


@dataclass(frozen=True, slots=True)
class PTyped(Pat):
    """A closure parameter with its type written out: `x: &_`."""

    inner: Pat
    type: Type


def bind(name: str, mutable: bool = False) -> Pat:
    """A pattern binding one name; `_` binds nothing and never takes `mut`."""
    return PWild() if name == "_" else PBind(name, mutable)


def pattern_names(p: Pat) -> list[str]:
    """The names a pattern binds, in order."""
    if isinstance(p, PBind):
        return [p.name]
    if isinstance(p, PTuple):
        return [n for item in p.items for n in pattern_names(item)]
    if isinstance(p, (PRef, PTyped)):
        return pattern_names(p.inner)
    if isinstance(p, PVariant) and p.items:
        return [n for item in p.items for n in pattern_names(item)]
    return []


@dataclass(frozen=True, slots=True)
class SelfParam:
    """A method's receiver: `&self`, `&mut self`, or `self` by value."""

    mutable: bool = False
    by_ref: bool = True


# ---------------------------------------------------------------- statements


class Stmt:
    """Base of Rust statements."""


@dataclass(frozen=True, slots=True)
class Let(Stmt):
    pattern: Pat
    type: Type | None
    value: Expr | None


@dataclass(frozen=True, slots=True)
class Assign(Stmt):
    target: Expr
    value: Expr
    op: str = "="  # "=", "+=", "-=", ...


@dataclass(frozen=True, slots=True)
class ExprStmt(Stmt):
    expr: Expr


@dataclass(frozen=True, slots=True)
class ItemStmt(Stmt):
    """An item inside a block (a nested `fn`)."""

    item: "Item"


@dataclass(frozen=True, slots=True)
class Return(Stmt):
    value: Expr | None = None


@dataclass(frozen=True, slots=True)
class While(Stmt):
    cond: Expr
    body: Block
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Loop(Stmt):
    body: Block
    label: str | None = None


@dataclass(frozen=True, slots=True)
class For(Stmt):
    pattern: Pat
    iterable: Expr
    body: Block
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Break(Stmt):
    label: str | None = None
    value: Expr | None = None  # the value of a labelled block it leaves


@dataclass(frozen=True, slots=True)
class Continue(Stmt):
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    stmts: tuple[Stmt, ...] = ()
    tail: Expr | None = None


# ---------------------------------------------------------------- items


class Attr:
    """Base of an item's attributes (`#[...]`)."""


@dataclass(frozen=True, slots=True)
class Allow(Attr):
    """`#[allow(lint, ..)]`: lints the item trips on purpose (`non_snake_case` for a Python name)."""

    lints: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocHidden(Attr):
    """`#[doc(hidden)]`: an item of the crate's plumbing, not of its documented API."""


class Item:
    """Base of Rust items."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: Type
    mutable: bool = False  # `mut name: T`


@dataclass(frozen=True, slots=True)
class GenericParam:
    """A type parameter of a generic function and the traits it must implement:
    `T: PartialOrd + Clone` is GenericParam("T", ("PartialOrd", "Clone"))."""

    name: str
    bounds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Items(Item):
    """Several items printed one after the other as one unit of the report (a function and
    the i64 fast path it calls)."""

    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Fn(Item):
    name: str
    params: tuple[Param, ...]
    ret: Type
    body: Block
    doc: str | None = None
    public: bool = True
    attrs: tuple[Attr, ...] = ()
    receiver: SelfParam | None = None  # methods
    generics: tuple[GenericParam, ...] = ()  # `fn f<T: PartialOrd + Clone>(...)`


@dataclass(frozen=True, slots=True)
class StructField:
    name: str
    type: Type


@dataclass(frozen=True, slots=True)
class Struct(Item):
    name: str
    fields: tuple[StructField, ...]
    derives: tuple[str, ...] = ("Debug", "Clone", "PartialEq")
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class Enum(Item):
    """A fieldless enum; the first variant is `#[default]`. Not Copy: values of class types
    are cloned where Python shares them, and clippy flags clones of Copy types."""

    name: str
    variants: tuple[str, ...]
    derives: tuple[str, ...] = ("Debug", "Clone", "PartialEq", "Eq", "Hash", "Default")
    attrs: tuple[Attr, ...] = ()
    # One payload type per variant (`Int(i64)`): a union's enum; then no variant is `#[default]`.
    payloads: tuple[Type, ...] = ()
    doc: str | None = None


@dataclass(frozen=True, slots=True)
class Const(Item):
    name: str
    type: Type
    value: Expr
    doc: str | None = None
    static: bool = False  # `pub static` (a LazyLock for values built at first use)
    attrs: tuple[Attr, ...] = ()


@dataclass(frozen=True, slots=True)
class Impl(Item):
    """`impl Type { .. }`, or with `trait`, `impl Trait for Type { .. }`."""

    type_name: str
    items: tuple[Item, ...] = field(default_factory=tuple)
    trait: str | None = None  # a path: `PartialEq`, `std::fmt::Display`


@dataclass(frozen=True, slots=True)
class Use(Item):
    path: str
