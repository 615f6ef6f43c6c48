import pytest

from inventory.models import Item, StockError, Warehouse


def make_warehouse() -> Warehouse:
    warehouse = Warehouse(name="test")
    warehouse.add_item(Item("BOLT-M6", "Hex bolt M6", 0.25, 200, ["hardware"]))
    warehouse.add_item(Item("NUT-M6", "Hex nut M6", 0.10, 3, ["hardware"]))
    warehouse.add_item(Item("GLUE-50", "Wood glue 50ml", 4.50, 2, ["adhesive"]))
    return warehouse


def test_item_total_value():
    assert Item("A", "Apple", 0.3, 10).total_value() == 3.0


def test_item_round_trips_through_dict():
    item = Item("A", "Apple", 0.3, 10, ["fruit"])
    assert Item.from_dict(item.to_dict()) == item


def test_add_duplicate_sku_fails():
    warehouse = make_warehouse()
    with pytest.raises(StockError):
        warehouse.add_item(Item("BOLT-M6", "Other bolt", 1.0))


def test_receive_and_ship_update_quantity():
    warehouse = make_warehouse()
    warehouse.receive("NUT-M6", 10)
    assert warehouse.get("NUT-M6").quantity == 13
    warehouse.ship("NUT-M6", 5)
    assert warehouse.get("NUT-M6").quantity == 8


def test_ship_more_than_available_fails():
    warehouse = make_warehouse()
    with pytest.raises(StockError):
        warehouse.ship("GLUE-50", 3)
    assert warehouse.get("GLUE-50").quantity == 2


@pytest.mark.parametrize("quantity", [0, -1])
def test_non_positive_quantities_are_rejected(quantity):
    warehouse = make_warehouse()
    with pytest.raises(StockError):
        warehouse.receive("BOLT-M6", quantity)


def test_unknown_sku():
    with pytest.raises(StockError):
        make_warehouse().get("NOPE")


def test_low_stock_is_sorted_by_sku():
    skus = [item.sku for item in make_warehouse().low_stock(threshold=5)]
    assert skus == ["GLUE-50", "NUT-M6"]


def test_find_by_tag_ignores_case():
    found = make_warehouse().find_by_tag("HARDWARE")
    assert [item.sku for item in found] == ["BOLT-M6", "NUT-M6"]


def test_remove_item():
    warehouse = make_warehouse()
    warehouse.remove_item("BOLT-M6")
    assert len(warehouse) == 2
