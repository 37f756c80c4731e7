/**
 * The e2e harness: the built renderer (out/renderer) in Debian Chromium, talking to the real router
 * in this test process through `page.exposeBinding`. The page gets the same `window.orgbench`
 * shape the preload gives it in Electron, so the renderer cannot tell the difference.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve } from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'
import { createRouter, type Router } from '../src/main/core/router'
import { Services } from '../src/main/core/services'
import { keyFileSecretBox } from '../src/main/core/store/secretBox'
import { startHttpServer, type TestServer } from '../src/main/testing/testServer'
import { ensureSandboxEnvironment, SandboxServer } from '../src/main/sandbox'
import type { SandboxInfo } from '../src/shared/sandbox'

/** ORGBENCH_RENDERER_DIR points at another build (engineers sharing one checkout each build their own). */
const RENDERER_DIR = resolve(process.env.ORGBENCH_RENDERER_DIR ?? 'out/renderer')
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' }

/** Serves the built renderer over loopback (module scripts do not load from file:// in Chromium). */
function serveRenderer(): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('out/renderer is missing: run "npm run build" before the e2e suite.')
  const server = http.createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(RENDERER_DIR, path === '/' ? 'index.html' : path)
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`, close: () => new Promise((done) => server.close(() => done())) })
    )
  )
}

export interface AppFixture {
  page: Page
  /** Pages opened by sign-ins: the harness's stand-in for the system browser. */
  browserPages: Page[]
  services: Services
  router: Router
  dataDir: string
  /** Load (or reload) the app and wait for its ready marker. */
  open(): Promise<void>
  /** Quit and start again on the same data dir (new services, nothing kept in memory), then open the app. */
  restart(): Promise<void>
  screenshot(name: string): Promise<void>
}

export interface SandboxFixture {
  app: AppFixture
  info: SandboxInfo
}

export const test = base.extend<{ app: AppFixture; dataDir: string; sandboxApp: SandboxFixture }, { rendererUrl: string; testServer: TestServer; sandboxServer: SandboxServer }>({
  sandboxServer: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'orgbench-e2e-sandbox-'))
      const server = new SandboxServer({ dataDir: dir, persist: false, seedOverrides: { deviceCodeIntervalSeconds: 1 } })
      await server.start()
      await use(server)
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
    { scope: 'worker' }
  ],
  /** The app with the Sandbox org running and its environment created, as on a first launch. */
  sandboxApp: async ({ app, sandboxServer }, use) => {
    const info = sandboxServer.running!
    await ensureSandboxEnvironment(app.services.environments, app.services.settings, info)
    app.services.attachSandbox({ info: () => sandboxServer.running, reset: () => sandboxServer.reset(), setLimits: (limits) => sandboxServer.setLimits(limits) })
    await use({ app, info })
  },
  rendererUrl: [
    async ({}, use) => {
      const server = await serveRenderer()
      await use(server.url)
      await server.close()
    },
    { scope: 'worker' }
  ],
  testServer: [
    async ({}, use) => {
      const server = await startHttpServer()
      await use(server)
      await server.close()
    },
    { scope: 'worker' }
  ],
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'orgbench-e2e-'))
    await use(dir)
    rmSync(dir, { recursive: true, force: true })
  },
  app: async ({ page, dataDir, rendererUrl, context }, use, testInfo) => {
    const browserPages: Page[] = []
    // The system browser: a new page in the same browser, like a person's browser tab.
    const openBrowser = async (url: string) => {
      const tab = await context.newPage()
      browserPages.push(tab)
      await tab.goto(url).catch(() => undefined)
    }
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const emit = (event: string, payload: unknown) => page.evaluate(([e, p]) => (window as unknown as { __orgbenchEmit?: (e: string, p: unknown) => void }).__orgbenchEmit?.(e, p), [event, payload] as const).catch(() => undefined)
    /** The main side of the app: services over the data dir, the router, and its events pushed to the page. */
    const startMain = () => {
      const services = new Services({ dataDir, secretBox: keyFileSecretBox(dataDir), appVersion: '0.1.0-e2e', log: { error: () => undefined }, openBrowser, interactiveTimeoutMs: 20_000, watchCollections: true, trash: 'collection' })
      services.traffic.onAdded((batch) => void emit('traffic.added', batch))
      services.traffic.onCleared(() => void emit('traffic.cleared', {}))
      services.environments.onChanged(() => void emit('env.changed', {}))
      services.events.on('auth.progress', (p) => void emit('auth.progress', p))
      services.events.on('auth.changed', (p) => void emit('auth.changed', p))
      services.events.on('schema.changed', (p) => void emit('schema.changed', p))
      services.events.on('collection.changed', (p) => void emit('collection.changed', p))
      services.events.on('history.added', (p) => void emit('history.added', p))
      return { services, router: createRouter(services) }
    }
    let main = startMain()
    await page.exposeBinding('__orgbenchInvoke', (_source, method: string, input: unknown) => main.router.call(method, input))
    await page.addInitScript(() => {
      const listeners = new Map<string, Set<(payload: unknown) => void>>()
      const w = window as unknown as Record<string, unknown>
      w.__orgbenchEmit = (event: string, payload: unknown) => listeners.get(event)?.forEach((fn) => fn(payload))
      w.orgbench = {
        // Cloned as Electron's IPC clones it: what IPC cannot send (a reactive proxy) fails here too.
        invoke: (method: string, input: unknown) => (w.__orgbenchInvoke as (m: string, i: unknown) => Promise<unknown>)(method, structuredClone(input)),
        on: (event: string, fn: (payload: unknown) => void) => {
          const set = listeners.get(event) ?? new Set()
          set.add(fn)
          listeners.set(event, set)
          return () => set.delete(fn)
        }
      }
    })
    const fixture: AppFixture = {
      page,
      browserPages,
      services: main.services,
      router: main.router,
      dataDir,
      async open() {
        await page.goto(rendererUrl)
        await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true')
      },
      async restart() {
        await main.services.close()
        main = startMain()
        fixture.services = main.services
        fixture.router = main.router
        await fixture.open()
      },
      async screenshot(name) {
        await page.screenshot({ path: join('test-results', 'screenshots', `${name}.png`), animations: 'disabled' })
      }
    }
    await use(fixture)
    await main.services.close()
    if (testInfo.status === testInfo.expectedStatus) expect(errors, 'uncaught errors in the page').toEqual([])
  }
})

export { expect }

/** Create an environment through the router (fast setup for tests that are not about the form). */
export async function seedEnvironment(app: AppFixture, input: Record<string, unknown>): Promise<string> {
  const env = (await app.router.invoke('env.create', input as never)) as { id: string }
  return env.id
}

/** The Sandbox environment with the demo client-credentials profile, signed in (unless not asked): the app loads the org's schema by itself. */
export async function withAppProfile({ app, info }: SandboxFixture, options: { signIn?: boolean } = {}): Promise<string> {
  const list = await app.router.invoke('env.list', {})
  const env = list.environments.find((e) => e.name === 'Sandbox')!
  await app.services.environments.update(env.id, { ...(await app.services.environments.get(env.id)), auth: { grant: 'client_credentials', clientId: info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: info.clientSecret } } })
  if (options.signIn !== false) await app.services.auth.signIn(env.id)
  return env.id
}

/** Signed in with the demo app profile, the app opened, and the org's schema loaded: where most builder tests start. */
export async function openWithSchema(sandbox: SandboxFixture): Promise<{ envId: string; app: AppFixture; page: Page }> {
  const envId = await withAppProfile(sandbox)
  const { app } = sandbox
  await app.open()
  await expect(app.page.getByTestId('schema-status')).toHaveAttribute('data-status', 'ready')
  return { envId, app, page: app.page }
}

/**
 * The page in this colour scheme. The app's default theme ('system') follows it, so a test switches themes with no
 * click (nothing focused, hovered or closed): a test that sets the theme in Settings cannot use this.
 */
export async function useTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme })
  if (theme === 'dark') await expect(page.locator('html')).toHaveClass(/\btheme-dark\b/)
  else await expect(page.locator('html')).not.toHaveClass(/\btheme-dark\b/)
}

/** Screenshots of what is on screen now, `<name>-light` and then `<name>-dark`; the page is left light, as it starts. */
export async function screenshotBothThemes(app: AppFixture, name: string): Promise<void> {
  await useTheme(app.page, 'light')
  await app.screenshot(`${name}-light`)
  await useTheme(app.page, 'dark')
  await app.screenshot(`${name}-dark`)
  await useTheme(app.page, 'light')
}
