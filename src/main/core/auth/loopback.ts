import { createHash, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { AppError } from '../../../shared/errors'
import type { HeaderList } from '../../../shared/http'
import { formatMs } from '../http/errors'

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
    private readonly options: LoopbackOptions
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolveWait = resolve
      this.rejectWait = reject
    })
    this.result.catch(() => undefined)
  }

  static async start(options: LoopbackOptions): Promise<LoopbackListener> {
    const server = http.createServer()
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') reject(new AppError('sign_in_failed', `Port ${options.port} on 127.0.0.1 is already in use, so the sign-in redirect cannot be received. Choose another loopback port in the profile, or 0 for any free port.`))
        else reject(new AppError('sign_in_failed', `Could not listen for the sign-in redirect: ${error.message}`))
      })
      server.listen(options.port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })
    const listener = new LoopbackListener(server, port, options)
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
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > 1024 * 1024) req.destroy()
      else chunks.push(c)
    })
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://localhost:${this.port}`)
      const body = Buffer.concat(chunks).toString('utf8')
      const contentType = req.headers['content-type'] ?? ''
      const params = new URLSearchParams(url.search)
      if (req.method === 'POST' && /x-www-form-urlencoded/i.test(contentType)) {
        const form = new URLSearchParams(body)
        const fragment = form.get('fragment')
        for (const [k, v] of fragment !== null ? new URLSearchParams(fragment) : form) params.set(k, v)
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(404).end()
        return
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
    })
  }
}
