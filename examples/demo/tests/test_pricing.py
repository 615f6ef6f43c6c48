import pytest

from inventory.models import Item, Warehouse
from inventory.pricing import (
    DEFAULT_TAX_RATE,
    add_tax,
    apply_discount,
    inventory_value,
    line_total,
    order_total,
    price_summary,
)
from inventory.storage import JsonStore


@pytest.fixture
def warehouse() -> Warehouse:
    warehouse = Warehouse(name="shop")
    warehouse.add_item(Item("PEN", "Ballpoint pen", 1.50, 40))
    warehouse.add_item(Item("PAD", "Notepad A5", 3.00, 10))
    return warehouse


def test_apply_discount():
    assert apply_discount(100.0, 0.25) == 75.0


def test_apply_discount_rejects_bad_rate():
    with pytest.raises(ValueError):
        apply_discount(100.0, 1.5)


def test_add_tax_uses_default_rate():
    assert add_tax(100.0) == round(100.0 * (1 + DEFAULT_TAX_RATE), 2)


def test_line_total_applies_bulk_discount(warehouse):
    pen = warehouse.get("PEN")
    assert line_total(pen, 2) == 3.0
    assert line_total(pen, 10) == 14.25


def test_order_total(warehouse):
    total = order_total(warehouse, [("PEN", 2), ("PAD", 1)], tax_rate=0.1)
    assert total == 6.6


def test_order_total_with_coupon(warehouse):
    total = order_total(warehouse, [("PAD", 2)], tax_rate=0.0, coupon_rate=0.5)
    assert total == 3.0


def test_inventory_value(warehouse):
    assert inventory_value(warehouse) == 90.0


def test_price_summary(warehouse):
    assert price_summary(warehouse) == {
        "total": 90.0,
        "units": 50,
        "average_unit_price": 1.8,
        "most_valuable_sku": "PEN",
    }


def test_json_store_round_trip(tmp_path, warehouse):
    store = JsonStore(tmp_path / "data" / "inventory.json")
    assert not store.exists()
    store.save(warehouse)
    loaded = store.load()
    assert loaded == warehouse
    assert inventory_value(loaded) == inventory_value(warehouse)
