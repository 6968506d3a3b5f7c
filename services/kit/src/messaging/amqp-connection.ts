import amqp from 'amqplib';
import type { Logger } from '../log.js';
import { errorFields } from '../log.js';

export const EVENTS_EXCHANGE = 'frank.events';
export const DEAD_LETTER_EXCHANGE = 'frank.dlx';

export type ConsumeHandler = (message: amqp.ConsumeMessage, channel: amqp.ConfirmChannel) => Promise<void>;

export interface ConsumerRegistration {
  queue: string;
  prefetch: number;
  handler: ConsumeHandler;
  declare: (channel: amqp.ConfirmChannel) => Promise<void>;
}

/**
 * One AMQP connection with a confirm channel that comes back by itself: amqplib has no recovery
 * of its own, so on every loss this reconnects with backoff, declares the topology again and
 * re-registers the consumers.
 */
export class AmqpConnection {
  private connection: amqp.ChannelModel | undefined;
  private channel: amqp.ConfirmChannel | undefined;
  private readonly consumers: ConsumerRegistration[] = [];
  private waiters: (() => void)[] = [];
  private closing = false;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.channel !== undefined;
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
      channel.publish(exchange, routingKey, content, { persistent: true, contentType: 'application/json', ...options }, (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()));
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
    let delay = 200;
    while (!this.closing) {
      try {
        const connection = await amqp.connect(this.url, { timeout: 5000 });
        const channel = await connection.createConfirmChannel();
        // Events of an old connection arrive after a new one is up; only the current one counts.
        const lost = (reason: string) => {
          if (this.connection === connection) this.lost(reason);
        };
        connection.on('error', (error) => this.log.warn('broker connection error', errorFields(error)));
        connection.on('close', () => lost('connection closed'));
        channel.on('error', (error) => this.log.warn('broker channel error', errorFields(error)));
        channel.on('close', () => lost('channel closed'));
        // A broker that accepts connections while still recovering can leave a declaration unanswered.
        await withTimeout(this.declareAll(channel), 15_000, 'declaring the topology').catch(async (error) => {
          await connection.close().catch(() => undefined);
          throw error;
        });
        this.connection = connection;
        this.channel = channel;
        this.log.info('broker connected');
        for (const wake of this.waiters.splice(0)) wake();
        return;
      } catch (error) {
        this.log.warn('broker not reachable; retrying', { ...errorFields(error), retryInMs: delay });
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private lost(reason: string): void {
    const connection = this.connection;
    this.channel = undefined;
    this.connection = undefined;
    connection?.close().catch(() => undefined);
    if (this.closing) return;
    this.log.warn(`broker lost (${reason}); reconnecting`);
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
      registration.handler(message, channel).catch((error) => this.log.error('consumer handler escaped', errorFields(error)));
    });
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
