import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOSTILE_TARGETS, malformedCorpus, rawExchange, runCases, type RawAnswer, type RawEndpoint } from '../testing/rawHttp'
import { startSandbox, type SandboxHarness } from '../testing/sandbox'

// Short limits so slow clients are cut within the test's time; the defaults are the product's.
const LIMITS = { headersTimeoutMs: 800, requestTimeoutMs: 1500, keepAliveTimeoutMs: 500, idleTimeoutMs: 3000, handshakeTimeoutMs: 800 }
const SEED = Number(process.env.FUZZ_SEED ?? 20261121)
const RANDOM = 150

let sb: SandboxHarness
let https: RawEndpoint
let pages: RawEndpoint
const uncaught: unknown[] = []
const onUncaught = (error: unknown): void => void uncaught.push(error)

beforeAll(async () => {
  process.on('uncaughtException', onUncaught)
  sb = await startSandbox({ limits: LIMITS })
  https = { port: Number(new URL(sb.info.orgUrl).port), ca: sb.info.caCertificatePem }
  pages = { port: Number(new URL(sb.info.pagesUrl).port) }
})
afterAll(async () => {
  process.off('uncaughtException', onUncaught)
  await sb.stop()
})

const good = (endpoint: RawEndpoint, path: string) => rawExchange(endpoint, [`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${endpoint.port}\r\nConnection: close\r\n\r\n`])

/**
 * Never a 5xx, never left hanging: an answer or a close. A known-malformed request (`refused`) is answered 4xx or closed;
 * a random mutation may happen to be a valid request and get any answer below 500.
 */
function expectSurvived(answer: RawAnswer, name: string, refused = true): void {
  expect(answer.timedOut, `${name}: no answer and no close`).toBe(false)
  if (answer.status === null) return
  const line = `${name}: ${answer.head.split('\r\n')[0]}`
  expect(answer.status, line).toBeLessThan(500)
  if (refused) expect(answer.status, line).toBeGreaterThanOrEqual(400)
}

describe('the Sandbox pages port (plain HTTP)', () => {
  // "//" and "//[" are valid paths (empty segments; WHATWG clients send "[" unencoded) that are not sign-in pages; the rest is malformed.
  it.each([['//', 404], ['//[', 404], ['http://[::1', 400], ['http://%zz/', 400], ['http://a:99999/', 400]])('answers the target %j with %i and keeps serving (issue 13: it killed the process)', async (target, status) => {
    const answer = await rawExchange(pages, [`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${pages.port}\r\nConnection: close\r\n\r\n`])
    expect(answer.status).toBe(status)
    expect(answer.head).toMatch(/content-type: text\/plain/i)
    expect(answer.body.trim().length).toBeGreaterThan(10)
    expect((await good(pages, '/devicelogin')).status).toBe(200)
    expect(uncaught).toEqual([])
  })

  it(`survives the malformed corpus (seed ${SEED}, ${RANDOM} random cases) and answers a good request after each batch`, async () => {
    const cases = malformedCorpus(`127.0.0.1:${pages.port}`, SEED, RANDOM)
    for (let i = 0; i < cases.length; i += 40) {
      const batch = cases.slice(i, i + 40)
      const answers = await runCases(pages, batch, 8, 4000)
      answers.forEach((a, j) => expectSurvived(a, batch[j]!.name, i + j < cases.length - RANDOM))
      expect((await good(pages, '/devicelogin')).status).toBe(200)
    }
    expect(uncaught).toEqual([])
  }, 60_000)
})

describe('the Sandbox HTTPS port', () => {
  it('reads // as a path, not as another host', async () => {
    const answer = await good(https, `//evil.example/${sb.info.tenantId}/v2.0/.well-known/openid-configuration`)
    expect(answer.status).toBe(404)
    expect(answer.body).toContain('Nothing is served at //evil.example/')
  })

  const shown = HOSTILE_TARGETS.map((t) => [t.length > 40 ? `${t.slice(0, 30)}… (${t.length} characters)` : t, t] as const)
  it.each(shown)('answers 4xx to the target %j', async (_shown, target) => {
    const answer = await rawExchange(https, [`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${https.port}\r\nConnection: close\r\n\r\n`])
    expectSurvived(answer, target)
    expect(answer.status).not.toBeNull()
  })

  it(`survives the malformed corpus over TLS (seed ${SEED}, ${RANDOM} random cases) and plaintext to its TLS port`, async () => {
    const cases = malformedCorpus(`127.0.0.1:${https.port}`, SEED + 1, RANDOM)
    for (let i = 0; i < cases.length; i += 40) {
      const batch = cases.slice(i, i + 40)
      const answers = await runCases(https, batch, 8, 4000)
      answers.forEach((a, j) => expectSurvived(a, batch[j]!.name, i + j < cases.length - RANDOM))
      expect((await sb.api('GET', '/WhoAmI', await sb.appToken())).status).toBe(200)
    }
    const plain = await runCases({ port: https.port }, malformedCorpus(`127.0.0.1:${https.port}`, SEED + 2, 0).slice(0, 30), 8, 4000)
    for (const a of plain) expect(a.timedOut).toBe(false)
    expect((await sb.api('GET', '/WhoAmI', await sb.appToken())).status).toBe(200)
    expect(uncaught).toEqual([])
  }, 60_000)
})

