import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { BodyTooLarge, guardListener, listenerLimits, readBody, readRequestTarget, sendPlain, serverOptions, type ListenerLimits } from '../core/net/listener'
import type { RequestTarget } from '../core/net/requestTarget'
import { dv } from './errors'
import { IdentityProvider } from './identity'
import { ensurePki, type SandboxPki } from './pki'
import { DEMO, loadSeed, type Seed } from './seed'
import { TokenSigner } from './tokens'
import type { SandboxInfo, SandboxLimits, SandboxLimitsInput } from '../../shared/sandbox'
import { json, type SandboxRequest, type SandboxResponse } from './webapi/http'
import { SandboxOrg } from './webapi/org'
import { handleWebApi, isWebApiPath, MAX_URL_LENGTH } from './webapi/routes'
import { ServiceProtection } from './webapi/protection'
import { sandboxOrgSpecs, type SandboxOrgSpec } from './orgs'
import { DISCOVERY_PREFIX, handleGlobalDiscovery, isDiscoveryPath, type DiscoveryContext } from './globalDiscovery'

export interface SandboxOptions {
  /** The OrgBench data folder; the Sandbox keeps its CA, keys, seed and data in `<dataDir>/sandbox`. */
  dataDir: string
  /** 0 picks a free port. A busy preferred port falls back to a free one. */
  port?: number
  /** Keep created records across restarts (default true). */
  persist?: boolean
  /** For tests: change seed values (e.g. a short device code interval) without editing seed.json. */
  seedOverrides?: Partial<Seed>
  now?: () => number
  /** For tests: shorter timeouts on both ports (the defaults are LISTENER_LIMITS, with room for Web API bodies). */
  limits?: Partial<ListenerLimits>
}

export type { SandboxInfo }

const MAX_WEB_API_BODY = 16 * 1024 * 1024
const MAX_IDENTITY_BODY = 1024 * 1024
type ParsedTarget = Extract<RequestTarget, { ok: true }>

type WebApiContext = Parameters<typeof handleWebApi>[1]

export class SandboxServer {
  private server: Server | null = null
  private pagesServer: HttpServer | null = null
  /** The orgs' Web APIs beyond the main one, each on a port of its own. */
  private orgServers: Server[] = []
  private org: SandboxOrg | null = null
  private otherOrgs: SandboxOrg[] = []
  private identity: IdentityProvider | null = null
  private info: SandboxInfo | null = null
  private readonly protection = new ServiceProtection()

  constructor(private readonly options: SandboxOptions) {}

  get running(): SandboxInfo | null {
    return this.info
  }

