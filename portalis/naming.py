"""Where a Python module lands in the crate: its Rust path (`crate::pkg::r#type`) and its file
(`src/pkg/type.rs`), as a pure function of the module's dotted name.

Every module path the crate or the generated code spells goes through here (the crate's `mod`
tree, cross-module paths emitted by lowering, the test harness), so they always agree.

The mapping is injective among siblings, so two Python modules never share a Rust path or a file,
and what it produces always compiles:

- Rust keywords stay themselves as raw identifiers: `type.py` is `r#type` in `type.rs`.
- Names Rust cannot take even raw (`self`, `Self`, `crate`, `super`, `_`), `mod` (its file would be
  the parent's `mod.rs`), names that would shadow what generated code names unqualified (`std`,
  the prelude's `Vec`, `String`, `Option`...) and, at the top of the crate, the names of files the
  crate needs (`lib` -> src/lib.rs, `main` -> a binary, `bin` -> binaries, `pyrt` the runtime)
  get one more trailing underscore: `lib` -> `lib_`. So that `lib_.py` cannot then collide, a name
  that is such a name plus underscores gets one more as well (`lib_` -> `lib__`).
- Non-ASCII names (rustc cannot load a file for them without `#[path]`) become `xn_` and their
  Punycode, as domain names do: `mödule` -> `xn_mdule_jua`. ASCII names starting with `xn_` get
  one more trailing underscore, so they never meet an encoded name (those never end with `_`).
"""

from __future__ import annotations

from portalis import runtime
from portalis.types.rust_types import RUST_KEYWORDS

# Rust cannot take these as identifiers, even raw (`r#self` is an error); `mod.rs` is a parent's file.
_NOT_IDENTIFIERS = frozenset({"self", "Self", "crate", "super", "mod", ""})  # "" : `_`, `__`...
# A child module shadows these in its parent's scope, where generated code names them bare.
_SHADOWING = frozenset(
    "std Option Some None Result Ok Err Vec String Box ToString ToOwned Clone Copy Send Sync Sized Unpin Drop "
    "Fn FnMut FnOnce PartialEq PartialOrd Eq Ord AsRef AsMut Into From Default Iterator Extend IntoIterator "
    "DoubleEndedIterator ExactSizeIterator TryFrom TryInto FromIterator".split()
)
# Files of the crate itself under src/ (the library root, binaries, the runtime module).
_CRATE_FILES = frozenset({"lib", "main", "bin", runtime.MODULE_NAME})
ENCODED_PREFIX = "xn_"


def _reserved(base: str, top: bool) -> bool:
    return base in _NOT_IDENTIFIERS or base in _SHADOWING or (top and base in _CRATE_FILES)


def segment(name: str, top: bool) -> str:
    """One module name part as it is spelt in the crate's files and paths (no `r#`); `top`: a
    module directly under the crate root."""
    if not name.isascii():
        # Punycode keeps ASCII letters, digits and `_`, then one `-`, then [a-z0-9]: with the
        # `-` as `_` it is still decodable (the delimiter is the last `_`), so still injective.
        encoded = name.encode("punycode").decode("ascii").replace("-", "_")
        return ENCODED_PREFIX + encoded
    if _reserved(name.rstrip("_"), top) or name.startswith(ENCODED_PREFIX):
        return name + "_"
    return name


def segments(module: str) -> list[str]:
    """`pkg.type` -> ["pkg", "type"]: the file-name form of each part."""
    return [segment(part, i == 0) for i, part in enumerate(module.split("."))]


def ident(seg: str) -> str:
    """A segment as a Rust identifier: keywords raw (`r#type`)."""
    return f"r#{seg}" if seg in RUST_KEYWORDS else seg


def rust_path(module: str) -> str:
    """`inventory.model` -> `crate::inventory::model`; `pkg.type` -> `crate::pkg::r#type`."""
    return "::".join(["crate", *(ident(s) for s in segments(module))])


def crate_relative_path(crate: str, module: str) -> str:
    """The module's path from outside the crate (`inv::inventory::model`)."""
    return "::".join([crate, *(ident(s) for s in segments(module))])


def renamed(module: str) -> bool:
    """Whether some part of the module's name is spelt differently in Rust (raw identifiers do
    not count: `r#type` is still `type`)."""
    return segments(module) != module.split(".")


def module_file(module: str, has_children: bool) -> str:
    """The crate-relative file of a module: `src/a/b.rs`, or `src/a/b/mod.rs` when it has submodules."""
    return "src/" + "/".join(segments(module)) + ("/mod.rs" if has_children else ".rs")
