/**
 * Part 1 of `npm run bench`: the request executor's overhead over plain undici. Runs alone too:
 * `node --expose-gc --import tsx bench/executor.ts [runs]` prints the figure of each run and the spread across runs.
 */
import { resolve } from 'node:path'
import { Agent, request } from 'undici'
import { TrafficLog } from '../src/main/core/capture/trafficLog'
import { RequestExecutor } from '../src/main/core/http/executor'
import { startServerProcess } from './server'

const REQUESTS = 1000
/** Requests per slice: the two sides take turns this often, so a burst of load from elsewhere hits both alike. */
const SLICE = 25
const ROUNDS = 15

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/**
 * The executor (with capture) against plain undici on the same loopback server. A busy machine moves both, so within
 * a round the two take turns every 25 requests (ABBA order) and the round's ratio is of their summed times; the
 * median of the per-round ratios, with the lowest and highest, is the figure.
 */
export async function executorOverhead(): Promise<number> {
  const server = await startServerProcess()
  const url = `${server.url}/small`
  const agent = new Agent({ keepAliveTimeout: 30_000 })
  const traffic = new TrafficLog({ maxEntries: 5000 })
  traffic.onAdded(() => undefined)
  const executor = new RequestExecutor(traffic)
  const target = { environmentId: 'bench', environmentName: 'Bench', caCertificatePem: '', variables: new Map([['base', server.url]]) }
  const options = { timeoutMs: 30_000, maxResponseBytes: 50 * 1024 * 1024 }
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)

  const plain = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await request(url, { dispatcher: agent, headers: { accept: 'application/json' } })
      await res.body.text()
    }
  }
  const ours = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await executor.send({ method: 'GET', url: '{{base}}/small', headers: [{ key: 'Accept', value: 'application/json', enabled: true }] }, target, options)
    }
  }
  const timed = async (work: (n: number) => Promise<void>) => {
    const t = performance.now()
    await work(SLICE)
    return performance.now() - t
  }
  // Warm-up: both paths compiled and optimised, connections open, the traffic log at its steady size.
  for (let i = 0; i < 3; i++) {
    await plain(REQUESTS)
    await ours(REQUESTS)
  }
  const base: number[] = []
  const mine: number[] = []
  const ratios: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    gc()
    let b = 0
    let m = 0
    for (let slice = 0; slice < REQUESTS / SLICE; slice++) {
      if (slice % 2 === 0) {
        b += await timed(plain)
        m += await timed(ours)
      } else {
        m += await timed(ours)
        b += await timed(plain)
      }
    }
    base.push(b)
    mine.push(m)
    ratios.push(m / b)
  }
  traffic.flush()
  const b = median(base)
  const m = median(mine)
  const r = median(ratios)
  const under = ratios.filter((x) => x <= 1.3).length
  console.log(`executor overhead (${REQUESTS} sequential GETs each to a loopback server in another process, per round; ${ROUNDS} rounds, the two taking turns every ${SLICE})`)
  console.log(`  plain undici:               median ${b.toFixed(0)} ms  (${((b / REQUESTS) * 1000).toFixed(0)} µs/request; ${Math.min(...base).toFixed(0)}–${Math.max(...base).toFixed(0)} ms)`)
  console.log(`  OrgBench executor+capture:  median ${m.toFixed(0)} ms  (${((m / REQUESTS) * 1000).toFixed(0)} µs/request; ${Math.min(...mine).toFixed(0)}–${Math.max(...mine).toFixed(0)} ms)`)
  console.log(`  ratio per round:            median ${r.toFixed(2)}×, lowest ${Math.min(...ratios).toFixed(2)}×, highest ${Math.max(...ratios).toFixed(2)}×; ${under} of ${ROUNDS} rounds ≤ 1.30×   (target ≤ 1.30×)`)
  await executor.close()
  await agent.close()
  server.close()
  return r
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) {
  void (async () => {
    const runs = Number(process.argv[2] ?? 1)
    const figures: number[] = []
    for (let i = 0; i < runs; i++) figures.push(await executorOverhead())
    if (runs > 1) console.log(`across ${runs} runs: median ratio ${median(figures).toFixed(2)}×, lowest ${Math.min(...figures).toFixed(2)}×, highest ${Math.max(...figures).toFixed(2)}×`)
  })()
}
