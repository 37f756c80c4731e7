/**
 * The real app: launches the built Electron main process, checks the window's security from the inside,
 * and sends a request through the real IPC path. Runs wherever an Electron binary is installed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { startHttpServer } from '../src/main/testing/testServer'

/**
 * The installed binary, found the way the electron package finds it (path.txt + dist/), without require('electron'):
 * since Electron 41 that require downloads a missing binary, and tests never reach outside this machine.
 */
function electronBinary(): string | null {
  const root = join(process.cwd(), 'node_modules', 'electron')
  const pathFile = join(root, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(root, 'dist'), readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()

test('the Electron app starts hardened and sends a request over IPC', async () => {
  test.skip(!binary, 'No Electron binary is installed here: its download is blocked on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD). Everything else is tested in Chromium through the harness.')
  const dataDir = mkdtempSync(join(tmpdir(), 'orgbench-electron-'))
  const server = await startHttpServer()
  const app = await electron.launch({ executablePath: binary!, args: ['.', '--no-sandbox'], env: { ...process.env, ORGBENCH_DATA_DIR: dataDir } })
  try {
    const page = await app.firstWindow()
    await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true')
    expect(await page.title()).toBe('OrgBench')
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined')
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
    expect(await page.evaluate(() => window.open('https://example.com'))).toBeNull()
    const result = await page.evaluate((url) => (window as unknown as { orgbench: { invoke(m: string, i: unknown): Promise<unknown> } }).orgbench.invoke('request.send', { requestId: 'smoke', environmentId: null, request: { method: 'GET', url } }), `${server.url}/json`)
    expect(result).toMatchObject({ ok: true, value: { status: 200 } })
    await page.screenshot({ path: 'test-results/screenshots/electron-main.png' })
  } finally {
    await app.close()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('the embedded sign-in window signs in with the pre-approved client (against the Sandbox) and closes', async () => {
  test.skip(!binary, 'No Electron binary is installed here: its download is blocked on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD). The flow itself is unit-tested with a stand-in window.')
  const dataDir = mkdtempSync(join(tmpdir(), 'orgbench-electron-'))
  const app = await electron.launch({ executablePath: binary!, args: ['.', '--no-sandbox'], env: { ...process.env, ORGBENCH_DATA_DIR: dataDir } })
  try {
    const page = await app.firstWindow()
    await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true')
    type Bridge = { orgbench: { invoke(m: string, i: unknown): Promise<{ ok: boolean; value: unknown; error?: unknown }> } }
    const sandbox = (await page.evaluate(() => (window as unknown as Bridge).orgbench.invoke('sandbox.info', {}))) as { value: { environmentId: string; sandbox: { user: string; password: string } } }
    const { environmentId, sandbox: info } = sandbox.value
    await page.evaluate(async (id) => {
      const bridge = (window as unknown as Bridge).orgbench
      const list = (await bridge.invoke('env.list', {})).value as { environments: Array<Record<string, unknown> & { id: string }> }
      const env = list.environments.find((e) => e.id === id)!
      await bridge.invoke('env.update', { id, environment: { ...env, auth: { grant: 'preapproved', scopes: '', endpoint: 'v2' } } })
    }, environmentId)
    const signing = page.evaluate((id) => (window as unknown as Bridge).orgbench.invoke('auth.signIn', { environmentId: id, signInId: 'embedded-1' }), environmentId)
    const signInWindow = await app.waitForEvent('window')
    await signInWindow.locator('#username').fill(info.user)
    await signInWindow.locator('#password').fill(info.password)
    await signInWindow.locator('#submit').click()
    const result = (await signing) as { ok: boolean; value: { grant: string; account: { username: string } } }
    expect(result).toMatchObject({ ok: true, value: { grant: 'preapproved', account: { username: info.user } } })
    await expect.poll(() => app.windows().length).toBe(1)
  } finally {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
