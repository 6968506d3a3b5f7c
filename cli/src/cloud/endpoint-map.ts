import { FrankError } from '../errors.js';

/**
 * The local lab's servers standing in for what AWS would run: where the rehearsal sends a
 * service that its task definition points at RDS, Amazon MQ, DocumentDB, ElastiCache, another
 * service by service discovery, or the AWS APIs.
 */
export interface LabStandIns {
  /** The address everything local listens on. */
  host: string;
  /** `host:port` of each RDS endpoint (as Terraform reports it) to the local PostgreSQL port standing in. */
  postgres: Map<string, number>;
  /** The lab's own URLs, with the lab's own credentials: the emulator creates no broker, cluster or cache behind them. */
  rabbitmqUrl: string;
  mongoUrl: string;
  redisUrl: string;
  /** Each service's local port (frank.yaml's plus the lab's offset). */
  servicePorts: Map<string, number>;
  /** The private DNS namespace of service discovery (`frank.local`). */
  serviceNamespace: string;
  /**
   * The rehearsal lab's own Unleash (unleash-server natively) standing in for the Unleash ECS service:
   * its port, and its client token in place of the one the deployment generated (which it does not know).
   */
  unleash?: { name: string; port: number; clientToken: string };
  /** The emulator, and credentials standing in for the task role's. */
  aws: { endpoint: string; accessKeyId: string; secretAccessKey: string };
}

/** One value as the local lab needs it; anything that is no endpoint stays as it is. */
export function mapToLab(value: string, lab: LabStandIns): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql': {
      const key = `${url.hostname}:${url.port || '5432'}`;
      const port = lab.postgres.get(key);
      if (port === undefined)
        throw new FrankError(`No local PostgreSQL stands in for ${key}.`, { hint: `Known: ${[...lab.postgres.keys()].join(', ') || 'none'}.` });
      url.hostname = lab.host;
      url.port = String(port);
      // The lab's servers have no TLS; RDS forces it.
      for (const param of ['sslmode', 'sslrootcert', 'ssl']) url.searchParams.delete(param);
      return url.toString();
    }
    case 'amqp':
    case 'amqps':
      return lab.rabbitmqUrl;
    case 'mongodb':
    case 'mongodb+srv':
      return lab.mongoUrl;
    case 'redis':
    case 'rediss':
      return lab.redisUrl;
    case 'http':
    case 'https': {
      const suffix = `.${lab.serviceNamespace}`;
      if (!url.hostname.endsWith(suffix)) return value;
      const service = url.hostname.slice(0, -suffix.length);
      const port = lab.servicePorts.get(service) ?? (service === lab.unleash?.name ? lab.unleash.port : undefined);
      if (port === undefined) throw new FrankError(`No local service stands in for ${url.hostname}.`);
      return `http://${lab.host}:${port}${url.pathname === '/' ? '' : url.pathname}`;
    }
    default:
      return value;
  }
}

/**
 * A task definition's environment and resolved secrets as the local lab runs the service: every
 * endpoint mapped, listening on the lab's address at its local port, and, for a service that calls
 * AWS, the emulator's endpoint and credentials in place of the task role's. Each change is noted.
 */
export function taskEnvironmentForLab(service: string, given: Record<string, string>, lab: LabStandIns): { env: Record<string, string>; notes: string[] } {
  const env: Record<string, string> = {};
  const notes: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    const mapped = name === 'HOST' ? lab.host : name === 'PORT' ? String(lab.servicePorts.get(service) ?? value) : mapToLab(value, lab);
    env[name] = mapped;
    if (mapped !== value) notes.push(name);
  }
  if ('UNLEASH_TOKEN' in env && lab.unleash) {
    env.UNLEASH_TOKEN = lab.unleash.clientToken;
    notes.push("UNLEASH_TOKEN (the rehearsal lab's Unleash knows its own client token, not the generated one)");
  }
  if ('AWS_REGION' in env) {
    Object.assign(env, { AWS_ENDPOINT_URL: lab.aws.endpoint, AWS_ACCESS_KEY_ID: lab.aws.accessKeyId, AWS_SECRET_ACCESS_KEY: lab.aws.secretAccessKey });
    notes.push('AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the emulator, for the task role)');
  }
  return { env, notes };
}
