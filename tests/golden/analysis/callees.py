# A parameter only passed on takes the type the callee's parameter gets from its own evidence,
# through chains of module functions, `self.m(...)`, `super().m(...)` and union parameters
# typed by isinstance tests (the module-wide fixed point).


def shout(x):
    return x.upper()


def twice(x, n):
    return shout(x) * n


def entry(x):
    return twice(x, 2)


class Base:
    def run(self, s):
        return self.step(s)

    def step(self, s):
        return s.strip()


class Child(Base):
    def run(self, s):
        # `super().run(s)`: Base.run's parameter, which is Base.step's
        return super().run(s)


def countdown(x, n):
    # recursive: its own call says nothing new, shout's use types x
    if n == 0:
        return shout(x)
    return countdown(x, n - 1)


def relay(v):
    return label(v)


def label(v):
    if isinstance(v, int):
        return str(v + 1)
    return v.strip()
