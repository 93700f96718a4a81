"""A small inventory/shop domain used as a translation example for Portalis.

Modules:
    mathutil -- pure integer/float helpers
    text     -- string helpers
    model    -- the Item dataclass and simple item operations
    pricing  -- discounts, tax, bulk tiers and totals
    stock    -- queries over lists of items and count dictionaries
"""

VERSION: str = "0.1.0"
CURRENCY: str = "USD"


def format_cents(cents: int) -> str:
    """Format an amount in cents as a dollar string.

    >>> format_cents(1234)
    '$12.34'
    """
    sign: str = ""
    if cents < 0:
        sign = "-"
        cents = -cents
    dollars: int = cents // 100
    rest: int = cents % 100
    pad: str = ""
    if rest < 10:
        pad = "0"
    return f"{sign}${dollars}.{pad}{rest}"
