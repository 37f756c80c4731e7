import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readAllFiles, useTempDir } from '../../testing/tempDir'
import { EnvironmentStore } from './environments'
import { keyFileSecretBox } from './secretBox'

const tempDir = useTempDir()

function store(dir = tempDir()) {
  return { dir, store: new EnvironmentStore(dir, keyFileSecretBox(dir)) }
}

const SECRET = 'Sup3r-Secret-Value-9f2c'

describe('EnvironmentStore', () => {
  it('creates one validated file per environment, with schemaVersion, and lists them by name', async () => {
    const { dir, store: s } = store()
    const b = await s.create({ name: 'B org', orgUrl: 'https://b.crm.dynamics.com/' })
    await s.create({ name: 'A org', orgUrl: 'https://a.crm.dynamics.com' })
    const files = readdirSync(join(dir, 'environments'))
    expect(files.sort()).toContain(`${b.id}.json`)
    expect(JSON.parse(readFileSync(join(dir, 'environments', `${b.id}.json`), 'utf8'))).toMatchObject({ schemaVersion: 1, orgUrl: 'https://b.crm.dynamics.com' })
    expect((await s.list()).environments.map((e) => e.name)).toEqual(['A org', 'B org'])
  })

  it('rejects invalid input with the field and the reason', async () => {
    const { store: s } = store()
    await expect(s.create({ name: 'x', orgUrl: 'http://x.crm.dynamics.com' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('orgUrl: The org URL must use https') })
  })

  it('never writes secret values in plain text, and never hands them to the renderer', async () => {
    const { dir, store: s } = store()
    const env = await s.create({
      name: 'Prod',
      orgUrl: 'https://prod.crm.dynamics.com',
      auth: { grant: 'client_credentials', clientId: 'app', scopes: '', clientSecret: { isSet: true, value: SECRET } },
      variables: [{ key: 'apiKey', value: SECRET, secret: true }, { key: 'plain', value: 'visible' }]
    })
    for (const { file, text } of readAllFiles(dir)) expect(text, file).not.toContain(SECRET)
    expect(JSON.stringify(env)).not.toContain(SECRET)
    expect(env.auth).toMatchObject({ clientSecret: { isSet: true } })
    expect(env.variables[0]).toMatchObject({ key: 'apiKey', value: '', isSet: true, secret: true })
    expect(await s.revealVariable(env.id, 'apiKey')).toBe(SECRET)
    expect((await s.resolveVariables(env.id)).get('apiKey')).toBe(SECRET)
    expect((await s.resolveVariables(env.id)).get('plain')).toBe('visible')
  })

  it('keeps a stored secret when the form sends it back unchanged, replaces or clears it on request', async () => {
    const { store: s } = store()
    const env = await s.create({ name: 'E', orgUrl: 'https://e.crm.dynamics.com', variables: [{ key: 'k', value: 'one', secret: true }] })
    const view = await s.get(env.id)
    await s.update(env.id, { ...view, variables: view.variables })
    expect(await s.revealVariable(env.id, 'k')).toBe('one')
    await s.update(env.id, { ...view, variables: [{ ...view.variables[0]!, value: 'two' }] })
    expect(await s.revealVariable(env.id, 'k')).toBe('two')
    await s.update(env.id, { ...view, variables: [{ ...view.variables[0]!, isSet: false }] })
    expect(await s.revealVariable(env.id, 'k')).toBe('')
  })

  it('encrypts a plain variable that becomes secret, keeping its value', async () => {
    const { dir, store: s } = store()
    const env = await s.create({ name: 'E', orgUrl: 'https://e.crm.dynamics.com', variables: [{ key: 'k', value: SECRET }] })
    const view = await s.get(env.id)
    await s.update(env.id, { ...view, variables: [{ ...view.variables[0]!, value: '', secret: true, isSet: true }] })
    expect(await s.revealVariable(env.id, 'k')).toBe(SECRET)
    for (const { text } of readAllFiles(join(dir, 'environments'))) expect(text).not.toContain(SECRET)
  })

  it('duplicates with a new id and a free name, and deletes', async () => {
    const { store: s } = store()
    const env = await s.create({ name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com', variables: [{ key: 's', value: 'v', secret: true }] })
    const copy = await s.duplicate(env.id)
    const copy2 = await s.duplicate(env.id)
    expect([copy.name, copy2.name]).toEqual(['Dev (copy)', 'Dev (copy 2)'])
    expect(copy.id).not.toBe(env.id)
    expect(await s.revealVariable(copy.id, 's')).toBe('v')
    expect(await s.delete(copy.id)).toBe(true)
    expect(await s.delete(copy.id)).toBe(false)
    await expect(s.get(copy.id)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('finds by name case-insensitively and explains ambiguity and absence', async () => {
    const { store: s } = store()
    const a = await s.create({ name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com' })
    expect((await s.find('dev')).id).toBe(a.id)
    await s.duplicate(a.id)
    await expect(s.find('nope')).rejects.toThrow(/No environment named "nope". Known: Dev, Dev \(copy\)/)
  })

  it('moves a corrupt file aside, reports it, and still loads the others', async () => {
    const { dir, store: s } = store()
    await s.create({ name: 'Good', orgUrl: 'https://good.crm.dynamics.com' })
    writeFileSync(join(dir, 'environments', 'bad.json'), '{ nope')
    writeFileSync(join(dir, 'environments', 'old.json'), JSON.stringify({ schemaVersion: 99, id: 'old' }))
    const fresh = new EnvironmentStore(dir, keyFileSecretBox(dir))
    const { environments, problems } = await fresh.list()
    expect(environments.map((e) => e.name)).toEqual(['Good'])
    expect(problems.map((p) => p.file.split(/[\\/]/).pop()).sort()).toEqual(['bad.json', 'old.json'])
    expect(problems.every((p) => p.movedTo && readdirSync(join(dir, 'environments')).includes(p.movedTo.split(/[\\/]/).pop()!))).toBe(true)
    expect(fresh.dismissProblem(problems[0]!.file)).toHaveLength(1)
  })

  it('exports without secrets by default, with them on request, and imports (same name replaces)', async () => {
    const { store: s } = store()
    const env = await s.create({ name: 'Prod', orgUrl: 'https://prod.crm.dynamics.com', auth: { grant: 'password', clientId: 'c', scopes: '', username: 'u', password: { isSet: true, value: SECRET } }, variables: [{ key: 'k', value: SECRET, secret: true }] })
    const safe = await s.exportPortable('Prod', false)
    expect(JSON.stringify(safe)).not.toContain(SECRET)
    expect(safe).toMatchObject({ orgbench: 'environment', schemaVersion: 1, auth: { password: null }, variables: [{ key: 'k', value: null, secret: true }] })
    const full = await s.exportPortable(env.id, true)
    expect(full.auth).toMatchObject({ password: SECRET })

    const other = store()
    const imported = await other.store.importPortable(full)
    expect(imported.replaced).toBe(false)
    expect(await other.store.revealVariable(imported.environment.id, 'k')).toBe(SECRET)
    const again = await other.store.importPortable({ ...full, orgUrl: 'https://prod2.crm.dynamics.com' })
    expect(again).toMatchObject({ replaced: true, environment: { id: imported.environment.id, orgUrl: 'https://prod2.crm.dynamics.com' } })
    await expect(other.store.importPortable({ name: 'x' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('not an OrgBench environment file') })
  })

  it('notifies listeners when an environment is written', async () => {
    const { store: s } = store()
    let calls = 0
    s.onChanged(() => calls++)
    await s.create({ name: 'x', orgUrl: 'https://x.crm.dynamics.com' })
    expect(calls).toBe(1)
  })

  it('serializes concurrent writes so none is lost', async () => {
    const { dir, store: s } = store()
    mkdirSync(join(dir, 'environments'), { recursive: true })
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.create({ name: `E${i}`, orgUrl: 'https://x.crm.dynamics.com' })))
    expect(readdirSync(join(dir, 'environments'))).toHaveLength(10)
  })

  it('decrypts variables once per version of the environment, and follows a change', async () => {
    const { store: s } = store()
    const env = await s.create({ name: 'E', orgUrl: 'https://e.crm.dynamics.com', variables: [{ key: 'k', value: 'one', secret: true }] })
    const first = await s.resolveVariables(env.id)
    expect(await s.resolveVariables(env.id)).toBe(first)
    const view = await s.get(env.id)
    await s.update(env.id, { ...view, variables: [{ ...view.variables[0]!, value: 'two' }] })
    expect((await s.resolveVariables(env.id)).get('k')).toBe('two')
  })
  it('reads the folder once: later lists come from memory until invalidate() (another process changed the files)', async () => {
    const { dir, store: s } = store()
    const a = await s.create({ name: 'A', orgUrl: 'https://a.crm.dynamics.com' })
    await s.create({ name: 'B', orgUrl: 'https://b.crm.dynamics.com' })
    const fresh = new EnvironmentStore(dir, keyFileSecretBox(dir))
    const [first, second] = await Promise.all([fresh.list(), fresh.list()])
    expect(first.environments.map((e) => e.name)).toEqual(['A', 'B'])
    expect(second.environments).toEqual(first.environments)
    rmSync(join(dir, 'environments', `${a.id}.json`))
    expect((await fresh.list()).environments.map((e) => e.name)).toEqual(['A', 'B'])
    fresh.invalidate()
    expect((await fresh.list()).environments.map((e) => e.name)).toEqual(['B'])
  })

  it('lists every change at once: create, rename (re-sorted), duplicate, delete, and a listener that lists when told', async () => {
    const { store: s } = store()
    const seen: string[][] = []
    s.onChanged(() => void s.list().then((l) => seen.push(l.environments.map((e) => e.name))))
    const names = async () => (await s.list()).environments.map((e) => e.name)
    const z = await s.create({ name: 'Zeta', orgUrl: 'https://z.crm.dynamics.com' })
    expect(await names()).toEqual(['Zeta'])
    await s.create({ name: 'Beta', orgUrl: 'https://b.crm.dynamics.com' })
    expect(await names()).toEqual(['Beta', 'Zeta'])
    await s.update(z.id, { ...(await s.get(z.id)), name: 'Alpha' })
    expect(await names()).toEqual(['Alpha', 'Beta'])
    const copy = await s.duplicate(z.id)
    expect(await names()).toEqual(['Alpha', 'Alpha (copy)', 'Beta'])
    await s.delete(copy.id)
    expect(await names()).toEqual(['Alpha', 'Beta'])
    expect(seen).toEqual([['Zeta'], ['Beta', 'Zeta'], ['Alpha', 'Beta'], ['Alpha', 'Alpha (copy)', 'Beta']])
  })

  it('reads hundreds of files, and reports the corrupt ones among them in file-name order', async () => {
    const { dir, store: s } = store()
    for (let i = 0; i < 60; i++) await s.create({ name: `Org ${String(i).padStart(2, '0')}`, group: `Customer ${i % 7}`, orgUrl: `https://org${i}.crm.dynamics.com` })
    for (const name of ['m-bad', 'a-bad', 'z-bad']) writeFileSync(join(dir, 'environments', `${name}.json`), '{ nope')
    const fresh = new EnvironmentStore(dir, keyFileSecretBox(dir))
    const { environments, problems } = await fresh.list()
    expect(environments).toHaveLength(60)
    expect(environments[0]).toMatchObject({ name: 'Org 00', group: 'Customer 0' })
    expect(environments.at(-1)).toMatchObject({ name: 'Org 59', group: 'Customer 3' })
    expect(problems.map((p) => p.file.split(/[\\/]/).pop())).toEqual(['a-bad.json', 'm-bad.json', 'z-bad.json'])
  })
})

