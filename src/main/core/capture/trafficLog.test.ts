import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { useTempDir } from '../../testing/tempDir'
import { maskValue, redactBody, redactHeaders, redactUrl } from './redact'
import { TrafficLog, type ExchangeRecord } from './trafficLog'

const tempDir = useTempDir()

function record(over: Partial<ExchangeRecord> = {}): ExchangeRecord {
  return {
    kind: 'api',
    startedAt: Date.parse('2026-01-02T03:04:05.678Z'),
    method: 'GET',
    url: 'https://org.crm.dynamics.com/api/data/v9.2/WhoAmI',
    environmentId: null,
    environmentName: null,
    requestHeaders: [['Accept', 'application/json']],
    requestBody: null,
    status: 200,
    statusText: 'OK',
    httpVersion: '1.1',
    responseHeaders: [['content-type', 'application/json']],
    responseBody: { bytes: Buffer.from('{"a":1}'), contentType: 'application/json', truncated: false },
    timings: { connect: 1, tls: 2, wait: 3, receive: 4, total: 10 },
    error: null,
    ...over
  }
}

describe('redaction', () => {
  it('masks credentials in headers, keeping the scheme', () => {
    const masked: string[] = []
    expect(redactHeaders([['Authorization', 'Bearer eyJhbGciOi.xyz'], ['Cookie', 'a=b'], ['Accept', 'x']], 'request', masked)).toEqual([
      ['Authorization', 'Bearer eyJh••••••••(14 chars)'],
      ['Cookie', '••••••••'],
      ['Accept', 'x']
    ])
    expect(masked).toEqual(['request header Authorization', 'request header Cookie'])
  })

  it('masks token-endpoint form fields and JSON token responses', () => {
    const masked: string[] = []
    const form = redactBody('grant_type=client_credentials&client_id=abc&client_secret=s3cr3t-value-long&code_verifier=vvvvvvvvvvvv', 'application/x-www-form-urlencoded', 'request body', masked)
    expect(form).not.toContain('s3cr3t-value-long')
    expect(form).toContain('client_id=abc')
    const json = redactBody('{"token_type":"Bearer","access_token":"eyJ0eXAiOiJKV1Qi.long.token","refresh_token":"0.AAAA-refresh"}', 'application/json', 'response body', masked)
    expect(json).not.toContain('long.token')
    expect(json).toContain('"token_type": "Bearer"')
    expect(masked).toEqual(['request body field client_secret', 'request body field code_verifier', 'response body field access_token', 'response body field refresh_token'])
  })

  it('masks codes and tokens in URL queries and fragments', () => {
    const masked: string[] = []
    const url = redactUrl('http://localhost:5000/?code=0.AXcode-value-long&state=abc#access_token=eyJ0eXAi.xx.yy&expires_in=3599', masked)
    expect(url).not.toContain('code-value-long')
    expect(url).not.toContain('eyJ0eXAi.xx.yy')
    expect(url).toContain('state=abc')
    expect(url).toContain('expires_in=3599')
    expect(maskValue('short')).toBe('••••••••')
  })
})

describe('TrafficLog', () => {
  it('records summaries with host and path, and full entries on demand', () => {
    const log = new TrafficLog()
    const s = log.record(record())
    expect(s).toMatchObject({ seq: 1, host: 'org.crm.dynamics.com', path: '/api/data/v9.2/WhoAmI', status: 200, durationMs: 10, responseSize: 7, startedAt: '2026-01-02T03:04:05.678Z' })
    expect(log.get(s.id)).toMatchObject({ responseBody: { text: '{"a":1}', encoding: 'utf8', size: 7 } })
    expect(log.get('nope')).toBeNull()
  })

  it('never shows a secret URL parameter in the summary', () => {
    const log = new TrafficLog()
    const s = log.record(record({ url: 'http://localhost:1234/?code=abcdefghijkl&state=s' }))
    expect(s.url).not.toContain('abcdefghijkl')
    expect(s.path).not.toContain('abcdefghijkl')
  })

  it('drops the oldest entries past its size', () => {
    const log = new TrafficLog({ maxEntries: 3 })
    for (let i = 0; i < 5; i++) log.record(record())
    expect(log.list().map((e) => e.seq)).toEqual([3, 4, 5])
  })

  it('announces new entries in batches', async () => {
    vi.useFakeTimers()
    try {
      const log = new TrafficLog({ batchMs: 50 })
      const batches: number[] = []
      log.onAdded((entries) => batches.push(entries.length))
      log.record(record())
      log.record(record())
      expect(batches).toEqual([])
      vi.advanceTimersByTime(60)
      log.record(record())
      vi.advanceTimersByTime(60)
      expect(batches).toEqual([2, 1])
    } finally {
      vi.useRealTimers()
    }
  })

  it('keeps large bodies inline up to its limit and spills them whole to disk', async () => {
    const dir = tempDir()
    const log = new TrafficLog({ inlineLimit: 1024, spillDir: dir })
    const big = Buffer.alloc(5000, 'a')
    const s = log.record(record({ responseBody: { bytes: big, contentType: 'text/plain', truncated: false } }))
    const entry = log.get(s.id)!
    expect(entry.responseBody).toMatchObject({ size: 5000, truncated: true, spilled: true })
    expect(entry.responseBody!.text).toHaveLength(1024)
    await vi.waitFor(() => expect(existsSync(`${dir}/${s.id}.response.body`)).toBe(true))
    await vi.waitFor(() => expect(readFileSync(`${dir}/${s.id}.response.body`).length).toBe(5000))
    log.clear()
    await vi.waitFor(() => expect(existsSync(`${dir}/${s.id}.response.body`)).toBe(false))
  })

  it('clears and tells listeners', () => {
    const log = new TrafficLog()
    let cleared = 0
    log.onCleared(() => cleared++)
    log.record(record())
    expect(log.clear()).toBe(1)
    expect(log.list()).toEqual([])
    expect(cleared).toBe(1)
  })
})
