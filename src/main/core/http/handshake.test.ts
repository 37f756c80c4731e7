/**
 * Issue 13 §4, "every wait ends": servers that accept TCP and then never complete TLS (or HTTP). The request's timeout
 * covers connect and handshake, the attempt is ended rather than left open, and closing the executor never hangs,
 * in the executor, in msal-node's network path, and in the CLI as a process.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../shared/errors'
import { RecordingNetworkClient } from '../auth/network'
import { TrafficLog } from '../capture/trafficLog'
import { ConnectTimeoutError } from './agents'
import { explainNetworkError } from './errors'
import { RequestExecutor, type SendTarget } from './executor'

interface HangingServer {
  port: number
  /** Sockets the server accepted that are still open. */
  open(): number
  close(): Promise<void>
}

/** A TCP server that accepts and then does only `onConnection` (by default: nothing at all). */
async function hangingServer(onConnection: (socket: net.Socket) => void = () => undefined): Promise<HangingServer> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
    // Read and drop whatever arrives (a ClientHello, a request), so the client's close is seen.
    socket.resume()
    onConnection(socket)
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  return {
    port: (server.address() as net.AddressInfo).port,
    open: () => sockets.size,
    close: () =>
      new Promise((ok) => {
        for (const s of sockets) s.destroy()
        server.close(() => ok())
      })
  }
}

let silent: HangingServer
let stalledTls: HangingServer
let garbage: HangingServer
beforeAll(async () => {
  silent = await hangingServer()
  // The first bytes of a TLS handshake record announcing 16 KiB that never come: the handshake starts and stalls.
  stalledTls = await hangingServer((s) => s.write(Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00, 0x02])))
  garbage = await hangingServer((s) => s.end('garbage, not HTTP and not TLS\r\n\r\n'))
})
afterAll(async () => {
  await Promise.all([silent.close(), stalledTls.close(), garbage.close()])
})

const target: SendTarget = { environmentId: null, environmentName: null, caCertificatePem: '', variables: new Map() }
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms))

async function timed<T>(work: Promise<T>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now()
  try {
    await work
    return { error: null, ms: performance.now() - t0 }
  } catch (error) {
    return { error, ms: performance.now() - t0 }
  }
}

describe('the executor against servers that never finish', () => {
  it.each([
    ['accepts and says nothing', () => silent],
    ['starts a TLS record and stalls', () => stalledTls]
  ])('https to a server that %s: the timeout covers the handshake, the attempt is ended, close is immediate', async (_name, server) => {
    const executor = new RequestExecutor(new TrafficLog())
    const { error, ms } = await timed(executor.send({ method: 'GET', url: `https://127.0.0.1:${server().port}/` }, target, { timeoutMs: 400, maxResponseBytes: 1000 }))
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'timeout', message: expect.stringContaining('did not complete the TLS handshake within 400 ms') })
    expect(ms).toBeGreaterThanOrEqual(390)
    expect(ms).toBeLessThan(1200)
    // The half-open connection is not left behind for the next request to wait on.
    await sleep(100)
    expect(server().open()).toBe(0)
    const closing = await timed(executor.close())
    expect(closing.ms).toBeLessThan(200)
  })

  it('closing while a handshake is still under way ends it and never waits for the server', async () => {
    const executor = new RequestExecutor(new TrafficLog())
    const sending = timed(executor.send({ method: 'GET', url: `https://127.0.0.1:${silent.port}/` }, target, { timeoutMs: 60_000, maxResponseBytes: 1000 }))
    await sleep(200)
    expect(silent.open()).toBe(1)
    const closing = await timed(executor.close())
    expect(closing.ms).toBeLessThan(300)
    const sent = await sending
    expect(sent.ms).toBeLessThan(1000)
    expect(sent.error).toMatchObject({ code: 'cancelled', message: expect.stringContaining('OrgBench is closing') })
    await sleep(100)
    expect(silent.open()).toBe(0)
  })

  it('closing while a plain-HTTP request waits for its answer never waits for the server', async () => {
    const executor = new RequestExecutor(new TrafficLog())
    const sending = timed(executor.send({ method: 'GET', url: `http://127.0.0.1:${silent.port}/` }, target, { timeoutMs: 60_000, maxResponseBytes: 1000 }))
    await sleep(200)
    const closing = await timed(executor.close())
    expect(closing.ms).toBeLessThan(300)
    const sent = await sending
    expect(sent.ms).toBeLessThan(1000)
    expect(sent.error).toMatchObject({ code: 'cancelled' })
    await sleep(100)
    expect(silent.open()).toBe(0)
  })

  it('http to a server that accepts and says nothing times out with the timeout message', async () => {
    const executor = new RequestExecutor(new TrafficLog())
    const { error, ms } = await timed(executor.send({ method: 'GET', url: `http://127.0.0.1:${silent.port}/` }, target, { timeoutMs: 400, maxResponseBytes: 1000 }))
    expect(error).toMatchObject({ code: 'timeout', message: expect.stringContaining('within 400 ms') })
    expect(ms).toBeLessThan(1200)
    expect((await timed(executor.close())).ms).toBeLessThan(200)
  })

  it.each(['https', 'http'])('%s to a server that answers garbage fails at once, with a reason, and closes at once', async (scheme) => {
    const executor = new RequestExecutor(new TrafficLog())
    const { error, ms } = await timed(executor.send({ method: 'GET', url: `${scheme}://127.0.0.1:${garbage.port}/` }, target, { timeoutMs: 5000, maxResponseBytes: 1000 }))
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe(scheme === 'https' ? 'tls_error' : 'network_error')
    expect(ms).toBeLessThan(1000)
    expect((await timed(executor.close())).ms).toBeLessThan(200)
  })

  it('explains a TCP connect that never completes', () => {
    const explained = explainNetworkError(new ConnectTimeoutError('connect', 1500), new URL('https://org.example:444/'), { timeoutMs: 1500, timedOut: false, cancelled: false })
    expect(explained).toMatchObject({ code: 'timeout', message: expect.stringMatching(/^No connection to org\.example:444 within 1500 ms\./) })
  })
})

