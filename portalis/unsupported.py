"""The exception for a construct the rules cannot translate. Neutral (imports neither the
analysis nor lowering): lowering raises it everywhere (re-exported by portalis/lower/context.py),
and the shared translation tables outside lower/ (portalis/regex_syntax.py) raise it too."""

from __future__ import annotations

import libcst as cst


class Unsupported(Exception):
    """A construct the rules cannot translate: becomes a diagnostic and a todo!() body."""

    def __init__(self, code: str, message: str, node: cst.CSTNode | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node
        self.line: int | None = None  # the line of the statement it was raised in
