"""Grouping anagrams: sorted letters as dict keys, lists as values."""


def make_words(n: int) -> list[str]:
    """n short pseudo-random words over a five-letter alphabet."""
    words: list[str] = []
    x = 9
    for _ in range(n):
        w = ""
        for _ in range(4):
            x = (x * 1103515245 + 12345) % 2147483648
            w += "abcde"[(x // 65536) % 5]
        words.append(w)
    return words


def largest_group(words: list[str]) -> int:
    """The size of the largest set of words that are anagrams of each other."""
    groups: dict[str, list[str]] = {}
    for w in words:
        key = "".join(sorted(w))
        if key in groups:
            groups[key].append(w)
        else:
            groups[key] = [w]
    best = 0
    for g in groups.values():
        if len(g) > best:
            best = len(g)
    return best


def bench(n: int) -> int:
    return largest_group(make_words(n)) + n
