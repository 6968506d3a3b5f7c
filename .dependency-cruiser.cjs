// The CLI's layers, one direction (ARCHITECTURE.md):
//   commands → ui → features → lab model → runtimes
// commands wire flags to a feature and print through ui/; ui/ renders what features return;
// features are saga, chaos, views, images, cloud, compose, deps, dashboard, reports, scaffold, completion;
// the lab model is lab/; runtimes/ run units natively or in Docker. A layer may import any layer
// below it, never one above. cli/src/errors.ts is shared by every layer.
// Tests and their fixtures may reach across layers; they are left out of the layer rules (not of
// the cycle rule).
const SRC = '^cli/src/';
const FEATURES = `${SRC}(saga|chaos|views|images|cloud|compose|deps|dashboard|reports|scaffold|completion)/`;
const TESTS = '(\\.test\\.tsx?|/test-fixtures\\.ts)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: break it by moving the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'runtimes-below-lab',
      severity: 'error',
      comment: 'Runtimes sit below the lab: they import the types they need from lab/lab-types.ts and nothing else of the CLI above them.',
      from: { path: `${SRC}runtimes/`, pathNot: TESTS },
      to: {
        path: `${SRC}(commands|ui|lab|saga|chaos|views|images|cloud|compose|deps|dashboard|reports|scaffold|completion)/|${SRC}(program|main)\\.ts$`,
        pathNot: `${SRC}lab/lab-types\\.ts$`,
      },
    },
    {
      name: 'runtimes-lab-types-only',
      severity: 'error',
      comment: 'lab/lab-types.ts reaches runtimes as types only: no lab code loads with a runtime.',
      from: { path: `${SRC}runtimes/`, pathNot: TESTS },
      to: { path: `${SRC}lab/lab-types\\.ts$`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lab-types-is-types-only',
      severity: 'error',
      comment: 'lab/lab-types.ts re-exports types; a value import would load lab code into the runtimes.',
      from: { path: `${SRC}lab/lab-types\\.ts$` },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'lab-below-features',
      severity: 'error',
      comment: 'The lab model knows no feature, command or renderer.',
      from: { path: `${SRC}lab/`, pathNot: TESTS },
      to: { path: `${SRC}(commands|ui|saga|chaos|views|images|cloud|compose|deps|dashboard|reports|scaffold|completion)/|${SRC}(program|main)\\.ts$` },
    },
    {
      name: 'features-below-ui-and-commands',
      severity: 'error',
      comment: 'Features compute and return; rendering (tables, colours, terminal layout) and printing belong to ui/ and commands/.',
      from: { path: FEATURES, pathNot: TESTS },
      to: { path: `${SRC}(commands|ui)/|${SRC}(program|main)\\.ts$` },
    },
    {
      name: 'ui-below-commands',
      severity: 'error',
      comment: 'ui/ renders what it is given; the commands decide what to run.',
      from: { path: `${SRC}ui/`, pathNot: TESTS },
      to: { path: `${SRC}commands/|${SRC}(program|main)\\.ts$` },
    },
    {
      name: 'errors-is-a-leaf',
      severity: 'error',
      comment: 'Every layer imports cli/src/errors.ts, so it imports none of them.',
      from: { path: `${SRC}errors\\.ts$` },
      to: { path: SRC },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    // Type-only imports count: a runtime that needs a lab type must take it from lab/lab-types.ts.
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
