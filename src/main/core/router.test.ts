import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import forge from 'node-forge'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { methods, type MethodInput, type MethodName, type MethodOutput } from '../../shared/contract'
import { ensureSandboxEnvironment } from '../sandbox/environment'
import { startSandbox, type SandboxHarness } from '../testing/sandbox'
import { useTempDir } from '../testing/tempDir'
import { startHttpServer, type TestServer } from '../testing/testServer'
import { createRouter, type Router } from './router'
import { Services } from './services'
import { keyFileSecretBox } from './store/secretBox'
import { createSelfSignedRsa } from './tls/certificates'

const tempDir = useTempDir()

function router() {
  const dir = tempDir()
  const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: '1.2.3', log: { error: () => undefined } })
  return { services, router: createRouter(services) }
}

/** What every case can use: a router over real services, a Sandbox org signed in with client credentials, a loopback server. */
interface Ctx {
  r: Router
  services: Services
  sb: SandboxHarness
  server: TestServer
  /** A plain environment with a secret variable `apiKey`. */
  envId: string
  /** The Sandbox environment, client credentials with the demo secret. */
  sandboxEnvId: string
}

/** One valid input (its output must validate against the contract's output schema) and one invalid input (answered invalid_input). */
interface Case<M extends MethodName> {
  valid(ctx: Ctx): MethodInput<M> | Promise<MethodInput<M>>
  invalid: unknown
  /** What the valid call must have done, beyond the output's shape. */
  check?(output: MethodOutput<M>, ctx: Ctx): void | Promise<void>
}

/** A fresh environment for the cases that delete or change one. */
async function throwaway(ctx: Ctx, name: string): Promise<string> {
  return (await ctx.r.invoke('env.create', { name, orgUrl: 'https://throwaway.crm.dynamics.com' })).id
}

