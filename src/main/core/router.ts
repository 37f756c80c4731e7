import { type z } from 'zod'
import { methods, isMethodName, type MethodName, type MethodInput, type MethodOutput, type EventName, type EventPayload } from '../../shared/contract'
import { AppError, type Result } from '../../shared/errors'
import { decodeToken } from './auth/jwt'
import { exportHar } from './capture/har'
import { findTokens } from './capture/tokens'
import { replayRequest } from './capture/replay'
import { signInSequence } from './capture/signInSequence'
import { pfxToPem } from './tls/pkcs12'
import { codeFor, exportCollection, importCollection, parseCurl } from './collections/api'
import { importPostmanEnvironment } from './collections/transfer/postmanEnvironment'
import type { Services } from './services'
import { orgDiscoveryFor, type OrgDiscovery } from './discovery/orgs'
import { doctorPortsFor, runDoctor } from './doctor'

type Handlers = { [M in MethodName]: (input: z.output<(typeof methods)[M]['input']>) => Promise<MethodOutput<M>> }

export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/**
 * The contract bound to the services: one `call(method, input)` for every transport.
 * Inputs are validated here; every failure comes back as `{ ok: false, error: { code, message, detail } }`.
 */
export interface Router {
  call(method: string, input: unknown): Promise<Result<unknown>>
  /** Typed convenience for in-process callers (tests, CLI). Throws AppError. */
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
}

export function createRouter(services: Services): Router {
  const handlers = createHandlers(services)
  async function call(method: string, input: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) return { ok: false, error: { code: 'invalid_input', message: `Unknown method "${String(method).slice(0, 80)}".` } }
    const parsed = methods[method].input.safeParse(input ?? {})
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
      const first = issues[0]
      return {
        ok: false,
        error: { code: 'invalid_input', message: first ? `${first.path ? first.path + ': ' : ''}${first.message}` : 'Invalid input.', detail: { issues } }
      }
    }
    try {
      const handler = handlers[method] as (input: unknown) => Promise<unknown>
      return { ok: true, value: await handler(parsed.data) }
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toShape() }
      services.log.error(`${method} failed`, error)
      return { ok: false, error: { code: 'internal', message: `Something went wrong in ${method}: ${(error as Error)?.message ?? String(error)}` } }
    }
  }
  return {
    call,
    async invoke(method, input) {
      const result = await call(method, input)
      if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error.detail)
      return result.value as never
    }
  }
}

