def removal_keeps_order(keys: list[str], drop: list[str]) -> list[str]:
    d: dict[str, int] = {}
    for i, k in enumerate(keys):
        d[k] = i
    for k in drop:
        if k in d:
            del d[k]
    d[keys[0]] = 99
    return list(d.keys())


def pop_then_reinsert(keys: list[int]) -> dict[int, int]:
    d: dict[int, int] = {}
    for k in keys:
        d[k] = k * k
    first = keys[0]
    v = d.pop(first)
    d[first] = v + 1
    return d


def setdefault_order(words: list[str]) -> dict[str, list[int]]:
    d: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        d.setdefault(w, []).append(i)
    return d


def update_order(a: dict[str, int], b: dict[str, int]) -> list[tuple[str, int]]:
    a.update(b)
    return list(a.items())


def popitem_last(keys: list[str]) -> tuple[str, int]:
    d: dict[str, int] = {}
    for i, k in enumerate(keys):
        d[k] = i
    return d.popitem()


def cleared(keys: list[str]) -> int:
    d: dict[str, int] = {}
    for k in keys:
        d[k] = 1
    d.clear()
    d["z"] = 2
    return len(d)


def delete_then_iterate(n: int, step: int) -> list[tuple[int, int]]:
    d: dict[int, int] = {}
    for i in range(n):
        d[i * 7 % n] = i
    for k in range(0, n, step):
        d.pop(k)
    out: list[tuple[int, int]] = []
    for k, v in d.items():
        out.append((k, v))
    return out
