"""Matrix product over lists of lists of floats."""


def make_matrix(n: int, seed: int) -> list[list[float]]:
    """An n x n matrix of values in [0, 1)."""
    m: list[list[float]] = []
    x = seed
    for i in range(n):
        row: list[float] = []
        for j in range(n):
            x = (x * 1103515245 + 12345) % 2147483648
            row.append((x % 1000) / 1000.0)
        m.append(row)
    return m


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    """The product a x b."""
    n = len(a)
    p = len(b[0])
    out: list[list[float]] = []
    for i in range(n):
        row = [0.0] * p
        for k in range(len(b)):
            aik = a[i][k]
            bk = b[k]
            for j in range(p):
                row[j] += aik * bk[j]
        out.append(row)
    return out


def bench(n: int) -> int:
    c = matmul(make_matrix(n, 1), make_matrix(n, 2))
    total = 0.0
    for i in range(n):
        total += c[i][i]
    return int(total * 1000)
