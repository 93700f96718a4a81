"""The `behaviour_verified` asset check, one evaluation per module partition of validation_report.

The verdict of one module, from its report entry (portalis.pipeline.module_report):
- validation did not run for it (verification off, the crate or the module does not compile, no
  sandbox, the cases could not run, a stage failed for it): failed, severity ERROR, with the reason;
- it has functions and none is translated: failed (WARN): nothing was checked;
- a function behaves differently from the Python (`failed`): failed (WARN);
- verified / translated below the threshold (untested functions lower the share, they are not
  failures): failed (WARN);
- else passed; a module without functions passes with "nothing to verify".
The description says it in one line: `3/7 verified, 1 failed, 2 untested, 1 untranslated: <reasons>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

BEHAVIOUR_CHECK = "behaviour_verified"
TRANSLATED = ("translated", "verified", "failed", "untested")


@dataclass
class BehaviourVerdict:
    passed: bool
    severity: dg.AssetCheckSeverity
    description: str
    figures: dict[str, object] = field(default_factory=dict)


def _counts(functions: list[dict]) -> dict[str, int]:
    statuses = [f["status"] for f in functions]
    return {
        "functions": len(statuses),
        "verified": statuses.count("verified"),
        "failed": statuses.count("failed"),
        "untested": statuses.count("untested") + statuses.count("translated"),
        "untranslated": statuses.count("untranslated") + statuses.count("compile_error"),
        "translated": sum(s in TRANSLATED for s in statuses),
    }


def counts_text(c: dict[str, int]) -> str:
    """`3/7 verified, 1 failed, 2 untested, 1 untranslated` (zero counts after `verified` left out)."""
    parts = [f"{c['verified']}/{c['functions']} verified"]
    parts += [f"{c[k]} {k}" for k in ("failed", "untested", "untranslated") if c[k]]
    return ", ".join(parts)


def _reasons(functions: list[dict], limit: int = 6, width: int = 160) -> str:
    """The reasons of the functions that are not verified, failed ones first."""
    order = {"failed": 0, "untested": 1, "translated": 1, "untranslated": 2, "compile_error": 2}
    shown = sorted((f for f in functions if f.get("reason")), key=lambda f: order.get(f["status"], 3))
    texts = []
    for f in shown[:limit]:
        r = f["reason"]
        text = f"{f['qualname']} {r['code']} {r['message']}"
        texts.append(text if len(text) <= width else text[: width - 3] + "...")
    more = len(shown) - limit
    return "; ".join(texts) + (f"; +{more} more" if more > 0 else "")


def behaviour_verdict(module: dict, threshold: float, not_run: str | None = None) -> BehaviourVerdict:
    """The check's verdict for one module's report entry. `not_run`: why validation did not run
    for it (None: it ran)."""
    functions = module.get("functions") or []
    c = _counts(functions)
    share = c["verified"] / c["translated"] if c["translated"] else 0.0
    figures: dict[str, object] = {**c, "threshold": threshold, "verified_share": round(share, 4), "ran": not_run is None,
                                  "cases_passed": sum(f.get("cases_passed", 0) for f in functions),
                                  "cases_total": sum(f.get("cases_total", 0) for f in functions),
                                  "failed_functions": [f["qualname"] for f in functions if f["status"] == "failed"][:50],
                                  "problem": not_run or ""}
    reasons = _reasons(functions)
    warn = dg.AssetCheckSeverity.WARN

    def text(note: str = "") -> str:
        return counts_text(c) + (f" ({note})" if note else "") + (f": {reasons}" if reasons else "")

    if not_run is not None:
        return BehaviourVerdict(False, dg.AssetCheckSeverity.ERROR, f"validation did not run: {not_run}", figures)
    if not functions:
        return BehaviourVerdict(True, warn, "nothing to verify: the module has no functions", figures)
    if not c["translated"]:
        return BehaviourVerdict(False, warn, f"nothing translated: {text()}", figures)
    if c["failed"]:
        return BehaviourVerdict(False, warn, text(), figures)
    if share < threshold:
        return BehaviourVerdict(False, warn, text(f"verified share {share:.0%} < threshold {threshold:.0%}"), figures)
    return BehaviourVerdict(True, warn, text(), figures)


def check_evaluation(asset_key: dg.AssetKey, partition: str, verdict: BehaviourVerdict, metadata: dict,
                     target: object | None = None) -> dg.AssetCheckEvaluation:
    """The verdict as the check's evaluation on one partition (`target`: the partition's
    materialization the check looked at)."""
    return dg.AssetCheckEvaluation(
        asset_key=asset_key, check_name=BEHAVIOUR_CHECK, passed=verdict.passed, metadata=metadata,
        severity=verdict.severity, description=verdict.description, partition=partition, blocking=False,
        target_materialization_data=target,  # type: ignore[arg-type]
    )


def latest_materializations(instance: dg.DagsterInstance, asset_key: dg.AssetKey, partitions: list[str]) -> dict[str, object]:
    """Partition -> the target data of its latest materialization (what the UI compares to tell
    whether a check result is current)."""
    from dagster._core.definitions.asset_checks.asset_check_evaluation import (
        AssetCheckEvaluationTargetMaterializationData,
    )

    out: dict[str, object] = {}
    if not partitions:
        return out
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=partitions), limit=len(partitions) * 2,
    ).records
    for rec in records:  # newest first
        key = rec.partition_key
        if key is not None and key not in out:
            out[key] = AssetCheckEvaluationTargetMaterializationData(
                storage_id=rec.storage_id, run_id=rec.run_id, timestamp=rec.timestamp,
            )
    return out
