"""bytes and bytearray (issue 11 item 6, issue 12 base64): one function per construct, each run
on cases in Python and in Rust by tests/test_bytes.py (one crate build)."""

import base64
import binascii
from typing import List, Tuple


def literal() -> bytes:
    return b"a\x00\xff\t\n'\"\\" + b"\x7f" + rb"\d"


def item(b: bytes, i: int) -> int:
    return b[i]


def cut(b: bytes, i: int, j: int, k: int) -> bytes:
    return b[i:j:k]


def walk(b: bytes) -> List[int]:
    out = []
    for x in b:
        out.append(x * 2)
    return out


def size(b: bytes) -> int:
    return len(b)


def joined(a: bytes, b: bytes, n: int) -> bytes:
    return a + b * n


def order(a: bytes, b: bytes) -> Tuple[bool, bool, bool, bool]:
    return (a == b, a < b, a >= b, a != b"x")


def member(b: bytes, x: int, sub: bytes) -> Tuple[bool, bool]:
    return (x in b, sub in b)


def made(n: int, xs: List[int]) -> Tuple[bytes, bytes, bytes]:
    return (bytes(n), bytes(xs), bytes())


def grown(xs: List[int], tail: bytes) -> bytearray:
    out = bytearray(b"<")
    for x in xs:
        out.append(x)
    out.extend(tail)
    return out


def truthy(b: bytes) -> str:
    if b:
        return "full"
    return "empty"


def decoded(b: bytes, how: int) -> str:
    if how == 0:
        return b.decode()
    if how == 1:
        return b.decode("ascii")
    return b.decode("latin-1")


def encoded(s: str) -> Tuple[bytes, bytes]:
    return (s.encode(), s.encode("latin-1"))


def shown(b: bytes) -> Tuple[str, str, str]:
    return (repr(b), str(b), f"<{b}>")


def shown_array(b: bytes) -> str:
    return repr(bytearray(b))


def hexes(b: bytes) -> Tuple[str, bytes]:
    return (b.hex(), bytes.fromhex(b.hex()))


def from_hex(s: str) -> bytes:
    return bytes.fromhex(s)


def pieces(b: bytes) -> Tuple[List[bytes], List[bytes], bytes, bytes, bytes]:
    return (b.split(), b.split(b","), b.strip(), b.lstrip(b"a"), b",".join([b, b"z"]))


def searches(b: bytes) -> Tuple[bool, bool, int, int, int, bytes]:
    return (b.startswith(b"a"), b.endswith((b"z", b"y")), b.find(b"b"), b.rfind(b"b"), b.count(b"a"), b.replace(b"a", b"AA"))


def cases(b: bytes) -> Tuple[bytes, bytes, bool, bool, bool, bool]:
    return (b.upper(), b.lower(), b.isdigit(), b.isalpha(), b.isupper(), b.islower())


def b64(b: bytes) -> Tuple[bytes, bytes, bytes, bytes]:
    e = base64.b64encode(b)
    return (e, base64.b64decode(e), base64.urlsafe_b64encode(b), base64.urlsafe_b64decode(base64.urlsafe_b64encode(b)))


def b64_text(b: bytes, strict: bool) -> bytes:
    return base64.b64decode(b, validate=strict)


def b16_b32(b: bytes) -> Tuple[bytes, bytes, bytes, bytes]:
    e16 = base64.b16encode(b)
    e32 = base64.b32encode(b)
    return (e16, base64.b16decode(e16), e32, base64.b32decode(e32))


def b32_text(b: bytes) -> bytes:
    return base64.b32decode(b, casefold=True)


def hexlified(b: bytes) -> Tuple[bytes, bytes]:
    h = binascii.hexlify(b)
    return (h, binascii.unhexlify(h))


def unhex(b: bytes) -> bytes:
    return binascii.unhexlify(b)


# no annotations: `.decode()` and the bytes literal compared pin the parameters to bytes
def untyped_text(data):
    return data.decode("utf-8")


def untyped_magic(head):
    return head[:4] == b"\x89PNG"


def untyped_b64(raw):
    return base64.b64encode(raw) + b"\n"


_SWAP = bytes.maketrans(b"+/", b"-_")


# base64.b64encode as the standard library writes it (binascii, maketrans, translate)
def stdlib_b64encode(s, altchars=None):
    encoded = binascii.b2a_base64(s, newline=False)
    if altchars is not None:
        assert len(altchars) == 2, repr(altchars)
        return encoded.translate(bytes.maketrans(b"+/", altchars))
    return encoded


def swapped(b: bytes) -> Tuple[bytes, bytes]:
    return (binascii.b2a_base64(b).translate(_SWAP), binascii.a2b_base64(b, strict_mode=False))


def byte_ord(b: bytes) -> int:
    return ord(b[:1]) + ord(b"A")


def in_containers(b: bytes) -> str:
    return repr([b, b"x"]) + str((b, len(b))) + str({b"k": b})


def safe_text(b: bytes) -> str:
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return "?"


def safe_ascii(s: str) -> bytes:
    try:
        return s.encode("ascii")
    except ValueError as e:
        return str(e).encode()


# the raising helpers' `try_` forms: the exception is caught inside `try` (issue 12)
def safe_b64(b: bytes) -> bytes:
    try:
        return base64.b64decode(b, validate=True)
    except binascii.Error as e:
        return str(e).encode()


def safe_hex(s: str) -> bytes:
    try:
        return bytes.fromhex(s) + binascii.unhexlify(s.replace(" ", ""))
    except ValueError as e:
        return ("ValueError " + str(e)).encode()


def safe_decodes(b: bytes) -> List[bytes]:
    out: List[bytes] = []
    try:
        out.append(base64.b16decode(b))
    except ValueError:
        out.append(b"b16")
    try:
        out.append(base64.b32decode(b))
    except binascii.Error:
        out.append(b"b32")
    try:
        out.append(bytes.maketrans(b, b"ab"))
    except ValueError:
        out.append(b"maketrans")
    return out


def safe_values(xs: List[int], n: int) -> List[bytes]:
    out: List[bytes] = []
    try:
        out.append(bytes(xs))
    except ValueError as e:
        out.append(str(e).encode())
    try:
        out.append(bytes(n))
    except ValueError as e:
        out.append(str(e).encode())
    ba = bytearray()
    try:
        ba.append(n)
    except ValueError:
        ba.extend(b"!")
    out.append(bytes(ba))
    try:
        out.append(bytes([1]) if n in b"\x01\x02" else b"-")
    except ValueError:
        out.append(b"in")
    try:
        out.append(bytes([b"abcab".index(b"ca")]) + bytes([b"abc".index(b"x")]))
    except ValueError:
        out.append(b"index")
    return out


# `altchars=None` only ever left to its default by the module's callers, used as bytes:
# Optional[bytes] (base64.b64decode as CPython writes it, through its callers)
def my_b64decode(s: bytes, altchars=None, validate=False):
    if altchars is not None:
        assert len(altchars) == 2, repr(altchars)
        s = s.translate(bytes.maketrans(altchars, b"+/"))
    return binascii.a2b_base64(s, strict_mode=validate)


def my_standard_b64decode(s: bytes):
    return my_b64decode(s)


def my_urlsafe_b64decode(s: bytes):
    s = s.translate(bytes.maketrans(b"-_", b"+/"))
    return my_b64decode(s)
