import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Folder = process: these imports would cross a boundary DESIGN.md forbids. */
const nodeBuiltinNames = ['fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'tls', 'url', 'util', 'stream', 'events']
const noNode = (message: string) => ({
  paths: nodeBuiltinNames.map((name) => ({ name, message })),
  patterns: [{ group: ['node:*'], message }]
})

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } }
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/attributes-order': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/no-v-html': 'error'
    }
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noNode('').paths.map((p) => ({ ...p, message: 'The renderer never imports Node: ask main through the contract.' })),
          patterns: [
            { group: ['node:*'], message: 'The renderer never imports Node: ask main through the contract.' },
            { group: ['electron', 'electron/*'], message: 'The renderer never imports Electron: use window.orgbench via the typed client.' },
            { group: ['**/main/**'], message: 'The renderer never imports main.' }
          ]
        }
      ]
    }
  },
  {
    // Renderer tests of schema-driven features read the Sandbox's real CSDL through the real parser (one truth).
    files: ['src/renderer/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'electron', 'electron/*'], message: 'The renderer never imports Node or Electron.' }, { regex: '/main/(?!sandbox/webapi/csdl$|core/dataverse/csdl$|testing/bigCsdl$)', message: 'Renderer tests may import only the CSDL builder, the real-org CSDL generator and the parser from main.' }] }
      ]
    }
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltinNames, 'electron', 'vue', 'pinia', 'naive-ui'].map((name) => ({ name, message: 'src/shared imports nothing from Node, DOM, Electron or the UI.' })),
          patterns: [{ group: ['node:*'], message: 'src/shared imports nothing from Node, DOM, Electron or the UI.' }]
        }
      ]
    }
  },
  {
    files: ['src/main/core/**/*.ts', 'src/main/sandbox/**/*.ts', 'src/main/cli/**/*.ts', 'src/main/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['electron', 'electron/*'], message: 'core/, sandbox/ and the CLI never import Electron: they run under plain Node.' }] }]
    }
  },
  {
    files: ['src/main/security.ts'],
    rules: {
      // Types only: the module stays testable without an Electron runtime.
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', allowTypeImports: true, message: 'Import types only here.' }] }]
    }
  },
  {
    // Benchmarks and scripts report to the console: that is their output.
    files: ['bench/**/*.ts', 'scripts/**/*.mjs'],
    rules: { 'no-console': 'off' }
  },
  {
    // Playwright fixtures declare their dependencies by destructuring, even when there are none.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' }
  },
  {
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
)
