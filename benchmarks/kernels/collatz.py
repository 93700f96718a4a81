"""Collatz chains: integer arithmetic in a while loop."""


def chain_length(n: int) -> int:
    """The number of steps from n to 1."""
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def longest_chain(limit: int) -> int:
    """The start below limit with the longest chain."""
    best = 0
    best_start = 1
    for start in range(1, limit):
        s = chain_length(start)
        if s > best:
            best = s
            best_start = start
    return best_start


def bench(n: int) -> int:
    return longest_chain(n)
