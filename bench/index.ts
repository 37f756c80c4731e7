/**
 * `npm run bench`: figures, not pass/fail. Targets live in the issues.
 *  1. Request executor overhead over plain undici (bench/executor.ts): small GETs to a loopback server, rounds of
 *     both back to back, the median of the per-round ratios and their spread; capture on, as in the app.
 *  2. Capturing 10,000 typical Web API exchanges into the traffic log: time and retained heap.
 *  3. The Sandbox org: requests per second for WhoAmI and for the token endpoint.
 *  4. Sign-in: a cold client-credentials sign-in, and the token work of a request with a cached token.
 *  5. The org's schema at real-org size: parse and index, start from the cache, memory, URL completion in Chromium.
 *  6. Saved work: a 3,000-file collection opened, a save, search per keystroke, a history of 100,000 sends.
 *  7. Big response bodies (1, 10, 50 MB) in the built renderer: first lines painted, longest task, heap, search.
 *  8. The traffic log with 100,000 entries in the built renderer: filter keystroke, fps while 300 entries/s arrive, scrolling.
 *  9. App start in the built renderer with 1 and with 200 environments on disk: ready with the sidebar painted, and the ratio.
 */
import { Agent, request } from 'undici'
import { TrafficLog, type ExchangeRecord } from '../src/main/core/capture/trafficLog'
import { join } from 'node:path'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { Services } from '../src/main/core/services'
import { keyFileSecretBox } from '../src/main/core/store/secretBox'
import { ensureSandboxEnvironment } from '../src/main/sandbox/environment'
import { schemaBench } from './schema'
import { responseBodyBench } from './responseBody'
import { collectionsBench } from './collections'
import { collectionsTreeBench } from './collectionsTree'
import { cliBench } from './cli'
import { executorOverhead } from './executor'
import { startServerProcess } from './server'
import { trafficBench } from './traffic'
import { environmentsBench } from './environments'


function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Requests per second with `concurrency` in flight, `total` requests. */
async function throughput(total: number, concurrency: number, send: () => Promise<number>): Promise<{ rps: number; failures: number }> {
  let started = 0
  let failures = 0
  const t = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started++
        if ((await send()) >= 400) failures++
      }
    })
  )
  return { rps: total / ((performance.now() - t) / 1000), failures }
}

async function sandboxThroughput(): Promise<void> {
  const server = await startServerProcess('sandbox')
  const info = server.sandbox!
  const agent = new Agent({ connect: { ca: info.caCertificatePem }, keepAliveTimeout: 30_000 })
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: info.clients.secret, client_secret: info.clientSecret, scope: `${info.orgUrl}/.default` }).toString()
  const tokenRequest = async () => {
    const res = await request(`${info.authority}/oauth2/v2.0/token`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })
    const body = (await res.body.json()) as { access_token: string }
    return { status: res.statusCode, token: body.access_token }
  }
  const { token } = await tokenRequest()
  const whoAmI = async () => {
    const res = await request(`${info.webApiUrl}/WhoAmI`, { dispatcher: agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } })
    await res.body.dump()
    return res.statusCode
  }
  await throughput(300, 8, whoAmI)
  await throughput(100, 8, async () => (await tokenRequest()).status)
  const who = await throughput(3000, 16, whoAmI)
  const tok = await throughput(1000, 16, async () => (await tokenRequest()).status)
  console.log('Sandbox org on loopback HTTPS (its own process; 16 requests in flight, keep-alive)')
  console.log(`  WhoAmI (token verified each time):   ${who.rps.toFixed(0)} requests/s  (3,000 requests, ${who.failures} failed)`)
  console.log(`  token endpoint (client credentials): ${tok.rps.toFixed(0)} requests/s  (1,000 requests, ${tok.failures} failed; each signs an RS256 JWT)`)
  await agent.close()
  server.close()
}

function typicalExchange(i: number): ExchangeRecord {
  const body = Buffer.from(
    JSON.stringify({
      '@odata.context': 'https://contoso.crm.dynamics.com/api/data/v9.2/$metadata#accounts(name,accountnumber)',
      value: Array.from({ length: 10 }, (_, k) => ({ '@odata.etag': `W/"${1000 + k}"`, name: `Account ${i}-${k}`, accountnumber: `AC${k}`, accountid: `00000000-0000-0000-0000-${String(k).padStart(12, '0')}` }))
    })
  )
  return {
    kind: 'api',
    startedAt: Date.now(),
    method: 'GET',
    url: `https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$select=name,accountnumber&$top=10&page=${i}`,
    environmentId: 'env',
    environmentName: 'Contoso',
    requestHeaders: [
      ['Host', 'contoso.crm.dynamics.com'],
      ['Accept', 'application/json'],
      ['OData-MaxVersion', '4.0'],
      ['OData-Version', '4.0'],
      ['Authorization', 'Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.' + 'x'.repeat(1500)],
      ['User-Agent', 'OrgBench/0.1']
    ],
    requestBody: null,
    status: 200,
    statusText: 'OK',
    httpVersion: '1.1',
    responseHeaders: [
      ['content-type', 'application/json; odata.metadata=minimal'],
      ['odata-version', '4.0'],
      ['x-ms-service-request-id', 'abc'],
      ['date', new Date().toUTCString()]
    ],
    responseBody: { bytes: body, contentType: 'application/json', truncated: false },
    timings: { connect: null, tls: null, wait: 20, receive: 1, total: 21 },
    error: null
  }
}

