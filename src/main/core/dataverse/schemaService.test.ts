import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SchemaView } from '../../../shared/schema'
import { buildCsdl } from '../../sandbox/webapi/csdl'
import { ensureSandboxEnvironment } from '../../sandbox/environment'
import { startSandbox, type SandboxHarness } from '../../testing/sandbox'
import { useTempDir } from '../../testing/tempDir'
import { createRouter } from '../router'
import { Services } from '../services'
import { keyFileSecretBox } from '../store/secretBox'

const tempDir = useTempDir()
const quiet = { error: () => undefined }

describe('the schema of the Sandbox org', () => {
  let sb: SandboxHarness
  beforeAll(async () => {
    sb = await startSandbox()
  })
  afterAll(() => sb.stop())

  async function setup(dir = tempDir()) {
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'test', log: quiet })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await services.environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })
    return { dir, services, envId: environment.id, router: createRouter(services) }
  }

  it('downloads $metadata with the environment token, indexes it and answers through the contract', async () => {
    const { router, envId, services } = await setup()
    const { info, schema } = await router.invoke('schema.get', { environmentId: envId, signIn: true })
    expect(info).toMatchObject({ source: 'network', orgUrl: sb.info.orgUrl, csdlBytes: buildCsdl().length })
    expect(info.counts.entitySets).toBeGreaterThanOrEqual(4)
    const view = new SchemaView(schema)
    expect(view.entityTypeOfSet('accounts')!.navigation.find((n) => n.name === 'primarycontactid')!.lookup).toBe('_primarycontactid_value')
    // The download is a normal exchange in the traffic log, with its token.
    const entry = services.traffic.list().find((e) => e.path.endsWith('/$metadata'))!
    expect(entry.status).toBe(200)
  })

  it('starts from the disk cache with no download, and offline', async () => {
    const first = await setup()
    await first.router.invoke('schema.get', { environmentId: first.envId, signIn: true })
    await first.services.close()
    // A second process on the same data dir, with the org unreachable.
    const second = new Services({ dataDir: first.dir, secretBox: keyFileSecretBox(first.dir), appVersion: 'test', log: quiet })
    await second.environments.update(first.envId, { ...(await second.environments.get(first.envId)), orgUrl: sb.info.orgUrl })
    const sent: string[] = []
    const originalSend = second.sendRequest.bind(second)
    second.sendRequest = async (id, env, spec, auth, limits) => {
      sent.push(spec.url)
      throw new Error('offline')
      return originalSend(id, env, spec, auth, limits)
    }
    const loaded = await second.schema.get(first.envId, { background: false })
    expect(loaded.info.source).toBe('disk')
    expect(sent).toEqual([])
    expect(new SchemaView(loaded.schema).entityTypeOfSet('contacts')).not.toBeNull()
    const again = await second.schema.get(first.envId)
    expect(again.info.source).toBe('memory')
  })

  it('refresh downloads again; a corrupt cache file is moved aside and replaced by a download', async () => {
    const { router, envId, services } = await setup()
    await router.invoke('schema.get', { environmentId: envId, signIn: true })
    const refreshed = await router.invoke('schema.get', { environmentId: envId, refresh: true, signIn: true })
    expect(refreshed.info.source).toBe('network')
    const file = services.schema.cacheFile(envId)
    writeFileSync(file, '{"orgbench":"schema-cache","schemaVersion":1,"info":{}}')
    const fresh = new Services({ dataDir: services.dataDir, secretBox: keyFileSecretBox(services.dataDir), appVersion: 'test', log: quiet })
    const loaded = await fresh.schema.get(envId)
    expect(loaded.info.source).toBe('network')
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(1)
  })

  it('a cache for another org URL is not used', async () => {
    const { services, envId } = await setup()
    await services.schema.get(envId)
    const other = new Services({ dataDir: services.dataDir, secretBox: keyFileSecretBox(services.dataDir), appVersion: 'test', log: quiet })
    const env = await other.environments.get(envId)
    await other.environments.update(envId, { ...env, orgUrl: 'https://127.0.0.1:1' })
    // Not answered from the other org's cache: it goes to the new org (and fails there, as that org does not exist).
    await expect(other.schema.get(envId)).rejects.toMatchObject({ code: expect.stringMatching(/sign_in_failed|connection_refused|network_error/) })
  })

  it('loading by itself (signIn: false) never signs in or sends anything for an environment with no token; the cache still answers', async () => {
    const { services, envId, router } = await setup()
    const before = services.traffic.list().length
    await expect(router.invoke('schema.get', { environmentId: envId })).rejects.toMatchObject({ code: 'sign_in_required', message: expect.stringMatching(/Sign in to load the org's schema/) })
    await expect(router.invoke('schema.get', { environmentId: envId, refresh: true })).rejects.toMatchObject({ code: 'sign_in_required' })
    expect(services.traffic.list().length).toBe(before)
    // Once signed in, it loads; after a sign-out the cache still answers, with no background check.
    await services.auth.signIn(envId)
    expect((await router.invoke('schema.get', { environmentId: envId })).info.source).toBe('network')
    await services.auth.signOut(envId)
    const fresh = new Services({ dataDir: services.dataDir, secretBox: keyFileSecretBox(services.dataDir), appVersion: 'test', log: quiet })
    const cachedCount = fresh.traffic.list().length
    expect((await createRouter(fresh).invoke('schema.get', { environmentId: envId })).info.source).toBe('disk')
    await new Promise((r) => setTimeout(r, 50))
    expect(fresh.traffic.list().length).toBe(cachedCount)
  })

  it('says what to do when not signed in', async () => {
    const dir = tempDir()
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'test', log: quiet })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await services.environments.update(environment.id, { ...environment, auth: { grant: 'none' } })
    await expect(createRouter(services).invoke('schema.get', { environmentId: environment.id, signIn: true })).rejects.toMatchObject({ code: 'sign_in_required', message: expect.stringMatching(/401.*sign in/) })
  })
})

