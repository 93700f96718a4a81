"""Python's ints at the edges of i64 (issue 12): each function is one item of the issue's "Why"."""

import math


def parse(s: str) -> int:
    return int(s)


def parse_base(s: str, base: int) -> int:
    return int(s, base)


def iban_mod97(digits: str) -> int:
    return int(digits) % 97


def sum_of_geometric_progression(first_term: int, common_ratio: int, num_of_terms: int) -> float:
    return (first_term / (1 - common_ratio)) * (1 - common_ratio**num_of_terms)


def power(base: int, exp: int) -> float:
    return base**exp * 1.0


def modpow(a: int, b: int, m: int) -> int:
    return pow(a, b, m)


def div_mod(a: int, b: int) -> tuple[int, int]:
    return divmod(a, b)


def truncate(x: float) -> int:
    return int(x)


def hue_sector(h: float) -> int:
    return int(h * 6.0) % 6


# `int(x) % m` of a float past i64: Python's int is exact, the remainder fits (pyrt::float_int_mod).
def float_mod(x: float, m: int) -> int:
    return int(x) % m


def leapdays(y1: int, y2: int) -> int:
    y1 -= 1
    y2 -= 1
    return (y2 // 4 - y1 // 4) - (y2 // 100 - y1 // 100) + (y2 // 400 - y1 // 400)


def factorial_series(n: int) -> int:
    total = 1
    for i in range(1, n + 1):
        total *= i
    return total


def shift_left(a: int, n: int) -> int:
    return a << n


def shift_right(a: int, n: int) -> int:
    return a >> n


def round_to(i: int, n: int) -> int:
    return round(i, n)


def choose(n: int, k: int) -> int:
    return math.comb(n, k)


def negate(a: int) -> int:
    return -a * 1


def hex_mod(s: str, m: int) -> int:
    return int(s, 16) % m


# Whole functions on num_bigint::BigInt (the analysis: their ints grow past i64).
def factorial_rec(n: int) -> int:
    if n <= 1:
        return 1
    return n * factorial_rec(n - 1)


def falling(n: int, k: int) -> int:
    p = 1
    for i in range(n, n - k, -1):
        p *= i
    return p


def sylvester(n: int) -> int:
    s = 2
    for _ in range(n):
        s = s * s - s + 1
    return s


def big_ops(a: int, b: int) -> int:
    """Large values in the examples (above 2**53) put it on BigInt.

    >>> big_ops(10**10, 7)
    285714285714285714285714285715
    """
    x = a ** 3
    y, z = x // b, x % b
    if y < z or not -x < 0:
        return -y + z
    return y * 2 + z


def power_sum(b: int, e: int) -> int:
    total = 0
    k = 0
    while k <= e and (b or not e):
        total += b ** k
        k += 1
    return total


# Grows, but `str()` is outside the BigInt subset: stays i64 (OverflowError past it).
def factorial_digits(n: int) -> int:
    f = 1
    for i in range(2, n + 1):
        f *= i
    return len(str(f))


# An i64 caller of a function on BigInt: the result is converted back (OverflowError past i64).
def factorial_mod(n: int, m: int) -> int:
    return factorial_series(n) % m


# On BigInt (`3 * n + 1` in a loop) with an i64 fast path: starts whose values stay in i64
# never touch BigInt, a start near 2**62 leaves i64 midway and is computed again on BigInt.
def collatz_steps(n: int) -> int:
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


# i64 callers of the fast path: a name as argument, and a computed one (read once, into a temp).
def longest_collatz(limit: int) -> int:
    best = 0
    for start in range(1, limit):
        best = max(best, collatz_steps(start))
    return best + collatz_steps(limit * 2 + 1)


# calendar.leapdays with evidence that its ints leave i64 (the docstring's example): on BigInt,
# Python's count at the boundary (`y1 -= 1` of -2**63). Without it (`leapdays`) OverflowError.
def leapdays_seen(y1: int, y2: int) -> int:
    """Leap years in [y1, y2).

    >>> leapdays_seen(-9223372036854775808, 0)
    2236667718937283133
    """
    y1 -= 1
    y2 -= 1
    return (y2 // 4 - y1 // 4) - (y2 // 100 - y1 // 100) + (y2 // 400 - y1 // 400)


# TheAlgorithms' maths/automorphic_number.py: `number * number` leaves i64 past 3037000499.
def is_automorphic_number(number: int) -> bool:
    if number < 0:
        return False
    number_square = number * number
    while number > 0:
        if number % 10 != number_square % 10:
            return False
        number //= 10
        number_square //= 10
    return True


# TheAlgorithms' maths/maclaurin_series.py: `factorial(2 * r + 1)` leaves i64 from r = 10.
def maclaurin_sin(theta: float, accuracy: int = 30) -> float:
    theta = float(theta)
    div = theta // (2 * math.pi)
    theta -= 2 * div * math.pi
    return sum((-1) ** r * theta ** (2 * r + 1) / math.factorial(2 * r + 1) for r in range(accuracy))


# Lists of big ints (Vec<BigInt>): items accumulated from items of the same list in a loop.
# Partition numbers (Euler's recurrence as a coin-change count): p(500) has 22 digits.
def partitions(n: int) -> int:
    p = [1] + [0] * n
    for k in range(1, n + 1):
        for i in range(k, n + 1):
            p[i] += p[i - k]
    return p[n]


def fib_list(n: int) -> int:
    fibs = [0, 1]
    for i in range(2, n + 1):
        fibs.append(fibs[i - 1] + fibs[i - 2])
    return fibs[n]


def sylvester_list(n: int) -> int:
    seq = [2]
    for i in range(n):
        seq.append(seq[-1] * seq[-1] - seq[-1] + 1)
    return seq[len(seq) - 1]


# Catalan numbers: `c[i] += c[j] * c[i - j - 1]`.
def catalan(n: int) -> int:
    c = [0] * (n + 1)
    c[0] = 1
    for i in range(1, n + 1):
        for j in range(i):
            c[i] += c[j] * c[i - j - 1]
    return c[n]


# Items compared, read in a tuple assignment, `len`, negative indices, a `while` loop.
def fib_past(n: int) -> int:
    xs = [1, 1]
    k = 2
    while xs[len(xs) - 1] < n:
        xs.append(xs[k - 1] + xs[k - 2])
        k += 1
    a, b = xs[0], xs[-1]
    if xs[0] > xs[1] or not xs[-1]:
        return -1
    return a + b + len(xs)


# A new list from a list local (`xs + [x]`: a copy in Python too), squares past i64.
def squares(n: int) -> int:
    xs = [2] * 3
    for i in range(n):
        xs[i % 3] = xs[i % 3] * xs[i % 3]
        xs = xs + [xs[0]]
    return xs[-1] + 1


# colorsys.hsv_to_rgb as CPython writes it: `i = int(h*6.0)` is used as a float until `i%6`
# (read as that float by portalis/whole_floats.py), so h = 1e19 gives Python's colour.
def hsv_to_rgb(h: float, s: float, v: float) -> tuple[float, float, float]:
    if s == 0.0:
        return v, v, v
    i = int(h*6.0) # XXX assume int() truncates!
    f = (h*6.0) - i
    p = v*(1.0 - s)
    q = v*(1.0 - s*f)
    t = v*(1.0 - s*(1.0-f))
    i = i%6
    if i == 0:
        return v, t, p
    if i == 1:
        return q, v, p
    if i == 2:
        return p, v, t
    if i == 3:
        return p, q, v
    if i == 4:
        return t, p, v
    if i == 5:
        return v, p, q
    # Cannot get here
    raise ValueError("unreachable")


# Fibonacci by matrix power (the 30-digit sequences): nested lists of ints stay on i64,
# so past i64 (and where the last squaring of `base` leaves it, fib_matrix(90)) OverflowError.
def matrix_mul(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    return [[a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
            [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]]]


def fib_matrix(n: int) -> int:
    result = [[1, 0], [0, 1]]
    base = [[1, 1], [1, 0]]
    while n > 0:
        if n % 2 == 1:
            result = matrix_mul(result, base)
        base = matrix_mul(base, base)
        n //= 2
    return result[0][1]
