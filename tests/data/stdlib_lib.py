"""The standard-library mappings, one function per name (tests/test_stdlib.py)."""
import bisect
import datetime
import fractions
import functools
import hashlib
import heapq
import itertools
import json
import math
import re
import string
from collections import Counter, defaultdict, deque, namedtuple
from datetime import timedelta
from fractions import Fraction
from functools import lru_cache, partial, reduce
from typing import Optional

WORD = re.compile(r"[a-z]+(\d*)", re.IGNORECASE)
Pt = namedtuple("Pt", ["x", "y"])
Span = namedtuple("Span", "a b size")
Tag = namedtuple("Tag", "name, weight", defaults=(1.5,))
_Entry = namedtuple("Entry", "size label")


class Pair(namedtuple("Pair", "a b")):
    __slots__ = ()

    def total(self) -> int:
        return self.a * 10 + self.b


def re_search(s: str) -> int:
    m = re.search(r"(\d+)", s)
    if m:
        return int(m.group(1))
    return -1


def re_span(s: str) -> tuple[int, int]:
    m = re.search("b+", s)
    if m is None:
        return (-1, -1)
    return m.span()


def re_match_groups(s: str) -> tuple[str, str]:
    m = re.match(r"(?P<key>\w+)\s*=\s*(\w*)", s)
    if m is None:
        return ("", "")
    return m.groups()


def re_match_end(s: str) -> bool:
    return bool(re.match(r"^ab$", s))


def re_fullmatch(s: str) -> bool:
    return re.fullmatch(r"[A-Za-z_]\w*", s) is not None


def re_findall(s: str) -> list[str]:
    return re.findall(r"[a-z]+", s, re.I)


def re_findall_pairs(s: str) -> list[tuple[str, str]]:
    return re.findall(r"(\w)=(\w)", s)


