// The benchmarks' servers, in their own process so their work never lands on the client's event loop or heap.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SandboxServer } from '../src/main/sandbox/server'
import { startHttpServer } from '../src/main/testing/testServer'

async function main(): Promise<void> {
  if (process.argv[2] === 'sandbox') {
    const sandbox = new SandboxServer({ dataDir: mkdtempSync(join(tmpdir(), 'orgbench-bench-')), persist: false })
    const info = await sandbox.start()
    process.send?.({ url: info.orgUrl, sandbox: info })
    process.on('disconnect', () => void sandbox.stop().then(() => process.exit(0)))
    return
  }
  const server = await startHttpServer()
  process.send?.({ url: server.url })
  process.on('disconnect', () => void server.close().then(() => process.exit(0)))
}

void main()
