"""Word counts: split a text and count each word in a dict."""


def make_text(n: int) -> str:
    """n pseudo-random words from a small vocabulary, separated by spaces."""
    vocab = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
             "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon"]
    parts: list[str] = []
    x = 7
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2147483648
        parts.append(vocab[(x // 65536) % len(vocab)] + str(x % 37))
    return " ".join(parts)


def word_counts(text: str) -> dict[str, int]:
    """How often each whitespace-separated word occurs."""
    counts: dict[str, int] = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    return counts


def bench(n: int) -> int:
    text = make_text(n)
    total = 0
    for _ in range(10):
        counts = word_counts(text)
        best = 0
        for word, c in counts.items():
            if c > best:
                best = c
        total += best + len(counts)
    return total
