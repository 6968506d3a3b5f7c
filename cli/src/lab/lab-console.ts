import path from 'node:path';
import type { LabPart } from '@frank/kit/settings';
import type { Credentials } from './credentials.js';
import type { Lab } from './lab.js';
import { REPOSITORY_ROOT } from './paths.js';

/** The service that serves the web app: the storefront and the lab console. */
export const WEB_SERVICE = 'bff';

/**
 * What only the local lab can give a service (a `lab` setting): which lab it belongs to (its frank.yaml),
 * the frank CLI to ask (cli/bin/frank.js of this checkout) and the storefront's build. The web service's lab console
 * and storefront use them. The console's data is what the CLI
 * prints (`dashboard --json`, `saga show`, `chaos …`), so the service runs the CLI rather than
 * importing its code: services never import the CLI. A container that cannot reach these paths
 * ignores them and its console answers 503.
 */
export function labParts(lab: Pick<Lab, 'topology'>, credentials: Pick<Credentials, 'consoleToken'>): Record<LabPart, string> {
  return {
    // The console's page gets it from the BFF, which takes faults and heals only with it.
    'console-token': credentials.consoleToken,
    'frank-config': path.resolve(lab.topology.file),
    'frank-cli': path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js'),
    // The storefront's build; the BFF's own guess from its location does not hold in its bundle.
    'web-dist': path.join(REPOSITORY_ROOT, 'services', 'web', 'dist'),
  };
}
