import type { Dispatcher } from 'undici'
import type { HeaderList } from '../../../shared/http'

export interface RawResponse {
  status: number
  statusText: string
  headers: HeaderList
  chunks: Buffer[]
  received: number
  /** The body went past the limit: the rest was not downloaded. */
  truncated: boolean
  /** performance.now() when the status line and headers arrived. */
  headersAt: number
}

export interface Exchange {
  response: Promise<RawResponse>
  /** Stop the exchange; the promise rejects with `reason`. */
  abort(reason: Error): void
}

/**
 * One request through undici's dispatch API: body chunks are collected directly (no Readable stream)
 * and the exchange is aborted through undici's controller (no AbortSignal), which keeps the hot path lean.
 */
export function dispatch(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, limit: number): Exchange {
  let controller: Dispatcher.DispatchController | null = null
  let pendingAbort: Error | null = null
  let settled = false
  let resolve!: (r: RawResponse) => void
  let reject!: (e: Error) => void
  const response = new Promise<RawResponse>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  const result: RawResponse = { status: 0, statusText: '', headers: [], chunks: [], received: 0, truncated: false, headersAt: 0 }
  const finish = (): void => {
    if (settled) return
    settled = true
    resolve(result)
  }
  const fail = (error: Error): void => {
    if (settled) return
    settled = true
    reject(error)
  }

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(c) {
      controller = c
      if (pendingAbort) c.abort(pendingAbort)
    },
    onResponseStart(_c, statusCode, headers, statusMessage) {
      if (statusCode < 200 && statusCode !== 101) return
      result.status = statusCode
      result.statusText = statusMessage ?? ''
      result.headersAt = performance.now()
      for (const name in headers) {
        const value = headers[name]
        if (value === undefined) continue
        if (Array.isArray(value)) for (const v of value) result.headers.push([name, v])
        else result.headers.push([name, value])
      }
    },
    onResponseData(c, chunk) {
      const room = limit - result.received
      if (chunk.byteLength > room) {
        if (room > 0) result.chunks.push(chunk.subarray(0, room))
        result.received = limit
        result.truncated = true
        finish()
        c.abort(new Error('response size limit reached'))
        return
      }
      result.chunks.push(chunk)
      result.received += chunk.byteLength
    },
    onResponseEnd() {
      finish()
    },
    onResponseError(_c, error) {
      fail(error)
    }
  }

  try {
    dispatcher.dispatch(options, handler)
  } catch (error) {
    fail(error as Error)
  }
  return {
    response,
    abort(reason) {
      if (settled) return
      fail(reason)
      if (controller) controller.abort(reason)
      else pendingAbort = reason
    }
  }
}
