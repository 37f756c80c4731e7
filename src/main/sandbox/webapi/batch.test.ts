import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { matchBatch, parseBatchResponse, writeBatch, type BatchRequest } from '../../../shared/batch'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'

let sb: SandboxHarness
let token: string
beforeAll(async () => {
  sb = await startSandbox()
  token = await sb.appToken()
})
afterAll(() => sb.stop())

async function send(requests: BatchRequest[], prefer?: string) {
  const { body, contentType } = writeBatch(requests.map((r) => ({ ...r, url: r.url.replace('{{webApiUrl}}', sb.info.webApiUrl) })))
  const r = await sb.send('POST', `${sb.info.webApiUrl}/$batch`, { headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...(prefer ? { prefer } : {}) }, body })
  const parts = parseBatchResponse(String(r.headers['content-type']), r.text)
  return { status: r.status, text: r.text, parts, outcomes: parts ? matchBatch(requests, parts) : null }
}

const post = (url: string, body: unknown, changeSet: string | null = null): BatchRequest => ({ method: 'POST', url, headers: [], body: JSON.stringify(body), changeSet })

describe('the batch the app writes, against the Sandbox', () => {
  it('runs a change set with a Content-ID reference and goes on past a failure with continue-on-error, each answer matched to its request', async () => {
    const name = `Batch ${Date.now()}`
    const requests: BatchRequest[] = [
      post('{{webApiUrl}}/accounts', { name }, 'cs'),
      post('{{webApiUrl}}/contacts', { lastname: 'Referenced', 'parentcustomerid_account@odata.bind': '$1' }, 'cs'),
      post('{{webApiUrl}}/nosuchtable', { name: 'x' }),
      { method: 'GET', url: `{{webApiUrl}}/accounts?$select=name&$filter=name eq '${name}'`, headers: [], body: '', changeSet: null }
    ]
    const r = await send(requests, 'odata.continue-on-error')
    expect(r.status).toBe(200)
    expect(r.outcomes!.map((o) => (o.kind === 'answered' ? o.part.status : o.kind))).toEqual([204, 204, 404, 200])
    const found = r.outcomes![3]!
    expect(found.kind === 'answered' && (JSON.parse(found.part.body) as { value: unknown[] }).value).toHaveLength(1)
  })

  it('undoes a change set that fails and stops there without continue-on-error', async () => {
    const name = `Rolled back ${Date.now()}`
    const requests: BatchRequest[] = [post('{{webApiUrl}}/accounts', { name }, 'cs'), post('{{webApiUrl}}/accounts', { nosuchcolumn: 1 }, 'cs'), post('{{webApiUrl}}/accounts', { name: 'never' })]
    const r = await send(requests)
    expect(r.status).toBe(400)
    expect(r.outcomes!.map((o) => o.kind)).toEqual(['rolledBack', 'answered', 'notRun'])
    const check = await sb.api('GET', `/accounts?$filter=name eq '${encodeURIComponent(name)}'`, token)
    expect(check.json<{ value: unknown[] }>().value).toEqual([])
  })

  it('takes 1,000 requests and refuses 1,001 before running any', async () => {
    const get: BatchRequest = { method: 'GET', url: '{{webApiUrl}}/WhoAmI', headers: [], body: '', changeSet: null }
    const thousand = await send(Array.from({ length: 1000 }, () => get))
    expect(thousand.status).toBe(200)
    expect(thousand.parts).toHaveLength(1000)
    const tooMany = await send([...Array.from({ length: 1000 }, () => get), post('{{webApiUrl}}/accounts', { name: 'not created' })])
    expect(tooMany.status).toBe(400)
    expect(tooMany.text).toContain("maximum number of '1000'")
  })
})
