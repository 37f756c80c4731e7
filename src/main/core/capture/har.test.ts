import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportHar, fromHar } from './har'
import { StrictHar } from './harSchema'
import { TrafficSessions } from './sessions'
import { TrafficLog, type ExchangeRecord } from './trafficLog'

const secret = 'sv-very-secret-client-value'
const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.sig-sig-sig'

function tokenExchange(): ExchangeRecord {
  return {
    kind: 'token',
    startedAt: Date.parse('2026-01-02T03:04:05.678Z'),
    method: 'POST',
    url: 'https://127.0.0.1:44311/tenant/oauth2/v2.0/token',
    environmentId: 'env1',
    environmentName: 'Sandbox',
    signInId: 'sign-1',
    grant: 'client_credentials',
    requestHeaders: [['Content-Type', 'application/x-www-form-urlencoded']],
    requestBody: { bytes: Buffer.from(`grant_type=client_credentials&client_id=abc&client_secret=${secret}`), contentType: 'application/x-www-form-urlencoded' },
    status: 200,
    statusText: 'OK',
    httpVersion: '1.1',
    responseHeaders: [['content-type', 'application/json'], ['Set-Cookie', 'fpc=abcdefghijkl']],
    responseBody: { bytes: Buffer.from(JSON.stringify({ token_type: 'Bearer', access_token: token, expires_in: 3599 })), contentType: 'application/json', truncated: false },
    timings: { connect: 3, tls: 7, wait: 30, receive: 2, total: 42 },
    error: null
  }
}

function apiExchange(over: Partial<ExchangeRecord> = {}): ExchangeRecord {
  return { ...tokenExchange(), kind: 'api', method: 'GET', url: 'https://127.0.0.1:44311/api/data/v9.2/WhoAmI', signInId: null, grant: null, requestHeaders: [['Authorization', `Bearer ${token}`]], requestBody: null, responseHeaders: [['content-type', 'application/json']], responseBody: { bytes: Buffer.from('{"UserId":"u1"}'), contentType: 'application/json', truncated: false }, timings: { connect: null, tls: null, wait: 12, receive: 1, total: 13 }, ...over }
}

