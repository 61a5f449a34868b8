// Lint: TypeScript's recommended rules plus the process boundaries of ARCHITECTURE.md.
import tseslint from 'typescript-eslint';

// Node's modules by bare name are listed as exact paths: as patterns, 'events' would also
// match this project's own '../events/event'.
const nodeModuleNames = ['fs', 'path', 'os', 'child_process', 'crypto', 'events', 'worker_threads', 'net', 'http', 'https', 'url', 'stream', 'util'];
const nodeBuiltins = ['node:*', 'fs/*'];
const restrict = (message, groups) => ({ group: groups, message });
const nodePaths = (message) => nodeModuleNames.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.bench/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          restrict('shared/ is pure: it may not import process code (main, preload, renderer).', ['**/main/**', '**/preload/**', '**/renderer/**', '../main*', '../preload*', '../renderer*', '../../main*', '../../preload*', '../../renderer*']),
          restrict('shared/ is pure: no electron, dexie, react or Node modules.', ['electron', 'electron/*', 'dexie', 'react', 'react-dom', 'react/*', 'react-dom/*', ...nodeBuiltins]),
        ],
        paths: nodePaths('shared/ is pure: no Node modules.'),
      }],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [restrict('main/ never imports renderer/ (or preload/): talk through the contract in shared/.', ['**/renderer/**', '**/preload/**', '../renderer*', '../../renderer*', '../preload*', '../../preload*'])],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [restrict('renderer/ never imports main/ (nor Node or electron): it reaches the system through window.plant.', ['**/main/**', '../main*', '../../main*', '../../../main*', 'electron', 'electron/*', ...nodeBuiltins])],
        paths: nodePaths('renderer/ runs in Chromium: no Node modules.'),
      }],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [restrict('preload/ takes only types and channel names from shared/.', ['**/main/**', '**/renderer/**', '../main*', '../renderer*'])],
      }],
    },
  },
);
