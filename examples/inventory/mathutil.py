"""Pure numeric helpers."""


def gcd(a: int, b: int) -> int:
    """Greatest common divisor by Euclid's algorithm.

    >>> gcd(48, 18)
    6
    """
    a = abs(a)
    b = abs(b)
    while b != 0:
        t: int = b
        b = a % b
        a = t
    return a


def clamp(value: int, low: int, high: int) -> int:
    """Limit value to the closed range [low, high].

    >>> clamp(15, 0, 10)
    10
    """
    return max(low, min(value, high))


def isqrt(n: int) -> int:
    """Integer square root (floor) by Newton's method.

    >>> isqrt(99)
    9
    """
    if n < 2:
        return n
    x: int = n
    y: int = (x + n // x) // 2
    while y < x:
        x = y
        y = (x + n // x) // 2
    return x


def mean(values: list[float]) -> float:
    """Arithmetic mean of a list; 0.0 for an empty list."""
    if len(values) == 0:
        return 0.0
    total: float = 0.0
    for v in values:
        total += v
    return total / len(values)


def wrap_index(index: int, size: int) -> int:
    """Wrap a possibly negative index into range(size) with Python modulo.

    >>> wrap_index(-1, 5)
    4
    """
    return index % size


def floor_div(a: int, b: int) -> int:
    """Floor division, which rounds toward negative infinity."""
    return a // b


def power(base: int, exp: int) -> int:
    """Integer power by repeated squaring (exp >= 0).

    >>> power(3, 5)
    243
    """
    result: int = 1
    while exp > 0:
        if exp % 2 == 1:
            result *= base
        base *= base
        exp = exp // 2
    return result


def is_prime(n: int) -> bool:
    """Primality by trial division up to the integer square root."""
    if n < 2:
        return False
    d: int = 2
    limit: int = isqrt(n)
    while d <= limit:
        if n % d == 0:
            return False
        d += 1
    return True
