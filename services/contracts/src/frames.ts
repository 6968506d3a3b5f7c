/**
 * The JSON the CLI prints for the console: a frame of `frank dashboard --json` and a saga of
 * `frank saga show --json`. The CLI writes them, the BFF passes them on, the web app draws them.
 */

/** A unit of the lab as a frame shows it. */
export interface LabResource {
  name: string;
  kind: string;
  phase: string;
  /** healthy, degraded (a service alive and waiting for something down), unhealthy or stopped. */
  health: string;
  /** What a degraded service waits for, as the lab names it (`rabbitmq`, `order-db`). */
  waitingFor?: string[];
}

/** One of the latest sagas as order-service tracks it: the order's state and the saga's step. */
export interface RecentSaga {
  orderId: string;
  sagaId: string;
  orderStatus: string;
  /** saga_coord.saga_state; null while order-service has not recorded it. */
  sagaStatus: string | null;
  sagaStep: string | null;
  totalCents: number;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A chaos fault in force (`frank chaos status`). */
export interface FaultInForce {
  id: string;
  label: string;
  injectedAt: string;
  /** When a `--for` fault heals itself; absent: until `frank chaos heal` (or `down`). */
  healAt?: string;
  /** The event that set it off, for `--when`. */
  trigger?: string;
  /** The frank process that injected it (and heals it at `healAt` unless it died). */
  pid: number;
}

/** One frame of `frank dashboard`: what the lab looks like now, and what changed since the last frame. */
export interface LabFrame {
  at: string;
  resources: LabResource[];
  orders: Record<string, number>;
  /** Orders that became CONFIRMED or CANCELLED per second since the previous frame; null on the first. */
  settledPerSecond: number | null;
  queues: { queue: string; messages: number | null }[];
  outbox: Record<string, number>;
  /** The latest sagas, newest first (`frank saga recent`). */
  sagas: RecentSaga[];
  /** The chaos faults in force, read only: a frame heals nothing. */
  faults: FaultInForce[];
}

/** One event of a saga: who appended it, when its relay dispatched it and when each consumer took it in. */
export interface TimelineStep {
  eventId: string;
  type: string;
  /** Whose event store holds it; for a message no saga database publishes, its publisher per the contract. */
  service: string;
  stream: string | null;
  version: number | null;
  causationId: string | null;
  at: string;
  /** ms since the saga's first step. */
  offsetMs: number;
  dispatchedAt: string | null;
  /** Relay lag: append → dispatch. */
  dispatchMs: number | null;
  attempts: number | null;
  /** Published outside the saga databases (the provider's webhook, via eventbridge-bridge): known only from its consumers' inboxes. */
  external: boolean;
  consumers: { handler: string; service: string; receivedAt: string; gapMs: number | null }[];
}

export interface SagaTimeline {
  orderId: string;
  sagaId: string | null;
  order: { status: string; totalCents: number; cancelReason: string | null; createdAt: string; updatedAt: string } | null;
  saga: { step: string; status: string; updatedAt: string } | null;
  payment: {
    id: string;
    status: string;
    providerRef: string | null;
    failureReason: string | null;
    deadlineAt: string;
    providerAttempts: number;
    providerError: string | null;
  } | null;
  steps: TimelineStep[];
  /** First step to last. */
  durationMs: number | null;
}
