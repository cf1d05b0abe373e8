// A small, fast rule set: the bugs a type checker misses (unawaited promises, import cycles, a
// layer importing the layer above it). Style is Prettier's job, not ESLint's.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * What each folder of `src/` may import, besides itself and the top-level modules (`errors.ts`,
 * `json.ts`, `clock.ts`, `secret.ts`, `exact-schema.ts`, `compare.ts`, `backoff.ts`). The pipeline reads manifest → plan → apply → render, with
 * `cli` wiring everything; a folder missing from another's list is a layer it must not reach.
 */
const layers = {
  cekura: [],
  api: ['cekura'],
  manifest: ['cekura'],
  state: ['api', 'cekura'],
  plan: ['cekura', 'manifest', 'state'],
  apply: ['api', 'cekura', 'manifest', 'plan', 'state'],
  export: ['api', 'cekura', 'manifest', 'state'],
  render: ['api', 'apply', 'cekura', 'plan'],
  emulator: ['api', 'cekura'],
  cli: ['api', 'apply', 'cekura', 'emulator', 'export', 'manifest', 'plan', 'render', 'state'],
};

const layerZones = Object.entries(layers).flatMap(([folder, allowed]) =>
  Object.keys(layers)
    .filter((other) => other !== folder && !allowed.includes(other))
    .map((other) => ({
      target: `./src/${folder}`,
      from: `./src/${other}`,
      message: `src/${folder} must not import src/${other} (see the layer table in eslint.config.js).`,
    })),
);

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'schema/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Sources import `./x.js` that is `./x.ts` on disk (NodeNext).
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones,
            { target: './src/*.ts', from: './src/*/**', message: 'the top-level modules of src import no folder.' },
            { target: './src', from: './test', message: 'src must not import tests.' },
            { target: './src', from: './bench', message: 'src must not import the benchmark.' },
          ],
        },
      ],
    },
  },
);
