"""The Python repository being translated."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from pydantic import Field

from portalis.model import SourceModule
from portalis.source import DEFAULT_EXCLUDE, DEFAULT_INCLUDE, discover
from portalis.source_root import DEFAULT_ROOT, SOURCE_ROOT_KEY, normalize
from portalis.store import Store


class SourceRepoResource(dg.ConfigurableResource):
    """The Python repository to translate: its root (relative paths are taken from the working
    directory; empty: the root this instance last synced, see portalis/source_root.py) and the
    globs that select its modules."""

    root: str = Field(
        default="", description="repository root; module names are relative to it. Empty: the root `portalis sync` or "
        "`portalis demo` last synced on this instance (else examples/)",
    )
    include: list[str] = Field(default_factory=lambda: list(DEFAULT_INCLUDE), description="globs of the modules to translate")
    exclude: list[str] = Field(default_factory=lambda: list(DEFAULT_EXCLUDE), description="globs of files left out")
    allow_unsandboxed: bool = Field(
        default=False, description="run this repository's code (behaviour validation, the LLM loop's tests) even where "
        "no sandbox isolates network and files (portalis.sandbox); default: refused there",
    )

    def root_path(self, store: Store | None = None) -> Path:
        """The configured root; when empty, the one recorded in `store` (else examples/)."""
        if self.root:
            return normalize(self.root)
        stored = store.setting(SOURCE_ROOT_KEY) if store is not None else None
        return Path(stored) if stored else normalize(DEFAULT_ROOT)

    def modules(self, store: Store | None = None) -> list[SourceModule]:
        return discover(self.root_path(store), self.include, self.exclude)
