import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli'
import { EnvironmentStore } from './core/store/environments'
import { keyFileSecretBox } from './core/store/secretBox'
import { SettingsStore } from './core/store/settings'
import { ensureSandboxEnvironment } from './sandbox/environment'
import { browserRobot, startSandbox } from './testing/sandbox'
import { startHttpServer, type TestServer } from './testing/testServer'
import { readAllFiles, useTempDir } from './testing/tempDir'

const tempDir = useTempDir()
let server: TestServer
beforeAll(async () => {
  server = await startHttpServer()
})
afterAll(() => server.close())

/** A running Sandbox and a data folder with its environment, for the sign-in commands. */
async function sandboxEnvironment() {
  const dir = tempDir()
  const sb = await startSandbox()
  const environments = new EnvironmentStore(dir, keyFileSecretBox(dir))
  const { environment } = await ensureSandboxEnvironment(environments, new SettingsStore(dir), sb.info)
  return { dir, sb, environments, environment }
}

async function cli(args: string[], stdin = '', untilStopped?: (output: () => string) => Promise<void>) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => stdin, env: {}, ...(untilStopped ? { untilStopped: () => untilStopped(() => stdout) } : {}) })
  return { code, stdout, stderr }
}

const ENV_FILE = (base: string) => ({
  orgbench: 'environment',
  schemaVersion: 1,
  name: 'Local',
  orgUrl: 'https://local.crm.dynamics.com',
  variables: [
    { key: 'base', value: base },
    { key: 'token', value: 'tok-123-secret', secret: true }
  ]
})

