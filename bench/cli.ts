/**
 * The CLI's start-up, as whole processes (issue 11's targets): `orgbench --version` and `--help` against `node -e 0`
 * (≤ 1.5×), and a request with a cached token against the Sandbox (≤ 2.5× `node -e 0` + the request itself), plus how
 * long each process lives after its output is written. Runs are interleaved (one of each per round, the order
 * rotating), so a busy machine slows all alike; each round's ratio is to that round's `node -e 0`, and the median
 * ratio is reported with the lowest and highest. Run alone: `node --import tsx bench/cli.ts`; ORGBENCH_CLI_BIN
 * times another build's bin/orgbench.cjs (e.g. one built with --outDir elsewhere).
 */
import { spawn } from 'node:child_process'
import { Agent, request } from 'undici'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Services } from '../src/main/core/services'
import { keyFileSecretBox } from '../src/main/core/store/secretBox'
import { startSandbox } from '../src/main/testing/sandbox'
import { ensureSandboxEnvironment } from '../src/main/sandbox/environment'

const BIN = process.env.ORGBENCH_CLI_BIN ? resolve(process.env.ORGBENCH_CLI_BIN) : resolve(__dirname, '..', 'bin', 'orgbench.cjs')
const ROUNDS = 21

interface Run {
  /** Process start to exit. */
  total: number
  /** Process start to the last byte of its output. */
  output: number
}

function timed(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint()
    let lastOutput = started
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    const mark = () => (lastOutput = process.hrtime.bigint())
    child.stdout.on('data', mark)
    child.stderr.on('data', mark)
    child.on('error', fail)
    child.on('close', (code) => {
      const end = process.hrtime.bigint()
      if (code !== 0 && args[0] !== '-e') return fail(new Error(`${args.join(' ')} exited ${code}`))
      done({ total: Number(end - started) / 1e6, output: Number(lastOutput - started) / 1e6 })
    })
  })
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!
const spread = (v: number[]) => `${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)} ms`

export async function cliBench(): Promise<void> {
  if (!existsSync(resolve(BIN, '..', '..', 'out', 'main', 'cli.js'))) {
    console.log('CLI start-up: skipped (the CLI is not built: run "npm run build" first)')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'orgbench-bench-cli-'))
  const sb = await startSandbox()
  try {
    // A data folder with the Sandbox environment signed in (client credentials): the request finds its token cached.
    const services = new Services({ dataDir: dir, secretBox: keyFileSecretBox(dir), appVersion: 'bench', log: { error: () => undefined } })
    const { environment } = await ensureSandboxEnvironment(services.environments, services.settings, sb.info)
    await services.environments.update(environment.id, { ...environment, auth: { grant: 'client_credentials', clientId: sb.info.clients.secret, scopes: '', credential: 'secret', clientSecret: { isSet: true, value: sb.info.clientSecret } } })
    await services.auth.signIn(environment.id)
    // The request itself, as curl would make it: a new connection (TCP and TLS handshake), the GET, the answer read.
    const token = await services.auth.accessToken(environment.id)
    const inProcess: number[] = []
    for (let i = 0; i < ROUNDS + 3; i++) {
      const agent = new Agent({ connect: { ca: sb.info.caCertificatePem } })
      const t = performance.now()
      const res = await request(`${sb.info.webApiUrl}/WhoAmI`, { dispatcher: agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } })
      await res.body.text()
      if (i >= 3) inProcess.push(performance.now() - t)
      await agent.close()
    }
    // The same data folder with a full history (100,000 sends, as the cap allows): a request only appends to it.
    await services.sendRequest('bench', environment.id, { method: 'GET', url: '{{webApiUrl}}/WhoAmI', headers: [], body: '' })
    await services.close()
    const fullDir = `${dir}-full-history`
    cpSync(dir, fullDir, { recursive: true })
    const sentLine = readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n')[0]!
    const id = /"id":"([^"]+)"/.exec(sentLine)![1]!
    writeFileSync(join(fullDir, 'history.jsonl'), Array.from({ length: 100_000 }, () => sentLine.replace(id, randomUUID())).join('\n') + '\n', { mode: 0o600 })

    const kinds = {
      node: ['-e', '0'],
      version: [BIN, '--version'],
      help: [BIN, '--help'],
      request: [BIN, '--data-dir', dir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI'],
      fullHistory: [BIN, '--data-dir', fullDir, 'request', '--env', 'Sandbox', 'GET', '{{webApiUrl}}/WhoAmI']
    } as const
    const runs: Record<keyof typeof kinds, Run[]> = { node: [], version: [], help: [], request: [], fullHistory: [] }
    const names = Object.keys(kinds) as Array<keyof typeof kinds>
    for (const kind of names) await timed([...kinds[kind]]) // warm the OS's file cache
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const kind = names[(round + i) % names.length]!
        runs[kind].push(await timed([...kinds[kind]]))
      }
    }

    const base = median(runs.node.map((r) => r.total))
    const line = (name: string, kind: keyof typeof kinds, target: string, extra = 0) => {
      const totals = runs[kind].map((r) => r.total)
      const ratios = runs[kind].map((r, i) => (r.total - extra) / runs.node[i]!.total)
      const after = median(runs[kind].map((r) => r.total - r.output))
      console.log(`  ${name.padEnd(34)} median ${median(totals).toFixed(0)} ms (${spread(totals)}), ${median(ratios).toFixed(2)}× node -e 0 (rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×)${extra ? ` after the request's own ${extra.toFixed(1)} ms (new connection, TLS included)` : ''}; exits ${after.toFixed(0)} ms after its output  (${target})`)
    }
    console.log(`CLI start-up (whole processes, ${ROUNDS} interleaved rounds; node -e 0: median ${base.toFixed(0)} ms, ${spread(runs.node.map((r) => r.total))})`)
    line('orgbench --version', 'version', 'target ≤ 1.5×')
    line('orgbench --help', 'help', 'target ≤ 1.5×')
    line('orgbench request WhoAmI (cached token)', 'request', 'target ≤ 2.5×', median(inProcess))
    line('  the same, 100,000 sends in history', 'fullHistory', 'the history is appended to, not read', median(inProcess))
  } finally {
    await sb.stop()
    rmSync(dir, { recursive: true, force: true })
    rmSync(`${dir}-full-history`, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) void cliBench()
