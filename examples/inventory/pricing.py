"""Discounts, tax, bulk tiers and order totals."""

from typing import Optional

from . import mathutil
from .model import Item


def apply_discount(price_cents: int, percent: int) -> int:
    """Reduce a price by percent (clamped to 0..100), rounding down.

    >>> apply_discount(1000, 15)
    850
    """
    p: int = mathutil.clamp(percent, 0, 100)
    return price_cents - price_cents * p // 100


def add_tax(price_cents: int, rate: float) -> int:
    """Add tax at the given rate (e.g. 0.08), rounded to the nearest cent.

    >>> add_tax(1000, 0.08)
    1080
    """
    tax: float = price_cents * rate
    return price_cents + int(tax + 0.5)


def bulk_discount_percent(quantity: int) -> int:
    """Discount percentage earned by buying quantity units.

    >>> bulk_discount_percent(120)
    15
    """
    if quantity >= 100:
        return 15
    elif quantity >= 50:
        return 10
    elif quantity >= 10:
        return 5
    else:
        return 0


def line_price(item: Item, quantity: int) -> int:
    """Price of buying quantity units of item, including bulk discount."""
    gross: int = item.price_cents * quantity
    return apply_discount(gross, bulk_discount_percent(quantity))


def order_total(items: list[Item]) -> int:
    """Sum of the total value of every item in the list."""
    total: int = 0
    for item in items:
        total += item.price_cents * item.quantity
    return total


def unit_ratio(a_cents: int, b_cents: int) -> tuple[int, int]:
    """Reduce the ratio of two prices to lowest terms.

    >>> unit_ratio(150, 100)
    (3, 2)
    """
    g: int = mathutil.gcd(a_cents, b_cents)
    if g == 0:
        return (0, 0)
    return (a_cents // g, b_cents // g)


def average_price(items: list[Item]) -> float:
    """Mean unit price in cents over the items."""
    prices: list[float] = []
    for item in items:
        prices.append(float(item.price_cents))
    return mathutil.mean(prices)


def cheapest(items: list[Item]) -> Optional[Item]:
    """The item with the lowest unit price, or None for an empty list."""
    if len(items) == 0:
        return None
    best: Item = items[0]
    for item in items:
        if item.price_cents < best.price_cents:
            best = item
    return best
