"""Strings and containers without annotations: methods only one type has, membership,
indexing, iteration, docstring examples, a conflict, and a class whose methods set attributes."""


def words(line):
    return line.lower().split()


def pad(width, fill=" "):
    return fill * width + "|"


def is_rtl(kind):
    return kind in ("R", "AL")


def gap(a, b):
    return ord(b) - ord(a)


def field(record, name):
    return record[name]


def first(line, sep=None):
    if sep is None:
        sep = ","
    return line.split(sep)[0]


def tally(counts, key):
    counts[key] = counts.get(key, 0) + 1


def collect(seen, item):
    seen.add(item * 2)
    return len(seen)


def shout(text):
    """
    >>> shout("hi")
    'HI!'
    """
    return text.upper() + "!"


def clash(value=""):
    return value - 1


def opaque(thing):
    return thing


class Counter:
    step = 1

    def __init__(self, start=0):
        self.total = start
        self.seen = []

    def add(self, n):
        self.total += n * self.step
        self.seen.append(n)
        return self.total

    def mean(self):
        return self.total / len(self.seen)
