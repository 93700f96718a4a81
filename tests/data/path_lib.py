"""Token types as pygments.token writes them (BSD licence, the Pygments team): a path type
(portalis/path_types.py) for the tests of tests/test_path_types.py."""


class _TokenType(tuple):
    parent = None

    def split(self):
        buf = []
        node = self
        while node is not None:
            buf.append(node)
            node = node.parent
        buf.reverse()
        return buf

    def __init__(self, *args):
        # no need to call super.__init__
        self.subtypes = set()

    def __contains__(self, val):
        return self is val or (
            type(val) is self.__class__ and
            val[:len(self)] == self
        )

    def __getattr__(self, val):
        if not val or not val[0].isupper():
            return tuple.__getattribute__(self, val)
        new = _TokenType(self + (val,))
        setattr(self, val, new)
        self.subtypes.add(new)
        new.parent = self
        return new

    def __repr__(self):
        return 'Token' + (self and '.' or '') + '.'.join(self)

    def __copy__(self):
        # These instances are supposed to be singletons
        return self

    def __deepcopy__(self, memo):
        # These instances are supposed to be singletons
        return self


Token = _TokenType()

# Special token types
Text = Token.Text
Whitespace = Text.Whitespace
Escape = Token.Escape
Error = Token.Error
# Text that doesn't belong to this lexer (e.g. HTML in PHP)
Other = Token.Other

# Common token types for source code
Keyword = Token.Keyword
Name = Token.Name
Literal = Token.Literal
String = Literal.String
Number = Literal.Number
Punctuation = Token.Punctuation
Operator = Token.Operator
Comment = Token.Comment

# Generic types for non-source code
Generic = Token.Generic

# String and some others are not direct children of Token.
# alias them:
Token.Token = Token
Token.String = String
Token.Number = Number


def is_token_subtype(ttype, other):
    """
    Return True if ``ttype`` is a subtype of ``other``.

    exists for backwards compatibility. use ``ttype in other`` now.
    """
    return ttype in other


def string_to_tokentype(s):
    """
    Convert a string into a token type::

        >>> string_to_token('String.Double')
        Token.Literal.String.Double
        >>> string_to_token('Token.Literal.Number')
        Token.Literal.Number
        >>> string_to_token('')
        Token

    Tokens that are already tokens are returned unchanged:

        >>> string_to_token(String)
        Token.Literal.String
    """
    if isinstance(s, _TokenType):
        return s
    if not s:
        return Token
    node = Token
    for item in s.split('.'):
        node = getattr(node, item)
    return node


STANDARD_TYPES = {
    Token: '',
    Text: '',
    Whitespace: 'w',
    Keyword: 'k',
    Name: 'n',
    Name.Builtin: 'nb',
    String: 's',
    String.Double: 's2',
}


# What pygments' formatters and filters do with token types, annotated (the tracer types
# pygments' own): tests/test_path_types.py runs each in Python and in Rust.
def is_sub(ttype: _TokenType, other: _TokenType) -> bool:
    return ttype in other


def shown(ttype: _TokenType) -> str:
    return str(ttype) + '|' + repr(ttype)


def ttype_name(ttype: _TokenType) -> str:
    # latex's _get_ttype_name without the table: the names up to the root
    aname = ''
    while ttype.parent is not None:
        aname = ttype[-1] + aname
        ttype = ttype.parent
    return aname + str(len(ttype))


def depth(ttype: _TokenType) -> int:
    return len(ttype.split())


def builtin_or_name(ttype: _TokenType) -> _TokenType:
    if ttype in Name.Builtin:
        return Name.Builtin
    if ttype and ttype[0] == 'Literal':
        return Token.String.Double
    return Name


def names_in(ttype: _TokenType) -> list[str]:
    return [str(t) for t in ttype.split()]


def _get_ttype_class(ttype: _TokenType) -> str:
    # pygments.formatters.html, as written there
    fname = STANDARD_TYPES.get(ttype)
    if fname:
        return fname
    aname = ''
    while fname is None:
        aname = ttype[-1] + aname
        ttype = ttype.parent
        fname = STANDARD_TYPES.get(ttype)
    return fname + aname
