import { describe, expect, it } from 'vitest'
import type { EntrySummary } from '@shared/traffic'
import { compileFilter, parseFilter, remoteKey } from './filter'
import { comparator, indexEntry, insertionPoint, type Row } from './rows'
import { completeFilter } from './completion'

function entry(over: Partial<EntrySummary> & { seq: number }): EntrySummary {
  return {
    id: `e${over.seq}`,
    startedAt: '2026-01-02T03:04:05.678Z',
    kind: 'api',
    method: 'GET',
    url: 'https://org.crm.dynamics.com/api/data/v9.2/WhoAmI',
    host: 'org.crm.dynamics.com',
    path: '/api/data/v9.2/WhoAmI',
    status: 200,
    error: null,
    durationMs: 20,
    responseSize: 300,
    environmentId: 'env1',
    environmentName: 'Contoso Dev',
    signInId: null,
    grant: null,
    ...over
  }
}

const rows: Row[] = [
  indexEntry(entry({ seq: 1 }), ''),
  indexEntry(entry({ seq: 2, method: 'POST', kind: 'token', url: 'https://login.example.com/tenant/oauth2/v2.0/token', host: 'login.example.com', path: '/tenant/oauth2/v2.0/token', status: 400, durationMs: 800, signInId: 's1', grant: 'device_code' }), 'Sign-in: Device code · Contoso Dev · 03:04:05'),
  indexEntry(entry({ seq: 3, url: 'https://org.crm.dynamics.com/api/data/v9.2/accounts?$top=5', path: '/api/data/v9.2/accounts?$top=5', status: 404, responseSize: 2 * 1024 * 1024 }), ''),
  indexEntry(entry({ seq: 4, status: null, error: 'connect ECONNREFUSED', durationMs: null, responseSize: null, environmentName: null, environmentId: null }), ''),
  indexEntry(entry({ seq: 5, method: 'PATCH', status: 503, durationMs: 1500 }), '')
]

function seqs(text: string, remote = new Map<string, Set<string>>()): number[] {
  const parsed = parseFilter(text)
  if (!parsed.ok) throw new Error(`${parsed.error.message} at ${parsed.error.at}`)
  const p = compileFilter(parsed.node, remote)
  return rows.filter(p).map((r) => r.seq)
}

