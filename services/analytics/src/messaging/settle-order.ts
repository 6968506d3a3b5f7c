import { appendEvent, type DbClient, type EventEnvelope } from '@frank/kit';
import { nextSteps } from '../domain/order-progress.js';
import { salesLinesOf } from '../domain/sales-lines.js';
import { ensureDate } from '../persistence/dimensions.js';
import { loadSales, unloadSales } from '../persistence/facts.js';
import { markLoaded, markRecorded, progressOf, stageOrderFacts, type OrderFacts } from '../persistence/orders-staging.js';

export interface AnalyticsRecorded {
  orderId: string;
  totalCents: number;
}

/**
 * Merges what an event says about an order into staging, then takes whatever steps are now due:
 * load the sale, take it back, or append analytics.recorded. Returns whether sales_fact changed.
 */
export async function settleOrder(client: DbClient, event: EventEnvelope, facts: OrderFacts): Promise<boolean> {
  const order = await stageOrderFacts(client, facts);
  const steps = nextSteps(progressOf(order));
  let factsChanged = false;
  if (steps.unload) {
    factsChanged = (await unloadSales(client, order.orderId)) > 0;
    await markLoaded(client, order.orderId, false);
  }
  if (steps.load) {
    const dateKey = await ensureDate(client, order.orderedAt!);
    factsChanged = (await loadSales(client, { orderId: order.orderId, userId: order.userId!, dateKey, lines: salesLinesOf(order.lines!) })) > 0;
    await markLoaded(client, order.orderId, true);
  }
  if (steps.record) {
    const totalCents = order.totalCents ?? salesLinesOf(order.lines!).reduce((sum, line) => sum + line.totalCents, 0);
    await appendEvent<AnalyticsRecorded>(client, {
      type: 'analytics.recorded',
      source: 'analytics',
      aggregateType: 'order',
      aggregateId: order.orderId,
      causedBy: event,
      sagaId: event.sagaId ?? order.sagaId,
      data: { orderId: order.orderId, totalCents },
    });
    await markRecorded(client, order.orderId);
  }
  return factsChanged;
}
