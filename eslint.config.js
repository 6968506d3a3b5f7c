// ESLint: a modest set that catches mistakes, not style (Prettier owns the layout). No type-aware
// rules: they would need a TypeScript program per workspace, and `npm run lint` stays quick.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.frank/**', '**/.bundle/**', 'templates/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
    rules: {
      // `_name` marks what is unused on purpose; `const { _id, ...rest } = doc` drops fields.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // A terminal tool matches ANSI escapes and XML control characters on purpose.
      'no-control-regex': 'off',
      // Literal spaces in YAML indents and column layouts read better than ` {2}`.
      'no-regex-spaces': 'off',
    },
  },
  {
    // The CLI reads a service's private state only through its reports (saga_report views, named
    // in its manifest): services/README.md, "Reports". Its tables may change under it.
    files: ['cli/src/**/*.ts'],
    ignores: ['cli/src/**/*.test.ts', 'cli/src/scaffold/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/\\b[a-z]+_domain\\./], TemplateElement[value.raw=/\\b[a-z]+_domain\\./]',
          message: 'The CLI reads a service\'s private tables: read its saga_report view instead (LabAccess.report; services/README.md, "Reports").',
        },
      ],
    },
  },
  {
    // Tests and benchmarks poke at JSON bodies they just asserted on.
    files: ['**/test/**', '**/*.test.{ts,tsx}', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
