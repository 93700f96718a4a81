# Element types through iterators, deques, starred items and nested generators (issue 10, branch
# `regress`: what the older inference by lowering typed in more-itertools and the analysis now
# does): portalis/analysis/values.py `as_list`, `_deque`, starred elements and unpacking;
# evidence.py `_nested_returns`, the `insort` store.
from bisect import insort
from collections import deque
import itertools
from itertools import combinations, islice


def running_max(iterator, maxlen):
    s = deque()
    for index, value in enumerate(iterator):
        if s and s[0][0] == index - maxlen:
            s.popleft()
        while s and value > s[-1][1]:
            s.pop()
        s.append((index, value))
        yield s[0][1]


def running_median(iterator, maxlen):
    window = deque()
    ordered = []
    for x in iterator:
        window.append(x)
        insort(ordered, x)
        if len(ordered) > maxlen:
            ordered.remove(window.popleft())
        n = len(ordered)
        yield ordered[n // 2] if n & 1 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def extract(iterator, indices):
    num_read = 0
    for index in indices:
        advance = index - num_read
        try:
            value = next(islice(iterator, advance, None))
        except StopIteration:
            raise IndexError(index) from None
        else:
            num_read += advance + 1
        yield value


def callers(values):
    iterator = iter([v * 2 for v in values])
    a = running_max(iterator, 3)
    b = running_median((v / 2 for v in values), 3)
    c = extract(iter(values), [0, 1])
    return a, b, c


def substrings(seq, reverse=False):
    r = range(1, len(seq) + 1)
    if reverse:
        r = reversed(r)
    return ((seq[i:i + n], i, i + n) for n in r for i in range(len(seq) - n + 1))


def head_and_rest(words):
    first, *rest = words
    return [[first], *[rest]]


def partitions(iterable, k):
    items = list(iterable)

    def helper(xs, k):
        if k == 1:
            yield [xs]
        elif len(xs) == k:
            yield [[x] for x in xs]
        else:
            e, *more = xs
            for p in helper(more, k - 1):
                yield [[e], *p]
            for p in helper(more, k):
                for i in range(len(p)):
                    yield p[:i] + [[e] + p[i]] + p[i + 1:]

    yield from filter(lambda z: all(len(b) > 0 for b in z), helper(items, k))


def use(words: list[str], values: list[int]):
    substrings("abc")
    partitions("abcd", 2)
    return callers(values), head_and_rest(words)


def joined(a: list[int], b: list[int]):
    return itertools.chain(a, b)


def pairs_of(xs: list[str]):
    return [c for c in combinations(xs, 2)]


def reversed_copy(xs: list[int]):
    return reversed(xs)
