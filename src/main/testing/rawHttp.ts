/**
 * Test helpers for listeners: raw bytes over a plain or TLS socket on 127.0.0.1 (nothing in between fixes them up),
 * and a seeded corpus of malformed HTTP/1.1 requests.
 */
import net from 'node:net'
import tls from 'node:tls'

export interface RawEndpoint {
  port: number
  /** Speak TLS, trusting this CA only. */
  ca?: string
}

/** Bytes to write; a number is a pause in milliseconds; 'end' half-closes the socket (the client sends nothing more). */
export type RawPart = string | Buffer | number | 'end'

export interface RawAnswer {
  /** The status of the first response, null when none came. */
  status: number | null
  head: string
  body: string
  /** The server closed (or reset) the connection. */
  closed: boolean
  /** Neither a complete answer nor a close within the time allowed. */
  timedOut: boolean
  elapsedMs: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Write `parts`, then read until one complete response has arrived (Content-Length or chunked framing), the server
 * closes, or `timeoutMs` passes. Writing stops quietly when the server has closed.
 */
export function rawExchange(endpoint: RawEndpoint, parts: RawPart[], timeoutMs = 5000): Promise<RawAnswer> {
  const started = performance.now()
  return new Promise((resolve) => {
    const socket: net.Socket = endpoint.ca
      ? tls.connect({ host: '127.0.0.1', port: endpoint.port, ca: endpoint.ca })
      : net.connect({ host: '127.0.0.1', port: endpoint.port })
    let received = Buffer.alloc(0)
    let settled = false
    let closed = false
    const finish = (timedOut: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      const text = received.toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const head = split < 0 ? text : text.slice(0, split)
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)
      socket.destroy()
      resolve({ status: status ? Number(status[1]) : null, head, body: split < 0 ? '' : text.slice(split + 4), closed, timedOut, elapsedMs: performance.now() - started })
    }
    const timer = setTimeout(() => finish(true), timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (complete(received.toString('latin1'))) finish(false)
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      closed = true
      finish(false)
    })
    socket.once(endpoint.ca ? 'secureConnect' : 'connect', () => {
      void (async () => {
        for (const part of parts) {
          if (settled || closed || socket.destroyed) return
          if (typeof part === 'number') await sleep(part)
          else if (part === 'end') socket.end()
          else socket.write(part)
        }
      })()
    })
  })
}

function complete(text: string): boolean {
  const split = text.indexOf('\r\n\r\n')
  if (split < 0) return false
  const head = text.slice(0, split).toLowerCase()
  const body = text.slice(split + 4)
  if (/^http\/1\.[01] (1\d\d|204|304)/.test(head)) return true
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head)
  if (length) return body.length >= Number(length[1])
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) return /(^|\r\n)0\r\n\r\n$/.test(body)
  return false
}

/** Mulberry32: a small seeded generator, so a failing case can be replayed with the same seed. */
export function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface MalformedCase {
  name: string
  parts: RawPart[]
}

/** Request targets that no listener may choke on, the ones named in issue 13 first. */
export const HOSTILE_TARGETS = [
  '//', '//[', 'http://[::1', 'http://%zz/', 'http://a:99999/', '//evil.example/x', '///', '/%', '/%zz', '/%E0%A4%A', '/%FF', '/a%00b', '/a#b', '*',
  '127.0.0.1:80', 'example.com:443', 'ftp://x/', 'javascript:alert(1)', 'http://user:pw@127.0.0.1/', 'http://', 'http:/x', 'x', '?', '\\\\x', '/..%2f..%2f',
  '/?%%%=%%%', '/\x7f', `/${'a'.repeat(9000)}`, `/?q=${'%41'.repeat(3000)}`
]

