"""The translator: the rules engine today; the LLM backends plug in here (issue: GPU resource)."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from portalis.lower.module import lower_module
from portalis.model import ModuleTranslation, ModuleTypeMap, ParsedModule


class TranslatorResource(dg.ConfigurableResource):
    backend: str = Field(default="rules", description="`rules` (no model)")
    rustfmt: str = "rustfmt"

    def translate(self, parsed: ParsedModule, type_map: ModuleTypeMap, interfaces: dict[str, ModuleTypeMap]) -> ModuleTranslation:
        if self.backend != "rules":
            raise ValueError(f"translator backend {self.backend!r} is not available; use `rules`")
        return lower_module(parsed, type_map, interfaces, self.rustfmt)
