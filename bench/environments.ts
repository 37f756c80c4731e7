/**
 * App start with many environments, in Chromium (built renderer, harness transport, a real router): time from
 * navigation to the app ready and the environments sidebar painted, with 1 and with 200 environment files on disk.
 * Each round starts new services on the data dir (the files are read from disk, as at a launch) and a new page;
 * the two sizes alternate, and the medians and their ratio are reported. Figures, not pass/fail (target: issue 11,
 * 200 within 10% of 1).
 *
 * Two transports: the e2e harness's (Playwright serialises a binding's answer value by value, which costs hundreds
 * of milliseconds for 200 environments and which Electron does not have) and one JSON string per answer, which like
 * Electron's structured clone copies the answer in one native pass. The second is the closer estimate of the app.
 */
import { chromium } from '@playwright/test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRouter } from '../src/main/core/router'
import { Services } from '../src/main/core/services'
import { keyFileSecretBox } from '../src/main/core/store/secretBox'
import { serveRenderer } from './traffic'

const RENDERER_DIR = resolve(process.env.ORGBENCH_RENDERER_DIR ?? join(__dirname, '..', 'out', 'renderer'))
const ROUNDS = 9
const STAGES = ['dev', 'test', 'uat', 'prod'] as const
const COLORS = { dev: 'green', test: 'blue', uat: 'amber', prod: 'red' } as const

/** The page notes when the app is ready and the sidebar's rows are painted (the frame after they appear). */
type Transport = 'harness' | 'json'
const TRANSPORTS: Record<Transport, string> = {
  harness: 'window.orgbench = { invoke: (method, input) => window.__orgbenchInvoke(method, structuredClone(input)), on: () => () => undefined }',
  json: 'window.orgbench = { invoke: async (method, input) => JSON.parse(await window.__orgbenchInvoke(method, structuredClone(input))), on: () => () => undefined }'
}
const readyProbe = (transport: Transport) => `(() => {
  window.__name = (f) => f
  ${TRANSPORTS[transport]}
  const probe = new MutationObserver(() => {
    if (!document.querySelector('[data-ready="true"] [data-testid="env-sidebar"] [data-testid^="env-item-"]')) return
    probe.disconnect()
    requestAnimationFrame(() => setTimeout(() => (window.__readyAt = performance.now()), 0))
  })
  probe.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-ready'] })
})()`

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!

/** `count` environments as a consultant has them: customers with dev/test/uat/prod orgs, a sign-in profile with a secret, variables. */
async function seed(dataDir: string, count: number): Promise<void> {
  const services = new Services({ dataDir, secretBox: keyFileSecretBox(dataDir), appVersion: 'bench', log: { error: () => undefined } })
  let first: string | null = null
  for (let i = 0; i < count; i++) {
    const customer = `Customer ${String(Math.floor(i / STAGES.length) + 1).padStart(2, '0')}`
    const stage = STAGES[i % STAGES.length]!
    const host = `${customer.toLowerCase().replace(/\s+/g, '')}-${stage}`
    const env = await services.environments.create({
      name: `${customer} ${stage}`,
      group: customer,
      orgUrl: `https://${host}.crm4.dynamics.com`,
      color: COLORS[stage],
      label: stage.toUpperCase(),
      tenant: `${host}.onmicrosoft.com`,
      auth: { grant: 'client_credentials', clientId: '51f81489-12ee-4a9e-aaae-a2591f45987d', scopes: '', credential: 'secret', clientSecret: { isSet: true, value: `secret-${i}` } },
      variables: [
        { key: 'accountId', value: '00000000-0000-0000-0000-000000000001', secret: false, enabled: true, isSet: true },
        { key: 'apiKey', value: `key-${i}`, secret: true, enabled: true, isSet: true }
      ]
    })
    first ??= env.id
  }
  await services.settings.update({ activeEnvironmentId: first })
  await services.close()
}

