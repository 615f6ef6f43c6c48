"""What model calls cost: one table of list prices per model family, kept here only.

Prices are US dollars per million tokens. Cache reads cost 0.1x the input price and
5-minute cache writes 1.25x (the multipliers apply to every family). A model that is
not in the table is priced as its family's nearest listed model, or as Sonnet when the
family is unknown, and the cost is then marked as an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

CACHE_READ_FACTOR = 0.1
CACHE_WRITE_FACTOR = 1.25


@dataclass(frozen=True)
class Price:
    model: str
    input: float
    output: float
    as_of: str
    source: str


# Exact model ids (or id prefixes) → list price. Update here, nowhere else.
PRICES: tuple[Price, ...] = (
    Price("claude-opus-4-6", 5.0, 25.0, "2026-11", "team price list (shared/DESIGN.md)"),
    Price("claude-sonnet-4-5", 3.0, 15.0, "2026-11", "team price list (shared/DESIGN.md)"),
)
# Family → the listed model used to estimate an unlisted one of that family.
FAMILY_ESTIMATE = {"opus": "claude-opus-4-6", "sonnet": "claude-sonnet-4-5"}
DEFAULT_ESTIMATE = "claude-sonnet-4-5"


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )


def price_for(model: str) -> tuple[Price, bool]:
    """The price to use for `model`, and whether it is an estimate."""
    for price in PRICES:
        if model == price.model or model.startswith(price.model + "-"):
            return price, False
    family = next((f for f in FAMILY_ESTIMATE if f in model), None)
    estimate = FAMILY_ESTIMATE.get(family, DEFAULT_ESTIMATE) if family else DEFAULT_ESTIMATE
    return next(p for p in PRICES if p.model == estimate), True


def cost_usd(model: str, usage: Usage) -> tuple[float, bool]:
    """The dollar cost of `usage` on `model`, and whether it is an estimate."""
    price, estimated = price_for(model)
    per_token_in = price.input / 1e6
    total = (
        usage.input_tokens * per_token_in
        + usage.cache_read_tokens * per_token_in * CACHE_READ_FACTOR
        + usage.cache_write_tokens * per_token_in * CACHE_WRITE_FACTOR
        + usage.output_tokens * price.output / 1e6
    )
    return total, estimated
