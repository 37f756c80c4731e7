/** Helpers for the CLI's tests: run it in this process, a Sandbox environment, a person at the browser. */
import { request } from 'undici'
import { ensureSandboxEnvironment } from '../sandbox/environment'
import { EnvironmentStore } from '../core/store/environments'
import { keyFileSecretBox } from '../core/store/secretBox'
import { SettingsStore } from '../core/store/settings'
import { browserRobot, startSandbox, type SandboxHarness, type SandboxResult } from '../testing/sandbox'
import { runCli, type CliIo } from './index'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Run the CLI in this process with the given arguments, standard input and extra io (which may read the output so far). */
export async function cli(args: string[], stdin = '', io: Partial<CliIo> | ((output: () => { stdout: string; stderr: string }) => Partial<CliIo>) = {}): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const extra = typeof io === 'function' ? io(() => ({ stdout, stderr })) : io
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => stdin, env: {}, ...extra })
  return { code, stdout, stderr }
}

/** A running Sandbox and a data folder with its environment, for the sign-in commands. */
export async function sandboxEnvironment(dir: string, options: Parameters<typeof startSandbox>[0] = {}) {
  const sb = await startSandbox(options)
  const environments = new EnvironmentStore(dir, keyFileSecretBox(dir))
  const { environment } = await ensureSandboxEnvironment(environments, new SettingsStore(dir), sb.info)
  return { dir, sb, environments, environment }
}

/**
 * A person at the browser for a Sandbox this test did not start itself (the one `orgbench sandbox` runs): the sign-in
 * pages are plain HTTP, so no CA is needed to walk them.
 */
export function personAtBrowser(user: string, password: string): { open: (url: string) => Promise<void>; visits: string[] } {
  const send = async (method: string, url: string, body?: string): Promise<SandboxResult> => {
    const res = await request(url, { method: method as 'GET', ...(body ? { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}) })
    const text = await res.body.text()
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
    return { status: res.statusCode, headers, text, json: <T>() => JSON.parse(text) as T }
  }
  const pages = {
    info: { user, password },
    async signIn(authorizeUrl: string, username: string, pw: string) {
      const page = await send('GET', authorizeUrl)
      const flow = /name="flow" value="([^"]+)"/.exec(page.text)?.[1]
      const action = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1]
      if (!flow || !action) return page
      return send('POST', new URL(action.replace(/&amp;/g, '&'), authorizeUrl).href, new URLSearchParams({ flow, username, password: pw, consent: 'accept', action: 'accept' }).toString())
    }
  }
  return browserRobot(pages as unknown as SandboxHarness, user, password)
}

/** An environment file with a plain and a secret variable. */
export const ENV_FILE = (base: string) => ({
  orgbench: 'environment',
  schemaVersion: 1,
  name: 'Local',
  orgUrl: 'https://local.crm.dynamics.com',
  variables: [
    { key: 'base', value: base },
    { key: 'token', value: 'tok-123-secret', secret: true }
  ]
})
