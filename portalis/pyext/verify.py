"""Differential validation through the extension: the Rust called with the same Python objects
as the original, no literal rendering.

When the extension builds, each function it exposes is checked again on the same cases as the
literal harness (doctests, the repository's tests, generated cases: validate/cases.py), in the
same sandboxed worker: the worker evaluates the arguments once, calls the original and then the
extension's function on fresh copies of them, and compares the results there (types strict,
dict order counts, floats within 1e-9, exceptions by class name, arguments changed in place,
what the Rust printed on file descriptor 1 against what Python printed). A Rust call that never
returns (native code: the worker's timer cannot stop it) is killed and counts as a difference.
So a case whose values cannot be written as Rust literals ("unrenderable": arguments with no
encoded form, a value the literal renderer rejects) is tested too. What cannot be compared
either way (an int outside i64, which the translation's int does not hold) is a note.

The verdicts replace the literal harness's for the functions the extension checked
(`verified_via: "extension"` in the report; a function verified only by the literal harness
says `"literals"`): a function the extension finds wrong is failed (PTL817), one that had no
renderable case and passes every case through the extension becomes verified. A function the
literal harness failed stays failed: a difference seen is not undone by other cases. When the
extension does not build, nothing here runs and the literal verdicts stand.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from pydantic import BaseModel, Field

from portalis.model import FunctionSignature, ModuleTypeMap, ParsedModule
from portalis.parse import parse_file
from portalis.pyext.plan import ExtensionPlan
from portalis.sandbox import Sandbox, SandboxRefused
from portalis.source import resolve_root, scan_sources
from portalis.validate.behaviour import ORIGIN_ORDER, VerifyConfig, gather_cases, nondeterministic_uses
from portalis.validate.expected import run_python
from portalis.validate.literals import RenderError, RustLiterals, encode_value


class ExtensionVerdict(BaseModel):
    module: str
    function: str
    status: str  # verified | failed | untested
    cases_passed: int = 0
    cases_total: int = 0
    unrenderable: int = 0  # cases run whose arguments or result had no literal form
    detail: str | None = None
    notes: list[str] = Field(default_factory=list)


class ExtensionValidation(BaseModel):
    verdicts: list[ExtensionVerdict] = Field(default_factory=list)
    seconds: float = 0.0
    refused: str | None = None  # no sandbox: nothing ran
    changed: dict[str, str] = Field(default_factory=dict)  # `module.function` -> "untested -> verified"...

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.verdicts:
            out[v.status] = out.get(v.status, 0) + 1
        return out


def parse_modules(source_root: Path) -> dict[str, ParsedModule]:
    """The repository's modules, parsed as the translation parsed them (for their doctests)."""
    src = resolve_root(source_root)
    return {m.module: parse_file(src.root, m) for m in scan_sources(src).modules}


