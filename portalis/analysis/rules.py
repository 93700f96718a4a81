"""What builtins, methods and operators say about types, for the evidence pass: which receiver a
method implies, what a builtin's parameters must be, what a call returns.

Only facts that hold in Python for every value are written here: `.append` exists on lists
(of the types the translator maps) and nowhere else, `ord()` takes a one-character str, `x + 1`
with x a str raises. Methods several types share (`count`, `index`, `pop`, `copy`, `update`)
imply nothing about their receiver.
"""

from __future__ import annotations

from portalis.model import PyType
from portalis.types import pytypes as T

# Methods only one of the translated types has: calling one tells the receiver's kind.
STR_ONLY = frozenset(
    "lower upper strip lstrip rstrip split rsplit splitlines startswith endswith isdigit isalpha isalnum "
    "isspace isupper islower istitle isdecimal isnumeric isidentifier isprintable isascii join replace find "
    "rfind rindex title capitalize casefold swapcase center ljust rjust zfill partition rpartition expandtabs "
    "format format_map encode removeprefix removesuffix".split()
)
# str methods that date, datetime and time have too (a `.replace()` is not a str's alone)
DATE_METHODS_TOO = frozenset({"replace"})
LIST_ONLY = frozenset("append extend insert sort reverse".split())
DICT_ONLY = frozenset("items keys values get setdefault popitem fromkeys".split())
SET_ONLY = frozenset(
    "add discard union intersection difference symmetric_difference issubset issuperset isdisjoint "
    "intersection_update difference_update symmetric_difference_update".split()
)

# `.decode()` exists on bytes and bytearray only (`.hex()` floats have too; the others str has).
BYTES_ONLY = frozenset(("decode",))
# `.group()`/`.groupdict()`: a `re.Match` (pygments' `def callback(lexer, match)`); a class of the
# module defining one is excluded by the evidence pass, as for every name here.
MATCH_ONLY = frozenset(("group", "groupdict"))
RE_MATCH = PyType(kind="re_match")  # a match whose pattern is the caller's (groups read at run time)
# Results of a match's methods (`m.group(1)`: a str, as the lowering types groups).
MATCH_RESULTS: dict[str, PyType] = {"start": T.INT, "end": T.INT, "span": T.tuple_of(T.INT, T.INT),
                                    "groupdict": T.dict_of(T.STR, T.STR)}

RECEIVER_KIND: dict[str, str] = {
    **{m: "str" for m in STR_ONLY}, **{m: "list" for m in LIST_ONLY},
    **{m: "dict" for m in DICT_ONLY}, **{m: "set" for m in SET_ONLY}, **{m: "bytes" for m in BYTES_ONLY},
    **{m: "re_match" for m in MATCH_ONLY},
}

# Results of str methods (the receiver a str).
STR_RESULTS: dict[str, PyType] = {
    **{m: T.STR for m in "lower upper strip lstrip rstrip replace title capitalize casefold swapcase center ljust "
       "rjust zfill expandtabs format format_map join removeprefix removesuffix translate".split()},
    **{m: T.list_of(T.STR) for m in ("split", "rsplit", "splitlines")},
    **{m: T.BOOL for m in "startswith endswith isdigit isalpha isalnum isspace isupper islower istitle isdecimal "
       "isnumeric isidentifier isprintable isascii".split()},
    **{m: T.INT for m in ("find", "rfind", "index", "rindex", "count")},
    "partition": T.tuple_of(T.STR, T.STR, T.STR), "rpartition": T.tuple_of(T.STR, T.STR, T.STR),
    "encode": T.BYTES,
}

# Results of bytes methods (the receiver bytes; a bytearray's own methods keep it a bytearray
# where Python does: `RECEIVER` below).
RECEIVER = PyType(kind="receiver")  # stands for the receiver's own type
BYTES_RESULTS: dict[str, PyType] = {
    **{m: RECEIVER for m in "lower upper strip lstrip rstrip replace join translate copy".split()},
    "split": T.list_of(RECEIVER), "rsplit": T.list_of(RECEIVER),
    **{m: T.BOOL for m in "startswith endswith isdigit isalpha isalnum isspace isupper islower".split()},
    **{m: T.INT for m in ("find", "rfind", "index", "rindex", "count")},
    "decode": T.STR, "hex": T.STR,
}
# `base64` and `binascii` functions the lowering maps: each takes bytes first and returns bytes.
BYTES_MODULES: dict[str, frozenset[str]] = {
    "base64": frozenset(
        "b64encode b64decode standard_b64encode standard_b64decode urlsafe_b64encode urlsafe_b64decode "
        "b16encode b16decode b32encode b32decode b32hexencode b32hexdecode".split()),
    "binascii": frozenset("hexlify unhexlify b2a_hex a2b_hex b2a_base64 a2b_base64".split()),
}

# `unicodedata.ucd_3_2_0` (the Unicode 3.2 database, imported as a namespace: parse.py's
# NAMESPACE_OBJECTS): character properties taking one character (a str) and giving a str.
UCD_3_2 = "unicodedata.ucd_3_2_0"
UCD_STR_FUNCTIONS = frozenset(("category", "bidirectional"))

# str methods whose arguments are strs (all of them), or ints (the first one).
STR_ARG_METHODS = frozenset(
    "split rsplit replace find rfind index rindex count partition rpartition removeprefix removesuffix "
    "strip lstrip rstrip".split()
)
STR_PREFIX_METHODS = frozenset(("startswith", "endswith"))  # a str or a tuple of strs
INT_ARG_METHODS = frozenset(("center", "ljust", "rjust", "zfill", "expandtabs"))

