/** Playwright's transform runs the e2e harness (core/ included) as CommonJS, with a require hook for TypeScript. */
const typeScriptUnderCommonJs = typeof require === 'function' && Boolean(require.extensions?.['.ts'])

/**
 * Load a module of core/ the first time it is needed. The app's and the CLI's bundles split it into a chunk loaded by
 * `import()`, and Vitest runs ES modules, where `import()` resolves TypeScript. Under Playwright's CommonJS transform,
 * `import()` of a TypeScript file fails to parse (and leaves the module unloadable), so there the same module is
 * `require`d, by its path from core/ (`'capture/har'`, `'../shared/json'`).
 */
export function loadLazily<T>(esm: () => Promise<T>, pathFromCore: string): Promise<T> {
  if (!typeScriptUnderCommonJs) return esm()
  // A variable, on purpose: a bundler follows `require('./x')` and would put the module (and what it requires:
  // msal-node, yaml) back into the chunk that loads this file.
  const path = `./${pathFromCore}`
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Promise.resolve().then(() => require(path) as T)
}
