"""Tests for the inventory example package."""

import inventory
from inventory import mathutil, model, pricing, stock, text
from inventory.model import Item


def sample_items() -> list[Item]:
    """A small fixed stock list used by several tests."""
    return [
        Item("BOLT-1", "Hex Bolt", 25, 40),
        Item("BOLT-2", "Carriage Bolt", 30, 0),
        Item("NUT-1", "Hex Nut", 10, 200),
        Item("WASH-1", "Flat Washer", 5, 7),
    ]


# --- package ---------------------------------------------------------------

def test_format_cents() -> None:
    assert inventory.format_cents(1234) == "$12.34"
    assert inventory.format_cents(5) == "$0.05"
    assert inventory.format_cents(-250) == "-$2.50"
    assert inventory.format_cents(0) == "$0.00"


# --- mathutil --------------------------------------------------------------

def test_gcd() -> None:
    assert mathutil.gcd(48, 18) == 6
    assert mathutil.gcd(-12, 8) == 4
    assert mathutil.gcd(7, 0) == 7
    assert mathutil.gcd(0, 0) == 0


def test_clamp() -> None:
    assert mathutil.clamp(15, 0, 10) == 10
    assert mathutil.clamp(-3, 0, 10) == 0
    assert mathutil.clamp(4, 0, 10) == 4


def test_isqrt() -> None:
    assert mathutil.isqrt(0) == 0
    assert mathutil.isqrt(1) == 1
    assert mathutil.isqrt(99) == 9
    assert mathutil.isqrt(100) == 10
    assert mathutil.isqrt(1000000) == 1000


def test_mean() -> None:
    assert mathutil.mean([1.0, 2.0, 3.0, 4.0]) == 2.5
    assert mathutil.mean([]) == 0.0


def test_wrap_index_and_floor_div() -> None:
    assert mathutil.wrap_index(-1, 5) == 4
    assert mathutil.wrap_index(7, 5) == 2
    assert mathutil.wrap_index(-6, 5) == 4
    assert mathutil.floor_div(-7, 2) == -4
    assert mathutil.floor_div(7, 2) == 3


def test_power() -> None:
    assert mathutil.power(3, 5) == 243
    assert mathutil.power(2, 10) == 1024
    assert mathutil.power(-2, 3) == -8
    assert mathutil.power(5, 0) == 1


def test_is_prime() -> None:
    assert mathutil.is_prime(2) is True
    assert mathutil.is_prime(97) is True
    assert mathutil.is_prime(91) is False
    assert mathutil.is_prime(1) is False
    assert mathutil.is_prime(-7) is False


# --- text ------------------------------------------------------------------

def test_slugify() -> None:
    assert text.slugify("  Blue Widget XL ") == "blue-widget-xl"
    assert text.slugify("Bolt") == "bolt"


def test_count_vowels() -> None:
    assert text.count_vowels("Inventory") == 3
    assert text.count_vowels("xyz") == 0


def test_reverse_words() -> None:
    assert text.reverse_words("red green blue") == "blue green red"
    assert text.reverse_words("") == ""


def test_pad_and_truncate() -> None:
    assert text.pad_right("ab", 5, ".") == "ab..."
    assert text.pad_right("abcdef", 3, ".") == "abcdef"
    assert text.truncate("Deluxe Widget", 8) == "Delux..."
    assert text.truncate("Nut", 8) == "Nut"
    assert text.truncate("Washer", 2) == "Wa"


def test_caesar() -> None:
    assert text.caesar("abc xyz", 3) == "def abc"
    assert text.caesar("def abc", -3) == "abc xyz"
    assert text.caesar("A-1", 5) == "A-1"


def test_is_palindrome() -> None:
    assert text.is_palindrome("Never odd or even") is True
    assert text.is_palindrome("widget") is False
    assert text.is_palindrome("") is True


def test_parse_quantity() -> None:
    assert text.parse_quantity(" 42 ") == 42
    assert text.parse_quantity("-3") == -3
    assert text.parse_quantity("lots") == 0


# --- model -----------------------------------------------------------------

def test_total_value() -> None:
    assert model.total_value(Item("A-1", "Bolt", 25, 40)) == 1000
    assert model.total_value(Item("A-2", "Nut", 10, 0)) == 0


def test_restock_returns_new_item() -> None:
    original = Item("A-1", "Bolt", 25, 40)
    updated = model.restock(original, 10)
    assert updated == Item("A-1", "Bolt", 25, 50)
    assert original.quantity == 40


def test_sell() -> None:
    assert model.sell(Item("A-1", "Bolt", 25, 3), 5).quantity == 0
    assert model.sell(Item("A-1", "Bolt", 25, 10), 4).quantity == 6


