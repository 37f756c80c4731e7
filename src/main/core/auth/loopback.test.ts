import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { rawExchange } from '../../testing/rawHttp'
import { LoopbackListener, type CallbackExchange } from './loopback'

const get = async (url: string) => {
  const r = await request(url)
  return { status: r.statusCode, text: await r.body.text() }
}

describe('LoopbackListener', () => {
  it('listens on 127.0.0.1 with a localhost redirect URI, accepts the callback with the right state, then closes', async () => {
    const exchanges: CallbackExchange[] = []
    const listener = await LoopbackListener.start({ port: 0, timeoutMs: 5000, onExchange: (e) => exchanges.push(e) })
    expect(listener.redirectUri).toBe(`http://localhost:${listener.port}`)
    listener.expect('s-123')
    const done = listener.wait()
    const r = await get(`http://127.0.0.1:${listener.port}/?code=abc&state=s-123`)
    expect(r.status).toBe(200)
    expect(r.text).toContain('You are signed in')
    const result = await done
    expect(result.params.get('code')).toBe('abc')
    expect(exchanges).toHaveLength(1)
    expect(exchanges[0]).toMatchObject({ method: 'GET', status: 200 })
    await new Promise((ok) => setTimeout(ok, 50))
    await expect(get(`http://127.0.0.1:${listener.port}/?code=again&state=s-123`)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('refuses a callback with another state and keeps waiting for the right one', async () => {
    const listener = await LoopbackListener.start({ port: 0, timeoutMs: 5000 })
    listener.expect('right')
    const done = listener.wait()
    const wrong = await get(`http://127.0.0.1:${listener.port}/?code=x&state=wrong`)
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain('does not belong to the sign-in')
    const missing = await get(`http://127.0.0.1:${listener.port}/?code=x`)
    expect(missing.status).toBe(400)
    await get(`http://127.0.0.1:${listener.port}/?code=good&state=right`)
    expect((await done).params.get('code')).toBe('good')
  })

  it('accepts form_post and the fragment relay', async () => {
    const listener = await LoopbackListener.start({ port: 0, timeoutMs: 5000 })
    listener.expect('st')
    const done = listener.wait()
    const relay = await get(`http://127.0.0.1:${listener.port}/`)
    expect(relay.text).toContain('location.hash')
    const posted = await request(`http://127.0.0.1:${listener.port}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `fragment=${encodeURIComponent('access_token=t0k&state=st&token_type=Bearer')}` })
    expect(posted.statusCode).toBe(200)
    await posted.body.dump()
    expect((await done).params.get('access_token')).toBe('t0k')
  })

  it('shows the error of a failed sign-in and returns it', async () => {
    const listener = await LoopbackListener.start({ port: 0, timeoutMs: 5000 })
    listener.expect('s')
    const done = listener.wait()
    const r = await get(`http://127.0.0.1:${listener.port}/?error=access_denied&error_description=${encodeURIComponent('AADSTS65004: User declined.\r\nTrace ID: x')}&state=s`)
    expect(r.text).toContain('AADSTS65004: User declined.')
    expect(r.text).not.toContain('Trace ID')
    expect((await done).params.get('error')).toBe('access_denied')
  })

  it('times out, cancels, and explains a port in use', async () => {
    const slow = await LoopbackListener.start({ port: 0, timeoutMs: 100 })
    await expect(slow.wait()).rejects.toMatchObject({ code: 'timeout', message: 'No sign-in response arrived within 100 ms. Start the sign-in again.' })
    const controller = new AbortController()
    const cancelled = await LoopbackListener.start({ port: 0, timeoutMs: 5000, signal: controller.signal })
    controller.abort()
    await expect(cancelled.wait()).rejects.toMatchObject({ code: 'cancelled' })
    const taken = await LoopbackListener.start({ port: 0, timeoutMs: 5000 })
    await expect(LoopbackListener.start({ port: taken.port, timeoutMs: 5000 })).rejects.toThrow(`Port ${taken.port} on 127.0.0.1 is already in use`)
    taken.close()
  })

  const raw = (port: number, request: string) => rawExchange({ port }, [request])

  // "//" and "//[" are valid paths (empty segments; WHATWG clients send "[" unencoded) that lead nowhere here; the rest is malformed.
  it.each([['//', 404], ['//[', 404], ['http://[::1', 400], ['http://%zz/', 400], ['http://a:99999/', 400]])('answers the target %j with %i and the wait goes on (issue 13: it killed the process)', async (target, status) => {
    const listener = await LoopbackListener.start({ port: 0, timeoutMs: 5000 })
    listener.expect('s')
    const done = listener.wait()
    const answer = await raw(listener.port, `GET ${target} HTTP/1.1\r\nHost: localhost:${listener.port}\r\nConnection: close\r\n\r\n`)
    expect(answer.status).toBe(status)
    expect(answer.head).toMatch(/content-type: text\/plain/i)
    await get(`http://127.0.0.1:${listener.port}/?code=c&state=s`)
    expect((await done).params.get('code')).toBe('c')
  })

  it('answers only requests for localhost or 127.0.0.1 on its port: another Host (DNS rebinding) gets 421 and the wait goes on', async () => {
    const listener = await LoopbackListener.start({ port: 0, timeoutMs: 5000 })
    listener.expect('s')
    const done = listener.wait()
    const p = listener.port
    for (const host of [`evil.example:${p}`, 'localhost', `localhost:${p + 1}`, `127.0.0.2:${p}`, `[::1]:${p}`, `localhost.:${p}`, '']) {
      const answer = await raw(p, `GET /?code=stolen&state=s HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
      expect(answer.status, host).toBe(421)
    }
    // An absolute-form target names the authority itself (the Host header is then ignored).
    expect((await raw(p, `GET http://evil.example:${p}/?code=stolen&state=s HTTP/1.1\r\nHost: localhost:${p}\r\nConnection: close\r\n\r\n`)).status).toBe(421)
    expect((await raw(p, 'GET /?code=stolen&state=s HTTP/1.0\r\n\r\n')).status).toBe(421)
    // Two Host lines are a 400 (RFC 9112 §3.2), whichever comes first.
    expect((await raw(p, `GET /?code=stolen&state=s HTTP/1.1\r\nHost: localhost:${p}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`)).status).toBe(400)
    const ok = await raw(p, `GET /?code=good&state=s HTTP/1.1\r\nHost: LOCALHOST:${p}\r\nConnection: close\r\n\r\n`)
    expect(ok.status).toBe(200)
    expect((await done).params.get('code')).toBe('good')
  })

  it('refuses other paths, other methods and a too large answer, and keeps waiting', async () => {
    const listener = await LoopbackListener.start({ port: 0, timeoutMs: 5000 })
    listener.expect('s')
    const done = listener.wait()
    const p = listener.port
    expect((await raw(p, `GET /other?code=x&state=s HTTP/1.1\r\nHost: localhost:${p}\r\nConnection: close\r\n\r\n`)).status).toBe(404)
    expect((await raw(p, `PUT /?code=x&state=s HTTP/1.1\r\nHost: localhost:${p}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)).status).toBe(405)
    const huge = await raw(p, `POST / HTTP/1.1\r\nHost: localhost:${p}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\nstate=s&code=x`)
    expect(huge.status).toBe(413)
    const chunked = await rawExchange({ port: p }, [`POST / HTTP/1.1\r\nHost: localhost:${p}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`, ...Array.from({ length: 80 }, () => `400\r\n${'a'.repeat(1024)}\r\n`)])
    expect(chunked.status).toBe(413)
    await get(`http://127.0.0.1:${p}/?code=good&state=s`)
    expect((await done).params.get('code')).toBe('good')
  })
})
