"""Longest common subsequence: a full table of ints over two strings."""


def make_dna(n: int, seed: int) -> str:
    """A pseudo-random string over ACGT."""
    x = seed
    out: list[str] = []
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2147483648
        out.append("ACGT"[(x // 65536) % 4])
    return "".join(out)


def lcs_length(a: str, b: str) -> int:
    """The length of the longest common subsequence of a and b."""
    table: list[list[int]] = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a)):
        for j in range(len(b)):
            if a[i] == b[j]:
                table[i + 1][j + 1] = table[i][j] + 1
            else:
                table[i + 1][j + 1] = max(table[i][j + 1], table[i + 1][j])
    return table[len(a)][len(b)]


def bench(n: int) -> int:
    return lcs_length(make_dna(n, 1), make_dna(n, 2))
