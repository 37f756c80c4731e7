/**
 * Issue 13 §5, end to end: with secret variables and secret profile fields in use, requests carrying the resolved
 * secrets in their URL, headers and bodies larger than the capture's inline limit, and sign-ins that store tokens,
 * no file in the data dir holds a secret in plain text (nor URL-, JSON-, hex- or base64-encoded), while the app runs,
 * after it closes, and after it starts again; and nothing of a crashed run (capture files, temporary files) survives a start.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSandboxEnvironment } from '../sandbox/environment'
import { startSandbox, type SandboxHarness } from '../testing/sandbox'
import { findSecrets, listFiles } from '../testing/scan'
import { useTempDir } from '../testing/tempDir'
import { startHttpServer, type TestServer } from '../testing/testServer'
import { createRouter } from './router'
import { Services } from './services'
import { keyFileSecretBox } from './store/secretBox'

let sb: SandboxHarness
let web: TestServer
beforeAll(async () => {
  // The Sandbox plays a remote org: its own seed (demo credentials in plain text, by design) lives in its own folder.
  ;[sb, web] = await Promise.all([startSandbox(), startHttpServer()])
})
afterAll(async () => {
  await Promise.all([sb.stop(), web.close()])
})

const tempDir = useTempDir()
const MB = 1024 * 1024
const open = (dir: string) => new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 't', log: { error: (m, e) => console.error(m, e) } })
const TEMP_FILE = /\.tmp$/

describe('nothing secret is left behind', () => {
  it('no secret in any file of the data dir, in any encoding, while running, after close and after a restart; no crash leftovers after a start', async () => {
    const dir = tempDir()
    const unique = () => randomBytes(9).toString('base64url')
    const secrets: Record<string, string> = {
      apiKey: `ak-${unique()}+/=&é`,
      headerToken: `ht-${unique()}`,
      bodySecret: `bs-${unique()}`,
      basicPassword: `bp-${unique()}`,
      clientSecret: sb.info.clientSecret,
      userPassword: sb.info.password
    }

    // Secret variables and a secret profile field (client credentials) in the Sandbox environment; a second
    // environment signs in with a password (a secret profile field) and gets a refresh token.
    let services = open(dir)
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    const envId = environment.id
    await services.environments.update(envId, {
      ...environment,
      auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } },
      variables: [
        ...environment.variables,
        { key: 'apiKey', value: secrets.apiKey, secret: true, isSet: true, enabled: true },
        { key: 'headerToken', value: secrets.headerToken, secret: true, isSet: true, enabled: true },
        { key: 'bodySecret', value: secrets.bodySecret, secret: true, isSet: true, enabled: true },
        { key: 'basic', value: Buffer.from(`me:${secrets.basicPassword}`).toString('base64'), secret: true, isSet: true, enabled: true }
      ]
    })
    const ropc = await services.environments.create({
      name: 'Password',
      orgUrl: sb.info.orgUrl,
      cloud: 'custom',
      authorityUrl: sb.info.authority,
      caCertificatePem: sb.info.caCertificatePem,
      auth: { grant: 'password', clientId: sb.info.clients.public, scopes: '', username: sb.info.user, password: { isSet: true, value: sb.info.password } }
    })
    await services.swept

    // Sign-ins: tokens, a refresh token and an id token go to the (encrypted) cache.
    await services.auth.signIn(envId)
    await services.auth.signIn(ropc.id)
    for (const entry of services.traffic.list().filter((e) => e.kind === 'token')) {
      const body = JSON.parse(services.traffic.get(entry.id, true)!.responseBody!.text) as Record<string, unknown>
      for (const field of ['access_token', 'refresh_token', 'id_token']) {
        if (typeof body[field] !== 'string') continue
        secrets[`${field} ${entry.id}`] = body[field] as string
        // A JWT's payload alone is also the token's secret part.
        const payload = (body[field] as string).split('.')[1]
        if (payload) secrets[`${field} payload ${entry.id}`] = payload
      }
    }
    expect(Object.keys(secrets).filter((k) => k.startsWith('refresh_token')).length).toBeGreaterThan(0)

    // Requests with the resolved secrets in the URL, headers and bodies, two of them past 1 MB both ways.
    const pad = 'p'.repeat(2 * MB)
    const sends = async (s: Services, round: string) => {
      const echo = await s.sendRequest(`${round}-1`, envId, {
        method: 'GET',
        url: `${web.url}/echo?key={{apiKey}}`,
        headers: [
          { key: 'X-Api-Key', value: '{{apiKey}}', enabled: true },
          { key: 'Authorization', value: 'Bearer {{headerToken}}', enabled: true },
          { key: 'Proxy-Authorization', value: 'Basic {{basic}}', enabled: true }
        ]
      })
      expect(echo.body.text).toContain(`"x-api-key":"${secrets.apiKey}"`)
      expect(echo.body.text).toContain(secrets.headerToken)
      const big = await s.sendRequest(`${round}-2`, envId, {
        method: 'POST',
        url: `${web.url}/echo`,
        headers: [{ key: 'Content-Type', value: 'application/json', enabled: true }],
        body: `{"secret":"{{bodySecret}}","pad":"${pad}","again":"{{bodySecret}}","key":"{{apiKey}}"}`
      })
      expect(big.body.size).toBeGreaterThan(2 * MB)
      expect((await s.sendRequest(`${round}-3`, envId, { method: 'GET', url: `${web.url}/big?size=${3 * MB}` })).body.size).toBe(3 * MB)
      expect((await s.sendRequest(`${round}-4`, envId, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
      expect((await s.sendRequest(`${round}-5`, ropc.id, { method: 'GET', url: '{{webApiUrl}}/WhoAmI' })).status).toBe(200)
      await s.traffic.settled()
    }
    await sends(services, 'first')

    const scan = (when: string) => {
      const found = findSecrets(dir, secrets).map((f) => `${relative(dir, f.file)}: ${f.secret} (${f.form})`)
      expect(found, when).toEqual([])
    }
    const captureFiles = () => listFiles(join(dir, 'capture'))
    // The large bodies are on disk (request and response of the big echo, the 3 MB answer) and readable whole.
    expect(captureFiles().length).toBeGreaterThanOrEqual(3)
    scan('while running')
    const bigEntry = services.traffic.list().find((e) => e.method === 'POST' && e.url.endsWith('/echo'))!
    const whole = await createRouter(services).invoke('traffic.get', { id: bigEntry.id, reveal: true, whole: true })
    expect(Buffer.byteLength(whole.requestBody!.text)).toBe(whole.requestBody!.size)
    expect(whole.requestBody!.text.endsWith(`"again":"${secrets.bodySecret}","key":"${secrets.apiKey}"}`)).toBe(true)
    expect(whole.responseBody).toMatchObject({ truncated: false, spilled: true })

    await services.close()
    expect(captureFiles(), 'spilled bodies are deleted at close').toEqual([])
    scan('after close')

    // What a crash leaves: the capture folder of a process that is gone, spills of an earlier build, interrupted writes.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    mkdirSync(join(dir, 'capture', `${dead}-0badf00d-00000001`), { recursive: true })
    writeFileSync(join(dir, 'capture', `${dead}-0badf00d-00000001`, 'x.response'), randomBytes(64))
    writeFileSync(join(dir, 'capture', '7f0c8a52-0000-4000-8000-000000000000.response.body'), 'a plain body of an earlier build')
    writeFileSync(join(dir, 'environments', `.${envId}.json.${dead}-0badf00d-00000002.tmp`), '{"half": ')
    writeFileSync(join(dir, 'tokens', `.x.bin.${dead}-0badf00d-00000003.tmp`), 'v1:half')

    // Restart: the tokens come back from the encrypted cache, and the same traffic again.
    services = open(dir)
    await services.swept
    expect(captureFiles()).toEqual([])
    expect(listFiles(dir).filter((f) => TEMP_FILE.test(f))).toEqual([])
    expect(await services.auth.status(ropc.id)).toMatchObject({ account: { username: sb.info.user } })
    await sends(services, 'second')
    scan('after a restart')
    await services.close()
    scan('after the second close')
    expect(readdirSync(join(dir, 'capture'))).toEqual([])
    expect(listFiles(dir).filter((f) => TEMP_FILE.test(f))).toEqual([])
  }, 60_000)
})
