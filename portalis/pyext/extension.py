"""One call from a translation to a built extension: plan, write, check, build, report.

What `portalis translate --python` runs after the translation; the result goes into the
report's `python_extension` key (portalis-report.json).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from pydantic import BaseModel, Field

from portalis.deps import crate_table, dependency_lines
from portalis.model import ModuleTypeMap
from portalis.pyext.build import BuildResult, build_extension
from portalis.pyext.emit import PYO3_VERSION, write_extension
from portalis.pyext.plan import ExtensionPlan, plan_extension
from portalis.pyext.verify import ExtensionValidation, apply_to_report, verify_through_extension
from portalis.validate.behaviour import VerifyConfig


class ExtensionResult(BaseModel):
    dir: str
    module: str
    exposed: list[str]  # `module.function`
    classes: list[str] = Field(default_factory=list)  # `module.Class`: swapped whole (#[pyclass])
    skipped: list[dict] = Field(default_factory=list)  # module, name, code, reason
    problems: list[str] = Field(default_factory=list)  # PTL813: the project breaks a rule of the gate
    build: BuildResult | None = None
    # differential validation through the built extension (portalis/pyext/verify.py): verdict
    # counts, what changed (`module.function` -> "untested -> verified"), seconds; None: not run
    validation: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and (self.build is None or self.build.ok)


def check_extension_dir(ext_dir: Path, crate: str) -> list[str]:
    """The rules generated crates follow, for the extension project: no build script, no
    dependency but the translated crate (by path), pyo3 (pinned) and crates of the table pinned
    as the table says, no unsafe (`forbid` in
    lib.rs, which no item can lift)."""
    problems = []
    if (ext_dir / "build.rs").exists():
        problems.append("a build script (build.rs)")
    section = ""
    for line in (ext_dir / "Cargo.toml").read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text.startswith("["):
            section = text.strip("[]").strip()
            if section in ("build-dependencies", "dev-dependencies") or section.startswith("target."):
                problems.append(f"[{section}] in Cargo.toml")
            continue
        if section == "package" and re.match(r"build\s*=", text):
            problems.append(f"build script: {text}")
        if section == "dependencies" and "=" in text:
            name = text.split("=", 1)[0].strip()
            # a crate of the table, pinned as the translated crate pins it (num-bigint, for
            # the conversions of functions on BigInt)
            pinned = name in crate_table() and dependency_lines([name]) == [text]
            if not (name == crate and 'path = ".."' in text or name == "pyo3" and f'"{PYO3_VERSION}"' in text or pinned):
                problems.append(f"dependency: {text}")
    lib = (ext_dir / "src" / "lib.rs").read_text(encoding="utf-8")
    if "#![forbid(unsafe_code)]" not in lib:
        problems.append("lib.rs does not forbid unsafe code")
    return problems


def make_extension(crate_dir: Path, crate_name: str, type_maps: dict[str, ModuleTypeMap], report: dict, include_all: bool = False,
                   build: bool = True, target_dir: Path | None = None, python: str | None = None,
                   rustfmt: str = "rustfmt", release: bool = True, source_root: Path | None = None,
                   verify_config: VerifyConfig | None = None) -> tuple[ExtensionPlan, ExtensionResult]:
    """Plan, write and (with `build`) build the extension of the crate in `crate_dir`; the
    result is also recorded in the crate's portalis-report.json when there is one. With
    `source_root` (the repository) and a build that succeeded, the exposed functions are
    validated again through the extension (portalis/pyext/verify.py) and `report` (and the
    file) take its verdicts."""
    plan = plan_extension(crate_name, type_maps, report, include_all=include_all)
    ext_dir = write_extension(crate_dir, plan, rustfmt)
    result = ExtensionResult(dir=str(ext_dir.resolve()), module=plan.module_name, exposed=plan.exposed(),
                             classes=[c.key for c in plan.swapped_classes()], skipped=[s.model_dump() for s in plan.skipped], problems=check_extension_dir(ext_dir, crate_name))
    if build and not result.problems and (plan.functions or plan.swapped_classes()):
        result.build = build_extension(ext_dir, python=python, target_dir=target_dir, release=release)
    validation = None
    if source_root is not None and result.build is not None and result.build.ok and python in (None, sys.executable):
        # the worker imports the module with this interpreter: a build for another one cannot load
        validation = verify_through_extension(source_root, type_maps, plan, Path(result.build.lib_dir), verify_config)
        apply_to_report(report, validation)
        result.validation = {"counts": validation.counts(), "changed": validation.changed, "seconds": round(validation.seconds, 2),
                             "refused": validation.refused}
    record(crate_dir, result, validation)
    return plan, result


def record(crate_dir: Path, result: ExtensionResult, validation: ExtensionValidation | None = None) -> None:
    """The result under the report's `python_extension` key (and the verdicts through the
    extension, when there are)."""
    path = crate_dir / "portalis-report.json"
    if not path.exists():
        return
    payload = json.loads(path.read_text(encoding="utf-8"))
    if validation is not None:
        apply_to_report(payload, validation)
    payload["python_extension"] = result.model_dump()
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
