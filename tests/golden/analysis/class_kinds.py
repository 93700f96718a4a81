# Parameters tested with isinstance (or type() is) against classes of the module (portalis/
# analysis/kinds.py, evidence.py `member_class_problem`): a union whose members include the
# classes; PTL110 saying why where a class cannot be a member or a use needs what it lacks.


class Circle:
    def __init__(self, r):
        self.r = r * 1.0


class Square:
    def __init__(self, side):
        self.side = side * 1.0


class Shape:
    pass


class Ring(Shape):
    pass


class Failure(ValueError):
    pass


def area(shape):
    # Circle | Square: each arm reads its own class's attribute
    if isinstance(shape, Circle):
        return shape.r * shape.r * 3.0
    elif isinstance(shape, Square):
        return shape.side * shape.side
    return 0.0


def size(x):
    # Circle | str: an early return selects the class, the rest is the str arm
    if isinstance(x, Circle):
        return x.r
    return float(len(x.strip()))


def exactly(x):
    # int | Square | str: exact tests, a second chain in the first's fall-through
    if type(x) is Square:
        return x.side
    if type(x) is int:
        return x * 2.0
    return float(len(x.upper()))


def one_class(other):
    # Circle alone: the dunder shape (`return NotImplemented` where it is not one)
    if isinstance(other, Circle):
        return other.r
    return NotImplemented


def based(x):
    # PTL110: Shape has a subclass in the module (a variant holds exactly its class)
    if isinstance(x, Shape):
        return 1
    return len(x.strip())


def foreign(x):
    # PTL110: Failure's base is not a class of the module
    if isinstance(x, Failure):
        return 1
    return len(x.strip())


def printed(x):
    # PTL110: str() of the union where a member is a class
    print(x)
    if isinstance(x, Circle):
        return x.r
    return float(len(x.strip()))


def exact_int_with_bool(x):
    # PTL110: `type(x) is int` where bool is a member
    if type(x) is int:
        return 1
    if isinstance(x, bool):
        return 2
    return len(x.strip())
