// ESLint flat config: typescript-eslint's type-checked rules over every workspace, tests and
// bench included. Formatting is Prettier's job (`prettier --check` in `npm run lint`), so no
// stylistic rules here. Rules turned off or relaxed are listed, with the reason, in README "Lint".
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Every tsconfig that owns source files; a file is linted with the program of the first one that
// contains it (sources before tests, so a test's import of a source file does not matter).
const PROJECTS = [
  'shared/tsconfig.json',
  'cluster/tsconfig.json',
  'frontend/tsconfig.gateway.json',
  'frontend/tsconfig.web.json',
  'launcher/tsconfig.json',
  'frontend/tsconfig.test.json',
  'test/tsconfig.json',
  'bench/tsconfig.json',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '.zkviz-tmp/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { project: PROJECTS, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // fastify plugins and handlers are async by contract (FastifyPluginAsync, a handler's
      // resolved value is the reply), and test fakes implement async interfaces
      '@typescript-eslint/require-await': 'off',
      // `const { a: _a, ...rest } = x` drops a field on purpose
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // ws hands text frames over as Buffer; its RawData type also names ArrayBuffer, which only a
      // socket with binaryType 'arraybuffer' receives, and none here sets that
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'ArrayBuffer'] }],
      // node:test's test()/describe() return promises the runner itself awaits
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
    },
  },
  {
    files: ['frontend/src/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // plain JavaScript (scripts, this file) and the Vite config belong to no tsconfig
    files: ['**/*.{js,mjs,cjs}', 'frontend/vite.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
);
