import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { dv } from './errors'
import { IdentityProvider } from './identity'
import { ensurePki, type SandboxPki } from './pki'
import { DEMO, loadSeed, type Seed } from './seed'
import { TokenSigner } from './tokens'
import type { SandboxInfo } from '../../shared/sandbox'
import { json, type SandboxRequest, type SandboxResponse } from './webapi/http'
import { SandboxOrg } from './webapi/org'
import { handleWebApi, isWebApiPath } from './webapi/routes'

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
}

export type { SandboxInfo }

const MAX_BODY = 16 * 1024 * 1024

export class SandboxServer {
  private server: Server | null = null
  private pagesServer: HttpServer | null = null
  private org: SandboxOrg | null = null
  private identity: IdentityProvider | null = null
  private info: SandboxInfo | null = null

  constructor(private readonly options: SandboxOptions) {}

  get running(): SandboxInfo | null {
    return this.info
  }

  async start(): Promise<SandboxInfo> {
    if (this.info) return this.info
    const dir = join(this.options.dataDir, 'sandbox')
    const pki = await ensurePki(dir)
    const loaded = await loadSeed(dir, pki.clientCertPem)
    const seed: Seed = { ...loaded.seed, ...this.options.seedOverrides }
    const signer = await TokenSigner.create(pki.signingKeyPem, pki.signingCertPem, { lifetimeSeconds: seed.accessTokenLifetimeSeconds, ...(this.options.now ? { now: this.options.now } : {}) })
    const server = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem, requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 5_000 })
    const port = await listen(server, this.options.port ?? 0)
    const pagesServer = createHttpServer({ requestTimeout: 30_000, headersTimeout: 15_000 })
    const pagesPort = await listen(pagesServer, this.options.port ? this.options.port + 1 : 0)
    const baseUrl = `https://127.0.0.1:${port}`
    const pagesUrl = `http://127.0.0.1:${pagesPort}`
    const orgUrl = baseUrl
    this.org = new SandboxOrg(seed, this.options.persist === false ? null : dir)
    this.identity = new IdentityProvider({ seed, baseUrl, pagesUrl, orgUrl, signer, ...(this.options.now ? { now: this.options.now } : {}) })
    const ctx = { org: this.org, seed, orgUrl, authorizationUri: `${this.identity.authority}/oauth2/authorize`, signer, issuers: this.identity.trustedIssuers }
    const identity = this.identity
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.serve(req, res, baseUrl, ctx, identity))
    pagesServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!IdentityProvider.isPagePath(new URL(req.url ?? '/', pagesUrl).pathname)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Only the sign-in pages are served over http; everything else is on https.')
        return
      }
      void this.serve(req, res, pagesUrl, ctx, identity)
    })
    for (const s of [server, pagesServer]) {
      s.on('clientError', (_error, socket) => {
        if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      })
    }
    this.server = server
    this.pagesServer = pagesServer
    this.info = { ...describe(seed, pki, orgUrl, this.identity.authority, join(dir, 'seed.json'), loaded.problem ? [loaded.problem] : []), pagesUrl, oidcAuthority: this.identity.oidcIssuer }
    return this.info
  }

  private async serve(req: IncomingMessage, res: ServerResponse, baseUrl: string, ctx: Parameters<typeof handleWebApi>[1], identity: IdentityProvider): Promise<void> {
    let response: SandboxResponse
    try {
      const url = new URL(req.url ?? '/', baseUrl)
      const webApi = isWebApiPath(url.pathname)
      const body = await readBody(req, webApi ? MAX_BODY : 1024 * 1024)
      const headers: Record<string, string | undefined> = {}
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v
      const request: SandboxRequest = { method: req.method ?? 'GET', url, headers, body }
      if (webApi) response = await handleWebApi(request, ctx)
      else response = (await identity.handle(request)) ?? json(404, { error: { code: '0x80060888', message: `Nothing is served at ${url.pathname}. The Web API is under /api/data/v9.2/ and sign-in under /${ctx.seed.tenantId}/oauth2/v2.0/.` } })
    } catch (error) {
      if (error instanceof BodyTooLarge) response = json(413, dv.tooLarge().toBody())
      else if (error instanceof TypeError && /Invalid URL/.test(error.message)) response = json(400, dv.badRequest('The request URL is not valid.').toBody())
      else response = json(500, dv.internal(error instanceof Error ? error.message : String(error)).toBody())
    }
    if (res.headersSent || res.destroyed) return
    const requestId = crypto.randomUUID()
    res.writeHead(response.status, { 'x-ms-service-request-id': requestId, 'req_id': requestId, ...response.headers, 'content-length': Buffer.byteLength(response.body) })
    res.end(req.method === 'HEAD' ? undefined : response.body)
  }

  /** Rows back to the seed (created records removed, deleted ones restored). */
  reset(): void {
    this.org?.reset()
  }

  async stop(): Promise<void> {
    const servers = [this.server, this.pagesServer].filter((s): s is Server | HttpServer => s !== null)
    this.server = null
    this.pagesServer = null
    this.info = null
    await this.org?.flush().catch(() => undefined)
    for (const server of servers) {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      req.resume()
      reject(new BodyTooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.destroy()
        reject(new BodyTooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
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

function describe(seed: Seed, pki: SandboxPki, orgUrl: string, authority: string, seedFile: string, problems: string[]): Omit<SandboxInfo, 'pagesUrl' | 'oidcAuthority'> {
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
      noApplicationUser: DEMO.noAppUserClientId
    },
    clientSecret: secretApp?.secrets[0]?.value ?? '',
    certificateFile: pki.clientCertFile,
    privateKeyFile: pki.clientKeyFile,
    certificateThumbprint: pki.clientThumbprint,
    user: demoUser.upn,
    password: demoUser.password,
    mfaUser: seed.users.find((u) => u.requiresMfa)?.upn ?? '',
    userNotInOrg: seed.users.find((u) => !u.inOrg)?.upn ?? '',
    seedFile,
    problems
  }
}