export async function environmentsBench(): Promise<void> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    console.log(`environments at start: skipped (no built renderer in ${RENDERER_DIR}: run "npm run build" first)`)
    return
  }
  const sizes: number[] = [1, 200]
  const dirs = new Map(sizes.map((n) => [n, mkdtempSync(join(tmpdir(), `orgbench-bench-envs-${n}-`))]))
  for (const [n, dir] of dirs) await seed(dir, n)
  const renderer = await serveRenderer()
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] })
  const transports: Transport[] = ['harness', 'json']
  const runs = transports.flatMap((transport) => sizes.map((n) => ({ transport, n, key: `${transport}:${n}` })))
  const times = new Map<string, number[]>(runs.map((r) => [r.key, []]))
  const listed = new Map<string, number[]>(runs.map((r) => [r.key, []]))
  const rows = new Map<number, number>()

  /** One launch: new services over the files (nothing cached), a new page, navigation to ready and painted. */
  async function start(transport: Transport, n: number, key: string | null): Promise<number> {
    const dataDir = dirs.get(n)!
    const services = new Services({ dataDir, secretBox: keyFileSecretBox(dataDir), appVersion: 'bench', log: { error: () => undefined } })
    const router = createRouter(services)
    const context = await browser.newContext({ viewport: { width: 1360, height: 840 } })
    try {
      const page = await context.newPage()
      page.on('pageerror', (e) => console.log('page error:', e.message))
      await page.exposeBinding('__orgbenchInvoke', async (_s, method: string, input: unknown) => {
        const t = performance.now()
        const result = await router.call(method, input)
        if (method === 'env.list' && key) listed.get(key)!.push(performance.now() - t)
        return transport === 'json' ? JSON.stringify(result) : result
      })
      await page.addInitScript({ content: readyProbe(transport) })
      await page.goto(`${renderer.url}/index.html`)
      const readyAt = await (await page.waitForFunction(() => (globalThis as unknown as { __readyAt?: number }).__readyAt, undefined, { timeout: 30_000, polling: 50 })).jsonValue()
      rows.set(n, await page.locator('[data-testid^="env-item-"]').count())
      return readyAt as number
    } finally {
      await context.close()
      await services.close()
    }
  }

  try {
    for (const run of runs) await start(run.transport, run.n, null)
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so a slow patch of the machine falls on every kind of start.
      for (const run of round % 2 ? [...runs].reverse() : runs) times.get(run.key)!.push(await start(run.transport, run.n, run.key))
    }
    const spread = (key: string) => `${Math.min(...times.get(key)!).toFixed(0)}–${Math.max(...times.get(key)!).toFixed(0)} ms`
    console.log(`app start with many environments (Chromium, built renderer, new services and page per start, ${ROUNDS} alternating rounds; ready = the app's ready marker and the sidebar's rows painted)`)
    for (const transport of transports) {
      const one = median(times.get(`${transport}:1`)!)
      const many = median(times.get(`${transport}:200`)!)
      console.log(`  ${transport === 'json' ? 'answers as one JSON string (closer to Electron IPC)' : "the e2e harness's transport (value-by-value)"}:`)
      console.log(`    1 environment:    median ${one.toFixed(0)} ms  (range ${spread(`${transport}:1`)})`)
      console.log(`    200 environments: median ${many.toFixed(0)} ms  (range ${spread(`${transport}:200`)})`)
      console.log(`    ratio 200/1:      ${(many / one).toFixed(2)}×   (target ≤ 1.10×)`)
    }
    const listMs = (n: number) => median(transports.flatMap((t) => listed.get(`${t}:${n}`)!)).toFixed(1)
    console.log(`  env.list in main (files read from disk, validated, sorted): median ${listMs(1)} ms with 1, ${listMs(200)} ms with 200; rows in the page with 200: ${rows.get(200)} (a virtual list)`)
  } finally {
    await browser.close()
    renderer.close()
    for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) void environmentsBench()
