import { describe, expect, it } from 'vitest'
import { request } from 'undici'
import { useTempDir } from '../testing/tempDir'
import { cli } from './testkit'

const tempDir = useTempDir()

describe('orgbench sandbox', () => {
  it('prints one JSON line when ready, names the URLs a browser can open, and serves the Sandbox environment until stopped', async () => {
    const dir = tempDir()
    let during: { code: number; stderr: string } | null = null
    let devicePage = 0
    const result = await cli(['--data-dir', dir, 'sandbox'], '', (output) => ({
      untilStopped: async () => {
        const ready = JSON.parse(output().stdout.trim()) as { ready: boolean; pagesUrl: string; caFile: string }
        expect(ready).toMatchObject({ ready: true, user: 'demo@sandbox.onmicrosoft.com', environment: 'Sandbox', caFile: expect.stringContaining('ca.pem'), pagesUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) })
        expect(output().stderr).toContain(`${ready.pagesUrl}/devicelogin`)
        // The URL named for a browser answers a browser: plain HTTP, a page.
        const page = await request(`${ready.pagesUrl}/devicelogin`)
        devicePage = page.statusCode
        expect(await page.body.text()).toContain('<form')
        during = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'])
        expect(await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', '--no-auth', 'GET', '{{webApiUrl}}/WhoAmI'])).toMatchObject({ code: 1, stderr: expect.stringContaining('401 Unauthorized') })
        const token = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'POST', '{{authority}}/oauth2/v2.0/token', '-H', 'Content-Type: application/x-www-form-urlencoded', '-d', 'grant_type=client_credentials&client_id={{clientId}}&client_secret={{clientSecret}}&scope={{orgUrl}}/.default'])
        expect(token.code).toBe(0)
        expect(JSON.parse(token.stdout)).toMatchObject({ token_type: 'Bearer' })
      }
    }))
    expect(result.code, result.stderr).toBe(0)
    expect(devicePage).toBe(200)
    expect(result.stderr).toContain(`orgbench --data-dir ${dir} login --env Sandbox`)
    expect(during).toMatchObject({ code: 2, stderr: expect.stringContaining('login --env Sandbox') })
    expect(await cli(['--data-dir', dir, 'sandbox', '--port', '70000'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--port takes a port number') })
    expect(await cli(['--data-dir', dir, 'sandbox', 'now'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unexpected argument "now"') })
  })

  it('enforces small service protection limits when asked: the second request within the window is refused with 429', async () => {
    const dir = tempDir()
    let second: { code: number; stderr: string } | null = null
    const result = await cli(['--data-dir', dir, 'sandbox', '--limit-requests', '1', '--limit-window', '60'], '', (output) => ({
      untilStopped: async () => {
        expect(output().stderr).toContain('Service protection limits per user: 1 requests per 60 s')
        const token = ['POST', '{{authority}}/oauth2/v2.0/token', '-H', 'Content-Type: application/x-www-form-urlencoded', '-d', 'grant_type=client_credentials&client_id={{clientId}}&client_secret={{clientSecret}}&scope={{orgUrl}}/.default']
        expect((await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', ...token])).code).toBe(0)
        const bearer = JSON.parse((await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', ...token])).stdout) as { access_token: string }
        const call = ['--data-dir', dir, 'request', '--env', 'Sandbox', '--no-auth', '-H', `Authorization: Bearer ${bearer.access_token}`, 'GET', '{{webApiUrl}}/WhoAmI']
        expect((await cli(call)).code).toBe(0)
        second = await cli(call)
      }
    }))
    expect(result.code, result.stderr).toBe(0)
    expect(second).toMatchObject({ code: 1, stderr: expect.stringContaining('429') })
    expect(await cli(['--data-dir', dir, 'sandbox', '--limit-requests', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--limit-requests') })
  })
})
