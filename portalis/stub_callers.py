"""Callers of stubs: a translated function that calls a function left a `todo!()` stub is not
translated either.

A function or method the rules cannot translate is a `todo!()` stub with its signature, so that
its callers compile. A caller whose body translated was counted as translated, compiled, and then
panicked (or failed verification) whenever a case reached the stub: configparser's `__contains__`
calling `has_section`, pygments' `_parse_filters` calling a method left a stub. The policy now is
the one `C.new` over an untranslated `__init__` already follows (portalis/lower/module.py): such a
caller is untranslated, with a diagnostic (PTL137) naming the callee and the callee's own reason,
the reason of the first stub of the chain when the callee is refused this way itself.

What a function calls is a fact lowering records (`RustItem.calls`, "module:name"): lowering is
where a call is resolved statically, across modules (imports, re-exports) and on typed receivers
(`obj.m()` with `obj` a `C`: `C.m` of C's module), which the analysis' per-module call sites
(`analysis/uses.py`, names as written) cannot do. The closure is taken over the whole crate, every
module at once, to a fixed point (a caller refused makes its own callers stubs' callers), where
every translation is at hand: when the crate is checked (portalis/validate/compile.py), after the
safety gate and again after each round of rustc's quarantine, since a function rustc rejects is
its stub from then on too.

The refused caller's Rust is its stub, not its translated body. The body would compile, but it
can only be right until it reaches the stub, and a panic at run time is what the policy removes;
the stub keeps the crate smaller and its own callers compiling, and the report says why. A caller
whose cases never reach the stub (the stub on a path they do not take) loses a verdict it could
have had: the figures of the change say how many (docs/real-code.md).

An inherited method that is not lowered for a class has no Rust at all (portalis/inheritance.py):
its record (`RustItem.stub_reason`, no code) is a stub here, so a call of it from another module
is refused the same way instead of naming a method the crate lacks.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

from portalis.model import Diagnostic, FunctionStatus, RustItem, Severity

CODE = "PTL137"
# The todo!() message of a translated item's stub, replaced by the refusal's (portalis/lower/module.py).
_QUARANTINED = "was quarantined: rustc rejected its translation"
_STUBS = (FunctionStatus.UNTRANSLATED, FunctionStatus.COMPILE_ERROR)
_CHAIN_SHOWN = 3  # callees named in a message before "..."


def key_of(module: str, name: str) -> str:
    return f"{module}:{name}"


def _shown(key: str, here: str) -> str:
    """`Class.m` within the caller's module, `pkg.mod.Class.m` from another."""
    module, _, name = key.partition(":")
    return name if module == here else f"{module}.{name}"


def _own_reason(module: str, item: RustItem, diagnostics: Sequence[Diagnostic]) -> str:
    """Why `item` is a stub, as `CODE: message`: its record's reason, else its first error or
    warning diagnostic, else an information one, else its class's."""
    if item.stub_reason:
        return item.stub_reason
    mine = [d for d in diagnostics if d.function == item.name]
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        d = next((d for d in mine if d.severity is severity), None)
        if d is not None:
            return f"{d.code}: {d.message}"
    if "." in item.name:
        owner = item.name.rsplit(".", 1)[0]
        d = next((d for d in diagnostics if d.function == owner), None)
        if d is not None:
            return f"{d.code}: class `{owner}`: {d.message}"
    return "no diagnostic was recorded for it"


def refuse_stub_callers(
    items: Mapping[str, list[RustItem]],
    diagnostics: Mapping[str, Sequence[Diagnostic]],
    out: Mapping[str, list[Diagnostic]],
    rustfmt: str | None = None,
) -> int:
    """Make every translated item that calls a stub (transitively) a stub, in place, to a fixed
    point over all modules. `items`: module -> its items (changed in place: code, status,
    stub_reason); `diagnostics`: module -> what is known of its items (translation, safety gate,
    quarantine), for the callees' reasons; `out`: module -> list the PTL137 diagnostics are
    added to (one per refused function of the report; an inherited copy or `new` that is not a
    row of the report gets none). With `rustfmt`, the refused items' stubs are formatted again
    (their todo!() message changed). Returns how many items were refused."""
    index: dict[str, tuple[str, RustItem]] = {}
    for module, its in items.items():
        for it in its:
            index.setdefault(key_of(module, it.name), (module, it))
    callers: dict[str, list[str]] = {}
    for key, (_module, it) in index.items():
        for callee in it.calls:
            if callee != key and callee in index:
                callers.setdefault(callee, []).append(key)
    # key -> (the chain of callees down to the first stub, that stub's reason)
    why: dict[str, tuple[list[str], str]] = {}
    queue: deque[str] = deque()
    for key in sorted(callers):
        module, it = index[key]
        if it.status in _STUBS:
            why[key] = ([], _own_reason(module, it, diagnostics.get(module, ())))
            queue.append(key)
    refused: list[tuple[str, RustItem]] = []
    while queue:
        callee = queue.popleft()
        chain, root = why[callee]
        for key in sorted(callers.get(callee, ())):
            module, it = index[key]
            if key in why or it.status is not FunctionStatus.TRANSLATED:
                continue
            why[key] = ([callee, *chain], root)
            shown = [_shown(k, module) for k in [callee, *chain]]
            said = f"calls `{shown[0]}`, which is not translated"
            if len(shown) > 1:
                said += "".join(f": it calls `{s}`" for s in shown[1:_CHAIN_SHOWN]) + (": ..." if len(shown) > _CHAIN_SHOWN else "")
            said += f" ({root})"
            _stub_out(it, f"calls `{shown[0]}`, which is not translated ({CODE})")
            it.stub_reason = f"{CODE}: {said}"
            if it.kind == "fn" and module in out:
                out[module].append(Diagnostic(code=CODE, message=said, module=module, function=it.name, line=it.python_line))
            refused.append((module, it))
            queue.append(key)
    if rustfmt is not None and refused:
        _reformat([it for _m, it in refused], rustfmt)
    return len(refused)


def _stub_out(it: RustItem, message: str) -> None:
    """The item becomes its stub, its todo!() saying why (no stub: it leaves the crate)."""
    stub = it.stub
    it.status = FunctionStatus.UNTRANSLATED
    it.runtime = []
    it.crates = []
    if not stub:
        it.code = ""
        return
    it.code = stub.replace(_QUARANTINED, message)
    it.stub = None


def _reformat(refused: list[RustItem], rustfmt: str) -> None:
    """The stubs' todo!() messages changed length: rustfmt lays them out again (one run)."""
    from portalis.rust.fmt import RustfmtUnavailable, format_many

    try:
        formatted = format_many([it.code for it in refused], rustfmt)
    except RustfmtUnavailable:
        return
    for it, text in zip(refused, formatted):
        if isinstance(text, str) and text:
            it.code = text


__all__ = ["CODE", "key_of", "refuse_stub_callers"]
