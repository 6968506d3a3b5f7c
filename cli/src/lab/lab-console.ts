import path from 'node:path';
import type { Lab } from './lab.js';
import { REPOSITORY_ROOT } from './paths.js';

/** The service that serves the web app: the storefront and the lab console. */
export const WEB_SERVICE = 'bff';

/**
 * What the web service needs to serve the storefront and show the lab console: which lab it belongs to (its frank.yaml)
 * and the frank CLI to ask (cli/bin/frank.js of this checkout). The console's data is what the CLI
 * prints (`dashboard --json`, `saga show`, `chaos …`), so the service runs the CLI rather than
 * importing its code: services never import the CLI. A container that cannot reach these paths
 * ignores them and its console answers 503.
 */
export function labConsoleEnvironment(lab: Lab): Record<string, string> {
  return {
    FRANK_CONFIG: path.resolve(lab.topology.file),
    FRANK_CLI: path.join(REPOSITORY_ROOT, 'cli', 'bin', 'frank.js'),
    // The storefront's build; the BFF's own guess from its location does not hold in its bundle.
    WEB_DIST_DIR: path.join(REPOSITORY_ROOT, 'services', 'web', 'dist'),
  };
}
