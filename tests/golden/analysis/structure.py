# Structural evidence and calls through instances of the module's classes
# (portalis/analysis/structural.py, evidence.py `_structural_observations`, `_method_call_sites`).


class Token:
    def __init__(self, kind, text):
        self.kind = kind
        self.text = text

    def width(self):
        return len(self.text)


class Writer:
    def __init__(self):
        self.parts = []

    def feed(self, chunk):
        self.parts.append(chunk)

    def emit(self, n):
        return self.parts[n]


class Shape:
    def area(self):
        return 0


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side * self.side


class Circle:
    def __init__(self, r):
        self.r = r

    def area(self):
        return 3 * self.r * self.r


def render(tok):
    # .width() only Token has: a Token
    return tok.kind + ":" + tok.text + str(tok.width())


def only_common(obj):
    # .name and .value: too common to tell a class (a library object has them too)
    return obj.name, obj.value


def run():
    w = Writer()
    w.feed("abc")  # a call through an instance: Writer.feed's chunk is a str
    return w.emit(0)


def relay(w, item):
    # item is passed to Writer.feed: its parameter's type
    w.feed(item)


def total_area(s):
    # .area(): Shape, Square and Circle have it: no type
    return s.area()


def side_of(sq):
    # .side only Square has (it has no subclass; its base Shape does not count): Square
    return sq.side


def base_only(sh):
    # Shape has a subclass: an instance of Square could be passed; no type
    return sh.area() if isinstance(sh, Shape) else 0


class Batch:
    _nl = r'\n\x1a'
    _punct = r'&<>|'
    _label = rf'(?:[^{_nl}{_punct}]+)'  # an f-string: a str

    def _make_state(compound, _nl=_nl, _punct=_punct, _label=_label, _late=None):
        # a default naming a class-level literal assigned before the def: its type
        return [compound, "[%s%s]%s" % (_nl, _punct, _label)]

    def _after(compound, _later=None):
        return compound

    _later = 3  # after the def: `_later=None` is not this constant
