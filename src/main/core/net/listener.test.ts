import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawExchange } from '../../testing/rawHttp'
import { answerClientError, BodyTooLarge, guardListener, listenerLimits, readBody, sendPlain, serverOptions } from './listener'

const limits = listenerLimits({ headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 600, keepAliveTimeoutMs: 300, maxHeaderBytes: 4096, maxBodyBytes: 1000 })
let server: http.Server
let port: number
beforeAll(async () => {
  server = http.createServer(serverOptions(limits))
  guardListener(server, limits)
  server.on('request', (req, res) => {
    readBody(req, limits.maxBodyBytes).then(
      (body) => sendPlain(res, 200, `got ${body.length}`),
      (error: unknown) => sendPlain(res, error instanceof BodyTooLarge ? 413 : 400, 'refused')
    )
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((ok) => server.close(() => ok())))

describe('a guarded listener', () => {
  const send = (...parts: Array<string | number | 'end'>) => rawExchange({ port }, parts, 3000)

  it('answers CONNECT and upgrades 405, oversize headers 431, broken framing 400, with a plain reason', async () => {
    expect((await send('CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n')).status).toBe(405)
    expect((await send(`GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`)).status).toBe(405)
    const big = await send(`GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(5000)}\r\n\r\n`)
    expect(big.status).toBe(431)
    expect(big.body).toContain('larger than this listener accepts')
    expect((await send('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).status).toBe(400)
    expect((await send('\x16\x03\x01garbage\r\n\r\n')).status).toBe(400)
  })

  it('bounds the body by its declared length and by the bytes that arrive', async () => {
    expect((await send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n')).status).toBe(413)
    expect((await send('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', ...Array.from({ length: 5 }, () => `12c\r\n${'a'.repeat(300)}\r\n`), '0\r\n\r\n')).status).toBe(413)
    expect((await send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc')).body).toBe('got 3\n')
  })

  it('closes a connection that never finishes its headers, and one that sends nothing', async () => {
    const slow = await send('GET / HTTP/1.1\r\n', ...Array.from({ length: 30 }, (_, i) => (i % 2 ? 'X' : 100)))
    expect(slow.status).toBe(408)
    expect(slow.elapsedMs).toBeLessThan(limits.headersTimeoutMs + 700)
    const silent = await send()
    expect(silent.status === 408 || (silent.status === null && silent.closed), silent.head).toBe(true)
    expect(silent.elapsedMs).toBeLessThan(limits.headersTimeoutMs + 700)
  })
})

describe('answerClientError', () => {
  it('never throws, whatever state the socket is in', () => {
    const ended = new PassThrough()
    ended.destroy()
    expect(() => answerClientError(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }), ended)).not.toThrow()
    const hostile = new PassThrough()
    hostile.end = () => {
      throw new Error('boom')
    }
    expect(() => answerClientError(new Error('x'), hostile)).not.toThrow()
    expect(hostile.destroyed).toBe(true)
  })
})