/** A collection in a fresh folder with one request ("Who am I" at the root). */
async function collection(ctx: Ctx): Promise<{ dir: string; path: string; hash: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'orgbench-router-collection-'))
  await ctx.r.invoke('collection.create', { dir, name: 'Router' })
  const { path, hash } = await ctx.r.invoke('collection.add', { dir, request: { name: 'Who am I', method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
  return { dir, path, hash }
}

const POSTMAN = JSON.stringify({
  info: { name: 'From Postman', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
  item: [{ name: 'Folder', item: [{ name: 'Accounts', request: { method: 'GET', url: '{{webApiUrl}}/accounts' } }] }],
  variable: [{ key: 'top', value: '5' }]
})

/** A Sandbox environment that signs in as the demo user with the password grant: Global Discovery needs a user. */
async function passwordEnv(ctx: Ctx, name: string): Promise<string> {
  const { sb } = ctx
  const env = await ctx.r.invoke('env.create', {
    name,
    orgUrl: sb.info.orgUrl,
    cloud: 'custom',
    authorityUrl: sb.info.authority,
    tenant: sb.info.tenantId,
    caCertificatePem: sb.info.caCertificatePem,
    discoveryUrl: sb.info.discoveryUrl,
    auth: { grant: 'password', clientId: sb.info.clients.public, username: sb.info.user, password: { isSet: true, value: sb.info.password } }
  })
  return env.id
}

async function pfx(password: string): Promise<string> {
  const { certPem, keyPem } = await createSelfSignedRsa('router test')
  const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(keyPem), [forge.pki.certificateFromPem(certPem)], password, { algorithm: '3des' })
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary').toString('base64')
}

/**
 * A case for every method of the contract, typed so that a method added to the contract without a case
 * here does not compile (and the test below fails for it at run time too).
 */
const cases: { [M in MethodName]: Case<M> } = {
  'app.info': { valid: () => ({}), invalid: { extra: true }, check: (o) => expect(o).toMatchObject({ name: 'OrgBench', version: '1.2.3', secretStorage: { kind: 'key-file' } }) },
  'app.pickFolder': { valid: () => ({ title: 'Collection' }), invalid: { title: 5 }, check: (o) => expect(o.dir).toBe('/picked/Collection') },
  'settings.get': { valid: () => ({}), invalid: { theme: 'dark' } },
  'settings.update': { valid: () => ({ theme: 'dark' }), invalid: { theme: 'purple' }, check: (o) => expect(o.theme).toBe('dark') },

  'env.list': { valid: () => ({}), invalid: { all: true }, check: (o, ctx) => expect(o.environments.map((e) => e.id)).toEqual(expect.arrayContaining([ctx.envId, ctx.sandboxEnvId])) },
  'env.create': { valid: () => ({ name: 'Created', orgUrl: 'https://created.crm.dynamics.com/' }), invalid: { name: '', orgUrl: 'http://created.crm.dynamics.com' }, check: (o) => expect(o.orgUrl).toBe('https://created.crm.dynamics.com') },
  'env.update': {
    valid: (ctx) => ({ id: ctx.envId, environment: { name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com', label: 'DEV', variables: [{ key: 'apiKey', value: '', secret: true, isSet: true }] } }),
    invalid: { id: 42 },
    check: (o) => expect(o).toMatchObject({ label: 'DEV', variables: [{ key: 'apiKey', secret: true, isSet: true, value: '' }] })
  },
  'env.duplicate': { valid: (ctx) => ({ id: ctx.envId }), invalid: { id: '' }, check: (o) => expect(o.name).toBe('Dev (copy)') },
  'env.delete': { valid: async (ctx) => ({ id: await throwaway(ctx, 'Doomed') }), invalid: { id: 7 }, check: (o) => expect(o.deleted).toBe(true) },
  'env.setActive': { valid: (ctx) => ({ id: ctx.envId }), invalid: { id: 5 }, check: (o, ctx) => expect(o.activeId).toBe(ctx.envId) },
  'env.revealSecret': { valid: (ctx) => ({ id: ctx.envId, variable: 'apiKey' }), invalid: { variable: 'apiKey' }, check: (o) => expect(o.value).toBe('s3cret-api-key') },
  'env.dismissProblem': { valid: () => ({ file: '/no/such/file.json' }), invalid: { file: 1 }, check: (o) => expect(o.problems).toEqual([]) },

  'request.send': {
    valid: (ctx) => ({ requestId: 'r-valid', environmentId: ctx.envId, request: { method: 'GET', url: `${ctx.server.url}/echo?key={{apiKey}}` } }),
    invalid: { requestId: 'r-bad', environmentId: null, request: { method: 'BREW', url: 'https://x' } },
    check: (o) => expect(o).toMatchObject({ status: 200, body: { text: expect.stringContaining('key=s3cret-api-key') } })
  },
  'request.cancel': { valid: () => ({ requestId: 'nothing-running' }), invalid: {}, check: (o) => expect(o.cancelled).toBe(false) },

  'auth.signIn': {
    valid: (ctx) => ({ environmentId: ctx.sandboxEnvId, signInId: 'sign-in-valid' }),
    invalid: { environmentId: 'x' },
    check: (o, ctx) => expect(o).toMatchObject({ grant: 'client_credentials', accessToken: { kind: 'jwt', audience: ctx.sb.info.orgUrl } })
  },
  'auth.cancel': { valid: () => ({ signInId: 'nothing-running' }), invalid: { signInId: '' }, check: (o) => expect(o.cancelled).toBe(false) },
  'auth.status': {
    valid: async (ctx) => (await ctx.services.auth.accessToken(ctx.sandboxEnvId), { environmentId: ctx.sandboxEnvId }),
    invalid: { environmentId: ['x'] },
    check: (o) => expect(o.token).toMatchObject({ grant: 'client_credentials' })
  },
  'auth.signOut': { valid: async (ctx) => (await ctx.services.auth.accessToken(ctx.sandboxEnvId), { environmentId: ctx.sandboxEnvId }), invalid: { environmentId: null }, check: (o) => expect(o.signedOut).toBe(true) },
  'auth.accessToken': {
    valid: async (ctx) => (await ctx.services.auth.accessToken(ctx.sandboxEnvId), { environmentId: ctx.sandboxEnvId }),
    invalid: {},
    check: (o) => expect(o.accessToken).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
  },
  'auth.decode': {
    valid: async (ctx) => ({ token: await ctx.sb.appToken(), orgUrl: ctx.sb.info.orgUrl }),
    invalid: { token: 5 },
    check: (o) => expect(o).toMatchObject({ kind: 'jwt', identity: 'app', warnings: [] })
  },
  'auth.importPfx': { valid: async () => ({ pfxBase64: await pfx('pfx-pass'), password: 'pfx-pass' }), invalid: { pfxBase64: 'AAAA' }, check: (o) => expect(o.certificatePem).toContain('BEGIN CERTIFICATE') },
  'auth.discoverTenant': {
    valid: (ctx) => ({ orgUrl: ctx.sb.info.orgUrl, caCertificatePem: ctx.sb.info.caCertificatePem }),
    invalid: { orgUrl: 'contoso' },
    check: (o, ctx) => expect(o.tenantId).toBe(ctx.sb.info.tenantId)
  },

  'discovery.list': {
    valid: async (ctx) => ({ environmentId: await passwordEnv(ctx, 'Discovery list') }),
    invalid: { environmentId: '' },
    check: (o, ctx) => {
      expect(o.endpoint).toBe(ctx.sb.info.discoveryUrl)
      expect(o.user).toBe(ctx.sb.info.user)
      expect(o.orgs.map((org) => org.url).sort()).toEqual(ctx.sb.info.orgs.map((org) => org.orgUrl).sort())
    }
  },
  'discovery.create': {
    valid: async (ctx) => ({ environmentId: await passwordEnv(ctx, 'Discovery create'), orgUrls: [ctx.sb.info.orgs[1]!.orgUrl], group: 'Sandbox tenant' }),
    invalid: { environmentId: 'x', orgUrls: [] },
    check: (o, ctx) => {
      expect(o.created).toHaveLength(1)
      expect(o.created[0]).toMatchObject({ orgUrl: ctx.sb.info.orgs[1]!.orgUrl, group: 'Sandbox tenant', label: 'PROD', auth: { grant: 'password', password: { isSet: true } } })
    }
  },
  'doctor.run': {
    valid: (ctx) => ({ environmentId: ctx.sandboxEnvId }),
    invalid: { environmentId: 7 },
    check: (o) => {
      expect(o.checks.map((c) => [c.id, c.status])).toEqual([['org', 'passed'], ['authority', 'passed'], ['token', 'passed'], ['claims', 'passed'], ['whoami', 'passed'], ['permissions', 'passed']])
      expect(o.healthy).toBe(true)
    }
  },
  'sandbox.info': { valid: () => ({}), invalid: { reset: true }, check: (o, ctx) => expect(o).toMatchObject({ sandbox: { orgUrl: ctx.sb.info.orgUrl }, environmentId: ctx.sandboxEnvId }) },
  'sandbox.reset': { valid: () => ({}), invalid: { hard: true }, check: (o) => expect(o.reset).toBe(true) },
  'sandbox.setLimits': { valid: () => ({ limits: null }), invalid: { limits: { requests: 0 } }, check: (o) => expect(o.limits).toBeNull() },

  'schema.get': {
    valid: (ctx) => ({ environmentId: ctx.sandboxEnvId, signIn: true }),
    invalid: { environmentId: 'x', refresh: 'yes' },
    check: (o) => expect(o.info.counts.entitySets).toBeGreaterThan(0)
  },

  'traffic.list': { valid: () => ({}), invalid: { since: 0 }, check: (o) => expect(o.entries.length).toBeGreaterThan(0) },
  'traffic.get': {
    valid: async (ctx) => {
      await ctx.r.invoke('request.send', { requestId: 'r-for-get', environmentId: null, request: { method: 'GET', url: `${ctx.server.url}/json` } })
      return { id: ctx.services.traffic.list().at(-1)!.id }
    },
    invalid: { id: 'x', reveal: 'yes' },
    check: (o, ctx) => expect(o.url).toBe(`${ctx.server.url}/json`)
  },
  'traffic.search': {
    valid: async (ctx) => {
      await ctx.r.invoke('request.send', { requestId: 'r-for-search', environmentId: null, request: { method: 'GET', url: `${ctx.server.url}/json` } })
      return { queries: [{ kind: 'header', name: 'Content-Type', value: 'JSON' }, { kind: 'body', text: 'no such text in any body \u2603' }] }
    },
    invalid: { queries: [{ kind: 'body', text: '' }] },
    check: (o, ctx) => {
      expect(o.ids[0]).toContain(ctx.services.traffic.list().at(-1)!.id)
      expect(o.ids[1]).toEqual([])
    }
  },
  'traffic.exportHar': {
    valid: async (ctx) => {
      await ctx.r.invoke('request.send', { requestId: 'r-for-har', environmentId: null, request: { method: 'GET', url: `${ctx.server.url}/json` } })
      return { ids: [ctx.services.traffic.list().at(-1)!.id] }
    },
    invalid: { ids: 'all' },
    check: (o, ctx) => {
      expect(o).toMatchObject({ count: 1, masked: true, fileName: expect.stringMatching(/\.har$/) })
      expect(JSON.parse(o.text).log.entries[0].request.url).toBe(`${ctx.server.url}/json`)
    }
  },
  'traffic.importHar': {
    valid: () => ({ text: JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries: [{ startedDateTime: '2026-01-02T03:04:05.678Z', time: 5, request: { method: 'GET', url: 'https://org.crm.dynamics.com/api/data/v9.2/WhoAmI', headers: [] }, response: { status: 200, statusText: 'OK', headers: [], content: { size: 2, mimeType: 'application/json', text: '{}' } } }] } }), name: 'From Chrome' }),
    invalid: { text: '' },
    check: (o) => expect(o).toMatchObject({ name: 'From Chrome', count: 1, creator: 'WebInspector 537.36' })
  },
  'traffic.closeSession': {
    valid: async (ctx) => ({ sessionId: (await ctx.r.invoke('traffic.importHar', { text: '{"log":{"entries":[]}}' })).sessionId }),
    invalid: { sessionId: '' },
    check: (o) => expect(o.closed).toBe(true)
  },
  'traffic.clear': { valid: () => ({}), invalid: { keep: 1 }, check: (o) => expect(o.cleared).toBeGreaterThan(0) },
  'traffic.signIn': {
    valid: async (ctx) => {
      await ctx.services.auth.signIn(ctx.sandboxEnvId)
      await ctx.r.invoke('request.send', { requestId: 'r-after-sign-in', environmentId: ctx.sandboxEnvId, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
      return { signInId: ctx.services.traffic.list().filter((e) => e.signInId).at(-1)!.signInId! }
    },
    invalid: { signInId: '' },
    check: (o) => {
      expect(o.legs.map((l) => [l.from, l.to])).toContainEqual(['app', 'authority'])
      expect(o.legs.at(-1)).toMatchObject({ from: 'app', to: 'org' })
      expect(o.checks.find((c) => c.name === 'audience')).toMatchObject({ status: 'passed' })
      expect(o.checks.find((c) => c.name === 'PKCE')).toMatchObject({ status: 'skipped' })
    }
  },
  'traffic.replay': {
    valid: async (ctx) => {
      await ctx.r.invoke('request.send', { requestId: 'r-for-replay', environmentId: ctx.sandboxEnvId, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
      return { id: ctx.services.traffic.list().filter((e) => e.url.endsWith('/WhoAmI')).at(-1)!.id, requestId: 'replayed' }
    },
    invalid: { id: 'x' },
    check: (o, ctx) => {
      expect(o.status).toBe(200)
      expect(ctx.services.traffic.get(o.entryId)!.url).toMatch(/\/WhoAmI$/)
    }
  },
  'traffic.tokens': {
    valid: async (ctx) => {
      await ctx.r.invoke('request.send', { requestId: 'r-for-tokens', environmentId: ctx.sandboxEnvId, request: { method: 'GET', url: '{{webApiUrl}}/WhoAmI' } })
      return { id: ctx.services.traffic.list().filter((e) => e.url.endsWith('/WhoAmI')).at(-1)!.id }
    },
    invalid: { id: '' },
    check: (o, ctx) => {
      expect(o.orgUrl).toBe(ctx.sb.info.orgUrl)
      expect(o.tokens[0]).toMatchObject({ where: 'request header Authorization', audienceMatches: true, decoded: { kind: 'jwt', identity: 'app' } })
      // Decoded claims only: the token itself does not cross.
      expect(JSON.stringify(o)).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/)
    }
  },

  'collection.list': { valid: async (ctx) => (await collection(ctx), {}), invalid: { all: 1 }, check: (o) => expect(o.collections.some((c) => c.name === 'Router' && c.available)).toBe(true) },
  'collection.create': { valid: () => ({ dir: join(mkdtempSync(join(tmpdir(), 'orgbench-router-')), 'New'), name: 'New one' }), invalid: { dir: '' }, check: (o) => expect(o).toMatchObject({ name: 'New one', requestCount: 0 }) },
  'collection.open': { valid: async (ctx) => ({ dir: (await collection(ctx)).dir }), invalid: { dir: 5 }, check: (o) => expect(o.requestCount).toBe(1) },
  'collection.close': { valid: async (ctx) => ({ dir: (await collection(ctx)).dir }), invalid: {}, check: (o) => expect(o.closed).toBe(true) },
  'collection.tree': { valid: async (ctx) => ({ dir: (await collection(ctx)).dir }), invalid: { dir: null }, check: (o) => expect(o.root.children[0]).toMatchObject({ kind: 'request', name: 'Who am I' }) },
  'collection.update': {
    valid: async (ctx) => ({ dir: (await collection(ctx)).dir, variables: [{ key: 'top', value: '3' }] }),
    invalid: { dir: '/x', variables: [{ key: '1bad' }] },
    check: (o) => expect(o.variables).toEqual([{ key: 'top', value: '3', enabled: true }])
  },
  'collection.read': { valid: async (ctx) => collection(ctx), invalid: { dir: '/x' }, check: (o) => expect(o).toMatchObject({ request: { name: 'Who am I', auth: { mode: 'inherit' } }, hash: expect.any(String) }) },
  'collection.save': {
    valid: async (ctx) => {
      const { dir, path, hash } = await collection(ctx)
      return { dir, path, baseHash: hash, request: { name: 'Who am I', method: 'GET', url: '{{webApiUrl}}/WhoAmI()' } }
    },
    invalid: { dir: '/x', path: 'a.request.yaml', request: { name: '', method: 'GET', url: '' }, baseHash: null },
    check: (o) => expect(o.path).toBe('Who am I.request.yaml')
  },
  'collection.add': { valid: async (ctx) => ({ dir: (await collection(ctx)).dir, request: { name: 'Second', method: 'GET', url: 'https://x' } }), invalid: { dir: '/x', request: {} }, check: (o) => expect(o.path).toBe('Second.request.yaml') },
  'collection.newFolder': { valid: async (ctx) => ({ dir: (await collection(ctx)).dir, name: 'Accounts' }), invalid: { dir: '/x', name: '' }, check: (o) => expect(o.path).toBe('Accounts') },
  'collection.rename': { valid: async (ctx) => ({ ...(await collection(ctx)), name: 'WhoAmI' }), invalid: { dir: '/x', path: 'p', name: '' }, check: (o) => expect(o.path).toBe('WhoAmI.request.yaml') },
  'collection.move': {
    valid: async (ctx) => {
      const { dir, path } = await collection(ctx)
      await ctx.r.invoke('collection.newFolder', { dir, name: 'F' })
      return { dir, path, toFolder: 'F' }
    },
    invalid: { dir: '/x', path: 'p', toFolder: 'F', index: -1 },
    check: (o) => expect(o.path).toBe('F/Who am I.request.yaml')
  },
  'collection.duplicate': { valid: async (ctx) => collection(ctx), invalid: { dir: '/x' }, check: (o) => expect(o.path).toBe('Who am I (copy).request.yaml') },
  'collection.delete': { valid: async (ctx) => collection(ctx), invalid: { path: 'x' }, check: (o) => expect(o).toMatchObject({ trash: 'collection', undoToken: expect.any(String) }) },
  'collection.undoDelete': {
    valid: async (ctx) => {
      const { dir, path } = await collection(ctx)
      return { dir, token: (await ctx.r.invoke('collection.delete', { dir, path })).undoToken! }
    },
    invalid: { dir: '/x', token: '' },
    check: (o) => expect(o.path).toBe('Who am I.request.yaml')
  },
  'collection.search': { valid: async (ctx) => ({ query: 'whoami', dir: (await collection(ctx)).dir }), invalid: { query: 1 }, check: (o) => expect(o.hits[0]).toMatchObject({ name: 'Who am I' }) },
  'collection.import': {
    valid: () => ({ format: 'postman', text: POSTMAN, dir: join(mkdtempSync(join(tmpdir(), 'orgbench-router-')), 'Imported') }),
    invalid: { format: 'bruno', text: '', dir: '/x' },
    check: (o) => expect(o).toMatchObject({ name: 'From Postman', requests: 1, folders: 1, warnings: [] })
  },
  'collection.export': {
    valid: async (ctx) => ({ dir: (await collection(ctx)).dir, format: 'postman' }),
    invalid: { dir: '/x', format: 'insomnia' },
    check: (o) => expect(JSON.parse(o.text)).toMatchObject({ info: { name: 'Router' }, item: [{ name: 'Who am I', request: { method: 'GET', url: { raw: '{{webApiUrl}}/WhoAmI' } } }] })
  },
  'request.fromCurl': {
    valid: () => ({ command: `curl -H 'Accept: application/json' https://contoso.crm.dynamics.com/api/data/v9.2/WhoAmI` }),
    invalid: { command: '' },
    check: (o) => expect(o.request).toMatchObject({ method: 'GET', headers: [{ key: 'Accept', value: 'application/json' }] })
  },
  'request.code': {
    valid: (ctx) => ({ request: { name: 'K', method: 'GET', url: 'https://example.test/?k={{apiKey}}' }, target: 'python', environmentId: ctx.envId }),
    invalid: { request: {}, target: 'cobol', environmentId: null },
    check: (o) => {
      expect(o.code).toContain('os.environ["API_KEY"]')
      expect(o.code).not.toContain('s3cret-api-key')
    }
  },
  'env.exportFile': {
    valid: (ctx) => ({ id: ctx.envId }),
    invalid: { id: '' },
    check: (o) => {
      expect(o.fileName).toMatch(/\.orgbench-env\.json$/)
      // Secrets stay out unless asked for.
      expect(o.text).not.toContain('s3cret-api-key')
    }
  },
  'env.importFile': {
    valid: async (ctx) => ({ text: (await ctx.r.invoke('env.exportFile', { id: ctx.envId, includeSecrets: true })).text.replace(/"name": "[^"]*"/, '"name": "Imported copy"') }),
    invalid: { text: '' },
    check: async (o, ctx) => {
      expect(o).toMatchObject({ replaced: false, environment: { name: 'Imported copy' } })
      expect(await ctx.r.invoke('env.revealSecret', { id: o.environment.id, variable: 'apiKey' })).toEqual({ value: 's3cret-api-key' })
    }
  },
  'env.fromPostman': {
    valid: () => ({ text: JSON.stringify({ name: 'PM', values: [{ key: 'url', value: 'https://pm.crm.dynamics.com', enabled: true }] }) }),
    invalid: { text: 5 },
    check: (o) => expect(o.environment).toMatchObject({ name: 'PM', orgUrl: 'https://pm.crm.dynamics.com' })
  },
  'history.list': {
    valid: async (ctx) => {
      await ctx.r.invoke('request.send', { requestId: 'r-history', environmentId: null, request: { method: 'GET', url: `${ctx.server.url}/json` }, name: 'For history' })
      return { query: 'for history' }
    },
    invalid: { limit: 0 },
    check: (o) => expect(o.entries[0]).toMatchObject({ name: 'For history', status: 200 })
  },
  'history.get': {
    valid: async (ctx) => {
      await ctx.r.invoke('request.send', { requestId: 'r-history-get', environmentId: null, request: { method: 'GET', url: `${ctx.server.url}/json` } })
      return { id: (await ctx.r.invoke('history.list', {})).entries[0]!.id }
    },
    invalid: { id: '' },
    check: (o, ctx) => expect(o).toMatchObject({ url: `${ctx.server.url}/json`, status: 200, response: { body: expect.stringContaining('UserId') } })
  },
  'history.clear': { valid: () => ({}), invalid: { all: true }, check: (o) => expect(o.cleared).toBeGreaterThan(0) },
  'tabs.load': {
    valid: async (ctx) => (await ctx.r.invoke('tabs.save', { tabs: [{ id: 't1', request: { name: 'Draft', method: 'GET', url: '{{webApiUrl}}/WhoAmI' } }], activeId: 't1' }), {}),
    invalid: { tabs: [] },
    check: (o) => expect(o).toEqual({ state: { activeId: 't1', tabs: [expect.objectContaining({ id: 't1', modified: false, source: null })] }, problem: null })
  },
  'tabs.save': { valid: () => ({ tabs: [], activeId: null }), invalid: { tabs: [{ id: '' }] }, check: (o) => expect(o.encrypted).toBe(false) }
}

describe('every method of the contract', () => {
  let ctx: Ctx
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orgbench-router-'))
    const sb = await startSandbox()
    const server = await startHttpServer()
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: '1.2.3', log: { error: () => undefined }, trash: 'collection', pickFolder: async (title) => `/picked/${title}` })
    services.attachSandbox({ info: () => sb.info, reset: () => sb.server.reset(), setLimits: (limits) => sb.server.setLimits(limits) })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await services.environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })
    const r = createRouter(services)
    const dev = await r.invoke('env.create', { name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com', variables: [{ key: 'apiKey', value: 's3cret-api-key', secret: true }] })
    ctx = { r, services, sb, server, envId: dev.id, sandboxEnvId: environment.id }
  })
  afterAll(async () => {
    await ctx?.services.close()
    await ctx?.server.close()
    await ctx?.sb.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('has a case for every method, and none for a method the contract does not have', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(methods).sort())
  })

  for (const method of Object.keys(methods) as MethodName[]) {
    it(`${method}: a valid input is answered with output the contract accepts; an invalid one with invalid_input`, async () => {
      const c = cases[method] as Case<MethodName> | undefined
      if (!c) throw new Error(`No case for "${method}" in router.test.ts: add one (a valid input, an invalid input).`)
      const result = await ctx.r.call(method, await c.valid(ctx))
      if (!result.ok) throw new Error(`${method} answered ${result.error.code}: ${result.error.message}`)
      const output = methods[method].output.safeParse(result.value)
      expect(output.error?.issues ?? [], `${method}'s output against its schema`).toEqual([])
      await c.check?.(output.data as never, ctx)
      const bad = await ctx.r.call(method, c.invalid)
      expect(bad, `${method} with ${JSON.stringify(c.invalid)}`).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.any(String) } })
    })
  }
})

