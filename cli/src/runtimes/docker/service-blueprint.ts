import type { Service, ServiceAddresses, Topology } from '../../lab/lab-types.js';
import { IMAGES } from './images.js';
import { proxyListenPort, SLOW_HEALTH, type HealthCheck, type PortMapping } from './resource-blueprint.js';

/**
 * What one lab service's container is, whoever runs it (the docker runtime's container-spec.ts and
 * compose/compose-file.ts): the pinned node image with the repository mounted read-only, running
 * the same command as natively (native/service.ts) as the image's non-root user `node`. Its
 * environment is what the service declares, given at container host names (`containerAddresses`):
 * Toxiproxy and the other services by name on the lab's network, listening on every interface of its container.
 */
export interface ServiceBlueprint {
  service: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  /** Its own port, published on the lab's host address at the same port. */
  ports: PortMapping[];
  /** Where the repository is mounted (read-only); also the working directory. */
  sourcePath: string;
  user: string;
  healthcheck: HealthCheck;
  /** Toxiproxy (every link goes through it), then each resource it uses. */
  dependsOn: string[];
}

/** Inside a service's container the repository is here. */
export const SERVICE_SOURCE_PATH = '/lab';
/** The node image's own non-root user (uid 1000). */
export const SERVICE_USER = 'node';

/** On the lab's network: each link at `<toxiproxy>:<its proxy port>`, each service at `<name>:<port>`. */
export function containerAddresses(topology: Topology): ServiceAddresses {
  const toxiproxy = topology.resources.find((r) => r.kind === 'toxiproxy');
  return {
    resource: (link) => {
      if (!toxiproxy) throw new Error(`link ${link.name}: the lab has no toxiproxy resource`);
      return `${toxiproxy.name}:${proxyListenPort(link)}`;
    },
    service: (other) => `${other.name}:${other.port}`,
    bindHost: '0.0.0.0',
  };
}

export function serviceBlueprints(topology: Topology, environmentOf: (service: Service) => Record<string, string>): ServiceBlueprint[] {
  const resources = new Set(topology.resources.map((r) => r.name));
  const clash = topology.services.find((s) => resources.has(s.name));
  // One network, one name space: a container answers to its name.
  if (clash) throw new Error(`service ${clash.name} has the name of a resource: in a container lab both would answer to "${clash.name}"`);
  return topology.services.map((service) => serviceBlueprint(service, topology, environmentOf(service)));
}

export function serviceBlueprint(service: Service, topology: Topology, env: Record<string, string>): ServiceBlueprint {
  const toxiproxy = topology.resources.find((r) => r.kind === 'toxiproxy');
  const readiness = `http://127.0.0.1:${service.port}/health/ready`;
  return {
    service: service.name,
    image: IMAGES.node,
    command: ['node', '--import', 'tsx', `services/${service.name}/src/main.ts`],
    env,
    ports: [{ container: service.port, host: service.port }],
    sourcePath: SERVICE_SOURCE_PATH,
    user: SERVICE_USER,
    // The image has no curl; node's fetch asks the same /health/ready as frank's probe.
    healthcheck: {
      ...SLOW_HEALTH,
      test: ['CMD', 'node', '-e', `fetch('${readiness}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
    },
    dependsOn: [...(toxiproxy && service.uses.length > 0 ? [toxiproxy.name] : []), ...service.uses],
  };
}
