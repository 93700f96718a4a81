"""`portalis test --repo DIR`: translate, build the extension, run the repository's tests on
both sides, demote what fails them. The one function the CLI (and the demo) call."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from portalis.pipeline import REPORT_NAME, translate_path
from portalis.pyext.extension import ExtensionResult, make_extension
from portalis.pyext.swap import RepoTestReport, compare, demote
from portalis.validate.behaviour import VerifyConfig
from portalis.validate.cargo import Toolchain


class RepoTestRun(BaseModel):
    extension: ExtensionResult
    tests: RepoTestReport | None = None  # None: the extension did not build
    demoted: list[str] = []
    report_path: str = ""


def run_repo_tests(repo: Path, out_dir: Path, include_all: bool = False, keep_python: list[str] | None = None,
              toolchain: Toolchain | None = None, verify_config: VerifyConfig | None = None, python: str | None = None,
              release: bool = True) -> RepoTestRun:
    """Translate `repo` into `out_dir` (verified, unless `include_all`), build its extension and
    compare the repository's pytest suite on Python and on Rust (portalis/pyext/swap.py)."""
    toolchain = toolchain or Toolchain()
    run = translate_path(repo, out_dir, toolchain, verify=not include_all, verify_config=verify_config)
    target = Path(toolchain.target_dir) if toolchain.target_dir else out_dir / "target"
    plan, ext = make_extension(run.out_dir, run.report_crate_name, run.type_maps, run.report, include_all=include_all,
                               target_dir=target, python=python, rustfmt=toolchain.rustfmt, release=release)
    report_path = run.out_dir / REPORT_NAME
    if not ext.ok or ext.build is None:
        return RepoTestRun(extension=ext, report_path=str(report_path))
    statuses = {f"{f.module}.{f.name}": f.status for f in plan.functions}
    result = compare(resolve_source_root(repo), plan.module_name, ext.build.lib_dir, statuses, keep_python, python=python)
    demoted = demote(report_path, result)
    return RepoTestRun(extension=ext, tests=result, demoted=demoted, report_path=str(report_path))


def resolve_source_root(repo: Path) -> Path:
    """The directory the tests run in: the repository root (a directory given as is)."""
    return repo if repo.is_dir() else repo.parent
