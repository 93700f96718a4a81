"""Sorting and binary search: sorted() then a hand-written bisect over the sorted list."""


def bisect_left(xs: list[int], x: int) -> int:
    """The first index whose value is not below x."""
    lo = 0
    hi = len(xs)
    while lo < hi:
        mid = (lo + hi) // 2
        if xs[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def bench(n: int) -> int:
    xs: list[int] = []
    x = 5
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2147483648
        xs.append(x % 1000000)
    ys = sorted(xs)
    hits = 0
    for q in range(0, 1000000, 7):
        i = bisect_left(ys, q)
        if i < len(ys) and ys[i] == q:
            hits += 1
    return hits
