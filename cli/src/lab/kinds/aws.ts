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
   * Buses, queues, and rules that deliver to the queues; each call is idempotent. The emulator keeps
   * a scheduled rule but never fires it: eventbridge-bridge's lab process does (its schedule-firer).
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
      for (const [rule, spec] of Object.entries(resource.rules)) {
        const match = spec.schedule ? { ScheduleExpression: spec.schedule.text } : { EventPattern: JSON.stringify(spec.pattern) };
        await events.send(new PutRuleCommand({ Name: rule, EventBusName: spec.bus, ...match, State: 'ENABLED' }));
        await events.send(new PutTargetsCommand({ Rule: rule, EventBusName: spec.bus, Targets: [{ Id: spec.target, Arn: queueArns.get(spec.target) }] }));
      }
    } finally {
      events.destroy();
      sqs.destroy();
    }
  },
};
