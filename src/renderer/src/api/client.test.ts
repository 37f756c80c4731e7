import { reactive } from 'vue'
import { describe, expect, it } from 'vitest'
import type { OrgbenchBridge } from '@shared/channels'
import { ApiError, createClient } from './client'

/** A bridge that clones its input the way Electron's IPC does, so a reactive proxy fails here as it fails there. */
function ipcLikeBridge(answer: unknown = { ok: true, value: { ok: 1 } }): OrgbenchBridge & { received: unknown[] } {
  const received: unknown[] = []
  return {
    received,
    async invoke(_method, input) {
      received.push(structuredClone(input))
      return answer
    },
    on: () => () => undefined
  }
}

describe('api client', () => {
  it('sends store data (reactive proxies, nested) as plain data that IPC can clone', async () => {
    const bridge = ipcLikeBridge()
    const client = createClient(bridge)
    const tab = reactive({ headers: [{ key: 'Accept', value: 'application/json', enabled: true }], auth: { clientSecret: { isSet: true } } })
    await client.call('request.send', { requestId: 'r1', environmentId: null, request: { method: 'GET', url: 'https://x', headers: tab.headers, body: '' } })
    await client.call('env.create', { name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com', auth: tab.auth as never })
    expect(bridge.received).toEqual([
      { requestId: 'r1', environmentId: null, request: { method: 'GET', url: 'https://x', headers: [{ key: 'Accept', value: 'application/json', enabled: true }], body: '' } },
      { name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com', auth: { clientSecret: { isSet: true } } }
    ])
  })

  it('turns a failure into an ApiError with its code and message', async () => {
    const client = createClient(ipcLikeBridge({ ok: false, error: { code: 'not_found', message: 'No such entry.' } }))
    await expect(client.call('traffic.get', { id: 'x' })).rejects.toEqual(expect.objectContaining({ name: 'ApiError', code: 'not_found', message: 'No such entry.' }))
    await expect(client.call('traffic.get', { id: 'x' })).rejects.toBeInstanceOf(ApiError)
  })
})
