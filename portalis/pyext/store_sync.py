"""The verdicts of the extension stage (validation through the extension, demotions by the
repository's tests) written into the DuckDB rows the UI reads (`validation_report`), so a
function demoted there shows as failed in the UI too, not only in portalis-report.json."""

from __future__ import annotations

from portalis.model import FunctionStatus, ModuleValidation
from portalis.store import Store


def sync_statuses(validations: dict[str, ModuleValidation], payload: dict) -> list[str]:
    """Copy into `validations` each function whose status the extension stage changed (its
    report entry has `verified_via`, or the reason PTL816/PTL817); returns the modules changed."""
    changed: list[str] = []
    for m in payload.get("modules", []):
        v = validations.get(m["module"])
        if v is None:
            continue
        rows = {f.qualname: f for f in v.functions}
        touched = False
        for fn in m.get("functions", []):
            row = rows.get(fn.get("qualname"))
            code = (fn.get("reason") or {}).get("code")
            if row is None or (fn.get("verified_via") is None and code not in ("PTL816", "PTL817")):
                continue
            status = FunctionStatus(fn["status"])
            if (row.status, row.detail, row.verified_via) == (status, fn.get("detail"), fn.get("verified_via")):
                continue
            row.status, row.detail, row.verified_via = status, fn.get("detail"), fn.get("verified_via")
            row.cases_passed, row.cases_total = fn.get("cases_passed", row.cases_passed), fn.get("cases_total", row.cases_total)
            touched = True
        if touched:
            changed.append(m["module"])
    return changed


def record_in_store(store: Store, payload: dict) -> list[str]:
    """`sync_statuses` on the store's validation rows, written back; the modules changed."""
    modules = [m["module"] for m in payload.get("modules", [])]
    validations = store.get_validations(modules)
    changed = sync_statuses(validations, payload)
    for module in changed:
        store.put_validation(validations[module])
    return changed
