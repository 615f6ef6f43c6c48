// Display helpers for inventory data.

export const DEFAULT_CURRENCY = "EUR";

export function formatPrice(amount: number, currency: string = DEFAULT_CURRENCY): string {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(amount);
}

export function formatQuantity(quantity: number): string {
  if (quantity === 0) {
    return "out of stock";
  }
  return quantity === 1 ? "1 unit" : `${quantity} units`;
}

/** One line of a stock listing, e.g. "PEN  Ballpoint pen  40 units @ €1.50". */
export function formatItemLine(
  item: { sku: string; name: string; unitPrice: number; quantity: number },
  currency: string = DEFAULT_CURRENCY,
): string {
  return [
    item.sku.padEnd(10),
    item.name.padEnd(24),
    formatQuantity(item.quantity).padStart(14),
    "@",
    formatPrice(item.unitPrice, currency),
  ].join(" ");
}
