// The benchmarks' servers, in their own process so their work never lands on the client's event loop or heap.
import { fork } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { SandboxInfo } from '../src/shared/sandbox'

/** This file as a child process: a plain HTTP test server, or the Sandbox org. */
export function startServerProcess(kind: 'http' | 'sandbox' = 'http'): Promise<{ url: string; sandbox?: SandboxInfo; close: () => void }> {
  const child = fork(__filename, [kind], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  return new Promise((done, fail) => {
    child.once('error', fail)
    child.once('message', (message) => {
      const m = message as { url: string; sandbox?: SandboxInfo }
      done({ url: m.url, ...(m.sandbox ? { sandbox: m.sandbox } : {}), close: () => child.disconnect() })
    })
  })
}

async function serve(kind: string): Promise<void> {
  if (kind === 'sandbox') {
    const { SandboxServer } = await import('../src/main/sandbox/server')
    const sandbox = new SandboxServer({ dataDir: mkdtempSync(join(tmpdir(), 'orgbench-bench-')), persist: false })
    const info = await sandbox.start()
    process.send?.({ url: info.orgUrl, sandbox: info })
    process.on('disconnect', () => void sandbox.stop().then(() => process.exit(0)))
    return
  }
  const { startHttpServer } = await import('../src/main/testing/testServer')
  const server = await startHttpServer()
  process.send?.({ url: server.url })
  process.on('disconnect', () => void server.close().then(() => process.exit(0)))
}

if (process.send && process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) void serve(process.argv[2] ?? 'http')
