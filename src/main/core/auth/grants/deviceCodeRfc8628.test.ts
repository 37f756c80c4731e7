import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { DeviceCodeInfo } from '../../../../shared/auth'
import { TrafficLog } from '../../capture/trafficLog'
import { RequestExecutor } from '../../http/executor'
import { RecordingNetworkClient } from '../network'
import { deviceCodeRfc8628, sleep } from './deviceCodeRfc8628'
import { refreshTokenGrant } from './tokenEndpoint'

/**
 * A plain RFC 8628 authority on loopback: its device authorization answer has no `message` and (unless told) no
 * `interval`; its token endpoint answers the scripted errors one poll at a time, then a token.
 */
async function fakeAuthority(o: { script: Array<{ error: string; error_description?: string }>; device?: Record<string, unknown> }) {
  const polls: URLSearchParams[] = []
  const authorizations: URLSearchParams[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString('utf8')))
    req.on('end', () => {
      const form = new URLSearchParams(body)
      const send = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
      if (req.url === '/device_authorization') {
        authorizations.push(form)
        return send(200, { device_code: 'dev-code', user_code: 'WDJB-MJHT', verification_uri: 'http://127.0.0.1/device', expires_in: 600, ...o.device })
      }
      if (form.get('grant_type') === 'refresh_token') return send(200, { access_token: 'renewed', token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') })
      polls.push(form)
      const next = o.script[polls.length - 1]
      if (next) return send(400, next)
      send(200, { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1', scope: 'openid profile offline_access https://org/.default' })
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  servers.push(server)
  return { base, polls, authorizations }
}

const servers: http.Server[] = []
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const ACCESS_TOKEN = `${b64({ alg: 'RS256' })}.${b64({ sub: 'u-1', preferred_username: 'u@example.com' })}.sig`
afterEach(async () => {
  while (servers.length) await new Promise((ok) => servers.pop()!.close(ok))
})

function network(traffic = new TrafficLog()): RecordingNetworkClient {
  const client = new RecordingNetworkClient(new RequestExecutor(traffic))
  client.context = { signInId: 's1', grant: 'device_code', target: { environmentId: null, environmentName: null, caCertificatePem: '', variables: new Map() }, timeoutMs: 5000, tokenHeaders: [], lastError: null, lastOAuthError: null }
  return client
}

/** A clock that moves only when the flow waits: the waits are recorded, no time passes in the test. */
function fakeClock() {
  let now = 1_700_000_000_000
  const waits: number[] = []
  return { waits, now: () => now, sleep: async (ms: number) => void (waits.push(ms), (now += ms)) }
}

describe('device code per RFC 8628', () => {
  it('polls every 5 seconds when the answer has no interval, and 5 seconds slower after each slow_down', async () => {
    const authority = await fakeAuthority({ script: [{ error: 'authorization_pending' }, { error: 'authorization_pending' }, { error: 'slow_down' }, { error: 'authorization_pending' }, { error: 'slow_down' }] })
    const clock = fakeClock()
    const codes: DeviceCodeInfo[] = []
    const result = await deviceCodeRfc8628({ network: network(), deviceAuthorizationEndpoint: `${authority.base}/device_authorization`, tokenEndpoint: `${authority.base}/token`, clientId: 'c1', scopes: ['https://org/.default'], signal: new AbortController().signal, onCode: (c) => codes.push(c), ...clock })
    expect(clock.waits).toEqual([5000, 5000, 5000, 10000, 10000, 15000])
    expect(authority.polls).toHaveLength(6)
    expect(authority.polls[0]!.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:device_code')
    expect(authority.polls[0]!.get('device_code')).toBe('dev-code')
    expect(authority.authorizations[0]!.get('scope')).toBe('https://org/.default openid profile offline_access')
    expect(result).toMatchObject({ accessToken: ACCESS_TOKEN, refreshToken: 'rt-1', account: { username: 'u@example.com' } })
    // No message from the authority: one is composed from user_code and verification_uri.
    expect(codes).toEqual([{ userCode: 'WDJB-MJHT', verificationUri: 'http://127.0.0.1/device', verificationUriComplete: null, message: expect.stringMatching(/open http:\/\/127\.0\.0\.1\/device .*enter the code WDJB-MJHT/), expiresAt: Math.floor((clock.now() - 50_000 + 600_000) / 1000) }])
  })

  it('uses the interval, verification_uri_complete and message the authority sends', async () => {
    const authority = await fakeAuthority({ script: [{ error: 'authorization_pending' }], device: { interval: '2', verification_uri_complete: 'http://127.0.0.1/device?user_code=WDJB-MJHT' } })
    const clock = fakeClock()
    const codes: DeviceCodeInfo[] = []
    await deviceCodeRfc8628({ network: network(), deviceAuthorizationEndpoint: `${authority.base}/device_authorization`, tokenEndpoint: `${authority.base}/token`, clientId: 'c1', scopes: [], signal: new AbortController().signal, onCode: (c) => codes.push(c), ...clock })
    expect(clock.waits).toEqual([2000, 2000])
    expect(codes[0]).toMatchObject({ verificationUriComplete: 'http://127.0.0.1/device?user_code=WDJB-MJHT', message: expect.stringContaining('Or open http://127.0.0.1/device?user_code=WDJB-MJHT') })
  })

  it('stops when the code expires, and explains a refusal with the authority\'s words', async () => {
    const pending = Array.from({ length: 50 }, () => ({ error: 'authorization_pending' }))
    const expiring = await fakeAuthority({ script: pending, device: { expires_in: 12 } })
    const clock = fakeClock()
    const run = (base: string, c = clock) => deviceCodeRfc8628({ network: network(), deviceAuthorizationEndpoint: `${base}/device_authorization`, tokenEndpoint: `${base}/token`, clientId: 'c1', scopes: [], signal: new AbortController().signal, onCode: () => undefined, ...c })
    await expect(run(expiring.base)).rejects.toMatchObject({ code: 'sign_in_failed', message: expect.stringContaining('Device code expired'), detail: { explanation: { code: 'expired_token' } } })
    expect(clock.waits).toEqual([5000, 5000])

    const declined = await fakeAuthority({ script: [{ error: 'access_denied', error_description: 'The end-user denied the authorization request.' }] })
    await expect(run(declined.base, fakeClock())).rejects.toMatchObject({ message: 'Access denied: The end-user denied the authorization request.', detail: { explanation: { code: 'access_denied', fix: expect.stringContaining('accept') } } })
  })

  it('is cancelled while it waits', async () => {
    const authority = await fakeAuthority({ script: Array.from({ length: 50 }, () => ({ error: 'authorization_pending' })) })
    const controller = new AbortController()
    const started = Date.now()
    const flow = deviceCodeRfc8628({ network: network(), deviceAuthorizationEndpoint: `${authority.base}/device_authorization`, tokenEndpoint: `${authority.base}/token`, clientId: 'c1', scopes: [], signal: controller.signal, onCode: () => setTimeout(() => controller.abort(), 50), sleep })
    await expect(flow).rejects.toMatchObject({ cancelled: true })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(authority.polls).toHaveLength(0)
  })

  it('records its requests in the traffic log, and renews with the refresh_token grant (keeping a refresh token the authority did not rotate)', async () => {
    const authority = await fakeAuthority({ script: [] })
    const traffic = new TrafficLog()
    const client = network(traffic)
    await deviceCodeRfc8628({ network: client, deviceAuthorizationEndpoint: `${authority.base}/device_authorization`, tokenEndpoint: `${authority.base}/token`, clientId: 'c1', scopes: [], signal: new AbortController().signal, onCode: () => undefined, ...fakeClock() })
    expect(traffic.list().map((e) => [e.kind, new URL(e.url).pathname, e.signInId])).toEqual([
      ['token', '/device_authorization', 's1'],
      ['token', '/token', 's1']
    ])
    const renewed = await refreshTokenGrant({ network: client, tokenEndpoint: `${authority.base}/token`, clientId: 'c1', refreshToken: 'rt-1', scopes: ['https://org/.default'] })
    expect(renewed).toMatchObject({ accessToken: 'renewed', refreshToken: 'rt-1', scopes: ['https://org/.default', 'openid', 'profile', 'offline_access'] })
  })
})