  async start(): Promise<SandboxInfo> {
    if (this.info) return this.info
    const dir = join(this.options.dataDir, 'sandbox')
    const pki = await ensurePki(dir)
    const loaded = await loadSeed(dir, pki.clientCertPem, pki.expiredCertPem)
    const seed: Seed = { ...loaded.seed, ...this.options.seedOverrides }
    const signer = await TokenSigner.create(pki.signingKeyPem, pki.signingCertPem, { lifetimeSeconds: seed.accessTokenLifetimeSeconds, ...(this.options.now ? { now: this.options.now } : {}) })
    const limits = listenerLimits({ maxConnections: 1024, ...this.options.limits })
    // Dataverse accepts URLs up to 32 KiB (a long $filter or fetchXml): the HTTPS port takes targets that long, and the
    // request line and headers that carry one. The sign-in pages port keeps the small limits.
    const httpsLimits = listenerLimits({ maxTargetLength: MAX_URL_LENGTH, maxHeaderBytes: limits.maxHeaderBytes + MAX_URL_LENGTH }, limits)
    const server = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem, ...serverOptions(httpsLimits) })
    const pagesServer = createHttpServer(serverOptions(limits))
    guardListener(server, httpsLimits)
    guardListener(pagesServer, limits)
    const port = await listen(server, this.options.port ?? 0)
    const pagesPort = await listen(pagesServer, this.options.port ? this.options.port + 1 : 0)
    const baseUrl = `https://127.0.0.1:${port}`
    const pagesUrl = `http://127.0.0.1:${pagesPort}`
    const orgUrl = baseUrl
    const specs = sandboxOrgSpecs(seed)
    // The other orgs: their own HTTPS port (the same certificate: it names 127.0.0.1), their own Web API and data.
    const others: { spec: SandboxOrgSpec; server: Server; orgUrl: string }[] = []
    for (const [i, spec] of specs.slice(1).entries()) {
      const orgServer = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem, ...serverOptions(httpsLimits) })
      guardListener(orgServer, httpsLimits)
      const orgPort = await listen(orgServer, this.options.port ? this.options.port + 2 + i : 0)
      others.push({ spec, server: orgServer, orgUrl: `https://127.0.0.1:${orgPort}` })
    }
    const discoveryResource = `${baseUrl}${DISCOVERY_PREFIX}`
    this.org = new SandboxOrg(seed, this.options.persist === false ? null : dir)
    this.identity = new IdentityProvider({ seed, baseUrl, pagesUrl, orgUrl, resources: [...others.map((o) => o.orgUrl), discoveryResource], signer, ...(this.options.now ? { now: this.options.now } : {}) })
    const ctx: WebApiContext = { org: this.org, seed, orgUrl, authorizationUri: `${this.identity.authority}/oauth2/authorize`, signer, issuers: this.identity.trustedIssuers, protection: this.protection }
    const discovery: DiscoveryContext = { resource: discoveryResource, orgs: [{ spec: specs[0]!, orgUrl }, ...others.map((o) => ({ spec: o.spec, orgUrl: o.orgUrl }))], signer, issuers: this.identity.trustedIssuers, authorizationUri: ctx.authorizationUri, tenantId: seed.tenantId }
    const identity = this.identity
    const accept = (req: IncomingMessage, res: ServerResponse, origin: string, https: boolean): ParsedTarget | null => {
      const target = readRequestTarget(req, origin, https ? httpsLimits : limits)
      if (target.ok) return target
      sendPlain(res, target.status, target.reason)
      return null
    }
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const target = accept(req, res, baseUrl, true)
      if (target) void this.serve(req, res, target, ctx, identity, discovery)
    })
    pagesServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const target = accept(req, res, pagesUrl, false)
      if (!target) return
      if (!IdentityProvider.isPagePath(target.pathname)) sendPlain(res, 404, 'Only the sign-in pages are served over http; everything else is on https.')
      else void this.serve(req, res, target, ctx, identity, discovery)
    })
    this.otherOrgs = []
    for (const other of others) {
      const org = new SandboxOrg(other.spec.seed, this.options.persist === false ? null : join(dir, 'orgs', other.spec.key))
      this.otherOrgs.push(org)
      const orgCtx: WebApiContext = { ...ctx, org, seed: other.spec.seed, orgUrl: other.orgUrl }
      other.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        const target = accept(req, res, other.orgUrl, true)
        if (target) void this.serve(req, res, target, orgCtx, null, null)
      })
    }
    this.server = server
    this.pagesServer = pagesServer
    this.orgServers = others.map((o) => o.server)
    const orgs = [{ spec: specs[0]!, orgUrl }, ...others].map(({ spec, orgUrl: url }) => ({ key: spec.key, friendlyName: spec.friendlyName, uniqueName: spec.uniqueName, orgUrl: url, organizationId: spec.organizationId }))
    this.info = { ...describe(seed, pki, orgUrl, this.identity.authority, join(dir, 'seed.json'), loaded.problem ? [loaded.problem] : []), pagesUrl, oidcAuthority: this.identity.oidcIssuer, orgs, discoveryUrl: discoveryResource }
    return this.info
  }

  /** One request to an org's port: its Web API; on the main port also sign-in and Global Discovery. */
  private async serve(req: IncomingMessage, res: ServerResponse, target: ParsedTarget, ctx: WebApiContext, identity: IdentityProvider | null, discovery: DiscoveryContext | null): Promise<void> {
    let response: SandboxResponse
    const url = target.url
    const webApi = isWebApiPath(url.pathname)
    let body: Buffer
    try {
      body = await readBody(req, webApi ? MAX_WEB_API_BODY : MAX_IDENTITY_BODY)
    } catch (error) {
      if (error instanceof BodyTooLarge) this.reply(req, res, json(413, dv.tooLarge().toBody()), true)
      else sendPlain(res, 400, 'The request body could not be read.')
      return
    }
    try {
      const headers: Record<string, string | undefined> = {}
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v
      const request: SandboxRequest = { method: req.method ?? 'GET', url, headers, body }
      if (webApi) response = await handleWebApi(request, ctx)
      else if (discovery && isDiscoveryPath(url.pathname)) response = await handleGlobalDiscovery(request, discovery)
      else if (!identity) response = json(404, { error: { code: '0x80060888', message: `Nothing is served at ${url.pathname} on this org: the Web API is under /api/data/v9.2/; sign-in is at the tenant's authority.` } })
      else response = (await identity.handle(request)) ?? json(404, { error: { code: '0x80060888', message: `Nothing is served at ${url.pathname}. The Web API is under /api/data/v9.2/ and sign-in under /${ctx.seed.tenantId}/oauth2/v2.0/.` } })
    } catch (error) {
      response = json(500, dv.internal(error instanceof Error ? error.message : String(error)).toBody())
    }
    this.reply(req, res, response, false)
  }

  private reply(req: IncomingMessage, res: ServerResponse, response: SandboxResponse, close: boolean): void {
    if (res.headersSent || res.destroyed) return
    const requestId = crypto.randomUUID()
    res.writeHead(response.status, { 'x-ms-service-request-id': requestId, 'req_id': requestId, ...response.headers, 'content-length': Buffer.byteLength(response.body), ...(close ? { connection: 'close' } : {}) })
    res.end(req.method === 'HEAD' ? undefined : response.body)
  }

  /** Rows back to the seed (created records removed, deleted ones restored). */
  reset(): void {
    this.org?.reset()
    for (const org of this.otherOrgs) org.reset()
  }

  /** Enforce Dataverse's service protection limits, small ones for testing 429s (null: none, the default). */
  setLimits(limits: SandboxLimitsInput | null): SandboxLimits | null {
    this.protection.set(limits)
    return this.protection.current
  }

  get limits(): SandboxLimits | null {
    return this.protection.current
  }

  async stop(): Promise<void> {
    const servers = [this.server, this.pagesServer, ...this.orgServers].filter((s): s is Server | HttpServer => s !== null)
    this.server = null
    this.pagesServer = null
    this.orgServers = []
    this.info = null
    await this.org?.flush().catch(() => undefined)
    for (const org of this.otherOrgs) await org.flush().catch(() => undefined)
    for (const server of servers) {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function listen(server: Server | HttpServer, port: number): Promise<number> {
  const attempt = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (error: Error) => {
        server.off('listening', onListening)
        reject(error)
      }
      const onListening = () => {
        server.off('error', onError)
        resolve((server.address() as AddressInfo).port)
      }
      server.once('error', onError)
      server.once('listening', onListening)
      server.listen(p, '127.0.0.1')
    })
  return attempt(port).catch((error: NodeJS.ErrnoException) => {
    if (port !== 0 && error.code === 'EADDRINUSE') return attempt(0)
    throw error
  })
}