def verify_through_extension(source_root: Path, type_maps: dict[str, ModuleTypeMap], plan: ExtensionPlan, lib_dir: Path,
                             config: VerifyConfig | None = None, parsed: dict[str, ParsedModule] | None = None) -> ExtensionValidation:
    """Check every function `plan` exposes through the built extension in `lib_dir`."""
    config = config or VerifyConfig()
    started = time.perf_counter()
    out = ExtensionValidation()
    parsed = parsed if parsed is not None else parse_modules(source_root)
    targets: dict[str, dict[str, FunctionSignature]] = {}
    verdicts: dict[tuple[str, str], ExtensionVerdict] = {}
    for f in plan.functions:
        tm = type_maps.get(f.module)
        sig = tm.function(f.name) if tm else None
        if sig is None or not sig.typed:
            continue
        if f.module in parsed and nondeterministic_uses(parsed[f.module], f.name):
            verdicts[(f.module, f.name)] = ExtensionVerdict(module=f.module, function=f.name, status="untested",
                                                            detail="non-deterministic")
            continue
        targets.setdefault(f.module, {})[f.name] = sig
    so_files = sorted([*lib_dir.glob("*.so"), *lib_dir.glob("*.pyd")])
    if not targets or not so_files:
        out.verdicts = sorted(verdicts.values(), key=lambda v: (v.module, v.function))
        return out
    cases, _ = gather_cases(source_root, parsed, targets, type_maps, config)
    for c in cases:
        c.mutated = [i for i, p in enumerate(targets[c.module][c.function].params) if p.mutated]
    rust = {f"{m}:{name}": [plan.module_name, m, name] for m, fns in targets.items() for name in fns}
    try:
        box = Sandbox(config.sandbox, repos=[source_root])
    except SandboxRefused as exc:
        out.refused = str(exc)
        return out
    try:
        results = run_python(cases, [source_root], config.python_timeout_s, config.repeat, sandbox=box, rust=rust, extension=so_files)
    finally:
        box.close()

    literals = RustLiterals(plan.crate_name, type_maps)
    seen: set[tuple[str, str, str]] = set()
    tallies: dict[tuple[str, str], list[tuple[int, str, dict, bool]]] = {}
    notes: dict[tuple[str, str], list[str]] = {}
    for c in sorted(cases, key=lambda c: (ORIGIN_ORDER.get(c.origin, 9), c.id)):
        r = results.get(c.id)
        key = (c.module, c.function)
        if r is None or r.rust is None:
            continue
        if r.status not in ("ok", "raised") and r.rust.get("outcome") != "differs":  # a Rust call that never returned counts
            continue
        label = c.label or r.label or f"{c.function}({', '.join(repr(a) for a in r.args or [])})"[:160]
        unrenderable = bool(r.label) or (r.args is not None and not _renderable(literals, targets[c.module][c.function], r.args))
        ident = json.dumps([encode_value(a) for a in r.args], sort_keys=True, default=str) if r.args is not None else f"#{c.id}"
        if (c.module, c.function, ident) in seen:
            continue
        seen.add((c.module, c.function, ident))
        if r.rust.get("outcome") == "skipped":
            notes.setdefault(key, []).append(f"{label}: {r.rust.get('detail', '')}")
            continue
        mine = tallies.setdefault(key, [])
        if len(mine) < config.max_cases_per_function:
            mine.append((ORIGIN_ORDER.get(c.origin, 9), f"[{c.origin}] {label}", r.rust, unrenderable))
    for m, fns in targets.items():
        for name in fns:
            ran = tallies.get((m, name), [])
            v = ExtensionVerdict(module=m, function=name, status="untested", notes=notes.get((m, name), [])[:10],
                                 cases_total=len(ran), cases_passed=sum(o["outcome"] == "match" for _, _, o, _ in ran),
                                 unrenderable=sum(u for *_, u in ran))
            differs = next(((lab, o) for _, lab, o, _ in ran if o["outcome"] != "match"), None)
            if differs:
                v.status, v.detail = "failed", f"{differs[0]}: {differs[1].get('detail', '')}"
            elif ran:
                v.status = "verified"
            else:
                v.detail = "no case ran through the extension" + (f": {v.notes[0]}" if v.notes else "")
            verdicts[(m, name)] = v
    out.verdicts = sorted(verdicts.values(), key=lambda v: (v.module, v.function))
    out.seconds = time.perf_counter() - started
    return out


def _renderable(literals: RustLiterals, sig: FunctionSignature, args: list) -> bool:
    """Whether the literal harness could write these arguments as Rust (the case it could run)."""
    if len(args) != len(sig.params):
        return False
    try:
        for a, p in zip(args, sig.params):
            literals.owned(a, p.py_type)
    except (RenderError, TypeError, ValueError):
        return False
    return True


def apply_to_report(payload: dict, validation: ExtensionValidation) -> dict[str, str]:
    """Write the extension's verdicts into a translation report (portalis-report.json's
    payload): statuses, cases, `verified_via` per function, the summary counts, and the run
    under `extension_validation`. Returns what changed (`module.function` -> "old -> new")."""
    by_key = {(v.module, v.function): v for v in validation.verdicts}
    changed: dict[str, str] = {}
    for m in payload.get("modules", []):
        for fn in m.get("functions", []):
            v = by_key.get((m["module"], fn.get("qualname")))
            old = fn.get("status")
            if v is None or v.status == "untested":
                if old == "verified":
                    fn.setdefault("verified_via", "literals")
                continue
            fn_before = (fn.get("cases_passed", 0), fn.get("cases_total", 0))
            fn["verified_via"] = "extension"
            fn["cases_passed"], fn["cases_total"] = v.cases_passed, v.cases_total
            if v.status == old:
                continue
            if old == "failed":  # a difference the literal harness saw is not undone by other cases
                fn["verified_via"] = "literals"
                fn["cases_passed"], fn["cases_total"] = fn_before
                continue
            fn["status"] = v.status
            if v.status == "failed":
                fn["detail"] = f"differs through the extension: {v.detail}"
                fn["reason"] = {"code": "PTL817", "message": fn["detail"], "line": fn.get("line")}
            else:
                fn["detail"], fn["reason"] = None, None
            changed[f"{m['module']}.{fn['qualname']}"] = f"{old} -> {v.status}"
    ver = payload.get("verification")
    if ver is not None:  # the summary follows the statuses (translated counts as untested)
        fns = [fn for m in payload.get("modules", []) for fn in m.get("functions", [])]
        for s in ("verified", "failed"):
            ver[s] = sum(fn.get("status") == s for fn in fns)
        ver["untested"] = sum(fn.get("status") in ("untested", "translated") for fn in fns)
        translated = ver["verified"] + ver["failed"] + ver["untested"]
        if "verified_share" in ver:
            ver["verified_share"] = round(ver["verified"] / translated, 4) if translated else 0.0
    validation.changed = changed
    payload["extension_validation"] = {**validation.model_dump(), "counts": validation.counts()}
    return changed
