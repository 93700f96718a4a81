"""Compile validation: cargo check the crate, map rustc's diagnostics back to Python functions,
and quarantine what rustc rejects so the rest of the crate still builds."""

from __future__ import annotations

from pathlib import Path

from portalis.crate import CrateLayout, write_crate
from portalis.model import (
    Diagnostic,
    FunctionReport,
    FunctionStatus,
    ModuleTranslation,
    ModuleValidation,
    RustItem,
    Severity,
)
from portalis.validate.cargo import CargoRun, RustcMessage, Toolchain, clippy_available, run_cargo
from portalis.stub_callers import refuse_stub_callers
from portalis.validate.safety import PythonFunction, check_crate_dir, gate_translations

# Rounds of cargo check: quarantine to stubs, then the safety net's removals and what they cascade to.
MAX_ROUNDS = 8


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def check_modules(
    translations: dict[str, ModuleTranslation],
    work_dir: Path,
    toolchain: Toolchain,
    crate_name: str = "portalis_check",
    sources: dict[str, str] | None = None,
    python_functions: dict[str, dict[str, PythonFunction]] | None = None,
    lint: bool = False,
    rejected: dict[tuple[str, str], list[RustcMessage]] | None = None,
    final_build: bool = False,
) -> tuple[dict[str, ModuleValidation], CargoRun, CrateLayout]:
    """Check all modules together (they call each other); functions rustc rejects are replaced
    by their todo!() stubs, up to MAX_ROUNDS times, and reported as compile_error. A translated
    function that calls a stub (transitively) is a stub too, untranslated with PTL137 naming the
    callee and its reason (portalis/stub_callers.py).

    With `python_functions` (module -> item name -> its Python function, from
    `safety.function_sources`) the safety gate runs first: rejected items become stubs
    (untranslated, PTL401); each function's capabilities come from its own Python. With `lint`, `cargo clippy` does the checking (same
    errors, plus lints counted per module in `clippy_warnings`) when clippy is installed.
    `rejected`, when given, receives rustc's full messages per (module, item) it located in an
    item (the LLM repair loop feeds them back to the model). With `final_build`, a crate that
    checks clean is also built (`cargo build --lib`): a few errors only code generation finds
    (deny-by-default lints such as `arithmetic_overflow`) are quarantined the same way."""
    gate_diags: dict[str, list[Diagnostic]] = {}
    if python_functions is not None:
        translations, gate_diags = gate_translations(translations, python_functions)
    items = {m: [it.model_copy() for it in t.items] for m, t in translations.items()}
    diags: dict[str, list[Diagnostic]] = {m: list(gate_diags.get(m, [])) for m in translations}

    def refuse_callers() -> None:
        # A translated function calling a stub is a stub too, with the callee's reason
        # (portalis/stub_callers.py): after the gate, and after each round of quarantine.
        known = {m: [*translations[m].diagnostics, *diags[m]] for m in translations}
        refuse_stub_callers(items, known, diags, toolchain.rustfmt)

    refuse_callers()
    warnings: dict[str, int] = {m: 0 for m in translations}
    lints: dict[str, dict[str, int]] = {m: {} for m in translations}
    command = "clippy" if lint and clippy_available(toolchain) else "check"
    run = CargoRun(ok=False)
    layout = CrateLayout(root=work_dir)
    for _ in range(MAX_ROUNDS):
        layout = write_crate(work_dir, crate_name, items, sources, toolchain.rustfmt, toolchain.cargo)
        crate_problems = _crate_problems(work_dir, layout)
        if crate_problems:
            first = next(iter(diags), None)
            if first is not None:
                diags[first].extend(d.model_copy(update={"module": first}) for d in crate_problems)
            run = CargoRun(ok=False, failure=crate_problems[0].message)
            break
        # clippy's deny-by-default lints would reject code rustc accepts: lints only warn here
        run = run_cargo(work_dir, toolchain, command, ["--", "--cap-lints", "warn"] if command == "clippy" else None)
        if run.failure:
            for m in diags:
                diags[m].append(Diagnostic(code="PTL304", message=run.failure, module=m))
            break
        for m in warnings:
            warnings[m] = 0
            lints[m] = {}
        for w in run.warnings:
            module, _ = layout.locate(w.file or "", w.line or 0)
            if module in warnings:
                if (w.code or "").startswith("clippy::"):
                    lints[module][w.code or ""] = lints[module].get(w.code or "", 0) + 1
                else:
                    warnings[module] += 1
        if run.ok and final_build and command != "build":
            built = run_cargo(work_dir, toolchain, "build", ["--lib"])
            if not built.ok and not built.failure and built.errors:
                run, command = built, "build"  # quarantine what the build rejects, building from now on
        if run.ok:
            break
        quarantined = False
        touched: set[tuple[str, str]] = set()  # items changed this round: their other errors are gone with them
        for err in run.errors:
            module, name = layout.locate(err.file or "", err.line or 0)
            target = next((it for it in items.get(module or "", []) if it.name == name), None)
            if rejected is not None and target is not None and module is not None:
                rejected.setdefault((module, target.name), []).append(err)
            if target is not None and (module or "", target.name) in touched:
                continue
            if target is not None:
                touched.add((module or "", target.name))
            if target is not None and target.stub and target.code != target.stub:
                target.code = target.stub
                target.status = FunctionStatus.COMPILE_ERROR
                target.runtime = []
                target.crates = []
                quarantined = True
                diags[module or ""].append(
                    Diagnostic(
                        code="PTL301",
                        message=f"rustc {err.code or 'error'}: {err.message}",
                        module=module or "",
                        function=name,
                        line=target.python_line,
                    )
                )
            elif target is not None and target.code and module is not None:
                # The safety net: rustc rejects an item that has no stub (a struct, a constant,
                # an impl) or the stub itself (its signature names what the crate lacks). The
                # item leaves the crate, reported; what named it is quarantined next round.
                if target.status is FunctionStatus.TRANSLATED and target.kind == "fn" and target.code != target.stub:
                    target.status = FunctionStatus.COMPILE_ERROR
                elif target.kind == "fn" and target.status is FunctionStatus.TRANSLATED:
                    target.status = FunctionStatus.UNTRANSLATED
                target.code = ""
                target.stub = None
                target.runtime = []
                target.crates = []
                quarantined = True
                diags[module].append(Diagnostic(
                    code="PTL180", module=module, function=name, line=target.python_line,
                    message=f"rustc {err.code or 'error'} outside a translated body: {err.message}; `{name}` is left out of the crate",
                ))
            elif module in diags and not (target is not None and target.status is FunctionStatus.COMPILE_ERROR):
                diags[module].append(
                    Diagnostic(code="PTL302", message=f"rustc {err.code or 'error'}: {err.message}", module=module, function=name)
                )
        if not quarantined:
            break
        refuse_callers()
    results: dict[str, ModuleValidation] = {}
    for m, t in translations.items():
        module_errors = [
            e for e in run.errors if layout.locate(e.file or "", e.line or 0)[0] == m
        ]
        compiles = run.ok or (not run.failure and not module_errors)
        functions = [
            FunctionReport(name=it.name, qualname=it.name, backend=it.backend, status=it.status)
            for it in items[m]
            if it.kind == "fn"
        ]
        results[m] = ModuleValidation(
            module=m,
            compiles=compiles,
            errors=len(module_errors),
            warnings=warnings.get(m, 0),
            clippy_warnings=sum(lints.get(m, {}).values()),
            lints=lints.get(m, {}),
            functions=functions,
            diagnostics=diags[m],
            items=items[m],
        )
    return results, run, layout


def summarise(results: dict[str, ModuleValidation]) -> dict[str, int]:
    statuses = [f.status for v in results.values() for f in v.functions]
    return {
        "modules": len(results),
        "functions": len(statuses),
        "translated": sum(s is FunctionStatus.TRANSLATED for s in statuses),
        "untranslated": sum(s is FunctionStatus.UNTRANSLATED for s in statuses),
        "compile_errors": sum(s is FunctionStatus.COMPILE_ERROR for s in statuses),
    }


__all__ = ["check_modules", "summarise", "RustItem", "Severity", "_first_line"]


def _crate_problems(crate_dir: Path, layout: CrateLayout) -> list[Diagnostic]:
    """What stops the written crate from building before cargo runs: its dependencies could
    not be resolved (PTL240), or the crate-level safety gate rejects its manifest (PTL241)."""
    out: list[Diagnostic] = []
    if layout.lock_error:
        out.append(Diagnostic(code="PTL240", message=f"dependencies {', '.join(layout.crates)} not resolved: {layout.lock_error}"))
    for v in check_crate_dir(crate_dir):
        out.append(Diagnostic(code="PTL241", message=f"crate rejected by the safety gate: {v.kind}: {v.excerpt} {v.detail}".strip()))
    return out
