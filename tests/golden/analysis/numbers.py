"""Numbers without annotations: defaults, literals in arithmetic, true division, call sites."""

SCALE = 1.0 / 3.0


def mix(r, g, b):
    hi = max(r, g, b)
    lo = min(r, g, b)
    return (hi - lo) / (hi + lo + 1.0)


def scaled(x):
    return x * SCALE


def step(n, by=1):
    return n + by


def countdown(n):
    out = []
    while n > 0:
        out.append(n)
        n -= 1
    return out


def driver():
    return step(4) + step(5, 2)


def mean(xs):
    total = 0.0
    for x in xs:
        total = total + x
    return total / len(xs)


def sign(x):
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0.0


def clamp(x, lo=0, hi=None):
    if hi is None:
        hi = 100
    return min(max(x, lo), hi)
