import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['build/', '.svelte-kit/', 'node_modules/', 'src/lib/ipc/bindings.ts'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    // `$lib/ipc` is the only door to Rust: nothing else may call invoke or listen directly.
    files: ['src/**/*.{ts,svelte}'],
    ignores: ['src/lib/ipc/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tauri-apps/api', '@tauri-apps/api/*'], message: 'Reach Rust through $lib/ipc only.' },
            {
              group: ['**/ipc/bindings', '$lib/ipc/bindings'],
              message: 'Import from $lib/ipc, not the generated file.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests stand in for Rust with Tauri's own IPC mocks (and emit its events through them);
    // they still may not call Rust any other way.
    files: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@tauri-apps/api', '@tauri-apps/api/core'].map((name) => ({
            name,
            message: 'Tests mock Rust with @tauri-apps/api/mocks; calls go through $lib/ipc.',
          })),
        },
      ],
    },
  },
  { rules: { 'svelte/no-navigation-without-resolve': 'off' } },
);