describe('schema changes', () => {
  it('a cached schema is checked with one small query and replaced when globalmetadataversion moves', async () => {
    let version = '1001'
    let metadataDownloads = 0
    const server = http.createServer((req, res) => {
      if (req.url?.endsWith('/$metadata')) {
        metadataDownloads++
        res.writeHead(200, { 'content-type': 'application/xml' }).end(buildCsdl())
      } else if (req.url?.startsWith('/api/data/v9.2/systemusers?')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ '@Microsoft.Dynamics.CRM.globalmetadataversion': version, value: [] }))
      } else res.writeHead(404).end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const orgUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const dir = tempDir()
      const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'test', log: quiet })
      const env = await services.environments.create({ name: 'Plain', orgUrl: 'https://example.crm.dynamics.com' })
      // The store only takes https org URLs; the test server is plain http, so point the stored env at it directly.
      services.schema['ports'].orgUrl = async () => orgUrl
      const first = await services.schema.get(env.id)
      expect(first.info.metadataVersion).toBe('1001')
      expect(metadataDownloads).toBe(1)
      expect(existsSync(services.schema.cacheFile(env.id))).toBe(true)

      const changed: string[] = []
      services.events.on('schema.changed', (p) => changed.push(p.environmentId))
      const restarted = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'test', log: quiet })
      restarted.schema['ports'].orgUrl = async () => orgUrl
      restarted.events.on('schema.changed', (p) => changed.push(p.environmentId))
      await restarted.schema.get(env.id, { background: false })
      expect(await restarted.schema.checkForChanges(env.id)).toBe(false)
      expect(metadataDownloads).toBe(1)

      version = '1002'
      expect(await restarted.schema.checkForChanges(env.id)).toBe(true)
      expect(metadataDownloads).toBe(2)
      expect(changed).toEqual([env.id])
      expect((await restarted.schema.get(env.id)).info.metadataVersion).toBe('1002')
    } finally {
      server.close()
    }
  })
})