def re_sub(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def re_sub_groups(s: str) -> str:
    pat = re.compile(r"(\w+)@(\w+)")
    return pat.sub(r"\2 at \1 ($)", s)


def re_sub_count(s: str) -> str:
    return re.sub("a|b", "-", s, count=2)


def re_split(s: str) -> list[str]:
    return re.split(r"[,;]\s*", s)


def re_split_keep(s: str) -> list[str]:
    return re.split(r"(-)", s, maxsplit=2)


def re_quantifier(s: str) -> list[str]:
    return re.findall(r"x{,2}y{1}[]z]", s)


def re_space(s: str) -> list[str]:
    return re.split(r"\s", s)


def math_floor(x: float) -> int:
    return math.floor(x)


def math_ceil(x: float) -> int:
    return math.ceil(x)


def math_sqrt(x: float) -> float:
    return math.sqrt(x)


def math_gcd(a: int, b: int) -> int:
    return math.gcd(a, b)


def math_isqrt(n: int) -> int:
    return math.isqrt(n)


def math_log(x: float) -> float:
    return math.log(x)


def math_log_base(x: float, b: float) -> float:
    return math.log(x, b)


def math_exp(x: float) -> float:
    return math.exp(x)


def math_trig(x: float) -> float:
    return math.sin(x) + math.cos(x) * math.pi + math.e


def math_isclose(a: float, b: float) -> bool:
    return math.isclose(a, b)


def math_inf(x: float) -> bool:
    return x < math.inf


def counter_most(s: str) -> list[tuple[str, int]]:
    return Counter(s).most_common(2)


def default_groups(words: list[str]) -> int:
    d = defaultdict(list)
    for w in words:
        d[len(w)].append(w)
    return len(d)


def deque_rotate(items: list[int]) -> int:
    q = deque(items)
    q.append(0)
    return q.popleft()


def chain_all(a: list[int], b: list[int]) -> list[int]:
    return list(itertools.chain(a, b))


def product_pairs(a: list[int], b: list[int]) -> int:
    return len(list(itertools.product(a, b)))


def perms(a: list[int]) -> int:
    return len(list(itertools.permutations(a, 2)))


def combos(a: list[int]) -> int:
    return len(list(itertools.combinations(a, 2)))


def running(a: list[int]) -> list[int]:
    return list(itertools.accumulate(a))


def total(a: list[int]) -> int:
    return reduce(lambda x, y: x * y, a, 1)


def letters() -> str:
    return string.ascii_lowercase + string.digits


def insert_at(a: list[int], x: int) -> int:
    return bisect.bisect_left(a, x)


def smallest(a: list[int]) -> int:
    h = list(a)
    heapq.heapify(h)
    heapq.heappush(h, 100)
    return heapq.heappop(h)


def math_pow(x: float, y: float) -> float:
    return math.pow(x, y)


def math_hyper(x: float) -> float:
    return math.sinh(x) + math.cosh(x) + math.tanh(x)


def re_module_pattern(s: str) -> tuple[list[str], bool, str]:
    m = WORD.match(s)
    return (WORD.findall(s), m is not None, WORD.sub("<\\g<0>>", s))


def top_two(a: list[int]) -> list[int]:
    return heapq.nlargest(2, a)


def insort_all(a: list[int]) -> list[int]:
    out: list[int] = []
    for x in a:
        bisect.insort(out, x)
    return out


def runs(s: str) -> list[tuple[str, int]]:
    return [(k, len(list(g))) for k, g in itertools.groupby(s)]


def counter_update(a: str, b: str) -> int:
    c = Counter(a)
    c.update(b)
    return c["x"]


def re_ascii(s: str) -> list[str]:
    return re.findall(r"\b\w+\b|\s\d", s, re.ASCII)


# formatting (issue 12, item 2): floats and strings as Python prints them
def fmt_float(x: float) -> list[str]:
    return [f"{x}", str(x), repr(x), f"{x:.2f}", f"{x:>10.3f}", f"{x:e}", f"{x:.3E}", f"{x:g}", f"{x:.3}",
            f"{x:,}", f"{x:_.2f}", f"{x:+.1%}", f"{x:010.2f}", f"{x:*^12g}", f"{x: G}", f"{x:#.0f}", f"{x:z.1f}",
            f"{x:012,.1f}", format(x, "n"), format(x), f"{x:<8}|", f"{x:#g}", f"{x:.0e}", f"{x:F}"]


def fmt_int(n: int) -> list[str]:
    return [f"{n}", f"{n:>6}", f"{n:<6}|", f"{n:^7}", f"{n:06}", f"{n:+}", f"{n: }", f"{n:,}", f"{n:_}",
            f"{n:010,}", f"{n:#x}", f"{n:#010b}", f"{n:_X}", f"{n:o}", f"{n:=+8}", f"{n:*<+6d}", f"{n:e}",
            f"{n:.1%}", f"{n:<05}", format(n, "08_"), f"{n:n}", f"{n:#o}", f"{n:x<4}"]


def fmt_char(n: int) -> str:
    return f"{n:c}|{n:>3c}|" + "%c" % n


def fmt_str(s: str) -> list[str]:
    return [f"{s:>8}", f"{s:<8}|", f"{s:^9}", f"{s:*^9}", f"{s:.2}", f"{s:>6.3}", f"{s:05}", f"{s!r:>10}",
            format(s, "s"), "{0!r}-{0!s}-{0:}".format(s), f"{s!s:~^7}", f"{s:}"]


def fmt_bool(b: bool) -> list[str]:
    return [f"{b}", f"{b:>5}", f"{b:d}", "{}".format(b), format(b, ""), f"{b!r}", "%s %d" % (b, b)]


def fmt_dynamic(x: float, w: int, p: int) -> str:
    return f"[{x:>{w}.{p}f}] [{w:{p}}] [{'ab':^{w}}]"


def fmt_percent(x: float, n: int, s: str) -> str:
    return "%s|%r|%5.2f|%-6d|%+d|% d|%05d|%x|%#o|%e|%.3g|%G|%10s|%-4s|%.2s|%%|%i|%d|%.f|%#x" % (
        s, s, x, n, n, n, n, n, n, x, x, x, s, s, s, n, x, x, n)


def fmt_named(x: float, s: str) -> str:
    return "{name:>6}|{0:.1f}|{1!r}|{{}}|{0:+08.2f}".format(x, s, name=s)


def fmt_escapes(s: str) -> str:
    return f"a\n{s}\t\"q\"\\\x41{{}}" + "{}\u00e9\n".format(s) + rf"\d{s}" + f"""x\
y{s}"""


# hashlib (md-5, sha1, sha2)
def hashes(s: str) -> list[str]:
    return [hashlib.md5(s.encode()).hexdigest(), hashlib.sha1(s.encode("utf-8")).hexdigest(),
            hashlib.sha256(s.encode()).hexdigest()]


def md5_ascii(s: str) -> str:
    return hashlib.md5(s.encode("ascii")).hexdigest()


# re: finditer, subn, named groups
def re_finditer(s: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group("w")) for m in re.finditer(r"(?P<w>\w)\w*", s)]


