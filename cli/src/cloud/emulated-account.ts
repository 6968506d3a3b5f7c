import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, ListServicesCommand, type Service as EcsService } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { FrankError } from '../errors.js';

/** How to reach the emulator (or an account): the SDK's client settings. */
export interface AccountConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** One ECS service as its task definition declares its container. */
export interface TaskContainer {
  service: string;
  taskDefinitionArn: string;
  container: string;
  image: string;
  port: number | undefined;
  environment: Record<string, string>;
  /** Variable name to its Secrets Manager reference (valueFrom). */
  secrets: Record<string, string>;
  /** Target groups of the load balancers in front of it. */
  targetGroupArns: string[];
}

/** Every ECS service of a cluster, read back with its task definition's one container. */
export async function readTaskContainers(config: AccountConfig, cluster: string): Promise<TaskContainer[]> {
  const ecs = new ECSClient(config);
  try {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListServicesCommand({ cluster, nextToken }));
      arns.push(...(page.serviceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const services: EcsService[] = [];
    for (let i = 0; i < arns.length; i += 10)
      services.push(...((await ecs.send(new DescribeServicesCommand({ cluster, services: arns.slice(i, i + 10) }))).services ?? []));
    const containers: TaskContainer[] = [];
    for (const service of services) {
      const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }));
      const definitions = taskDefinition?.containerDefinitions ?? [];
      if (definitions.length !== 1)
        throw new FrankError(`Task definition ${service.taskDefinition} of ${service.serviceName} has ${definitions.length} containers; the lab's have one.`);
      const container = definitions[0]!;
      containers.push({
        service: service.serviceName!,
        taskDefinitionArn: taskDefinition!.taskDefinitionArn!,
        container: container.name!,
        image: container.image ?? '',
        port: container.portMappings?.[0]?.containerPort,
        environment: Object.fromEntries((container.environment ?? []).map((pair) => [pair.name!, pair.value ?? ''])),
        secrets: Object.fromEntries((container.secrets ?? []).map((secret) => [secret.name!, secret.valueFrom!])),
        targetGroupArns: (service.loadBalancers ?? []).map((lb) => lb.targetGroupArn!).filter(Boolean),
      });
    }
    return containers.sort((a, b) => a.service.localeCompare(b.service));
  } finally {
    ecs.destroy();
  }
}

/** A Lambda function's configuration, and the SQS queues its event source mappings read. */
export interface FunctionConfig {
  name: string;
  handler: string;
  runtime: string;
  environment: Record<string, string>;
  sqsSources: { uuid: string; queueArn: string; queueUrl: string; batchSize: number }[];
}

export async function readFunction(config: AccountConfig, name: string): Promise<FunctionConfig> {
  const lambda = new LambdaClient(config);
  const sqs = new SQSClient(config);
  try {
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    // Every mapping, matched here by the function's ARN: moto matches FunctionName only as the mapping was created with it (Terraform gives the ARN).
    const mappings = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(new ListEventSourceMappingsCommand({ Marker: marker }));
      mappings.push(...(page.EventSourceMappings ?? []).filter((m) => m.FunctionArn === fn.FunctionArn || m.FunctionArn?.endsWith(`:function:${name}`)));
      marker = page.NextMarker;
    } while (marker);
    const sqsSources = [];
    for (const mapping of mappings.filter((m) => m.EventSourceArn?.startsWith('arn:aws:sqs:'))) {
      const queueName = mapping.EventSourceArn!.split(':').at(-1)!;
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
      sqsSources.push({ uuid: mapping.UUID!, queueArn: mapping.EventSourceArn!, queueUrl: QueueUrl!, batchSize: mapping.BatchSize ?? 10 });
    }
    return { name, handler: fn.Handler ?? 'index.handler', runtime: fn.Runtime ?? '', environment: { ...(fn.Environment?.Variables ?? {}) }, sqsSources };
  } finally {
    lambda.destroy();
    sqs.destroy();
  }
}

/** What the internet reaches: the load balancers' listeners, and the ECS service behind each forward. */
export interface PublicEntry {
  loadBalancer: string;
  dnsName: string;
  listeners: { port: number; protocol: string; action: string; service?: string }[];
}

export async function readPublicEntries(config: AccountConfig, containers: TaskContainer[]): Promise<PublicEntry[]> {
  const elb = new ElasticLoadBalancingV2Client(config);
  try {
    const entries: PublicEntry[] = [];
    for (const lb of (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []) {
      const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners ?? [];
      entries.push({
        loadBalancer: lb.LoadBalancerName ?? '',
        dnsName: lb.DNSName ?? '',
        listeners: listeners
          .map((listener) => {
            const action = listener.DefaultActions?.[0];
            const target = action?.TargetGroupArn ?? action?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
            const service = target ? containers.find((c) => c.targetGroupArns.includes(target))?.service : undefined;
            const described =
              action?.Type === 'redirect'
                ? `redirect to ${action.RedirectConfig?.Protocol ?? ''} ${action.RedirectConfig?.Port ?? ''}`.trim()
                : (action?.Type ?? 'none');
            return { port: listener.Port ?? 0, protocol: listener.Protocol ?? '', action: described, ...(service ? { service } : {}) };
          })
          .sort((a, b) => a.port - b.port),
      });
    }
    return entries;
  } finally {
    elb.destroy();
  }
}

/**
 * Turns an event source mapping off in the emulator: moto runs an SQS mapping itself, handing each
 * message to a Lambda it cannot run here and deleting it; the rehearsal runs the mapping instead.
 */
export async function disableMapping(config: AccountConfig, uuid: string): Promise<void> {
  const lambda = new LambdaClient(config);
  try {
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
  } finally {
    lambda.destroy();
  }
}
