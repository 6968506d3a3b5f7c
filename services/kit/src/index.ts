export { afterTransactionOn, type AfterTransaction } from './db/after-transaction.js';
export { createPool, inTransaction, isTransient, withRetry, type DbClient, type Pool } from './db/pool.js';
export { HttpError, KitError, PoisonMessageError, type KitErrorCode } from './errors.js';
export { bearerToken, createServiceApp, finishApp, listen, validate, type NotReady, type ReadyCheck } from './http/create-app.js';
export { authenticate, isAdmin } from './http/authenticate.js';
export { eventReplayRoutes, type EventPage } from './http/event-replay.js';
export { createLogger, errorFields, type Logger } from './log.js';
export { AmqpConnection, DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE, type ConsumeHandler, type ConsumerRegistration } from './messaging/amqp-connection.js';
export { appendEvent, OUTBOX_CHANNEL } from './messaging/append-event.js';
export { consumeEvents, deadLetterQueueOf, declareConsumerQueue, type EventHandler } from './messaging/consume-events.js';
export { dataOf, newEnvelope, parseEnvelope, type EventEnvelope, type NewEvent } from './messaging/envelope.js';
export { InvalidTokenError, signToken, verifyToken, type TokenClaims, type TokenSubject } from '@frank/contracts/token';
export { startOutboxRelay, type OutboxRelay } from './messaging/outbox-relay.js';
export { publishOutboxBatch, type OutboxRowToPublish, type PublishRow } from './messaging/outbox-batch.js';
export { main, runService, type ServiceContext, type ServiceDefinition } from './service.js';
export type { SeedOptions } from './seed-options.js';
export { awsClientConfig, type AwsClientConfig } from './aws-client-config.js';
export { pick, randomInt, seededRandom } from './seeded-random.js';
export {
  awsSettings,
  checkEnvironment,
  defineSettings,
  describeSettings,
  flagSettings,
  readSettings,
  serviceUrlVariable,
  setting,
  type SettingDescription,
  type SettingSource,
  type SettingValues,
} from './settings.js';
