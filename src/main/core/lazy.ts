/** Playwright's transform runs the e2e harness (core/ included) as CommonJS, with a require hook for TypeScript. */
const typeScriptUnderCommonJs = typeof require === 'function' && Boolean(require.extensions?.['.ts'])

/**
 * Load a module of core/ the first time it is needed. The app's and the CLI's bundles split it into a chunk loaded by
 * `import()`, and Vitest runs ES modules, where `import()` resolves TypeScript. Under Playwright's CommonJS transform,
 * `import()` of a TypeScript file fails to parse (and leaves the module unloadable), so `require` is the way there.
 */
export function loadLazily<T>(esm: () => Promise<T>, commonJs: () => T): Promise<T> {
  return typeScriptUnderCommonJs ? Promise.resolve().then(commonJs) : esm()
}
