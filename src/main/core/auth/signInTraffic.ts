import type { TrafficLog } from '../capture/trafficLog'
import type { StoredEnvironment } from '../store/environments'
import type { CallbackExchange } from './loopback'

/** The authorize URL as an entry: what was opened in the browser (nothing was sent by us). */
export function recordAuthorize(traffic: TrafficLog, env: StoredEnvironment, signInId: string, grant: string, url: string): void {
  traffic.record({ kind: 'authorize', startedAt: Date.now(), method: 'GET', url, environmentId: env.id, environmentName: env.name, signInId, grant, requestHeaders: [], requestBody: null, status: null, statusText: 'opened in the browser', httpVersion: '', responseHeaders: [], responseBody: null, timings: null, error: null })
}

/** The browser's callback to our loopback listener, as it arrived and as we answered it. */
export function recordCallback(traffic: TrafficLog, env: StoredEnvironment, signInId: string, grant: string, e: CallbackExchange): void {
  traffic.record({
    kind: 'callback',
    startedAt: e.startedAt,
    method: e.method,
    url: e.url,
    environmentId: env.id,
    environmentName: env.name,
    signInId,
    grant,
    requestHeaders: e.requestHeaders,
    requestBody: e.requestBody ? { bytes: Buffer.from(e.requestBody, 'utf8'), contentType: e.requestContentType } : null,
    status: e.status,
    statusText: e.status === 200 ? 'OK' : '',
    httpVersion: '1.1',
    responseHeaders: [['content-type', 'text/html; charset=utf-8']],
    responseBody: { bytes: Buffer.from(e.responseBody, 'utf8'), contentType: 'text/html; charset=utf-8', truncated: false },
    timings: { connect: null, tls: null, wait: e.durationMs, receive: 0, total: e.durationMs },
    error: null
  })
}
