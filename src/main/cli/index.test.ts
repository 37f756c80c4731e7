import { execFile } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../testing/tempDir'
import { COMMAND_HELP } from './help'
import { cli, sandboxEnvironment } from './testkit'

const tempDir = useTempDir()

describe('orgbench entry', () => {
  it('prints help for every command and exits 0', async () => {
    for (const args of [['--help'], ['help'], ...Object.keys(COMMAND_HELP).flatMap((c) => [[c, '--help'], ['help', c], ['--help', c]])]) {
      const r = await cli(args)
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stdout, args.join(' ')).toContain('Usage')
    }
    expect((await cli(['token', '--help'])).stdout).toContain('--non-interactive')
    expect((await cli(['--help'])).stdout).toMatch(/login --env NAME \[--grant G\]/)
    expect((await cli(['--version'])).stdout).toMatch(/^orgbench \d+\.\d+\.\d+\n$/)
  })

  it('exits 2 with the reason for usage errors', async () => {
    const dir = tempDir()
    expect(await cli([])).toMatchObject({ code: 2 })
    expect(await cli(['--data-dir', dir, 'frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "frobnicate"') })
    expect(await cli(['--data-dir', dir, 'toString'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "toString"') })
    expect(await cli(['--data-dir'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--data-dir needs a folder') })
    expect(await cli(['--data-dir', dir, 'env', 'list', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") })
    expect(await cli(['--data-dir', dir, 'env', 'frob'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown env command "frob"') })
    expect(await cli(['--data-dir', dir, 'logout', '--env', 'x', '--grant', 'password'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--grant'") })
  })

  // Measured from the built CLI, as users run it: which files does a run load?
  it.runIf(existsSync('out/main/cli.js'))('--version and --help load no dependency and no command module; a request with a cached token no sign-in or collections code', { timeout: 120_000 }, async () => {
    const dir = tempDir()
    const hook = join(dir, 'loaded.cjs')
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_FILE, JSON.stringify([...Object.keys(require.cache), ...process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'node:' + m.slice(13))])))\n`)
    let runs = 0
    const loaded = async (...args: string[]) => {
      const file = join(dir, `loaded-${++runs}.json`)
      await new Promise<void>((resolve, reject) =>
        execFile(process.execPath, ['--require', hook, 'bin/orgbench.cjs', '--data-dir', dir, ...args], { env: { ...process.env, LOADED_FILE: file }, timeout: 15_000 }, (error) => (error ? reject(error) : resolve()))
      )
      return (JSON.parse(readFileSync(file, 'utf8')) as string[]).filter((f) => f !== hook)
    }
    for (const args of [['--version'], ['--help'], ['request', '--help'], ['token', '--help']]) {
      const files = await loaded(...args)
      expect(files.filter((f) => f.includes('node_modules')), args.join(' ')).toEqual([])
      const built = files.filter((f) => f.includes('/out/main/') && !/rolldown-runtime/.test(f)).map((f) => f.slice(f.indexOf('out/main/')))
      expect(built, args.join(' ')).toEqual(['out/main/cli.js'])
    }
    // The check itself can fail: a real command loads the core (zod and undici are bundled into its chunks).
    const builtChunks = (files: string[]) => files.filter((f) => f.includes('/out/main/chunks/')).length
    const listed = await loaded('env', 'list')
    expect(builtChunks(listed)).toBeGreaterThan(5)
    expect(listed.some((f) => f.includes('@azure/msal-node'))).toBe(false)

    // A request whose token is cached needs no sign-in code (msal-node, jsonwebtoken) and no collections code (yaml).
    const { sb, environments, environment } = await sandboxEnvironment(dir)
    try {
      await environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })
      expect(await cli(['--data-dir', dir, 'login', '--env', 'Sandbox'])).toMatchObject({ code: 0 })
      const sent = await loaded('request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI')
      expect(builtChunks(sent)).toBeGreaterThan(5)
      expect(sent.filter((f) => /node_modules\/(@azure\/msal-node|jsonwebtoken|yaml)\//.test(f))).toEqual([])
      // Nor HTTP/2, which OrgBench never offers (the build leaves undici's HTTP/2 client without node:http2).
      expect(sent).toContain('node:tls')
      expect(sent).not.toContain('node:http2')
      // Without a token the grant runs, and msal-node with it.
      expect(await cli(['--data-dir', dir, 'logout', '--env', 'Sandbox'])).toMatchObject({ code: 0 })
      expect((await loaded('request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI')).some((f) => f.includes('@azure/msal-node'))).toBe(true)
    } finally {
      await sb.stop()
    }
  })
})
