"""Queries over lists of items and dictionaries of counts."""

from typing import Iterator, Optional

from . import pricing
from . import text
from .model import Item


def count_by_prefix(items: list[Item]) -> dict[str, int]:
    """Count units per SKU prefix (the part before the first '-')."""
    counts: dict[str, int] = {}
    for item in items:
        prefix: str = item.sku.split("-")[0]
        counts[prefix] = counts.get(prefix, 0) + item.quantity
    return counts


def low_stock(items: list[Item], threshold: int) -> list[str]:
    """SKUs of the items whose quantity is below threshold."""
    result: list[str] = []
    for item in items:
        if item.quantity < threshold:
            result.append(item.sku)
    return result


def merge_counts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    """Add two count dictionaries key by key.

    >>> merge_counts({"x": 1, "y": 2}, {"y": 3, "z": 4})
    {'x': 1, 'y': 5, 'z': 4}
    """
    merged: dict[str, int] = {}
    for key, value in a.items():
        merged[key] = value
    for key, value in b.items():
        merged[key] = merged.get(key, 0) + value
    return merged


def find_item(items: list[Item], sku: str) -> Optional[Item]:
    """The first item with the given SKU, or None."""
    for item in items:
        if item.sku == sku:
            return item
    return None


def search_by_name(items: list[Item], query: str) -> list[str]:
    """SKUs of items whose slugified name starts with the slugified query."""
    q: str = text.slugify(query)
    found: list[str] = []
    for item in items:
        if not text.slugify(item.name).startswith(q):
            continue
        found.append(item.sku)
    return found


def first_out_of_stock(items: list[Item]) -> str:
    """SKU of the first item with no units, or an empty string."""
    sku: str = ""
    for item in items:
        if item.quantity == 0:
            sku = item.sku
            break
    return sku


def inventory_value(counts: dict[str, int], prices: dict[str, int]) -> int:
    """Total value of counts using a price table; unknown SKUs are free.

    >>> inventory_value({"A": 3, "B": 2}, {"A": 100})
    300
    """
    total: int = 0
    for sku in counts:
        if sku in prices:
            total += counts[sku] * prices[sku]
    return total


def discounted_value(items: list[Item], percent: int) -> int:
    """Total stock value after applying percent discount to every line."""
    total: int = 0
    for item in items:
        total += pricing.apply_discount(item.price_cents * item.quantity, percent)
    return total


def last_sku(items: list[Item]) -> str:
    """SKU of the last item in the list, or an empty string."""
    if len(items) == 0:
        return ""
    return items[-1].sku


def sorted_by_value(items: list[Item]) -> list[str]:
    """SKUs ordered from highest to lowest total stock value."""
    ordered: list[Item] = sorted(items, key=lambda it: -it.price_cents * it.quantity)
    skus: list[str] = []
    for it in ordered:
        skus.append(it.sku)
    return skus


def restock_plan(items: list[Item], target: int) -> list[tuple[str, int]]:
    """Pairs of (sku, units needed) to bring each item up to target."""
    plan: list[tuple[str, int]] = []
    for item in items:
        need: int = target - item.quantity
        if need > 0:
            plan.append((item.sku, need))
    return plan


def iter_skus(items: list[Item]) -> Iterator[str]:
    """Yield the SKU of each item that is in stock."""
    for item in items:
        if item.quantity > 0:
            yield item.sku
