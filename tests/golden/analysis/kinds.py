# Parameters the body asks the kind of (portalis/analysis/kinds.py): the union of the types the
# isinstance tests name and what the branch no test selects uses it as, when lowering's `match`
# narrows it as Python does; otherwise PTL110 with the test or use that stops it.


def describe(x):
    # int | str: the int arm adds, the other arm calls a str method
    if isinstance(x, int):
        return "int " + str(x + 1)
    else:
        return "str " + x.upper()


def decoded(s):
    # bytes | str: an early return selects bytes; the rest of the block is the str arm
    if isinstance(s, bytes):
        return s.decode("ascii")
    return s.upper()


def label(v):
    # int | str: `not isinstance` with the tested arm after it; `==` and `str()` on any member
    if v == 0:
        return "zero"
    if not isinstance(v, str):
        return "n" + str(v + 1)
    return v.strip()


def caller():
    # a str passed where the tests name int and bytes: the fall-through takes it (a member)
    return width("abc")


def width(w):
    if isinstance(w, int):
        return w
    if isinstance(w, bytes):
        return len(w)
    return len(str(w))


def narrowed_call(s):
    # the call in the bytes arm passes a bytes (the arm's member), not the union
    if isinstance(s, bytes):
        return takes_bytes(s)
    return s.lower()


def takes_bytes(b):
    return b.hex()


def rebound(s):
    # PTL110: the arm assigns the parameter (the union, not its member)
    if isinstance(s, str):
        s = s.encode("ascii")
    return s


def outside(x):
    # PTL110: `x + 1` reads the union where it may be an int or a str
    if isinstance(x, (int, str)):
        return x + 1
    return 0


def typed_by_type(x):
    # int: the exact `type(x) is int` narrows as isinstance does where no bool is a member
    if type(x) is int:
        return x
    return 0


def not_builtin(x, kinds):
    # PTL110: a tuple of types held in a name
    if isinstance(x, kinds):
        return 1
    return 0
