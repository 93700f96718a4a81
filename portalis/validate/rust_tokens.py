"""A Rust lexer (edition 2021), small and pure: what the safety gate reads instead of text.

It cuts source into the tokens rustc's lexer makes, so that nothing the compiler sees as code can
hide from the gate inside what looks like a string or a comment, and nothing inside a literal or
a comment is taken for code:

- identifiers, raw identifiers (`r#match` is the identifier `match`, `raw=True`), keywords;
- lifetimes (`'a`, `'static`, `'r#a`) told from char literals (`'a'`, `'\\''`, `'\\u{1F600}'`);
- every literal form: integers and floats with suffixes, `"..."` with escapes, raw strings
  `r#"..."#` (any number of `#`), byte and C strings and their raw forms (`b"" br"" c"" cr#""#`),
  chars and byte chars;
- comments, nested block comments (`/* /* */ */`), doc comments (`///`, `//!`, `/** */`,
  `/*! */`, kept as `doc` tokens: rustc turns them into `#[doc]` attributes);
- punctuation, with the compound operators rustc's parser joins (`::`, `->`, `=>`, `..=`, ...).

Anything rustc's lexer would refuse (an unterminated string or comment, an unknown character, a
reserved prefix such as `foo"x"` or `k#x`, unbalanced delimiters) raises `LexError`: the gate
rejects code it cannot read rather than guessing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

# Strict and reserved keywords of edition 2021 (`r#` makes any of them a plain identifier).
KEYWORDS = frozenset(
    "as break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref "
    "return self Self static struct super trait true type unsafe use where while async await dyn "
    "abstract become box do final macro override priv typeof unsized virtual yield try _".split()
)
# Keywords that may start or continue a path (`self::x`, `crate::m`, `super::super::f`, `Self::new`).
PATH_KEYWORDS = frozenset({"self", "Self", "super", "crate"})

_PUNCT = sorted(
    "<<= >>= ... ..= :: -> => == != <= >= && || += -= *= /= %= ^= &= |= << >> .. "
    "; , . ( ) { } [ ] @ # ~ ? : $ = ! < > - & | + * / ^ %".split(),
    key=len, reverse=True,
)
_PUNCT_RE = re.compile("|".join(re.escape(p) for p in _PUNCT))
# Rust's Pattern_White_Space.
_SPACE_RE = re.compile("[\t\n\x0b\x0c\r \x85\u200e\u200f\u2028\u2029]+")
_ASCII_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Tokens that need no care: whitespace, an ASCII identifier not followed by what would make it a
# prefix (`r#`, `b"`, `c'`) or continue it (a non-ASCII letter), punctuation that starts no
# comment. Everything else goes through the careful path below.
_FAST_RE = re.compile(
    r"(?P<ws>[\t\n\x0b\x0c\r ]+)"
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)(?![#\"'A-Za-z0-9_\x80-\U0010ffff])"
    r"|(?P<punct>(?!//|/\*)(?:" + "|".join(re.escape(p) for p in _PUNCT) + "))"
)
_DEC_RE = re.compile(r"[0-9][0-9_]*")
_SUFFIX_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EXP_RE = re.compile(r"[eE][+-]?_*[0-9][0-9_]*")
_ESCAPE_RE = re.compile(r"\\(?:u\{[0-9a-fA-F_]{1,8}\}|x[0-9a-fA-F]{2}|[nrt\\0'\"])")
_OPEN, _CLOSE = "([{", ")]}"


class LexError(ValueError):
    """The source is not Rust rustc's lexer accepts; `pos`/`line` say where."""

    def __init__(self, message: str, pos: int, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message, self.pos, self.line = message, pos, line


class Token(NamedTuple):
    """One token. `text`: an identifier's name (without `r#`), a lifetime's name (with `'`), a
    punctuation's characters, a literal's or doc comment's full source text."""

    kind: str  # "ident" | "lifetime" | "literal" | "punct" | "doc"
    text: str
    pos: int  # offset in the source
    line: int  # 1-based
    raw: bool = False  # a raw identifier (`r#x`: never a keyword) or raw lifetime (`'r#a`)
    literal: str = ""  # for literals: int float str raw_str byte_str raw_byte_str c_str raw_c_str char byte
    inner: bool = False  # for doc comments: `//!` / `/*!`

    @property
    def keyword(self) -> bool:
        return self.kind == "ident" and not self.raw and self.text in KEYWORDS

    def is_punct(self, text: str) -> bool:
        return self.kind == "punct" and self.text == text


def _is_ident_start(ch: str) -> bool:
    return ch == "_" or ch.isidentifier()


def _is_ident_continue(ch: str) -> bool:
    return ("a" + ch).isidentifier()


class _Lexer:
    def __init__(self, src: str) -> None:
        self.src = src
        self.n = len(src)
        self.i = 0
        self.out: list[Token] = []
        self._line_starts: list[int] = [0] + [m.end() for m in re.finditer("\n", src)]

    # ------------------------------------------------------------ helpers

    def line_of(self, pos: int) -> int:
        return bisect_right(self._line_starts, pos)

    def error(self, message: str, pos: int) -> LexError:
        return LexError(message, pos, self.line_of(pos))

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.src[j] if j < self.n else ""

    def emit(self, kind: str, text: str, start: int, raw: bool = False, literal: str = "", inner: bool = False) -> None:
        self.out.append(Token(kind, text, start, bisect_right(self._line_starts, start), raw, literal, inner))

    def ident_end(self, j: int) -> int:
        """End of the identifier starting at `j` (`j` itself when none starts there)."""
        src, n = self.src, self.n
        if j >= n or not _is_ident_start(src[j]):
            return j
        m = _ASCII_IDENT_RE.match(src, j)
        end = m.end() if m else j + 1
        while end < n:
            ch = src[end]
            if ch.isascii():
                if not (ch.isalnum() or ch == "_"):
                    break
            elif not _is_ident_continue(ch):
                break
            end += 1
        return end

    # ------------------------------------------------------------ the pieces

    def run(self) -> list[Token]:
        src = self.src
        fast = _FAST_RE.match
        starts = self._line_starts
        out = self.out
        while self.i < self.n:
            m = fast(src, self.i)
            if m is not None:
                # the common case: plain ASCII identifiers, punctuation, whitespace
                group = m.lastgroup
                if group == "ident":
                    out.append(Token("ident", m.group(), self.i, bisect_right(starts, self.i)))
                elif group == "punct":
                    out.append(Token("punct", m.group(), self.i, bisect_right(starts, self.i)))
                self.i = m.end()
                continue
            c = src[self.i]
            m = _SPACE_RE.match(src, self.i)
            if m:
                self.i = m.end()
            elif src.startswith("//", self.i):
                self.line_comment()
            elif src.startswith("/*", self.i):
                self.block_comment()
            elif c == "'":
                self.quote(self.i, self.i + 1, byte=False)
            elif c == '"':
                self.string(self.i, self.i + 1, "str")
            elif c.isdigit():
                self.number()
            elif _is_ident_start(c):
                self.word()
            else:
                pm = _PUNCT_RE.match(src, self.i)
                if not pm:
                    raise self.error(f"unknown character {c!r} (U+{ord(c):04X})", self.i)
                self.emit("punct", pm.group(), self.i)
                self.i = pm.end()
        self.balance()
        return self.out

    def line_comment(self) -> None:
        start = self.i
        end = self.src.find("\n", start)
        end = self.n if end == -1 else end
        text = self.src[start:end]
        if text.startswith("///") and not text.startswith("////"):
            self.emit("doc", text, start)
        elif text.startswith("//!"):
            self.emit("doc", text, start, inner=True)
        self.i = end

    def block_comment(self) -> None:
        start, depth, j = self.i, 1, self.i + 2
        while depth:
            if j >= self.n:
                raise self.error("unterminated block comment", start)
            if self.src.startswith("/*", j):
                depth, j = depth + 1, j + 2
            elif self.src.startswith("*/", j):
                depth, j = depth - 1, j + 2
            else:
                j += 1
        text = self.src[start:j]
        # `/**/` and `/***...` are plain comments; `/** x */` and `/*! x */` are doc comments
        if text.startswith("/**") and not text.startswith("/***") and text != "/**/":
            self.emit("doc", text, start)
        elif text.startswith("/*!"):
            self.emit("doc", text, start, inner=True)
        self.i = j

    def word(self) -> None:
        """An identifier, a keyword, a raw identifier, or a prefixed literal (b"", r"", c"", br"", cr"", b'')."""
        start = self.i
        end = self.ident_end(start)
        word = self.src[start:end]
        nxt = self.src[end] if end < self.n else ""
        if word in ("r", "br", "cr") and nxt in ('"', "#"):
            if word == "r" and nxt == "#" and end + 1 < self.n and self.src[end + 1] not in ('"', "#"):
                # r#ident
                id_end = self.ident_end(end + 1)
                if id_end == end + 1:
                    raise self.error("`r#` must be followed by an identifier or a string", start)
                name = self.src[end + 1:id_end]
                self.i = id_end
                self.check_prefix_end(start)
                self.emit("ident", name, start, raw=True)
                return
            kind = {"r": "raw_str", "br": "raw_byte_str", "cr": "raw_c_str"}[word]
            self.raw_string(start, end, kind)
            return
        if word in ("b", "c") and nxt == '"':
            self.string(start, end + 1, "byte_str" if word == "b" else "c_str")
            return
        if word == "b" and nxt == "'":
            self.quote(start, end + 1, byte=True)
            return
        if nxt in ('"', "'", "#"):
            # Reserved prefixes (RFC 3101): `foo"x"`, `foo'x'`, `foo#x` do not lex in edition 2021.
            raise self.error(f"reserved prefix `{word}{nxt}`", start)
        self.i = end
        self.emit("ident", word, start)

    def check_prefix_end(self, start: int) -> None:
        if self.i < self.n and self.src[self.i] in ('"', "'", "#"):
            raise self.error(f"reserved prefix `{self.src[start:self.i + 1]}`", start)

    def raw_string(self, start: int, j: int, kind: str) -> None:
        """`r#"..."#` from `start`; `j` is just after the `r`."""
        h = j
        while h < self.n and self.src[h] == "#":
            h += 1
        hashes = h - j
        if h >= self.n or self.src[h] != '"':
            raise self.error("raw string: `#` not followed by `\"`", start)
        if hashes > 255:
            raise self.error("raw string with more than 255 `#`", start)
        close = self.src.find('"' + "#" * hashes, h + 1)
        if close == -1:
            raise self.error("unterminated raw string", start)
        self.i = close + 1 + hashes
        self.suffix()
        self.emit("literal", self.src[start:self.i], start, literal=kind)

    def string(self, start: int, j: int, kind: str) -> None:
        """A quoted string from `start`; `j` is just after the opening quote."""
        while True:
            if j >= self.n:
                raise self.error("unterminated string literal", start)
            ch = self.src[j]
            if ch == "\\":
                j += 2
            elif ch == '"':
                break
            else:
                j += 1
        self.i = j + 1
        self.suffix()
        self.emit("literal", self.src[start:self.i], start, literal=kind)

    def quote(self, start: int, j: int, byte: bool) -> None:
        """At a `'` (`j` just after it): a char or byte literal, or a lifetime."""
        src = self.src
        ch = src[j] if j < self.n else ""
        if ch == "\\":
            m = _ESCAPE_RE.match(src, j)
            if not m or not src.startswith("'", m.end()):
                raise self.error("malformed char literal", start)
            self.i = m.end() + 1
            self.suffix()
            self.emit("literal", src[start:self.i], start, literal="byte" if byte else "char")
            return
        if ch and ch not in "'\n\r\t" and src.startswith("'", j + 1):
            self.i = j + 2
            self.suffix()
            self.emit("literal", src[start:self.i], start, literal="byte" if byte else "char")
            return
        if not byte and ch and _is_ident_start(ch):
            raw = src.startswith("r#", j) and j + 2 < self.n and _is_ident_start(src[j + 2])
            if raw:
                end = self.ident_end(j + 2)
                name = src[j + 2:end]
            else:
                end = self.ident_end(j)
                name = src[j:end]
            if src.startswith("'", end):
                raise self.error("char literal with more than one character", start)
            self.i = end
            self.emit("lifetime", "'" + name, start, raw=raw)
            return
        raise self.error("malformed char literal or lifetime", start)

    def number(self) -> None:
        start, src = self.i, self.src
        if src.startswith(("0x", "0o", "0b"), start):
            j = start + 2
            while j < self.n and src[j] in "0123456789abcdefABCDEF_":
                j += 1
            self.i = j
            self.suffix()
            self.emit("literal", src[start:self.i], start, literal="int")
            return
        j = _DEC_RE.match(src, start).end()  # type: ignore[union-attr]
        kind = "int"
        # `1.5`, `1.` are floats; `1..2` is a range, `1.foo()` a method call, `1.0.max()` too
        if j < self.n and src[j] == "." and not src.startswith("..", j) and not (j + 1 < self.n and _is_ident_start(src[j + 1])):
            kind = "float"
            j += 1
            m = _DEC_RE.match(src, j)
            if m:
                j = m.end()
        m = _EXP_RE.match(src, j)
        if m:
            kind, j = "float", m.end()
        self.i = j
        self.suffix()
        self.emit("literal", src[start:self.i], start, literal=kind)

    def suffix(self) -> None:
        """A literal's suffix (`1u8`, `2.0f64`, `"x"sfx`): part of the literal token."""
        if self.i < self.n and _is_ident_start(self.src[self.i]):
            self.i = self.ident_end(self.i)

    def balance(self) -> None:
        stack: list[Token] = []
        for t in self.out:
            if t.kind != "punct":
                continue
            if t.text in _OPEN:
                stack.append(t)
            elif t.text in _CLOSE:
                if not stack or _OPEN.index(stack[-1].text) != _CLOSE.index(t.text):
                    raise LexError(f"unbalanced `{t.text}`", t.pos, t.line)
                stack.pop()
        if stack:
            raise LexError(f"`{stack[-1].text}` is never closed", stack[-1].pos, stack[-1].line)


def tokenize(src: str) -> list[Token]:
    """The tokens of a piece of Rust (comments dropped, doc comments kept); raises LexError."""
    return _Lexer(src).run()


def blank_non_code(src: str) -> str:
    """`src` with comments and the insides of literals replaced by spaces (newlines and length
    kept, so offsets still match): for text searches that must only see code. From a point
    where the source does not lex, everything is blanked."""
    lexer = _Lexer(src)
    end = len(src)
    try:
        tokens = lexer.run()
    except LexError as e:
        tokens = lexer.out
        if lexer.i < lexer.n:  # stopped inside the text (not at the delimiter check)
            end = e.pos
    keep = bytearray(len(src))  # 1 where a character is code
    for t in tokens:
        if t.kind == "literal":
            for k in range(t.pos, t.pos + len(t.text)):
                keep[k] = 1
            body = _literal_body(t)
            if body is not None:
                for k in range(t.pos + body[0], t.pos + body[1]):
                    keep[k] = 0
        elif t.kind != "doc":
            width = len(t.text) + (2 if t.raw else 0)
            for k in range(t.pos, min(t.pos + width, len(src))):
                keep[k] = 1
    out = list(src)
    for k in range(len(src)):
        if (not keep[k] or k >= end) and out[k] != "\n":
            out[k] = " "
    return "".join(out)


def _literal_body(t: Token) -> tuple[int, int] | None:
    """Offsets (within the literal's text) of the part between its quotes, if quoted."""
    text = t.text
    if t.literal in ("int", "float"):
        return None
    if t.literal.startswith("raw"):
        q = text.index('"')
        hashes = q - text.index("r") - 1
        return q + 1, text.rindex('"' + "#" * hashes)
    quote = "'" if t.literal in ("char", "byte") else '"'
    return text.index(quote) + 1, text.rindex(quote)
