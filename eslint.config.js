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
    // Tests and benchmarks poke at JSON bodies they just asserted on.
    files: ['**/test/**', '**/*.test.{ts,tsx}', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