describe('router', () => {
  it('rejects an unknown method and invalid input as typed errors', async () => {
    const { router: r } = router()
    expect(await r.call('fs.readFile', { path: '/etc/passwd' })).toEqual({ ok: false, error: { code: 'invalid_input', message: 'Unknown method "fs.readFile".' } })
    const bad = await r.call('env.update', { id: 42 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('id'), detail: { issues: expect.any(Array) } } })
    expect(await r.call('app.info', { extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('passes AppErrors through and wraps anything else as internal', async () => {
    const { router: r, services } = router()
    expect(await r.call('traffic.get', { id: 'missing' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    services.traffic.list = () => {
      throw new TypeError('boom')
    }
    expect(await r.call('traffic.list', {})).toEqual({ ok: false, error: { code: 'internal', message: 'Something went wrong in traffic.list: boom' } })
  })

  it('makes a new environment active, and forgets the active one when it is deleted', async () => {
    const { router: r } = router()
    const env = await r.invoke('env.create', { name: 'Dev', orgUrl: 'https://dev.crm.dynamics.com' })
    expect((await r.invoke('env.list', {})).activeId).toBe(env.id)
    await r.invoke('settings.update', { theme: 'dark' })
    expect((await r.invoke('env.list', {})).activeId).toBe(env.id)
    await r.invoke('env.delete', { id: env.id })
    expect((await r.invoke('env.list', {})).activeId).toBeNull()
    await expect(r.invoke('env.setActive', { id: env.id })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('says where there is no folder picker (the CLI, the browser harness): the path is typed instead', async () => {
    const dir = tempDir()
    const r = createRouter(new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: '1', log: { error: () => undefined } }))
    expect(await r.call('app.pickFolder', {})).toMatchObject({ ok: false, error: { code: 'not_supported', message: expect.stringContaining('type or paste') } })
  })

  it('reports a corrupt settings file and falls back to defaults', async () => {
    const dir = tempDir()
    const { writeFileSync } = await import('node:fs')
    writeFileSync(`${dir}/settings.json`, '{"schemaVersion":1,"theme":"purple"}')
    const r = createRouter(new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: '1', log: { error: () => undefined } }))
    expect(await r.invoke('settings.get', {})).toMatchObject({ theme: 'system', requestTimeoutMs: 30000 })
    const { problems } = await r.invoke('env.list', {})
    expect(problems[0]).toMatchObject({ file: expect.stringContaining('settings.json'), reason: expect.stringContaining('theme') })
  })

  it('cancels an in-flight request by its id', async () => {
    const { router: r } = router()
    const { startHttpServer } = await import('../testing/testServer')
    const server = await startHttpServer()
    try {
      const pending = r.call('request.send', { requestId: 'r1', environmentId: null, request: { method: 'GET', url: `${server.url}/slow?ms=3000` } })
      await new Promise((ok) => setTimeout(ok, 50))
      expect(await r.invoke('request.cancel', { requestId: 'r1' })).toEqual({ cancelled: true })
      expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } })
      expect(await r.invoke('request.cancel', { requestId: 'r1' })).toEqual({ cancelled: false })
    } finally {
      await server.close()
    }
  })

  it('explains a malformed org URL for tenant discovery instead of failing inside', async () => {
    const { router: r } = router()
    expect(await r.call('auth.discoverTenant', { orgUrl: 'contoso.crm.dynamics.com' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('is not a URL') } })
    expect(await r.call('auth.discoverTenant', { orgUrl: 'http://contoso.crm.dynamics.com' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('must use https') } })
  })

  it('explains an org that does not answer like Dataverse', async () => {
    const { router: r } = router()
    const { startHttpsServer } = await import('../testing/testServer')
    const { createCertificateAuthority, issueServerCertificate } = await import('./tls/certificates')
    const ca = await createCertificateAuthority('router test')
    const cert = await issueServerCertificate(ca, ['127.0.0.1'])
    const server = await startHttpsServer(cert.certPem, cert.keyPem)
    try {
      expect(await r.call('auth.discoverTenant', { orgUrl: server.url, caCertificatePem: ca.certPem })).toMatchObject({ ok: false, error: { code: 'sign_in_failed', message: expect.stringContaining('did not answer with a Dataverse sign-in challenge (status 404)') } })
    } finally {
      await server.close()
    }
  })
})

