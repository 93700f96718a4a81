"""The Item record and simple operations on a single item."""

from dataclasses import dataclass


@dataclass
class Item:
    """One stock-keeping unit with its unit price and quantity on hand."""

    sku: str
    name: str
    price_cents: int
    quantity: int


def total_value(item: Item) -> int:
    """Value of all units of the item, in cents.

    >>> total_value(Item("A-1", "Bolt", 25, 40))
    1000
    """
    return item.price_cents * item.quantity


def restock(item: Item, n: int) -> Item:
    """Return a new Item with n more units; the original is unchanged."""
    return Item(item.sku, item.name, item.price_cents, item.quantity + n)


def sell(item: Item, n: int) -> Item:
    """Return a new Item with up to n units removed (never below zero).

    >>> sell(Item("A-1", "Bolt", 25, 3), 5).quantity
    0
    """
    remaining: int = max(item.quantity - n, 0)
    return Item(item.sku, item.name, item.price_cents, remaining)


def describe(item: Item) -> str:
    """A one-line human readable description.

    >>> describe(Item("A-1", "Bolt", 25, 40))
    'A-1: Bolt x40 @ 25c'
    """
    return f"{item.sku}: {item.name} x{item.quantity} @ {item.price_cents}c"


def in_stock(item: Item) -> bool:
    """True when at least one unit is on hand."""
    return item.quantity > 0