describe('orgbench CLI', () => {
  it('prints help for every command and exits 0', async () => {
    for (const args of [['--help'], ['env', '--help'], ['request', '--help'], ['help']]) {
      const r = await cli(args)
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stdout).toContain('Usage')
    }
    expect((await cli(['--version'])).stdout).toMatch(/^orgbench \d+\.\d+\.\d+/)
  })

  it('exits 2 with the reason for usage errors', async () => {
    const dir = tempDir()
    expect(await cli([])).toMatchObject({ code: 2 })
    expect(await cli(['--data-dir', dir, 'frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "frobnicate"') })
    expect(await cli(['--data-dir', dir, 'env', 'list', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") })
    expect(await cli(['--data-dir', dir, 'request', 'FETCH', 'http://x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown method "FETCH"') })
    expect(await cli(['--data-dir', dir, 'request', 'GET', 'http://x', '-H', 'NoColon'])).toMatchObject({ code: 2, stderr: expect.stringContaining("must look like 'Name: value'") })
    expect(await cli(['--data-dir', dir, 'request', 'GET', 'http://x', '--timeout', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('positive whole number') })
  })

  it('imports, lists, shows and exports environments; secrets stay secret', async () => {
    const dir = tempDir()
    const file = join(dir, 'local.json')
    writeFileSync(file, JSON.stringify(ENV_FILE(server.url)))
    expect(await cli(['--data-dir', dir, 'env', 'import', file])).toMatchObject({ code: 0, stdout: expect.stringContaining('Imported environment "Local"') })
    expect(await cli(['--data-dir', dir, 'env', 'import', file])).toMatchObject({ code: 0, stdout: expect.stringContaining('Replaced') })
    for (const { file: f, text } of readAllFiles(join(dir, 'environments'))) expect(text, f).not.toContain('tok-123-secret')

    const list = await cli(['--data-dir', dir, 'env', 'list'])
    expect(list.stdout).toMatch(/NAME\s+ORG URL\s+GRANT\nLocal\s+https:\/\/local\.crm\.dynamics\.com\s+none/)
    expect(JSON.parse((await cli(['--data-dir', dir, 'env', 'list', '--json'])).stdout)).toEqual([expect.objectContaining({ name: 'Local', grant: 'none' })])

    const show = await cli(['--data-dir', dir, 'env', 'show', 'local'])
    expect(show.stdout).toContain('token = •••••• (secret)')
    expect(show.stdout).not.toContain('tok-123-secret')

    const exported = await cli(['--data-dir', dir, 'env', 'export', 'Local'])
    expect(JSON.parse(exported.stdout).variables).toContainEqual({ key: 'token', value: null, secret: true, enabled: true })
    const out = join(dir, 'out.json')
    expect(await cli(['--data-dir', dir, 'env', 'export', 'Local', '--include-secrets', '-o', out])).toMatchObject({ code: 0, stderr: expect.stringContaining('contains secrets') })
    expect(JSON.parse(readFileSync(out, 'utf8')).variables[1].value).toBe('tok-123-secret')
  })

  it('imports from stdin and reports invalid files clearly', async () => {
    const dir = tempDir()
    expect(await cli(['--data-dir', dir, 'env', 'import', '-'], JSON.stringify(ENV_FILE('http://x')))).toMatchObject({ code: 0 })
    expect(await cli(['--data-dir', dir, 'env', 'import', '-'], '{ nope')).toMatchObject({ code: 2, stderr: expect.stringContaining('Standard input is not valid JSON') })
    expect(await cli(['--data-dir', dir, 'env', 'import', join(dir, 'missing.json')])).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') })
    expect(await cli(['--data-dir', dir, 'env', 'show', 'Nope'])).toMatchObject({ code: 2, stderr: expect.stringContaining('No environment named "Nope". Known: Local.') })
  })

  it('sends a request with environment variables: 0 for 2xx, 1 for an HTTP error, 2 for a network error', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'e.json'), JSON.stringify(ENV_FILE(server.url)))
    await cli(['--data-dir', dir, 'env', 'import', join(dir, 'e.json')])

    const ok = await cli(['--data-dir', dir, 'request', '--env', 'Local', 'POST', '{{base}}/echo', '-H', 'Authorization: Bearer {{token}}', '-d', '{"a":1}', '-i'])
    expect(ok.code).toBe(0)
    expect(ok.stderr).toMatch(/^HTTP\/1\.1 200 OK/)
    expect(ok.stdout).toMatch(/^content-type: application\/json\n/)
    expect(ok.stdout).toContain('"authorization":"Bearer tok-123-secret"')
    expect(ok.stdout).toContain('"body":"{\\"a\\":1}"')

    expect(await cli(['--data-dir', dir, 'request', '--env', 'Local', 'GET', '{{base}}/status/404'])).toMatchObject({ code: 1, stderr: expect.stringContaining('404 Not Found') })
    expect(await cli(['--data-dir', dir, 'request', 'GET', 'http://127.0.0.1:1/x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('refused the connection') })
    expect(await cli(['--data-dir', dir, 'request', '--env', 'Local', 'GET', '{{base}}/{{nope}}'])).toMatchObject({ code: 2, stderr: expect.stringContaining('{{nope}} is not defined') })
    expect(await cli(['--data-dir', dir, 'request', 'POST', `${server.url}/echo`, '-d', '{"a":'])).toMatchObject({ code: 2, stderr: expect.stringContaining('not valid at line 1') })
    expect(await cli(['--data-dir', dir, 'request', 'GET', `${server.url}/slow?ms=2000`, '--timeout', '100'])).toMatchObject({ code: 2, stderr: expect.stringContaining('within 100 ms') })
    expect(await cli(['--data-dir', dir, 'request', 'GET', `${server.url}/big?size=5000`, '--max-bytes', '1000'])).toMatchObject({ code: 0, stderr: expect.stringContaining('cut at 1000 bytes') })
  })

  it('reads the body from a file or stdin', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'body.json'), '{"from":"file"}')
    expect((await cli(['--data-dir', dir, 'request', 'POST', `${server.url}/echo`, '-d', `@${join(dir, 'body.json')}`])).stdout).toContain('from\\":\\"file')
    expect((await cli(['--data-dir', dir, 'request', 'POST', `${server.url}/echo`, '-d', '@-'], '{"from":"stdin"}')).stdout).toContain('from\\":\\"stdin')
  })

  // The test server lives in this process, so the child must be awaited, not run synchronously.
  it.runIf(existsSync('out/main/cli.js'))('runs as a real process with the documented exit codes', async () => {
    const dir = tempDir()
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['bin/orgbench.cjs', '--data-dir', dir, ...args], { encoding: 'utf8', timeout: 15_000 }, (error, stdout, stderr) =>
          resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr })
        )
      })
    const ok = await run('request', 'GET', `${server.url}/json`)
    expect(ok.status).toBe(0)
    expect(JSON.parse(ok.stdout)).toHaveProperty('UserId')
    expect((await run('request', 'GET', `${server.url}/status/500`)).status).toBe(1)
    const bad = await run('request', 'GET', 'not a url')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('is not a valid URL')
  })

  it('runs the Sandbox: prints one JSON line when ready, and requests to the Sandbox environment reach it until stopped', async () => {
    const dir = tempDir()
    let during: { code: number; stderr: string } | null = null
    const result = await cli(['--data-dir', dir, 'sandbox'], '', async (output) => {
      const ready = JSON.parse(output().trim()) as { ready: boolean; orgUrl: string; user: string; clients: { secret: string }; caFile: string }
      expect(ready).toMatchObject({ ready: true, user: 'demo@sandbox.onmicrosoft.com', environment: 'Sandbox', caFile: expect.stringContaining('ca.pem') })
      during = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])
      expect(await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', '--no-auth', 'GET', '{{webApiUrl}}/WhoAmI'])).toMatchObject({ code: 1, stderr: expect.stringContaining('401 Unauthorized') })
      const token = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'POST', '{{authority}}/oauth2/v2.0/token', '-H', 'Content-Type: application/x-www-form-urlencoded', '-d', 'grant_type=client_credentials&client_id={{clientId}}&client_secret={{clientSecret}}&scope={{orgUrl}}/.default'])
      expect(token.code).toBe(0)
      expect(JSON.parse(token.stdout)).toMatchObject({ token_type: 'Bearer' })
    })
    expect(result.code).toBe(0)
    expect(during).toMatchObject({ code: 2, stderr: expect.stringContaining('Sign in to "Sandbox" first') })
    expect(await cli(['--data-dir', dir, 'sandbox', '--port', '70000'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--port takes a port number') })
  })

  it('token, login and logout against the Sandbox: client credentials from the profile and with overrides, errors with the fix', async () => {
    const { dir, sb, environments, environment } = await sandboxEnvironment()
    try {
      await environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })

      const token = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox'])
      expect(token.code).toBe(0)
      expect(token.stdout.trim()).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
      const again = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--json'])
      expect(JSON.parse(again.stdout)).toMatchObject({ accessToken: token.stdout.trim(), tokenType: 'Bearer', grant: 'client_credentials', expiresOn: expect.any(String) })

      const who = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])
      expect(who.code).toBe(0)
      expect(JSON.parse(who.stdout)).toHaveProperty('UserId')
      expect((await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', '--no-auth', 'GET', '{{webApiUrl}}/WhoAmI'])).code).toBe(1)

      let asked = ''
      const secretRun = await runCli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--client-id', sb.info.clients.secret, '--client-secret-stdin'], {
        stdout: () => undefined,
        stderr: (t) => (asked += t),
        readStdin: async () => '',
        env: {},
        readSecret: async () => sb.info.clientSecret
      })
      expect(secretRun).toBe(0)
      expect(asked).not.toContain(sb.info.clientSecret)

      const wrong = await runCli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--client-secret-stdin'], { stdout: () => undefined, stderr: (t) => (asked += t), readStdin: async () => '', env: {}, readSecret: async () => 'wrong-secret' })
      expect(wrong).toBe(2)
      expect(asked).toContain('AADSTS7000215')
      expect(asked).toContain('Fix (AADSTS7000215)')
      expect(asked).not.toContain('wrong-secret')

      const cert = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--client-id', sb.info.clients.certificate, '--certificate', sb.info.certificateFile, '--key', sb.info.privateKeyFile])
      expect(cert.code).toBe(0)

      expect(await cli(['--data-dir', dir, 'logout', '--env', 'Sandbox'])).toMatchObject({ code: 0, stderr: expect.stringContaining('Signed out') })
      for (const { file, text } of readAllFiles(dir)) expect(text, file).not.toContain(sb.info.clientSecret)
      expect(await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--grant', 'magic'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--grant takes one of') })
    } finally {
      await sb.stop()
    }
  })

  it('login with the device code prints the code; with a browser grant it prints the URL and opens it', async () => {
    const { dir, sb } = await sandboxEnvironment()
    try {
      const robot = browserRobot(sb)
      let err = ''
      const code = await runCli(['--data-dir', dir, 'login', '--env', 'Sandbox'], { stdout: () => undefined, stderr: (t) => (err += t), readStdin: async () => '', env: {}, openBrowser: robot.open })
      expect(code).toBe(0)
      expect(err).toContain('Sign in in your browser. If none opened, open:')
      expect(err).toContain(`Signed in to "Sandbox" as ${sb.info.user}`)
      expect(robot.visits).toHaveLength(1)
      const token = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox'])
      expect(token.code).toBe(0)
    } finally {
      await sb.stop()
    }
  })
})

