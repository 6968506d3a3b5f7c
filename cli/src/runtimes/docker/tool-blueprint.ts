import type { PostgresResource, Topology } from '../../lab/lab-types.js';
import { IMAGES } from './images.js';
import { containerPort, HEALTH, type Blueprint } from './resource-blueprint.js';

/**
 * The lab's optional tools: containers that only the docker runtime (`frank up --tools`) and
 * compose's `tools` profile run, never the native runtime. SonarQube runs when a postgres resource
 * of frank.yaml declares its database (infrastructure-db's `sonarqube`), on that database with the
 * database's own role, as every database of the lab has.
 */
export const TOOLS_PROFILE = 'tools';
export const SONARQUBE_DATABASE = 'sonarqube';
/** frank.yaml has no key for it: SonarQube's own port, plus the lab's offset. */
export const SONARQUBE_PORT = 9000;

export interface ToolSecrets {
  /** The password of the `sonarqube` database's role. */
  sonarqubeDatabasePassword: string;
}

export function toolBlueprints(topology: Topology, secrets: ToolSecrets): Blueprint[] {
  const server = topology.resources.find((r): r is PostgresResource => r.kind === 'postgres' && SONARQUBE_DATABASE in r.databases);
  if (!server) return [];
  return [
    {
      resource: 'sonarqube',
      kind: 'sonarqube',
      image: IMAGES.sonarqube,
      command: undefined,
      env: {
        SONAR_JDBC_URL: `jdbc:postgresql://${server.name}:${containerPort(server)}/${SONARQUBE_DATABASE}`,
        SONAR_JDBC_USERNAME: SONARQUBE_DATABASE,
        SONAR_JDBC_PASSWORD: secrets.sonarqubeDatabasePassword,
        // Its Elasticsearch needs vm.max_map_count ≥ 262144 on the host, which a container cannot set itself.
        SONAR_TELEMETRY_ENABLE: 'false',
      },
      ports: [{ container: SONARQUBE_PORT, host: SONARQUBE_PORT + topology.portOffset }],
      // Its database holds the analyses; the volume holds Elasticsearch's index and plugins.
      dataPath: '/opt/sonarqube/data',
      hostname: undefined,
      // A JVM and Elasticsearch: a minute or two to start.
      healthcheck: {
        ...HEALTH,
        startPeriodMs: 300_000,
        startIntervalMs: 5_000,
        test: ['CMD-SHELL', `wget -qO- http://127.0.0.1:${SONARQUBE_PORT}/api/system/status | grep -q '"status":"UP"'`],
      },
      stopSignal: undefined,
    },
  ];
}