describe('limits on both ports', () => {
  it.each(['https', 'pages'] as const)('%s: a too large declared body answers 413, a huge header 431, an overlong target 414', async (which) => {
    const endpoint = which === 'https' ? https : pages
    const host = `127.0.0.1:${endpoint.port}`
    const path = which === 'https' ? `/${sb.info.tenantId}/oauth2/v2.0/token` : `/${sb.info.tenantId}/oauth2/v2.0/authorize`
    const big = await rawExchange(endpoint, [`POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\nabc`])
    expect(big.status).toBe(413)
    // The HTTPS port's headers may carry a 32 KiB URL on top of the usual 16 KiB.
    const header = await rawExchange(endpoint, [`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat((which === 'https' ? 52 : 20) * 1024)}\r\n\r\n`])
    expect(header.status).toBe(431)
    const long = await rawExchange(endpoint, [`GET /${'a'.repeat(which === 'https' ? 33_000 : 9000)} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`])
    expect(long.status).toBe(414)
  })

  it('https: a Web API URL up to Dataverse\'s 32 KiB limit is served (the pages port keeps 8 KiB)', async () => {
    const token = await sb.appToken()
    const filter = (length: number) => `/api/data/v9.2/accounts?$select=name&$filter=${encodeURIComponent(`name eq '${'x'.repeat(length)}'`)}`
    const target = filter(30_000)
    expect(target.length).toBeGreaterThan(30_000)
    expect(target.length).toBeLessThanOrEqual(32_768)
    const answer = await rawExchange(https, [`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${https.port}\r\nAuthorization: Bearer ${token}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`])
    expect(answer.status, answer.head.split('\r\n')[0]).toBe(200)
    expect(answer.body).toContain('"value":[]')
    const pagesLong = await rawExchange(pages, [`GET /devicelogin?x=${'a'.repeat(12_000)} HTTP/1.1\r\nHost: 127.0.0.1:${pages.port}\r\nConnection: close\r\n\r\n`])
    expect(pagesLong.status).toBe(414)
  })

  it.each(['https', 'pages'] as const)('%s: slow clients (slowloris) are cut after the headers timeout while others are served', async (which) => {
    const endpoint = which === 'https' ? https : pages
    // Ten connections that send one header byte every 100 ms and would never finish.
    const drip: Array<string | number> = [`GET / HTTP/1.1\r\nHost: 127.0.0.1:${endpoint.port}\r\n`]
    for (let i = 0; i < 60; i++) drip.push(100, 'X')
    const slow = Array.from({ length: 10 }, () => rawExchange(endpoint, drip, 5000))
    await new Promise((resolve) => setTimeout(resolve, 200))
    const t0 = performance.now()
    expect((await good(endpoint, which === 'https' ? '/nothing' : '/devicelogin')).status).toBeLessThan(500)
    expect(performance.now() - t0).toBeLessThan(1000)
    for (const answer of await Promise.all(slow)) {
      expect(answer.timedOut).toBe(false)
      expect(answer.status === 408 || (answer.status === null && answer.closed), answer.head).toBe(true)
      expect(answer.elapsedMs).toBeLessThan(LIMITS.headersTimeoutMs + 1500)
    }
    // A connection that sends nothing at all is closed too.
    const silent = await rawExchange(endpoint, [], 6000)
    expect(silent.timedOut).toBe(false)
    expect(silent.status === 408 || (silent.status === null && silent.closed), silent.head).toBe(true)
    expect(silent.elapsedMs).toBeLessThan(LIMITS.idleTimeoutMs + 1500)
    if (which === 'https') {
      // TCP only, never a ClientHello: the TLS handshake timeout ends it.
      const noHandshake = await rawExchange({ port: https.port }, [], 6000)
      expect(noHandshake.closed).toBe(true)
      expect(noHandshake.elapsedMs).toBeLessThan(LIMITS.handshakeTimeoutMs + 1000)
    }
  }, 20_000)
})
