"""The `python_extension` asset: the crate `rust_crate` wrote, as a PyO3 extension module built by
maturin, and the repository's own tests run on it (portalis/pyext/). Thin: one core call.

Not part of `translate_repo` (a maturin build is minutes on a cold target dir): materialize it
after `rust_crate`, from the UI or with the job `python_extension_job`. Without maturin it
materializes with `built: false` and the reason.
"""


import json
from pathlib import Path

import dagster as dg
from pydantic import Field

from portalis.pipeline import REPORT_NAME
from portalis.pyext.build import maturin
from portalis.pyext.repo import run_tests_on_crate
from portalis_assets.assets import GROUP, OWNERS, rust_crate, stage_tags
from portalis.pyext.store_sync import record_in_store
from resources import DuckDBStoreResource, RustToolchainResource, SourceRepoResource

REPO_TESTS_CHECK = "repo_tests_on_rust"


class ExtensionConfig(dg.Config):
    all: bool = Field(default=False, description="expose and swap every translated function, not only the verified ones")
    release: bool = Field(default=True, description="maturin build --release (False: a debug build, faster to compile)")
    keep_python: list[str] = Field(default_factory=list, description="`module.function`s left on Python (not swapped)")


@dg.asset(
    group_name=GROUP,
    kinds={"python", "rust"},
    deps=[rust_crate],
    owners=OWNERS,
    tags=stage_tags("python_extension", "repo"),
    description="The translated crate as a Python extension module (maturin, PyO3) and the repository's own pytest suite "
    "run on Python and with the translated functions swapped for their Rust: tests passing on each side, functions "
    "swapped, and those demoted because the repository's tests fail on them.",
    check_specs=[dg.AssetCheckSpec(REPO_TESTS_CHECK, asset="python_extension",
                                   description="every test of the repository that passes on Python passes with the Rust swapped in")],
)
def python_extension(context: dg.AssetExecutionContext, config: ExtensionConfig, source_repo: SourceRepoResource,
                     rust_toolchain: RustToolchainResource, store: DuckDBStoreResource) -> dg.MaterializeResult:
    out = rust_toolchain.output_dir()
    report_path = out / REPORT_NAME
    if maturin() is None or not report_path.exists():
        reason = "maturin is not installed" if maturin() is None else f"no crate report at {report_path}: materialize rust_crate first"
        context.log.warning(f"python_extension: {reason}")
        return dg.MaterializeResult(metadata={"built": False, "reason": reason},
                                    check_results=[_check(False, {"reason": reason}, dg.AssetCheckSeverity.WARN)])
    report = json.loads(report_path.read_text(encoding="utf-8"))
    run = run_tests_on_crate(source_repo.root_path(), out, report, include_all=config.all,
                             target_dir=Path(rust_toolchain.toolchain().target_dir or out / "target"), release=config.release, keep_python=config.keep_python)
    ext = run.extension
    metadata: dict = {
        "built": bool(ext.build and ext.build.ok),
        "cached": bool(ext.build and ext.build.cached),
        "module": ext.module,
        "path": dg.MetadataValue.path(ext.dir),
        "exposed": len(ext.exposed),
        "classes_swapped": len(ext.classes),
        "left_out": len(ext.skipped),
    }
    if run.tests is None:
        metadata["reason"] = "; ".join(ext.problems) or (ext.build.message if ext.build else "no function to expose")
        context.log.error(f"python_extension: {metadata['reason']}")
        return dg.MaterializeResult(metadata=metadata, check_results=[_check(False, {"reason": metadata["reason"]})])
    t = run.tests
    metadata.update({
        "tests_on_rust": t.summary_line(),
        "python_passed": t.python.passed, "python_failed": t.python.failed, "python_wall_s": t.python.wall_s,
        "rust_passed": t.rust.passed, "rust_failed": t.rust.failed, "rust_wall_s": t.rust.wall_s,
        "swapped": len(t.functions),
        "kept_python": dg.MetadataValue.json(t.kept_python),
        "demoted": dg.MetadataValue.json(run.demoted),
    })
    if ext.validation is not None:  # validation through the extension: which verdicts it changed
        metadata["validated_through_extension"] = dg.MetadataValue.json(ext.validation)
    # the statuses the UI shows (validation_report rows) follow the report: demotions included
    if report_path.exists():
        metadata["store_modules_updated"] = dg.MetadataValue.json(
            record_in_store(store.store(), json.loads(report_path.read_text(encoding="utf-8"))))
    regressions = [x.nodeid for x in t.tests if x.python == "passed" and x.rust != "passed"]
    check = _check(not regressions and t.python.error is None and t.rust.error is None, {
        "tests_on_rust": t.summary_line(), "failing_on_rust": dg.MetadataValue.json(regressions[:20]),
        "demoted": dg.MetadataValue.json(run.demoted)})
    return dg.MaterializeResult(metadata=metadata, check_results=[check])


def _check(passed: bool, metadata: dict, severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(check_name=REPO_TESTS_CHECK, passed=passed, metadata=metadata, severity=severity)


python_extension_job = dg.define_asset_job(
    name="python_extension_job",
    selection=dg.AssetSelection.assets(python_extension),
    description="Build the crate as a Python extension module and run the repository's tests on it.",
)
