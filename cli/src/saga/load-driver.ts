import { AmqpConnection, EVENTS_EXCHANGE } from '@frank/kit/amqp';
import type { Logger } from '@frank/kit/log';
import { seededRandom } from '@frank/kit/random';
import { FrankError, errorMessage } from '../errors.js';
import type { LabAccess } from './lab-access.js';
import { arrivalSchedule } from './load-model.js';
import type { Scenario } from './scenario.js';

/**
 * The load drivers. Each order is placed through order-service with a real customer's token, and
 * its terminal event (`order.confirmed` or `order.cancelled`) is read from frank.events, so
 * measuring does not load order-service. Closed model: `concurrency` workers each place their
 * next order when the last settled. Open model: arrivals at a fixed rate, whatever is in flight.
 */
export interface PlacedOrder {
  orderId: string;
  sagaId: string;
  startedAt: number;
  /** ms from POST /orders to the terminal event; undefined when none came within the settle timeout. */
  latencyMs?: number;
  /** ms since the load began when the terminal event came. */
  settledAtMs?: number;
  terminal?: 'order.confirmed' | 'order.cancelled';
}

export interface LoadResult {
  placed: PlacedOrder[];
  /** POST /orders answers other than 202, with the first few reasons. */
  failedToPlace: number;
  failures: string[];
  /** Times order-service shed an order (503 overloaded) and it was sent again after Retry-After. */
  shedRetries?: number;
  elapsedMs: number;
  /** Open model: arrivals due, those not sent because maxInFlight orders were in flight, and the most in flight at once. */
  arrivals?: number;
  skippedArrivals?: number;
  peakInFlight?: number;
}

export interface LoadProgress {
  placed: number;
  settled: number;
  total: number;
  inFlight: number;
  skipped: number;
}

export interface LoadOptions {
  orders: number;
  concurrency: number;
  seed: number;
  settleTimeoutMs: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Awaited before the index-th order is placed (a scenario's flag flip halfway). */
  beforeOrder?: (index: number) => Promise<void>;
}

export interface OpenLoadOptions {
  rate: number;
  durationMs: number;
  maxInFlight: number;
  seed: number;
  settleTimeoutMs: number;
  onProgress?: (progress: LoadProgress) => void;
  beforeOrder?: (index: number) => Promise<void>;
}

export interface Customer {
  email: string;
  token: string;
}

/** One order's lines drawn from the scenario's weighted mix; `random` lines take distinct SKUs of the pool. */
export function drawOrder(scenario: Pick<Scenario, 'mix'>, pool: string[], random: () => number): { sku: string; qty: number }[] {
  const total = scenario.mix.reduce((sum, entry) => sum + entry.weight, 0);
  let pick = random() * total;
  const entry = scenario.mix.find((e) => (pick -= e.weight) < 0) ?? scenario.mix.at(-1)!;
  const taken = new Set(entry.items.filter((l) => l.sku !== 'random').map((l) => l.sku));
  return entry.items.map((line) => {
    if (line.sku !== 'random') return { sku: line.sku, qty: line.qty };
    const free = pool.filter((sku) => !taken.has(sku));
    if (free.length === 0) throw new FrankError('The scenario asks for more random SKUs in one order than the lab has in stock.');
    const sku = free[Math.floor(random() * free.length)]!;
    taken.add(sku);
    return { sku, qty: line.qty };
  });
}

export async function http<T>(
  url: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T; retryAfterS?: number }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (error) {
    throw new FrankError(`${init.method ?? 'GET'} ${url} did not answer: ${errorMessage(error)}`, {
      hint: 'Check `npx frank status`: is the service healthy?',
    });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return { status: response.status, body: body as T, ...(retryAfter > 0 ? { retryAfterS: Math.min(retryAfter, 30) } : {}) };
}

/** Tokens of the seeded customers: demo@frank.lab and the customers with password frank-customer. */
export async function loginCustomers(access: LabAccess, limit: number): Promise<Customer[]> {
  const { rows } = await access
    .report('customers')
    .query<{ email: string }>("SELECT email FROM saga_report.customers ORDER BY email = 'demo@frank.lab' DESC, email LIMIT $1", [limit]);
  const customers: Customer[] = [];
  for (const { email } of rows) {
    const login = await http<{ token?: string }>(access.customerUrls().login, {
      body: { email, password: email === 'demo@frank.lab' ? 'frank-demo' : 'frank-customer' },
    });
    if (login.status === 200 && login.body.token) customers.push({ email, token: login.body.token });
  }
  if (customers.length === 0) throw new FrankError('No seeded customer could log in.', { hint: 'Run `npx frank seed --service user`.' });
  return customers;
}

/** The kit's connection logs for a service's log file; the CLI's stdout is its output (`--json`). */
const SILENT: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => SILENT };