def re_subn(s: str) -> tuple[str, int]:
    a, n = re.subn(r"a+", "<\\g<0>>", s)
    b = WORD.subn("w", s, 2)
    return (a + "|" + b[0], n + b[1])


def re_groupdict(s: str) -> dict[str, str]:
    m = re.match(r"(?P<key>\w+)\s*=\s*(?P<val>\w*)", s)
    if m is None:
        return {}
    return m.groupdict()


def re_named_span(s: str) -> tuple[int, int, str]:
    m = WORD.search(s)
    if m is None:
        return (-1, -1, "")
    return (m.start(1), m.end(1), m.group(1))


# json.dumps (Python's exact text)
def json_plain(d: dict[str, list[float]]) -> str:
    return json.dumps(d) + "|" + json.dumps(d, ensure_ascii=False)


def json_indent(d: dict[int, tuple[bool, str]]) -> list[str]:
    return [json.dumps(d, indent=2, sort_keys=True), json.dumps(d, indent=""), json.dumps(d, separators=(",", ":")),
            json.dumps([list(d.keys()), None], indent="\t")]


# json.loads where the type is declared (serde_json, preserve_order + arbitrary_precision)
def json_load_dict(s: str) -> dict[str, list[int]]:
    return json.loads(s)


def json_load_scores(s: str) -> list[str]:
    try:
        scores: dict[str, Optional[float]] = json.loads(s)
    except ValueError:
        return ["invalid"]
    return [f"{k}={v!r}" for k, v in scores.items()]


def json_load_round_trip(s: str) -> str:
    try:
        names: list[str] = json.loads(s)
        return json.dumps(names) + json.dumps(names, ensure_ascii=False, indent=1)
    except json.JSONDecodeError:
        return "JSONDecodeError"


def repr_text(s: str) -> list[str]:
    return [repr(s), str([s, "x"]), f"{s!r}", "%r" % s, ascii(s), f"{s!a:>12}", "{!a}".format([s]), "%a" % s]


def fmt_mapping(d: dict[str, int], name: str) -> str:
    return "%(a)5d|%(a)#x|%(b)s|%(a)-4d|" % d + "%(n)r %(n)s %%" % {"n": name}


def capwords(s: str, sep: str) -> list[str]:
    return [string.capwords(s), string.capwords(s, sep), string.capwords(s, None)]


# functools caches: a real memo (fib(80) uncached would not finish)
@functools.cache
def fib_cached(n: int) -> int:
    if n < 2:
        return n
    return fib_cached(n - 1) + fib_cached(n - 2)


@lru_cache(maxsize=None)
def grid_paths(r: int, c: int) -> int:
    if r == 0 or c == 0:
        return 1
    return grid_paths(r - 1, c) + grid_paths(r, c - 1)


@lru_cache(maxsize=4096)
def edit_distance(a: str, b: str) -> int:
    if not a or not b:
        return len(a) + len(b)
    if a[0] == b[0]:
        return edit_distance(a[1:], b[1:])
    return 1 + min(edit_distance(a[1:], b), edit_distance(a, b[1:]), edit_distance(a[1:], b[1:]))


