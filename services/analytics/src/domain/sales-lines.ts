export interface OrderLine {
  sku: string;
  qty: number;
  priceCents: number;
}

export interface SalesLine {
  lineNo: number;
  sku: string;
  qty: number;
  unitPriceCents: number;
  totalCents: number;
}

/** Order lines at the grain of sales_fact: numbered from 1 in the order's own order, so a reload finds the same keys. */
export function salesLinesOf(lines: OrderLine[]): SalesLine[] {
  return lines.map((line, index) => ({
    lineNo: index + 1,
    sku: line.sku,
    qty: line.qty,
    unitPriceCents: line.priceCents,
    totalCents: line.qty * line.priceCents,
  }));
}
