"""Roots of stub callers (issue 11, PTL137): patterns compiled at run time (pygments'
`shebang_matches`/`doctype_matches`), a parameter rebound with another type in a branch, and
`itertools.repeat` (calendar's `itermonthdays`)."""

import re
from itertools import repeat

split_path_re = re.compile(r'[/\\ ]')


def shebang_matches(text: str, regex: str) -> bool:
    index = text.find('\n')
    if index >= 0:
        first_line = text[:index].lower()
    else:
        first_line = text.lower()
    if first_line.startswith('#!'):
        try:
            found = [x for x in split_path_re.split(first_line[2:].strip()) if x and not x.startswith('-')][-1]
        except IndexError:
            return False
        regex = re.compile(rf'^{regex}(\.(exe|cmd|bat|bin))?$', re.IGNORECASE)
        if regex.search(found) is not None:
            return True
    return False


def is_python(text: str) -> bool:
    """A caller of the root with a literal pattern (pygments' `analyse_text`)."""
    return shebang_matches(text, r'pythonw?(3(\.\d)?)?')


def doctype_matches(text: str, regex: str) -> bool:
    return re.compile(regex, re.I).match(text.strip()) is not None


def first_at(pattern: str, s: str) -> int:
    m = re.search(pattern, s)
    if m is None:
        return -1
    return m.start()


def matched(pattern: str, s: str) -> str:
    m = re.compile(pattern).match(s)
    if m is None:
        return "-"
    return m.group(0) + "|" + m.group(1)


def whole(pattern: str, s: str, flags: int) -> bool:
    return re.compile(pattern, flags).fullmatch(s) is not None


def padded(n: int, k: int) -> list[int]:
    out = list(repeat(7, n))
    out.extend(range(k))
    return out


def month_days(before: int, ndays: int, after: int):
    yield from repeat(0, before)
    yield from range(1, ndays + 1)
    yield from repeat(0, after)


def month_row(before: int, ndays: int) -> list[int]:
    return list(month_days(before, ndays, (7 - before - ndays) % 7))


def dashes(n: int) -> str:
    return "".join(repeat("-=", n))


class Matcher:
    """A field holding a pattern compiled at run time (configparser's `_optcre`)."""

    def __init__(self, word: str) -> None:
        self.rx = re.compile(word + "+")

    def hits(self, s: str) -> bool:
        return self.rx.search(s) is not None


def matcher_hits(word: str, s: str) -> bool:
    return Matcher(word).hits(s)


xml_decl_re = re.compile(r'\s*<\?xml[^>]*\?>', re.I)
tag_re = re.compile(r'<(.+?)(\s.*?)?>.*?</.+?>', re.I | re.S)
doctype_lookup_re = re.compile(r'<!DOCTYPE\s+([a-zA-Z_][a-zA-Z0-9]*)(?: \s+ [^>]*)? >', re.DOTALL | re.MULTILINE | re.VERBOSE)
_looks_like_xml_cache = {}


def looks_like_xml(text: str) -> bool:
    """pygments.util's: a memo cache of a module-level dict (portalis/memo_caches.py)."""
    if xml_decl_re.match(text):
        return True
    key = hash(text)
    try:
        return _looks_like_xml_cache[key]
    except KeyError:
        m = doctype_lookup_re.search(text)
        if m is not None:
            return True
        rv = tag_re.search(text[:1000]) is not None
        _looks_like_xml_cache[key] = rv
        return rv


def xml_score(text: str) -> float:
    if looks_like_xml(text):
        return 0.45
    return 0.0
