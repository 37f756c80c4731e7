import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StrictHar } from '../core/capture/harSchema'
import { useTempDir } from '../testing/tempDir'
import { takeHar } from './har'
import { cli, sandboxEnvironment } from './testkit'

const tempDir = useTempDir()

describe('--har FILE', () => {
  it('is taken out of the command\'s arguments, or refused with the usage', () => {
    expect(takeHar(['--env', 'X', '--har', 'a.har', 'GET', 'u'])).toEqual({ file: 'a.har', rest: ['--env', 'X', 'GET', 'u'] })
    expect(takeHar(['--har=b.har', 'GET', 'u', '--', '--har', 'x'])).toEqual({ file: 'b.har', rest: ['GET', 'u', '--', '--har', 'x'] })
    expect(() => takeHar(['--har'])).toThrow(/needs a file/)
    expect(() => takeHar(['--har', '--env'])).toThrow(/needs a file/)
    expect(() => takeHar(['--har', 'a', '--har', 'b'])).toThrow(/twice/)
  })

  it('writes what request, token and login exchanged, token traffic included, as valid HAR 1.2 with secrets masked', async () => {
    const { dir, sb, environments, environment } = await sandboxEnvironment(tempDir())
    try {
      await environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })
      const file = join(dir, 'run.har')
      const run = await cli(['--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI', '--har', file])
      expect(run.code, run.stderr).toBe(0)
      expect(run.stderr).toMatch(/\d+ exchanges written to .*run\.har \(HAR 1\.2, secrets masked\)/)
      const text = readFileSync(file, 'utf8')
      StrictHar.parse(JSON.parse(text))
      const kinds = (JSON.parse(text) as { log: { entries: Array<{ _orgbench: { kind: string } }> } }).log.entries.map((e) => e._orgbench.kind)
      expect(kinds).toContain('token')
      expect(kinds.at(-1)).toBe('api')
      expect(text).not.toContain(sb.info.clientSecret)
      const token = (await cli(['--data-dir', dir, 'token', '--env', 'Sandbox'])).stdout.trim()
      expect(text).not.toContain(token.split('.')[2])

      const tokenFile = join(dir, 'token.har')
      const tokenRun = await cli(['--data-dir', dir, 'token', '--env', 'Sandbox', '--force-refresh', `--har=${tokenFile}`])
      expect(tokenRun.code, tokenRun.stderr).toBe(0)
      const tokenHar = readFileSync(tokenFile, 'utf8')
      expect(tokenHar).not.toContain(tokenRun.stdout.trim())
      expect(JSON.parse(tokenHar).log.entries.length).toBeGreaterThan(0)

      // A failed sign-in still writes what was exchanged.
      const loginFile = join(dir, 'login.har')
      const failed = await cli(['--data-dir', dir, 'login', '--env', 'Sandbox', '--client-secret-stdin', '--har', loginFile], '', { readSecret: async () => 'wrong-secret-value' })
      expect(failed.code).toBe(2)
      const loginHar = readFileSync(loginFile, 'utf8')
      expect(loginHar).toContain('AADSTS7000215')
      expect(loginHar).not.toContain('wrong-secret-value')
    } finally {
      await sb.stop()
    }
  })
})
