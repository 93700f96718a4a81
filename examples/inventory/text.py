"""String helpers."""


def slugify(s: str) -> str:
    """Lowercase, trim and join words with dashes.

    >>> slugify("  Blue Widget XL ")
    'blue-widget-xl'
    """
    words: list[str] = s.strip().lower().split()
    return "-".join(words)


def count_vowels(s: str) -> int:
    """Count the vowels a, e, i, o, u (either case)."""
    count: int = 0
    for ch in s.lower():
        if ch == "a" or ch == "e" or ch == "i" or ch == "o" or ch == "u":
            count += 1
    return count


def reverse_words(s: str) -> str:
    """Reverse the order of the whitespace-separated words.

    >>> reverse_words("red green blue")
    'blue green red'
    """
    words: list[str] = s.split()
    out: list[str] = []
    i: int = len(words) - 1
    while i >= 0:
        out.append(words[i])
        i -= 1
    return " ".join(out)


def pad_right(s: str, width: int, fill: str) -> str:
    """Pad s on the right with fill until it is width characters long."""
    result: str = s
    while len(result) < width:
        result = result + fill
    return result


def truncate(s: str, width: int) -> str:
    """Cut s to width characters, ending with '...' when it was cut.

    >>> truncate("Deluxe Widget", 8)
    'Delux...'
    """
    if len(s) <= width:
        return s
    if width <= 3:
        return s[0:width]
    return s[0:width - 3] + "..."


def caesar(s: str, shift: int) -> str:
    """Shift lowercase ASCII letters by shift places, leaving others alone."""
    out: list[str] = []
    for ch in s:
        if ch >= "a" and ch <= "z":
            code: int = (ord(ch) - ord("a") + shift) % 26
            out.append(chr(ord("a") + code))
        else:
            out.append(ch)
    return "".join(out)


def is_palindrome(s: str) -> bool:
    """True when s reads the same both ways, ignoring case and spaces.

    >>> is_palindrome("Never odd or even")
    True
    """
    t: str = s.lower().replace(" ", "")
    n: int = len(t)
    for i in range(n // 2):
        if t[i] != t[n - 1 - i]:
            return False
    return True


def parse_quantity(s: str) -> int:
    """Parse an integer quantity, returning 0 when the text is not a number."""
    try:
        return int(s.strip())
    except ValueError:
        return 0
