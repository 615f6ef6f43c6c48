"""The scripted Messages API for the end-to-end run: prints its base URL, then reads one
command a line on stdin and answers one line: a scenario's name queues its replies (so the
driver decides what the model says next); "seen <text>" counts the requests whose body holds
<text> (so the driver can check what reached the model); "quit" stops."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))

from scripted_api import ScriptedAPI, text, tool_use  # noqa: E402

PRICING = "inventory/pricing.py"
ADD_TAX = "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n"
VALUE = "def inventory_value(warehouse: Warehouse) -> float:\n"
STORAGE = "inventory/storage.py"
SORTED_ITEMS = '"items": [warehouse.items[sku].to_dict() for sku in sorted(warehouse.items)],'
CLI = "inventory/cli.py"

SCENARIOS = {
    # Two separate hunks in pricing.py: the e2e accepts the first and rejects the second.
    "document": lambda: [
        tool_use("edit", {"path": PRICING, "old_string": ADD_TAX,
                          "new_string": ADD_TAX + '    """Return `amount` with tax at `rate` added."""\n'}),
        tool_use("edit", {"path": PRICING, "old_string": VALUE,
                          "new_string": VALUE + '    """Total value of every item in the warehouse."""\n'}),
        text("I added docstrings to `add_tax` and `inventory_value`."),
    ],
    "answer": lambda: [
        text("**`order_total`** adds tax *last*:\n\n```python\nreturn add_tax(subtotal, tax_rate)\n```\n\n"
             "so the coupon is applied before tax. <script>window.treewrightInjected = 'script'</script>\n\n"
        '<img src="x" onerror="window.treewrightInjected = \'img\'"> '
        '<a href="javascript:window.treewrightInjected=\'link\'">a link</a>', chunks=12, event_delay=0.05),
    ],
    "mention": lambda: [text("`inventory/models.py` defines `Item` and `Warehouse`.")],
    # Edit Selection on warehouse_to_dict: one hunk in storage.py.
    "edit": lambda: [
        tool_use("edit", {"path": STORAGE, "old_string": SORTED_ITEMS,
                          "new_string": SORTED_ITEMS.replace("sorted(warehouse.items)",
                                                             "sorted(warehouse.items, reverse=True)")}),
        text("The items are now listed in reverse order of SKU."),
    ],
    # A proposal for cli.py, which the driver renames before the review.
    "cli": lambda: [
        tool_use("edit", {"path": CLI, "old_string": "import argparse\n", "new_string": "import argparse  # the CLI\n"}),
        text("I commented the import."),
    ],
    "slow": lambda: [
        text("Counting slowly: " + " ".join(str(i) for i in range(1, 400)), chunks=200, event_delay=0.25),
    ],
}


def main() -> None:
    api = ScriptedAPI().start()
    print(api.base_url, flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command in SCENARIOS:
            api.add(*SCENARIOS[command]())
            print(f"queued {command}", flush=True)
        elif command == "requests":
            print(len(api.message_requests), flush=True)
        elif command.startswith("seen "):
            needle = command.removeprefix("seen ")
            print(sum(needle in r.raw_body.decode("utf-8", "replace") for r in api.message_requests), flush=True)
    api.stop()


if __name__ == "__main__":
    main()
