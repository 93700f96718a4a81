"""`**kwargs` parameters and keyword forwarding (issue 11 item 6): each function is run in
Python and in Rust by tests/test_kwargs.py. The callers without parameters pass the keywords
(the differential calls are positional); the `**kwargs` functions themselves are verified on
generated dicts by the harness (`f(**d)`)."""


def total(base: int, **extra: int) -> int:
    s = base
    for k, v in extra.items():
        s += v * len(k)
    return s


def use_total() -> int:
    return total(1, a=2, bb=3) + total(5) + total(base=2, base2=1)


def take(**opts: int) -> int:
    first = opts.pop("first", 10)
    return first * 100 + len(opts)


def relay(**kw: int) -> int:
    n = take(**kw)
    return n + len(kw)  # take popped from its own dict: kw keeps "first"


def use_relay() -> int:
    return relay(first=3, second=4) + relay()


def keys_of(**kw: str) -> list[str]:
    return [k + "=" + v for k, v in kw.items()]


def ordered() -> list[str]:
    return keys_of(b="2", a="1", c="3")  # the order the call writes


def mixed(a: int, b: int = 2, **rest: int) -> int:
    return a * 1000 + b * 100 + sum(rest.values())


def call_mixed() -> list[int]:
    return [mixed(1, c=5), mixed(1, 3, d=4, e=6), mixed(a=7, b=1), mixed(b=4, a=3, z=9)]


def spread_named(d: dict[str, int]) -> int:
    return mixed(1, 2, **d)


def lookup(**options):
    # unannotated: each keyword argument is an int (the call sites say so)
    if "x" in options:
        return options["x"] * 10 + len(options)
    return options.get("y", -1)


def use_lookup() -> list[int]:
    return [lookup(x=3, y=4), lookup(y=5), lookup()]


def shown(**kw):
    # keyword arguments of several types: a union of them
    return [k + "=" + str(v) for k, v in kw.items()]


def use_shown() -> list[str]:
    return shown(a=1, b="x", c=True)


class Settings:
    def __init__(self, **options: str) -> None:
        self.options = options
        self.name = options.get("name", "none")

    def describe(self) -> str:
        return self.name + ":" + ",".join(self.options.keys())

    def merged(self, **more: str) -> int:
        n = len(self.options)
        for k in more:
            if k not in self.options:
                n += 1
        return n


def make_settings() -> list[str]:
    s = Settings(name="a", colour="red")
    t = Settings()
    return [s.describe(), t.describe(), str(s.merged(colour="blue", size="2"))]


class Base:
    def __init__(self, **options: int) -> None:
        self.options = options
        self.size = options.get("size", 1)


class Child(Base):
    def __init__(self, **options: int) -> None:
        self.extra = options.pop("extra", 0)
        Base.__init__(self, **options)  # the base's initialiser, not Child's (pygments' lexers)

    def area(self) -> int:
        return self.size * 10 + self.extra + len(self.options)


def make_child() -> list[int]:
    return [Child(size=3, extra=2, other=5).area(), Child().area(), Base(size=4).size]
