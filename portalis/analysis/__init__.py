"""Analysis: facts about a parsed module before lowering.

Today: types from evidence for code without annotations (`analyse_module`,
portalis/analysis/evidence.py), with the docstring examples (docstrings.py), one walk per
function body (uses.py), a types-only evaluator (values.py) and the rules of builtins and
methods it reads (rules.py). The facts are data (facts.py). Nothing here imports
portalis.lower: lowering may read these facts, never the other way round.
"""

from portalis.analysis.evidence import analyse_module
from portalis.analysis.facts import FunctionEvidence, ModuleEvidence, TypeEvidence

__all__ = ["FunctionEvidence", "ModuleEvidence", "TypeEvidence", "analyse_module"]
