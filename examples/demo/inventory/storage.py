"""Persist warehouses as JSON files on disk."""

from __future__ import annotations

import json
from pathlib import Path

from inventory.models import Item, Warehouse

FORMAT_VERSION = 1


def warehouse_to_dict(warehouse: Warehouse) -> dict:
    return {
        "version": FORMAT_VERSION,
        "name": warehouse.name,
        "items": [warehouse.items[sku].to_dict() for sku in sorted(warehouse.items)],
    }


def warehouse_from_dict(data: dict) -> Warehouse:
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ValueError(f"unsupported inventory format version: {version}")
    warehouse = Warehouse(name=data["name"])
    for raw in data.get("items", []):
        warehouse.add_item(Item.from_dict(raw))
    return warehouse


class JsonStore:
    """Load and save a single warehouse to a JSON file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> Warehouse:
        """Read the warehouse from disk; raise FileNotFoundError if absent."""
        with self.path.open("r", encoding="utf-8") as fh:
            return warehouse_from_dict(json.load(fh))

    def load_or_create(self, name: str = "main") -> Warehouse:
        if self.exists():
            return self.load()
        return Warehouse(name=name)

    def save(self, warehouse: Warehouse) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(warehouse_to_dict(warehouse), fh, indent=2)
            fh.write("\n")
        tmp.replace(self.path)
