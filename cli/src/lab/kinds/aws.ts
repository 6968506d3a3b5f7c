import { isDeepStrictEqual } from 'node:util';
import type { AwsResource } from '../topology.js';
import type { Access, KindAdapter } from './adapter.js';

function endpoint(resource: AwsResource, access: Access): string {
  return `http://${access.topology.host}:${resource.port}`;
}

export function awsClientConfig(resource: AwsResource, access: Access) {
  return {
    endpoint: endpoint(resource, access),
    region: resource.region,
    credentials: access.credentials.aws,
    maxAttempts: 1,
  };
}

export const awsAdapter: KindAdapter<AwsResource> = {
  readyTimeoutMs: 30_000,
  url: endpoint,
  env: (resource, access) => ({
    AWS_ENDPOINT_URL: endpoint(resource, access),
    AWS_REGION: resource.region,
    AWS_ACCESS_KEY_ID: access.credentials.aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: access.credentials.aws.secretAccessKey,
  }),
  async probe(resource, access, signal) {
    const { EventBridgeClient, ListEventBusesCommand } = await import('@aws-sdk/client-eventbridge');
    const client = new EventBridgeClient(awsClientConfig(resource, access));
    try {
      await client.send(new ListEventBusesCommand({}), { abortSignal: signal });
    } finally {
      client.destroy();
    }
  },
  /**
   * Buses, queues, rules that deliver to the queues, and archives of the buses; each call is
   * idempotent. The emulator keeps a scheduled rule but never fires it: eventbridge-bridge's lab
   * process does (its schedule-firer).
   */
  async provision(resource, access) {
    const { CreateEventBusCommand, EventBridgeClient, ListEventBusesCommand, PutRuleCommand, PutTargetsCommand } = await import('@aws-sdk/client-eventbridge');
    const { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    const events = new EventBridgeClient(awsClientConfig(resource, access));
    const sqs = new SQSClient(awsClientConfig(resource, access));
    try {
      const existing = new Set((await events.send(new ListEventBusesCommand({}))).EventBuses?.map((bus) => bus.Name));
      for (const bus of resource.buses) {
        if (!existing.has(bus)) await events.send(new CreateEventBusCommand({ Name: bus }));
      }
      const queueArns = new Map<string, string>();
      for (const queue of resource.queues) {
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue }));
        const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
        queueArns.set(queue, attributes.Attributes?.QueueArn ?? '');
      }
      await provisionDeadLetterQueues(resource, sqs);
      await provisionBuckets(resource, access);
      for (const [rule, spec] of Object.entries(resource.rules)) {
        const match = spec.schedule ? { ScheduleExpression: spec.schedule.text } : { EventPattern: JSON.stringify(spec.pattern) };
        await events.send(new PutRuleCommand({ Name: rule, EventBusName: spec.bus, ...match, State: 'ENABLED' }));
        await events.send(new PutTargetsCommand({ Rule: rule, EventBusName: spec.bus, Targets: [{ Id: spec.target, Arn: queueArns.get(spec.target) }] }));
      }
      // After the rules: moto hands S3's notifications to every rule of every bus in the order they
      // were made, and stops at an archive's rule (its event has no archive-arn); made first, an
      // archive of all of frank-external kept the uploads from product-image-uploads.
      await provisionArchives(resource, events);
    } finally {
      events.destroy();
      sqs.destroy();
    }
  },
};

/**
 * Each archive of frank.yaml on its bus: created when missing, its retention updated in place
 * (what it holds stays), and made again when its bus or pattern changed (UpdateArchive cannot
 * move it or drop its pattern).
 */
async function provisionArchives(resource: AwsResource, events: import('@aws-sdk/client-eventbridge').EventBridgeClient): Promise<void> {
  if (Object.keys(resource.archives).length === 0) return;
  const { CreateArchiveCommand, DeleteArchiveCommand, DescribeArchiveCommand, ListEventBusesCommand, ResourceNotFoundException, UpdateArchiveCommand } =
    await import('@aws-sdk/client-eventbridge');
  const busArns = new Map((await events.send(new ListEventBusesCommand({}))).EventBuses?.map((bus) => [bus.Name, bus.Arn]));
  for (const [archive, spec] of Object.entries(resource.archives)) {
    const wanted = {
      ArchiveName: archive,
      EventSourceArn: busArns.get(spec.bus),
      EventPattern: spec.pattern === undefined ? undefined : JSON.stringify(spec.pattern),
      RetentionDays: spec.retentionDays,
      Description: `frank.yaml archive ${archive}: ${spec.pattern === undefined ? 'every event' : 'the events matching its pattern'} on ${spec.bus}`,
    };
    const found = await events.send(new DescribeArchiveCommand({ ArchiveName: archive })).catch((error: unknown) => {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    });
    if (found) {
      const samePattern = isDeepStrictEqual(found.EventPattern ? JSON.parse(found.EventPattern) : undefined, spec.pattern);
      if (found.EventSourceArn === wanted.EventSourceArn && samePattern) {
        if (found.RetentionDays !== spec.retentionDays)
          await events.send(new UpdateArchiveCommand({ ArchiveName: archive, RetentionDays: spec.retentionDays }));
        continue;
      }
      await events.send(new DeleteArchiveCommand({ ArchiveName: archive }));
    }
    await events.send(new CreateArchiveCommand(wanted));
  }
}

/** Each queue of `deadLetter` gets `<queue>-dlq` and a redrive policy to it (as terraform/modules/events gives every queue on AWS). */
async function provisionDeadLetterQueues(resource: AwsResource, sqs: import('@aws-sdk/client-sqs').SQSClient): Promise<void> {
  const { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  for (const [queue, maxReceiveCount] of Object.entries(resource.deadLetter)) {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: deadLetterQueueName(queue), Attributes: { MessageRetentionPeriod: '1209600' } }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
    const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy } }));
  }
}

export const deadLetterQueueName = (queue: string) => `${queue}-dlq`;

/** Buckets, and S3's EventBridge notification where asked for (it announces Object Created and the rest on EventBridge). */
async function provisionBuckets(resource: AwsResource, access: Access): Promise<void> {
  if (Object.keys(resource.buckets).length === 0) return;
  const { CreateBucketCommand, HeadBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ ...awsClientConfig(resource, access), forcePathStyle: true });
  try {
    for (const [bucket, spec] of Object.entries(resource.buckets)) {
      const exists = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
        () => true,
        () => false,
      );
      if (!exists) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      if (spec.eventBridge)
        await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    }
  } finally {
    s3.destroy();
  }
}
