/**
 * The Collections sidebar in Chromium (built renderer, a real router over a collection of 3,000 generated request
 * files in 60 folders): time from opening the sidebar to the tree painted, every folder expanded, and the search box
 * per keystroke (typed to painted), with the longest main-thread task. Figures, not pass/fail (targets: issue 8).
 */
import { chromium } from '@playwright/test'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { serializeRequest } from '../src/main/core/collections/format'
import { createRouter } from '../src/main/core/router'
import { Services } from '../src/main/core/services'
import { keyFileSecretBox } from '../src/main/core/store/secretBox'
import { SavedRequest } from '../src/shared/collections'
import { serveRenderer } from './traffic'

const RENDERER_DIR = resolve(process.env.ORGBENCH_RENDERER_DIR ?? join(__dirname, '..', 'out', 'renderer'))
const FOLDERS = 60
const PER_FOLDER = 50
const TABLES = ['accounts', 'contacts', 'leads', 'opportunities', 'incidents', 'systemusers']

const TRANSPORT = `(() => {
  window.__name = (f) => f
  window.orgbench = { invoke: (method, input) => window.__orgbenchInvoke(method, structuredClone(input)), on: () => () => undefined }
  window.__longtasks = []
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]) }).observe({ type: 'longtask', buffered: true })
})()`

interface PageScope {
  document: { querySelector(selector: string): { value: string; dispatchEvent(event: unknown): boolean } | null; querySelectorAll(selector: string): { length: number } }
  requestAnimationFrame(callback: (time: number) => void): number
  Event: new (type: string, init?: { bubbles?: boolean }) => unknown
  __longtasks: Array<[number, number]>
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!

function writeCollection(dir: string): void {
  writeFileSync(join(dir, 'orgbench-collection.yaml'), 'orgbench: collection\nschemaVersion: 1\nname: Bench\n')
  for (let f = 0; f < FOLDERS; f++) {
    const folder = join(dir, `Area ${f}`)
    mkdirSync(folder)
    for (let i = 0; i < PER_FOLDER; i++) {
      const table = TABLES[(f + i) % TABLES.length]!
      const request = SavedRequest.parse({ name: `List ${table} ${f}-${i}`, method: i % 5 ? 'GET' : 'POST', url: `{{webApiUrl}}/${table}?$select=name&$top=${i}` })
      writeFileSync(join(folder, `List ${table} ${f}-${i}.request.yaml`), serializeRequest(request))
    }
  }
}

export async function collectionsTreeBench(): Promise<void> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    console.log(`collections sidebar: skipped (no built renderer in ${RENDERER_DIR}: run "npm run build" first)`)
    return
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'orgbench-bench-tree-'))
  const dir = join(dataDir, 'collection')
  mkdirSync(dir)
  writeCollection(dir)
  const services = new Services({ dataDir, secretBox: keyFileSecretBox(dataDir), appVersion: 'bench', log: { error: () => undefined } })
  const router = createRouter(services)
  await router.invoke('collection.open', { dir })
  const renderer = await serveRenderer()
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] })
  try {
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 840 } })).newPage()
    page.on('pageerror', (e) => console.log('page error:', e.message))
    await page.exposeBinding('__orgbenchInvoke', (_s, method: string, input: unknown) => router.call(method, input))
    await page.addInitScript({ content: TRANSPORT })
    await page.goto(`${renderer.url}/index.html`)
    await page.getByTestId('app').and(page.locator('[data-ready="true"]')).waitFor()

    // Opening the sidebar: click to the tree's first row painted.
    const started = Date.now()
    await page.getByTestId('side-collections').click()
    await page.getByTestId('tree-collection-Bench').waitFor()
    const open = Date.now() - started

    // A folder opened: its 50 rows, of which the virtual list paints a screenful.
    const expandStarted = Date.now()
    await page.getByTestId('tree-folder-Area 0').click()
    await page.getByTestId('tree-request-List accounts 0-0').waitFor()
    const expand = Date.now() - expandStarted

    // Search: each keystroke from the input event to the next painted frame (the box), then the tree filtered and
    // painted once typing pauses (from the end of the 90 ms pause to the next frame).
    const texts = ['l', 'li', 'lis', 'list', 'list c', 'list co', 'list con', 'list cont', 'list contacts', 'list contacts 4', 'list contacts 42-', 'post', 'post leads', 'top=4', 'nothing-matches']
    const times = await page.evaluate(async (texts) => {
      const { document, requestAnimationFrame, Event } = globalThis as unknown as PageScope
      const input = document.querySelector('[data-testid="collections-search"] input')!
      const typed: number[] = []
      const filtered: number[] = []
      for (const text of texts) {
        const t0 = performance.now()
        input.value = text
        input.dispatchEvent(new Event('input', { bubbles: true }))
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
        typed.push(performance.now() - t0)
        await new Promise((r) => setTimeout(r, 90 - (performance.now() - t0)))
        const t1 = performance.now()
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
        filtered.push(performance.now() - t1)
      }
      return { typed, filtered }
    }, texts)
    const longest = await page.evaluate(() => Math.max(0, ...(globalThis as unknown as PageScope).__longtasks.map(([, d]) => d)))

    console.log(`collections sidebar in the renderer (Chromium, built renderer, ${FOLDERS * PER_FOLDER} requests in ${FOLDERS} folders)`)
    console.log(`  open the sidebar to the tree painted: ${open} ms (the collection's tree was read at app start)  (target ≤ 1 s with the core's open)`)
    console.log(`  open a folder of ${PER_FOLDER}: ${expand} ms (click to painted)`)
    console.log(`  search per keystroke (typed to painted): median ${median(times.typed).toFixed(1)} ms, worst ${Math.max(...times.typed).toFixed(1)} ms over ${texts.length} keystrokes  (target ≤ 16 ms)`)
    console.log(`  the tree filtered (3,000 requests) and painted after the typing pause: median ${median(times.filtered).toFixed(1)} ms, worst ${Math.max(...times.filtered).toFixed(1)} ms`)
    console.log(`  longest task over the run (app start included): ${longest.toFixed(0)} ms`)
  } finally {
    await browser.close()
    await services.close()
    renderer.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) void collectionsTreeBench()