function describe(seed: Seed, pki: SandboxPki, orgUrl: string, authority: string, seedFile: string, problems: string[]): Omit<SandboxInfo, 'pagesUrl' | 'oidcAuthority' | 'orgs' | 'discoveryUrl'> {
  const secretApp = seed.apps.find((a) => a.clientId === DEMO.secretClientId)
  const demoUser = seed.users.find((u) => !u.requiresMfa && u.inOrg) ?? seed.users[0]!
  return {
    orgUrl,
    webApiUrl: `${orgUrl}/api/data/v9.2`,
    authority,
    tenantId: seed.tenantId,
    tenantDomain: seed.tenantDomain,
    caFile: pki.caFile,
    caCertificatePem: pki.caCertPem,
    clients: {
      public: DEMO.publicClientId,
      secret: DEMO.secretClientId,
      certificate: DEMO.certificateClientId,
      implicit: DEMO.implicitClientId,
      spa: DEMO.spaClientId,
      noApplicationUser: DEMO.noAppUserClientId,
      expiredSecret: DEMO.expiredSecretClientId,
      noDataversePermission: DEMO.noDataversePermissionClientId,
      expiredCertificate: DEMO.expiredCertificateClientId
    },
    clientSecret: secretApp?.secrets[0]?.value ?? '',
    clientSecretId: secretApp?.secrets[0]?.id ?? '',
    expiredClientSecret: seed.apps.find((a) => a.clientId === DEMO.expiredSecretClientId)?.secrets[0]?.value ?? '',
    certificateFile: pki.clientCertFile,
    privateKeyFile: pki.clientKeyFile,
    certificateThumbprint: pki.clientThumbprint,
    expiredCertificateFile: pki.expiredCertFile,
    expiredPrivateKeyFile: pki.expiredKeyFile,
    user: demoUser.upn,
    password: demoUser.password,
    mfaUser: seed.users.find((u) => u.requiresMfa)?.upn ?? '',
    userNotInOrg: seed.users.find((u) => !u.inOrg)?.upn ?? '',
    seedFile,
    problems
  }
}
