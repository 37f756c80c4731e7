import { execFile } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHttpServer, type TestServer } from '../testing/testServer'
import { useTempDir } from '../testing/tempDir'
import { cli, ENV_FILE, sandboxEnvironment } from './testkit'

const tempDir = useTempDir()
let server: TestServer
beforeAll(async () => {
  server = await startHttpServer()
})
afterAll(() => server.close())

describe('orgbench request', () => {
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

  it('rejects bad arguments before doing anything', async () => {
    const dir = tempDir()
    expect(await cli(['--data-dir', dir, 'request', 'FETCH', 'http://x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown method "FETCH"') })
    expect(await cli(['--data-dir', dir, 'request', 'GET', 'http://x', '-H', 'NoColon'])).toMatchObject({ code: 2, stderr: expect.stringContaining("must look like 'Name: value'") })
    expect(await cli(['--data-dir', dir, 'request', 'GET', 'http://x', '--timeout', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('positive whole number') })
    expect(await cli(['--data-dir', dir, 'request', 'GET'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: orgbench request') })
    expect(existsSync(join(dir, 'secret.key'))).toBe(false)
  })

  it('reads the body from a file or stdin', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'body.json'), '{"from":"file"}')
    expect((await cli(['--data-dir', dir, 'request', 'POST', `${server.url}/echo`, '-d', `@${join(dir, 'body.json')}`])).stdout).toContain('from\\":\\"file')
    expect((await cli(['--data-dir', dir, 'request', 'POST', `${server.url}/echo`, '-d', '@-'], '{"from":"stdin"}')).stdout).toContain('from\\":\\"stdin')
    expect(await cli(['--data-dir', dir, 'request', 'POST', `${server.url}/echo`, '-d', `@${join(dir, 'none.json')}`])).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') })
  })

  it('says which command signs in when an interactive grant has no token, and signs in by itself for the password grant', async () => {
    const { dir, sb, environments, environment } = await sandboxEnvironment(tempDir())
    try {
      const notSignedIn = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])
      expect(notSignedIn).toMatchObject({ code: 2, stderr: expect.stringContaining(`Not signed in to "Sandbox" (authorization_code)`) })
      expect(notSignedIn.stderr).toContain(`orgbench --data-dir ${dir} login --env Sandbox`)
      expect(notSignedIn.stderr).not.toContain('above the request')

      await environments.update(environment.id, { ...environment, auth: { grant: 'password', clientId: sb.info.clients.public, username: sb.info.user, password: { isSet: true, value: sb.info.password } } })
      const who = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])
      expect(who.code, who.stderr).toBe(0)
      expect(JSON.parse(who.stdout)).toHaveProperty('UserId')
    } finally {
      await sb.stop()
    }
  })

  it('--all prints every page\'s records as one JSON array, following @odata.nextLink as given; progress on stderr; --max-rows stops it', async () => {
    const { dir, sb, environments, environment } = await sandboxEnvironment(tempDir())
    try {
      await environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })
      const query = '{{webApiUrl}}/accounts?$select=name&$orderby=name'
      const whole = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', `${query}&$count=true`])
      const total = (JSON.parse(whole.stdout) as { '@odata.count': number })['@odata.count']
      expect(total).toBeGreaterThan(50)

      const all = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', '--all', 'GET', query, '-H', 'Prefer: odata.maxpagesize=25'])
      expect(all.code, all.stderr).toBe(0)
      const rows = JSON.parse(all.stdout) as Array<{ accountid: string; name: string }>
      expect(rows).toHaveLength(total)
      expect(new Set(rows.map((r) => r.accountid)).size).toBe(total)
      expect(all.stderr).toContain('page 1: 25 rows (25 so far)')
      expect(all.stderr).toContain(`page ${Math.ceil(total / 25)}: ${total - 25 * (Math.ceil(total / 25) - 1)} rows (${total} so far), the last`)

      const capped = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', '--all', '--max-rows', '30', 'GET', query, '-H', 'Prefer: odata.maxpagesize=25'])
      expect(capped.code).toBe(0)
      expect(JSON.parse(capped.stdout)).toHaveLength(30)
      expect(capped.stderr).toContain('stopped at 30 rows')

      // A FetchXML query: sent again with each page's paging cookie, the same rows as the OData query.
      const fetchXml = encodeURIComponent('<fetch count="25"><entity name="account"><attribute name="name"/><order attribute="name"/></entity></fetch>')
      const fetched = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', '--all', 'GET', `{{webApiUrl}}/accounts?fetchXml=${fetchXml}`, '-H', 'Prefer: odata.include-annotations="*"'])
      expect(fetched.code, fetched.stderr).toBe(0)
      expect((JSON.parse(fetched.stdout) as unknown[]).length).toBe(total)
      expect(fetched.stderr).toContain('page 2: 25 rows (50 so far)')

      expect(await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', '--all', 'GET', '{{webApiUrl}}/WhoAmI'])).toMatchObject({ code: 2, stderr: expect.stringContaining('holds no list of records') })
      expect(await cli(['--data-dir', dir, 'request', '--all', 'POST', `${server.url}/echo`])).toMatchObject({ code: 2, stderr: expect.stringContaining('use it with GET') })
    } finally {
      await sb.stop()
    }
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
})