describe('the filter language', () => {
  it('matches a plain word in the URL, the status and the method, as the box always did', () => {
    expect(seqs('')).toEqual([1, 2, 3, 4, 5])
    expect(seqs('accounts')).toEqual([3])
    expect(seqs('post')).toEqual([2])
    expect(seqs('404')).toEqual([3])
    expect(seqs('econnrefused')).toEqual([4])
    expect(seqs('https://login.example.com')).toEqual([2])
  })

  it('filters by status classes, comparisons and ranges', () => {
    expect(seqs('status:4xx')).toEqual([2, 3])
    expect(seqs('status:>=400')).toEqual([2, 3, 5])
    expect(seqs('status:<300')).toEqual([1])
    expect(seqs('status:400-499')).toEqual([2, 3])
    expect(seqs('status:200')).toEqual([1])
  })

  it('filters by method, host, path, kind, environment and the sign-in by its name', () => {
    expect(seqs('method:post')).toEqual([2])
    expect(seqs('host:login')).toEqual([2])
    expect(seqs('path:/accounts')).toEqual([3])
    expect(seqs('kind:token')).toEqual([2])
    expect(seqs('env:contoso')).toEqual([1, 2, 3, 5])
    expect(seqs('signin:"device code"')).toEqual([2])
    expect(seqs('has:signin')).toEqual([2])
    expect(seqs('has:env')).toEqual([1, 2, 3, 5])
  })

  it('compares durations and sizes with units', () => {
    expect(seqs('dur:>500')).toEqual([2, 5])
    expect(seqs('dur:>1s')).toEqual([5])
    expect(seqs('size:>1mb')).toEqual([3])
    expect(seqs('size:<1kb')).toEqual([1, 2, 5])
  })

  it('knows errors, regexes, negation, and/or and parentheses', () => {
    expect(seqs('has:error')).toEqual([2, 3, 4, 5])
    expect(seqs('/v9\\.2\\/accounts/')).toEqual([3])
    expect(seqs('/whoami$/i')).toEqual([1, 4, 5])
    expect(seqs('/^PATCH$/')).toEqual([5])
    expect(seqs('!has:error')).toEqual([1])
    expect(seqs('not kind:api')).toEqual([2])
    expect(seqs('status:4xx or status:5xx')).toEqual([2, 3, 5])
    expect(seqs('kind:api status:4xx')).toEqual([3])
    expect(seqs('kind:api and (status:404 or method:PATCH)')).toEqual([3, 5])
    expect(seqs('!(status:4xx || status:5xx) && env:contoso')).toEqual([1])
    // and binds tighter than or
    expect(seqs('method:POST or kind:api and status:503')).toEqual([2, 5])
  })

  it('evaluates header: and body: from main\'s answers, and collects what to ask', () => {
    const parsed = parseFilter('header:Prefer=odata body:"account id" or header:If-Match body:"Account ID"')
    expect(parsed.ok && parsed.remote).toEqual([
      { kind: 'header', name: 'Prefer', value: 'odata' },
      { kind: 'body', text: 'account id' },
      { kind: 'header', name: 'If-Match', value: null }
    ])
    const remote = new Map([
      [remoteKey({ kind: 'header', name: 'prefer', value: 'ODATA' }), new Set(['e1', 'e3'])],
      [remoteKey({ kind: 'body', text: 'Account ID' }), new Set(['e3'])]
    ])
    expect(seqs('header:Prefer=odata', remote)).toEqual([1, 3])
    expect(seqs('header:Prefer=odata body:"account id"', remote)).toEqual([3])
    // Not answered yet: matches nothing rather than everything.
    expect(seqs('header:If-Match', remote)).toEqual([])
  })

  it('never throws on malformed input, and says where it went wrong', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['status:', 7, /status: wants a value/],
      ['status:abc', 7, /number/],
      ['size:>1parsec', 7, /unit/],
      ['kind:bogus', 5, /kind: is one of/],
      ['has:nothing', 4, /has: is one of/],
      ['(status:4xx', 0, /never closed/],
      ['status:4xx)', 10, /closes nothing/],
      ['()', 0, /empty/],
      ['a and', 2, /needs something after/],
      ['or a', 0, /needs something before/],
      ['!', 0, /needs something after/],
      ['/abc', 0, /never closed/],
      ['/a(/', 0, /not valid/],
      ['"open', 0, /never closed/],
      ['colour:red', 0, /"colour" is not a field/],
      ['header:', 7, /header name/],
      ['method:', 7, /method/]
    ]
    for (const [text, at, message] of cases) {
      const parsed = parseFilter(text)
      expect(parsed.ok, text).toBe(false)
      if (!parsed.ok) {
        expect(parsed.error.message, text).toMatch(message)
        expect(parsed.error.at, text).toBe(at)
      }
    }
    const noise = '()!&|"/:\\ aAzZ09<>=-.*'
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + (i % 17) }, (_, k) => noise[(i * 31 + k * 7) % noise.length]).join('')
      expect(() => parseFilter(text)).not.toThrow()
    }
  })
})

describe('rows', () => {
  it('sorts by any column, empty values last either way, then by arrival', () => {
    const by = (key: Parameters<typeof comparator>[0]['key'], desc = false) => [...rows].sort(comparator({ key, desc })).map((r) => r.seq)
    expect(by('status')).toEqual([1, 2, 3, 5, 4])
    expect(by('status', true)).toEqual([5, 3, 2, 1, 4])
    expect(by('durationMs')).toEqual([1, 3, 2, 5, 4])
    expect(by('method')).toEqual([1, 3, 4, 5, 2])
    expect(by('seq', true)).toEqual([5, 4, 3, 2, 1])
    const sorted = [...rows].sort(comparator({ key: 'size', desc: false }))
    const extra = indexEntry(entry({ seq: 6, responseSize: 301 }), '')
    expect(insertionPoint(sorted, extra, comparator({ key: 'size', desc: false }))).toBe(3)
  })
})

describe('completion in the filter box', () => {
  it('offers field names, then each field\'s values', () => {
    expect(completeFilter('sta', { environments: [] })).toEqual({ from: 0, options: ['status:'] })
    expect(completeFilter('kind:api kind:t', { environments: [] })).toEqual({ from: 9, options: ['kind:token'] })
    expect(completeFilter('status:4', { environments: [] }).options).toEqual(['status:4xx', 'status:401', 'status:403', 'status:404', 'status:429'])
    expect(completeFilter('(env:c', { environments: ['Contoso Dev', 'Fabrikam'] })).toEqual({ from: 1, options: ['env:"Contoso Dev"'] })
    expect(completeFilter('has:', { environments: [] }).options).toEqual(['has:error', 'has:signin', 'has:env', 'has:status'])
    expect(completeFilter('', { environments: [] }).options).toEqual([])
  })
})
