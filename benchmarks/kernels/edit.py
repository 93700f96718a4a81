"""Levenshtein distance: two rows of ints, characters of two strings compared by index."""


def make_word(n: int, seed: int) -> str:
    """A pseudo-random lowercase word of n letters (a linear congruential generator)."""
    letters = "abcdefghij"
    out: list[str] = []
    x = seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2147483648
        out.append(letters[x % 10])
    return "".join(out)


def edit_distance(a: str, b: str) -> int:
    """The Levenshtein distance between a and b."""
    prev: list[int] = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur: list[int] = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        prev = cur
    return prev[len(b)]


def bench(n: int) -> int:
    return edit_distance(make_word(n, 1), make_word(n, 2))
