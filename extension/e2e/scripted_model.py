"""The scripted Messages API for the end-to-end run: prints its base URL, then reads one
command a line on stdin ("document", "answer", "slow", "quit") and queues that scenario's
replies, so the driver decides what the model says next."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))

from scripted_api import ScriptedAPI, text, tool_use  # noqa: E402

PRICING = "inventory/pricing.py"
ADD_TAX = "def add_tax(amount: float, rate: float = DEFAULT_TAX_RATE) -> float:\n"
VALUE = "def inventory_value(warehouse: Warehouse) -> float:\n"

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
             "so the coupon is applied before tax. <script>alert('x')</script>", chunks=12, event_delay=0.05),
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
    api.stop()


if __name__ == "__main__":
    main()
