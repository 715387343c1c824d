// ESLint (flat config): typescript-eslint's recommended rules, tuned to what this codebase already does.
// Formatting is Prettier's job (`npm run format`); import layering is dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'var/', 'test/artifacts/', 'samples/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // Unused names are dead code; a leading underscore marks a parameter kept for its position.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // Stripping control characters from untrusted text is what those regular expressions are for.
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Nothing reads process.env after start-up: the config loader is the one place (see README, Development).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings through the typed config (src/config).' }],
    },
  },
  {
    // Where the environment is legitimately read: the config loader, entry points, tests and benchmarks.
    files: ['src/config/**', 'src/cli/main.ts', 'bin/**', 'test/**', 'bench/**', 'tools/**', 'jest.config.js', 'eslint.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Data access lives in repositories (README, Development): no query, query builder or repository lookup elsewhere in src/.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.repository.ts', 'src/database/**', 'src/health/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['query', 'createQueryBuilder', 'getRepository'].map((name) => ({
          selector: `CallExpression[callee.property.name='${name}']`,
          message: `.${name}() belongs in a *.repository.ts of the feature (or src/database): give the query a name there.`,
        })),
        { selector: "MemberExpression[property.name='manager']", message: 'EntityManager use belongs in a *.repository.ts of the feature (or src/database).' },
      ],
    },
  },
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['templates/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
