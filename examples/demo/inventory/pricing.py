"""Price calculations: discounts, taxes and order totals."""

from __future__ import annotations

from collections.abc import Iterable

from inventory.models import Item, Warehouse

DEFAULT_TAX_RATE = 0.2
BULK_DISCOUNT_THRESHOLD = 10
BULK_DISCOUNT_RATE = 0.05


def apply_discount(amount: float, rate: float) -> float:
    """Return `amount` reduced by `rate` (a fraction between 0 and 1)."""
    if not 0 <= rate <= 1:
        raise ValueError(f"discount rate out of range: {rate}")
    return round(amount * (1 - rate), 2)


def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:
    return round(amount * (1 + rate), 2)


def line_total(item: Item, quantity: int) -> float:
    subtotal = item.unit_price * quantity
    if quantity >= BULK_DISCOUNT_THRESHOLD:
        subtotal = apply_discount(subtotal, BULK_DISCOUNT_RATE)
    return round(subtotal, 2)


def order_total(
    warehouse: Warehouse,
    lines: Iterable[tuple[str, int]],
    tax_rate: float = DEFAULT_TAX_RATE,
    coupon_rate: float = 0.0,
) -> float:
    """Price an order of (sku, quantity) lines against a warehouse's prices.

    Bulk discounts apply per line, the coupon applies to the whole order,
    and tax is added last.
    """
    subtotal = 0.0
    for sku, quantity in lines:
        item = warehouse.get(sku)
        subtotal += line_total(item, quantity)
    if coupon_rate:
        subtotal = apply_discount(subtotal, coupon_rate)
    return add_tax(subtotal, tax_rate)


def inventory_value(warehouse: Warehouse) -> float:
    return round(sum(item.total_value() for item in warehouse.items.values()), 2)


def price_summary(warehouse):
    total = 0
    count = 0
    most_valuable = None
    best = -1
    for sku in warehouse.items:
        item = warehouse.items[sku]
        value = item.unit_price * item.quantity
        total = total + value
        count = count + item.quantity
        if value > best:
            best = value
            most_valuable = item.sku
    if count > 0:
        average = total / count
    else:
        average = 0
    return {
        "total": round(total, 2),
        "units": count,
        "average_unit_price": round(average, 2),
        "most_valuable_sku": most_valuable,
    }
