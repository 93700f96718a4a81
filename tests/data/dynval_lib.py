"""Values of mixed type in one container (issue 11 item 4): `**options` dicts whose keyword
arguments are bools, strs, ints, lists and None, read as pygments reads them (pygments.util's
get_*_opt, isinstance chains). Each function is run in Python and in Rust by
tests/test_dynval.py; the option readers on generated dicts of mixed values, their error cases
included (OptionError, TypeError and ValueError of int())."""


class OptionError(Exception):
    pass


def get_bool_opt(options, optname, default=None):
    string = options.get(optname, default)
    if isinstance(string, bool):
        return string
    elif isinstance(string, int):
        return bool(string)
    elif not isinstance(string, str):
        raise OptionError(f'Invalid type {string!r} for option {optname}; use '
                          '1/0, yes/no, true/false, on/off')
    elif string.lower() in ('1', 'yes', 'true', 'on'):
        return True
    elif string.lower() in ('0', 'no', 'false', 'off'):
        return False
    else:
        raise OptionError(f'Invalid value {string!r} for option {optname}; use '
                          '1/0, yes/no, true/false, on/off')


def get_int_opt(options, optname, default=None):
    string = options.get(optname, default)
    try:
        return int(string)
    except TypeError:
        raise OptionError(f'Invalid type {string!r} for option {optname}; you '
                          'must give an integer value')
    except ValueError:
        raise OptionError(f'Invalid value {string!r} for option {optname}; you '
                          'must give an integer value')


def get_list_opt(options, optname, default=None):
    val = options.get(optname, default)
    if isinstance(val, str):
        return val.split()
    elif isinstance(val, (list, tuple)):
        return list(val)
    else:
        raise OptionError(f'Invalid type {val!r} for option {optname}; you '
                          'must give a list value')


def get_choice_opt(options, optname, allowed, default=None, normcase=False):
    string = options.get(optname, default)
    if normcase:
        string = string.lower()
    if string not in allowed:
        raise OptionError('Value for option {} must be one of {}'.format(optname, ', '.join(map(str, allowed))))
    return string


def choose(**options):
    return get_choice_opt(options, 'style', ['light', 'dark'], 'light', True)


def describe(**options):
    out = []
    for key in options:
        value = options[key]
        if isinstance(value, bool):
            out.append(key + "=flag:" + str(value))
        elif isinstance(value, int):
            out.append(key + "=int:" + str(value + 1))
        elif isinstance(value, str):
            out.append(key + "=str:" + value.upper())
        else:
            out.append(key + "=other:" + repr(value))
    return ", ".join(out)


def spread(d: dict[str, str]) -> str:
    return describe(**d) + "; " + describe(n=len(d))


class Lexer:
    def __init__(self, **options):
        self.options = options
        self.stripnl = get_bool_opt(options, 'stripnl', True)
        self.tabsize = get_int_opt(options, 'tabsize', 0)
        self.names = get_list_opt(options, 'names', ())
        self.encoding = options.get('encoding', 'guess')

    def summary(self) -> str:
        return f"{self.stripnl} {self.tabsize} {len(self.names)} {self.encoding}"


def make_lexer() -> str:
    lx = Lexer(stripnl='no', tabsize='4', names='a b c', encoding=None)
    return lx.summary() + " " + describe(a=True, b=3, c="x", d=[1, "y"], e=None)


def bad_tabsize() -> str:
    return Lexer(tabsize=[1]).summary()
