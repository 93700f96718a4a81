"""decimal.Decimal under Python's default context, statistics basics and seeded random: each function is run in Python and in its
Rust translation (tests/test_decimal.py)."""

import decimal
import math
import random
import statistics
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext
from statistics import stdev


def made(s: str) -> str:
    return str(Decimal(s))


def shown(s: str) -> list[str]:
    d = Decimal(s)
    return [str(d), repr(d), f"{d}", f"{d!r}"]


def from_int(n: int) -> Decimal:
    return Decimal(n)


def from_float(x: float) -> str:
    return str(Decimal(x))


def ops(a: str, b: str) -> list[str]:
    x, y = Decimal(a), Decimal(b)
    return [str(x + y), str(x - y), str(x * y), str(x / y), str(x // y), str(x % y)]


def many_ops(xs: list[str], ys: list[str]) -> list[str]:
    """Random operands from the test, none of which raises: + - * / each."""
    out = []
    for a, b in zip(xs, ys):
        x = Decimal(a)
        y = Decimal(b)
        out.append(str(x + y))
        out.append(str(x - y))
        out.append(str(x * y))
        if y:
            out.append(str(x / y))
    return out


def with_ints(a: Decimal, n: int) -> list[Decimal]:
    return [a + n, n + a, a - n, n - a, a * n, a / 2, 3 * a, -a, +a, abs(a)]


def price(amount: Decimal, rate: Decimal) -> Decimal:
    """Money code: tax rounded half up to cents."""
    tax = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return amount + tax


def quantized(s: str, q: str) -> list[str]:
    d = Decimal(s)
    e = Decimal(q)
    return [str(d.quantize(e)), str(d.quantize(e, ROUND_HALF_UP)), str(d.quantize(e, rounding=decimal.ROUND_DOWN)),
            str(d.quantize(e, decimal.ROUND_CEILING)), str(d.quantize(e, decimal.ROUND_FLOOR)),
            str(d.quantize(e, decimal.ROUND_UP)), str(d.quantize(e, decimal.ROUND_HALF_DOWN)),
            str(d.quantize(e, decimal.ROUND_05UP))]


def compared(a: str, b: str) -> list[bool]:
    x, y = Decimal(a), Decimal(b)
    return [x == y, x != y, x < y, x <= y, x > y, x >= y]


def equal(a: str, b: str) -> bool:
    return Decimal(a) == Decimal(b)


def with_int_compare(a: Decimal, n: int) -> list[bool]:
    return [a == n, a < n, n < a, a >= 0]


def converted(s: str) -> tuple[int, float, bool]:
    d = Decimal(s)
    truth = True if d else False
    return int(d), float(d), truth


def rounded(s: str, n: int) -> tuple[int, str]:
    d = Decimal(s)
    return round(d), str(round(d, n))


def precision() -> int:
    return getcontext().prec


def total(prices: list[Decimal]) -> Decimal:
    t = Decimal("0")
    for p in prices:
        t += p
    return t


def average(prices: list[Decimal]) -> Decimal:
    t = Decimal(0)
    for p in prices:
        t = t + p
    return t / len(prices)


def safe_div(a: str, b: str) -> str:
    try:
        return str(Decimal(a) / Decimal(b))
    except ZeroDivisionError:
        return "zero"
    except InvalidOperation:
        return "invalid"


def parsed_or_none(s: str) -> str:
    try:
        return str(Decimal(s))
    except decimal.InvalidOperation:
        return "bad"


# statistics basics and math.fsum (Python 3.11's exact algorithms)
def stats(xs: list[float]) -> list[float]:
    return [statistics.mean(xs), statistics.fmean(xs), statistics.median(xs), statistics.median_low(xs),
            statistics.median_high(xs)]


def spread(xs: list[float]) -> list[float]:
    return [statistics.variance(xs), statistics.pvariance(xs), stdev(xs), statistics.pstdev(xs)]


def int_stats(xs: list[int]) -> tuple[float, int, int, float]:
    return statistics.fmean(xs), statistics.median_low(xs), statistics.median_high(xs), math.fsum(xs)


def summed(xs: list[float]) -> float:
    return math.fsum(xs)


def safe_mean(xs: list[float]) -> float:
    try:
        return statistics.mean(xs)
    except statistics.StatisticsError:
        return -1.0


# random with a seed: Python's Mersenne Twister
def dice(seed: int, n: int) -> list[int]:
    random.seed(seed)
    return [random.randint(1, 6) for _ in range(n)]


def draws(seed: int) -> list[float]:
    random.seed(seed)
    x = random.random()
    return [x, random.uniform(-1.0, 1.0), random.random()]


def ranges(seed: int, a: int, b: int, step: int) -> list[int]:
    random.seed(seed)
    return [random.randrange(a, b, step), random.randrange(a, b), random.randrange(b)]


def deal(seed: int, cards: list[str]) -> list[str]:
    random.seed(seed)
    hand = [random.choice(cards), random.choice(cards)]
    random.shuffle(cards)
    return hand + cards


def shuffled(seed: int, n: int) -> list[int]:
    xs = list(range(n))
    random.seed(seed)
    random.shuffle(xs)
    return xs


# Decimals as set items, dict keys and sorted values
def distinct(xs: list[Decimal]) -> int:
    return len(set(xs))


def ordered(xs: list[Decimal]) -> list[Decimal]:
    return sorted(xs)


def biggest(xs: list[Decimal]) -> Decimal:
    return max(xs)


def tally(xs: list[Decimal]) -> list[tuple[Decimal, int]]:
    d: dict[Decimal, int] = {}
    for x in xs:
        d[x] = d.get(x, 0) + 1
    return list(d.items())


# sum() of Decimals: left to right from the int 0 (or the start), each `+` in the context
def sum_prices(prices: list[Decimal]) -> Decimal:
    return sum(prices)


def sum_from(prices: list[Decimal], start: Decimal) -> Decimal:
    return sum(prices, start)


def order_total(prices: list[Decimal], qty: list[int]) -> Decimal:
    return sum((p * q for p, q in zip(prices, qty)), Decimal("0.00"))


# random.sample and random.choices after a seed (random.py 3.11's algorithms)
def picked(seed: int, xs: list[str], k: int) -> list[str]:
    random.seed(seed)
    return random.sample(xs, k)


def sampled_ints(seed: int, n: int, k: int) -> list[int]:
    random.seed(seed)
    return random.sample(list(range(n)), k=k)


def chosen(seed: int, xs: list[str], k: int) -> list[str]:
    random.seed(seed)
    return random.choices(xs, k=k)


def weighted(seed: int, xs: list[str], ws: list[float], k: int) -> list[str]:
    random.seed(seed)
    return random.choices(xs, ws, k=k)


def weighted_int(seed: int, xs: list[str], ws: list[int], k: int) -> list[str]:
    random.seed(seed)
    return random.choices(xs, weights=ws, k=k)


def sample_range(seed: int, n: int, k: int) -> list[int]:
    random.seed(seed)
    return random.sample(range(n), k)


def sample_stepped(seed: int, a: int, b: int, step: int, k: int) -> list[int]:
    random.seed(seed)
    return random.sample(range(a, b, step), k)
