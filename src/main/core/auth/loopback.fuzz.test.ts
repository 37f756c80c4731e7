import { afterAll, beforeAll, expect, it } from 'vitest'
import { malformedCorpus, rawExchange, runCases } from '../../testing/rawHttp'
import { LoopbackListener } from './loopback'

const SEED = Number(process.env.FUZZ_SEED ?? 20261122)
const RANDOM = 200
const LIMITS = { headersTimeoutMs: 800, requestTimeoutMs: 1500, keepAliveTimeoutMs: 500, idleTimeoutMs: 3000 }

const uncaught: unknown[] = []
const onUncaught = (error: unknown): void => void uncaught.push(error)
beforeAll(() => void process.on('uncaughtException', onUncaught))
afterAll(() => void process.off('uncaughtException', onUncaught))

it(`the loopback redirect listener survives the malformed corpus (seed ${SEED}, ${RANDOM} random cases), a slowloris, and still takes the real callback`, async () => {
  const listener = await LoopbackListener.start({ port: 0, timeoutMs: 60_000, limits: LIMITS })
  try {
    listener.expect('the-state')
    const done = listener.wait()
    const endpoint = { port: listener.port }
    const cases = malformedCorpus(`localhost:${listener.port}`, SEED, RANDOM)
    const fixed = cases.length - RANDOM
    for (let i = 0; i < cases.length; i += 40) {
      const batch = cases.slice(i, i + 40)
      const answers = await runCases(endpoint, batch, 8, 4000)
      answers.forEach((a, j) => {
        const name = batch[j]!.name
        expect(a.timedOut, `${name}: no answer and no close`).toBe(false)
        if (a.status === null) return
        expect(a.status, `${name}: ${a.head.split('\r\n')[0]}`).toBeLessThan(500)
        // None of these carries the state, so none may be taken as the answer; the known-malformed ones are refused.
        if (i + j < fixed) expect(a.status, `${name}: ${a.head.split('\r\n')[0]}`).toBeGreaterThanOrEqual(400)
      })
      // Still listening, still waiting: the relay page answers.
      expect((await rawExchange(endpoint, [`GET / HTTP/1.1\r\nHost: localhost:${listener.port}\r\nConnection: close\r\n\r\n`])).status).toBe(200)
    }

    const drip: Array<string | number> = [`GET / HTTP/1.1\r\nHost: localhost:${listener.port}\r\n`]
    for (let i = 0; i < 60; i++) drip.push(100, 'X')
    const slow = await Promise.all(Array.from({ length: 10 }, () => rawExchange(endpoint, drip, 5000)))
    for (const a of slow) {
      expect(a.timedOut).toBe(false)
      expect(a.status === 408 || (a.status === null && a.closed), a.head).toBe(true)
      expect(a.elapsedMs).toBeLessThan(LIMITS.headersTimeoutMs + 1500)
    }

    const answer = await rawExchange(endpoint, [`GET /?code=the-code&state=the-state HTTP/1.1\r\nHost: localhost:${listener.port}\r\nConnection: close\r\n\r\n`])
    expect(answer.status).toBe(200)
    expect((await done).params.get('code')).toBe('the-code')
    expect(uncaught).toEqual([])
  } finally {
    listener.close()
  }
}, 60_000)
