"""`portalis test --repo DIR`: translate, build the extension, run the repository's tests on
both sides, demote what fails them. The one function the CLI (and the demo) call."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel

from portalis.model import ModuleTypeMap
from portalis.names import resolve_all
from portalis.parse import parse_file
from portalis.source import resolve_root, scan_sources
from portalis.analysis.class_flow import repo_passed_classes
from portalis.imported_returns import mapped_in_rounds
from portalis.pipeline import REPORT_NAME, translate_path
from portalis.pyext.extension import ExtensionResult, make_extension
from portalis.pyext.plan import ExtensionPlan
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
    if not run.crate.compiles:  # nothing to wrap: say so instead of a failed maturin build
        return RepoTestRun(extension=ExtensionResult(dir=str(out_dir / "python"), module="", exposed=[],
                                                     problems=["PTL813 the translated crate does not compile"]),
                           report_path=str(run.out_dir / REPORT_NAME))
    target = Path(toolchain.target_dir) if toolchain.target_dir else out_dir / "target"
    plan, ext = make_extension(run.out_dir, run.report_crate_name, run.type_maps, run.report, include_all=include_all,
                               target_dir=target, python=python, rustfmt=toolchain.rustfmt, release=release,
                               source_root=resolve_root(repo).root, verify_config=verify_config)
    report_path = run.out_dir / REPORT_NAME
    if not ext.ok or ext.build is None:
        return RepoTestRun(extension=ext, report_path=str(report_path))
    statuses = swappable(plan, run.report)
    if not include_all:  # only verified functions are swapped by default: not one the extension failed
        keep_python = [*(keep_python or []), *sorted(k for k, s in statuses.items() if s != "verified")]
    result = compare(resolve_source_root(repo), plan.module_name, ext.build.lib_dir, statuses, keep_python, python=python)
    demoted = demote(report_path, result)
    return RepoTestRun(extension=ext, tests=result, demoted=demoted, report_path=str(report_path))


def swappable(plan: ExtensionPlan, report: dict) -> dict[str, str]:
    """`module.function` -> its status for each exposed function, after the validation through
    the extension (which may have failed one the literal harness verified); `module.Class` ->
    the weakest status of its methods for each class swapped whole."""
    now = {f"{m['module']}.{f['qualname']}": f["status"] for m in report.get("modules", []) for f in m.get("functions", [])}
    out = {f"{f.module}.{f.name}": now.get(f"{f.module}.{f.name}", f.status) for f in plan.functions}
    for c in plan.swapped_classes():
        methods = [now.get(f"{c.key}.{m.name}", m.status) for m in c.methods]
        out[c.key] = "verified" if all(s == "verified" for s in methods) else next(s for s in methods if s != "verified")
    return out


def resolve_source_root(repo: Path) -> Path:
    """The directory the tests run in: the repository root (a directory given as is)."""
    return repo if repo.is_dir() else repo.parent


def type_maps_of(repo: Path) -> dict[str, ModuleTypeMap]:
    """The modules' interfaces computed from the sources, as the translation computes them
    (parse, type map, names across modules): for a crate written elsewhere (the Dagster run)."""
    src = resolve_root(repo)
    modules = scan_sources(src).modules
    parsed = {m.module: parse_file(src.root, m) for m in modules}
    # with classes passed across modules and imported functions' returns, as the pipeline
    return resolve_all(mapped_in_rounds(parsed, None, repo_passed_classes(src.root, modules)))


def run_tests_on_crate(repo: Path, crate_dir: Path, report: dict, include_all: bool = False, python: str | None = None,
                       target_dir: Path | None = None, release: bool = True, keep_python: list[str] | None = None,
                       verify_config: VerifyConfig | None = None) -> RepoTestRun:
    """The extension of a crate already written (by `portalis demo`'s Dagster run) and the
    repository's tests on both sides; demotions go into the crate's report file when there is one."""
    manifest = tomllib.loads((crate_dir / "Cargo.toml").read_text(encoding="utf-8"))
    plan, ext = make_extension(crate_dir, manifest["package"]["name"], type_maps_of(repo), report, include_all=include_all,
                               target_dir=target_dir or crate_dir / "target", python=python, release=release,
                               source_root=resolve_root(repo).root, verify_config=verify_config)
    report_path = crate_dir / REPORT_NAME
    if not ext.ok or ext.build is None:
        return RepoTestRun(extension=ext, report_path=str(report_path))
    statuses = swappable(plan, report)
    if not include_all:  # only verified functions are swapped by default: not one the extension failed
        keep_python = [*(keep_python or []), *sorted(k for k, s in statuses.items() if s != "verified")]
    result = compare(resolve_source_root(repo), plan.module_name, ext.build.lib_dir, statuses, keep_python, python=python)
    demoted = demote(report_path, result) if report_path.exists() else sorted(f.name for f in result.functions if f.demoted)
    return RepoTestRun(extension=ext, tests=result, demoted=demoted, report_path=str(report_path))
