import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '@shared/contract'
import type { OrgbenchBridge } from '@shared/channels'
import type { AppErrorShape, ErrorCode, Result } from '@shared/errors'

/** A failure from main, as it crossed the boundary: show `message` as it is. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly detail: unknown
  constructor(shape: AppErrorShape) {
    super(shape.message)
    this.name = 'ApiError'
    this.code = shape.code
    this.detail = shape.detail
  }
}

export interface ApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

export function createClient(bridge: OrgbenchBridge): ApiClient {
  return {
    async call(method, input) {
      let result: Result<unknown>
      try {
        result = (await bridge.invoke(method, plain(input))) as Result<unknown>
      } catch (error) {
        throw new ApiError({ code: 'internal', message: `Could not reach the OrgBench core: ${(error as Error).message}` })
      }
      if (!result || typeof result !== 'object' || !('ok' in result)) throw new ApiError({ code: 'internal', message: 'The core sent an answer this window does not understand.' })
      if (!result.ok) throw new ApiError(result.error)
      return result.value as never
    },
    on(event, listener) {
      return bridge.on(event, listener as (payload: unknown) => void)
    }
  }
}

/**
 * A copy made of plain arrays and objects. IPC clones what it sends, and a store's reactive proxies
 * cannot be cloned ("An object could not be cloned"): every input crosses as plain data.
 */
export function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => plain(v)) as T
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) copy[k] = plain(v)
    return copy as T
  }
  return value
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
