"""The shapes of the standard-library functions lowering used to learn a local's type in by
lowering them again (`Retry`, deleted: docs/inference.md "Facts per binding"), written small:
the analysis types each local, so lowering is one pass and refuses nothing here."""
from typing import List, Optional, Tuple


class Lexer:
    # email._parseaddr.AddrlistClass.gotonext: a list filled with values read through `self`
    def __init__(self, field: str) -> None:
        self.field = field
        self.pos = 0
        self.comments: List[str] = []

    def gotonext(self) -> str:
        wslist = []
        while self.pos < len(self.field):
            if self.field[self.pos] in " \t\n\r":
                if self.field[self.pos] not in "\n\r":
                    wslist.append(self.field[self.pos])
                self.pos += 1
            elif self.field[self.pos] == "(":
                self.comments.append(self.field[self.pos:])
                self.pos = len(self.field)
            else:
                break
        return "".join(wslist)


def params_of(items: List[str]) -> List[Tuple[str, str]]:
    # email.message.Message._get_params_preserve: `(name, val)` bound inside a `try` and its handler
    params = []
    for p in items:
        try:
            name, val = p.split("=", 1)
            name = name.strip()
            val = val.strip()
        except ValueError:
            name = p.strip()
            val = ""
        params.append((name, val))
    return params


def group_str(display_name: Optional[str], addresses: List[str]) -> str:
    # email.headerregistry.Group.__str__: a str that may be None, narrowed by `is not None`
    if display_name is None and len(addresses) == 1:
        return addresses[0]
    disp = display_name
    if disp is not None and " " in disp:
        disp = '"' + disp + '"'
    adrstr = ", ".join(x for x in addresses)
    adrstr = " " + adrstr if adrstr else adrstr
    return "{}:{};".format(disp, adrstr)


def encode(chunks: List[str]) -> int:
    # email.header.Header.encode: an Optional[bool] that starts as None
    transitions = 0
    hasspace = None
    for string in chunks:
        if hasspace is not None:
            hasspace = bool(string) and string[0] == " "
            if not hasspace:
                transitions += 1
        hasspace = False
    return transitions


def translate(pat: str) -> str:
    # fnmatch.translate: appends through a bound method (`add = res.append`), values typed
    res = []
    add = res.append
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        i = i + 1
        if c == "*":
            if not res or res[-1] != ".*":
                add(".*")
        elif c == "?":
            add(".")
        else:
            add(c)
    return "".join(res)


def shortest_margin(indents: List[str]) -> str:
    # textwrap.dedent: an Optional[str] decided by narrowing (`if margin is None: margin = indent`)
    margin = None
    for indent in indents:
        if margin is None:
            margin = indent
        elif len(indent) < len(margin):
            margin = indent
    if margin is None:
        return ""
    return margin
