/**
 * Test helpers: a Sandbox in a temp folder, and a client that trusts only its CA and can walk the sign-in
 * pages the way a person would (GET the page, read the form, POST it).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, request } from 'undici'
import { SandboxServer, type SandboxInfo, type SandboxOptions } from '../sandbox/server'

export interface SandboxResult {
  status: number
  headers: Record<string, string>
  text: string
  json<T = Record<string, unknown>>(): T
}

export interface SandboxHarness {
  info: SandboxInfo
  server: SandboxServer
  dataDir: string
  agent: Agent
  send(method: string, url: string, options?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<SandboxResult>
  api(method: string, path: string, token: string | null, options?: { headers?: Record<string, string>; body?: unknown }): Promise<SandboxResult>
  token(params: Record<string, string>, options?: { version?: 'v1' | 'v2'; headers?: Record<string, string> }): Promise<SandboxResult>
  /** A client-credentials token for the demo secret app (has an application user). */
  appToken(): Promise<string>
  /** A delegated token for the demo user (ROPC through the public client). */
  userToken(): Promise<string>
  /** Open an authorize URL, fill the sign-in form, submit; returns the final response (usually the 302 to the app). */
  signIn(authorizeUrl: string, username: string, password: string, action?: 'accept' | 'cancel'): Promise<SandboxResult>
  stop(): Promise<void>
}

function headersOf(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<SandboxHarness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'orgbench-sandbox-'))
  const server = new SandboxServer({ persist: false, ...options, dataDir })
  const info = await server.start()
  const agent = new Agent({ connect: { ca: info.caCertificatePem } })

  const send: SandboxHarness['send'] = async (method, url, opts = {}) => {
    const res = await request(url, { method: method as 'GET', dispatcher: agent, headers: opts.headers ?? {}, body: opts.body ?? null })
    const text = await res.body.text()
    return { status: res.statusCode, headers: headersOf(res.headers), text, json: <T>() => JSON.parse(text) as T }
  }
  const api: SandboxHarness['api'] = (method, path, token, opts = {}) =>
    send(method, `${info.webApiUrl}${path}`, {
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {})
    })
  const token: SandboxHarness['token'] = (params, opts = {}) =>
    send('POST', `${info.authority}/oauth2/${opts.version === 'v1' ? '' : 'v2.0/'}token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
      body: new URLSearchParams(params).toString()
    })
  const harness: SandboxHarness = {
    info,
    server,
    dataDir,
    agent,
    send,
    api,
    token,
    async appToken() {
      const r = await token({ grant_type: 'client_credentials', client_id: info.clients.secret, client_secret: info.clientSecret, scope: `${info.orgUrl}/.default` })
      return r.json<{ access_token: string }>().access_token
    },
    async userToken() {
      const r = await token({ grant_type: 'password', client_id: info.clients.public, username: info.user, password: info.password, scope: `${info.orgUrl}/user_impersonation openid offline_access` })
      return r.json<{ access_token: string }>().access_token
    },
    async signIn(authorizeUrl, username, password, action = 'accept') {
      const page = await send('GET', authorizeUrl)
      const flow = /name="flow" value="([^"]+)"/.exec(page.text)?.[1]
      const formAction = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1]
      if (!flow || !formAction) return page
      return send('POST', new URL(formAction.replace(/&amp;/g, '&'), info.orgUrl).href, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ flow, username, password, consent: 'accept', action }).toString()
      })
    },
    async stop() {
      await server.stop()
      await agent.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    }
  }
  return harness
}

/**
 * A person at the system browser, for Node tests: opens the authorize URL, signs in on the Sandbox page, and
 * delivers the answer to the app's loopback listener the way a browser would (redirect, form_post, or fragment relay).
 */
export function browserRobot(sb: SandboxHarness, user = sb.info.user, password = sb.info.password): { open: (url: string) => Promise<void>; visits: string[] } {
  const visits: string[] = []
  const deliver = async (response: SandboxResult): Promise<void> => {
    if (response.status === 302 && response.headers.location) {
      const target = new URL(response.headers.location)
      const loopback = `http://127.0.0.1:${target.port}`
      if (target.hash) {
        const relay = await request(`${loopback}/`)
        await relay.body.text()
        const posted = await request(`${loopback}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ fragment: target.hash.slice(1) }).toString() })
        await posted.body.text()
        return
      }
      const got = await request(`${loopback}${target.pathname}${target.search}`)
      await got.body.text()
      return
    }
    const action = /<form method="POST" name="hiddenform" action="([^"]+)"/.exec(response.text)?.[1]
    if (action) {
      const fields = new URLSearchParams()
      for (const m of response.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.set(m[1]!, m[2]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&'))
      const target = new URL(action.replace(/&amp;/g, '&'))
      const posted = await request(`http://127.0.0.1:${target.port}${target.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() })
      await posted.body.text()
      return
    }
    throw new Error(`The sign-in page did not send the browser back to the app (status ${response.status}): ${response.text.slice(0, 300)}`)
  }
  return {
    visits,
    open: async (url) => {
      visits.push(url)
      // Like a person, finish in the background: the app is waiting on its listener meanwhile.
      void sb.signIn(url, user, password).then(deliver).catch(() => undefined)
    }
  }
}
