"""Inventory: a tiny stock-keeping library used by the Treewright demo."""

from inventory.models import Item, StockError, Warehouse
from inventory.pricing import (
    DEFAULT_TAX_RATE,
    apply_discount,
    inventory_value,
    order_total,
)
from inventory.storage import JsonStore

__all__ = [
    "DEFAULT_TAX_RATE",
    "Item",
    "JsonStore",
    "StockError",
    "Warehouse",
    "apply_discount",
    "inventory_value",
    "order_total",
]

__version__ = "0.1.0"
