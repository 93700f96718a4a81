"""Which modules failed, and why: one rule for the `module_status` asset, `portalis sync` and
`portalis demo`.

A module failed when a stage raised for it (a `module_failures` row, portalis_assets/faults.py)
or when its report status is `error` (it does not parse, cannot be read, has no validation, does
not compile, or the core reported an internal error): `portalis.pipeline.module_status`.
"""

from __future__ import annotations

from dataclasses import dataclass

from portalis.model import ModuleTranslation, ModuleValidation, ParsedModule, Severity
from portalis.pipeline import module_status
from portalis.contain import has_internal_error
from portalis.store import Store
from portalis_assets.faults import error_block


@dataclass
class ModuleFailure:
    module: str
    path: str
    stage: str
    message: str
    detail: str = ""

    def block(self) -> str:
        """The failure as the text of a code block: module, stage, error, where."""
        return error_block(self.module, self.path, self.stage, self.message, self.detail)

    def line(self) -> str:
        return f"{self.module} ({self.stage}: {self.message})"


def _first_error(diagnostics: list) -> tuple[str, str]:
    for d in diagnostics:
        if d.severity == Severity.ERROR:
            where = ", ".join(x for x in (f"line {d.line}" if d.line else "", f"function {d.function}" if d.function else "") if x)
            return f"{d.code}: {d.message}".splitlines()[0][:500], where
    return "", ""


def status_failure(module: str, parsed: ParsedModule | None, validation: ModuleValidation | None,
                   translation: ModuleTranslation | None = None) -> ModuleFailure | None:
    """The failure a module's stored rows show (report status `error`), or None."""
    if module_status(parsed, validation, translation.diagnostics if translation is not None else None) != "error":
        return None
    path = parsed.path if parsed else ""
    if parsed is not None and not parsed.ok:
        message, where = _first_error(parsed.diagnostics)
        return ModuleFailure(module, path, "parsed_ast", message or "the module does not parse", where)
    if translation is not None and has_internal_error(translation.diagnostics):  # contained by portalis/contain.py
        message, where = _first_error([d for d in translation.diagnostics if has_internal_error([d])])
        return ModuleFailure(module, path, "rust_translation", message, where)
    if validation is None:
        return ModuleFailure(module, path, "validation_report", "no validation row: the module was not translated")
    message, where = _first_error(validation.diagnostics)
    return ModuleFailure(module, path, "validation_report", message or "the module's Rust does not compile", where)


def failed_modules(db: Store, modules: list[str], run_ids: list[str] | None = None) -> dict[str, ModuleFailure]:
    """module -> why it failed, for the modules that did (stage failures of `run_ids` only, when given)."""
    if not modules:
        return {}
    with db.session():  # one DuckDB connection for the four reads (each open + close costs ~50-100 ms)
        recorded = {k: r for k, r in db.failures(modules).items() if run_ids is None or r["run_id"] in run_ids}
        parsed = db.get_parsed(modules)
        validations = db.get_validations(modules)
        translations = db.get_translations(modules)
    out: dict[str, ModuleFailure] = {}
    for m in modules:
        p = parsed.get(m)
        row = recorded.get(m)
        if row is not None:
            out[m] = ModuleFailure(m, p.path if p else "", row["stage"], row["message"], row["detail"] or "")
        else:
            failure = status_failure(m, p, validations.get(m), translations.get(m))
            if failure is not None:
                out[m] = failure
    return out
