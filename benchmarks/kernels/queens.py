"""N-queens: recursion with lists of columns and diagonals."""


def place(row: int, n: int, cols: list[bool], diag1: list[bool], diag2: list[bool]) -> int:
    """The number of ways to complete the board from row on."""
    if row == n:
        return 1
    count = 0
    for c in range(n):
        if not cols[c] and not diag1[row + c] and not diag2[row - c + n - 1]:
            cols[c] = True
            diag1[row + c] = True
            diag2[row - c + n - 1] = True
            count += place(row + 1, n, cols, diag1, diag2)
            cols[c] = False
            diag1[row + c] = False
            diag2[row - c + n - 1] = False
    return count


def bench(n: int) -> int:
    cols = [False] * n
    diag1 = [False] * (2 * n - 1)
    diag2 = [False] * (2 * n - 1)
    return place(0, n, cols, diag1, diag2)
