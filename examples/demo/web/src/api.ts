// Typed client for the (imagined) inventory HTTP API.

import { formatItemLine, formatPrice } from "./format";

export interface Item {
  sku: string;
  name: string;
  unitPrice: number;
  quantity: number;
  tags: string[];
}

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface Quote {
  lines: OrderLine[];
  subtotal: number;
  tax: number;
  total: number;
}

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export class InventoryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly currency: string = "EUR",
  ) {}

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers: { "Content-Type": "application/json", ...(init?.headers ?? {}) },
    });
    if (!response.ok) {
      throw new ApiError(response.status, `${init?.method ?? "GET"} ${path} failed`);
    }
    return (await response.json()) as T;
  }

  listItems(): Promise<Item[]> {
    return this.request<Item[]>("/items");
  }

  getItem(sku: string): Promise<Item> {
    return this.request<Item>(`/items/${encodeURIComponent(sku)}`);
  }

  /** Record incoming stock for an item and return its updated state. */
  receive(sku: string, quantity: number): Promise<Item> {
    return this.request<Item>(`/items/${encodeURIComponent(sku)}/receive`, {
      method: "POST",
      body: JSON.stringify({ quantity }),
    });
  }

  ship(sku: string, quantity: number): Promise<Item> {
    return this.request<Item>(`/items/${encodeURIComponent(sku)}/ship`, {
      method: "POST",
      body: JSON.stringify({ quantity }),
    });
  }

  quote(lines: OrderLine[]): Promise<Quote> {
    return this.request<Quote>("/quotes", {
      method: "POST",
      body: JSON.stringify({ lines }),
    });
  }

  async stockReport(): Promise<string> {
    const items = await this.listItems();
    const sorted = [...items].sort((a, b) => a.sku.localeCompare(b.sku));
    const value = sorted.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
    const lines = sorted.map((item) => formatItemLine(item, this.currency));
    lines.push(`total value: ${formatPrice(value, this.currency)}`);
    return lines.join("\n");
  }
}
