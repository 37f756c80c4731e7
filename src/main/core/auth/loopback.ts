import { createHash, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { AppError } from '../../../shared/errors'
import type { HeaderList } from '../../../shared/http'
import { formatMs } from '../http/errors'
import { isLoopbackAuthority } from '../net/host'
import { BodyTooLarge, guardListener, listenerLimits, readBody, readRequestTarget, sendPlain, serverOptions, type ListenerLimits } from '../net/listener'

export interface CallbackResult {
  /** Query, form_post body or fragment parameters, merged. */
  params: URLSearchParams
  method: string
  url: string
}

export interface CallbackExchange {
  startedAt: number
  method: string
  url: string
  requestHeaders: HeaderList
  requestBody: string
  requestContentType: string
  status: number
  responseBody: string
  durationMs: number
}

export interface LoopbackOptions {
  /** 0 for any free port. */
  port: number
  timeoutMs: number
  signal?: AbortSignal
  /** Called for every callback the browser makes (not for the fragment relay page), for the traffic log. */
  onExchange?: (exchange: CallbackExchange) => void
  appName?: string
  /** For tests: shorter timeouts (the defaults are LISTENER_LIMITS, with a 64 KiB body: a form_post of tokens is a few KiB). */
  limits?: Partial<ListenerLimits>
}

// The relay page reads the URL fragment (which browsers never send to servers) and posts it back.
const RELAY_SCRIPT = "var f=document.forms[0];f.elements.fragment.value=location.hash.slice(1);f.submit()"
const RELAY_HASH = createHash('sha256').update(RELAY_SCRIPT).digest('base64')

function page(title: string, text: string, ok: boolean): string {
  const color = ok ? '#107c10' : '#c50f1f'
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>body{font-family:system-ui,"Segoe UI",sans-serif;background:#f6f7f9;display:flex;align-items:center;justify-content:center;min-height:100vh;margin:0}main{background:#fff;padding:36px 44px;box-shadow:0 2px 10px rgba(0,0,0,.12);max-width:520px}h1{font-size:20px;color:${color};margin:0 0 10px}p{color:#333;line-height:1.5;margin:0;word-break:break-word}</style></head><body><main><h1 id="result">${title}</h1><p>${text}</p></main></body></html>`
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function stateMatches(expected: string, given: string | null): boolean {
  if (given === null) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The redirect target of a browser sign-in: `http://localhost:<port>`, listening on 127.0.0.1 only.
 * It accepts exactly one callback whose `state` matches, answers it with OrgBench's own page, then closes;
 * a callback with another state is refused and the wait goes on; the wait ends on timeout or cancel.
 */
export class LoopbackListener {
  private expectedState: string | null = null
  private settled = false
  private resolveWait!: (r: CallbackResult) => void
  private rejectWait!: (e: Error) => void
  private readonly result: Promise<CallbackResult>
  private timer: NodeJS.Timeout | null = null

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    private readonly options: LoopbackOptions,
    private readonly limits: ListenerLimits
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolveWait = resolve
      this.rejectWait = reject
    })
    this.result.catch(() => undefined)
  }

  static async start(options: LoopbackOptions): Promise<LoopbackListener> {
    const limits = listenerLimits({ maxBodyBytes: 64 * 1024, maxConnections: 64, ...options.limits })
    const server = http.createServer(serverOptions(limits))
    guardListener(server, limits)
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') reject(new AppError('sign_in_failed', `Port ${options.port} on 127.0.0.1 is already in use, so the sign-in redirect cannot be received. Choose another loopback port in the profile, or 0 for any free port.`))
        else reject(new AppError('sign_in_failed', `Could not listen for the sign-in redirect: ${error.message}`))
      })
      server.listen(options.port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })
    const listener = new LoopbackListener(server, port, options, limits)
    server.on('request', (req, res) => listener.handle(req, res))
    listener.timer = setTimeout(() => listener.fail(new AppError('timeout', `No sign-in response arrived within ${formatMs(options.timeoutMs)}. Start the sign-in again.`)), options.timeoutMs)
    listener.timer.unref?.()
    if (options.signal) {
      if (options.signal.aborted) listener.fail(new AppError('cancelled', 'The sign-in was cancelled.'))
      options.signal.addEventListener('abort', () => listener.fail(new AppError('cancelled', 'The sign-in was cancelled.')), { once: true })
    }
    return listener
  }

  /** The redirect URI to register and send: Entra matches http://localhost on any port. */
  get redirectUri(): string {
    return `http://localhost:${this.port}`
  }

  expect(state: string): void {
    this.expectedState = state
  }

  wait(): Promise<CallbackResult> {
    return this.result
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.server.closeAllConnections?.()
    this.server.close()
  }

  private fail(error: Error): void {
    if (this.settled) return
    this.settled = true
    this.close()
    this.rejectWait(error)
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const startedAt = Date.now()
    const t0 = performance.now()
    const target = readRequestTarget(req, this.redirectUri, this.limits)
    // Refusals below end the request, never the wait: only a callback with the right state does.
    if (!target.ok) return sendPlain(res, target.status, target.reason)
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) sends its own Host: refuse it.
    if (!isLoopbackAuthority(target.authority ?? req.headers.host, this.port)) {
      return sendPlain(res, 421, `This listener only answers requests for localhost:${this.port} or 127.0.0.1:${this.port}.`)
    }
    if (req.method !== 'GET' && req.method !== 'POST') return sendPlain(res, 405, 'The sign-in listener accepts GET and POST only.', { allow: 'GET, POST' })
    if (target.pathname === '/favicon.ico') return sendPlain(res, 404, 'No icon here.')
    if (target.pathname !== '/') return sendPlain(res, 404, `The sign-in answer is expected at ${this.redirectUri}/ only.`)
    readBody(req, this.limits.maxBodyBytes).then(
      (bytes) => this.callback(req, res, target.url, bytes.toString('utf8'), startedAt, t0),
      (error: unknown) => sendPlain(res, error instanceof BodyTooLarge ? 413 : 400, error instanceof BodyTooLarge ? `The sign-in answer is larger than ${this.limits.maxBodyBytes} bytes.` : 'The request body could not be read.')
    )
  }

  private callback(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: string, startedAt: number, t0: number): void {
    const contentType = req.headers['content-type'] ?? ''
    const params = new URLSearchParams(url.search)
    if (req.method === 'POST' && /x-www-form-urlencoded/i.test(contentType)) {
      const form = new URLSearchParams(body)
      const fragment = form.get('fragment')
      for (const [k, v] of fragment !== null ? new URLSearchParams(fragment) : form) params.set(k, v)
    }
    // A GET with nothing in the query is the browser arriving with the answer in its fragment: relay it.
    if (req.method === 'GET' && !url.search) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': `default-src 'none'; script-src 'sha256-${RELAY_HASH}'; form-action 'self'`, 'cache-control': 'no-store' })
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Signing in…</title></head><body><form method="post" action="/"><input type="hidden" name="fragment"></form><noscript>Turn on JavaScript to finish signing in.</noscript><script>${RELAY_SCRIPT}</script></body></html>`)
      return
    }
    const respond = (status: number, html: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' })
      res.end(html)
      this.options.onExchange?.({
        startedAt,
        method: req.method ?? 'GET',
        url: url.href,
        requestHeaders: Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')] as [string, string]),
        requestBody: body,
        requestContentType: contentType,
        status,
        responseBody: html,
        durationMs: Math.round((performance.now() - t0) * 100) / 100
      })
    }
    if (this.settled) {
      respond(410, page('This sign-in is over', 'OrgBench already received an answer for this sign-in. You can close this tab.', false))
      return
    }
    if (!this.expectedState || !stateMatches(this.expectedState, params.get('state'))) {
      respond(400, page('Sign-in response refused', 'This response does not belong to the sign-in OrgBench started (its state does not match), so it was ignored. If you started a new sign-in, use that browser tab.', false))
      return
    }
    const error = params.get('error')
    const app = esc(this.options.appName ?? 'OrgBench')
    respond(
      200,
      error
        ? page('Sign-in failed', `${esc(params.get('error_description')?.split(/\r?\n/)[0] ?? error)}<br><br>Return to ${app} for the explanation and the fix.`, false)
        : page('You are signed in', `Return to ${app}. You can close this tab.`, true)
    )
    this.settled = true
    this.resolveWait({ params, method: req.method ?? 'GET', url: url.href })
    // Close after the page is sent: one callback only.
    res.on('finish', () => this.close())
  }
}