@functools.lru_cache()
def halves(n: int) -> int:
    if n < 0:
        raise ValueError(f"negative: {n}")
    return n + halves(n // 2) if n > 0 else 0


def offset(a: int, b: int, k: int = 1) -> int:
    return a + b * k


def partial_calls(xs: list[int], c: int) -> list[int]:
    add_c = functools.partial(offset, c)
    triple = partial(offset, k=3)
    near = sorted(xs, key=partial(lambda a, b: abs(a - b), c))
    return [add_c(x) for x in xs] + [triple(x, 1) for x in xs] + near + list(map(partial(offset, 1, 2), xs))


def re_escape(s: str) -> str:
    return re.escape(s)


def date_parts(y: int, m: int, d: int) -> tuple[int, int, int, str, int, int]:
    day = datetime.date(y, m, d)
    return (day.weekday(), day.isoweekday(), day.toordinal(), day.isoformat(), day.year, day.month + day.day)


def date_order(y: int, m: int) -> list[bool]:
    a = datetime.date(y, m, 1)
    b = datetime.date(year=y, month=1, day=31)
    return [a < b, a == b, a >= b, a != datetime.date(y, m, 1)]


def cal_weekday(year, month, day):
    """calendar.weekday as the standard library writes it (no annotations)."""
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        year = 2000 + year % 400
    return datetime.date(year, month, day).weekday()


def iso_date(s: str) -> tuple[int, int, int]:
    d = datetime.date.fromisoformat(s)
    return (d.year, d.month, d.day)


# datetime.timedelta and date arithmetic

def td_parts(d: int, s: int, us: int) -> list[str]:
    t = datetime.timedelta(days=d, seconds=s, microseconds=us)
    u = timedelta(hours=1, minutes=-30, weeks=1, milliseconds=5)
    return [str(t), str(-t), str(abs(t)), str(t + u), str(t - u), str(t * 3), str(2 * t), str(t // 7), str(t / 7),
            f"{t.days} {t.seconds} {t.microseconds}", str(t.total_seconds()), str(t < u), str(t == -(-t))]


def td_ratio(a: int, b: int) -> list[str]:
    x = timedelta(seconds=a)
    y = timedelta(milliseconds=b)
    return [str(x / y), str(x // y), str(x % y)]


def date_shift(y: int, m: int, d: int, days: int) -> list[str]:
    start = datetime.date(y, m, d)
    later = start + timedelta(days=days)
    earlier = start - timedelta(days=days, hours=5)
    return [str(later), str(earlier), str(later - start), str((later - earlier).days), later.isoformat()]


# fractions.Fraction on num-rational's BigRational

def frac_ops(a: int, b: int, c: int, d: int) -> list[str]:
    x = Fraction(a, b)
    y = fractions.Fraction(c, d)
    return [str(x), str(x + y), str(x - y), str(x * y), str(x / y), str(x // y), str(-x), str(x + 1), str(2 * x),
            str(float(x)), str(x < y), str(x == y), f"{x.numerator}/{x.denominator}", str(x * 0.5)]


def frac_float(v: float) -> str:
    return str(Fraction(v))


# naive datetime.datetime

def dt_parts(y: int, mo: int, d: int, h: int, mi: int, s: int, us: int) -> list[str]:
    t = datetime.datetime(y, mo, d, h, mi, s, us)
    later = t + timedelta(days=40, seconds=3700, microseconds=999999)
    return [str(t), t.isoformat(), t.isoformat(" "), str(later), str(later - t), str(t - later), str(t < later),
            str(t.date()), f"{t.hour}:{t.minute}:{t.second}.{t.microsecond} {t.weekday()}",
            t.strftime("%Y-%m-%d %H:%M:%S.%f %a %A %b %B %j %U %W %w %y %I %p %e %% %c|%x|%X|%z|%Q")]


def dt_span(y: int, days: int) -> str:
    start = datetime.datetime(y, 1, 1)
    return str(start - timedelta(days=days)) + " " + str(start + timedelta(days=days))


def lib_reprs(y: int, n: int) -> list[str]:
    d = datetime.date(y, 1, 2)
    t = datetime.datetime(y, 1, 2, 3, 0, n)
    return [repr(d), repr(t), repr(datetime.datetime(y, 1, 2, 3, 4, 5, n)), repr(timedelta(seconds=n)),
            repr(timedelta(0)), f"{d!r} {Fraction(n, 4)!r}", repr(Fraction(n, 4)), "%r" % timedelta(days=-1)]



# collections.namedtuple: field types from the construction sites and defaults


def nt_point(x: int, y: int) -> list[str]:
    p = Pt(x, y)
    q = p._replace(y=y * 2)
    return [repr(p), repr(q), str(p == q), str(p == Pt(y=y, x=x)), str(q), f"{p}"]


def nt_access(x: int, y: int) -> int:
    p = Pt(y=y, x=x)
    a, b = p
    return a * 10 + b + p[0] * 100 + p.y * 1000 + len(p) + sum([v for v in p])


def nt_longest(xs: list[int]) -> tuple[int, int, int]:
    besti, bestsize = 0, 0
    i = 0
    while i < len(xs):
        j = i
        while j < len(xs) and xs[j] == xs[i]:
            j += 1
        if j - i > bestsize:
            besti, bestsize = i, j - i
        i = j
    m = Span(besti, besti + bestsize, bestsize)
    return (m.a, m.b, m.size)


def nt_tags(name: str) -> list[str]:
    t = Tag(name)
    u = Tag(name + "!", 2.0)
    return [repr(t), repr(u), str(t.weight + u.weight), repr(u._replace(name=""))]


def nt_base(n: int) -> list[str]:
    p = Pair(n, b=n - 1)
    return [repr(p), str(p.total()), str(p[1] + len(p)), str(p == Pair(n, n - 1))]


def nt_make(name: str, w: float) -> Tag:
    return Tag(name, w)


def nt_dict(x: int, y: int) -> dict[str, int]:
    p = Pt(x, y)
    return p._asdict()


# re.Match as a parameter (pygments' lexer callbacks): the pattern is the caller's
def match_parts(m: re.Match) -> list[str]:
    return [m.group(), m.group(1), str(m.start(1)), str(m.end()), str(m.span(1)), m.string, str(m.start(2))]


def match_named(m: "re.Match[str]") -> dict[str, str]:
    d = m.groupdict()
    d["again"] = m.group("key")
    return d


def lexer_callback(lexer: int, match: re.Match) -> list[tuple[int, str]]:
    out = [(match.start(), match.group(0))]
    if match.group(1) in ("if", "else"):
        out.append((lexer, "keyword"))
    return out


# library values as parameters, results and inside containers
def days_apart(a: datetime.date, b: datetime.date) -> int:
    return (b - a).days


def shifted(ds: list[datetime.date], by: datetime.timedelta) -> list[datetime.date]:
    return [d + by for d in ds]


def lib_containers(d: datetime.date, n: int) -> str:
    spans = {"a": timedelta(days=n), "b": timedelta(seconds=-n)}
    pair = (d, Fraction(n, 3))
    moments = [datetime.datetime(d.year, d.month, d.day, 1, 2, 3, n)]
    return f"{[d, d]} {spans} {pair} {moments}"


def halved(f: Fraction) -> Fraction:
    return f / 2


def next_hour(t: datetime.datetime) -> datetime.datetime:
    return t + timedelta(hours=1)


# a namedtuple bound to another name than its typename (urllib.parse, functools' CacheInfo), _make, _fields
def nt_typename(n: int, s: str) -> list[str]:
    e = _Entry(n, s)
    return [repr(e), str(e), f"{e!r}", str(_Entry._fields), str(e.size + 1)]


def nt_from(t: tuple[int, int], xs: list[int]) -> list[str]:
    a = Pt._make(t)
    b = Pt._make(xs)
    return [repr(a), repr(b), str(Pt._fields), str(a == b)]


# timedelta of float parts: CPython's accumulation and round-half-even of the leftover
def td_float(h: float, us: float) -> list[str]:
    out = [str(timedelta(hours=h)), repr(timedelta(microseconds=us)), str(timedelta(days=1, microseconds=us))]
    out.append(str(timedelta(weeks=h / 1000, seconds=3, milliseconds=us)))
    out.append(str(timedelta(0, h, us, 0.25, 1.0 / 3)))
    return out


# datetime.time: construction, fields, str/repr/isoformat, order, dt.time(), datetime.combine
def clock(h: int, m: int, s: int, us: int) -> list[str]:
    t = datetime.time(h, m, s, us)
    noon = datetime.time(12)
    dt = datetime.datetime.combine(datetime.date(2024, 2, 29), t)
    return [str(t), repr(t), t.isoformat(), str(t < noon), str(t.hour + t.minute + t.second + t.microsecond),
            str(dt), str(dt.time() == t), repr([t, noon]), str(datetime.time())]


def later_of(a: datetime.time, b: datetime.time) -> datetime.time:
    return max(a, b) if a != b else a


# Pattern.match/search/fullmatch(s, pos) (pygments' rexmatch(text, pos)): a lexer loop
TOKEN = re.compile(r"(\w+)|(\s+)|([^\w\s])")


def lex_words(text: str) -> list[str]:
    out = []
    pos = 0
    while True:
        m = TOKEN.match(text, pos)
        if m is None:
            break
        out.append(f"{m.start()}:{m.group()}")
        pos = m.end()
    tail = WORD.search(text, 3)
    out.append("none" if tail is None else str(tail.span()))
    anchored = re.compile(r"^a").match(text, 1)
    out.append(str(anchored is None))
    whole = re.compile(r"\d+").fullmatch(text, 2)
    out.append("none" if whole is None else whole.group())
    return out


# re with look-around and back-references (fancy-regex)
STRONG = re.compile(r"^(?=.*\d)(?=.*[a-z])(?=.*[A-Z]).{8,}\Z")


def re_strong_password(s: str) -> bool:
    return STRONG.match(s) is not None


def re_doubled(s: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"(\w)\1", s)]


def re_prices(s: str) -> list[str]:
    return re.findall(r"(?<=\$)\d+(?:\.\d\d)?(?![\d.])", s)


def re_sub_backref(s: str) -> tuple[str, int, int]:
    m = re.search(r"(?P<q>['\"])(.*?)(?P=q)", s)
    where = m.start(2) if m is not None else -1
    return re.sub(r"\b(\w+) \1\b", r"\1", s), where, len(re.split(r"(?<=,)(?! )", s))


def re_dynamic_fancy(pattern: str, s: str) -> str:
    m = re.compile(pattern).search(s)
    return m.group(0) if m is not None else "-"


DOUBLE = re.compile(r"(\w)\1")


def re_fancy_more(s: str) -> tuple[list[str], tuple[str, int], list[tuple[str, str]], int]:
    parts = re.split(r"(?<=\d)(?=[a-z])", s)
    counted = re.subn(r"(?<![a-z])(\d)\1", r"<\1>", s)
    pairs = re.findall(r"(\w)(\w)(?=\2)", s)
    m = DOUBLE.search(s, 2)
    return parts, counted, pairs, m.start() if m is not None else -1


# atomic groups and possessive quantifiers (Python 3.11): fancy-regex's own syntax
def re_atomic(s: str) -> tuple[list[str], list[str], int, bool, str]:
    numbers = re.findall(r"(?>0*)\d{3,}", s)
    possessive = re.findall(r"0*+\d{3,}", s)
    m = re.search(r"(?>::.*?::)apple", s)
    return numbers, possessive, m.start() if m is not None else -1, re.fullmatch(r"a*+a", s) is not None, re.sub(r"a++b", "-", s)
