/** What the staging row knows about an order so far. */
export interface OrderProgress {
  hasLines: boolean;
  confirmed: boolean;
  cancelled: boolean;
  notified: boolean;
  loaded: boolean;
  recorded: boolean;
}

export interface OrderSteps {
  /** Copy the staged lines into sales_fact. */
  load: boolean;
  /** Take the order's lines out of sales_fact again. */
  unload: boolean;
  /** Append analytics.recorded. */
  record: boolean;
}

/**
 * The next steps for an order, whatever order its events came in: a sale is loaded once its lines
 * are known and it is confirmed; a cancellation wins over everything (order-service's word is
 * final); analytics.recorded follows the notification outcome of a loaded sale, once.
 */
export function nextSteps(progress: OrderProgress): OrderSteps {
  if (progress.cancelled) return { load: false, unload: progress.loaded, record: false };
  const load = !progress.loaded && progress.hasLines && progress.confirmed;
  const loadedAfter = progress.loaded || load;
  return { load, unload: false, record: loadedAfter && progress.notified && !progress.recorded };
}