# Builtins whose parameters have one possible type: (name -> type of each positional argument).
BUILTIN_PARAMS: dict[str, tuple[PyType, ...]] = {
    "ord": (T.STR,), "chr": (T.INT,), "range": (T.INT, T.INT, T.INT), "hex": (T.INT,), "oct": (T.INT,),
    "bin": (T.INT,),
}
# Functions of `math` taking floats (ints are accepted too: a float parameter covers both).
MATH_FLOAT_ARGS = frozenset(
    "sqrt exp log log2 log10 sin cos tan asin acos atan atan2 sinh cosh tanh fabs hypot degrees radians "
    "floor ceil trunc isnan isinf isfinite copysign fmod modf frexp pow isclose".split()
)
MATH_INT_ARGS = frozenset(("gcd", "lcm", "factorial", "isqrt", "comb", "perm"))
MATH_RESULTS: dict[str, PyType] = {
    **{m: T.FLOAT for m in "sqrt exp log log2 log10 sin cos tan asin acos atan atan2 sinh cosh tanh fabs hypot "
       "degrees radians copysign fmod pow".split()},
    **{m: T.INT for m in ("floor", "ceil", "trunc", "gcd", "lcm", "factorial", "isqrt", "comb", "perm")},
    **{m: T.BOOL for m in ("isnan", "isinf", "isfinite", "isclose")},
    "fsum": T.FLOAT,
}
# `statistics` functions whose result is a float whatever the data (median_low/high give an
# element; mean, median, variance of ints an int or a float by value: not stated)
STATISTICS_RESULTS: dict[str, PyType] = {m: T.FLOAT for m in ("fmean", "stdev", "pstdev")}
RANDOM_RESULTS: dict[str, PyType] = {"random": T.FLOAT, "uniform": T.FLOAT, "randint": T.INT, "randrange": T.INT}
# Methods of objects the standard library makes (`datetime.date(y, m, d).weekday()`): their
# result types, by the (module, callable) that made the object. Types only: the evaluator reads
# them; whether lowering translates the call is lowering's business.
DATE = PyType(kind="date")  # a `datetime.date` (what lowering maps to pyrt::PyDate)
DATE_FIELDS = frozenset(("year", "month", "day"))
LIBRARY_METHOD_RESULTS: dict[tuple[str, str], dict[str, PyType]] = {
    ("datetime", "date"): {"weekday": T.INT, "isoweekday": T.INT, "toordinal": T.INT, "isoformat": T.STR,
                           "isocalendar": T.tuple_of(T.INT, T.INT, T.INT), "replace": DATE},
    ("datetime", "datetime"): {"weekday": T.INT, "isoweekday": T.INT, "toordinal": T.INT, "isoformat": T.STR,
                               "isocalendar": T.tuple_of(T.INT, T.INT, T.INT), "replace": PyType(kind="datetime"),
                               # aware datetimes: a naive one has no offset (None)
                               "utcoffset": T.optional(PyType(kind="timedelta")), "tzname": T.optional(T.STR),
                               "dst": T.optional(PyType(kind="timedelta")),
                               "astimezone": PyType(kind="datetime"), "timestamp": T.FLOAT, "strftime": T.STR,
                               "date": DATE},
    ("datetime", "timezone"): {"utcoffset": PyType(kind="timedelta"), "tzname": T.STR},
    # hash objects (`hashlib.md5(data).hexdigest()`)
    **{("hashlib", h): {"hexdigest": T.STR, "digest": T.BYTES}
       for h in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s")},
}
# `re`: what each function returns (findall's rows depend on the pattern's groups: only the
# group-less case is certain enough to state), and which argument is the string searched.
RE_RESULTS: dict[str, PyType] = {"sub": T.STR, "split": T.list_of(T.STR), "escape": T.STR}
RE_SUBJECT_ARG: dict[str, int] = {"search": 1, "match": 1, "fullmatch": 1, "findall": 1, "finditer": 1, "split": 1,
                                  "sub": 2, "subn": 2}
# `string`'s constants (all strs)
STRING_CONSTANTS = frozenset(
    "ascii_letters ascii_lowercase ascii_uppercase digits hexdigits octdigits punctuation printable whitespace".split())
MATH_CONSTANTS: dict[str, PyType] = {"pi": T.FLOAT, "e": T.FLOAT, "tau": T.FLOAT, "inf": T.FLOAT, "nan": T.FLOAT}

# Arithmetic: which operators an int literal operand pins to int (`x - 1`: x is a number, and
# with no float in sight an int; `x * 2` may repeat a sequence, so it does not).
INT_PINNING_OPS = frozenset(("+", "-", "//", "%", "**", "&", "|", "^", "<<", ">>"))
BITWISE_OPS = frozenset(("&", "|", "^", "<<", ">>"))

OPERATORS: dict[str, str] = {
    "Add": "+", "Subtract": "-", "Multiply": "*", "Divide": "/", "FloorDivide": "//", "Modulo": "%",
    "Power": "**", "BitAnd": "&", "BitOr": "|", "BitXor": "^", "LeftShift": "<<", "RightShift": ">>",
    "MatrixMultiply": "@",
    "AddAssign": "+", "SubtractAssign": "-", "MultiplyAssign": "*", "DivideAssign": "/", "FloorDivideAssign": "//",
    "ModuloAssign": "%", "PowerAssign": "**", "BitAndAssign": "&", "BitOrAssign": "|", "BitXorAssign": "^",
    "LeftShiftAssign": "<<", "RightShiftAssign": ">>", "MatrixMultiplyAssign": "@",
}
