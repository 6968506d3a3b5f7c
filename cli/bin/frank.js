#!/usr/bin/env node
// Runs the CLI from its bundle (cli/.bundle), built again from the TypeScript whenever a source changed.
import { fileURLToPath } from 'node:url';
import { bundleIsCurrent } from './bundle-cache.js';

// The AWS SDK warns about its own future Node.js support on every run; that is not the user's concern.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!`${warning.name} ${warning.message}`.includes('NodeVersionSupportWarning')) process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const bundle = fileURLToPath(new URL('../.bundle/main.js', import.meta.url));
if (await bundleIsCurrent(bundle)) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  // cli/tsconfig.json says how: its "jsx" turns the ink views (.tsx) into React calls, wherever frank runs from.
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  const { buildCliBundle } = await import('../src/cli-bundle.ts');
  // Code that does not build runs from the sources instead, which report what is wrong with it.
  const built = await buildCliBundle().catch(() => undefined);
  await import(built ?? '../src/main.ts');
}
