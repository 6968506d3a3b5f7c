import amqp from 'amqplib';
import type { Logger } from '../log.js';
import { DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE } from '@frank/contracts/events';
import { errorFields } from '../log.js';

export { DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE };

export type ConsumeHandler = (message: amqp.ConsumeMessage, channel: amqp.ConfirmChannel) => Promise<void>;

export interface ConsumerRegistration {
  queue: string;
  prefetch: number;
  handler: ConsumeHandler;
  declare: (channel: amqp.ConfirmChannel) => Promise<void>;
}

/** The broker's delay between two tries while it is away: short, since a refused connection costs nothing and the lab wants the service back as soon as the broker is. */
const RECONNECT_FIRST_MS = 200;
const RECONNECT_MAX_MS = 1000;

/**
 * One AMQP connection with a confirm channel that comes back by itself: amqplib has no recovery
 * of its own, so on every loss this reconnects with backoff, declares the topology again and
 * re-registers the consumers. An outage is logged once when it begins and once when it ends,
 * not once per try or per delivery in flight.
 */
export class AmqpConnection {
  private connection: amqp.ChannelModel | undefined;
  private channel: amqp.ConfirmChannel | undefined;
  private readonly consumers: ConsumerRegistration[] = [];
  private waiters: (() => void)[] = [];
  private closing = false;
  private connecting: Promise<void> | undefined;
  /** Since when the broker has been away, and why: undefined while connected or before the first connection. */
  private outage: { since: number; reason: string; abandoned: number } | undefined;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.channel !== undefined;
  }

  /** Throws, saying since when and why, while the broker is away: a readiness check. */
  assertConnected(): void {
    if (this.channel) return;
    const outage = this.outage;
    throw new Error(outage ? `broker not connected for ${((Date.now() - outage.since) / 1000).toFixed(1)} s (${outage.reason})` : 'broker not connected yet');
  }

  /** True while `channel` is the live one: a delivery of an older channel can be neither acked nor nacked. */
  isCurrent(channel: amqp.Channel): boolean {
    return this.channel === channel;
  }

  /** Resolves once connected; keeps retrying in the background after that. */
  start(): Promise<void> {
    this.connecting ??= this.connectLoop();
    return this.untilConnected();
  }

  untilConnected(timeoutMs = 30_000): Promise<void> {
    if (this.channel) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`broker not reachable within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Publishes and resolves only when the broker confirms; waits for a connection first. */
  async publish(exchange: string, routingKey: string, content: Buffer, options: amqp.Options.Publish = {}): Promise<void> {
    await this.untilConnected();
    const channel = this.channel!;
    await new Promise<void>((resolve, reject) => {
      channel.publish(exchange, routingKey, content, { persistent: true, contentType: 'application/json', ...options }, (error) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
      );
    });
  }

  /** Declares (now and after every reconnect) and consumes a queue. */
  async consume(registration: ConsumerRegistration): Promise<void> {
    this.consumers.push(registration);
    if (this.channel) await this.register(this.channel, registration);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.connection?.close().catch(() => undefined);
    this.connection = undefined;
    this.channel = undefined;
  }

  private async connectLoop(): Promise<void> {
    let delay = RECONNECT_FIRST_MS;
    let attempts = 0;
    while (!this.closing) {
      attempts++;
      try {
        const connection = await amqp.connect(this.url, { timeout: 5000 });
        const channel = await connection.createConfirmChannel();
        // Events of an old connection arrive after a new one is up; only the current one counts.
        const lost = (reason: string) => {
          if (this.connection === connection) this.lost(reason);
        };
        connection.on('error', (error) => lost(`connection error: ${String(errorFields(error).error)}`));
        connection.on('close', () => lost('connection closed'));
        channel.on('error', (error) => lost(`channel error: ${String(errorFields(error).error)}`));
        channel.on('close', () => lost('channel closed'));
        // A broker that accepts connections while still recovering can leave a declaration unanswered.
        await withTimeout(this.declareAll(channel), 15_000, 'declaring the topology').catch(async (error) => {
          await connection.close().catch(() => undefined);
          throw error;
        });
        this.connection = connection;
        this.channel = channel;
        const outage = this.outage;
        this.outage = undefined;
        if (outage) {
          this.log.info('broker connected again', {
            awayMs: Date.now() - outage.since,
            attempts,
            ...(outage.abandoned > 0 ? { redelivered: outage.abandoned } : {}),
          });
        } else this.log.info('broker connected');
        for (const wake of this.waiters.splice(0)) wake();
        return;
      } catch (error) {
        // The first failure of an outage is worth a line; the tries after it are not.
        if (attempts === 1) this.log.warn('broker not reachable; retrying until it answers', { ...errorFields(error), retryEveryMs: RECONNECT_MAX_MS });
        else this.log.debug('broker still not reachable', { ...errorFields(error), attempts });
        this.outage ??= { since: Date.now(), reason: String(errorFields(error).error), abandoned: 0 };
        await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
      }
    }
  }

  private lost(reason: string): void {
    const connection = this.connection;
    if (!connection) return;
    this.channel = undefined;
    this.connection = undefined;
    connection.close().catch(() => undefined);
    if (this.closing) return;
    this.outage = { since: Date.now(), reason, abandoned: 0 };
    this.log.warn('broker lost; reconnecting (orders and writes go on: the outbox holds the events)', { reason });
    this.connecting = this.connectLoop();
  }

  private async declareAll(channel: amqp.ConfirmChannel): Promise<void> {
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'topic', { durable: true });
    for (const registration of this.consumers) {
      this.log.debug('declaring', { queue: registration.queue });
      await this.register(channel, registration);
    }
  }

  private async register(channel: amqp.ConfirmChannel, registration: ConsumerRegistration): Promise<void> {
    await registration.declare(channel);
    await channel.prefetch(registration.prefetch);
    await channel.consume(registration.queue, (message) => {
      if (!message) return;
      registration.handler(message, channel).catch((error) => {
        // The channel went while the message was handled (the broker was lost): it cannot be
        // acked any more, and the broker delivers it again, where the inbox absorbs a duplicate.
        if (!this.isCurrent(channel) || isChannelClosed(error)) {
          if (this.outage) this.outage.abandoned++;
          this.log.debug('delivery abandoned with its channel; the broker redelivers it', { queue: registration.queue });
          return;
        }
        this.log.error('consumer handler escaped', { queue: registration.queue, ...errorFields(error) });
      });
    });
  }
}

/** amqplib's error for an ack, nack or publish on a channel that has closed. */
export function isChannelClosed(error: unknown): boolean {
  return error instanceof Error && (error.name === 'IllegalOperationError' || /Channel (closed|ended)|Connection closed/i.test(error.message));
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