def test_describe_and_in_stock() -> None:
    assert model.describe(Item("A-1", "Bolt", 25, 40)) == "A-1: Bolt x40 @ 25c"
    assert model.in_stock(Item("A-1", "Bolt", 25, 1)) is True
    assert model.in_stock(Item("A-1", "Bolt", 25, 0)) is False


# --- pricing ---------------------------------------------------------------

def test_apply_discount() -> None:
    assert pricing.apply_discount(1000, 15) == 850
    assert pricing.apply_discount(999, 10) == 900
    assert pricing.apply_discount(1000, 150) == 0
    assert pricing.apply_discount(1000, -5) == 1000


def test_add_tax() -> None:
    assert pricing.add_tax(1000, 0.08) == 1080
    assert pricing.add_tax(199, 0.05) == 209
    assert pricing.add_tax(0, 0.2) == 0


def test_bulk_discount_percent() -> None:
    assert pricing.bulk_discount_percent(120) == 15
    assert pricing.bulk_discount_percent(100) == 15
    assert pricing.bulk_discount_percent(50) == 10
    assert pricing.bulk_discount_percent(10) == 5
    assert pricing.bulk_discount_percent(9) == 0


def test_line_price() -> None:
    assert pricing.line_price(Item("A-1", "Bolt", 25, 500), 100) == 2125
    assert pricing.line_price(Item("A-1", "Bolt", 25, 500), 4) == 100


def test_order_total() -> None:
    assert pricing.order_total(sample_items()) == 3035
    assert pricing.order_total([]) == 0


def test_unit_ratio() -> None:
    assert pricing.unit_ratio(150, 100) == (3, 2)
    assert pricing.unit_ratio(0, 0) == (0, 0)


def test_average_price() -> None:
    assert pricing.average_price(sample_items()) == 17.5
    assert pricing.average_price([]) == 0.0


def test_cheapest() -> None:
    assert pricing.cheapest(sample_items()) == Item("WASH-1", "Flat Washer", 5, 7)
    assert pricing.cheapest([]) is None


# --- stock -----------------------------------------------------------------

def test_count_by_prefix() -> None:
    assert stock.count_by_prefix(sample_items()) == {"BOLT": 40, "NUT": 200, "WASH": 7}


def test_low_stock() -> None:
    assert stock.low_stock(sample_items(), 10) == ["BOLT-2", "WASH-1"]
    assert stock.low_stock(sample_items(), 0) == []


def test_merge_counts() -> None:
    assert stock.merge_counts({"x": 1, "y": 2}, {"y": 3, "z": 4}) == {"x": 1, "y": 5, "z": 4}
    assert stock.merge_counts({}, {}) == {}


def test_find_item() -> None:
    assert stock.find_item(sample_items(), "NUT-1") == Item("NUT-1", "Hex Nut", 10, 200)
    assert stock.find_item(sample_items(), "NOPE") is None


def test_search_by_name() -> None:
    assert stock.search_by_name(sample_items(), "HEX") == ["BOLT-1", "NUT-1"]
    assert stock.search_by_name(sample_items(), "flat washer") == ["WASH-1"]
    assert stock.search_by_name(sample_items(), "gear") == []


def test_first_out_of_stock() -> None:
    assert stock.first_out_of_stock(sample_items()) == "BOLT-2"
    assert stock.first_out_of_stock([Item("A-1", "Bolt", 25, 1)]) == ""


def test_inventory_value() -> None:
    assert stock.inventory_value({"A": 3, "B": 2}, {"A": 100}) == 300
    assert stock.inventory_value({"A": 3, "B": 2}, {"A": 100, "B": 7}) == 314


def test_discounted_value() -> None:
    assert stock.discounted_value(sample_items(), 10) == 2732
    assert stock.discounted_value(sample_items(), 0) == 3035


def test_last_sku() -> None:
    assert stock.last_sku(sample_items()) == "WASH-1"
    assert stock.last_sku([]) == ""


def test_sorted_by_value() -> None:
    assert stock.sorted_by_value(sample_items()) == ["NUT-1", "BOLT-1", "WASH-1", "BOLT-2"]


def test_restock_plan() -> None:
    assert stock.restock_plan(sample_items(), 50) == [("BOLT-1", 10), ("BOLT-2", 50), ("WASH-1", 43)]
    assert stock.restock_plan(sample_items(), 0) == []


def test_iter_skus() -> None:
    assert list(stock.iter_skus(sample_items())) == ["BOLT-1", "NUT-1", "WASH-1"]
    assert list(stock.iter_skus([])) == []
