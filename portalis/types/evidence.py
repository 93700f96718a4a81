"""Kept for old imports: the docstring evidence moved to portalis/analysis/docstrings.py (the
analysis pass gathers every kind of type evidence there)."""

from portalis.analysis.docstrings import (  # noqa: F401
    Evidence, Example, assignments, docstring_evidence, examples, renamed_examples, value_type,
)
