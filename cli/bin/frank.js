#!/usr/bin/env node
// Runs the TypeScript sources directly: no build step stands between a change and `frank`.
import { register } from 'tsx/esm/api';

// The AWS SDK warns about its own future Node.js support on every run; that is not the user's concern.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!`${warning.name} ${warning.message}`.includes('NodeVersionSupportWarning')) process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

register();
await import('../src/main.ts');
