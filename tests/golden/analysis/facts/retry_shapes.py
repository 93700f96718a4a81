"""The shapes of the standard-library functions lowering used to learn a local's type in by
lowering them again (`Retry`, deleted: docs/inference.md "Facts per binding"), written small:
the analysis types each local, so lowering is one pass and refuses nothing here."""
import itertools
import re
from collections import defaultdict
from itertools import groupby
from typing import Dict, List, Optional, Tuple

TOKEN = re.compile(r"(\w+)|(\s+)")


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


# The shapes of the tests' own functions whose locals only lowering's `Retry` typed:


def running_max(xs: List[int]) -> List[int]:
    # an Optional narrowed by a conditional expression's None test
    out = []
    best = None
    for x in xs:
        best = x if best is None else max(best, x)
        out.append(best)
    return out


def pairs_with_previous(numbers: List[int]) -> List[Optional[int]]:
    # an Optional name appended as it is: the list's elements are Optional
    prev = None
    pairs = []
    for n in numbers:
        pairs.append(prev)
        prev = n
    return pairs


def group_by_initial(words: List[str]) -> Dict[str, List[str]]:
    # a defaultdict(list) filled through `d[k].append(x)`
    groups = defaultdict(list)
    for w in words:
        groups[w[0]].append(w)
    return groups


def tally(words: List[str]) -> Dict[str, int]:
    # a defaultdict(int) filled through `d[k] += 1`
    counts = defaultdict(int)
    for w in words:
        counts[w] += 1
    return counts


def split_into(xs: List[int], sizes: List[int]) -> List[List[int]]:
    # `list(itertools.islice(it, n))` of an iterator
    it = iter(xs)
    out = []
    for size in sizes:
        out.append(list(itertools.islice(it, size)))
    return out


def rows_of(header: List[str], lines: List[str]) -> List[Dict[str, str]]:
    # `dict(zip(keys, values))`
    rows = []
    for line in lines:
        rows.append(dict(zip(header, line.split(","))))
    return rows


def runs(words: List[str]) -> List[Tuple[str, List[str]]]:
    # `itertools.groupby` with a lambda key
    out = []
    for key, group in groupby(sorted(words), key=lambda w: w[0]):
        out.append((key, list(group)))
    return out


def leaves(tree: Dict[str, List[str]], root: str) -> List[str]:
    # a list a nested function appends to
    result = []

    def dfs(node: str) -> None:
        children = tree.get(node, [])
        if not children:
            result.append(node)
        for c in children:
            dfs(c)

    dfs(root)
    return result


def tokens(text: str) -> List[str]:
    # a pattern's match, narrowed by `if m is None: break` and by a conditional expression
    out = []
    pos = 0
    while True:
        m = TOKEN.match(text, pos)
        if m is None:
            break
        out.append(f"{m.start()}:{m.group()}")
        pos = m.end()
    tail = TOKEN.search(text, 1)
    out.append("none" if tail is None else tail.group())
    return out
