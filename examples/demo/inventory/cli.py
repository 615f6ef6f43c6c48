"""Command-line interface: `python -m inventory.cli --help`."""

from __future__ import annotations

import argparse
import sys

from inventory.models import Item, StockError
from inventory.pricing import DEFAULT_TAX_RATE, inventory_value, order_total
from inventory.storage import JsonStore

DEFAULT_STORE = "inventory.json"


def parse_line(text: str) -> tuple[str, int]:
    sku, sep, qty = text.partition("=")
    if not sep or not sku or not qty.isdigit():
        raise argparse.ArgumentTypeError(f"expected SKU=QTY, got {text!r}")
    return sku, int(qty)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inventory", description=__doc__)
    parser.add_argument("--store", default=DEFAULT_STORE, help="JSON file to use")
    sub = parser.add_subparsers(dest="command", required=True)

    add = sub.add_parser("add", help="add a new item")
    add.add_argument("sku")
    add.add_argument("name")
    add.add_argument("price", type=float)
    add.add_argument("--quantity", type=int, default=0)
    add.add_argument("--tag", action="append", default=[])

    receive = sub.add_parser("receive", help="receive stock for an item")
    receive.add_argument("sku")
    receive.add_argument("quantity", type=int)

    ship = sub.add_parser("ship", help="ship stock of an item")
    ship.add_argument("sku")
    ship.add_argument("quantity", type=int)

    sub.add_parser("list", help="list all items")

    low = sub.add_parser("low", help="list items with low stock")
    low.add_argument("--threshold", type=int, default=5)

    quote = sub.add_parser("quote", help="price an order given as SKU=QTY pairs")
    quote.add_argument("lines", nargs="+", type=parse_line, metavar="SKU=QTY")
    quote.add_argument("--tax", type=float, default=DEFAULT_TAX_RATE)
    quote.add_argument("--coupon", type=float, default=0.0)

    return parser


def format_item(item: Item) -> str:
    return f"{item.sku:<10} {item.name:<24} {item.quantity:>6} @ {item.unit_price:>8.2f}"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return a process exit code."""
    args = build_parser().parse_args(argv)
    store = JsonStore(args.store)
    warehouse = store.load_or_create()

    try:
        if args.command == "add":
            item = Item(args.sku, args.name, args.price, args.quantity, args.tag)
            warehouse.add_item(item)
            store.save(warehouse)
            print(f"added {item.sku}")
        elif args.command == "receive":
            item = warehouse.receive(args.sku, args.quantity)
            store.save(warehouse)
            print(f"{item.sku}: {item.quantity} in stock")
        elif args.command == "ship":
            item = warehouse.ship(args.sku, args.quantity)
            store.save(warehouse)
            print(f"{item.sku}: {item.quantity} in stock")
        elif args.command == "list":
            for sku in sorted(warehouse.items):
                print(format_item(warehouse.items[sku]))
            print(f"total value: {inventory_value(warehouse):.2f}")
        elif args.command == "low":
            for item in warehouse.low_stock(args.threshold):
                print(format_item(item))
        elif args.command == "quote":
            total = order_total(warehouse, args.lines, args.tax, args.coupon)
            print(f"total: {total:.2f}")
    except StockError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
