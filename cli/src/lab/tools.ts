import { UsageError } from '../errors.js';
import { readLabState } from './lab-state.js';
import { runtimeContext, type Lab } from './lab.js';

/**
 * Starts the lab's optional tools (SonarQube on infrastructure-db's `sonarqube` database) beside a
 * lab that is up. Only the docker runtime runs them: SonarQube is a JVM server with an Elasticsearch
 * inside, about 2 GB of memory, and needs the host's vm.max_map_count ≥ 262144.
 */
export async function startLabTools(lab: Lab): Promise<string[]> {
  if (!lab.runtime.startTools) {
    throw new UsageError(
      `The ${lab.selection.name} runtime does not run SonarQube (a JVM server needing about 2 GB of memory and Elasticsearch's vm.max_map_count).`,
      {
        hint: 'Run `npx frank up --runtime docker --tools`, or `docker compose -f compose/docker-compose.yml --profile tools up -d` (its database stays provisioned either way).',
      },
    );
  }
  const state = lab.isUp ? lab.state : await readLabState(lab.paths.labFile);
  if (!state) throw new UsageError('The lab is not up.', { hint: 'Run `npx frank up --tools`.' });
  return lab.runtime.startTools(await runtimeContext(lab, state.id));
}
