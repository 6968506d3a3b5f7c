export type { EventBridgeEvent } from '@frank/kit/sqs-poller';
