import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.js';
import type { LabAccess } from '../saga/lab-access.js';

export interface ProbeOrder {
  orderId: string;
  /** ms after the heal began. */
  placedAtMs: number;
  status: string;
  /** When it was seen CONFIRMED or CANCELLED, ms after the heal began. */
  settledAtMs?: number;
}

export interface RecoveryResult {
  /** From the heal to the first probe saga seen CONFIRMED; null when none was within the deadline. */
  recoveryMs: number | null;
  probes: ProbeOrder[];
  /** POST /orders answers other than 202 while the lab came back (the first few). */
  refused: string[];
}

export interface ProbeOptions {
  /** order-service's base URL; probes go there straight, not through the load's gateway. */
  orderUrl: string;
  token: string;
  sku: string;
  /** performance.now() of the heal: every time is measured from it. */
  since: number;
  deadlineMs: number;
  intervalMs?: number;
  maxProbes?: number;
}

const TERMINAL = new Set(['CONFIRMED', 'CANCELLED']);

/**
 * Time to recover: from the heal, a probe order every `intervalMs` through order-service until one
 * saga settles CONFIRMED (a declined or timed-out probe does not count: the scenario's provider may
 * decline it). Status is read from order-service's database, which the probe reaches directly.
 */
export function probeRecovery(access: LabAccess, options: ProbeOptions): { done: Promise<RecoveryResult>; stop(): void } {
  const { intervalMs = 1000, maxProbes = 12 } = options;
  const probes: ProbeOrder[] = [];
  const refused: string[] = [];
  let recoveryMs: number | null = null;
  let stopped = false;
  const at = () => Math.round(performance.now() - options.since);

  const place = async () => {
    try {
      const response = await fetch(`${options.orderUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ items: [{ sku: options.sku, qty: 1 }] }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json().catch(() => ({}))) as { orderId?: string; error?: { message?: string } };
      if (response.status === 202 && body.orderId) probes.push({ orderId: body.orderId, placedAtMs: at(), status: 'PENDING' });
      else if (refused.length < 5) refused.push(`${response.status} ${body.error?.message ?? ''}`.trim());
    } catch (error) {
      if (refused.length < 5) refused.push(errorMessage(error));
    }
  };

  const watch = async () => {
    const open = probes.filter((p) => !TERMINAL.has(p.status));
    if (open.length === 0) return;
    try {
      const { rows } = await access
        .report('orders')
        .query<{ id: string; status: string }>('SELECT id::text, status FROM saga_report.orders WHERE id = ANY($1::uuid[])', [open.map((p) => p.orderId)]);
      for (const row of rows) {
        const probe = open.find((p) => p.orderId === row.id)!;
        probe.status = row.status;
        if (TERMINAL.has(row.status)) probe.settledAtMs = at();
        if (row.status === 'CONFIRMED' && recoveryMs === null) recoveryMs = probe.settledAtMs!;
      }
    } catch {
      /* order-db may be the one coming back */
    }
  };

  const done = (async (): Promise<RecoveryResult> => {
    const inFlight: Promise<void>[] = [];
    let nextAt = 0;
    while (!stopped && recoveryMs === null && at() < options.deadlineMs) {
      if (at() >= nextAt && probes.length + refused.length < maxProbes * 2 && probes.length < maxProbes) {
        inFlight.push(place());
        nextAt = at() + intervalMs;
      }
      await watch();
      await sleep(200);
    }
    await Promise.all(inFlight);
    return { recoveryMs, probes, refused };
  })();

  return {
    done,
    stop() {
      stopped = true;
    },
  };
}
