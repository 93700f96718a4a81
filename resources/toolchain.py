"""cargo and rustfmt, and where crates are checked and written."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field

from portalis.validate.cargo import Toolchain
from resources.paths import portalis_dir


class RustToolchainResource(dg.ConfigurableResource):
    """cargo and rustfmt, and the directories they work in: the check crate (validation_report),
    the output crate (rust_crate) and one shared cargo target dir that keeps rebuilds incremental."""

    cargo: str = Field(default="cargo", description="the cargo executable")
    rustfmt: str = Field(default="rustfmt", description="the rustfmt executable")
    timeout_s: float = Field(default=600.0, description="limit for one cargo invocation")
    work_dir: str = Field(default="", description="check crate and cargo target dir; default $DAGSTER_HOME/portalis")
    crate_dir: str = Field(default="", description="where rust_crate writes the crate; default $DAGSTER_HOME/portalis/crate")
    vendor: bool = Field(default=False, description="rust_crate also runs `cargo vendor` so the crate builds offline")

    def base(self) -> Path:
        return Path(self.work_dir) if self.work_dir else portalis_dir()

    def check_dir(self) -> Path:
        return self.base() / "check"

    def output_dir(self) -> Path:
        return Path(self.crate_dir).resolve() if self.crate_dir else self.base() / "crate"

    def toolchain(self) -> Toolchain:
        # One target dir for the check crate and the output crate keeps reruns incremental.
        return Toolchain(
            cargo=self.cargo, rustfmt=self.rustfmt, timeout_s=self.timeout_s,
            target_dir=str(self.base() / "target"),
        )
