"""Analysis: facts about a parsed module before lowering.

Today: types from evidence for code without annotations (`analyse_module`,
portalis/analysis/evidence.py), with the docstring examples (docstrings.py), one walk per
function body (uses.py), a types-only evaluator (values.py) and the rules of builtins and
methods it reads (rules.py). The facts are data (facts.py). Nothing here imports
portalis.lower: lowering may read these facts, never the other way round.
"""

from __future__ import annotations

from portalis.analysis.evidence import ModuleAnalysis, analyse_module
from portalis.analysis.facts import FunctionEvidence, ModuleEvidence, TypeEvidence
from portalis.model import ParsedModule, PyType
from portalis.parse import source_tree
from portalis.types.annotations import AnnotationError, TypeScope, resolve_annotation

__all__ = ["FunctionEvidence", "ModuleAnalysis", "ModuleEvidence", "TypeEvidence", "analyse_module", "evidence_for"]


def evidence_for(parsed: ParsedModule) -> ModuleEvidence:
    """The evidence for a parsed module on its own (the type map passes its own scope to
    `analyse_module`; this is the same pass with the module's plain annotation scope)."""
    tree = source_tree(parsed.source)
    scope = TypeScope.build(parsed.module, [c.name for c in parsed.classes], parsed.imports)

    def resolve(text: str) -> PyType | None:
        try:
            return resolve_annotation(text, scope)
        except AnnotationError:
            return None

    return analyse_module(parsed, tree.module, tree.line, resolve)