function createHandlers(s: Services): Handlers {
  let discovery: OrgDiscovery | null = null
  const orgs = () => (discovery ??= orgDiscoveryFor(s))
  return {
    'app.info': async () => s.appInfo(),
    'app.pickFolder': async ({ title }) => ({ dir: await s.pickFolder(title) }),
    'settings.get': () => s.settings.get(),
    'settings.update': async (patch) => {
      const settings = await s.settings.update(patch)
      s.applyTrafficLimits(settings)
      return settings
    },

    'env.list': () => s.listEnvironments(),
    'env.create': async (input) => {
      const env = await s.environments.create(input)
      await s.settings.update({ activeEnvironmentId: env.id })
      return env
    },
    'env.update': ({ id, environment }) => s.environments.update(id, environment),
    'env.duplicate': ({ id }) => s.environments.duplicate(id),
    'env.delete': async ({ id }) => {
      const deleted = await s.environments.delete(id)
      const settings = await s.settings.get()
      if (settings.activeEnvironmentId === id) await s.settings.update({ activeEnvironmentId: null })
      return { deleted }
    },
    'env.setActive': async ({ id }) => {
      if (id !== null) await s.environments.get(id)
      const settings = await s.settings.update({ activeEnvironmentId: id })
      return { activeId: settings.activeEnvironmentId }
    },
    'env.revealSecret': async ({ id, variable }) => ({ value: await s.environments.revealVariable(id, variable) }),
    'env.dismissProblem': async ({ file }) => ({ problems: s.dismissProblem(file) }),

    'request.send': ({ requestId, environmentId, request, auth, collection, name }) => s.sendRequest(requestId, environmentId, request, auth, {}, { collection, name }),
    'request.cancel': async ({ requestId }) => ({ cancelled: s.cancelRequest(requestId) }),

    'auth.signIn': ({ environmentId, signInId }) => s.auth.signIn(environmentId, signInId),
    'auth.cancel': async ({ signInId }) => ({ cancelled: s.auth.cancel(signInId) }),
    'auth.status': async ({ environmentId }) => ({ token: await s.auth.status(environmentId) }),
    'auth.signOut': async ({ environmentId }) => ({ signedOut: await s.auth.signOut(environmentId) }),
    'auth.accessToken': async ({ environmentId }) => ({ accessToken: await s.auth.rawAccessToken(environmentId) }),
    'auth.decode': async ({ token, orgUrl }) => decodeToken(token, { orgUrl }),
    'auth.importPfx': async ({ pfxBase64, password }) => pfxToPem(Buffer.from(pfxBase64, 'base64'), password),
    'auth.discoverTenant': ({ orgUrl, caCertificatePem }) => s.auth.discoverTenant(orgUrl, caCertificatePem),

    'discovery.list': ({ environmentId }) => orgs().list(environmentId),
    'discovery.create': (input) => orgs().create(input),
    'doctor.run': ({ environmentId }) => runDoctor(doctorPortsFor(s), environmentId),
    'sandbox.info': () => s.sandboxInfo(),
    'sandbox.reset': async () => ({ reset: s.resetSandbox() }),
    'sandbox.setLimits': async ({ limits }) => ({ limits: s.setSandboxLimits(limits) }),

    'schema.get': ({ environmentId, refresh, signIn }) => s.schema.get(environmentId, { refresh, signIn }),
    'traffic.list': async ({ sessionId }) => ({ entries: s.trafficSessions.log(sessionId, s.traffic).list() }),
    'traffic.get': async ({ id, reveal, whole, sessionId }) => {
      const log = s.trafficSessions.log(sessionId, s.traffic)
      const entry = whole ? await log.getWhole(id, reveal) : log.get(id, reveal)
      if (!entry) throw new AppError('not_found', 'That traffic entry is no longer in the log (it was cleared or dropped as the oldest).')
      return entry
    },
    'traffic.clear': async () => ({ cleared: s.traffic.clear() }),
    'traffic.signIn': async ({ signInId, sessionId }) => {
      const log = s.trafficSessions.log(sessionId, s.traffic)
      const summaries = log.list()
      const mine = summaries.filter((e) => e.signInId === signInId)
      if (!mine.length) throw new AppError('not_found', 'That sign-in\'s entries are no longer in the log.')
      const entries = mine.map((e) => log.get(e.id, true)).filter((e): e is NonNullable<typeof e> => e !== null)
      const last = mine[mine.length - 1]!
      // The org's first answer to the new token: the next API call of the same environment.
      const api = summaries.find((e) => e.seq > last.seq && e.kind === 'api' && e.environmentId === last.environmentId)
      const env = last.environmentId ? await s.environments.get(last.environmentId).catch(() => null) : null
      return signInSequence(entries, api ? log.get(api.id, true) : null, env?.orgUrl ?? null)
    },
    'traffic.replay': async ({ id, sessionId, requestId }) => {
      const entry = s.trafficSessions.log(sessionId, s.traffic).get(id, true)
      if (!entry) throw new AppError('not_found', 'That traffic entry is no longer in the log (it was cleared or dropped as the oldest).')
      const { spec, auth } = replayRequest(entry)
      const environmentId = entry.environmentId && (await s.environments.get(entry.environmentId).catch(() => null)) ? entry.environmentId : null
      return s.sendRequest(requestId, environmentId, spec, auth, {}, { name: `Replay of #${entry.seq}` })
    },
    'traffic.tokens': async ({ id, sessionId }) => {
      const entry = s.trafficSessions.log(sessionId, s.traffic).get(id, true)
      if (!entry) throw new AppError('not_found', 'That traffic entry is no longer in the log (it was cleared or dropped as the oldest).')
      const env = entry.environmentId ? await s.environments.get(entry.environmentId).catch(() => null) : null
      const orgUrl = env?.orgUrl ?? null
      const tokens = findTokens(entry).map(({ where, token }) => {
        const decoded = decodeToken(token, { orgUrl: orgUrl ?? undefined })
        const audienceMatches = orgUrl && decoded.kind === 'jwt' && decoded.audience !== null ? audienceIsOrg(decoded.audience, orgUrl) : null
        return { where, decoded, audienceMatches }
      })
      return { orgUrl, tokens }
    },
    'traffic.search': async ({ queries, sessionId }) => ({ ids: await s.trafficSessions.log(sessionId, s.traffic).search(queries) }),
    'traffic.exportHar': async ({ ids, sessionId, reveal }) => {
      const { text, count } = await exportHar(s.trafficSessions.log(sessionId, s.traffic), { ...(ids ? { ids } : {}), reveal, appVersion: s.appInfo().version })
      return { text, count, masked: !reveal, fileName: `orgbench-traffic-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.har` }
    },
    'traffic.importHar': async ({ text, name }) => s.trafficSessions.import(text, name),
    'traffic.closeSession': async ({ sessionId }) => ({ closed: s.trafficSessions.close(sessionId) }),

    'collection.list': async () => ({ collections: await s.collections.list() }),
    'collection.create': ({ dir, name }) => s.collections.create(dir, name),
    'collection.open': ({ dir }) => s.collections.openDir(dir),
    'collection.close': async ({ dir }) => ({ closed: await s.collections.close(dir) }),
    'collection.tree': ({ dir }) => s.collections.tree(dir),
    'collection.update': async ({ dir, name, variables }) => {
      const c = await s.collections.get(dir)
      await c.updateSettings({ name, variables })
      return c.tree()
    },
    'collection.read': async ({ dir, path }) => (await s.collections.get(dir)).read(path),
    'collection.save': async ({ dir, path, request, baseHash }) => (await s.collections.get(dir)).save(path, request, baseHash),
    'collection.add': async ({ dir, folder, request }) => (await s.collections.get(dir)).add(folder, request),
    'collection.newFolder': async ({ dir, parent, name }) => (await s.collections.get(dir)).newFolder(parent, name),
    'collection.rename': async ({ dir, path, name }) => (await s.collections.get(dir)).rename(path, name),
    'collection.move': async ({ dir, path, toFolder, index }) => (await s.collections.get(dir)).move(path, toFolder, index),
    'collection.duplicate': async ({ dir, path }) => (await s.collections.get(dir)).duplicate(path),
    'collection.delete': async ({ dir, path }) => (await s.collections.get(dir)).delete(path),
    'collection.undoDelete': async ({ dir, token }) => (await s.collections.get(dir)).undoDelete(token),
    'collection.search': async ({ query, dir, limit }) => ({ hits: await s.collections.search(query, { dir, limit }) }),
    'collection.import': ({ format, text, dir }) => importCollection(s, format, text, dir),
    'collection.export': ({ dir }) => exportCollection(s, dir),
    'request.fromCurl': async ({ command }) => parseCurl(command),
    'request.code': (input) => codeFor(s, input),
    'env.exportFile': async ({ id, includeSecrets }) => {
      const portable = await s.environments.exportPortable(id, includeSecrets)
      return { text: JSON.stringify(portable, null, 2) + '\n', fileName: `${portable.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'environment'}.orgbench-env.json` }
    },
    'env.importFile': async ({ text }) => {
      let raw: unknown
      try {
        raw = JSON.parse(text)
      } catch (error) {
        throw new AppError('invalid_json', `The file is not valid JSON: ${(error as Error).message}`)
      }
      return s.environments.importPortable(raw)
    },
    'env.fromPostman': async ({ text, orgUrl }) => {
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (error) {
        throw new AppError('invalid_json', `The Postman environment is not valid JSON: ${(error as Error).message}`)
      }
      return importPostmanEnvironment(json, orgUrl)
    },
    'history.list': ({ query, limit, offset }) => s.history.list({ query, limit, offset }),
    'history.get': ({ id }) => s.history.get(id),
    'history.clear': async () => ({ cleared: await s.history.clear() }),
    'tabs.load': () => s.tabs.load(),
    'tabs.save': (state) => s.tabs.save(state)
  }
}

/** A token is for the org when its aud is the org URL (with or without the trailing slash) — Dataverse's own rule. */
function audienceIsOrg(audience: string, orgUrl: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase()
  return norm(audience) === norm(orgUrl)
}