/**
 * Waits for each order's terminal event on frank.events, on an exclusive queue bound before the
 * first order, through the kit's connection (which comes back by itself when a chaos run kills the
 * broker). The outcomes that passed while it was away are read from order-service's database, so
 * no order waits out its timeout for an event it missed.
 */
async function listenForOutcomes(access: LabAccess) {
  const waiting = new Map<string, (type: PlacedOrder['terminal']) => void>();
  const early = new Map<string, PlacedOrder['terminal']>();
  const settle = (orderId: string, type: PlacedOrder['terminal']) => {
    const done = waiting.get(orderId);
    if (done) done(type);
    else early.set(orderId, type);
  };
  const catchUp = async () => {
    const ids = [...waiting.keys()];
    if (ids.length === 0) return;
    const { rows } = await access
      .report('orders')
      .query<{ id: string; status: string }>(
        "SELECT id::text, status FROM saga_report.orders WHERE id = ANY($1::uuid[]) AND status IN ('CONFIRMED', 'CANCELLED')",
        [ids],
      )
      .catch(() => ({ rows: [] as { id: string; status: string }[] }));
    for (const row of rows) settle(row.id, row.status === 'CONFIRMED' ? 'order.confirmed' : 'order.cancelled');
  };
  const queue = `frank-load.outcomes.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  const connection = new AmqpConnection(access.amqpUrl, SILENT);
  let declarations = 0;
  await connection.consume({
    queue,
    prefetch: 200,
    async declare(channel) {
      await channel.assertQueue(queue, { exclusive: true, autoDelete: true });
      for (const key of ['order.confirmed', 'order.cancelled']) await channel.bindQueue(queue, EVENTS_EXCHANGE, key);
      // Declared again: the broker was away, and what settled meanwhile went by unseen.
      if (declarations++ > 0) setTimeout(() => void catchUp(), 0);
    },
    async handler(message, channel) {
      try {
        const event = JSON.parse(message.content.toString('utf8')) as { type: PlacedOrder['terminal']; data: { orderId: string } };
        settle(event.data.orderId, event.type);
      } catch {
        /* not ours to judge: the consumers dead-letter poison */
      }
      channel.ack(message);
    },
  });
  await connection.start();
  return {
    wait(orderId: string, timeoutMs: number): Promise<PlacedOrder['terminal'] | undefined> {
      const already = early.get(orderId);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(orderId);
          resolve(undefined);
        }, timeoutMs);
        waiting.set(orderId, (type) => {
          clearTimeout(timer);
          waiting.delete(orderId);
          resolve(type);
        });
      });
    },
    close: () => connection.close(),
  };
}

/** What both models share: placing one order, waiting for its outcome, counting. */
async function loadSession(access: LabAccess, customers: Customer[], settleTimeoutMs: number) {
  const outcomes = await listenForOutcomes(access);
  const placed: PlacedOrder[] = [];
  const failures: string[] = [];
  const counts = { failedToPlace: 0, settled: 0, inFlight: 0, peakInFlight: 0, shedRetries: 0 };
  const began = performance.now();
  return {
    placed,
    counts,
    began,
    async place(index: number, items: { sku: string; qty: number }[]): Promise<void> {
      counts.inFlight++;
      counts.peakInFlight = Math.max(counts.peakInFlight, counts.inFlight);
      try {
        const customer = customers[index % customers.length]!;
        const startedAt = performance.now();
        let answer: Awaited<ReturnType<typeof http<{ orderId?: string; sagaId?: string; error?: { code?: string; message?: string } }>>>;
        try {
          // Shed by order-service (above its in-flight bound): a polite client comes back after Retry-After, within the settle timeout.
          for (;;) {
            answer = await http(access.customerUrls().orders, { body: { items }, token: customer.token });
            const waitMs = (answer.retryAfterS ?? 1) * 1000;
            if (answer.status !== 503 || answer.body.error?.code !== 'overloaded' || performance.now() + waitMs - startedAt > settleTimeoutMs) break;
            counts.shedRetries++;
            await new Promise((resolve) => setTimeout(resolve, waitMs));
          }
        } catch (error) {
          // No answer at all (order-service killed, its link cut): a refused order, not the end of the run.
          counts.failedToPlace++;
          if (failures.length < 5) failures.push(`no answer (${errorMessage(error)}); the order may exist`);
          return;
        }
        if (answer.status !== 202 || !answer.body.orderId) {
          counts.failedToPlace++;
          if (failures.length < 5) failures.push(`${answer.status} ${answer.body.error?.message ?? JSON.stringify(answer.body)}`);
          return;
        }
        const order: PlacedOrder = { orderId: answer.body.orderId, sagaId: answer.body.sagaId ?? '', startedAt };
        placed.push(order);
        const terminal = await outcomes.wait(order.orderId, settleTimeoutMs);
        if (terminal) {
          const now = performance.now();
          Object.assign(order, { terminal, latencyMs: now - startedAt, settledAtMs: now - began });
          counts.settled++;
        }
      } finally {
        counts.inFlight--;
      }
    },
    result(extra: Partial<LoadResult> = {}): LoadResult {
      return { placed, failedToPlace: counts.failedToPlace, failures, shedRetries: counts.shedRetries, elapsedMs: performance.now() - began, ...extra };
    },
    close: () => outcomes.close(),
  };
}

export async function driveLoad(
  access: LabAccess,
  scenario: Pick<Scenario, 'mix'>,
  pool: string[],
  customers: Customer[],
  options: LoadOptions,
): Promise<LoadResult> {
  const random = seededRandom(options.seed);
  const session = await loadSession(access, customers, options.settleTimeoutMs);
  let next = 0;
  const progress = setInterval(
    () =>
      options.onProgress?.({
        placed: session.placed.length,
        settled: session.counts.settled,
        total: options.orders,
        inFlight: session.counts.inFlight,
        skipped: 0,
      }),
    2000,
  );
  try {
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, options.orders) }, async () => {
        while (next < options.orders) {
          const index = next++;
          await options.beforeOrder?.(index);
          await session.place(index, drawOrder(scenario, pool, random));
        }
      }),
    );
  } finally {
    clearInterval(progress);
    await session.close();
  }
  return session.result();
}

/**
 * The open model: the i-th order is due at i/rate s, placed on time however many are in flight,
 * unless `maxInFlight` are: then that arrival is skipped and counted (the lab does not keep up,
 * and an unbounded backlog would only measure this process's memory).
 */
export async function driveOpenLoad(
  access: LabAccess,
  scenario: Pick<Scenario, 'mix'>,
  pool: string[],
  customers: Customer[],
  options: OpenLoadOptions,
): Promise<LoadResult> {
  const random = seededRandom(options.seed);
  const schedule = arrivalSchedule(options.rate, options.durationMs);
  const session = await loadSession(access, customers, options.settleTimeoutMs);
  let skipped = 0;
  const progress = setInterval(
    () =>
      options.onProgress?.({
        placed: session.placed.length,
        settled: session.counts.settled,
        total: schedule.length,
        inFlight: session.counts.inFlight,
        skipped,
      }),
    2000,
  );
  const orders: Promise<void>[] = [];
  // An order that cannot be placed (order-service gone) ends the arrivals; caught here so it is not unhandled meanwhile.
  let broken: { error: unknown } | undefined;
  try {
    for (const [index, due] of schedule.entries()) {
      const wait = session.began + due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await options.beforeOrder?.(index);
      if (broken) break;
      // Drawn even when skipped, so that the i-th arrival is the same order whatever was skipped before it.
      const items = drawOrder(scenario, pool, random);
      if (session.counts.inFlight >= options.maxInFlight) {
        skipped++;
        continue;
      }
      orders.push(session.place(index, items).catch((error: unknown) => void (broken ??= { error })));
    }
    await Promise.all(orders);
    if (broken) throw broken.error;
  } finally {
    clearInterval(progress);
    await session.close();
  }
  return session.result({ arrivals: schedule.length, skippedArrivals: skipped, peakInFlight: session.counts.peakInFlight });
}
