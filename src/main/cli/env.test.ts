import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readAllFiles, useTempDir } from '../testing/tempDir'
import { cli, ENV_FILE, sandboxEnvironment } from './testkit'

const tempDir = useTempDir()

describe('orgbench env', () => {
  it('imports, lists, shows and exports environments; secrets stay secret', async () => {
    const dir = tempDir()
    const file = join(dir, 'local.json')
    writeFileSync(file, JSON.stringify(ENV_FILE('http://127.0.0.1:1')))
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
    expect(await cli(['--data-dir', dir, 'env', 'export', 'Local', '--include-secrets', '-o', out])).toMatchObject({ code: 0, stderr: expect.stringContaining('holds secrets') })
    expect(JSON.parse(readFileSync(out, 'utf8')).variables[1].value).toBe('tok-123-secret')
  })

  it.skipIf(process.platform === 'win32')('export --include-secrets onto an existing world-readable file leaves it 0600, and no temporary file behind', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'e.json'), JSON.stringify(ENV_FILE('http://x')))
    await cli(['--data-dir', dir, 'env', 'import', join(dir, 'e.json')])
    const out = join(dir, 'exports', 'local.json')
    expect(await cli(['--data-dir', dir, 'env', 'export', 'Local', '-o', out])).toMatchObject({ code: 0 })
    chmodSync(out, 0o644)
    expect(await cli(['--data-dir', dir, 'env', 'export', 'Local', '--include-secrets', '-o', out])).toMatchObject({ code: 0, stderr: expect.stringContaining('mode 0600') })
    expect(statSync(out).mode & 0o777).toBe(0o600)
    expect(readFileSync(out, 'utf8')).toContain('tok-123-secret')
    expect(readdirSync(join(dir, 'exports'))).toEqual(['local.json'])
    expect(await cli(['--data-dir', dir, 'env', 'export', 'Local', '-o', dir])).toMatchObject({ code: 2, stderr: expect.stringContaining(`Cannot write ${dir}`) })
  })

  it('imports from stdin and reports invalid files clearly', async () => {
    const dir = tempDir()
    expect(await cli(['--data-dir', dir, 'env', 'import', '-'], JSON.stringify(ENV_FILE('http://x')))).toMatchObject({ code: 0 })
    expect(await cli(['--data-dir', dir, 'env', 'import', '-'], '{ nope')).toMatchObject({ code: 2, stderr: expect.stringContaining('Standard input is not valid JSON') })
    expect(await cli(['--data-dir', dir, 'env', 'import', join(dir, 'missing.json')])).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') })
    expect(await cli(['--data-dir', dir, 'env', 'show', 'Nope'])).toMatchObject({ code: 2, stderr: expect.stringContaining('No environment named "Nope". Known: Local.') })
  })

  it('import fills every optional field with its default, in the profile too', async () => {
    const dir = tempDir()
    const minimal = { orgbench: 'environment', schemaVersion: 1, name: 'Min', orgUrl: 'https://min.crm.dynamics.com' }
    for (const auth of [{ grant: 'client_credentials', clientId: 'c1' }, { grant: 'device_code' }, { grant: 'authorization_code', clientId: 'c2' }, { grant: 'implicit', clientId: 'c3' }, { grant: 'password' }, { grant: 'preapproved' }]) {
      const r = await cli(['--data-dir', dir, 'env', 'import', '-'], JSON.stringify({ ...minimal, auth }))
      expect(r, auth.grant).toMatchObject({ code: 0 })
      const shown = JSON.parse((await cli(['--data-dir', dir, 'env', 'show', 'Min', '--json'])).stdout)
      expect(shown.auth, auth.grant).toMatchObject({ ...auth, scopes: '' })
    }
    const cc = JSON.parse((await cli(['--data-dir', dir, 'env', 'export', 'Min'])).stdout)
    expect(cc).toMatchObject({ cloud: 'public', tenant: '', variables: [], color: 'slate', label: '' })
    expect((await cli(['--data-dir', dir, 'env', 'import', '-'], JSON.stringify({ ...minimal, auth: { grant: 'magic' } }))).code).toBe(2)
  })

  it('delete removes the environment and its tokens; an unknown name exits 2', async () => {
    const { dir, sb, environments, environment } = await sandboxEnvironment(tempDir())
    try {
      await environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })
      expect((await cli(['--data-dir', dir, 'token', '--env', 'Sandbox'])).code).toBe(0)
      const tokenFiles = () => (existsSync(join(dir, 'tokens')) ? readdirSync(join(dir, 'tokens')) : [])
      expect(tokenFiles().length).toBeGreaterThan(0)
      expect(await cli(['--data-dir', dir, 'env', 'delete', 'sandbox'])).toMatchObject({ code: 0, stderr: expect.stringContaining('Deleted environment "Sandbox"') })
      expect(tokenFiles()).toEqual([])
      expect(readdirSync(join(dir, 'environments'))).toEqual([])
      expect(await cli(['--data-dir', dir, 'env', 'delete', 'Sandbox'])).toMatchObject({ code: 2, stderr: expect.stringContaining('No environment named "Sandbox"') })
      expect(await cli(['--data-dir', dir, 'env', 'delete'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: orgbench env delete NAME') })
    } finally {
      await sb.stop()
    }
  })
})
