"""Structural evidence: a parameter whose attribute and method uses only one of the module's
classes provides is an instance of that class.

`def render(tok): return tok.kind + tok.text` in a module whose only class with both `kind`
and `text` is `Token` makes `tok` a `Token`. The rule is deliberately narrow, since a wrong
class would be a wrong translation: the class must be *closed* (its bases are the module's
classes or `object`, so every member it has is known) and have no subclass in the module (an
instance of a subclass would be passed too), no other class of the module may have every name
used, the uses must name at least one member that is not a common name (`name`, `value`,
`get`, ...: a file, a dict, a library object has those), and no class of the module may have a
base from elsewhere that could provide the names (its members are not all known). Pure
functions over the syntax tree; the evidence pass (`evidence.py`) asks them.
"""

from __future__ import annotations

import libcst as cst

from portalis.analysis import rules
from portalis.model import ParsedModule

# Names too common to say which class an object is: many library types have them.
COMMON_NAMES = frozenset(
    {
        "name", "value", "values", "data", "text", "type", "kind", "id", "args", "kwargs", "key", "keys", "items",
        "get", "set", "pop", "read", "write", "close", "open", "flush", "seek", "tell", "readline", "readlines",
        "copy", "update", "clear", "append", "extend", "insert", "remove", "add", "discard", "index", "count",
        "start", "end", "stop", "step", "group", "groups", "span", "match", "search", "sub", "split", "join",
        "format", "encode", "decode", "strip", "lower", "upper", "replace", "find", "line", "lineno", "size",
        "length", "parent", "children", "next", "send", "throw", "run", "call", "result", "state", "source",
        "path", "mode", "level", "message", "msg", "error", "errors", "options", "parse", "node", "root",
        "real", "imag", "numerator", "denominator", "year", "month", "day", "hour", "minute", "second",
    }
)


def class_members(parsed: ParsedModule, module: cst.Module, self_attrs: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each module-level class's own member names: methods, class-level assignments and
    annotations, and the attributes its methods assign to `self` (`self_attrs`, by class)."""
    out: dict[str, set[str]] = {}
    for stmt in module.body:
        if type(stmt) is not cst.ClassDef:
            continue
        names: set[str] = set(self_attrs.get(stmt.name.value, set()))
        if type(stmt.body) is cst.IndentedBlock:
            for item in stmt.body.body:
                if type(item) is cst.FunctionDef:
                    names.add(item.name.value)
                elif type(item) is cst.SimpleStatementLine:
                    for small in item.body:
                        if type(small) is cst.Assign:
                            for t in small.targets:
                                if type(t.target) is cst.Name:
                                    names.add(t.target.value)
                        elif type(small) is cst.AnnAssign and type(small.target) is cst.Name:
                            names.add(small.target.value)
        out[stmt.name.value] = names
    for c in parsed.classes:
        if c.name in out:
            out[c.name].update(f.name for f in c.fields)
            out[c.name].update(m.name for m in c.methods)
    return out


class Classes:
    """What the structural rule needs of a module's classes: every member of each (inherited
    ones included), which are closed, which have subclasses."""

    def __init__(self, parsed: ParsedModule, module: cst.Module, self_attrs: dict[str, set[str]]) -> None:
        own = class_members(parsed, module, self_attrs)
        bases = {c.name: [b.split(".")[-1] if b.split(".")[0] in own else b for b in c.bases] for c in parsed.classes}
        self.members: dict[str, set[str]] = {}
        self.closed: set[str] = set()
        self.subclassed: set[str] = {b for bs in bases.values() for b in bs if b in own}
        # a class of the module defined twice (under `if`) or nested is not in `own`: unknown
        self.foreign = any(c.name not in own for c in parsed.classes)
        for name in own:
            members, closed, seen, todo = set(), True, set(), [name]
            while todo:
                c = todo.pop()
                if c in seen:
                    continue
                seen.add(c)
                members |= own.get(c, set())
                for b in bases.get(c, []):
                    if b in own:
                        todo.append(b)
                    elif b != "object":
                        closed = False  # a base from elsewhere: members not all known
            if bases.get(name) is None:
                closed = False
            self.members[name] = members
            if closed:
                self.closed.add(name)
        self.open = set(own) - self.closed

    def only_class(self, used: set[str]) -> str | None:
        """The one class of the module whose instances `used` (attribute and method names used
        on one value) fits, or None when none, several, or one that cannot be told apart."""
        used = {n for n in used if not n.startswith("__")}
        if not used or self.foreign or all(n in COMMON_NAMES or n in rules.RECEIVER_KIND for n in used):
            return None
        fits = [c for c, m in self.members.items() if used <= m]
        if len(fits) != 1:
            return None
        c = fits[0]
        if c not in self.closed or c in self.subclassed:
            return None
        # A class with a base from elsewhere may have every used name through that base.
        if any(not (used - self.members[o]) or used & self.members[o] for o in self.open):
            return None
        return c
