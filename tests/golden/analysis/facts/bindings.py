"""Facts per binding of a local (FunctionFacts.locals / widened / rebound): the cases lowering
used to learn by lowering a function again (`Retry`), now decided by the analysis."""
from typing import List, Optional, Tuple


def words_string(s: str) -> List[str]:
    # a local rebound to a value of an unrelated type: two Rust bindings (a shadowing `let`)
    s_list = []
    for letter in s:
        if letter == ",":
            s_list.append(" ")
        else:
            s_list.append(letter)
    s_list = "".join(s_list)
    return s_list.split()


def collatz(n: int) -> List[int]:
    # an int parameter the body rebinds to floats: the body works on a float copy
    out = []
    while n > 1:
        if n % 2 == 0:
            n = n / 2
        else:
            n = n * 3 + 1
        out.append(int(n))
    return out


def closest(numbers: List[float]) -> Optional[Tuple[float, float]]:
    # a tuple of a spelled-out sequence's length, joined with the None it starts as
    pair = None
    for a in numbers:
        for b in numbers:
            if a != b:
                pair = tuple(sorted([a, b]))
    return pair


def banner(names: List[str]) -> str:
    # elements put into a list through its bound method (`add = out.append`)
    out = []
    add = out.append
    for name in names:
        add(name.upper())
    return "\n".join(out)


def changes_back(flag: bool) -> int:
    # str, then int, then str again: three bindings
    x = "a"
    x = len(x) + 1
    x = str(x) * 2
    return len(x)


def by_digit_sum(nums: List[int]) -> List[int]:
    # a nested function whose parameter is rebound to a list, called from a comprehension and
    # passed as `key=`: its return (int) is a fact, from the binding in effect at the return
    def digits_sum(n):
        neg = 1
        if n < 0:
            n, neg = -1 * n, -1
        n = [int(i) for i in str(n)]
        n[0] = n[0] * neg
        return sum(n)

    positive = [x for x in nums if digits_sum(x) > 0]
    return sorted(positive, key=digits_sum)
