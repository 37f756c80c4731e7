import { readdirSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { findSecrets, listFiles } from '../../testing/scan'
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

  it('drops the oldest entries past its memory budget, and says how far in each batch', () => {
    vi.useFakeTimers()
    try {
      const body = () => record({ responseBody: { bytes: Buffer.alloc(10_000, 'x'), contentType: 'text/plain', truncated: false } })
      const log = new TrafficLog({ maxBytes: 35_000, batchMs: 10 })
      const batches: Array<{ seqs: number[]; oldestSeq: number }> = []
      log.onAdded((b) => batches.push({ seqs: b.entries.map((e) => e.seq), oldestSeq: b.oldestSeq }))
      for (let i = 0; i < 5; i++) log.record(body())
      expect(log.list().map((e) => e.seq)).toEqual([3, 4, 5])
      expect(log.retainedBytes).toBeLessThanOrEqual(35_000)
      vi.advanceTimersByTime(20)
      expect(batches).toEqual([{ seqs: [1, 2, 3, 4, 5], oldestSeq: 3 }])
      // A lower limit set later evicts at once and is announced with no new entries.
      log.setLimits({ maxEntries: 1, maxBytes: 1e9 })
      expect(log.list().map((e) => e.seq)).toEqual([5])
      vi.advanceTimersByTime(20)
      expect(batches.at(-1)).toEqual({ seqs: [], oldestSeq: 5 })
      // A single entry over the budget stays (the newest is always kept).
      log.setLimits({ maxEntries: 10, maxBytes: 100 })
      expect(log.size).toBe(1)
      log.clear()
      expect(log.retainedBytes).toBe(0)
      expect(log.oldestSeq).toBe(6)
    } finally {
      vi.useRealTimers()
    }
  })

  it('does not keep the caller\'s body buffers alive through the record', () => {
    const log = new TrafficLog({ inlineLimit: 10 })
    const s = log.record(record({ responseBody: { bytes: Buffer.alloc(1000, 'q'), contentType: 'text/plain', truncated: false } }))
    const kept = (log as unknown as { byId: Map<string, { record: ExchangeRecord }> }).byId.get(s.id)!.record
    expect(kept.responseBody).toBeNull()
    expect(log.get(s.id)!.responseBody!.size).toBe(1000)
  })

  it('searches headers and the kept part of bodies, case-insensitively, for the filter language', async () => {
    const log = new TrafficLog({ inlineLimit: 64 })
    const a = log.record(record({ requestHeaders: [['Prefer', 'odata.include-annotations="*"']] }))
    const b = log.record(record({ responseBody: { bytes: Buffer.from('{"name":"Contoso Ltd"}'), contentType: 'application/json', truncated: false } }))
    log.record(record({ responseBody: { bytes: Buffer.from([0xff, 0xfe, 0x00, 0x43, 0x6f, 0x6e, 0x74, 0x6f, 0x73, 0x6f]), contentType: 'application/octet-stream', truncated: false } }))
    const ids = await log.search([
      { kind: 'header', name: 'prefer', value: 'ANNOTATIONS' },
      { kind: 'header', name: 'Prefer', value: 'return=representation' },
      { kind: 'header', name: 'content-type', value: null },
      { kind: 'body', text: 'contoso' }
    ])
    expect(ids[0]).toEqual([a.id])
    expect(ids[1]).toEqual([])
    expect(ids[2]).toHaveLength(3)
    expect(ids[3]).toEqual([b.id])
  })

  it('announces new entries in batches', async () => {
    vi.useFakeTimers()
    try {
      const log = new TrafficLog({ batchMs: 50 })
      const batches: number[] = []
      log.onAdded((batch) => batches.push(batch.entries.length))
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

  it('keeps large bodies inline up to its limit and spills them whole to disk, encrypted; reads them back whole', async () => {
    const dir = tempDir()
    const log = new TrafficLog({ inlineLimit: 1024, spillDir: dir })
    const secret = `sv-${Date.now()}-value`
    const big = Buffer.from(`${secret}|${'a'.repeat(5000)}|${secret}`)
    const sent = Buffer.from(`token=${secret}&${'b'.repeat(3000)}`)
    const s = log.record(record({ method: 'POST', requestBody: { bytes: sent, contentType: 'text/plain' }, responseBody: { bytes: big, contentType: 'text/plain', truncated: false } }))
    const entry = log.get(s.id)!
    expect(entry.responseBody).toMatchObject({ size: big.length, truncated: true, spilled: true })
    expect(entry.responseBody!.text).toHaveLength(1024)
    await log.settled()
    const files = listFiles(dir)
    expect(files).toHaveLength(2)
    expect(findSecrets(dir, { secret })).toEqual([])
    const whole = (await log.getWhole(s.id, true))!
    expect(whole.responseBody).toMatchObject({ text: big.toString(), size: big.length, truncated: false, spilled: true })
    expect(whole.requestBody).toMatchObject({ text: sent.toString(), truncated: false })
    expect(await log.getWhole('nope')).toBeNull()
    log.clear()
    await log.settled()
    expect(listFiles(dir)).toEqual([])
    await expect(log.getWhole(s.id)).resolves.toBeNull()
  })

  it('deletes spilled bodies with the entries it drops, and all of them at close', async () => {
    const dir = tempDir()
    const log = new TrafficLog({ inlineLimit: 100, spillDir: dir, maxEntries: 2 })
    const big = () => record({ responseBody: { bytes: Buffer.alloc(500, 'z'), contentType: 'text/plain', truncated: false } })
    const first = log.record(big())
    log.record(big())
    await log.settled()
    expect(listFiles(dir)).toHaveLength(2)
    log.record(big())
    await log.settled()
    expect(listFiles(dir)).toHaveLength(2)
    expect(listFiles(dir).some((f) => f.includes(first.id))).toBe(false)
    await log.close()
    expect(readdirSync(dir)).toEqual([])
  })

  it('keeps only the inline part of a large body in memory, not the whole buffer', () => {
    const log = new TrafficLog({ inlineLimit: 1024 })
    const s = log.record(record({ responseBody: { bytes: Buffer.alloc(200_000, 'q'), contentType: 'text/plain', truncated: false } }))
    const kept = (log as unknown as { byId: Map<string, { responseBody: { bytes: Uint8Array } }> }).byId.get(s.id)!.responseBody.bytes
    expect(kept.byteLength).toBe(1024)
    expect(kept.buffer.byteLength).toBeLessThan(200_000)
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