describe("msal-node's network client", () => {
  it('goes through the executor, so discovery against a server that never completes TLS ends with the sign-in timeout', async () => {
    const executor = new RequestExecutor(new TrafficLog())
    const network = new RecordingNetworkClient(executor)
    const context = { signInId: 's-1', grant: 'client_credentials', target, timeoutMs: 400, tokenHeaders: [], lastError: null, lastOAuthError: null }
    network.context = context
    const url = `https://127.0.0.1:${stalledTls.port}/tenant/v2.0/.well-known/openid-configuration`
    const get = await timed(network.sendGetRequestAsync(url))
    expect(get.error).toMatchObject({ code: 'timeout', message: expect.stringContaining('within 400 ms') })
    expect(get.ms).toBeLessThan(1200)
    const post = await timed(network.sendPostRequestAsync(`https://127.0.0.1:${silent.port}/tenant/oauth2/v2.0/token`, { body: 'grant_type=client_credentials' }))
    expect(post.error).toMatchObject({ code: 'timeout' })
    expect(post.ms).toBeLessThan(1200)
    expect(context.lastError).toMatchObject({ code: 'timeout' })
    expect((await timed(executor.close())).ms).toBeLessThan(200)
  })
})

describe('the CLI as a process', () => {
  let cli: string
  beforeAll(async () => {
    // The CLI's own entry (what bin/orgbench.cjs calls), compiled from the sources the way the build does it:
    // our code in one file, packages loaded from node_modules.
    const dir = mkdtempSync(join(tmpdir(), 'orgbench-cli-entry-'))
    writeFileSync(join(dir, 'entry.ts'), `import { main } from ${JSON.stringify(resolve('src/main/cli'))}\nmain()\n`)
    cli = join(dir, 'cli.cjs')
    await build({ entryPoints: [join(dir, 'entry.ts')], outfile: cli, bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' })
  }, 30_000)

  it.each([
    ['accepts and says nothing', () => silent],
    ['starts a TLS record and stalls', () => stalledTls]
  ])('request GET https to a server that %s prints the timeout and exits 2 (it never exited before)', async (_name, server) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'orgbench-cli-'))
    const t0 = performance.now()
    const child = spawn(process.execPath, [cli, '--data-dir', dataDir, 'request', 'GET', `https://127.0.0.1:${server().port}/`, '--timeout', '1000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: resolve('node_modules') }
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    const exit = await new Promise<number | string | null>((ok) => {
      const bound = setTimeout(() => {
        child.kill('SIGKILL')
        ok('still running after 10 s')
      }, 10_000)
      child.on('exit', (code) => {
        clearTimeout(bound)
        ok(code)
      })
    })
    expect(exit).toBe(2)
    expect(stderr).toContain('within 1 s')
    expect(performance.now() - t0).toBeLessThan(7000)
  }, 20_000)
})