function captureCost(): void {
  const N = 10_000
  const gc = (globalThis as { gc?: () => void }).gc

  // Time: recording only (the exchanges exist already, as they do when the executor hands them over).
  const records = Array.from({ length: N }, (_, i) => typicalExchange(i))
  const timed = new TrafficLog({ maxEntries: N })
  timed.onAdded(() => undefined)
  const t = performance.now()
  for (const r of records) timed.record(r)
  timed.flush()
  const elapsed = performance.now() - t
  const t2 = performance.now()
  for (const e of timed.list().slice(0, 1000)) timed.get(e.id)
  const openUs = ((performance.now() - t2) / 1000) * 1000
  records.length = 0
  timed.clear()

  // Memory: everything the log keeps alive for N entries, bodies included.
  gc?.()
  const before = process.memoryUsage()
  const kept = new TrafficLog({ maxEntries: N })
  let bodyBytes = 0
  for (let i = 0; i < N; i++) {
    const exchange = typicalExchange(i)
    bodyBytes += exchange.responseBody?.bytes.byteLength ?? 0
    kept.record(exchange)
  }
  kept.flush()
  gc?.()
  const after = process.memoryUsage()
  // Body bytes are counted, not measured: Node's buffer pool and lazy external-memory sweeping make the arrayBuffers delta unreliable.
  const heap = after.heapUsed - before.heapUsed
  const buffers = bodyBytes
  console.log(`capture of ${N.toLocaleString('en')} typical Web API exchanges (≈2 KB body, 6 request and 4 response headers each)`)
  console.log(`  time:        ${elapsed.toFixed(0)} ms  (${((elapsed / N) * 1000).toFixed(1)} µs/entry)`)
  console.log(`  retained:    ${((heap + buffers) / 1024 / 1024).toFixed(1)} MB  (${(heap / 1024 / 1024).toFixed(1)} MB heap + ${(buffers / 1024 / 1024).toFixed(1)} MB body buffers${gc ? '' : '; run with --expose-gc for exact figures'})`)
  console.log(`  inspector:   ${openUs.toFixed(0)} µs to open one entry (decode + mask)`)
  void kept.size
}

/**
 * Sign-in costs against the Sandbox (its own process): a cold client-credentials sign-in (discovery + token,
 * fresh process state), and the token work of a request whose token is cached (no network to the authority).
 */
async function signInCosts(): Promise<void> {
  const server = await startServerProcess('sandbox')
  const info = server.sandbox!
  const dir = mkdtempSync(join(tmpdir(), 'orgbench-bench-auth-'))
  const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'bench', log: { error: () => undefined } })
  const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, info)
  await services.environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: info.clientSecret } } })
  const cold: number[] = []
  for (let i = 0; i < 5; i++) {
    await services.auth.signOut(environment.id)
    const t = performance.now()
    await services.auth.signIn(environment.id)
    cold.push(performance.now() - t)
  }
  const tokenRequests = () => services.traffic.list().filter((e) => e.kind === 'token' || e.kind === 'discovery').length
  const before = tokenRequests()
  const N = 100_000
  for (let i = 0; i < 1000; i++) await services.auth.accessToken(environment.id)
  const t = performance.now()
  for (let i = 0; i < N; i++) await services.auth.accessToken(environment.id)
  const perCall = ((performance.now() - t) / N) * 1000
  const network = tokenRequests() - before
  console.log('sign-in against the Sandbox (its own process)')
  console.log(`  cold client-credentials sign-in:  median ${median(cold).toFixed(1)} ms  (5 runs: ${cold.map((c) => c.toFixed(0)).join(', ')} ms; discovery + token request + cache write)`)
  console.log(`  cached token for a request:       ${perCall.toFixed(2)} µs of token work per request, ${network} requests to the authority in ${N.toLocaleString('en')} calls  (target ≤ 1 ms, none)`)
  await services.close()
  server.close()
}

async function main(): Promise<void> {
  await executorOverhead()
  console.log('')
  captureCost()
  console.log('')
  await sandboxThroughput()
  console.log('')
  await signInCosts()
  console.log('')
  await schemaBench()
  console.log('')
  await collectionsBench()
  console.log('')
  await collectionsTreeBench()
  console.log('')
  await responseBodyBench()
  console.log('')
  await trafficBench()
  console.log('')
  await environmentsBench()
  console.log('')
  await cliBench()
}

void main()
