"""From a model's answer to one candidate Rust function, or the reason there is none.

The first gate of the loop, before the safety gate and rustc. It rejects, with a reason that is
fed back to the model:
- a truncated answer (`finish_reason == "length"`, or a code fence that never closes): the code
  would be cut mid-function;
- an answer with no Rust in it (prose, Python, an apology), or braces that do not balance;
- anything but exactly one top-level function named like the Python one (helpers go inside it,
  where Rust allows nested `fn`s; a second top-level item could collide with the crate's);
- a signature that is not the one the crate expects (callers and the differential harness call
  it with the types of the type map);
- a body that is still `todo!()` / `unimplemented!()`: that is the stub, not a translation.

Top-level `use` lines are moved into the function body (Rust allows `use` there), since models
write them above the function and a module-level `use` could clash with other items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portalis.llm.backend import Completion
from portalis.validate.safety import strip_rust

# A fence opens and closes at the start of a line (``` inside a string literal is not a fence).
_FENCE = re.compile(r"^[ \t]*```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:(^[ \t]*```)|\Z)", re.DOTALL | re.MULTILINE)
_FN = re.compile(r"\b(?:pub(?:\s*\([^)]*\))?\s+)?(?:const\s+)?fn\s+(r#)?([A-Za-z_][A-Za-z0-9_]*)")
_ITEM = re.compile(r"\b(fn|struct|enum|impl|trait|mod|static|const|type|macro_rules!|union)\b")
_PLACEHOLDER = re.compile(r"\b(?:todo|unimplemented)\s*!")


@dataclass
class Extracted:
    code: str | None  # the candidate item (None: rejected)
    problem: str | None = None  # why it was rejected, worded for the model

    @property
    def ok(self) -> bool:
        return self.code is not None


def signature_of(item: str) -> str | None:
    """The signature of the single function in `item` (from `fn` to its body's `{`), with all
    whitespace removed and any visibility dropped, for comparison; None if there is no fn."""
    clean = strip_rust(item)
    m = _FN.search(clean)
    if m is None:
        return None
    start = clean.find("fn", m.start())
    brace = clean.find("{", m.end())
    if brace < 0:
        return None
    return re.sub(r"\s+", "", clean[start:brace])


def display_signature(item: str) -> str:
    """`pub fn f(a: i64) -> i64` as written in an item (for prompts and messages)."""
    clean = strip_rust(item)
    m = _FN.search(clean)
    if m is None:
        return ""
    brace = clean.find("{", m.end())
    text = item[m.start(): brace if brace >= 0 else len(item)]
    return " ".join(text.split())


def _code_block(text: str) -> tuple[str | None, str | None]:
    """(code, problem): the Rust block of an answer. Prefers a block tagged rust/rs; an answer
    with no fence at all is taken whole when it starts like Rust code."""
    blocks = [(m.group(1).lower(), m.group(2), m.group(3) is not None) for m in _FENCE.finditer(text)]
    if blocks:
        tagged = [b for b in blocks if b[0] in ("rust", "rs")]
        untagged = [b for b in blocks if b[0] == ""]
        chosen = tagged[0] if tagged else untagged[0] if untagged else None
        if chosen is None:
            return None, f"the answer has a ```{blocks[0][0]} block but no ```rust block"
        lang, code, closed = chosen
        if not closed:
            return None, "the answer is truncated: its ```rust block is not closed"
        return code, None
    stripped = text.strip()
    if re.match(r"^(?:#\[|pub\s|fn\s|use\s|///|//)", stripped):
        return stripped, None
    return None, "the answer contains no Rust code: reply with one ```rust block"


def _top_level(clean: str) -> list[tuple[int, int]]:
    """(start, end) spans of the top-level items of stripped code (end exclusive), found by
    brace depth: an item ends at `;` or at the `}` that closes its first block."""
    spans: list[tuple[int, int]] = []
    depth, start, i, n = 0, None, 0, len(clean)
    while i < n:
        c = clean[i]
        if start is None and not c.isspace():
            start = i
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return []  # unbalanced; the caller reports it
            # `use a::{b, c};` ends at its `;`, not at the brace
            if depth == 0 and start is not None and not re.match(r"(?:pub\s+)?use\b", clean[start:]):
                spans.append((start, i + 1))
                start = None
        elif c == ";" and depth == 0 and start is not None:
            if clean[start:i].strip():  # a stray `;` after an item is not an item
                spans.append((start, i + 1))
            start = None
        i += 1
    if start is not None:
        spans.append((start, n))
    return spans


def extract_candidate(completion: Completion, rust_name: str, stub: str | None) -> Extracted:
    """The candidate function in an answer for the function `rust_name`, checked against the
    signature of its `stub` (the todo!() item the crate compiles against), or the reason it is
    rejected."""
    expected_signature = signature_of(stub) if stub else None
    if completion.error is not None:
        return Extracted(None, f"no answer: {completion.error}")
    if completion.finish_reason == "length":
        return Extracted(None, "the answer is truncated: it reached the token limit before the function ended")
    code, problem = _code_block(completion.text)
    if code is None:
        return Extracted(None, problem)
    clean = strip_rust(code)
    if clean.count("{") != clean.count("}") or clean.count("(") != clean.count(")"):
        return Extracted(None, "the code is incomplete: its braces or parentheses do not balance")
    uses: list[str] = []
    items: list[str] = []
    for start, end in _top_level(clean):
        text = code[start:end].strip()
        head = clean[start:end].strip()
        if head.startswith("use ") and head.endswith(";"):
            uses.append(text)
        elif head.startswith("#!"):
            return Extracted(None, "crate-level attributes (`#![...]`) are not allowed")
        else:
            items.append(text)
    if not items:
        return Extracted(None, "the answer contains no Rust function")
    fns = [it for it in items if _FN.match(strip_rust(_after_attributes(it)))]
    if len(items) != 1 or len(fns) != 1:
        kinds = sorted({m.group(1) for it in items for m in [_ITEM.search(strip_rust(it))] if m})
        return Extracted(None, f"the answer has {len(items)} top-level items ({', '.join(kinds) or 'unknown'}); "
                               f"reply with exactly one function `{rust_name}` and put any helper inside it")
    item = items[0]
    m = _FN.search(strip_rust(item))
    assert m is not None
    if m.group(2) != rust_name.removeprefix("r#"):
        return Extracted(None, f"the function is named `{m.group(2)}`; it must be `{rust_name}`")
    got = signature_of(item)
    if expected_signature is not None and got != expected_signature:
        return Extracted(None, f"the signature differs from the one the crate calls: expected `{display_signature(stub or '')}`, "
                               f"got `{display_signature(item)}`")
    body = strip_rust(item)[strip_rust(item).find("{", m.end()):]
    if _PLACEHOLDER.search(body):
        return Extracted(None, "the body still contains todo!() or unimplemented!(): translate the whole function")
    if not re.match(r"\s*pub\b", strip_rust(_after_attributes(item))):
        item = _make_pub(item)
    if uses:
        item = _inline_uses(item, uses)
    return Extracted(item.strip() + "\n")


def _after_attributes(item: str) -> str:
    """The item without its leading `#[...]` attributes and doc comments."""
    clean = strip_rust(item)
    i = 0
    while True:
        while i < len(clean) and clean[i].isspace():
            i += 1
        if clean.startswith("#[", i):
            depth, j = 0, i + 1
            while j < len(clean):
                if clean[j] == "[":
                    depth += 1
                elif clean[j] == "]":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            i = j + 1
            continue
        return item[i:]


def _make_pub(item: str) -> str:
    rest = _after_attributes(item)
    head = item[: len(item) - len(rest)]
    return head + "pub " + rest.lstrip()


def _inline_uses(item: str, uses: list[str]) -> str:
    """Put `use` declarations at the start of the function body."""
    clean = strip_rust(item)
    m = _FN.search(clean)
    assert m is not None
    brace = clean.find("{", m.end())
    return item[: brace + 1] + "\n" + "\n".join(f"    {u}" for u in uses) + item[brace + 1:]

