import { afterEach, describe, expect, it } from 'vitest'
import { useTempDir } from '../testing/tempDir'
import { cli, sandboxEnvironment } from './testkit'

const tempDir = useTempDir()
const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  while (stops.length) await stops.pop()!()
})

async function appEnvironment() {
  const setup = await sandboxEnvironment(tempDir())
  stops.push(() => setup.sb.stop())
  await setup.environments.update(setup.environment.id, { ...(await setup.environments.get(setup.environment.id)), auth: { grant: 'client_credentials', clientId: setup.sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: setup.sb.info.clientSecret } } })
  return setup
}

describe('orgbench metadata', () => {
  it('prints the counts, downloading $metadata once and then answering from the cache', async () => {
    const { dir, sb } = await appEnvironment()
    const first = await cli(['--data-dir', dir, 'metadata', '--env', 'Sandbox'])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(sb.info.orgUrl)
    expect(first.stdout).toMatch(/entity sets\s+\d+\n\s+entity types\s+\d+\n\s+actions\s+\d+\n\s+functions\s+\d+/)
    expect(first.stdout).toContain('downloaded now')
    const second = await cli(['--data-dir', dir, 'metadata', '--env', 'Sandbox'])
    expect(second.stdout).toContain('from the cache')
    expect((await cli(['--data-dir', dir, 'metadata', '--env', 'Sandbox', '--refresh'])).stdout).toContain('downloaded now')
  })

  it('prints one table with its columns, types, lookups and navigation properties, by entity set or logical name', async () => {
    const { dir } = await appEnvironment()
    const table = await cli(['--data-dir', dir, 'metadata', '--env', 'Sandbox', '--table', 'accounts'])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^account \(entity set accounts\)\s+key: accountid/)
    expect(table.stdout).toMatch(/\nrevenue\s+Edm\.Decimal\n/)
    expect(table.stdout).toMatch(/\n_primarycontactid_value\s+Edm\.Guid\s+→ contact via primarycontactid\n/)
    expect(table.stdout).toMatch(/\ncontact_customer_accounts\s+contact \(collection\)/)
    const json = JSON.parse((await cli(['--data-dir', dir, 'metadata', '--env', 'Sandbox', '--table', 'contact', '--json'])).stdout) as { name: string; entitySet: string }
    expect(json).toMatchObject({ name: 'contact', entitySet: 'contacts' })
    expect(await cli(['--data-dir', dir, 'metadata', '--env', 'Sandbox', '--table', 'nope'])).toMatchObject({ code: 2, stderr: expect.stringContaining('"nope" is neither an entity set nor a table') })
  })

  it('--json lists every entity set, action and function', async () => {
    const { dir } = await appEnvironment()
    const out = JSON.parse((await cli(['--data-dir', dir, 'metadata', '--env', 'Sandbox', '--json'])).stdout) as { entitySets: string[]; functions: string[]; counts: { entitySets: number } }
    expect(out.entitySets).toEqual(expect.arrayContaining(['accounts', 'contacts']))
    expect(out.functions).toContain('WhoAmI')
    expect(out.counts.entitySets).toBe(out.entitySets.length)
  })

  it('says how to sign in when the grant needs a person, and checks its arguments', async () => {
    const { dir } = await sandboxEnvironment(tempDir()).then((s) => (stops.push(() => s.sb.stop()), s))
    expect(await cli(['--data-dir', dir, 'metadata', '--env', 'Sandbox'])).toMatchObject({ code: 2, stderr: expect.stringContaining('login --env Sandbox') })
    expect(await cli(['--data-dir', dir, 'metadata'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage: orgbench metadata --env NAME') })
  })
})
