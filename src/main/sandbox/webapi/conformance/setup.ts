import { afterAll, beforeAll } from 'vitest'
import { startSandbox, type SandboxHarness, type SandboxResult } from '../../../testing/sandbox'

/**
 * One Sandbox per conformance file, and requests written the way Microsoft's articles write them: a path under
 * `[Organization URI]/api/data/v9.2`, the documented headers, the app user's token.
 */
export interface Conformance {
  sb: SandboxHarness
  token: string
  get(path: string, headers?: Record<string, string>): Promise<SandboxResult>
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<SandboxResult>
}

export const DOC_HEADERS = { accept: 'application/json', 'odata-maxversion': '4.0', 'odata-version': '4.0' }

export function useConformance(): Conformance {
  const c = {} as Conformance
  beforeAll(async () => {
    c.sb = await startSandbox()
    c.token = await c.sb.appToken()
  })
  afterAll(() => c.sb.stop())
  c.send = (method, path, body, headers = {}) =>
    c.sb.send(method, path.startsWith('http') ? path : `${c.sb.info.webApiUrl}${path}`, {
      headers: { ...DOC_HEADERS, authorization: `Bearer ${c.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {})
    })
  c.get = (path, headers) => c.send('GET', path, undefined, headers)
  return c
}

export type Json = Record<string, unknown>
export type Collection = { value: Json[]; '@odata.nextLink'?: string; '@odata.count'?: number; '@odata.context': string }
