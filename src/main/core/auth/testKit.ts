/**
 * The sign-in tests' kit: one Sandbox per test file, a fresh data folder and Services per case, the Sandbox's two
 * authority shapes, and the person at the browser or the device page.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { importPKCS8, SignJWT } from 'jose'
import { afterAll, beforeAll, expect } from 'vitest'
import type { SignInProgress } from '../../../shared/auth'
import { ensureSandboxEnvironment } from '../../sandbox/environment'
import { browserRobot, startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { useTempDir } from '../../testing/tempDir'
import { Services } from '../services'
import { keyFileSecretBox } from '../store/secretBox'
import { certificateThumbprints } from '../tls/certificates'

/** The Sandbox's two authorities: Entra-shaped (`/<tenant>`, msal's AAD mode) and standards-only OpenID Connect (`/oidc`). */
export interface Shape {
  name: string
  entra: boolean
  authority(): string
  tokenEndpoint(): string
  authorizeEndpoint(): string
}

/** A request's endpoint without its query (msal adds `?client-request-id=…` at Entra). */
export const endpoint = (url: string) => url.split('?')[0]

export function useSignInSandbox() {
  let sb!: SandboxHarness
  beforeAll(async () => {
    sb = await startSandbox({ seedOverrides: { deviceCodeIntervalSeconds: 1 } })
  })
  afterAll(() => sb.stop())
  const tempDir = useTempDir()

  const SHAPES: Shape[] = [
    { name: 'Entra-shaped', entra: true, authority: () => sb.info.authority, tokenEndpoint: () => `${sb.info.authority}/oauth2/v2.0/token`, authorizeEndpoint: () => `${sb.info.pagesUrl}/${sb.info.tenantId}/oauth2/v2.0/authorize` },
    { name: 'standards-only OpenID Connect', entra: false, authority: () => sb.info.oidcAuthority, tokenEndpoint: () => `${sb.info.oidcAuthority}/token`, authorizeEndpoint: () => `${sb.info.pagesUrl}/oidc/authorize` }
  ]

  async function setup(auth: Record<string, unknown>, options: { user?: string; password?: string; timeoutMs?: number; shape?: Shape } = {}) {
    const dir = tempDir()
    const robot = browserRobot(sb, options.user, options.password)
    const progress: SignInProgress[] = []
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'test', log: { error: () => undefined }, openBrowser: robot.open, interactiveTimeoutMs: options.timeoutMs ?? 10_000 })
    services.events.on('auth.progress', (p) => progress.push(p))
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await services.environments.update(environment.id, { ...environment, authorityUrl: (options.shape ?? SHAPES[0]!).authority(), auth })
    return { dir, services, envId: environment.id, robot, progress }
  }

  async function signedAssertion(audience: string, times: { nbf: number; exp: number } = { nbf: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 }): Promise<string> {
    const key = await importPKCS8(readFileSync(sb.info.privateKeyFile, 'utf8'), 'RS256')
    return new SignJWT({ iss: sb.info.clients.certificate, sub: sb.info.clients.certificate, aud: audience, jti: randomUUID(), ...times })
      .setProtectedHeader({ alg: 'RS256', x5t: certificateThumbprints(readFileSync(sb.info.certificateFile, 'utf8')).x5t })
      .sign(key)
  }

  /** Renew the environment's token without anyone: a new token, through the refresh_token grant at this authority's token endpoint. */
  async function expectSilentRefresh(services: Services, envId: string, shape: Shape, grant: string): Promise<void> {
    const first = await services.auth.accessToken(envId)
    const refreshed = await services.auth.accessToken(envId, { forceRefresh: true })
    expect(refreshed).not.toBe(first)
    const entry = services.traffic.list().filter((e) => e.kind === 'token').at(-1)!
    expect({ ...entry, url: endpoint(entry.url) }).toMatchObject({ url: shape.tokenEndpoint(), grant: `${grant} (refresh)`, status: 200 })
    expect(services.traffic.get(entry.id, true)!.requestBody!.text).toContain('grant_type=refresh_token')
    expect((await services.sendRequest('r-refreshed', envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
  }

  /** The person at the device page: enter the code, then sign in. */
  async function approveDeviceCode(verificationUri: string, userCode: string): Promise<void> {
    const page = await sb.send('POST', verificationUri, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `user_code=${userCode}` })
    const flow = /name="flow" value="([^"]+)"/.exec(page.text)?.[1]
    if (!flow) throw new Error(`The device page did not accept the code: ${page.text.slice(0, 300)}`)
    await sb.send('POST', verificationUri, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ flow, username: sb.info.user, password: sb.info.password, consent: 'accept', action: 'accept' }).toString() })
  }

  return {
    /** The running Sandbox (set once the file's beforeAll has run). */
    get sb(): SandboxHarness {
      return sb
    },
    tempDir,
    SHAPES,
    setup,
    signedAssertion,
    expectSilentRefresh,
    approveDeviceCode
  }
}

export async function deviceCodeShown(progress: SignInProgress[]): Promise<NonNullable<SignInProgress['deviceCode']>> {
  for (let i = 0; i < 100; i++) {
    const code = progress.find((p) => p.deviceCode)?.deviceCode
    if (code) return code
    await new Promise((ok) => setTimeout(ok, 50))
  }
  throw new Error('No device code was shown.')
}
