"""Memo tables that live as long as one stage's run, never longer.

Syntactic facts of a node (a function's scan, its declarations, a string literal's value) are
asked for again and again within one stage: by every lowering pass, by the type map's passes. They
used to be kept in process-global dicts keyed by `id(node)`, so what one run computed stayed
around for the next (another repository's, a Dagster stage's in the same process), and a cleared
or stale table changed nothing anyone could see but memory. Here the tables belong to a scope
opened by the stage (`with node_memo():` in `build_type_map`, `lower_module`, the CLI's
translation): inside it a table is shared by everyone who asks; outside any scope nothing is
cached and each question is computed (correct, only slower). Scopes nest: an inner one reuses
the outer tables, so the CLI's type map and lowering of one run share them.

Keys are `id(node)`, and every entry also holds its node: a node lives at least as long as its
entry, so its id cannot be reused by another node while the scope is open, and a hit is checked
with `is` all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_TABLES: ContextVar[dict[str, dict] | None] = ContextVar("portalis_node_memo", default=None)


@contextmanager
def node_memo() -> Iterator[None]:
    """Open a memo scope for one stage's run (reuses the enclosing one when nested)."""
    if _TABLES.get() is not None:
        yield
        return
    token = _TABLES.set({})
    try:
        yield
    finally:
        _TABLES.reset(token)


def memo_table(name: str) -> dict | None:
    """The named table of the open scope, or None outside any scope (compute, do not cache)."""
    tables = _TABLES.get()
    if tables is None:
        return None
    table = tables.get(name)
    if table is None:
        table = tables[name] = {}
    return table
