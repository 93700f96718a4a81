"""String building: a run-length encoding built with +=, then decoded and checked."""


def make_runs(n: int) -> str:
    """A string of n characters in runs of 1 to 5 equal letters."""
    runs: list[str] = []
    size = 0
    x = 3
    while size < n:
        x = (x * 1103515245 + 12345) % 2147483648
        k = 1 + (x // 4) % 5
        runs.append("abcd"[x % 4] * k)
        size += k
    return "".join(runs)[:n]


def encode(s: str) -> str:
    """Run-length encoding: each run as its length then its letter."""
    out = ""
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        out += str(j - i) + s[i]
        i = j
    return out


def decode(s: str) -> str:
    """The inverse of encode."""
    parts: list[str] = []
    count = 0
    for ch in s:
        if ch.isdigit():
            count = count * 10 + int(ch)
        else:
            parts.append(ch * count)
            count = 0
    return "".join(parts)


def bench(n: int) -> int:
    s = make_runs(n)
    enc = encode(s)
    if decode(enc) != s:
        return -1
    return len(enc)
