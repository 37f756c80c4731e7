import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { authority, AUTHORITIES, expectError, type AuthorityKind } from './testAuthorities'

let sb: SandboxHarness
let clock = Date.now()
beforeAll(async () => {
  sb = await startSandbox({ now: () => clock, seedOverrides: { deviceCodeIntervalSeconds: 1 } })
})
afterAll(() => sb.stop())

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

interface Started {
  device_code: string
  user_code: string
  verification_uri: string
  verification_uri_complete?: string
  interval?: number
  message?: string
}

describe.each(AUTHORITIES)('device code (%s)', (kind) => {
  const a = () => authority(sb, kind)
  const start = async (scope = `${sb.info.orgUrl}/.default offline_access`) => (await a().startDevice({ client_id: sb.info.clients.public, scope })).json<Started>()
  const poll = (device_code: string, at = a()) => at.token({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: sb.info.clients.public, device_code })

  /** A person at the device page: enter the code, then sign in (or cancel) on the page it shows. */
  async function approve(userCode: string, action: 'accept' | 'cancel' = 'accept', page = a().devicePageUrl) {
    const entered = await sb.send('POST', page, { headers: FORM, body: new URLSearchParams({ user_code: userCode }).toString() })
    const flow = /name="flow" value="([^"]+)"/.exec(entered.text)?.[1]
    if (!flow) return entered
    return sb.send('POST', page, { headers: FORM, body: new URLSearchParams({ flow, username: sb.info.user, password: sb.info.password, consent: 'accept', action }).toString() })
  }

  it('starts with the answer the authority documents: Entra\'s message and interval, RFC 8628 with neither', async () => {
    const d = await start()
    expect(d.verification_uri).toBe(a().devicePageUrl)
    if (kind === 'entra') {
      expect(d).toMatchObject({ interval: 1, message: expect.stringContaining(d.user_code), expires_in: 900 })
    } else {
      expect(Object.keys(d).sort()).toEqual(['device_code', 'expires_in', 'user_code', 'verification_uri', 'verification_uri_complete'])
      expect(d.verification_uri_complete).toBe(`${a().devicePageUrl}?user_code=${d.user_code}`)
      const page = await sb.send('GET', d.verification_uri_complete!)
      expect(page.text).toContain(`value="${d.user_code}"`)
      expect(page.text).not.toContain('AADSTS')
    }
  })

  it('is pending, then slow_down when polled too fast, then issues tokens once approved on the device page', async () => {
    const d = await start()
    expectError(kind, await poll(d.device_code), { error: 'authorization_pending', aadsts: 70016 })
    expectError(kind, await poll(d.device_code), { error: 'slow_down', aadsts: 70016 })
    const done = await approve(d.user_code)
    expect(done.text).toContain('You have signed in')
    expect(done.headers['set-cookie']).toMatch(/^orgbench_sandbox_session_/)
    const r = await poll(d.device_code)
    expect(r.status).toBe(200)
    const body = r.json<{ access_token: string; refresh_token: string }>()
    expect(decodeJwt(body.access_token)).toMatchObject({ iss: a().issuer, aud: sb.info.orgUrl })
    expect(body.refresh_token).toBeTruthy()
    expect((await sb.api('GET', '/WhoAmI', body.access_token)).status).toBe(200)
    expectError(kind, await poll(d.device_code), { error: 'bad_verification_code', aadsts: 70000, oidcError: 'invalid_grant' })
  })

  it('after slow_down, expects 5 seconds more between polls (RFC 8628 §3.5)', async () => {
    const d = await start()
    await poll(d.device_code)
    expectError(kind, await poll(d.device_code), { error: 'slow_down', aadsts: 70016 })
    clock += 2_000
    expectError(kind, await poll(d.device_code), { error: 'slow_down', aadsts: 70016 })
    clock += 12_000
    expectError(kind, await poll(d.device_code), { error: 'authorization_pending', aadsts: 70016 })
    clock = Date.now()
  })

  it('gives no refresh token without offline_access', async () => {
    const d = await start(`${sb.info.orgUrl}/.default`)
    await approve(d.user_code)
    const body = (await poll(d.device_code)).json<Record<string, unknown>>()
    expect(body.access_token).toBeTruthy()
    expect(body).not.toHaveProperty('refresh_token')
  })

  it('expires (expired_token), declines, and knows no other code', async () => {
    const expired = await start()
    clock += 16 * 60_000
    try {
      expectError(kind, await poll(expired.device_code), { error: 'expired_token', aadsts: 70019 })
    } finally {
      clock = Date.now()
    }
    const declined = await start()
    const cancelled = await approve(declined.user_code, 'cancel')
    expect(cancelled.text).toContain('Sign-in cancelled')
    expectError(kind, await poll(declined.device_code), { error: 'authorization_declined', aadsts: 65004, oidcError: 'access_denied' })
    expectError(kind, await poll('not-a-device-code'), { error: 'bad_verification_code', aadsts: 70000, oidcError: 'invalid_grant' })
  })

  it('does not accept the other authority\'s device or user codes', async () => {
    const other: AuthorityKind = kind === 'entra' ? 'oidc' : 'entra'
    const d = await start()
    expectError(other, await poll(d.device_code, authority(sb, other)), { error: 'bad_verification_code', aadsts: 70000, oidcError: 'invalid_grant' })
    const page = await approve(d.user_code, 'accept', authority(sb, other).devicePageUrl)
    expect(page.status).toBe(400)
    expect(page.text).toMatch(/That code didn(&#39;|')t work/)
  })

  it('shows a wrong code on the page in the authority\'s words', async () => {
    const wrong = await sb.send('POST', a().devicePageUrl, { headers: FORM, body: 'user_code=NOPE1234' })
    expect(wrong.status).toBe(400)
    if (kind === 'entra') expect(wrong.text).toContain('AADSTS70018')
    else {
      expect(wrong.text).toMatch(/That code didn(&#39;|')t work/)
      expect(wrong.text).not.toContain('AADSTS')
    }
  })

  it('refuses a client without public client flows', async () => {
    const r = await a().startDevice({ client_id: '0b5c6f4e-1a2b-4c3d-8e9f-000000000004', scope: `${sb.info.orgUrl}/.default` })
    expectError(kind, r, { error: 'invalid_client', aadsts: 7000218, oidcError: 'unauthorized_client' })
  })
})

describe('Entra v1 device code', () => {
  it('takes resource= and answers with v1\'s verification_url and string numbers', async () => {
    const r = await sb.send('POST', `${sb.info.authority}/oauth2/devicecode`, { headers: FORM, body: new URLSearchParams({ client_id: sb.info.clients.public, resource: sb.info.orgUrl }).toString() })
    expect(r.json()).toMatchObject({ verification_url: `${sb.info.pagesUrl}/devicelogin`, interval: '1', expires_in: '900', message: expect.any(String) })
  })
})
