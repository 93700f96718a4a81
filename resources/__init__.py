"""Dagster resources of Portalis: the source repository, the DuckDB store, the translator and
the Rust toolchain. Thin wrappers: each turns its config into a core object."""

from resources.source_repo import SourceRepoResource
from resources.store import DuckDBStoreResource
from resources.toolchain import RustToolchainResource
from resources.translator import TranslatorResource

__all__ = ["SourceRepoResource", "DuckDBStoreResource", "RustToolchainResource", "TranslatorResource"]
