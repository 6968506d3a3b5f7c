#!/usr/bin/env node
// Runs the TypeScript sources directly: no build step stands between a change and `frank`.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The AWS SDK warns about its own future Node.js support on every run; that is not the user's concern.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!`${warning.name} ${warning.message}`.includes('NodeVersionSupportWarning')) process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

// cli/tsconfig.json says how: its "jsx" turns the ink views (.tsx) into React calls, wherever frank runs from.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/main.ts');
