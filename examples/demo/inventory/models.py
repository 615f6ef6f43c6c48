"""Core data types: items and the warehouses that hold them."""

from __future__ import annotations

from dataclasses import dataclass, field


class StockError(Exception):
    """Raised when a stock operation cannot be carried out."""


@dataclass
class Item:
    """A single product line kept in stock."""

    sku: str
    name: str
    unit_price: float
    quantity: int = 0
    tags: list[str] = field(default_factory=list)

    def total_value(self) -> float:
        """Return the value of all units of this item at unit price."""
        return round(self.unit_price * self.quantity, 2)

    def is_low_stock(self, threshold: int = 5) -> bool:
        return self.quantity <= threshold

    def to_dict(self) -> dict:
        return {
            "sku": self.sku,
            "name": self.name,
            "unit_price": self.unit_price,
            "quantity": self.quantity,
            "tags": list(self.tags),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Item:
        return cls(
            sku=data["sku"],
            name=data["name"],
            unit_price=float(data["unit_price"]),
            quantity=int(data.get("quantity", 0)),
            tags=list(data.get("tags", [])),
        )


@dataclass
class Warehouse:
    """A named collection of items, indexed by SKU."""

    name: str
    items: dict[str, Item] = field(default_factory=dict)

    def add_item(self, item: Item) -> None:
        """Add a new item; raise StockError if the SKU is already present."""
        if item.sku in self.items:
            raise StockError(f"duplicate sku: {item.sku}")
        self.items[item.sku] = item

    def get(self, sku: str) -> Item:
        try:
            return self.items[sku]
        except KeyError:
            raise StockError(f"unknown sku: {sku}") from None

    def receive(self, sku: str, quantity: int) -> Item:
        """Increase the stock of an existing item by `quantity` units."""
        if quantity <= 0:
            raise StockError("quantity must be positive")
        item = self.get(sku)
        item.quantity += quantity
        return item

    def ship(self, sku: str, quantity: int) -> Item:
        if quantity <= 0:
            raise StockError("quantity must be positive")
        item = self.get(sku)
        if item.quantity < quantity:
            raise StockError(
                f"not enough stock for {sku}: have {item.quantity}, need {quantity}"
            )
        item.quantity -= quantity
        return item

    def remove_item(self, sku: str) -> Item:
        item = self.get(sku)
        del self.items[sku]
        return item

    def low_stock(self, threshold: int = 5) -> list[Item]:
        result = []
        for item in self.items.values():
            if item.is_low_stock(threshold):
                result.append(item)
        result.sort(key=lambda i: i.sku)
        return result

    def find_by_tag(self, tag: str) -> list[Item]:
        matches = []
        for sku in sorted(self.items):
            item = self.items[sku]
            for t in item.tags:
                if t.lower() == tag.lower():
                    matches.append(item)
                    break
        return matches

    def __len__(self) -> int:
        return len(self.items)
