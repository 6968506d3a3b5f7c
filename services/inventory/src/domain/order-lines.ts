export interface OrderLine {
  sku: string;
  qty: number;
}

/**
 * One line per sku, quantities summed, in sku order: the order in which stock rows are locked,
 * so two reservations never wait on each other's rows in opposite orders.
 */
export function mergeOrderLines(lines: readonly OrderLine[]): OrderLine[] {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.qty);
  return [...bySku.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, qty]) => ({ sku, qty }));
}