/** A fixed list of malformed requests (each one alone on a connection), then `count` seeded random mutations. */
export function malformedCorpus(host: string, seed: number, count: number): MalformedCase[] {
  const random = prng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)))
  const line = (target: string, method = 'GET') => `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`
  const fixed: MalformedCase[] = [
    ...HOSTILE_TARGETS.map((t) => ({ name: `target ${JSON.stringify(t.slice(0, 40))}`, parts: [line(t)] })),
    { name: 'OPTIONS *', parts: [line('*', 'OPTIONS')] },
    { name: 'CONNECT', parts: [`CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n`] },
    { name: 'upgrade', parts: [`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`] },
    { name: 'no version', parts: ['GET /\r\n\r\n'] },
    { name: 'HTTP/9.9', parts: [`GET / HTTP/9.9\r\nHost: ${host}\r\n\r\n`] },
    { name: 'HTTP/1.0 without Host', parts: ['GET / HTTP/1.0\r\n\r\n'] },
    { name: 'HTTP/1.1 without Host', parts: ['GET / HTTP/1.1\r\nConnection: close\r\n\r\n'] },
    { name: 'two Host headers', parts: [`GET / HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example\r\n\r\n`] },
    { name: 'lowercase method', parts: [`get / HTTP/1.1\r\nHost: ${host}\r\n\r\n`] },
    { name: 'unknown method', parts: [`BREW / HTTP/1.1\r\nHost: ${host}\r\n\r\n`] },
    { name: 'tab in request line', parts: [`GET\t/ HTTP/1.1\r\nHost: ${host}\r\n\r\n`] },
    { name: 'NUL in target', parts: [`GET /a\x00b HTTP/1.1\r\nHost: ${host}\r\n\r\n`] },
    { name: 'raw UTF-8 in target', parts: [Buffer.from(`GET /é HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, 'utf8')] },
    { name: 'bare LF', parts: [`GET / HTTP/1.1\nHost: ${host}\n\n`] },
    { name: 'header without colon', parts: [`GET / HTTP/1.1\r\nHost: ${host}\r\nNoColon\r\n\r\n`] },
    { name: 'space before colon', parts: [`GET / HTTP/1.1\r\nHost : ${host}\r\n\r\n`] },
    { name: 'obsolete line folding', parts: [`GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: a\r\n b\r\n\r\n`] },
    { name: 'NUL in header value', parts: [`GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: a\x00b\r\n\r\n`] },
    { name: 'huge header', parts: [`GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`] },
    { name: 'five thousand headers', parts: [`GET / HTTP/1.1\r\nHost: ${host}\r\n${Array.from({ length: 5000 }, (_, i) => `X-${i}: v`).join('\r\n')}\r\n\r\n`] },
    { name: 'negative Content-Length', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: -1\r\n\r\n`] },
    { name: 'Content-Length not a number', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: abc\r\n\r\n`] },
    { name: 'two Content-Lengths', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`] },
    { name: 'Content-Length and chunked', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`] },
    { name: 'Transfer-Encoding gzip', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: gzip\r\n\r\nabc`] },
    { name: 'chunk size not hex', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`] },
    { name: 'chunk size overflow', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nabc\r\n0\r\n\r\n`] },
    { name: 'chunk without CRLF', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef0\r\n\r\n`] },
    { name: 'chunked then half-close', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab`, 'end'] },
    { name: 'declared body larger than the limit', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\nabc`] },
    { name: 'half a request line, then half-close', parts: ['GET /', 'end'] },
    { name: 'headers never finished, then half-close', parts: [`GET / HTTP/1.1\r\nHost: ${host}\r\n`, 'end'] },
    { name: 'body shorter than declared, then half-close', parts: [`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 100\r\n\r\nabc`, 'end'] },
    { name: 'a TLS ClientHello', parts: [Buffer.from('16030100a5010000a10303', 'hex'), bytes(160)] },
    { name: 'binary garbage', parts: [bytes(512)] },
    { name: 'empty lines only', parts: ['\r\n\r\n\r\n\r\n', 'end'] }
  ]
  const methods = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'G ET', '', 'GET\x00', 'ПОЛУЧИТЬ']
  const versions = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', 'http/1.1', 'HTTP/1', '']
  const headerLines = [`Host: ${host}`, 'Host: evil.example', 'Host:', 'Content-Length: 5', 'Content-Length: 99999999999999999999', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked, chunked',
    'Expect: 100-continue', 'Connection: keep-alive, Upgrade', 'X-\x01: v', ': empty name', 'X-Long: ' + 'b'.repeat(4000), 'Content-Type: application/x-www-form-urlencoded']
  const random_ = Array.from({ length: count }, (_, i): MalformedCase => {
    const method = pick(methods)
    const target = random() < 0.5 ? pick(HOSTILE_TARGETS) : `/${Array.from({ length: Math.floor(random() * 40) }, () => String.fromCharCode(0x20 + Math.floor(random() * 0x5f))).join('')}`
    const headers = Array.from({ length: Math.floor(random() * 5) }, () => pick(headerLines))
    const eol = random() < 0.9 ? '\r\n' : pick(['\n', '\r', '\r\r\n'])
    let text = `${method} ${target} ${pick(versions)}${eol}${headers.join(eol)}${eol}${eol}`
    if (random() < 0.3) text += pick(['abc', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n', bytes(40).toString('latin1')])
    const raw = Buffer.from(text, 'latin1')
    const mutated = random() < 0.3 ? Buffer.concat([raw.subarray(0, Math.floor(random() * raw.length)), bytes(Math.floor(random() * 16))]) : raw
    const parts: RawPart[] = random() < 0.2 ? [mutated.subarray(0, Math.floor(mutated.length / 2)), 5, mutated.subarray(Math.floor(mutated.length / 2))] : [mutated]
    if (random() < 0.3) parts.push('end')
    return { name: `random #${i}: ${JSON.stringify(text.slice(0, 60))}`, parts }
  })
  return [...fixed, ...random_]
}

/** Run `cases` with at most `parallel` connections at a time; answers in the order of `cases`. */
export async function runCases(endpoint: RawEndpoint, cases: MalformedCase[], parallel: number, timeoutMs: number): Promise<RawAnswer[]> {
  const answers: RawAnswer[] = new Array(cases.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++
      answers[i] = await rawExchange(endpoint, cases[i]!.parts, timeoutMs)
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return answers
}
