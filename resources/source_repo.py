"""The Python repository being translated."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field

from portalis.model import SourceModule
from portalis.source import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, discover


class SourceRepoResource(dg.ConfigurableResource):
    """Root of the source repo (relative paths are taken from the working directory) and the
    globs that select its modules."""

    root: str = Field(default="examples", description="repository root; module names are relative to it")
    include: list[str] = Field(default_factory=lambda: list(DEFAULT_INCLUDE))
    exclude: list[str] = Field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    allow_unsandboxed: bool = Field(
        default=False, description="run this repository's code (behaviour validation, the LLM loop's tests) even where "
        "no sandbox isolates network and files (portalis.sandbox); default: refused there",
    )

    def root_path(self) -> Path:
        return Path(self.root).expanduser().resolve()

    def modules(self) -> list[SourceModule]:
        return discover(self.root_path(), self.include, self.exclude)