describe('HAR export', () => {
  it('writes valid HAR 1.2 with timings, sizes and the HTTP version as HAR defines them, secrets masked', async () => {
    const log = new TrafficLog()
    log.record(tokenExchange())
    log.record(apiExchange())
    log.record(apiExchange({ status: null, statusText: '', error: 'connect ECONNREFUSED 127.0.0.1:1', responseHeaders: [], responseBody: null, timings: null }))
    const { text, count } = await exportHar(log, { reveal: false, appVersion: '1.2.3' })
    expect(count).toBe(3)
    expect(text).not.toContain(secret)
    expect(text).not.toContain(token)
    expect(text).not.toContain('abcdefghijkl')
    const har = StrictHar.parse(JSON.parse(text))
    expect(har.log.creator).toEqual({ name: 'OrgBench', version: '1.2.3' })
    const [tok, api, failed] = har.log.entries
    expect(tok!.request.httpVersion).toBe('HTTP/1.1')
    expect(tok!.timings).toEqual({ blocked: -1, dns: -1, connect: 10, ssl: 7, send: 0, wait: 20, receive: 2 })
    expect(tok!.time).toBe(32)
    expect(tok!.request.postData!.mimeType).toBe('application/x-www-form-urlencoded')
    expect(tok!.request.postData!.params!.find((p) => p.name === 'client_id')!.value).toBe('abc')
    expect(tok!.request.bodySize).toBe(Buffer.byteLength(`grant_type=client_credentials&client_id=abc&client_secret=${secret}`))
    expect(tok!.response.content).toMatchObject({ mimeType: 'application/json', size: Buffer.byteLength(JSON.stringify({ token_type: 'Bearer', access_token: token, expires_in: 3599 })) })
    expect(api!.timings).toMatchObject({ connect: -1, ssl: -1, wait: 12, receive: 1 })
    expect(api!.request.headers[0]!.value).toMatch(/^Bearer eyJ0••••/)
    expect(failed!.response).toMatchObject({ status: 0, bodySize: -1 })
    expect(failed!.comment).toContain('ECONNREFUSED')
  })

  it('writes secrets only when asked, and says so in the file', async () => {
    const log = new TrafficLog()
    const s = log.record(tokenExchange())
    log.record(apiExchange())
    const { text, count } = await exportHar(log, { ids: [s.id], reveal: true, appVersion: '1' })
    expect(count).toBe(1)
    expect(text).toContain(secret)
    expect(JSON.parse(text).log.comment).toMatch(/WARNING/)
    await expect(exportHar(log, { ids: ['gone'], reveal: false, appVersion: '1' })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('round-trips through import: the same exchanges, kinds and sign-ins, in a read-only session', async () => {
    const log = new TrafficLog()
    log.record(tokenExchange())
    log.record(apiExchange())
    const { text } = await exportHar(log, { reveal: true, appVersion: '1' })
    const sessions = new TrafficSessions()
    const session = await sessions.import(text, '')
    expect(session).toMatchObject({ count: 2, creator: 'OrgBench 1', name: 'HAR from OrgBench 1', warnings: [] })
    const imported = sessions.log(session.sessionId, log)
    const [a, b] = imported.list()
    expect(a).toMatchObject({ kind: 'token', method: 'POST', status: 200, signInId: 'sign-1', grant: 'client_credentials', environmentName: 'Sandbox', startedAt: '2026-01-02T03:04:05.678Z' })
    expect(b).toMatchObject({ kind: 'api', url: 'https://127.0.0.1:44311/api/data/v9.2/WhoAmI' })
    const entry = imported.get(a!.id)!
    expect(entry.timings).toEqual({ connect: 3, tls: 7, wait: 30, receive: 2, total: 32 })
    // Imported secrets are masked in the inspector like live ones.
    expect(entry.requestBody!.text).not.toContain(secret)
    expect(imported.get(a!.id, true)!.requestBody!.text).toContain(secret)
    expect(sessions.close(session.sessionId)).toBe(true)
    expect(() => sessions.log(session.sessionId, log)).toThrow(/closed/)
  })
})

describe('HAR import', () => {
  it('reads a HAR saved by Chrome DevTools (HTTP/2, base64 content, Chrome\'s own fields)', () => {
    const { records, creator, warnings } = fromHar(readFileSync(join(__dirname, 'fixtures', 'chrome.har'), 'utf8'))
    expect(creator).toBe('WebInspector 537.36')
    expect(warnings).toEqual([])
    expect(records).toHaveLength(2)
    const [api, tok] = records
    expect(api).toMatchObject({ kind: 'api', method: 'GET', status: 200, httpVersion: '2.0', timings: { connect: null, tls: null, receive: 22.3, total: 143.9 } })
    expect(api!.timings!.wait).toBeCloseTo(120.4)
    expect(Buffer.from(api!.responseBody!.bytes).toString()).toContain('Fourth Coffee')
    expect(tok).toMatchObject({ kind: 'token', status: 400, timings: { connect: 15, tls: 20 } })
    expect(Buffer.from(tok!.responseBody!.bytes).toString()).toBe('{"error":"invalid_grant"}')
  })

  it('reads the leaner files of Fiddler and Charles, and refuses what is not HAR with words', () => {
    const fiddler = { log: { version: '1.2', creator: { name: 'Fiddler', version: '5.0' }, entries: [{ startedDateTime: 'not a date', request: { method: 'get', url: 'http://localhost:5000/?code=abc', headers: [{ name: 'Host', value: 'localhost:5000' }] }, response: { status: 0 } }] } }
    const imported = fromHar(JSON.stringify(fiddler))
    expect(imported.records[0]).toMatchObject({ method: 'GET', status: null, error: 'No response in the file.', kind: 'other', responseBody: null })
    expect(imported.warnings[0]).toMatch(/startedDateTime/)
    expect(() => fromHar('not json')).toThrow(/not JSON/)
    expect(() => fromHar('{"log":{}}')).toThrow(/log\.entries/)
    expect(() => fromHar('{"log":{"entries":[{"request":{"url":"x"}}]}}')).toThrow(/method/)
  })
})
